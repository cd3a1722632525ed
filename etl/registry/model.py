"""The registry's three tables as plain dataclasses, plus the in-memory lookups built from them.

Tables (written to DuckDB by the model :mod:`warehouse.models.core.institutions`):

* ``institutions(institution_id, name, country_code, type, parent_id, source, city)`` — one row per
  institution; ROR ids where ROR has the institution, ``tt:<slug>`` ids of our own otherwise.
* ``institution_names(institution_id, name, kind, lang)`` — every name we match on: the display
  name, aliases, acronyms, labels in other languages (``lang``), names from Hipo/swot/the AI-lab seed
  and aliases mined from NeurIPS aff ↔ aff_domain evidence.
* ``institution_domains(domain, institution_id, source)`` — email/web domains; one institution each.

``city`` is an extra column beyond the issue's list: the resolver checks city mentions against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Name kinds, best first; the rank breaks ties between institutions sharing a name key.
# "evidence-acronym": an acronym the registry already lists for several institutions, which NeurIPS
# authors write with this one's email domain ("CNRS" @cnrs.fr): it beats the others' acronyms but is
# still an acronym (it never outranks a name found beside it).
# "domain-acronym": an evidence-backed domain's label ("TTIC" for ttic.edu), an acronym like any other.
KIND_RANK: dict[str, int] = {
    "seed": 0, "evidence": 0, "display": 1, "alias": 2, "label": 2, "hipo": 2, "swot": 3, "short-form": 3,
    "stripped": 4, "evidence-acronym": 5, "acronym": 6, "domain-acronym": 6,
}
# Holding companies that parent roll-up never climbs into (Google and DeepMind stay distinct).
HOLDING_COMPANIES: frozenset[str] = frozenset({"02e9yx751"})  # Alphabet


@dataclass(frozen=True, slots=True)
class Institution:
    institution_id: str
    name: str
    country_code: str | None
    type: str | None
    parent_id: str | None
    source: str
    city: str | None = None


@dataclass(frozen=True, slots=True)
class InstitutionName:
    institution_id: str
    name: str
    kind: str  # display | alias | acronym | label | seed | evidence | hipo | swot | stripped | domain-acronym
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class InstitutionDomain:
    domain: str
    institution_id: str
    source: str


def parent_chain(institutions: dict[str, Institution], institution_id: str) -> list[str]:
    """Parent chain, nearest first; cycles in the source data and chains deeper than 8 are cut."""
    chain: list[str] = []
    current = institutions.get(institution_id)
    while current and current.parent_id and current.parent_id not in chain and len(chain) < 8:
        chain.append(current.parent_id)
        current = institutions.get(current.parent_id)
    return chain


@dataclass
class Registry:
    """All three tables plus derived lookups; built once, then cached as a pickle."""

    institutions: dict[str, Institution]
    names: list[InstitutionName]
    domains: dict[str, InstitutionDomain]
    # Authors seen per institution in the NeurIPS aff_domain evidence: a prior for ambiguous names.
    evidence_counts: dict[str, int] = field(default_factory=dict)
    # Domains that must never resolve (webmail, swot stoplist, public suffixes).
    refused_domains: frozenset[str] = frozenset()
    input_hash: str = ""
    # ROR succession (renames, mergers, splits): id → ids of the records that continue it. Built from
    # both directions ROR records ("successor" on the old record, "predecessor" on the new one).
    successors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Provenance of the aliases mined from NeurIPS evidence (kind "evidence" in ``names``):
    # (institution_id, name key) → authors who wrote that spelling with the institution's domain.
    alias_evidence: dict[tuple[str, str], int] = field(default_factory=dict)
    # Curated company sites that are their company's one site in a region ("NAVER LABS Europe"):
    # institution_id → region key of etl.affiliations.sites.REGIONS (etl.registry.curated_sites).
    site_regions: dict[str, str] = field(default_factory=dict)

    def children_of(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for inst in self.institutions.values():
            if inst.parent_id:
                out.setdefault(inst.parent_id, []).append(inst.institution_id)
        return out

    def ancestors(self, institution_id: str) -> list[str]:
        return parent_chain(self.institutions, institution_id)
