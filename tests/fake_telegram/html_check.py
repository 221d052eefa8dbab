"""A hand-written checker for the HTML dialect Telegram accepts with ``parse_mode=HTML``.

It mirrors the behaviour of Telegram's own parser closely enough for tests:

* supported tags: b, strong, i, em, u, ins, s, strike, del, span (only with
  ``class="tg-spoiler"``), tg-spoiler, a (href), code, pre, blockquote (optionally
  ``expandable``) and tg-emoji (``emoji-id``); tag names are case-insensitive;
* tags must be closed and properly nested;
* a ``<`` that does not start a supported tag is an error;
* only ``&lt; &gt; &amp; &quot;`` and numeric character references are decoded; any
  other ``&...`` sequence is kept literally (as Telegram does);
* error reasons use Telegram's wording, including UTF-8 byte offsets.

``parse_html`` returns the plain text the user sees plus Bot API style entities whose
offsets and lengths are counted in UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SUPPORTED_TAGS",
    "HTMLParseError",
    "ParsedHTML",
    "html_to_text",
    "is_valid_html",
    "parse_html",
    "utf16_len",
]

_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

SUPPORTED_TAGS: frozenset[str] = frozenset(_ENTITY_TYPES)

_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\f\v\0")
_NAME_TOKEN_EXTRA = frozenset(".-")


class HTMLParseError(ValueError):
    """Raised for markup Telegram would reject; ``reason`` uses Telegram's wording."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def description(self) -> str:
        """The full Bot API error description."""
        return f"Bad Request: can't parse entities: {self.reason}"


@dataclass(frozen=True)
class ParsedHTML:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output text
    byte_offset: int
    attributes: dict[str, str]
    language: str | None = None


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit Telegram counts in)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _is_alpha(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 units written so far
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers -------------------------------------------------------------------------
    def byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8", errors="surrogatepass"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.out_len += utf16_len(text)

    def char(self, pos: int) -> str:
        return self.src[pos] if pos < self.n else ""

    def skip_spaces(self, pos: int) -> int:
        while pos < self.n and self.src[pos] in _SPACES:
            pos += 1
        return pos

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode a character reference starting at ``pos`` (which holds ``&``)."""
        src = self.src
        end = pos + 1
        if self.char(end) == "#":
            end += 1
            base = 10
            if self.char(end) in ("x", "X"):
                base = 16
                end += 1
            digits_start = end
            allowed = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
            while end < self.n and src[end] in allowed:
                end += 1
            digits = src[digits_start:end]
            if not digits or len(digits) > 8:
                return None
            code = int(digits, base)
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            value = chr(code)
        else:
            while end < self.n and _is_alpha(src[end]):
                end += 1
            name = src[pos + 1 : end]
            if name not in _NAMED_ENTITIES:
                return None
            value = _NAMED_ENTITIES[name]
        if self.char(end) == ";":
            end += 1
        return value, end

    # -- main loop -----------------------------------------------------------------------
    def run(self) -> ParsedHTML:
        pos = 0
        src = self.src
        while pos < self.n:
            ch = src[pos]
            if ch == "&":
                decoded = self.decode_entity(pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    pos = decoded[1]
                else:
                    self.emit("&")
                    pos += 1
            elif ch == "<":
                closing = self.char(pos + 1) == "/"
                pos = self.end_tag(pos) if closing else self.start_tag(pos)
            else:
                nxt = pos + 1
                while nxt < self.n and src[nxt] not in "<&":
                    nxt += 1
                self.emit(src[pos:nxt])
                pos = nxt
        if self.stack:
            raise HTMLParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedHTML("".join(self.out), self.entities)

    def start_tag(self, begin: int) -> int:
        src = self.src
        offset = self.byte_offset(begin)
        pos = begin + 1
        while pos < self.n and src[pos] not in _SPACES and src[pos] != ">":
            pos += 1
        if pos >= self.n:
            raise HTMLParseError(f"Unclosed start tag at byte offset {offset}")
        name = src[begin + 1 : pos].lower()
        if name not in SUPPORTED_TAGS:
            raise HTMLParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        attributes: dict[str, str] = {}
        while True:
            pos = self.skip_spaces(pos)
            if pos >= self.n:
                raise HTMLParseError(f"Unclosed start tag at byte offset {offset}")
            if src[pos] == ">":
                pos += 1
                break
            attr_start = pos
            while pos < self.n and src[pos] not in _SPACES and src[pos] not in "=>":
                pos += 1
            attr_name = src[attr_start:pos].lower()
            if not attr_name:
                raise HTMLParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {offset}'
                )
            pos = self.skip_spaces(pos)
            if self.char(pos) != "=":
                if name == "blockquote" and attr_name == "expandable":
                    attributes[attr_name] = ""
                    continue
                if pos >= self.n:
                    raise HTMLParseError(f"Unclosed start tag at byte offset {offset}")
                raise HTMLParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {offset}'
                )
            pos = self.skip_spaces(pos + 1)
            if pos >= self.n:
                raise HTMLParseError(f"Unclosed start tag at byte offset {offset}")
            quote = src[pos]
            if quote in "\"'":
                pos += 1
                value_parts: list[str] = []
                while pos < self.n and src[pos] != quote:
                    if src[pos] == "&":
                        decoded = self.decode_entity(pos)
                        if decoded is not None:
                            value_parts.append(decoded[0])
                            pos = decoded[1]
                            continue
                    value_parts.append(src[pos])
                    pos += 1
                if pos >= self.n:
                    raise HTMLParseError(f"Unclosed start tag at byte offset {offset}")
                pos += 1
                value = "".join(value_parts)
            else:
                token_start = pos
                while pos < self.n and (src[pos].isalnum() or src[pos] in _NAME_TOKEN_EXTRA):
                    pos += 1
                if pos < self.n and src[pos] not in _SPACES and src[pos] != ">":
                    raise HTMLParseError(
                        "Unexpected end of name token at byte offset "
                        f"{self.byte_offset(token_start)}"
                    )
                value = src[token_start:pos].lower()
            attributes[attr_name] = value
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HTMLParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise HTMLParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
            )
        self.stack.append(_OpenTag(name, self.out_len, offset, attributes))
        return pos

    def end_tag(self, begin: int) -> int:
        src = self.src
        offset = self.byte_offset(begin)
        pos = begin + 2
        while pos < self.n and src[pos] not in _SPACES and src[pos] != ">":
            pos += 1
        name = src[begin + 2 : pos].lower()
        pos = self.skip_spaces(pos)
        if self.char(pos) != ">":
            raise HTMLParseError(f"Unclosed end tag at byte offset {offset}")
        pos += 1
        if not self.stack:
            raise HTMLParseError(f"Unexpected end tag at byte offset {offset}")
        top = self.stack[-1]
        if name != top.name:
            raise HTMLParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        self.close_entity(top)
        return pos

    def close_entity(self, tag: _OpenTag) -> None:
        length = self.out_len - tag.start
        kind = _ENTITY_TYPES[tag.name]
        if tag.name == "code":
            language = tag.attributes.get("class", "")
            parent = self.stack[-1] if self.stack else None
            if (
                parent is not None
                and parent.name == "pre"
                and parent.start == tag.start
                and language.startswith("language-")
            ):
                parent.language = language.removeprefix("language-")
                return
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
        if tag.name == "a":
            href = tag.attributes.get("href", "")
            if not href:
                return
            user_id = href.removeprefix("tg://user?id=")
            if user_id != href and user_id.isdigit():
                entity["type"] = "text_mention"
                entity["user"] = {"id": int(user_id), "is_bot": False, "first_name": ""}
            else:
                entity["url"] = href
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        self.entities.append(entity)


def parse_html(source: str) -> ParsedHTML:
    """Parse Telegram HTML; raise :class:`HTMLParseError` when Telegram would reject it."""
    return _Parser(source).run()


def html_to_text(source: str) -> str:
    """The plain text a user sees for ``source`` (raises :class:`HTMLParseError`)."""
    return parse_html(source).text


def is_valid_html(source: str) -> bool:
    try:
        parse_html(source)
    except HTMLParseError:
        return False
    return True
