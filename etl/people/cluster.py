"""Stage 5: clustering — merge linked nodes into persons, strongest links first, under cannot-links.

Plain connected components chain homonyms together ("W. Wang" links to two different Wei Wangs), so
merging is greedy by descending score and refuses a merge that would put in one person:

* two rows of the same paper;
* two different values of one strong key (two ORCIDs, two OpenReview ids);
* two full given names that cannot be one person's ("Zhen" and "Zhaoqiang" via "Z."; "Wei" and
  "Weinan").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from etl.people.compare import first_names_compatible
from etl.people.nodes import Node


@dataclass(slots=True)
class _Cluster:
    papers: set[str]
    strong: dict[str, str]  # key type -> value
    firsts: set[tuple[str, str, str]]
    members: list[int] = field(default_factory=list)


def _can_merge(a: _Cluster, b: _Cluster, fuzzy_min: float) -> bool:
    small, large = (a, b) if len(a.papers) <= len(b.papers) else (b, a)
    if any(p in large.papers for p in small.papers):
        return False
    for kind, value in a.strong.items():
        other = b.strong.get(kind)
        if other is not None and other != value:
            return False
    for x in a.firsts:
        for y in b.firsts:
            if not first_names_compatible(x, y, fuzzy_min):
                return False
    return True


def cluster(nodes: Sequence[Node], edges: list[tuple[float, int, int]], fuzzy_min: float) -> list[list[int]]:
    """Return clusters as lists of node indices. ``edges`` are (score, i, j) above the link threshold."""
    parent = list(range(len(nodes)))
    state: dict[int, _Cluster] = {}
    for node in nodes:
        strong: dict[str, str] = {}
        for key in sorted(node.strong_keys):
            kind, _, value = key.partition(":")
            strong.setdefault(kind, value)
        firsts = {(p.first, p.given_joined, p.sorted_key) for p in node.names if len(p.first) > 1}
        state[node.index] = _Cluster(set(node.papers), strong, firsts, [node.index])

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _score, i, j in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        a, b = state[ri], state[rj]
        if not _can_merge(a, b, fuzzy_min):
            continue
        keep, gone = (ri, rj) if ri < rj else (rj, ri)
        ka, kb = state[keep], state.pop(gone)
        ka.papers |= kb.papers
        for kind, value in kb.strong.items():
            ka.strong.setdefault(kind, value)
        ka.firsts |= kb.firsts
        ka.members.extend(kb.members)
        parent[gone] = keep
    return [sorted(c.members) for _, c in sorted(state.items())]
