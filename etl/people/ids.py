"""Person ids that stay the same across re-runs.

Without history, a cluster's id is a hash of its canonical member: the smallest strong key if it has one
(an ORCID or OpenReview id does not move when new papers arrive), else its earliest authorship
(year, paper_id, author_position). Adding an even earlier paper would change that, so callers may pass
the previous run's row -> person map: a cluster then keeps the id most of its old rows had, and when a
person splits, the larger part keeps the old id.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence

from etl.people.records import AuthorRow


def derived_id(canonical: str) -> str:
    return "P" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:12]


def canonical_member(rows: Sequence[AuthorRow], members: Sequence[int]) -> str:
    strong = sorted(k for i in members for k in rows[i].strong_keys())
    if strong:
        return strong[0]
    first = min(members, key=lambda i: (rows[i].year or 0, rows[i].paper_id, rows[i].author_position, rows[i].id))
    r = rows[first]
    return f"row:{r.year or 0}|{r.paper_id}|{r.author_position}"


def assign_ids(
    rows: Sequence[AuthorRow],
    clusters: Sequence[Sequence[int]],
    previous_ids: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Map row id -> person id for clusters given as lists of row indices."""
    ids: list[str | None] = [None] * len(clusters)
    if previous_ids:
        claims: dict[str, list[tuple[int, int]]] = {}
        for c, members in enumerate(clusters):
            votes = Counter(previous_ids[rows[i].id] for i in members if rows[i].id in previous_ids)
            if votes:
                pid, n = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                claims.setdefault(pid, []).append((n, c))
        for pid, claimants in claims.items():
            _, winner = max(claimants, key=lambda t: (t[0], -t[1]))
            ids[winner] = pid
    taken = {pid for pid in ids if pid}
    out: dict[str, str] = {}
    for c, members in enumerate(clusters):
        pid = ids[c]
        if pid is None:
            canonical = canonical_member(rows, members)
            pid = derived_id(canonical)
            attempt = 1
            # a new cluster hashing to an id an old person keeps, or two persons whose smallest strong key
            # is one shared DBLP pid (homonyms kept apart by their OpenReview ids or ORCIDs)
            while pid in taken:
                pid = derived_id(("split:" if attempt == 1 else f"split{attempt}:") + canonical)
                attempt += 1
            taken.add(pid)
        for i in members:
            out[rows[i].id] = pid
    return out
