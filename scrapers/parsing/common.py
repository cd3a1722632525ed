"""Small helpers every parser shares: tiers from decision strings, text clean-up, email → domain."""

from __future__ import annotations

import html
import json
import re
import unicodedata

from scrapers.items import TIER_RANK

_TIER_WORDS = (("oral", "oral"), ("spotlight", "spotlight"), ("highlight", "oral"), ("poster", "poster"))


class ParseError(ValueError):
    """A body that cannot be read as the format it claims to be; the message names the problem."""


def json_object_with_list(body: bytes | str, what: str, list_key: str) -> dict:
    """Parse a JSON body that must be an object holding a list under ``list_key``.

    Every JSON source (feed, Metadata.json, notes pages, profiles) fails the same two ways — not JSON
    (truncated, an HTML error page) or the wrong shape — and each must say which, naming the document.
    """
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get(list_key), list):
        raise ParseError(f"{what} has no '{list_key}' list")
    return document


def tier_from_text(text: str | None) -> str | None:
    """Map a decision / event / venue string ("Accept (oral)", "NeurIPS 2023 spotlight") to a tier.

    Returns None when the string carries no tier (2022's plain "Accept"), so the caller can look elsewhere.
    """
    if not text:
        return None
    lowered = text.lower()
    for word, tier in _TIER_WORDS:
        if word in lowered:
            return tier
    return None


def higher_tier(a: str | None, b: str | None) -> str | None:
    """The more prominent of two tiers (oral > spotlight > poster); None loses to anything."""
    if a is None:
        return b
    if b is None:
        return a
    return a if TIER_RANK[a] >= TIER_RANK[b] else b


def clean_text(value: object) -> str | None:
    """Unescape HTML entities, fold odd whitespace (incl. BOM / zero-width) and return None for blanks."""
    if value is None:
        return None
    text = html.unescape(str(value))
    text = text.replace("\ufeff", "").replace("\u200b", "")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def email_domain(value: str | None) -> str | None:
    """The domain part of an email address, lower-cased; we never keep the address itself."""
    if not value or "@" not in value:
        return None
    domain = value.rsplit("@", 1)[1].strip().lower().strip(".")
    return domain or None


def track_from_text(*texts: str | None) -> str:
    """'datasets_and_benchmarks' when any string names that track, else 'main'."""
    for text in texts:
        if text and re.search(r"datasets?[\s_&]*(and|&)?[\s_]*benchmarks?", text, re.IGNORECASE):
            return "datasets_and_benchmarks"
    return "main"


_EMAIL = re.compile(r"[\w.+%-]+@((?:[\w-]+\.)+[a-z]{2,})", re.IGNORECASE)


def institution_and_domain(value: object) -> tuple[str | None, str | None]:
    """Split an affiliation string into (text without email addresses, email domain).

    Some authors typed their email where the institution belongs ("zqshi@mail.tsinghua.edu.cn"); the
    domain is good evidence for the resolver, the address itself must never be stored.
    """
    text = clean_text(value)
    if text is None or "@" not in text:
        return text, None
    match = _EMAIL.search(text)
    domain = match.group(1).lower() if match else None
    remainder = _EMAIL.sub(" ", text)
    remainder = re.sub(r"[\s,;()<>\[\]]+$", "", re.sub(r"^[\s,;()<>\[\]]+", "", remainder))
    remainder = re.sub(r"\s+", " ", remainder).replace("@", " ").strip()
    return remainder or None, domain


# Errors a parser may hit on one malformed record (a null author, a string where an object belongs).
# Spiders catch them per record, so one bad record is rejected and the rest of the response still lands.
RECORD_ERRORS = (ParseError, AttributeError, TypeError, KeyError, ValueError, IndexError)


def scrub_email_addresses(text: str) -> str:
    """Replace every email address in free text by its domain (for reject reasons and log lines)."""
    return _EMAIL.sub(lambda match: match.group(1).lower(), text) if "@" in text else text


def describe_record(value: object, limit: int = 120) -> str:
    """A short, address-free description of a record for an error message."""
    return scrub_email_addresses(str(value)[:limit])
