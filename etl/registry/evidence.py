"""NeurIPS aff ↔ aff_domain evidence: verify the AI-lab seed, and mine domains and aliases.

OpenReview profiles pair each author's affiliation name with their institutional email domain. Over
~22k authorships of NeurIPS 2021/2022 these pairs say which domain belongs to which institution and
which spellings people use ("Meta Facebook" @fb.com, "Shanghai Jiaotong University" @sjtu.edu.cn).

* :func:`verify_seed` checks every seed row's domains and aliases against the pairs; a domain whose
  authors name other institutions is dropped, domains the seed's own names use are added, and the
  counts are kept (written to ``ai_labs_verified.csv`` by ``talent registry verify-seed``).
* :func:`add_evidence` (part of the registry build) adds a domain only where names already in the
  registry agree on its owner, and an alias only where the domain's owner shares a word or an
  acronym with it — so a generic "Department of Physics" never becomes anyone's alias.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path

from etl.affiliations.candidates import KIND_RANK
from etl.affiliations.normalise import name_key
from etl.countries import country_mentions
from etl.registry import sources
from etl.registry.paths import REGISTRY_DATA_DIR

log = logging.getLogger(__name__)

MIN_AUTHORS = 2
# Evidence strong enough to overrule what the other sources say: a spelling already naming other
# institutions becomes this one's alias too, and a domain whose registered owner none of its authors
# name moves to the institution they do name.
STRONG_AUTHORS = 5
DOMAIN_SHARE = 0.7
ALIAS_SHARE = 0.8
CONTRADICTION_SHARE = 0.3

_WEAK_TOKENS = frozenset({
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
    return {t for t in key.split() if t not in _WEAK_TOKENS and len(t) > 1}


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
    refused = sources.WEBMAIL_DOMAINS | sources.PUBLIC_SUFFIXES
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
    rows = verify_seed(seed, sources.read_aff_domain_pairs(data_dir))
    out = data_dir / sources.VERIFIED_SEED_FILE
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=VERIFIED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out


def _translit(token: str) -> str:
    """German umlaut transliteration folded away: "tuebingen" and "tubingen" (from "Tübingen") meet."""
    return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _shares_word_or_acronym(aff_key: str, names: list[str], domain: str) -> bool:
    tokens = [t for t in aff_key.split() if t not in _WEAK_TOKENS]
    name_tokens = {t for n in names for t in n.split()}
    if any(t in name_tokens for t in tokens):
        return True
    translit = {_translit(t) for t in name_tokens}
    if any(len(t) >= 4 and _translit(t) in translit for t in tokens):
        return True
    initials = "".join(t[0] for t in aff_key.split() if t not in {"of", "the", "and", "for", "in", "at"})
    labels = set(re.split(r"[.\-]", domain))  # "uni-tuebingen.de" → uni, tuebingen, de
    if len(initials) >= 2 and (initials in name_tokens or initials in labels):
        return True
    return any(len(t) >= 3 and t in labels for t in tokens)


def add_evidence(builder, pairs: list[tuple[str, str, int]]) -> dict[str, int]:
    """Add evidence-backed domains and aliases to a :class:`RegistryBuilder`; return authors per institution."""
    from etl.registry.build import Institution, own_id
    from etl.registry.model import InstitutionName

    domains = builder.resolved_domains()
    # 1. domains nobody owns yet, where names already in the registry agree on the owner
    by_domain: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for aff, domain, n in pairs:
        if domain not in builder.refused and not builder.domain_owner(domain, domains):
            by_domain[domain].append((aff, n))
    for domain, affs in by_domain.items():
        total = sum(n for _, n in affs)
        votes = _name_votes(builder, domain, affs)
        if votes:
            winner, n_win = votes.most_common(1)[0]
            if n_win >= MIN_AUTHORS and n_win >= DOMAIN_SHARE * total:
                if n_win >= STRONG_AUTHORS and builder.domain_claims.get(domain):
                    # claimed by several with equal standing (inria.fr: Inria and units of other
                    # institutions); the authors settle it
                    builder.domain_claims.pop(domain)
                builder.claim_domain(domain, winner, "neurips-evidence")
            continue
        top_aff, n_top = Counter({a: n for a, n in affs}).most_common(1)[0]
        if n_top >= 3 and n_top >= DOMAIN_SHARE * total and domain.count(".") <= 2:
            top_aff = _dedupe_parts(top_aff)  # "X, X" → "X"
            holder = _sole_holder(builder, top_aff)
            if holder:  # Hipo already knows "Sharif University of Technology" (IR): no twin without a country
                builder.claim_domain(domain, holder, "neurips-evidence")
                continue
            country = _evidence_country(domain, affs)
            if country is None:
                log.info("evidence: %s (%s) not added: no country can be established", top_aff, domain)
                continue
            iid = own_id(top_aff, country)
            if iid not in builder.institutions:
                builder.add_institution(Institution(iid, top_aff, country, None, None, "neurips-evidence"))
            builder.add_name(iid, top_aff, "evidence")
            builder.claim_domain(domain, iid, "neurips-evidence")
    # 1b. domains whose registered owner no author names, while most name one other institution
    # (cnrs.fr was claimed by one small CNRS unit; 27 authors write "CNRS" with it)
    all_by_domain: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for aff, domain, n in pairs:
        if domain not in builder.refused and domain not in by_domain:
            all_by_domain[domain].append((aff, n))
    domains = builder.resolved_domains()
    for domain, affs in all_by_domain.items():
        current = builder.domain_owner(domain, domains)
        if current is None:
            continue
        total = sum(n for _, n in affs)
        votes = _name_votes(builder, domain, affs)
        if not votes:
            continue
        winner, n_win = votes.most_common(1)[0]
        related = {current, *builder.ancestors(current)}
        if (winner in related or current in builder.ancestors(winner) or n_win < STRONG_AUTHORS
                or n_win < DOMAIN_SHARE * total or sum(votes[r] for r in related) >= CONTRADICTION_SHARE * total):
            continue
        log.info("evidence: %s moves from %s to %s (%d/%d authors)", domain, current, winner, n_win, total)
        builder.domain_claims.pop(domain, None)
        builder.claim_domain(domain, winner, "neurips-evidence")
    domains = builder.resolved_domains()
    # 2. aliases: spellings whose authors' domains agree on one owner that shares a word with them
    names_of: dict[str, list[str]] = defaultdict(list)
    for entry in builder.names:
        names_of[entry.institution_id].append(name_key(entry.name))
    by_aff: dict[str, Counter[str]] = defaultdict(Counter)
    owner_counts: Counter[str] = Counter()
    for aff, domain, n in pairs:
        owner = builder.domain_owner(domain, domains)
        if owner:
            by_aff[aff][owner] += n
            owner_counts[owner] += n
    domains_of: dict[str, list[str]] = defaultdict(list)
    for entry in domains.values():
        domains_of[entry.institution_id].append(entry.domain)
    added = 0
    alias_counts: dict[tuple[str, str], int] = {}
    for aff, owners in by_aff.items():
        key = name_key(aff)
        if not key:
            continue
        owner, n_owner = owners.most_common(1)[0]
        known = builder.by_key.get(key, set())
        # a spelling the registry already knows is re-asserted only on strong evidence, and only when
        # it is not this institution's best name yet ("CNRS" is an acronym of CNRS and of Lebanon's
        # CNRS; "International Business Machines" an alias of IBM Canada and IBM UK)
        if known and not _may_reassert(builder, key, known, owner, n_owner):
            continue
        total = sum(owners.values())
        domain_labels = ".".join(domains_of[owner][:20])
        country = builder.institutions[owner].country_code
        mentioned = country_mentions(aff)
        if mentioned and country not in mentioned and builder.institutions[owner].type != "company":
            continue  # the string names another country than the domain's owner
        if (n_owner >= MIN_AUTHORS and n_owner >= ALIAS_SHARE * total
                and _shares_word_or_acronym(key, names_of[owner], domain_labels)):
            if known:
                kind = "evidence-acronym" if builder.name_rank(owner, key) == KIND_RANK["acronym"] or (
                    " " not in key and any(builder.name_rank(i, key) == KIND_RANK["acronym"] for i in known)) \
                    else "evidence"
                builder.names.append(InstitutionName(owner, aff.strip(), kind))
                builder.by_key[key].add(owner)
                builder.note_rank(owner, key, kind)
            else:
                builder.add_name(owner, aff, "evidence")
            alias_counts[(owner, key)] = n_owner
            added += 1
    builder.alias_evidence = alias_counts
    log.info("evidence: %d aliases added", added)
    add_domain_acronyms(builder, pairs, domains)
    return dict(owner_counts)


def _dedupe_parts(aff: str) -> str:
    """"Sharif University of Technology, Sharif University of Technology" → one copy."""
    return ", ".join(dict.fromkeys(p.strip() for p in aff.split(",")))


def _sole_holder(builder, name: str) -> str | None:
    """The one institution (in any country) already holding this exact name key, if only one does."""
    holders = {i for i in builder.by_key.get(name_key(name), ()) if builder.institutions[i].country_code}
    return next(iter(holders)) if len(holders) == 1 else None


def _evidence_country(domain: str, affs: list[tuple[str, int]]) -> str | None:
    """Country of an institution known only from its authors: the domain's ccTLD, else the one
    country its authors' strings name ("VinAI Research, Vietnam" @vinai.io), never a guess.

    .edu is left out: it is mostly, not only, American (sharif.edu is in Iran).
    """
    from etl.registry.build import tld_country

    if not domain.endswith(".edu"):
        implied = tld_country(domain)
        if implied:
            return implied
    named = {c for aff, _n in affs for c in country_mentions(aff)}
    return next(iter(named)) if len(named) == 1 else None


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


def add_domain_acronyms(builder, pairs: list[tuple[str, str, int]], domains: dict) -> int:
    """Name each evidence-backed domain owner by its domain label, as an acronym ("domain-acronym").

    Only where at least :data:`DOMAIN_ACRONYM_MIN_AUTHORS` NeurIPS authors write the domain, the label is
    not a country, a place or a place code, and the owner does not hold that name already. The resolver still
    treats it as an acronym: it competes with every other institution going by the same letters, and
    field evidence decides between them.
    """
    from etl.affiliations.candidates import subdivisions
    from etl.affiliations.normalise import PLACE_CODES
    from etl.countries import country_code

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


def _may_reassert(builder, key: str, known: set[str], owner: str, n_owner: int) -> bool:
    """May evidence add a spelling the registry already lists as another institution's name?

    Only on strong evidence, when the spelling is nobody's display name ("Indiana University
    Bloomington" stays that campus's), when no holder is an ancestor of the domain's owner (the
    "University of Arizona" is not its medical college's, even if arizona.edu is), and when the
    owner does not already hold it as a proper name.
    """
    if n_owner < STRONG_AUTHORS or builder.name_rank(owner, key) <= KIND_RANK["stripped"]:
        return False
    relatives = {owner, *builder.ancestors(owner)}
    for holder in known - {owner}:
        if builder.name_rank(holder, key) <= KIND_RANK["display"]:
            return False
        if holder in relatives:  # a unit owning its parent's domain; a subsidiary's alias is fine
            return False
    return True


def _name_votes(builder, domain: str, affs: list[tuple[str, int]]) -> Counter[str]:
    """Authors per institution among a domain's spellings that name exactly one institution — one in
    the domain's country when the name is shared ("INRIA" @inria.fr is the French one)."""
    from etl.registry.build import tld_country

    implied = tld_country(domain)
    votes: Counter[str] = Counter()
    for aff, n in affs:
        key = name_key(aff)
        ids = builder.by_key.get(key, set())
        if len(ids) > 1 and implied:
            ids = {i for i in ids if builder.institutions[i].country_code == implied}
        if len(ids) > 1:  # the one whose display name it is, not a unit listing it as an alias
            ranks = {i: builder.name_rank(i, key) for i in ids}
            ids = {i for i in ids if ranks[i] == min(ranks.values())}
        if len(ids) == 1:
            votes[next(iter(ids))] += n
    return votes
