"""What the registry build accepts as a name: no e-mail addresses, no free text (issue 9).

swot's ``names`` are whatever a requester typed: after the institution's name come URLs, "Email:
info@…", street addresses, phone numbers and signed letters ("Kind regards, <a person>"). Those reached
``institutions.institution_names`` — 31 full e-mail addresses among them. Nothing we store may keep a
full address, so every name the build takes in passes :func:`without_addresses`, and swot's lists are
cut to their leading name lines by :func:`swot_names`.
"""

from __future__ import annotations

import re

# anything with an '@' between non-space characters, and the "@domain" of "emails at @school.org"
_ADDRESS = re.compile(r"\S*@\S+")
_LEFTOVER = re.compile(r"^[\s,;:/|()\-–—]+|[\s,;:/|(\-–—]+$")
_LETTER = re.compile(r"[^\W\d_]")
# a line of free text rather than a name: a URL, a "Label: value", a phone or postcode, a letter's
# punctuation, or a sentence
_FREE_TEXT = re.compile(r"://|\bwww\.|@|[:：]\s|[:：>]$|\d{4,}|[,;]$|^[#\-*•]|\b(?:email|e-mail|mail|mailbox|"
                        r"domain|url|website|web site|homepage|page|phone|tel|fax|address|adress|regards)\b",
                        re.IGNORECASE)
_URL = re.compile(r"[\[(<]?\s*(?:https?://|www\.)\S*?\s*[\])>]?(?=\s|$)", re.IGNORECASE)
# after a name, a line opening with a house number is a street address; the town ("Ealing") and city
# ("London") that follow it had become a school's names, so "InstaDeep, London" resolved to that school.
# A first line may open with a number: "42 London" is a school's name.
_STREET = re.compile(r"^\d+[a-z]?\s")
MAX_NAME_CHARS = 150
MAX_NAME_WORDS = 16


def without_addresses(name: str) -> str:
    """``name`` with every e-mail address (or ``@domain`` fragment) removed; "" when nothing is left."""
    if "@" not in name:
        return name
    cleaned = _LEFTOVER.sub("", " ".join(_ADDRESS.sub(" ", name).split()))
    return cleaned if _LETTER.search(cleaned) else ""


def is_free_text(line: str) -> bool:
    """True for a line that is not a name: URLs, addresses, labels, phone numbers, sentences."""
    text = line.strip()
    return (not text or bool(_FREE_TEXT.search(text)) or len(text) > MAX_NAME_CHARS
            or len(text.split()) > MAX_NAME_WORDS)


def swot_names(lines: list[str]) -> list[str]:
    """The names at the head of a swot entry: free text before the first name is skipped, and the list
    ends at the first free-text line after it (what follows is a request letter, a signature, a person).
    A URL or address beside a name is cut off ("CQUniversity [https://…]" → "CQUniversity")."""
    out: list[str] = []
    for line in lines:
        name = " ".join(line.split())
        cut = _URL.sub(" ", without_addresses(name))
        if cut != name:  # something was cut off: drop the separators it leaves behind
            name = _LEFTOVER.sub("", " ".join(cut.split()))
        if out and _STREET.match(name):
            break
        if "@" in line or is_free_text(name):  # a line that carried an address is not a name
            if out:
                break
            continue
        out.append(name)
    return out
