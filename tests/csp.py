"""Checks that a page obeys our Content-Security-Policy: the header allows no inline script, and the HTML
has none (no <script> without src except nonce'd JSON-LD data, no on* handlers, no style attributes or
<style> elements)."""

from html.parser import HTMLParser

DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class _Inline(HTMLParser):
    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._script = attributes
            if "src" not in attributes and (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
                self.problems.append("inline <script>")
            if "src" not in attributes and attributes.get("nonce") != self.nonce:
                self.problems.append(f"data <script> without the page's nonce: {attributes}")
        if tag == "a" and (attributes.get("href") or "").strip().lower().startswith("javascript:"):
            self.problems.append("javascript: link")


def assert_csp_clean(response, where: str = "") -> None:
    directives = policy(response)
    assert directives, f"{where}: no Content-Security-Policy header"
    script_src = directives.get("script-src", directives.get("default-src", []))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, (where, script_src)
    assert "'unsafe-inline'" not in directives.get("style-src", []), where
    assert directives.get("object-src") == ["'none'"], where
    nonce = next((value[7:-1] for value in script_src if value.startswith("'nonce-")), None)
    parser = _Inline(nonce)
    parser.feed(response.content.decode())
    assert not parser.problems, f"{where}: {parser.problems}"
