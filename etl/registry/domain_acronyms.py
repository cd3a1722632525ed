"""Domain labels authors write as acronyms: "TTIC" for ttic.edu, "CityU" for cityu.edu.hk.

Part of the registry build, after the evidence has settled who owns each domain
(:mod:`etl.registry.evidence_merge`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

from etl.countries import country_code
from etl.name_keys import PLACE_CODES, name_key, subdivisions
from etl.registry.builder import RegistryBuilder

log = logging.getLogger(__name__)

# A domain's first label names its owner where authors type it as an acronym ("TTIC" @ttic.edu, "CityU"
# @cityu.edu.hk). Second-level labels that are registry structure, not names, are skipped.
_STRUCTURAL_LABELS = frozenset({"edu", "ac", "co", "com", "org", "gov", "net", "res", "or", "ne", "go", "www",
                                "mail", "cs", "ece", "eecs", "ee", "math", "stat", "stats", "research"})
DOMAIN_ACRONYM_MIN_AUTHORS = 3


def domain_label(domain: str) -> str | None:
    """The naming label of a registered domain: "ttic.edu" → "ttic", "cityu.edu.hk" → "cityu"."""
    labels = domain.lower().split(".")
    if len(labels) < 2:
        return None
    body = labels[:-1]
    while body and body[-1] in _STRUCTURAL_LABELS:
        body.pop()
    if len(body) != 1:
        return None  # "ie.cuhk.edu.hk" is a unit's host, not the institution's name
    label = body[0]
    return label if label.isalpha() and 3 <= len(label) <= 8 else None


def add_domain_acronyms(builder: RegistryBuilder, pairs: list[tuple[str, str, int]], domains: dict) -> int:
    """Name each evidence-backed domain owner by its domain label, as an acronym ("domain-acronym").

    Only where at least :data:`DOMAIN_ACRONYM_MIN_AUTHORS` NeurIPS authors write the domain, the label is
    not a country, a place or a place code, and the owner does not hold that name already. The resolver still
    treats it as an acronym: it competes with every other institution going by the same letters, and
    field evidence decides between them.
    """
    places = {name_key(i.city) for i in builder.institutions.values() if i.city} | subdivisions()

    authors: Counter[str] = Counter()
    for _aff, domain, n in pairs:  # "cs.unc.edu" counts for unc.edu
        parts = domain.lower().split(".")
        registered = next((".".join(parts[i:]) for i in range(len(parts) - 1) if ".".join(parts[i:]) in domains),
                          None)
        if registered:
            authors[registered] += n
    words_of: dict[str, set[str]] = defaultdict(set)
    for entry in builder.names:
        words_of[entry.institution_id].update(name_key(entry.name).split())
    added = 0
    for domain, n in authors.items():
        label = domain_label(domain)
        owner = domains[domain].institution_id
        if label in words_of[owner]:
            continue  # "mcgill", "stanford": a word of its name, which short names already cover
        if (n < DOMAIN_ACRONYM_MIN_AUTHORS or not label or label in PLACE_CODES or country_code(label)
                or label in places  # "toronto", "oxford": a place, not letters standing for a name
                or not builder.institutions[owner].country_code
                or builder.name_rank(owner, label) < 9):
            continue
        builder.add_name(owner, label.upper(), "domain-acronym")
        added += 1
    log.info("evidence: %d domain acronyms added", added)
    return added
