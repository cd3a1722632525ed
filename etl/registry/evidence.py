"""NeurIPS aff ↔ aff_domain evidence: verify the AI-lab seed, and mine domains and aliases.

OpenReview profiles pair each author's affiliation name with their institutional email domain. Over
~22k authorships of NeurIPS 2021/2022 these pairs say which domain belongs to which institution and
which spellings people use ("Meta Facebook" @fb.com, "Shanghai Jiaotong University" @sjtu.edu.cn).

* :func:`verify_seed` checks every seed row's domains and aliases against the pairs; a domain whose
  authors name other institutions is dropped, domains the seed's own names use are added, and the
  counts are kept (written to ``ai_labs_verified.csv`` by ``talent registry verify-seed``).
* :func:`etl.registry.evidence_merge.add_evidence` (part of the registry build) adds a domain only where
  names already in the registry agree on its owner, and an alias only where the domain's owner shares a
  word or an acronym with it — so a generic "Department of Physics" never becomes anyone's alias. The
  thresholds both use are here.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

from etl.name_keys import name_key
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.sources import PUBLIC_SUFFIXES, VERIFIED_SEED_FILE, WEBMAIL_DOMAINS, read_aff_domain_pairs
from etl.registry.vendor import write_csv

MIN_AUTHORS = 2
# Evidence strong enough to overrule what the other sources say: a spelling already naming other
# institutions becomes this one's alias too, and a domain whose registered owner none of its authors
# name moves to the institution they do name.
STRONG_AUTHORS = 5
DOMAIN_SHARE = 0.7
ALIAS_SHARE = 0.8
CONTRADICTION_SHARE = 0.3

WEAK_TOKENS = frozenset({
    "university", "of", "the", "and", "institute", "technology", "national", "research", "science",
    "college", "school", "center", "laboratory", "department", "inc", "incorporated", "limited", "company",
    "corporation", "group", "ai", "for", "in", "at", "de", "la", "le", "der", "und", "fur", "di", "del",
    "state", "academy", "international", "federal", "applied", "engineering", "computer", "lab",
})

VERIFIED_COLUMNS = ["canonical_name", "ror_id", "ror_in_union", "country_code", "type", "parent_canonical",
                    "aliases", "email_domains", "domains_source", "evidence_count", "domain_evidence",
                    "alias_evidence", "dropped"]


def _domain_matches(domain: str, listed: str) -> bool:
    return domain == listed or domain.endswith("." + listed)


def _informative(key: str) -> set[str]:
    """Tokens of a name key that identify an institution (not 'university', 'of', 'research', …)."""
    return {t for t in key.split() if t not in WEAK_TOKENS and len(t) > 1}


def _mentions(aff_key: str, names: set[str]) -> bool:
    padded = f" {aff_key} "
    return any(f" {n} " in padded for n in names)


def verify_seed(seed_rows: list[dict], pairs: list[tuple[str, str, int]]) -> list[dict]:
    """Check each seed row's domains and aliases against aff ↔ aff_domain pairs; return verified rows."""
    family: dict[str, set[str]] = defaultdict(set)  # canonical → names of itself, parent and children
    own_names: dict[str, set[str]] = {}
    for row in seed_rows:
        names = {name_key(row["canonical_name"])} | {name_key(a) for a in row["aliases"].split("|") if a}
        own_names[row["canonical_name"]] = names - {""}
    for row in seed_rows:
        family[row["canonical_name"]] |= own_names[row["canonical_name"]]
        parent = row["parent_canonical"]
        if parent in own_names:
            family[row["canonical_name"]] |= own_names[parent]
            family[parent] |= own_names[row["canonical_name"]]
    keyed = [(name_key(aff), domain, n) for aff, domain, n in pairs]
    domain_totals: Counter[str] = Counter()
    for _, domain, n in keyed:
        domain_totals[domain] += n
    other_listed: dict[str, set[str]] = {}  # a domain another seed row lists is that row's evidence
    for row in seed_rows:
        other_listed[row["canonical_name"]] = {
            d.strip().lower() for other in seed_rows if other is not row
            for d in other["email_domains"].split("|") if d.strip()}
    refused = WEBMAIL_DOMAINS | PUBLIC_SUFFIXES
    verified: list[dict] = []
    for row in seed_rows:
        canonical = row["canonical_name"]
        names, related = own_names[canonical], family[canonical]
        related_tokens = set().union(*(_informative(r) for r in related))
        dropped: list[str] = []
        domain_evidence: dict[str, int] = {}
        kept_domains: list[str] = []
        for domain in filter(None, (d.strip().lower() for d in row["email_domains"].split("|"))):
            hits = [(k, n) for k, d, n in keyed if _domain_matches(d, domain)]
            total = sum(n for _, n in hits)
            consistent = sum(n for k, n in hits if _mentions(k, related) or _informative(k) & related_tokens)
            domain_evidence[domain] = consistent
            if total >= 3 and consistent < CONTRADICTION_SHARE * total:
                dropped.append(f"domain {domain}: {consistent}/{total} authors name this lab")
            else:
                kept_domains.append(domain)
        # domains the lab's own names come with, not listed yet
        found: Counter[str] = Counter()
        for key, domain, n in keyed:
            if (key in names and "." in domain and domain not in refused and domain not in other_listed[canonical]
                    and not any(_domain_matches(domain, d) for d in kept_domains)):
                found[domain] += n
        for domain, n in found.most_common():
            all_authors = domain_totals[domain]
            if (n >= MIN_AUTHORS and n >= DOMAIN_SHARE * all_authors
                    and not any(_domain_matches(domain, d) for d in kept_domains)):
                kept_domains.append(domain)
                domain_evidence[domain] = n
        alias_evidence: dict[str, int] = {}
        kept_aliases: list[str] = []
        for alias in filter(None, (a.strip() for a in row["aliases"].split("|"))):
            key = name_key(alias)
            hits = [(d, n) for k, d, n in keyed if k == key or _mentions(k, {key})]
            total = sum(n for _, n in hits)
            on_domain = sum(n for d, n in hits if any(_domain_matches(d, kd) for kd in kept_domains)
                            or set(d.split(".")) & related_tokens)
            alias_evidence[alias] = total
            if total >= 3 and on_domain < CONTRADICTION_SHARE * total:
                dropped.append(f"alias {alias}: {on_domain}/{total} authors use the lab's domains")
            else:
                kept_aliases.append(alias)
        evidence_count = sum(n for k, d, n in keyed if any(_domain_matches(d, kd) for kd in kept_domains)
                             and _mentions(k, related))
        listed = {d.strip().lower() for d in row["email_domains"].split("|") if d.strip()}
        if not any(domain_evidence.get(d) for d in kept_domains):
            source = "curated-no-evidence"
        elif set(kept_domains) == listed:
            source = "neurips-evidence"
        else:
            source = "neurips-evidence (corrected)"
        verified.append({
            **{k: row[k] for k in ("canonical_name", "ror_id", "ror_in_union", "country_code", "type",
                                   "parent_canonical")},
            "aliases": "|".join(kept_aliases),
            "email_domains": "|".join(kept_domains),
            "domains_source": source,
            "evidence_count": evidence_count,
            "domain_evidence": "|".join(f"{d}:{n}" for d, n in domain_evidence.items()),
            "alias_evidence": "|".join(f"{a}:{n}" for a, n in alias_evidence.items()),
            "dropped": "; ".join(dropped),
        })
    return verified


def write_verified_seed(data_dir: Path = REGISTRY_DATA_DIR) -> Path:
    """Verify ``ai_labs_seed.csv`` against the vendored evidence and write ``ai_labs_verified.csv``."""
    with open(data_dir / "ai_labs_seed.csv", encoding="utf-8", newline="") as fh:
        seed = list(csv.DictReader(fh))
    rows = verify_seed(seed, read_aff_domain_pairs(data_dir))
    return write_csv(data_dir / VERIFIED_SEED_FILE, VERIFIED_COLUMNS, rows)
