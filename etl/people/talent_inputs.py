"""The rows a talent record is built from: a person's paper affiliations and their person_education rows.

:mod:`etl.people.talent_record` reads them; the talent-records table writer makes them from the warehouse.
``history_row`` gives a row the counting years of the one rule in :mod:`etl.people.history`.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.people.history import COUNTRY_NONE, EVIDENCE_POSITION, bounds_of, counts_for_years, precedence_key


@dataclass(frozen=True, slots=True)
class PaperAffiliation:
    paper_id: str
    author_position: int
    institution_id: str | None
    country_code: str | None
    institution_type: str | None
    weight: float
    confidence: float
    method: str
    source: str = "authorship_affiliations"
    origin: str | None = None  # paper | conference_site | openreview_profile_snapshot | email_domain_on_paper
    observed_year: int | None = None  # year the source states the affiliation for


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A person_education row."""

    stage: str
    institution_id: str | None
    country_code: str | None
    institution_type: str | None
    start_year: int | None
    end_year: int | None
    source: str
    method: str
    confidence: float
    source_key: str
    is_degree: bool = False
    observed_year: int | None = None
    counts_from_year: int | None = None
    counts_to_year: int | None = None
    bounds: str | None = None  # stated | observed | undated (None: read from an older table → from the years)
    finished_from_year: int | None = None
    country_source: str = COUNTRY_NONE
    degree_evidence: str = EVIDENCE_POSITION

    @property
    def dating(self) -> str:
        return self.bounds or bounds_of(self.start_year, self.end_year, None)

    def precedence(self) -> tuple:
        return (*precedence_key(self.dating, self.country_source, self.degree_evidence, self.start_year,
                                self.confidence), self.source, self.source_key)


def history_row(stage: str, institution_id: str | None, country_code: str | None, institution_type: str | None,
                start_year: int | None, end_year: int | None, source: str, method: str, confidence: float,
                source_key: str, *, is_degree: bool, observed_year: int | None = None, bounds: str | None = None,
                finished_from_year: int | None = None, country_source: str = COUNTRY_NONE,
                degree_evidence: str = EVIDENCE_POSITION) -> HistoryRow:
    """A HistoryRow whose counting years follow the one rule of ``etl.people.history``."""
    first, last = counts_for_years(start_year, end_year, observed_year)
    dating = bounds_of(start_year, end_year, bounds)
    if finished_from_year is None and dating == "stated":
        finished_from_year = end_year
    return HistoryRow(stage, institution_id, country_code, institution_type, start_year, end_year, source, method,
                      confidence, source_key, is_degree, observed_year, first, last, dating, finished_from_year,
                      country_source, degree_evidence)
