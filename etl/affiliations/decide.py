"""Stage 5 — decide: accept, choose between, or refuse the scored candidates.

Refusing is a feature: the CLI contract says an unresolved affiliation stays empty rather than
guessed, so a name shared by institutions the context cannot tell apart (same score, different
countries) resolves to nothing, and fuzzy matches must clear a high bar.
"""

from __future__ import annotations

from collections.abc import Sequence

from etl.affiliations.score import Scored

ACCEPT_EXACT = 0.8
ACCEPT_FUZZY = 0.88
AMBIGUITY_MARGIN = 0.015


def best_of(scored: Sequence[Scored], accept: float) -> Scored | None:
    """The best candidate if it clears ``accept`` and is not tied with one in another country."""
    if not scored:
        return None
    ranked = sorted(scored, key=lambda s: -s.score)
    top = ranked[0]
    if top.score < accept:
        return None
    for other in ranked[1:]:
        if top.score - other.score > AMBIGUITY_MARGIN:
            break
        if other.institution_id != top.institution_id and other.country_code != top.country_code:
            return None  # e.g. an acronym two countries use, nothing in the string to choose
    return top


def choose_primary(matches: Sequence[tuple[Scored, frozenset[str]]]) -> int:
    """Index of the affiliation's main institution among several found in one affiliation.

    An institution that another match descends from wins ("State Key Lab X, Tsinghua University" →
    Tsinghua); otherwise the best score, earliest first.
    """
    ids = [m.institution_id for m, _ in matches]
    for i, (match, _) in enumerate(matches):
        if any(match.institution_id in fam and other != match.institution_id
               for other, (_, fam) in zip(ids, matches, strict=True)):
            return i
    best = max(range(len(matches)), key=lambda i: (matches[i][0].score, -i))
    return best
