"""Stage 2: blocking — which node pairs are worth comparing at all.

Strict keys, as Splink advises (many strict rules beat one loose rule, because the pair count is the run
time). Each key is one of the ways ``compare.name_level`` can accept two spellings, so a block holds only
pairs whose names could be one person's:

* ``f:surname_last|first`` — the same full first given name (accents, hyphens, "Last, First" and dropped
  middles all keep the last surname part and the first given name);
* ``g:surname_last|given_joined`` — "Xiu Shen" and "Xiushen";
* ``z:surname_last|<first minus one letter>`` — the deletion neighbourhood of a long first name, which is
  where two names one edit apart with the same initial ("Aleksandr"/"Aleksander") meet;
* ``s:sorted tokens`` — given and family name swapped without a comma ("Wang Wei");
* ``n:surname_last|initial`` — an initial ("J. Smith") meets every name with that initial and surname;
  two full first names never pair through this key (their own keys already paired them if they agree).

Inside a block, a pair is generated only when it could reach the link threshold. Without shared evidence
(an affiliation key, an email domain or a coauthor key) a pair scores at most the best name weight plus
the name's rarity, so a name common enough that this falls short of the threshold
(:func:`min_free_bits`) meets its namesakes only through evidence they share. Same-name groups grow
linearly with the population, so comparing them all grows quadratically; this keeps the pair count near
linear (the 10× synthetic benchmark had 29.5× the pairs of 1× with all-pairs blocks). The cost is a pair
whose affiliations match only fuzzily (not on the exact key) between two common names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from etl.people.compare import name_level
from etl.people.nodes import Node
from etl.people.normalise import NameParts
from etl.people.records import Model

log = logging.getLogger(__name__)

FUZZY_MIN_LENGTH = 7  # compare.fuzzy_given: only first names of seven letters or more are spelling variants


def deletion_variants(first: str) -> set[str]:
    """The name and every spelling of it with one letter after the first removed: two names one edit
    apart that begin alike share one ("aleksandr"/"aleksander"). Names that differ in the first letter
    ("Hengyuan"/"Shengyuan") are different people, and never met in a block before either."""
    return {first} | {first[:i] + first[i + 1 :] for i in range(1, len(first))}


def name_keys(parts: NameParts) -> set[str]:
    """Blocking keys of one spelling (the ``n:`` key of full names is added separately)."""
    keys: set[str] = set()
    last, first = parts.surname_last, parts.first
    if parts.given:
        keys.add(f"s:{parts.sorted_key}")
    if not last or not first:
        return keys
    if len(first) == 1:
        keys.add(f"n:{last}|{first}")
        return keys
    keys.add(f"f:{last}|{first}")
    if parts.given_joined:  # "Tie Yan" (first "tie") meets "TieYan" (first "tieyan") here
        keys.add(f"g:{last}|{parts.given_joined}")
    if len(first) >= FUZZY_MIN_LENGTH - 1:  # a six-letter name is one insertion from a seven-letter one
        keys.update(f"z:{last}|{variant}" for variant in deletion_variants(first) if variant != first)
        keys.add(f"z:{last}|{first}")
    return keys


def blocking_keys(node: Node) -> tuple[set[str], set[str]]:
    """(keys the node owns, initial keys it only answers): a full name answers the ``n:`` key of its
    initial, so "J. Smith" meets "John Smith", but two full names never pair through it."""
    own: set[str] = set()
    answers: set[str] = set()
    for parts in node.names:
        own |= name_keys(parts)
        if len(parts.first) > 1 and parts.surname_last:
            answers.add(f"n:{parts.surname_last}|{parts.first_initial}")
    return own, answers - own


def evidence_keys(node: Node) -> set[str]:
    """What two nodes must share to be compared when their name alone cannot link them."""
    keys = {f"a:{a.replace(' ', '')}" for a in node.affiliations} | {f"d:{d}" for d in node.domains}
    return keys | {f"c:{c}" for c in node.coauthors}


QUERY_TOKENS = 1


class AffiliationTokens:
    """Catches the fuzzy affiliation matches of ``compare.affiliation_level`` that exact keys miss.

    ``token_set_ratio >= 90`` holds mostly when one affiliation's tokens are a subset of the other's
    ("stanford" / "stanford ca"), so the shorter one's rarest token is in the longer one: a node asks
    with the rarest token of each affiliation and answers to every token of each. Asking with only the
    rarest keeps the pair count small ("institute" asks only for an affiliation that is nothing else).
    """

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.df: dict[str, int] = {}
        self._rarest: dict[str, list[str]] = {}
        for node in nodes:
            for token in {t for aff in node.affiliations for t in aff.split()}:
                self.df[token] = self.df.get(token, 0) + 1

    def asks(self, node: Node) -> set[str]:
        asked: set[str] = set()
        for aff in node.affiliations:
            rarest = self._rarest.get(aff)
            if rarest is None:
                tokens = sorted(set(aff.split()), key=lambda t: (self.df.get(t, 0), t))
                rarest = self._rarest[aff] = tokens[:QUERY_TOKENS]
            asked.update(rarest)
        return asked

    @staticmethod
    def answers(node: Node) -> set[str]:
        return {t for aff in node.affiliations for t in aff.split()}


# The name levels a pair whose best agreement is of each kind can score (compare.name_level): exact,
# first_match and given_joined spellings share an f: or g: key, swapped ones an s: key, fuzzy ones a z: key
# and initials an n: key, so a pair is judged in the block of its best level with that level's weight.
KIND_LEVELS = {"f": ("exact", "first_match", "given_joined"), "g": ("exact", "first_match", "given_joined"),
               "s": ("swapped",), "z": ("fuzzy",), "n": ("initial",)}


@dataclass(frozen=True, slots=True)
class FreeBits:
    """Name rarity (bits) a pair's commoner node needs to be compared without shared evidence.

    Without evidence a pair gets at most the weight of the name levels its block can hold (an ``n:``
    block: "initial", scored with initial-and-surname rarity; a ``z:`` block: "fuzzy"), nothing for
    coauthors, the best year-gap weight and, for affiliations, "different" when both nodes carry
    affiliations (or both carry domains) and "missing" otherwise; the rest must come from ``scale * bits``.
    The level "given_joined" ("Tie Yan" / "TieYan") needs a given name of several tokens on one side.
    """

    threshold: float
    scale: float
    weights: dict[str, float]
    best_year: float
    different: float
    missing: float
    middle_conflict: float
    fuzzy_min: float

    @classmethod
    def from_model(cls, model: Model) -> FreeBits:
        return cls(
            threshold=model["link_threshold"],
            scale=model["rarity"]["scale"],
            weights=dict(model["name_level_weights"]),
            best_year=max([0.0] + [band["weight"] for band in model["year_gap_weights"]]),
            different=model["affiliation_weights"]["different"],
            missing=model["affiliation_weights"]["missing"],
            middle_conflict=model["middle_conflict_weight"],
            fuzzy_min=model["first_name_fuzzy_min"],
        )

    def name_weight(self, kind: str, several_given: bool) -> float:
        levels = [lv for lv in KIND_LEVELS[kind] if several_given or lv != "given_joined"]
        return max(self.weights[level] for level in levels)

    def bound(self, kind: str, both_affiliated: bool, several_given: bool) -> float:
        """Bits needed by a pair of a ``kind`` block whose nodes both carry affiliations (or domains) or
        not, and of which one has (or neither has) a given name of several tokens."""
        name = self.name_weight(kind, several_given)
        return self.bound_for(name, both_affiliated)

    def bound_for(self, name_weight: float, both_affiliated: bool) -> float:
        """The same for a pair whose name weight is known."""
        affiliation = self.different if both_affiliated else self.missing
        return (self.threshold - name_weight - self.best_year - affiliation) / self.scale

    def lowest(self, kind: str) -> float:
        """Below this no pair of a ``kind`` block is free, whatever its nodes."""
        return self.bound(kind, self.different > self.missing, True)

    def needed(self, a: Node, b: Node, kind: str = "f") -> float:
        both = bool((a.affiliations and b.affiliations) or (a.domains and b.domains))
        several = any(len(p.given) > 1 for p in a.names) or any(len(p.given) > 1 for p in b.names)
        return self.bound(kind, both, several)


@dataclass(frozen=True, slots=True)
class NodeBits:
    """The rarity each node brings to a comparison, as the score stage reads it: ``full`` at every level
    but "initial" (its most specific spelling), ``initial`` at level "initial" (initial and surname)."""

    full: Sequence[float]
    initial: Sequence[float]

    def of(self, kind: str) -> Sequence[float]:
        return self.initial if kind == "n" else self.full


SMALL_BLOCK = 12  # up to this many nodes, a block's pairs are checked one by one rather than indexed


class _Gate:
    """Per-node facts the pair gate reads, computed once: rarity, the affiliation/domain flags and
    whether a given name has several tokens, the evidence keys and the affiliation tokens."""

    def __init__(self, nodes: Sequence[Node], bits: NodeBits, needed: FreeBits) -> None:
        self.bits = bits
        self.needed = needed
        self.has_aff = [bool(n.affiliations) for n in nodes]
        self.has_dom = [bool(n.domains) for n in nodes]
        self.several = [any(len(p.given) > 1 for p in n.names) for n in nodes]
        self.nodes = nodes
        self.tokens = AffiliationTokens(nodes)
        self._evidence: dict[int, tuple[set[str], set[str], set[str]]] = {}

    def facts(self, idx: int) -> tuple[set[str], set[str], set[str]]:
        """(evidence keys, tokens asked with, tokens answered to) of a node, computed on first use: most
        nodes sit alone in every block and never need them."""
        facts = self._evidence.get(idx)
        if facts is None:
            node = self.nodes[idx]
            facts = self._evidence[idx] = (evidence_keys(node), self.tokens.asks(node),
                                           AffiliationTokens.answers(node))
        return facts

    def free(self, kind: str, a: int, b: int) -> bool:
        bits = self.bits.of(kind)
        both = (self.has_aff[a] and self.has_aff[b]) or (self.has_dom[a] and self.has_dom[b])
        names_a, names_b = self.nodes[a].names, self.nodes[b].names
        if kind in "fg" and len(names_a) == 1 == len(names_b):
            # one spelling each: the level they agree at is known exactly ("Charles Chen" / "Charles Yang
            # Chen": first_match, not given_joined), and so is a middle-name conflict
            level, conflict = name_level(next(iter(names_a)), next(iter(names_b)), self.needed.fuzzy_min)
            if level is None:
                return False
            name = self.needed.weights[level] + (self.needed.middle_conflict if conflict else 0.0)
            return min(bits[a], bits[b]) >= self.needed.bound_for(name, both)
        return min(bits[a], bits[b]) >= self.needed.bound(kind, both, self.several[a] or self.several[b])

    def evident(self, a: int, b: int) -> bool:
        (ev_a, asks_a, answers_a), (ev_b, asks_b, answers_b) = self.facts(a), self.facts(b)
        return bool(ev_a & ev_b or asks_a & answers_b or asks_b & answers_a)


def candidate_pairs(
    nodes: Sequence[Node], bits: NodeBits | None = None, needed: FreeBits | None = None
) -> Iterator[tuple[int, int]]:
    """Yield each candidate pair (i < j) once, in a deterministic order.

    A pair whose commoner node brings less rarity (``bits``) than ``needed`` is generated only through
    shared evidence. Without them every pair of a block is generated.
    """
    gate = _Gate(nodes, bits, needed) if bits is not None and needed is not None else None
    blocks: dict[str, list[int]] = {}
    answering: dict[str, list[int]] = {}
    for node in nodes:
        own, answers = blocking_keys(node)
        for key in own:
            blocks.setdefault(key, []).append(node.index)
        for key in answers:
            answering.setdefault(key, []).append(node.index)
    seen: set[tuple[int, int]] = set()
    shared = sorted(key for key, owners in blocks.items() if len(owners) + len(answering.get(key, ())) > 1)
    for key in shared:
        owners = blocks[key]
        others = answering.get(key, [])
        if gate is None:
            pairs = list(_block_pairs(owners, others))
        elif len(owners) + len(others) <= SMALL_BLOCK:
            kind = key[0]
            pairs = [(a, b) for a, b in _block_pairs(owners, others)
                     if gate.free(kind, a, b) or gate.evident(a, b)]
        else:
            pairs = _gated_pairs(gate, key[0], owners, others)
        for a, b in pairs:
            pair = (a, b) if a < b else (b, a)
            if pair not in seen:
                seen.add(pair)
                yield pair


def _block_pairs(owners: list[int], others: list[int]) -> Iterator[tuple[int, int]]:
    """Every pair of a block with at least one owner: nodes that only answer an initial key never pair
    through it."""
    for a_pos, a in enumerate(owners):
        yield from ((a, b) for b in owners[a_pos + 1 :])
        yield from ((a, b) for b in others if b != a)


def _gated_pairs(gate: _Gate, kind: str, owners: list[int], others: list[int]) -> list[tuple[int, int]]:
    """A large block: free pairs among nodes rare enough to be free at all, plus pairs sharing evidence
    found through an index, so a common name's block is never enumerated pair by pair."""
    lowest, bits = gate.needed.lowest(kind), gate.bits.of(kind)
    rare = [idx for idx in owners if bits[idx] >= lowest]
    rare_others = [idx for idx in others if bits[idx] >= lowest]
    pairs = [(a, b) for a, b in _block_pairs(rare, rare_others) if gate.free(kind, a, b)]
    owner_set = set(owners)
    by_evidence: dict[str, list[int]] = {}
    askers: dict[str, list[int]] = {}
    for idx in owners + others:
        evidence, asks, _ = gate.facts(idx)
        for ev in evidence:
            by_evidence.setdefault(ev, []).append(idx)
        for token in asks:
            askers.setdefault(token, []).append(idx)
    for ev in sorted(by_evidence):
        group = by_evidence[ev]
        for a_pos, a in enumerate(group):
            pairs.extend((a, b) for b in group[a_pos + 1 :] if a in owner_set or b in owner_set)
    for token in sorted(askers):
        answering_nodes = [idx for idx in owners + others if token in gate.facts(idx)[2]]
        for a in askers[token]:
            pairs.extend((a, b) for b in answering_nodes if b != a and (a in owner_set or b in owner_set))
    return pairs
