"""Title and name keys shared by every join in the mirror (presentations ↔ proceedings, 2022 duplicates)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")


def normalise_title(title: str) -> str:
    """Key for exact title matching: case, punctuation, spacing and invisible marks (U+FEFF) ignored."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", title).casefold())


def title_words(title: str) -> str:
    """Space-separated casefolded words, the input the token-based fuzzy scorers expect."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", title).casefold()))


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def surname_key(name: str) -> str:
    """Last word of a name, accent-folded: both sources spell 'Ré' and 'Re' differently at times."""
    words = _WORD.findall(_ascii_fold(name))
    return words[-1] if words else ""
