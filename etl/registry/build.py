"""Merge ROR, ROR stubs, the verified AI-lab seed, Hipo, swot and NeurIPS evidence into one registry.

Order matters and is deliberate: ROR first (its ids are primary), then the seed (curated companies and
labs, some missing from the ROR union), then the curated single-site labs and named company sites
(:mod:`etl.registry.curated_sites`, only those NeurIPS authors name), then Hipo and swot, which attach
to an existing institution when a domain or an exact name + country says it is the same one, and
otherwise become institutions of our own with stable ``tt:<slug>-<cc>`` ids. NeurIPS aff ↔ aff_domain
evidence comes last: it adds domains and aliases only where it agrees with what the registry already
knows.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import fuzz

from etl.countries import country_code
from etl.name_keys import name_key
from etl.registry.builder import CLAIM_RANK, RegistryBuilder, own_id
from etl.registry.clean_names import swot_names
from etl.registry.curated_sites import add_curated_sites, read_curated_sites, read_institution_counts
from etl.registry.domains import host_of, tld_country
from etl.registry.evidence_merge import add_evidence
from etl.registry.model import Institution, Registry
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.short_forms import add_short_forms
from etl.registry.sources import (
    read_aff_domain_pairs,
    read_hipo,
    read_ror,
    read_ror_stubs,
    read_seed,
    read_swot,
    refused_domains,
)

log = logging.getLogger(__name__)

_TYPE_ORDER = ("education", "company", "facility", "healthcare", "government", "nonprofit", "archive",
               "other", "funder")
_COUNTRY_SUFFIX = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
_PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&.\-]{1,11})\)")


def primary_type(types: Iterable[str]) -> str | None:
    types = list(types)
    for wanted in _TYPE_ORDER:
        if wanted in types:
            return wanted
    return types[0] if types else None


def _similar(a: str, b: str) -> bool:
    """May a shared web host (weak evidence) merge these two names?

    Yes, unless the ROR side is a university *system* ("Purdue University System" shares purdue.edu
    with Purdue University) and the names differ.
    """
    if "system" not in name_key(b).split():
        return True
    return fuzz.token_sort_ratio(name_key(a), name_key(split_country_suffix(b)[0])) >= 88


def split_country_suffix(name: str) -> tuple[str, str | None]:
    """"Google (United States)" → ("Google", "US"); other parentheses are left alone."""
    match = _COUNTRY_SUFFIX.match(name)
    if match:
        code = country_code(match.group(2))
        if code:
            return match.group(1), code
    return name, None


def add_ror(builder: RegistryBuilder, records: Iterable[dict]) -> None:
    pending_links: list[tuple[str, str, str | None]] = []
    hosts_of: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        rid = rec["id"]
        for rel_type, rel_id in rec["relationships"]:
            if rel_type == "successor":
                builder.successors[rid].add(rel_id)
            elif rel_type == "predecessor":
                builder.successors[rel_id].add(rid)
        parent = next((rel_id for rel_type, rel_id in rec["relationships"] if rel_type == "parent"), None)
        builder.add_institution(Institution(rid, rec["name"], rec.get("country_code"),
                                            primary_type(rec["types"]), parent,
                                            "ror" if rec.get("status") == "active" else "ror-inactive",
                                            rec.get("city")))
        builder.add_name(rid, rec["name"], "display")
        bare, _ = split_country_suffix(rec["name"])
        if bare != rec["name"]:
            builder.add_name(rid, bare, "stripped")
        for alias in rec["aliases"]:
            builder.add_name(rid, alias, "alias")
        for acronym in rec["acronyms"]:
            builder.add_name(rid, acronym, "acronym")
        for value, lang in rec["labels"]:
            builder.add_name(rid, value, "label", lang)
        for domain in rec["domains"]:
            builder.claim_domain(domain, rid, "ror" if rec.get("status") == "active" else "ror-inactive")
        for link in rec["links"]:
            host = host_of(link)
            if host:
                pending_links.append((host, rid, parent))
                hosts_of[rid].add(host)
        hosts_of[rid].update(d.lower().removeprefix("www.") for d in rec["domains"])
    for host, rid, parent in pending_links:  # web hosts only where no ROR domain field claims the host
        parent_inst = builder.institutions.get(parent) if parent else None
        own_type = builder.institutions[rid].type
        if parent_inst and parent_inst.type == "education" and (
                own_type != "education" or not hosts_of[parent]
                or any(host == h or host.endswith("." + h) for h in hosts_of[parent])):
            continue  # a university's units publish on the university's host (cs.ucl.ac.uk …); a
            # university inside a system (Texas A&M in the TAMU System) has a host of its own
        if host not in builder.domain_claims:
            builder.claim_domain(host, rid, "ror-link")
    # parents that point outside the registry are kept only if a stub fills them in later


def add_ror_stubs(builder: RegistryBuilder, stubs: Iterable[dict]) -> None:
    """Institutions the union dump only names (IBM, NTT, …): name and the country in their name."""
    for stub in stubs:
        if stub["id"] in builder.institutions:
            continue
        bare, country = split_country_suffix(stub["name"])
        if country is None and len(stub["referenced_by_countries"]) == 1:
            country = stub["referenced_by_countries"][0]
        builder.add_institution(Institution(stub["id"], stub["name"], country, None, None, "ror-stub"))
        builder.add_name(stub["id"], stub["name"], "display")
        if bare != stub["name"]:
            builder.add_name(stub["id"], bare, "stripped")


def add_seed(builder: RegistryBuilder, rows: list[dict]) -> None:
    """Curated AI companies and labs: ROR id when ROR has one, our own id otherwise."""
    ids: dict[str, str] = {}
    for row in rows:
        rid = row["ror_id"].strip() or own_id(row["canonical_name"], row["country_code"])
        ids[row["canonical_name"]] = rid
    for row in rows:
        rid = ids[row["canonical_name"]]
        existing = builder.institutions.get(rid)
        parent = ids.get(row["parent_canonical"]) if row["parent_canonical"] else None
        if parent is None and existing:
            parent = existing.parent_id
        builder.add_institution(Institution(
            rid, existing.name if existing and existing.source == "ror" else row["canonical_name"],
            row["country_code"] or (existing.country_code if existing else None),
            row["type"] or (existing.type if existing else None), parent,
            existing.source if existing and existing.source == "ror" else "ai-labs-seed",
            existing.city if existing else None))
        builder.add_name(rid, row["canonical_name"], "seed")
        for alias in filter(None, (a.strip() for a in row["aliases"].split("|"))):
            builder.add_name(rid, alias, "seed")
        for domain in filter(None, (d.strip() for d in row["email_domains"].split("|"))):
            builder.claim_domain(domain, rid, "ai-labs-seed")


def add_hipo(builder: RegistryBuilder, universities: Iterable[dict], domains_now: dict) -> None:
    for uni in universities:
        country = uni.get("alpha_two_code") or None
        name = uni["name"].strip()
        uni_domains = [d.lower() for d in uni.get("domains") or []]
        match = next((domains_now[d].institution_id for d in uni_domains if d in domains_now
                      and builder.institutions[domains_now[d].institution_id].country_code == country
                      and (CLAIM_RANK.get(domains_now[d].source, 3) <= 1 or _similar(
                          name, builder.institutions[domains_now[d].institution_id].name))), None)
        match = match or builder.same_by_name(name, country) or builder.same_by_name_at_city(name, country)
        if match is None:
            match = own_id(name, country)
            if match not in builder.institutions:
                builder.add_institution(Institution(match, name, country, "education", None, "hipo",
                                                    uni.get("state-province")))
        builder.add_name(match, name, "hipo")
        for acronym in _PAREN_ACRONYM.findall(name):
            builder.add_name(match, acronym, "acronym")
        stripped = _PAREN_ACRONYM.sub("", name).strip()
        if stripped != name:
            builder.add_name(match, stripped, "hipo")
        for domain in uni_domains:
            builder.claim_domain(domain, match, "hipo")


def add_swot(builder: RegistryBuilder, entries: Iterable[dict], domains_now: dict) -> None:
    """Academic email domains: attach to a known institution, or add one where the TLD gives a country."""
    for entry in entries:
        domain = entry["domain"].lower()
        if entry.get("group") or domain in builder.refused or not entry.get("names"):
            continue
        if builder.domain_owner(domain, domains_now):
            continue
        country = tld_country(domain)
        names = swot_names(entry["names"])  # the names, not the request letter that follows them
        long_names = [n for n in names if not (n.isupper() and len(n) <= 8)]
        if not long_names:
            continue
        match = next((m for m in (builder.same_by_name(n, country) for n in long_names) if m), None)
        if match is None:
            if country is None:
                continue  # a name and a .com/.org domain, no country: not enough to be useful
            match = own_id(long_names[0], country)
            if match not in builder.institutions:
                builder.add_institution(Institution(match, long_names[0], country, "education", None, "swot"))
        for name in names:
            builder.add_name(match, name, "swot" if name in long_names else "acronym")
        builder.claim_domain(domain, match, "swot")


def build_registry(data_dir: Path = REGISTRY_DATA_DIR) -> Registry:
    """Build the registry from the vendored inputs (no cache; see :func:`etl.registry.store.load_registry`)."""
    refused = refused_domains(data_dir)
    builder = RegistryBuilder(refused)
    add_ror(builder, read_ror(data_dir))
    add_ror_stubs(builder, read_ror_stubs(data_dir))
    add_seed(builder, read_seed(data_dir))
    pairs = read_aff_domain_pairs(data_dir)
    add_curated_sites(builder, read_curated_sites(data_dir), pairs, read_institution_counts(data_dir))
    add_hipo(builder, read_hipo(data_dir), builder.resolved_domains())
    add_swot(builder, read_swot(data_dir), builder.resolved_domains())
    add_short_forms(builder)
    evidence_counts = add_evidence(builder, pairs)
    _countries_from_domains(builder)
    # parents outside the registry would dangle: drop them
    for iid, inst in list(builder.institutions.items()):
        if inst.parent_id and inst.parent_id not in builder.institutions:
            builder.institutions[iid] = Institution(inst.institution_id, inst.name, inst.country_code,
                                                    inst.type, None, inst.source, inst.city)
    registry = Registry(builder.institutions, builder.names, builder.resolved_domains(),
                        evidence_counts, refused,
                        successors={old: tuple(sorted(new)) for old, new in builder.successors.items()
                                    if old != new and old in builder.institutions},
                        alias_evidence=builder.alias_evidence, site_regions=builder.site_regions)
    log.info("registry: %d institutions, %d names, %d domains", len(registry.institutions),
             len(registry.names), len(registry.domains))
    return registry


def _countries_from_domains(builder: RegistryBuilder) -> None:
    """Give an institution without a country the one its own domains' ccTLDs agree on.

    ROR stubs only carry the countries of the records that reference them ("Chinese University of
    Hong Kong, Shenzhen": CN and HK); the domain its authors write (cuhk.edu.cn) settles it.
    """
    owned: dict[str, set[str]] = defaultdict(set)
    for entry in builder.resolved_domains().values():
        implied = tld_country(entry.domain)
        if implied and not entry.domain.endswith(".edu"):
            owned[entry.institution_id].add(implied)
    for iid, inst in list(builder.institutions.items()):
        if inst.country_code is None and len(owned.get(iid, ())) == 1:
            builder.institutions[iid] = Institution(inst.institution_id, inst.name, next(iter(owned[iid])),
                                                    inst.type, inst.parent_id, inst.source, inst.city)


def counts_by_source(registry: Registry) -> dict[str, int]:
    return dict(Counter(i.source for i in registry.institutions.values()))
