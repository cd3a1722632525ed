"""Country names and mentions → ISO 3166-1 alpha-2 codes.

pycountry knows the official names, but affiliation strings use everyday ones ("Korea", "P.R. China",
"UK", "Hong Kong SAR") that its fuzzy search gets wrong (it maps "Hong Kong SAR" to CN and "Korea" to
KP). Our alias table is consulted first; pycountry's exact lookup second; nothing fuzzy after that —
an unknown country stays unknown rather than guessed.

Hong Kong, Macau and Taiwan are kept as HK, MO and TW everywhere in our data. Only scoring against
gold sets that fold them into China may call :func:`fold_greater_china`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pycountry

# Everyday names, abbreviations and historic names, keyed by their folded form (see `_fold`).
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US", "us": "US", "u s a": "US", "u s": "US", "united states": "US",
    "united states of america": "US", "america": "US",
    "uk": "GB", "u k": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "korea": "KR", "south korea": "KR", "republic of korea": "KR", "korea republic of": "KR",
    "korea south": "KR", "rep of korea": "KR", "korea rep": "KR", "r o korea": "KR",
    "north korea": "KP",
    "china": "CN", "p r china": "CN", "pr china": "CN", "p r c": "CN", "prc": "CN",
    "people s republic of china": "CN", "peoples republic of china": "CN", "mainland china": "CN",
    "hong kong": "HK", "hong kong sar": "HK", "hong kong sar china": "HK", "hongkong": "HK",
    "hk": "HK", "hksar": "HK", "hong kong china": "HK",
    "macau": "MO", "macao": "MO", "macau sar": "MO", "macao sar": "MO", "macau china": "MO",
    "taiwan": "TW", "taiwan roc": "TW", "roc": "TW", "republic of china": "TW",
    "taiwan province of china": "TW", "taiwan r o c": "TW",
    "turkey": "TR", "turkiye": "TR",
    "russia": "RU", "russian federation": "RU",
    "iran": "IR", "islamic republic of iran": "IR",
    "vietnam": "VN", "viet nam": "VN",
    "czech republic": "CZ", "czechia": "CZ",
    "the netherlands": "NL", "netherlands": "NL", "holland": "NL",
    "uae": "AE", "u a e": "AE", "united arab emirates": "AE",
    "frg": "DE", "west germany": "DE", "deutschland": "DE",
    "ussr": "RU", "syria": "SY", "laos": "LA", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "moldova": "MD", "palestine": "PS", "vatican": "VA",
    "ivory coast": "CI", "cote d ivoire": "CI", "brasil": "BR", "espana": "ES",
    "italia": "IT", "suisse": "CH", "schweiz": "CH", "osterreich": "AT",
}

# Names that are also words or US states in affiliation strings; they count as country mentions only
# when they are a whole comma-separated part, never inside a longer phrase.
_PART_ONLY: frozenset[str] = frozenset({"us", "u s", "georgia", "jordan", "chad", "niger", "roc", "hk",
                                        "wales", "england", "jersey"})
# Short forms that are unambiguous even inside a longer phrase ("Baidu Research USA").
_SHORT_IN_PHRASE: frozenset[str] = frozenset({"usa", "uk", "uae", "prc", "p r china", "pr china"})
# Parts that name a US state as often as a country: no evidence either way.
_AMBIGUOUS_PARTS: frozenset[str] = frozenset({"georgia", "jersey"})
# Place names that contain a country name but are not that country.
_NOT_COUNTRIES = re.compile(r"\b(new mexico|new jersey|new south wales|new england|papua new guinea"
                            r"|georgia|jersey city|mexico city|(north|south|latin|central) america|bank of america)\b")

_NON_WORD = re.compile(r"[^\w]+")

# Gold sets from papercopilot report Hong Kong, Macau and Taiwan as China.
_GREATER_CHINA = {"HK": "CN", "MO": "CN", "TW": "CN"}


def _fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


@cache
def _name_table() -> dict[str, str]:
    """Folded country name → alpha-2, from pycountry plus our aliases (aliases win)."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[_fold(value)] = country.alpha_2
    table.update(COUNTRY_ALIASES)
    return table


def country_code(name: str | None) -> str | None:
    """Return the alpha-2 code for a country name, code or alias, or None when unknown."""
    if not name:
        return None
    folded = _fold(name)
    if not folded:
        return None
    hit = _name_table().get(folded)
    if hit:
        return hit
    if len(folded) == 2 and folded.isalpha():
        country = pycountry.countries.get(alpha_2=folded.upper())
        return country.alpha_2 if country else None
    if len(folded) == 3 and folded.isalpha():
        country = pycountry.countries.get(alpha_3=folded.upper())
        return country.alpha_2 if country else None
    return None


@cache
def _in_phrase_names() -> dict[str, str]:
    """Names that count as a mention inside a longer phrase: full names and a few safe short forms."""
    return {n: c for n, c in _name_table().items()
            if n not in _PART_ONLY and (len(n) > 3 or n in _SHORT_IN_PHRASE)}


_MAX_NAME_WORDS = 6


@lru_cache(maxsize=100_000)
def _mentions_cached(text: str) -> tuple[str, ...]:
    return tuple(_country_mentions(text))


def clear_mention_cache() -> None:
    """Forget cached mentions (benchmarks time cold strings)."""
    _mentions_cached.cache_clear()


def country_mentions(text: str) -> list[str]:
    """Countries named in a free-text affiliation, in order of appearance (cached per string)."""
    return list(_mentions_cached(text))


def _country_mentions(text: str) -> list[str]:
    """Countries named in a free-text affiliation, in order of appearance, without duplicates.

    Whole comma-separated parts may be short forms ("USA", "UK", "PRC"); inside longer phrases only
    full names count, so "Georgia Institute of Technology" is not Georgia and "New England" is not GB.
    """
    found: list[str] = []
    for part in re.split(r"[,;()\[\]]", text):
        folded = _fold(part)
        if not folded:
            continue
        whole = _name_table().get(folded)
        if whole and folded not in _AMBIGUOUS_PARTS:
            if whole not in found:
                found.append(whole)
            continue
        words = _NOT_COUNTRIES.sub(" ", folded).split()
        names = _in_phrase_names()
        i = 0
        while i < len(words):
            for size in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):  # longest name first
                code = names.get(" ".join(words[i:i + size]))
                if code:
                    if code not in found:
                        found.append(code)
                    i += size - 1
                    break
            i += 1
    return found


def fold_greater_china(code: str | None) -> str | None:
    """Map HK, MO and TW to CN — only for scoring against gold sets that fold them that way."""
    if code is None:
        return None
    return _GREATER_CHINA.get(code, code)


def country_name(code: str) -> str:
    """English short name for a code, for reports."""
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code
