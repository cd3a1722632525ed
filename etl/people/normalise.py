"""Stage 1 of person resolution: turn raw author strings into comparable parts.

Sources spell one person many ways ("Björn Ommer", "Bjorn Ommer", "Ommer, Björn", "B. Ommer",
"Xiu-Shen Wei" / "Xiushen Wei" / "Xiu Shen Wei"). Everything later (blocking keys, comparisons, coauthor
keys) works on the parts produced here, so every spelling rule lives in this one module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Letters NFKD does not decompose into ASCII + combining marks.
_SPECIAL_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ħ": "h"}
)
# Surname particles: kept with the surname so "van der Maaten, Laurens" = "Laurens van der Maaten".
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "le", "la"}
    | {"ten", "ter", "vom", "zu", "bin", "al", "el"}
)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TOKEN_SPLIT = re.compile(r"[\s.]+")
_NON_LETTER = re.compile(r"[^a-z\-]")


def fold(text: str) -> str:
    """Lower-case ASCII folding: accents are the most common difference between two sources."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL_FOLDS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class NameParts:
    """A parsed personal name.

    ``given`` holds one token per given name; a hyphenated given name is one joined token ("xiushen")
    unless its parts are initials ("H.-C." -> "h", "c"). ``surname`` keeps particles and hyphen parts
    as separate tokens so a dropped hyphen ("Roy Chowdhury") still shares the last part.
    """

    given: tuple[str, ...]
    surname: tuple[str, ...]
    # Derived keys, computed once: every stage reads them for every pair and block (hundreds of thousands
    # of times at 10x). Not part of equality or hashing: they follow from the two fields above.
    first: str = field(init=False, compare=False, repr=False)
    surname_key: str = field(init=False, compare=False, repr=False)
    full_key: str = field(init=False, compare=False, repr=False)
    given_joined: str = field(init=False, compare=False, repr=False)
    sorted_key: str = field(init=False, compare=False, repr=False)
    is_initial_only: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        surname_key = "".join(self.surname)
        derived = {
            "first": self.given[0] if self.given else "",
            "surname_key": surname_key,
            # exact identity of the spelling after folding: the names-only baseline groups on this
            "full_key": " ".join(self.given) + "|" + surname_key,
            # given names without spaces or initials: "Xiu Shen" and "Xiu-Shen" both give "xiushen"
            "given_joined": "".join(t for t in self.given if len(t) > 1),
            # order-free key, so "Wang Wei" and "Wei Wang" meet in one block
            "sorted_key": " ".join(sorted(self.given + (surname_key,))),
            "is_initial_only": bool(self.given) and all(len(t) == 1 for t in self.given),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def first_initial(self) -> str:
        return self.first[:1]

    @property
    def surname_last(self) -> str:
        return self.surname[-1] if self.surname else ""


def _clean_tokens(text: str, *, given: bool) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN_SPLIT.split(text):
        tok = _NON_LETTER.sub("", raw).strip("-")
        if not tok:
            continue
        parts = [p for p in tok.split("-") if p]
        if given and len(parts) > 1 and all(len(p) == 1 for p in parts):
            tokens.extend(parts)  # "H.-C." -> h, c
        elif given:
            tokens.append("".join(parts))  # "Xiu-Shen" -> xiushen
        else:
            tokens.extend(parts)  # "Roy-Chowdhury" -> roy, chowdhury
    return tokens


def _split_cjk(name: str) -> NameParts:
    """Han/Kana/Hangul names carry no spaces: family name first, one character (no romanisation)."""
    chars = [c for c in name if not c.isspace()]
    return NameParts(given=("".join(chars[1:]),) if len(chars) > 1 else (), surname=(chars[0],))


def parse_name(raw: str) -> NameParts:
    """Parse "First Middle Last", "Last, First" or initials into given names and surname."""
    text = fold(raw.strip())
    if not text:
        return NameParts((), ())
    if _CJK.search(text) and " " not in text and "," not in text:
        return _split_cjk(text)
    if "," in text:
        head, _, tail = text.partition(",")
        tail = ",".join(p for p in tail.split(",") if _NON_LETTER.sub("", p) not in SUFFIXES)
        surname = _clean_tokens(head, given=False)
        given = _clean_tokens(tail, given=True)
        if not given:  # "Smith," -> a surname alone
            return NameParts((), tuple(surname))
        return NameParts(tuple(given), tuple(surname))
    words = [w for w in text.split() if _NON_LETTER.sub("", w) not in SUFFIXES or len(text.split()) <= 2]
    if len(words) == 1:
        return NameParts((), tuple(_clean_tokens(words[0], given=False)))
    # Surname = last word plus the particles right before it ("van der Maaten").
    start = len(words) - 1
    while start > 1 and _NON_LETTER.sub("", words[start - 1]) in PARTICLES:
        start -= 1
    given = _clean_tokens(" ".join(words[:start]), given=True)
    surname = _clean_tokens(" ".join(words[start:]), given=False)
    return NameParts(tuple(given), tuple(surname))


# Second-level labels under which the registrable domain has three labels (cs.ox.ac.uk -> ox.ac.uk).
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "org", "net", "or", "ne", "go"})


def registrable_domain(domain: str | None) -> str:
    """Reduce an email or host domain to the institution's domain: cs.ucr.edu and ucr.edu agree.

    A bare suffix ("edu.cn", "ac.uk") names no institution and is dropped: it is evidence of nothing.
    """
    if not domain:
        return ""
    host = domain.strip().lower().rsplit("@", 1)[-1].strip(". ")
    labels = [p for p in host.split(".") if p]
    if len(labels) < 2:
        return ""
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:]) if len(labels) >= 3 else ""
    return ".".join(labels[-2:])


_AFF_STOP = frozenset(
    {"of", "the", "and", "at", "for", "in", "de", "la", "der", "und", "du", "des", "di", "university", "univ"}
)


@lru_cache(maxsize=200_000)
def affiliation_key(affiliation: str | None) -> str:
    """Folded, punctuation-free affiliation with filler words removed, for fuzzy token comparison."""
    if not affiliation:
        return ""
    tokens = re.findall(r"[a-z0-9]+", fold(affiliation))
    return " ".join(t for t in tokens if t not in _AFF_STOP)
