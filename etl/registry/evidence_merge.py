"""What the registry build takes from NeurIPS aff ↔ aff_domain evidence: domains and aliases.

A domain is added only where names already in the registry agree on its owner (or, on strong evidence,
moves to the institution its authors name); an alias only where the domain's owner shares a word or an
acronym with it, so a generic "Department of Physics" never becomes anyone's alias. The thresholds are
:mod:`etl.registry.evidence`'s; the domain labels written as acronyms are :mod:`etl.registry.domain_acronyms`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict

from etl.countries import country_mentions
from etl.name_keys import name_key
from etl.registry.builder import RegistryBuilder, own_id
from etl.registry.domain_acronyms import add_domain_acronyms
from etl.registry.domains import tld_country
from etl.registry.evidence import (
    ALIAS_SHARE,
    CONTRADICTION_SHARE,
    DOMAIN_SHARE,
    MIN_AUTHORS,
    STRONG_AUTHORS,
    WEAK_TOKENS,
)
from etl.registry.model import KIND_RANK, Institution, InstitutionName

log = logging.getLogger(__name__)


def _translit(token: str) -> str:
    """German umlaut transliteration folded away: "tuebingen" and "tubingen" (from "Tübingen") meet."""
    return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _shares_word_or_acronym(aff_key: str, names: list[str], domain: str) -> bool:
    tokens = [t for t in aff_key.split() if t not in WEAK_TOKENS]
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


def add_evidence(builder: RegistryBuilder, pairs: list[tuple[str, str, int]]) -> dict[str, int]:
    """Add evidence-backed domains and aliases to a :class:`RegistryBuilder`; return authors per institution."""
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


def _sole_holder(builder: RegistryBuilder, name: str) -> str | None:
    """The one institution (in any country) already holding this exact name key, if only one does."""
    holders = {i for i in builder.by_key.get(name_key(name), ()) if builder.institutions[i].country_code}
    return next(iter(holders)) if len(holders) == 1 else None


def _evidence_country(domain: str, affs: list[tuple[str, int]]) -> str | None:
    """Country of an institution known only from its authors: the domain's ccTLD, else the one
    country its authors' strings name ("VinAI Research, Vietnam" @vinai.io), never a guess.

    .edu is left out: it is mostly, not only, American (sharif.edu is in Iran).
    """
    if not domain.endswith(".edu"):
        implied = tld_country(domain)
        if implied:
            return implied
    named = {c for aff, _n in affs for c in country_mentions(aff)}
    return next(iter(named)) if len(named) == 1 else None


def _may_reassert(builder: RegistryBuilder, key: str, known: set[str], owner: str, n_owner: int) -> bool:
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


def _name_votes(builder: RegistryBuilder, domain: str, affs: list[tuple[str, int]]) -> Counter[str]:
    """Authors per institution among a domain's spellings that name exactly one institution — one in
    the domain's country when the name is shared ("INRIA" @inria.fr is the French one)."""
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
