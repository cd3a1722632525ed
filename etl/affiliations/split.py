"""Stage 2 — split: one author's affiliation string → the affiliations it lists.

Hard separators (';', '+', '|', ' / ' between capitalised words is soft) always split. The soft ones —
' and ', ' & ', ' / ' — split only when the candidates stage finds an institution on both sides and
none spanning the separator, so "Texas A&M University" and "Johns Hopkins University and Medicine"
are never cut in the middle. That decision needs the name index, so it lives in
:func:`soft_split_points`, which the resolver calls with the exact-name spans it found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HARD = re.compile(r"\s*(?:;|\+|\||\n|\t|#TAB#)\s*")
SOFT_SEPARATOR_TOKENS = frozenset({"and", "/"})


def split_hard(text: str) -> list[str]:
    """Split on separators that always mean "another affiliation"."""
    return [part.strip(" ,.") for part in _HARD.split(text or "") if part.strip(" ,.")]


def comma_parts(segment: str) -> list[str]:
    """Comma-separated parts of one affiliation; parentheses count as separators too."""
    return [p.strip() for p in re.split(r"[,()\[\]]|\s+-\s+|\s+–\s+", segment) if p.strip()]


def soft_split_points(separator_positions: Sequence[int], spans: Sequence[tuple[int, int]]) -> list[int]:
    """Token positions of soft separators with a matched span on each side and none across them.

    ``spans`` are (start, end) token ranges, end exclusive.
    """
    points: list[int] = []
    for pos in separator_positions:
        if any(start < pos < end for start, end in spans):
            continue
        left = any(end <= pos for start, end in spans)
        right = any(start > pos for start, end in spans)
        if left and right:
            points.append(pos)
    return points
