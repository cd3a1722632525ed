"""Talent record rules as input rows → expected record, and the staging of history entries."""

from __future__ import annotations

import pytest

from etl.people.corrections import parse_line
from etl.people.history import HistoryEntry, Resolved, degree_stage, is_degree, ror_id, stage_entry
from etl.people.talent_inputs import HistoryRow, PaperAffiliation, history_row
from etl.people.talent_record import apply_corrections, build_record, sector_of


def hist(stage: str, country: str | None, start: int | None, end: int | None, institution: str | None = "I",
         kind: str | None = "education", confidence: float = 1.0, source: str = "openreview_profile",
         title: str | None = None, observed: int | None = 2022) -> HistoryRow:
    """A person_education row as history_table writes it (is_degree and counting years by the one rule)."""
    return history_row(stage, institution, country, kind, start, end, source, "resolver:exact-name", confidence,
                       "~A1", is_degree=is_degree(stage, kind, title or stage), observed_year=observed)


def aff(country: str | None, institution: str | None, weight: float = 1.0, paper: str = "p1",
        kind: str | None = "company", confidence: float = 1.0) -> PaperAffiliation:
    return PaperAffiliation(paper, 1, institution, country, kind, weight, confidence, "exact-name")


CAREER = [
    hist("undergrad", "CN", 2011, 2015, "pku"),
    hist("masters", "GB", 2015, 2016, "ucl"),
    hist("phd", "US", 2016, 2020, "stanford"),
    hist("industry", "US", 2020, 2023, "google", kind="company"),
    hist("industry", "GB", 2024, None, "deepmind", kind="company"),  # read later: must not leak back
]


def record(year: int, affiliations: list[PaperAffiliation] | None = None, history: list[HistoryRow] = CAREER,
           tiers: list[str | None] | None = None, tracks: list[str | None] | None = None):
    return build_record("neurips", year, "P1", "Ada", tiers or ["poster"], affiliations or [], history,
                        tracks=tracks)


def test_education_fields_from_history() -> None:
    r = record(2022)
    assert (r.undergrad_country, r.grad_country) == ("CN", "US")
    assert r.evidence["grad_country"]["stage"] == "phd"


def test_grad_country_is_the_masters_until_the_phd_begins() -> None:
    assert record(2015).grad_country == "GB"  # PhD starts 2016
    assert record(2014).grad_country is None


def test_paper_affiliation_wins_over_history() -> None:
    r = record(2022, [aff("FR", "inria", kind="education")])
    assert (r.work_country, r.work_institution_id, r.sector) == ("FR", "inria", "academia")
    assert r.evidence["work_country"]["source"] == "authorship_affiliations"


def test_heaviest_affiliation_over_the_years_papers() -> None:
    r = record(2022, [aff("US", "google", paper="p1"), aff("US", "google", paper="p2"), aff("CA", "mila", paper="p3")])
    assert r.work_institution_id == "google"
    assert r.evidence["work_country"]["weight"] == 2.0


def test_country_only_affiliation_gives_no_institution_or_sector() -> None:
    r = record(2022, [aff("JP", None, kind=None, confidence=0.5)])
    assert (r.work_country, r.work_institution_id, r.sector) == ("JP", None, None)


def test_history_valid_at_the_conference_date_not_the_current_position() -> None:
    r = record(2022)
    assert (r.work_country, r.work_institution_id, r.sector) == ("US", "google", "industry")
    assert r.evidence["work_country"]["method"].startswith("history-dated:")
    assert record(2019).work_institution_id == "stanford"  # a PhD student works at the university


def test_undated_position_only_for_the_year_it_was_observed_and_with_low_confidence() -> None:
    # Was: undated positions applied to the person's latest year, whatever year the profile was read for.
    undated = [hist("faculty", "DE", None, None, "mpi", observed=2022)]
    assert record(2019, history=undated).work_country is None
    r = record(2022, history=undated)
    assert r.work_country == "DE" and r.field_confidence["work_country"] == 0.5
    assert r.evidence["work_country"]["method"].startswith("history-undated:")
    assert (r.work_origin, r.work_observed_year) == ("openreview_profile_history", 2022)


def test_unknown_stays_null_and_confidence_zero() -> None:
    r = record(2022, history=[])
    assert (r.undergrad_country, r.grad_country, r.work_country, r.sector) == (None, None, None, None)
    assert r.confidence == 0.0


def test_tier_is_the_highest_of_the_year() -> None:
    assert record(2022, tiers=["poster", "oral", None]).tier == "oral"
    assert record(2022, tiers=[None]).tier is None


@pytest.mark.parametrize(("kind", "sector"), [("education", "academia"), ("company", "industry"),
                                              ("government", "government"), ("facility", "other"), (None, None)])
def test_sector_from_institution_type(kind: str | None, sector: str | None) -> None:
    assert sector_of(kind) == sector


def test_corrections_win_and_are_marked() -> None:
    r = record(2022)
    everywhere = parse_line(2, {"person_id": "P1", "field": "undergrad_country", "value": "Taiwan", "note": "CV"})
    one_year = parse_line(3, {"person_id": "P1", "field": "work_country:2019", "value": "", "note": "on leave"})
    applied = apply_corrections(r, [everywhere, one_year])
    assert applied == [everywhere]
    assert r.undergrad_country == "TW"
    assert r.evidence["undergrad_country"]["source"] == "analyst_correction"
    assert r.evidence["undergrad_country"]["replaced"] == "CN"
    r2019 = record(2019)
    apply_corrections(r2019, [everywhere, one_year])
    assert r2019.work_country is None and r2019.evidence["work_country"]["note"] == "on leave"


def test_correcting_work_country_clears_the_automatic_institution_and_sector() -> None:
    r = record(2022, [aff("US", "google")])
    assert (r.work_country, r.work_institution_id, r.sector) == ("US", "google", "industry")
    fix = parse_line(4, {"person_id": "P1", "field": "work_country", "value": "France", "note": "moved"})
    assert apply_corrections(r, [fix]) == [fix]
    assert (r.work_country, r.work_institution_id, r.sector) == ("FR", None, None)
    for name in ("work_institution_id", "sector"):
        assert r.evidence[name]["source"] == "analyst_correction"
        assert r.evidence[name]["method"] == "cleared: work_country corrected"
        assert r.evidence[name]["line"] == 4
    assert r.evidence["work_institution_id"]["replaced"] == "google"
    assert r.evidence["work_country"]["confidence"] == 1.0
    assert r.field_confidence["work_country"] == 1.0


def test_work_institution_and_sector_corrected_with_the_country_are_kept() -> None:
    r = record(2022, [aff("US", "google")])
    fixes = [parse_line(4, {"person_id": "P1", "field": "work_country", "value": "FR", "note": ""}),
             parse_line(5, {"person_id": "P1", "field": "work_institution_id:2022", "value": "inria", "note": ""}),
             parse_line(6, {"person_id": "P1", "field": "sector", "value": "academia", "note": ""})]
    apply_corrections(r, fixes)
    assert (r.work_country, r.work_institution_id, r.sector) == ("FR", "inria", "academia")
    assert all(r.evidence[f]["method"] == "analyst_correction" for f in ("work_institution_id", "sector"))


def test_work_country_correction_confirming_the_automatic_value_keeps_the_institution() -> None:
    r = record(2022, [aff("US", "google")])
    apply_corrections(r, [parse_line(4, {"person_id": "P1", "field": "work_country", "value": "US", "note": ""})])
    assert (r.work_country, r.work_institution_id, r.sector) == ("US", "google", "industry")


def test_every_correction_evidence_carries_a_confidence() -> None:
    r = record(2022)
    fixes = [parse_line(2, {"person_id": "P1", "field": "sector", "value": "industry", "note": ""}),
             parse_line(3, {"person_id": "P1", "field": "grad_country", "value": "", "note": ""})]
    apply_corrections(r, fixes)
    assert r.evidence["sector"]["confidence"] == r.evidence["grad_country"]["confidence"] == 1.0


# --- staging of history entries -----------------------------------------------------------------

class FakeLookup:
    def by_id(self, institution_id: str):
        return {"00f54p054": ("Stanford University", "US", "education")}.get(institution_id)

    def resolve(self, name, domain):
        if name and "google" in name.lower():
            return Resolved("00njsd438", "Google", "US", "company", "resolver:exact-alias", 1.0)
        return Resolved(None, name, None, None, "unresolved", 0.0)


def entry(title: str, name: str, section: str = "history", ror: str | None = None, country: str | None = None):
    source = "orcid" if section != "history" else "openreview_profile"
    return HistoryEntry(source, "k", section, title, name, None, country, 2015, 2019, ror)


# Real position strings of the NeurIPS 2022 OpenReview data, staged with the employer's type known.
@pytest.mark.parametrize(("title", "name", "stage"), [
    ("PhD student", "Stanford", "phd"),
    ("Undergrad student", "Somewhere", "undergrad"),
    ("MS student", "Somewhere", "masters"),
    ("Research Scientist", "Google Research", "industry"),
    ("Researcher", "Google", "industry"),
    ("Postdoc", "Somewhere", "postdoc"),
    ("Associate Professor", "Somewhere", "faculty"),
])
def test_profile_positions_are_staged_with_the_institution_type(title: str, name: str, stage: str) -> None:
    assert stage_entry(entry(title, name), FakeLookup()).stage == stage


@pytest.mark.parametrize(("title", "stage"), [
    ("PhD in Engineering Sciences", "phd"), ("Doctoral Candidate", "phd"), ("Master of Science", "masters"),
    ("MSc", "masters"), ("B.S. in Computer Science", "undergrad"), ("Bachelor of Technology", "undergrad"),
    ("Visiting researcher", None)])
def test_orcid_degree_titles(title: str, stage: str | None) -> None:
    assert degree_stage(title) == stage


def test_orcid_education_without_a_degree_is_not_a_job() -> None:
    assert stage_entry(entry("Visiting researcher", "X", "education"), FakeLookup()).stage == "other"


def test_orcid_ror_id_first_then_resolver_then_stated_country() -> None:
    by_ror = stage_entry(entry("PhD", "Stanford Univ.", "education", ror="00f54p054"), FakeLookup())
    assert (by_ror.institution_id, by_ror.method, by_ror.confidence) == ("00f54p054", "orcid-ror", 1.0)
    stated = stage_entry(entry("MSc", "Unknown Univ", "education", country="BE"), FakeLookup())
    assert (stated.institution_id, stated.country_code, stated.method) == (None, "BE", "source-country")
    nothing = stage_entry(entry("MSc", "Unknown Univ", "education"), FakeLookup())
    assert (nothing.country_code, nothing.method, nothing.confidence) == (None, "unresolved", 0.0)
    assert ror_id("https://ror.org/00f54p054", "ROR") == "00f54p054"
    assert ror_id("grid.4861.b", "GRID") is None
