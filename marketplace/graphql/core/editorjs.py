"""Saleor serves rich text as EditorJS JSON. We store sanitised HTML; these convert between the two."""

import html
import json
from html.parser import HTMLParser
from typing import Any

from graphql import GraphQLError

from marketplace.graphql.core import limits

EDITORJS_VERSION = "2.24.3"
_BLOCK_TAGS = {"p": "paragraph", "h2": "header", "h3": "header", "h4": "header", "blockquote": "quote"}


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks: list[dict] = []
        self.current: dict | None = None
        self.buffer: list[str] = []
        self.list_items: list[str] | None = None
        self.list_style = "unordered"
        self.in_item = False

    def _flush_loose_text(self):
        text = "".join(self.buffer).strip()
        if text:
            self.blocks.append({"type": "paragraph", "data": {"text": text}})
        self.buffer = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS and self.list_items is None:
            self._flush_loose_text()
            self.current = {"tag": tag}
            return
        if tag in ("ul", "ol"):
            self._flush_loose_text()
            self.list_items = []
            self.list_style = "ordered" if tag == "ol" else "unordered"
            return
        if tag == "li" and self.list_items is not None:
            self.in_item = True
            self.buffer = []
            return
        if tag == "br":
            self.buffer.append("<br>")
            return
        if tag == "img":  # EditorJS's image block (placed before the text around it)
            found = dict(attrs)
            if found.get("src"):
                data = {"file": {"url": found["src"]}, "caption": html.escape(found.get("alt") or "")}
                self.blocks.append({"type": "image", "data": data})
            return
        rendered = "".join(
            f' {name}="{html.escape(value or "", quote=True)}"'
            for name, value in attrs
            if name in ("href", "title")
        )
        self.buffer.append(f"<{tag}{rendered}>")

    def handle_endtag(self, tag):
        if self.current is not None and tag == self.current["tag"]:
            text = "".join(self.buffer).strip()
            kind = _BLOCK_TAGS[tag]
            if kind == "header":
                self.blocks.append({"type": "header", "data": {"text": text, "level": int(tag[1])}})
            elif kind == "quote":
                self.blocks.append(
                    {"type": "quote", "data": {"text": text, "caption": "", "alignment": "left"}}
                )
            else:
                self.blocks.append({"type": "paragraph", "data": {"text": text}})
            self.current = None
            self.buffer = []
            return
        if tag == "li" and self.list_items is not None:
            self.list_items.append("".join(self.buffer).strip())
            self.buffer = []
            self.in_item = False
            return
        if tag in ("ul", "ol") and self.list_items is not None:
            self.blocks.append({"type": "list", "data": {"style": self.list_style, "items": self.list_items}})
            self.list_items = None
            return
        if tag != "br":
            self.buffer.append(f"</{tag}>")

    def handle_data(self, data):
        self.buffer.append(data)

    def handle_entityref(self, name):
        self.buffer.append(f"&{name};")

    def handle_charref(self, name):
        self.buffer.append(f"&#{name};")

    def close(self):
        super().close()
        self._flush_loose_text()


def html_to_editorjs(value: str) -> dict | None:
    """Sanitised HTML -> EditorJS document (None for empty text, as Saleor returns null)."""
    if not (value or "").strip():
        return None
    parser = _Blocks()
    parser.feed(value)
    parser.close()
    return {"time": 0, "blocks": parser.blocks, "version": EDITORJS_VERSION}


def rich_text(info, value: str) -> dict | None:
    """html_to_editorjs for a resolver: each distinct text converted once per request, and no more characters
    than the request's cost paid for (limits.RICH_TEXT_FIELDS; views.GraphQLView sets `rich_text_chars`)."""
    if not (value or "").strip():
        return None
    context = info.context
    memo = getattr(context, "_rich_text_memo", None)
    if memo is None:
        memo = context._rich_text_memo = {}
        context._rich_text_used = 0
    if value in memo:
        return memo[value]
    budget = getattr(context, "rich_text_chars", None)
    if budget is None:
        budget = limits.RICH_TEXTS_PER_REQUEST * limits.RICH_TEXT_CHARS
    if context._rich_text_used + len(value) > budget:
        raise GraphQLError(
            f"This request converts at most {budget} characters of rich text; ask for fewer descriptions."
        )
    context._rich_text_used += len(value)
    memo[value] = html_to_editorjs(value)
    return memo[value]


def editorjs_to_html(document) -> str:
    """EditorJS JSON (dict or string) -> HTML; the caller's service sanitises it."""
    if document in (None, ""):
        return ""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except RecursionError:
            return ""
        except ValueError:
            return f"<p>{html.escape(document)}</p>"
    if not isinstance(document, dict):
        return ""
    parts = []
    for block in document.get("blocks") or []:
        if not isinstance(block, dict):
            continue
        raw = block.get("data")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        kind = block.get("type")
        if kind == "header":
            level = data.get("level") if data.get("level") in (2, 3, 4) else 2
            parts.append(f"<h{level}>{text}</h{level}>")
        elif kind == "list":
            tag = "ol" if data.get("style") == "ordered" else "ul"
            entries = data.get("items")
            entries = entries if isinstance(entries, list) else []
            items = "".join(f"<li>{item}</li>" for item in entries if isinstance(item, str))
            parts.append(f"<{tag}>{items}</{tag}>")
        elif kind == "quote":
            parts.append(f"<blockquote>{text}</blockquote>")
        elif kind == "image":
            raw_file = data.get("file")
            file: dict[str, Any] = raw_file if isinstance(raw_file, dict) else {}
            url = file["url"] if isinstance(file.get("url"), str) else ""
            caption = data["caption"] if isinstance(data.get("caption"), str) else ""
            if url:
                alt = html.escape(html.unescape(caption), quote=True)
                parts.append(f'<p><img src="{html.escape(url, quote=True)}" alt="{alt}"></p>')
        else:
            parts.append(f"<p>{text}</p>")
    return "".join(parts)
