"""Pure helpers for the homepages spider: which homepage URLs are acceptable, which links on a homepage are
its owner's about / bio / CV pages, and what counts as an HTML body.

Kept out of the spider so the rules (same host only, no credentials, http(s) only, HTML only) are tested
without Scrapy running.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Link text or last path segment naming the owner's own pages (English, French, German, Chinese)
_ABOUT_WORDS = re.compile(
    r"^(?:about(?:[ _-]?me)?|bio(?:graphy)?|short[ _-]?bio|cv|c\.v\.|vita|curriculum[ _-]?vitae|resume|résumé"
    r"|education|background|home[ _-]?about|à[ _-]propos|biographie|parcours|lebenslauf|über[ _-]mich"
    r"|简历|个人简介|关于我|关于|简介|履歴)$", re.IGNORECASE)
_NOT_HTML_EXTENSIONS = (".pdf", ".doc", ".docx", ".ps", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".bib",
                        ".tex", ".mp4", ".ppt", ".pptx", ".xml", ".json", ".txt")


def homepage_url(value: str | None) -> str | None:
    """A normalised http(s) URL with a host and no credentials, or None (a bare "example.org" gets http://)."""
    if not value:
        return None
    text = value.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    del port
    return urldefrag(text)[0]


def host_key(url: str) -> tuple[str, int | None]:
    """Host and port: what "same host" compares (www.example.org and example.org are different hosts)."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "", parts.port or default)


def is_html(content_type: str | None) -> bool:
    return bool(content_type) and content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def about_links(html: str, base_url: str, limit: int) -> list[str]:
    """Up to ``limit`` same-host links whose text or last path segment says about / bio / CV (HTML only)."""
    if limit <= 0 or not html.strip():
        return []
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = urldefrag(base_url)[0]
    here = host_key(base)
    found: list[str] = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
            continue
        url = homepage_url(urljoin(base, href))
        if url is None or url == base or host_key(url) != here:
            continue  # off-host, credentials or not http(s): never followed
        path = urlsplit(url).path
        if path.lower().endswith(_NOT_HTML_EXTENSIONS):
            continue
        segment = path.rstrip("/").rsplit("/", 1)[-1]
        segment = re.sub(r"\.(?:html?|php|aspx?)$", "", segment)
        text = " ".join(anchor.text_content().split())
        if not (_ABOUT_WORDS.match(text) or _ABOUT_WORDS.match(segment)):
            continue
        if url not in found:
            found.append(url)
        if len(found) >= limit:
            break
    return found
