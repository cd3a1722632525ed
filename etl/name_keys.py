"""The one text form registry names and affiliation strings are compared in, and the name vocabulary both share.

Exact lookup only works if both sides are folded the same way, so the registry build
(:mod:`etl.registry`) and the affiliation resolver (:mod:`etl.affiliations`) both call :func:`name_key`.
Folding: Unicode compatibility forms, accents stripped (CJK untouched), case folded, '&' spelled out,
apostrophes dropped, other punctuation turned into spaces, and common abbreviations expanded ("Univ." →
university, "Inst." → institute, "Tech." → technology) so that "Toyohashi Univ. of Tech." and "Toyohashi
University of Technology" meet. The place vocabulary (state codes, subdivision names) is here too: the
registry refuses such words as acronyms and the resolver reads them as places. It sits below both
packages so that neither imports the other to share it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Abbreviation → expansion, applied token by token after folding. Only expansions that are
# unambiguous in affiliation strings; "Tech" is expanded on both sides, so "Georgia Tech" still meets
# the registry alias "Georgia Tech".
ABBREVIATIONS: dict[str, str] = {
    "univ": "university", "uni": "university", "universty": "university", "universiy": "university",
    "inst": "institute", "instit": "institute", "institut": "institute",
    "tech": "technology", "technol": "technology", "techn": "technology",
    "natl": "national", "nat": "national", "int": "international", "intl": "international",
    "acad": "academy", "sci": "science", "sciences": "science", "res": "research",
    "lab": "laboratory", "labs": "laboratory", "laboratories": "laboratory", "lab.": "laboratory",
    "ctr": "center", "cent": "center", "centre": "center", "cntr": "center",
    "dept": "department", "dep": "department", "depart": "department",
    "comput": "computer", "comp": "computer", "eng": "engineering", "engn": "engineering",
    "coll": "college", "hosp": "hospital", "med": "medical", "polytech": "polytechnic",
    "st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort",
    "corp": "corporation", "co": "company", "inc": "incorporated", "ltd": "limited",
    "grp": "group", "assoc": "association", "fed": "federal", "educ": "education",
    "tecnol": "tecnologia", "politec": "politecnico",
}

# State and province codes that look like acronyms in addresses ("Pittsburgh, PA", "Urbana, IL").
PLACE_CODES: frozenset[str] = frozenset({
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks",
    "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny",
    "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv",
    "wi", "wy", "dc", "pr", "on", "qc", "bc", "ab", "mb", "sk", "ns", "nb", "nl", "pe", "nt", "yt",
    "nu", "nsw", "vic", "qld", "tas", "act", "usa", "uk",
})
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['’`´]")


def fold(text: str) -> str:
    """Unicode-compatibility fold, accents stripped, case folded; CJK characters are kept."""
    if text.isascii():  # the common case, and 10x cheaper
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold().replace("ß", "ss").replace("ı", "i")


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The lookup key of a name: folded, punctuation-free, abbreviations expanded, leading 'the' dropped."""
    folded = _APOSTROPHES.sub("", fold(text)).replace("&", " and ").replace("+", " ")
    words = _NON_WORD.sub(" ", folded).split()
    words = [ABBREVIATIONS.get(w, w) for w in words]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def key_tokens(text: str) -> list[str]:
    """Tokens of :func:`name_key`."""
    return name_key(text).split()


def subdivisions() -> set[str]:
    """Name keys of ISO 3166-2 subdivisions (states, provinces): "Maine" is a place, not a university."""
    import pycountry

    return {name_key(s.name) for s in pycountry.subdivisions}
