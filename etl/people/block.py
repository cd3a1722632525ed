"""Stage 2: blocking — which node pairs are worth comparing at all.

Two strict keys, as Splink advises (many strict rules beat one loose rule, because the pair count is
the run time):

* ``surname_last|first_initial`` catches accents, hyphens, "Last, First", initials and dropped middles
  (every perturbation keeps the last surname part and the first initial);
* the order-free token key catches given and family name swapped without a comma ("Wang Wei").

A block larger than ``max_block_nodes`` is split by the first given name, so one very common surname
cannot blow up the pair count; the cost is that initial-only spellings in that block meet only each other.

A group still larger than ``max_group_nodes`` after that (one common full name: its size grows linearly
with the population, so its pairs grow quadratically — the 10× synthetic benchmark spent 65% of its
pairs there) is compared only where two nodes share evidence: an affiliation key, an email domain or a
coauthor key. A pair without any shared evidence scores at most the name weight plus the name's rarity,
and a name common enough to make such a group has negative rarity, so those pairs could not link anyway.
Affiliations that match only fuzzily are the cost. The real 2021+2022 data has no group that large.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from etl.people.nodes import Node

log = logging.getLogger(__name__)


def blocking_keys(node: Node) -> set[str]:
    keys: set[str] = set()
    for parts in node.names:
        if parts.surname_last:
            keys.add(f"n:{parts.surname_last}|{parts.first_initial}")
        if parts.given:
            keys.add(f"s:{parts.sorted_key}")
    return keys


def evidence_groups(nodes: Sequence[Node], group: list[int]) -> list[list[int]]:
    """Split one oversized same-name group into the nodes sharing each affiliation, domain or coauthor key."""
    by_evidence: dict[str, list[int]] = {}
    for idx in group:
        node = nodes[idx]
        keys = {f"a:{a}" for a in node.affiliations} | {f"d:{d}" for d in node.domains}
        keys |= {f"c:{c}" for c in node.coauthors}
        for key in keys:
            by_evidence.setdefault(key, []).append(idx)
    return [by_evidence[key] for key in sorted(by_evidence) if len(by_evidence[key]) > 1]


def candidate_pairs(
    nodes: Sequence[Node], max_block_nodes: int, max_group_nodes: int | None = None
) -> Iterator[tuple[int, int]]:
    """Yield each candidate pair (i < j) once, in a deterministic order."""
    blocks: dict[str, list[int]] = {}
    for node in nodes:
        for key in blocking_keys(node):
            blocks.setdefault(key, []).append(node.index)
    seen: set[tuple[int, int]] = set()
    for key in sorted(blocks):
        members = blocks[key]
        if len(members) < 2:
            continue
        groups = [members]
        if len(members) > max_block_nodes:
            log.warning("block %s has %d nodes; splitting by first given name", key, len(members))
            by_first: dict[str, list[int]] = {}
            for idx in members:
                for first in {p.first for p in nodes[idx].names}:
                    by_first.setdefault(first, []).append(idx)
            groups = list(by_first.values())
        if max_group_nodes is not None and any(len(group) > max_group_nodes for group in groups):
            groups = [
                sub
                for group in groups
                for sub in (evidence_groups(nodes, group) if len(group) > max_group_nodes else [group])
            ]
        for group in groups:
            for a_pos, a in enumerate(group):
                for b in group[a_pos + 1 :]:
                    pair = (a, b) if a < b else (b, a)
                    if pair not in seen:
                        seen.add(pair)
                        yield pair
