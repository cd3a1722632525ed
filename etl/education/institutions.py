"""Institution names as a homepage writes them → candidate spans → registry ids and countries.

Spans are found by shape (a capitalised run holding "University", "Institut", "École", "大学" …, or a short
name right after "from"/"at"), then handed to the existing affiliation resolver
(:func:`etl.affiliations.resolver.load_resolver`, the one ``talent affiliations resolve`` uses). Only
name-based resolver methods are trusted here: a country read from a city or country mention is not an
institution, and a company is never a degree's school.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from etl.education.vocabulary import PLACEHOLDER

_KEYWORDS = (
    r"Universit(?:y|ies|ät|at|é|e|à|a|eit|et|i)|Universidade?|Univ\.?|Institut(?:e|o)?|Istituto|College|Coll[èe]ge|[ÉE]cole"
    r"|School|Polytechni(?:que|c)|Politecnico|Polit[ée]cnica|Academy|Acad[ée]mie|Akademie|Hochschule|Technion"
    r"|ETH|EPFL|ENS|KAIST|POSTECH|Sorbonne|Sciences Po|CentraleSup[ée]lec|T[ée]l[ée]com|Caltech|KTH|Conservatoire"
    r"|Mines|Ponts|Supaero|ENSAE|ENSTA|ENSIMAG|Ensimag|INSA|IIT|IIIT|NIT|BITS"
)
_KEYWORD = re.compile(rf"^(?:{_KEYWORDS})$")
_CONNECTORS = frozenset({"of", "for", "and", "&", "de", "des", "du", "la", "le", "les", "d'", "der", "für", "fur",
                         "di", "del", "della", "degli", "y", "at", "the", "in", "-", "en", "et",
                         "zu", "do", "da", "dos", "das", "von", "St.", "l'"})
_TOKEN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*(?:\s*\([A-Z][\w ]*\))?|[a-z][a-z'’]*|&|-")
_STOP_AFTER = frozenset({"in", "the"})  # "University of X in 2018" / "at the …": not part of the name
_CJK_INST = re.compile(r"[\u4e00-\u9fff]{1,16}?(?:大学|大學|学院|學院|研究所|研究院|科学院|科學院)"
                       r"(?:[\u4e00-\u9fff]{0,10}?(?:研究所|研究院|分校))?")
_CJK_LEAD = re.compile(r"^(?:[于在至到入获得取毕业就读考进本硕博士科学位年月日期间从]|和|及|与)+")
_FROM_AT = re.compile(r"(?:\b(?:from|at|à|de l'|de la|@)\s+|@)((?:the\s+)?[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*"
                      r"|of|de|at))*)")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]{1,3}[A-Z]$|^[A-Z]{2,7}$")
# Degree-like or field-like capitalised words that are never a school on their own.
_NOT_SCHOOLS = frozenset({"phd", "ph.d.", "bs", "ms", "ba", "ma", "cs", "ee", "ece", "eecs", "ai", "ml", "nlp", "cv",
                          "bsc", "msc", "mphil", "beng", "meng", "usa", "us", "uk", "prc", "eu", "i", "my", "he",
                          "she", "they", "computer science", "mathematics", "physics", "statistics", "cum laude",
                          "summa cum laude", "magna cum laude", "honors", "hons", "with honors", "gpa", "present",
                          "expected", "advisor", "thesis", "dr", "prof"})
# Bare names the registry gives to a smaller namesake: "École Normale Supérieure" is Paris (ENS-PSL) on an
# academic homepage, while the registry's only exact holder of the bare name is in Burundi.
_NAME_REWRITES = {
    "école normale supérieure": "École Normale Supérieure - PSL",
    "ecole normale superieure": "École Normale Supérieure - PSL",
    "ecole normale supérieure": "École Normale Supérieure - PSL",
    "école normale supérieure paris": "École Normale Supérieure - PSL",
    "école normale supérieure, paris": "École Normale Supérieure - PSL",
    "ecole normale superieure, paris": "École Normale Supérieure - PSL",
    "ens paris": "École Normale Supérieure - PSL",
    "ens ulm": "École Normale Supérieure - PSL",
}
TRUSTED_METHODS = ("exact-name", "exact-alias", "acronym", "short-name", "fuzzy", "email-domain", "domain-string")


@dataclass(frozen=True, slots=True)
class Span:
    """Where an institution name may sit in a statement's text."""

    start: int
    end: int
    text: str
    shaped: bool  # found by its shape (a keyword) rather than only by position after "from"/"at"


@dataclass(frozen=True, slots=True)
class Institution:
    name: str
    institution_id: str | None
    country_code: str | None
    confidence: float


class Resolver(Protocol):
    def resolve(self, affiliation: str | None, email_domain: str | None = None, rollup: bool = False) -> list: ...


def _latin_spans(text: str) -> list[Span]:
    """Capitalised runs holding an institution keyword, e.g. 'University of California, Berkeley'."""
    spans: list[Span] = []
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        if not tokens[i].group()[0].isupper():
            i += 1
            continue
        j = i
        end = i
        has_keyword = False
        while j < len(tokens):
            word = tokens[j].group()
            gap = text[tokens[j - 1].end():tokens[j].start()] if j > i else ""
            if j > i and (gap.strip() not in ("", "-") or "\n" in gap):
                break
            if word[0].isupper():
                if _KEYWORD.match(word.rstrip(".,")):
                    has_keyword = True
                end = j
            elif word not in _CONNECTORS:
                break
            j += 1
        if has_keyword:
            # "B.S. in Computer Science at Stanford University": the name starts after the last "in"/"at"
            # that comes before the first keyword ("University of Texas at Austin" keeps its "at")
            for k in range(end, i, -1):
                if tokens[k].group() in ("and", "et", "&") and any(
                        _KEYWORD.match(tokens[m].group().rstrip(".,")) for m in range(k + 1, end + 1)) and \
                        tokens[k + 1].group()[0].isupper() and _KEYWORD.match(tokens[k + 1].group().rstrip(".,")):
                    i = k + 1
                    break
            first_keyword = next(k for k in range(i, end + 1) if _KEYWORD.match(tokens[k].group().rstrip(".,")))
            for k in range(first_keyword - 1, i - 1, -1):
                if tokens[k].group() in ("in", "at", "en", "à"):
                    i = k + 1
                    break
            # drop trailing connectors, and a trailing "in"/"the" is never part of the name
            last = end
            while last > i and tokens[last].group() in _CONNECTORS | _STOP_AFTER:
                last -= 1
            start_char, end_char = tokens[i].start(), tokens[last].end()
            if text.startswith(("The ", "the "), start_char):
                start_char += 4
            spans.append(Span(start_char, end_char, text[start_char:end_char].rstrip(".,"), True))
        i = max(end, j - 1, i) + 1
    return spans


def _campus_part(text: str, span: Span) -> str | None:
    """', Berkeley' after 'University of California': the campus or city that completes the name."""
    match = re.match(r",\s*((?:[A-Z][\w'’.\-]+)(?:\s+[A-Z][\w'’.\-]+){0,2})", text[span.end:])
    if not match:
        return None
    part = match.group(1)
    if part.lower() in _NOT_SCHOOLS or re.search(r"\d", part):
        return None
    return part


def find_spans(text: str) -> list[Span]:
    """Every institution-like span of a sentence, in order, not overlapping."""
    spans = _latin_spans(text)
    for match in _CJK_INST.finditer(text):
        raw = match.group()
        lead = _CJK_LEAD.match(raw)
        start = match.start() + (lead.end() if lead else 0)
        if match.end() - start >= 3:
            spans.append(Span(start, match.end(), text[start:match.end()], True))
    taken = [(s.start, s.end) for s in spans]
    for match in _FROM_AT.finditer(text):
        start, end = match.span(1)
        name = match.group(1)
        if name.startswith("the "):
            start += 4
            name = name[4:]
        words = name.split()
        if len(words) > 5 or name.lower().rstrip(".") in _NOT_SCHOOLS:
            continue
        if any(s < end and start < e for s, e in taken):
            continue
        spans.append(Span(start, end, name.rstrip(".,"), False))
    return sorted(spans, key=lambda s: s.start)


def is_placeholder(name: str) -> bool:
    return bool(PLACEHOLDER.search(name))


class InstitutionResolver:
    """Resolves spans found in a page; caches per distinct name (pages repeat the same few schools)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._cached = lru_cache(maxsize=100_000)(self._resolve)

    def resolve(self, text: str, span: Span) -> Institution | None:
        """The institution a span names, or None when the span is not a school (only shape-found spans
        may stay unresolved, with an empty id and country)."""
        name = span.text
        if is_placeholder(name):
            return None
        campus = _campus_part(text, span) if span.shaped else None
        if campus:
            with_campus = self._cached(f"{name}, {campus}")
            if with_campus.institution_id:
                return with_campus
        found = self._cached(name)
        if found.institution_id or span.shaped:
            return found
        return None

    def _resolve(self, name: str) -> Institution:
        query = _NAME_REWRITES.get(name.lower(), name)
        results = self.resolver.resolve(query)
        for result in results:
            if not result.institution_id or result.type == "company":
                continue
            if not any(result.method.startswith(m) for m in TRUSTED_METHODS):
                continue
            return Institution(name, result.institution_id, result.country_code, float(result.confidence))
        return Institution(name, None, None, 0.0)


@lru_cache(maxsize=1)
def default_resolver() -> InstitutionResolver:
    """The project's affiliation resolver (cached registry), as ``talent affiliations resolve`` loads it."""
    from etl.affiliations.resolver import load_resolver

    return InstitutionResolver(load_resolver())
