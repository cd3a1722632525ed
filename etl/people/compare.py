"""Stage 3: comparison — turn a candidate pair into discrete agreement levels.

Levels, not raw similarities, so the score stage is a lookup into ``model.json`` (Fellegi–Sunter style)
and a reviewer can read why a pair linked: "given_joined + domain_match + coauthors one".
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from etl.people.nodes import Node
from etl.people.normalise import NameParts


@dataclass(frozen=True, slots=True)
class Comparison:
    name_level: str  # exact | given_joined | swapped | first_match | fuzzy | initial
    middle_conflict: bool
    affiliation_level: str  # domain_match | affiliation_match | different | missing
    shared_coauthors: int
    year_gap: int | None


def fuzzy_given(a: str, b: str, fuzzy_min: float) -> bool:
    """Spelling variants of one long given name ("Aleksandr"/"Aleksander"), never a short one.

    Short given names differ by one letter between different people ("Wei"/"Weinan", "Yan"/"Yang",
    "Lijun"/"Linjun"), so only names of seven letters or more, one edit apart, count as variants.
    """
    if min(len(a), len(b)) < 7:
        return False
    return Levenshtein.distance(a, b) <= 1 and JaroWinkler.similarity(a, b) >= fuzzy_min


def first_names_compatible(a: tuple[str, str, str], b: tuple[str, str, str], fuzzy_min: float) -> bool:
    """Could two (first given, joined given, order-free key) belong to one person? A cluster cannot-link."""
    if a[0] == b[0] or a[1] == b[1] or a[2] == b[2]:
        return True
    return fuzzy_given(a[0], b[0], fuzzy_min)


def _initials_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return all(x[0] == y[0] for x, y in zip(a, b, strict=False))


def middle_conflict(a: NameParts, b: NameParts) -> bool:
    """Both spell a middle name and they disagree: "John A. Smith" vs "John B. Smith"."""
    ma, mb = a.given[1:], b.given[1:]
    return bool(ma and mb) and not _initials_agree(ma, mb)


def name_level(a: NameParts, b: NameParts, fuzzy_min: float) -> tuple[str | None, bool]:
    """Best agreement level of two spellings, or None when they cannot be one person's name."""
    if not a.given or not b.given:
        return None, False
    same_surname = a.surname_key == b.surname_key
    if not same_surname and a.surname_last != b.surname_last:
        return ("swapped", False) if a.sorted_key == b.sorted_key else (None, False)
    fa, fb = a.first, b.first
    if len(fa) > 1 and len(fb) > 1:
        if a.given == b.given:
            return ("exact" if same_surname else "first_match"), False
        if a.given_joined == b.given_joined:
            return ("given_joined" if same_surname else "first_match"), False
        if fa == fb:
            return "first_match", middle_conflict(a, b)
        if fuzzy_given(fa, fb, fuzzy_min):
            return "fuzzy", middle_conflict(a, b)
        return None, False
    if not _initials_agree(a.given, b.given):
        return None, False
    return "initial", False


_LEVEL_ORDER = {"exact": 0, "given_joined": 1, "swapped": 2, "first_match": 3, "fuzzy": 4, "initial": 5}


def best_name_level(a: Node, b: Node, fuzzy_min: float) -> tuple[str | None, bool]:
    best: tuple[str | None, bool] = (None, False)
    for pa in a.names:
        for pb in b.names:
            level, conflict = name_level(pa, pb, fuzzy_min)
            if level is None:
                continue
            if best[0] is None or (_LEVEL_ORDER[level], conflict) < (_LEVEL_ORDER[best[0]], best[1]):
                best = (level, conflict)
    return best


def affiliation_level(a: Node, b: Node, fuzzy_min: float) -> str:
    if a.domains and b.domains and a.domains & b.domains:
        return "domain_match"
    if a.affiliations and b.affiliations:
        if a.affiliations & b.affiliations:
            return "affiliation_match"
        for x in a.affiliations:
            for y in b.affiliations:
                if token_set_ratio(x, y) >= fuzzy_min:
                    return "affiliation_match"
        return "different"
    if a.domains and b.domains:
        return "different"
    return "missing"


def year_gap(a: Node, b: Node) -> int | None:
    if not a.years or not b.years:
        return None
    return min(abs(x - y) for x in a.years for y in b.years)


def compare(a: Node, b: Node, fuzzy_min: float, affiliation_fuzzy_min: float) -> Comparison | None:
    """Compare two nodes; None when their names rule out one person (the pair is not scored)."""
    level, conflict = best_name_level(a, b, fuzzy_min)
    if level is None:
        return None
    return Comparison(
        name_level=level,
        middle_conflict=conflict,
        affiliation_level=affiliation_level(a, b, affiliation_fuzzy_min),
        shared_coauthors=len(a.coauthors & b.coauthors),
        year_gap=year_gap(a, b),
    )
