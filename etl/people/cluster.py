"""Stage 5: clustering — merge linked nodes into persons, strongest links first, under cannot-links.

Plain connected components chain homonyms together ("W. Wang" links to two different Wei Wangs), so
merging is greedy by descending score and refuses a merge that would put in one person:

* two rows of the same paper;
* two different values of an exclusive strong key (two ORCIDs, two OpenReview ids — the answered
  profile id, so an alias the API resolved is one value), or two DBLP pids with none in common;
* two full given names that cannot be one person's ("Zhen" and "Zhaoqiang" via "Z."; "Wei" and
  "Weinan").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from etl.people.compare import first_names_compatible
from etl.people.nodes import Node
from etl.people.records import conflicting_keys, key_kind


@dataclass(slots=True)
class _Cluster:
    papers: set[str]
    strong: set[str]  # prefixed strong keys ("orcid:0000-...")
    firsts: set[tuple[str, str, str]]
    members: list[int] = field(default_factory=list)


def _can_merge(a: _Cluster, b: _Cluster, fuzzy_min: float) -> bool:
    small, large = (a, b) if len(a.papers) <= len(b.papers) else (b, a)
    if any(p in large.papers for p in small.papers):
        return False
    if conflicting_keys(a.strong, b.strong):
        return False
    dblp_a = {k for k in a.strong if key_kind(k) == "dblp"}
    dblp_b = {k for k in b.strong if key_kind(k) == "dblp"}
    if dblp_a and dblp_b and not dblp_a & dblp_b:
        return False
    for x in a.firsts:
        for y in b.firsts:
            if not first_names_compatible(x, y, fuzzy_min):
                return False
    return True


def drop_ambiguous_initial_links(
    nodes: Sequence[Node], edges: list[tuple[float, int, int]], margin: float
) -> list[tuple[float, int, int]]:
    """Keep an initial-only node's links only when one full given name clearly wins.

    "J. Lee" at KAIST links above threshold to Juho Lee, Jaeho Lee and Jihyeon Lee, all at KAIST; greedy
    merging would hand it to whichever scored a hair higher. If the best full given name does not beat
    the runner-up name by ``margin`` (e.g. a shared coauthor), the initial is left unlinked.
    """
    initial_only = {n.index for n in nodes if n.names and all(p.is_initial_only for p in n.names)}
    best: dict[int, dict[str, float]] = {}
    for score, i, j in edges:
        for me, other in ((i, j), (j, i)):
            if me in initial_only and other not in initial_only:
                for name in {p.given_joined for p in nodes[other].names if p.given_joined}:
                    per_name = best.setdefault(me, {})
                    per_name[name] = max(per_name.get(name, float("-inf")), score)
    winner: dict[int, str | None] = {}
    for me, per_name in best.items():
        ranked = sorted(per_name.items(), key=lambda kv: (-kv[1], kv[0]))
        clear = len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= margin
        winner[me] = ranked[0][0] if clear else None
    kept = []
    for edge in edges:
        _, i, j = edge
        ok = True
        for me, other in ((i, j), (j, i)):
            if me in winner and other not in initial_only:
                ok = ok and winner[me] in {p.given_joined for p in nodes[other].names}
        if ok:
            kept.append(edge)
    return kept


def cluster(nodes: Sequence[Node], edges: list[tuple[float, int, int]], fuzzy_min: float) -> list[list[int]]:
    """Return clusters as lists of node indices. ``edges`` are (score, i, j) above the link threshold."""
    parent = list(range(len(nodes)))
    state: dict[int, _Cluster] = {}
    for node in nodes:
        strong = set(node.strong_keys)
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
        ka.strong |= kb.strong
        ka.firsts |= kb.firsts
        ka.members.extend(kb.members)
        parent[gone] = keep
    return [sorted(c.members) for _, c in sorted(state.items())]
