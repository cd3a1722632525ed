"""The registry while sources are merged into it: institutions, names, domain claims and their lookups.

Every source's merge step (:mod:`etl.registry.build`, :mod:`etl.registry.curated_sites`,
:mod:`etl.registry.evidence_merge`, :mod:`etl.registry.short_forms`) asks the same questions of what is already
there (is this name known in this country? who owns this domain?) and adds to it the same way, so those
questions and the rules for settling a contested domain live on one object, below all of them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from etl.name_keys import name_key
from etl.registry.clean_names import without_addresses
from etl.registry.domains import tld_country
from etl.registry.model import KIND_RANK, Institution, InstitutionDomain, InstitutionName, parent_chain

# How much a source's claim on a domain counts; lower wins (see RegistryBuilder.resolved_domains).
CLAIM_RANK = {"ai-labs-seed": 0, "curated-site": 0, "ror": 1, "hipo": 2, "swot": 2, "neurips-evidence": 2,
              "ror-link": 3, "ror-inactive": 3}
_UNIVERSITY_TYPES = frozenset({"education", "other", "funder"})  # ROR types ENS-PSL "funder, other"
_CITY_LINKS = frozenset({"de", "of", "in", "at", "di", "du", "des", "la", "zu", "am"})


def slug(text: str) -> str:
    key = name_key(text)
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if not ascii_slug:  # names in other scripts: a short hash keeps the id stable and readable
        ascii_slug = "h" + hashlib.sha1(key.encode()).hexdigest()[:10]
    return ascii_slug[:60]


def own_id(name: str, country: str | None) -> str:
    """Stable id for an institution ROR does not (or the union dump does not) hold."""
    return f"tt:{slug(name)}-{(country or 'xx').lower()}"


class RegistryBuilder:
    """Accumulates institutions, names and domains while sources are merged in."""

    def __init__(self, refused: frozenset[str]) -> None:
        self.institutions: dict[str, Institution] = {}
        self.names: list[InstitutionName] = []
        self._name_seen: set[tuple[str, str]] = set()
        self._name_rank: dict[tuple[str, str], int] = {}
        self.domain_claims: dict[str, dict[str, str]] = defaultdict(dict)  # domain → {id: source}
        self.refused = refused
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.successors: dict[str, set[str]] = defaultdict(set)
        self.alias_evidence: dict[tuple[str, str], int] = {}  # (id, name key) → authors, from evidence
        self._stems: dict[tuple[str, str, str], set[str]] | None = None  # see same_by_name_at_city
        self.site_regions: dict[str, str] = {}  # curated sites that are their company's one site in a region

    # -- primitives -------------------------------------------------------------------------------
    def add_institution(self, inst: Institution) -> None:
        clean = without_addresses(inst.name)
        if clean != inst.name:
            inst = Institution(inst.institution_id, clean or inst.institution_id, inst.country_code, inst.type,
                               inst.parent_id, inst.source, inst.city)
        self.institutions[inst.institution_id] = inst

    def add_name(self, institution_id: str, name: str, kind: str, lang: str | None = None) -> None:
        name = without_addresses(name).strip()  # nothing we store keeps a full e-mail address (issue 9)
        key = name_key(name)
        if not key or (institution_id, key) in self._name_seen:
            self.note_rank(institution_id, key, kind)
            return
        self._name_seen.add((institution_id, key))
        self.names.append(InstitutionName(institution_id, name, kind, lang))
        self.by_key[key].add(institution_id)
        self.note_rank(institution_id, key, kind)

    def note_rank(self, institution_id: str, key: str, kind: str) -> None:
        rank = KIND_RANK.get(kind, 3)
        if rank < self._name_rank.get((institution_id, key), 9):
            self._name_rank[(institution_id, key)] = rank

    def name_rank(self, institution_id: str, key: str) -> int:
        """Best kind rank (:data:`etl.registry.model.KIND_RANK`) of a name key for an institution; 9 when absent."""
        return self._name_rank.get((institution_id, key), 9)

    def claim_domain(self, domain: str, institution_id: str, source: str) -> None:
        domain = domain.strip().lower().removeprefix("www.")
        if domain and "." in domain and domain not in self.refused:
            self.domain_claims[domain].setdefault(institution_id, source)

    def same_by_name(self, name: str, country: str | None) -> str | None:
        """An existing institution with exactly this name key in this country, if exactly one."""
        hits = [i for i in self.by_key.get(name_key(name), ()) if self.institutions[i].country_code == country]
        return hits[0] if len(hits) == 1 else None

    def same_by_name_at_city(self, name: str, country: str | None) -> str | None:
        """The ROR university a "<name> de <city>" is, when ROR spells it without the city.

        Hipo's "Ecole Normale Supérieure de Paris" (ens.fr) is ROR's "École Normale Supérieure - PSL" in
        Paris, which lists no domain: same name stem, same city, same country, and exactly one such
        record. Without this the two stayed apart, ens.fr went to the Hipo copy and the ROR record (the
        one other sources link to) had no domain.
        """
        if self._stems is None:
            self._stems = defaultdict(set)
            claimed = {iid for claims in self.domain_claims.values() for iid, src in claims.items() if src == "ror"}
            for inst in self.institutions.values():
                if inst.source == "ror" and inst.type in _UNIVERSITY_TYPES and inst.city and inst.country_code \
                        and inst.institution_id not in claimed:
                    stem = re.split(r"\s+[-–—]\s+", inst.name)[0]
                    self._stems[(name_key(stem), name_key(inst.city), inst.country_code)].add(inst.institution_id)
        words = name_key(name).split()
        for size in (1, 2):
            if len(words) <= size + 1:
                continue
            city, stem = " ".join(words[-size:]), words[:-size]
            if stem[-1] in _CITY_LINKS:
                stem = stem[:-1]
            hits = self._stems.get((" ".join(stem), city, country or ""), set())
            if len(hits) == 1:
                return next(iter(hits))
        return None

    def ancestors(self, institution_id: str) -> list[str]:
        return parent_chain(self.institutions, institution_id)

    def resolved_domains(self) -> dict[str, InstitutionDomain]:
        """One institution per domain.

        Claims are ranked by source (verified seed > ROR domain field > Hipo/swot/evidence > ROR web
        links); within the best-ranked claims the sole claimant wins, or the one every other claimant
        descends from. Anything else is ambiguous and the domain stays unresolved.
        """
        out: dict[str, InstitutionDomain] = {}
        for domain, claims in self.domain_claims.items():
            implied = tld_country(domain)
            ranked = sorted((CLAIM_RANK.get(src, 3) + self._tld_mismatch(implied, iid), iid)
                            for iid, src in claims.items() if iid in self.institutions)
            if not ranked:
                continue
            best = {iid for rank, iid in ranked if rank == ranked[0][0]}
            roots = [i for i in best if not any(a in best for a in self.ancestors(i))]
            if len(roots) == 1:
                out[domain] = InstitutionDomain(domain, roots[0], claims[roots[0]])
        return out

    def _tld_mismatch(self, implied: str | None, institution_id: str) -> int:
        """Demote a claim whose domain's country contradicts the claimant's (ROR lists neu.edu for
        Northeastern University in Shenyang); companies are exempt, they register anywhere."""
        inst = self.institutions[institution_id]
        if implied and inst.country_code and implied != inst.country_code and inst.type != "company":
            return 2
        return 0

    def domain_owner(self, domain: str, domains: dict[str, InstitutionDomain]) -> str | None:
        """Longest-suffix owner of a domain, never a refused one."""
        parts = domain.lower().split(".")
        for i in range(len(parts) - 1):
            suffix = ".".join(parts[i:])
            if suffix in self.refused:
                return None
            hit = domains.get(suffix)
            if hit:
                return hit.institution_id
        return None
