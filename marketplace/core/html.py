"""Rich text entered by people (producers' and staff's descriptions, content pages), reduced to harmless
markup before it is stored: the pages render it with |safe."""

import re

import nh3
from django.conf import settings

_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")

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
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}


def _own_media_only(tag: str, attribute: str, value: str) -> str | None:
    """Images only from our own uploads (MEDIA_URL, which the CSP's img-src allows): no tracking pixels or
    hot-linked pictures from elsewhere. A path that climbs out of MEDIA_URL is refused too."""
    own = value.startswith(settings.MEDIA_URL) and ".." not in value and "\\" not in value
    if tag == "img" and attribute == "src" and not own:
        return None
    return value


def sanitize_description(html: str) -> str:
    """Rich text from producers and staff, reduced to harmless markup (no scripts, styles, event handlers,
    foreign images). An <img> whose source was refused is dropped whole."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_own_media_only,
        link_rel="nofollow noopener",
    )
    if "<img" in cleaned:
        cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    return cleaned
