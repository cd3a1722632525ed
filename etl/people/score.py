"""Stage 4: scoring — sum the model's log-odds weights for a comparison.

Name rarity matters most for authors: two "Robin Rombach" rows are one person even at different
institutions, two "Wei Wang" rows are not even at one. Rarity is estimated from the input itself as the
expected number of distinct people bearing a spelling: (#distinct spellings) x P(first name) x P(surname).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from etl.people.compare import Comparison
from etl.people.normalise import NameParts
from etl.people.records import Model


class NameRarity:
    """Bits of surprise in a name, from first-name and surname frequencies over distinct spellings."""

    def __init__(self, names: Iterable[NameParts], prior: Mapping[str, Any] | None = None) -> None:
        distinct = {n for n in names if n.given}
        self.total = max(1, len(distinct))
        self.first = Counter(n.first for n in distinct)
        self.initial = Counter(n.first_initial for n in distinct)
        self.surname = Counter(n.surname_key for n in distinct)
        if prior:  # pseudo-counts, so a small input is judged against a realistic population
            self.total += int(prior["total"])
            self.first.update(prior["first"])
            self.initial.update(prior["initial"])
            self.surname.update(prior["surname"])

    def bits(self, parts: NameParts) -> float:
        """-log2(expected people with this spelling); negative when several people are expected."""
        p_first = self.first.get(parts.first, 1) / self.total
        p_surname = self.surname.get(parts.surname_key, 1) / self.total
        return -math.log2(self.total * p_first * p_surname)

    def initial_bits(self, parts: NameParts) -> float:
        """The same for the initial and surname only: "J. Lee" fits many people, "T. Broderick" one."""
        p_initial = self.initial.get(parts.first_initial, 1) / self.total
        p_surname = self.surname.get(parts.surname_key, 1) / self.total
        return -math.log2(self.total * p_initial * p_surname)


def score(comparison: Comparison, rarity_bits: float, model: Model) -> float:
    """Sum of weights; ``rarity_bits`` is of the full names, or of initial+surname at level "initial"."""
    weights = model["name_level_weights"]
    total = weights[comparison.name_level]
    if comparison.middle_conflict:
        total += model["middle_conflict_weight"]
    rarity = model["rarity"]
    total += rarity["scale"] * max(rarity["min_bits"], min(rarity_bits, rarity["max_bits"]))
    total += model["affiliation_weights"][comparison.affiliation_level]
    co = model["coauthor_weights"]
    if comparison.shared_coauthors >= 2:
        total += co["two_or_more"]
    elif comparison.shared_coauthors == 1:
        total += co["one"]
    if comparison.year_gap is not None:
        for band in model["year_gap_weights"]:
            if comparison.year_gap <= band["max_gap"]:
                total += band["weight"]
                break
    return total
