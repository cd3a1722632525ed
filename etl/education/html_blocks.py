"""Page HTML → text blocks, each with the kind of section it sits in.

Why blocks and not the page text: a CV line ("B.S., Tsinghua University, 2014–2018") must stay one unit
(Hugo Academic splits it over two ``<p>`` inside one ``<li>``), while a students list or a news feed must be
recognised as such from its heading, its id/class or its own first words, so that degrees in it are never
read as the owner's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from etl.education.vocabulary import ATTRIBUTE_HINTS, EDUCATION, NEUTRAL, SKIP, classify_heading

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "button", "form", "select",
                        "option", "iframe", "textarea", "math", "canvas", "footer"})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_ITEMS = frozenset({"li", "tr", "dd", "dt"})
_PARAGRAPHS = frozenset({"p", "blockquote", "figcaption", "caption", "address", "summary", "pre"})
_BLOCKS = _ITEMS | _PARAGRAPHS | frozenset(_HEADINGS) | frozenset({
    "div", "section", "article", "main", "header", "aside", "ul", "ol", "dl", "table", "tbody", "thead", "body",
    "html", "details", "hr", "br", "td", "th"})
_PSEUDO_LEVEL = 7  # a bold line or "Education:" paragraph acts as a heading below every real one
_MAX_ITEM_CHARS = 2500  # an <li> wrapping a whole page section is recursed into, not flattened
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u3000]+")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of page text: a CV line, a table row, a paragraph (``item`` says it is a list/table entry)."""

    text: str
    section: str  # EDUCATION, SKIP or NEUTRAL
    item: bool


@dataclass(frozen=True, slots=True)
class Page:
    blocks: tuple[Block, ...]
    title: str  # <title>, og:title and the first <h1>: where the owner's name is


def clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _flat_text(element: lxml.html.HtmlElement) -> str:
    """All text of an element; block-level children are separated by ' | ', <br> by a newline (source line
    breaks are only whitespace)."""
    parts: list[str] = [_spaces(element.text)]
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _SKIP_TAGS:
            parts.append(_spaces(child.tail))
            continue
        if child.tag == "br":
            parts.append("\n")
        else:
            inner = _flat_text(child)
            parts.append(f" | {inner} | " if child.tag in _BLOCKS else inner)
        parts.append(_spaces(child.tail))
    return "".join(parts)


def _spaces(text: str | None) -> str:
    return text.replace("\n", " ") if text else ""


def _tidy(text: str) -> list[str]:
    """Lines of a flattened text, with empty and repeated separators removed."""
    lines = []
    for line in text.split("\n"):
        line = clean(line)
        line = re.sub(r"(?:\s*\|\s*)+", " | ", line).strip(" |")
        if line:
            lines.append(line)
    return lines


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str | None]] = []  # (level, kind) of the headings above the cursor
        self.hints: list[str] = []  # section kinds from enclosing elements' id/class
        self.buffer: list[str] = []
        self.first_h1 = ""

    # -- context --------------------------------------------------------------------------------------
    def section(self) -> str:
        for kind in reversed(self.hints):
            return kind
        for _level, kind in reversed(self.headings):
            if kind is not None:
                return kind
        return NEUTRAL

    def heading(self, level: int, text: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, classify_heading(text)))

    # -- output ---------------------------------------------------------------------------------------
    def emit(self, text: str, item: bool) -> None:
        for line in _tidy(text):
            kind = classify_heading(line)
            if kind is not None or (len(line) <= 40 and line.endswith((":", "："))):
                self.heading(_PSEUDO_LEVEL, line)  # "Education:" as a paragraph of its own
                continue
            self.blocks.append(Block(line, self.section(), item))

    def flush(self) -> None:
        if self.buffer:
            self.emit("".join(self.buffer), item=False)
            self.buffer = []

    # -- traversal ------------------------------------------------------------------------------------
    def walk(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _SKIP_TAGS or element.get("hidden") is not None or element.get("aria-hidden") == "true":
            return
        if tag in _HEADINGS:
            self.flush()
            text = clean(element.text_content())
            if tag == "h1" and not self.first_h1:
                self.first_h1 = text
            self.heading(_HEADINGS[tag], text)
            return
        if tag in _ITEMS or tag in _PARAGRAPHS:
            text = _flat_text(element)
            if tag in _PARAGRAPHS or len(text) <= _MAX_ITEM_CHARS:
                self.flush()
                self.emit(text, item=tag in _ITEMS)
                return
        hint = self._hint(element)
        if hint:
            self.hints.append(hint)
        block = tag in _BLOCKS
        if block:
            self.flush()
        if element.text:
            self.buffer.append(_spaces(element.text))
        for child in element:
            if isinstance(child.tag, str) and child.tag == "br":
                self.buffer.append("\n")
            elif isinstance(child.tag, str) and child.tag not in _BLOCKS and child.tag not in _SKIP_TAGS \
                    and not child.xpath(".//*[self::p or self::div or self::li or self::h1 or self::h2 or self::h3"
                                        " or self::h4 or self::h5 or self::h6 or self::ul or self::table]"):
                self.buffer.append(_spaces(child.text_content()))  # inline: a, span, em, strong …
            else:
                self.walk(child)
            if child.tail:
                self.buffer.append(_spaces(child.tail))
        if block:
            self.flush()
        if hint:
            self.hints.pop()

    @staticmethod
    def _hint(element: lxml.html.HtmlElement) -> str | None:
        words = [element.get("id") or "", *(element.get("class") or "").split()]
        for word in words:
            kind = ATTRIBUTE_HINTS.get(word.strip().lower())
            if kind:
                return kind
        return None


def page_blocks(html: str) -> Page:
    """The page's blocks in document order, and where its owner's name is likely written."""
    if not html or not html.strip():
        return Page((), "")
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return Page((), "")
    title_parts = [clean(t) for t in root.xpath("//title/text() | //meta[@property='og:title']/@content"
                                                 " | //meta[@name='author']/@content")]
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    title = " ".join(p for p in [*title_parts, walker.first_h1] if p)
    return Page(tuple(walker.blocks), title)


__all__ = ["EDUCATION", "NEUTRAL", "SKIP", "Block", "Page", "page_blocks"]
