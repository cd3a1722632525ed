"""Blocking: no pair that could link is left out, and the pair count grows near linearly.

Every name here is fictional, drawn from invented syllables; nothing describes a real person.
"""

from __future__ import annotations

import itertools
import math
import random

from etl.people.block import FreeBits, NodeBits, candidate_pairs, deletion_variants
from etl.people.compare import compare
from etl.people.name_prior import load_prior
from etl.people.nodes import build_nodes
from etl.people.records import AuthorRow, load_model
from etl.people.resolve import resolve_with_report
from etl.people.score import NameRarity, score

SYLLABLES = ["ka", "lo", "mi", "zen", "tor", "vel", "qua", "rin", "sa", "bo", "ul", "dre"]


def invented(rng: random.Random, n_syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n_syllables)).capitalize()


class FictionalNames:
    """Invented first names and surnames with Zipf-like frequencies, as real names have: a few very
    common full names whose holders grow with the population, and a long tail of rare ones."""

    def __init__(self, rng: random.Random) -> None:
        self.firsts = sorted({invented(rng, rng.choice([1, 2, 2, 3])) for _ in range(600)})
        self.surnames = sorted({invented(rng, rng.choice([2, 3])) for _ in range(400)})
        rng.shuffle(self.firsts)
        rng.shuffle(self.surnames)
        self.first_weights = zipf_cumulative(len(self.firsts))
        self.surname_weights = zipf_cumulative(len(self.surnames))

    def draw(self, rng: random.Random) -> str:
        first = rng.choices(self.firsts, cum_weights=self.first_weights)[0]
        last = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        return f"{first} {last}"


def zipf_cumulative(n: int) -> list[float]:
    """Cumulative weights 1/(rank + 10): the commonest of 600 names is about 2.5% of draws."""
    return list(itertools.accumulate(1 / (rank + 10) for rank in range(n)))


def spelling(rng: random.Random, name: str) -> str:
    """One way a source prints the name: as is, initial, "Last, First" or hyphenated."""
    first, last = name.split()
    style = rng.random()
    if style < 0.1:
        return f"{first[0]}. {last}"
    if style < 0.2:
        return f"{last}, {first}"
    if style < 0.25 and len(first) > 3:
        return f"{first[:2]}-{first[2:].lower()} {last}"
    return name


def population(n_persons: int, seed: int = 3) -> list[AuthorRow]:
    """Fictional persons (name, home institution) writing papers of two to four authors."""
    rng = random.Random(seed)
    places = [f"{''.join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()} Institute" for _ in range(40)]
    names = FictionalNames(random.Random(seed))
    persons = [(names.draw(rng), rng.choice(places + [None])) for _ in range(n_persons)]
    rows = []
    for p in range(n_persons):
        team = rng.sample(persons, rng.randint(2, 4))
        for pos, (name, place) in enumerate(team, 1):
            rows.append(AuthorRow(id=f"{p}/{pos}", paper_id=f"p{p}", author_position=pos,
                                  name=spelling(rng, name), affiliation=place, year=2020 + rng.randrange(3)))
    return rows


def test_deletion_variants_keep_the_initial() -> None:
    assert "aleksandr" in deletion_variants("aleksander")
    assert deletion_variants("aleksandr") & deletion_variants("aleksendr")  # one substitution apart
    assert not deletion_variants("hengyuan") & deletion_variants("shengyuan")  # other initial: apart


def test_every_pair_that_scores_above_threshold_is_a_candidate() -> None:
    """Brute force over all node pairs: blocking may only drop pairs that could never link."""
    model = load_model()
    rows = population(300)
    nodes, _ = build_nodes(rows)
    rarity = NameRarity((n for node in nodes for n in node.names), load_prior())
    bits = [max((rarity.bits(p) for p in n.names if not p.is_initial_only), default=0.0) for n in nodes]
    initial_bits = [max(rarity.initial_bits(p) for p in n.names) for n in nodes]
    candidates = set(candidate_pairs(nodes, NodeBits(bits, initial_bits), FreeBits.from_model(model)))
    assert candidates, "the fictional population must produce some candidate pairs"
    linkable = set()
    for a, b in itertools.combinations(nodes, 2):
        comparison = compare(a, b, model["first_name_fuzzy_min"], model["affiliation_fuzzy_min"])
        if comparison is None:
            continue
        pair_bits = (min(initial_bits[a.index], initial_bits[b.index]) if comparison.name_level == "initial"
                     else min(bits[a.index], bits[b.index]))
        if score(comparison, pair_bits, model) >= model["link_threshold"]:
            linkable.add((a.index, b.index))
    assert linkable
    missing = linkable - candidates
    # the only tolerated loss: a fuzzy affiliation match with no token in common (a typo)

    assert len(missing) <= len(linkable) // 100, sorted(missing)[:5]


def test_without_gate_every_block_pair_is_generated() -> None:
    rows = population(200)
    nodes, _ = build_nodes(rows)
    common = [-100.0] * len(nodes)  # every name hopelessly common: only evidence pairs remain
    all_pairs = set(candidate_pairs(nodes))
    gated = set(candidate_pairs(nodes, NodeBits(common, common), FreeBits.from_model(load_model())))
    assert gated < all_pairs


def test_candidate_pairs_grow_near_linearly() -> None:
    """Same-name groups grow with the population; their all-pairs count would grow quadratically."""
    # rarity from the input alone: the bundled prior of real names would call every invented name rare
    model = dict(load_model().params)
    model["rarity"] = dict(model["rarity"], use_bundled_prior=False)
    small = resolve_with_report(population(2000), model)[1]
    large = resolve_with_report(population(8000), model)[1]
    exponent = math.log(large.candidate_pairs / small.candidate_pairs) / math.log(large.rows / small.rows)
    assert small.candidate_pairs > 50
    assert exponent < 1.15, (small.candidate_pairs, large.candidate_pairs, exponent)
