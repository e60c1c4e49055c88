"""Rich text entered by people (producers' and staff's descriptions, content pages), reduced to harmless
markup before it is stored: the pages render it with |safe."""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_description(html: str) -> str:
    """Rich text from producers, reduced to harmless markup (no scripts, styles, event handlers)."""
    return nh3.clean(
        html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="nofollow noopener"
    )
