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

**Observed bounds are not dates** (issue 10). The offline mirror's careers are rebuilt from year-by-year
snapshots: an entry with ``bounds`` "observed" began no later than ``start`` and ended no earlier than
``end``. So it counts from ``start`` on, exactly like a stated start (it is known to have begun by then) and
never before: an undergraduate entry first seen in 2024 may have begun in 2020, so it cannot describe a
2019 author, however fixed a person's origin is. An observed entry is *finished* only from the first later
year in which the same profile was observed without it (``finished_from_year``: another entry of the profile
was seen after this one's ``end``); one still seen in the profile's latest snapshot is ongoing. A stated end
year finishes the entry in that year. Stay rates count finished graduates only, by this column.

**Precedence** (``precedence_key``): every candidate stays in ``person_education``; a talent record takes
per field the candidate that is first by: dated (stated or observed bounds) before undated; the country the
source states explicitly (ISO code on the entry, ORCID's organisation country or ROR id, a homepage
statement resolved with its country) before a country read from the e-mail/web domain, before one from the
resolver on the name; a stated degree (ORCID education with a degree title, a homepage statement) before a
position title; then the earliest start, the higher confidence, and a fixed order of source and key.
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
SOURCE_HOMEPAGE = "homepage"
BOUNDS_STATED, BOUNDS_OBSERVED, BOUNDS_UNDATED = "stated", "observed", "undated"
# Rank of where a country comes from (lower wins): stated on the entry (or ROR id), the domain, the resolver.
COUNTRY_STATED, COUNTRY_DOMAIN, COUNTRY_RESOLVER, COUNTRY_NONE = "stated", "domain", "resolver", "none"
COUNTRY_RANK = {COUNTRY_STATED: 0, COUNTRY_DOMAIN: 1, COUNTRY_RESOLVER: 2, COUNTRY_NONE: 3}
EVIDENCE_STATED_DEGREE, EVIDENCE_POSITION = "stated_degree", "position"
PRECEDENCE_RULE = ("dated > undated; explicit country > domain > resolver; stated degree > position; "
                   "then earliest start, higher confidence")

_DEGREES = (
    ("phd", r"\b(ph\.? ?d|d\.? ?phil|doctor(al|ate)?|dr\.? ?rer|doktor|doctorat)\b"),
    ("masters", r"\b(master'?s?|m\.? ?sc|m\.? ?s\.?|m\.? ?eng|m\.? ?tech|m\.? ?phil|m\.? ?a\.?|mres|mba|diplom)\b"),
    ("undergrad",
     r"\b(bachelor'?s?|b\.? ?sc|b\.? ?s\.?|b\.? ?eng|b\.? ?tech|b\.? ?a\.?|undergrad(uate)?|licence|laurea)\b"),
)


def is_degree(stage: str, institution_type: str | None, title: str | None, *, stated: bool = False) -> bool:
    """True when an entry is evidence of a degree: education stage, degree-granting institution, no intern
    or visiting title. A *stated* degree (a homepage statement: the owner says they hold or study for it) is
    also taken when its institution is unresolved, never when it resolved to a company or lab."""
    if stage not in EDUCATION_STAGES or _NOT_A_DEGREE_TITLE.search(title or ""):
        return False
    kind = (institution_type or "").casefold()
    return kind in DEGREE_GRANTING_TYPES or (stated and not kind)


def bounds_of(start_year: int | None, end_year: int | None, bounds: str | None) -> str:
    """stated | observed | undated: what an entry's years are."""
    if start_year is None and end_year is None:
        return BOUNDS_UNDATED
    return BOUNDS_OBSERVED if bounds == BOUNDS_OBSERVED else BOUNDS_STATED


def finished_from(start_year: int | None, end_year: int | None, bounds: str,
                  later_observations: list[int] | None = None) -> int | None:
    """First conference year for which the entry is known to be over, or None (ongoing or unknown).

    Stated: the end year. Observed: the first year after ``end`` in which the profile was seen without the
    entry (``later_observations``: the years other entries of the same profile were seen); none → ongoing.
    """
    if bounds == BOUNDS_STATED:
        return end_year
    if bounds != BOUNDS_OBSERVED or end_year is None:
        return None
    later = [year for year in later_observations or () if year > end_year]
    return min(later) if later else None


def profile_observation_years(entries: list[tuple[int | None, int | None]]) -> list[int]:
    """Years a profile is known to have been observed: the observed bounds of its entries."""
    return sorted({year for pair in entries for year in pair if year is not None})


def precedence_key(bounds: str, country_source: str, degree_evidence: str, start_year: int | None,
                   confidence: float) -> tuple[int, int, int, int, float]:
    """Sort key of the precedence rule (module docstring): smaller is better."""
    return (1 if bounds == BOUNDS_UNDATED else 0, COUNTRY_RANK.get(country_source, 3),
            0 if degree_evidence == EVIDENCE_STATED_DEGREE else 1,
            start_year if start_year is not None else 9999, -confidence)


def precedence_rank(bounds: str, country_source: str, degree_evidence: str) -> int:
    """The evidence tier alone (0 best … 15), stored so SQL study views read the same rule."""
    return ((1 if bounds == BOUNDS_UNDATED else 0) * 8 + COUNTRY_RANK.get(country_source, 3) * 2
            + (0 if degree_evidence == EVIDENCE_STATED_DEGREE else 1))


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
    section: str  # history (OpenReview), education or employment (ORCID), statement (homepage)
    title: str | None
    institution_name: str | None
    domain: str | None
    country: str | None
    start_year: int | None
    end_year: int | None
    ror_id: str | None = None
    observed_year: int | None = None  # conference-year the (profile) snapshot was read for
    bounds: str | None = None  # "observed" when start/end are first/last snapshot years, else stated
    city: str | None = None
    later_observations: tuple[int, ...] = ()  # years the same profile was seen (for finished_from)
    stated_stage: str | None = None  # a homepage statement's stage: already a degree stage
    institution_id: str | None = None  # a homepage statement's resolved institution
    confidence: float | None = None  # a homepage statement's own confidence
    evidence: str | None = None  # a homepage statement's evidence span
    entry_no: int | None = None  # the entry's number within its source key and section (from 1)


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
    bounds: str = BOUNDS_UNDATED
    finished_from_year: int | None = None
    country_source: str = COUNTRY_NONE
    degree_evidence: str = EVIDENCE_POSITION
    precedence: int = 15
    city: str | None = None
    evidence: str | None = None


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
    if entry.institution_id:  # a homepage statement, already resolved by its extractor
        known = lookup.by_id(entry.institution_id)
        name, country, inst_type = known if known is not None else (entry.institution_name, None, None)
        return Resolved(entry.institution_id, name, country_code(entry.country or "") or country, inst_type,
                        "homepage-extractor", float(entry.confidence or 0.0))
    resolved = lookup.resolve(entry.institution_name, entry.domain)
    if resolved.institution_id or resolved.country_code:
        return resolved
    stated = country_code(entry.country) if entry.country else None
    if stated:
        return Resolved(None, entry.institution_name, stated, None, "source-country", 0.6)
    return Resolved(None, entry.institution_name, None, None, "unresolved", 0.0)


def country_with_source(entry: HistoryEntry, resolved: Resolved) -> tuple[str | None, str]:
    """The entry's country and where it comes from: the ISO code the entry states (the site's country:
    "Google, Zürich" with country CH is Swiss even though Google resolves to the US), the ROR id, the
    domain, then the resolver on the name."""
    stated = country_code(entry.country) if entry.country else None
    if stated:
        return stated, COUNTRY_STATED
    if resolved.country_code is None:
        return None, COUNTRY_NONE
    if resolved.method in ("orcid-ror", "source-country", "homepage-extractor"):
        return resolved.country_code, COUNTRY_STATED
    if entry.domain and "domain" in resolved.method:
        return resolved.country_code, COUNTRY_DOMAIN
    return resolved.country_code, COUNTRY_RESOLVER


def stage_of(entry: HistoryEntry, institution_type: str | None) -> str:
    if entry.stated_stage:
        return entry.stated_stage
    if entry.section == "education":
        return degree_stage(entry.title) or _education_fallback(entry.title, institution_type)
    return stage_for(entry.title or "", institution_type)


def _education_fallback(title: str | None, institution_type: str | None) -> str:
    """An ORCID education entry whose title names no degree: the position rules, but never a job stage."""
    stage = stage_for(title or "", institution_type)
    return stage if stage in EDUCATION_STAGES else "other"


def degree_evidence_of(entry: HistoryEntry, stage: str) -> str:
    """stated_degree: a homepage statement, or an ORCID education whose title names the degree."""
    if stage not in EDUCATION_STAGES:
        return EVIDENCE_POSITION
    if entry.stated_stage or (entry.section == "education" and degree_stage(entry.title)):
        return EVIDENCE_STATED_DEGREE
    return EVIDENCE_POSITION


def stage_entry(entry: HistoryEntry, lookup: InstitutionLookup) -> StagedEntry:
    resolved = resolve_institution(entry, lookup)
    stage = stage_of(entry, resolved.type)
    counts_from, counts_to = counts_for_years(entry.start_year, entry.end_year, entry.observed_year)
    bounds = bounds_of(entry.start_year, entry.end_year, entry.bounds)
    country, country_source = country_with_source(entry, resolved)
    evidence_kind = degree_evidence_of(entry, stage)
    return StagedEntry(
        stage=stage,
        institution_id=resolved.institution_id,
        institution_name=resolved.name or entry.institution_name,
        country_code=country,
        type=resolved.type,
        start_year=entry.start_year,
        end_year=entry.end_year,
        source=entry.source,
        method=resolved.method,
        confidence=round(resolved.confidence, 3),
        title=entry.title,
        source_key=entry.source_key,
        is_degree=is_degree(stage, resolved.type, entry.title, stated=entry.stated_stage is not None),
        observed_year=entry.observed_year,
        counts_from_year=counts_from,
        counts_to_year=counts_to,
        bounds=bounds,
        finished_from_year=finished_from(entry.start_year, entry.end_year, bounds, list(entry.later_observations)),
        country_source=country_source,
        degree_evidence=evidence_kind,
        precedence=precedence_rank(bounds, country_source, evidence_kind),
        city=entry.city,
        evidence=entry.evidence,
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
