"""Name variants the way real sources differ, applied deterministically for evaluation and benchmarks.

OpenReview gives each profile one spelling, so resolving its rows is too easy; proceedings, DBLP and
ORCID spell the same person with hyphens dropped, middle names dropped, accents folded, "Last, First"
order, or initials. Which rows change, and how, is a hash of (seed, row key), so runs are repeatable.
"""

from __future__ import annotations

import hashlib
import unicodedata

from etl.people.normalise import PARTICLES

KINDS: tuple[str, ...] = ("drop_hyphens", "drop_middle", "fold_accents", "last_first", "initials")


def _unit(seed: str, key: str, salt: str) -> float:
    digest = hashlib.sha1(f"{seed}|{salt}|{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _split(name: str) -> tuple[list[str], list[str]]:
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return words[:start], words[start:]


def drop_hyphens(name: str, joined: bool) -> str:
    return name.replace("-", "" if joined else " ")


def drop_middle(name: str) -> str:
    given, surname = _split(name)
    return " ".join(given[:1] + surname)


def fold_accents(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def last_first(name: str) -> str:
    given, surname = _split(name)
    return f"{' '.join(surname)}, {' '.join(given)}" if given else name


def initials(name: str) -> str:
    given, surname = _split(name)
    short = ["-".join(p[:1] + "." for p in word.split("-") if p) for word in given]
    return " ".join(short + surname)


def variant(name: str, kind: str, seed: str = "", key: str = "") -> str:
    if kind == "drop_hyphens":
        return drop_hyphens(name, joined=_unit(seed, key, "join") < 0.5)
    if kind == "drop_middle":
        return drop_middle(name)
    if kind == "fold_accents":
        return fold_accents(name)
    if kind == "last_first":
        return last_first(name)
    if kind == "initials":
        return initials(name)
    raise ValueError(f"unknown perturbation {kind!r}")


def perturb_name(name: str, key: str, rate: float = 0.3, seed: str = "talent") -> tuple[str, str | None]:
    """Return (possibly varied name, kind applied or None) for the row identified by ``key``."""
    if not name.strip() or _unit(seed, key, "pick") >= rate:
        return name, None
    applicable = [k for k in KINDS if variant(name, k, seed, key) != name]
    if not applicable:
        return name, None
    kind = applicable[int(_unit(seed, key, "kind") * len(applicable))]
    return variant(name, kind, seed, key), kind
