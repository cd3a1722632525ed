"""Education and career histories: profile history entries and ORCID affiliations → staged, resolved rows.

Each entry gets a career stage (undergrad, masters, phd, postdoc, faculty, industry, other) and an
institution. Institutions come from ORCID's disambiguated ROR id when it names one we have in the
registry (no matching needed), else from the affiliation resolver on the name and domain; the country
falls back to the one the source states. Stages come from ``etl.people.stages.stage_for`` with the
resolved institution type, except that ORCID *education* entries carry degree names ("Master of
Science", "PhD in Physics") that a position table would read as job titles, so degrees are read first.
Nothing is guessed: an entry with no recognisable stage stays ``other``, an unresolved institution
stays NULL.

Which entries are *degrees* and for which conference years they count is decided here, once, and stored
with each row (``is_degree``, ``counts_from_year``, ``counts_to_year``) so talent records and study views
read the same rule instead of re-deriving it:

* a degree is an education stage at a degree-granting institution (registry type ``education``); a
  "PhD student" position at a company, research lab or unresolved institution says where the person
  worked, not which institution awards the degree, and intern/visiting/exchange positions are never
  degrees;
* a dated entry counts from the year it began (or, with only an end year, from that year) onwards;
* an undated entry counts only for the conference-year it was observed for (an OpenReview profile
  crawled for a conference-year's author list): a current position read in 2022 says nothing about 2019.
  Undated ORCID entries have no such year and never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from etl.countries import country_code
from etl.people.stages import stage_for

EDUCATION_STAGES = ("undergrad", "masters", "phd")
# Registry (ROR) types of institutions that award degrees.
DEGREE_GRANTING_TYPES = frozenset({"education"})
_NOT_A_DEGREE_TITLE = re.compile(r"\b(intern(ship)?|visiting|visitor|exchange|guest)\b", re.IGNORECASE)
SOURCE_PROFILE = "openreview_profile"
SOURCE_ORCID = "orcid"

_DEGREES = (
    ("phd", r"\b(ph\.? ?d|d\.? ?phil|doctor(al|ate)?|dr\.? ?rer|doktor|doctorat)\b"),
    ("masters", r"\b(master'?s?|m\.? ?sc|m\.? ?s\.?|m\.? ?eng|m\.? ?tech|m\.? ?phil|m\.? ?a\.?|mres|mba|diplom)\b"),
    ("undergrad",
     r"\b(bachelor'?s?|b\.? ?sc|b\.? ?s\.?|b\.? ?eng|b\.? ?tech|b\.? ?a\.?|undergrad(uate)?|licence|laurea)\b"),
)


def is_degree(stage: str, institution_type: str | None, title: str | None) -> bool:
    """True when an entry is evidence of a degree: education stage, degree-granting institution, no intern
    or visiting title."""
    return (stage in EDUCATION_STAGES and (institution_type or "").casefold() in DEGREE_GRANTING_TYPES
            and not _NOT_A_DEGREE_TITLE.search(title or ""))


def counts_for_years(start_year: int | None, end_year: int | None, observed_year: int | None
                     ) -> tuple[int | None, int | None]:
    """(first, last) conference year for which an entry may be used; last None = open; (None, None) = never.

    Dated: from the start year (else the end year, when only that is known) on. Undated: only the year the
    entry was observed for.
    """
    if start_year is not None:
        return start_year, None
    if end_year is not None:
        return end_year, None
    if observed_year is not None:
        return observed_year, observed_year
    return None, None


def counts_in(counts_from_year: int | None, counts_to_year: int | None, year: int) -> bool:
    """The one test of "usable for this conference year" (the SQL study views apply the same comparison)."""
    return (counts_from_year is not None and counts_from_year <= year
            and (counts_to_year is None or year <= counts_to_year))


def degree_stage(title: str | None) -> str | None:
    """Stage named by a degree title (ORCID education role titles), or None when it names none."""
    text = (title or "").casefold()
    for stage, pattern in _DEGREES:
        if re.search(pattern, text):
            return stage
    return None


class InstitutionLookup(Protocol):
    """What history needs from the affiliation resolver; tests pass a small fake."""

    def by_id(self, institution_id: str) -> tuple[str, str | None, str | None] | None: ...

    def resolve(self, name: str | None, domain: str | None) -> Resolved: ...


@dataclass(frozen=True, slots=True)
class Resolved:
    institution_id: str | None
    name: str | None
    country_code: str | None
    type: str | None
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One dated position from one source, before resolution."""

    source: str
    source_key: str  # profile id or ORCID iD
    section: str  # history (OpenReview), education or employment (ORCID)
    title: str | None
    institution_name: str | None
    domain: str | None
    country: str | None
    start_year: int | None
    end_year: int | None
    ror_id: str | None = None
    observed_year: int | None = None  # conference-year the (profile) snapshot was read for


@dataclass(frozen=True, slots=True)
class StagedEntry:
    stage: str
    institution_id: str | None
    institution_name: str | None
    country_code: str | None
    type: str | None
    start_year: int | None
    end_year: int | None
    source: str
    method: str
    confidence: float
    title: str | None
    source_key: str
    is_degree: bool = False
    observed_year: int | None = None
    counts_from_year: int | None = None
    counts_to_year: int | None = None


def ror_id(identifier: str | None, source: str | None) -> str | None:
    """The bare ROR id from an ORCID disambiguated organisation, when its source is ROR."""
    if not identifier or (source or "").upper() != "ROR":
        return None
    return identifier.rstrip("/").rsplit("/", 1)[-1] or None


def resolve_institution(entry: HistoryEntry, lookup: InstitutionLookup) -> Resolved:
    """ROR id first, then the resolver on name + domain, then the source's stated country alone."""
    if entry.ror_id:
        known = lookup.by_id(entry.ror_id)
        if known is not None:
            name, country, inst_type = known
            return Resolved(entry.ror_id, name, country or country_code(entry.country or ""), inst_type,
                            "orcid-ror", 1.0)
    resolved = lookup.resolve(entry.institution_name, entry.domain)
    if resolved.institution_id or resolved.country_code:
        return resolved
    stated = country_code(entry.country) if entry.country else None
    if stated:
        return Resolved(None, entry.institution_name, stated, None, "source-country", 0.6)
    return Resolved(None, entry.institution_name, None, None, "unresolved", 0.0)


def stage_of(entry: HistoryEntry, institution_type: str | None) -> str:
    if entry.section == "education":
        return degree_stage(entry.title) or _education_fallback(entry.title, institution_type)
    return stage_for(entry.title or "", institution_type)


def _education_fallback(title: str | None, institution_type: str | None) -> str:
    """An ORCID education entry whose title names no degree: the position rules, but never a job stage."""
    stage = stage_for(title or "", institution_type)
    return stage if stage in EDUCATION_STAGES else "other"


def stage_entry(entry: HistoryEntry, lookup: InstitutionLookup) -> StagedEntry:
    resolved = resolve_institution(entry, lookup)
    stage = stage_of(entry, resolved.type)
    counts_from, counts_to = counts_for_years(entry.start_year, entry.end_year, entry.observed_year)
    return StagedEntry(
        stage=stage,
        institution_id=resolved.institution_id,
        institution_name=resolved.name or entry.institution_name,
        country_code=resolved.country_code,
        type=resolved.type,
        start_year=entry.start_year,
        end_year=entry.end_year,
        source=entry.source,
        method=resolved.method,
        confidence=round(resolved.confidence, 3),
        title=entry.title,
        source_key=entry.source_key,
        is_degree=is_degree(stage, resolved.type, entry.title),
        observed_year=entry.observed_year,
        counts_from_year=counts_from,
        counts_to_year=counts_to,
    )


class ResolverLookup:
    """:class:`InstitutionLookup` over the affiliation resolver (``etl.affiliations``) and its registry."""

    def __init__(self, resolver: object | None = None) -> None:
        if resolver is None:
            from etl.affiliations.resolver import load_resolver

            resolver = load_resolver()
        self.resolver = resolver

    def by_id(self, institution_id: str) -> tuple[str, str | None, str | None] | None:
        info = self.resolver.index.info.get(institution_id)  # type: ignore[attr-defined]
        return None if info is None else (info[0], info[1], info[2])

    def resolve(self, name: str | None, domain: str | None) -> Resolved:
        if not (name or domain):
            return Resolved(None, None, None, None, "unresolved", 0.0)
        results = self.resolver.resolve(name or "", domain)  # type: ignore[attr-defined]
        best = next((r for r in results if r.institution_id), None) or next(
            (r for r in results if r.country_code), None)
        if best is None:
            return Resolved(None, name, None, None, "unresolved", 0.0)
        return Resolved(best.institution_id, best.name or name, best.country_code, best.type,
                        f"resolver:{best.method}", float(best.confidence))
