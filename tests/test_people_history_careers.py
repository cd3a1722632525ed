"""Dated careers (issue 10): observed bounds, stages of every real position string, time-aware records,
precedence with evidence, homepage statements, and the tie rule for equal paper weights (issue 9 finding 4).

Every person here is fictional; the real data read are position strings only.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import duckdb
import pytest

from etl.people.career_snapshots import bundled_histories
from etl.people.history import (
    BOUNDS_OBSERVED,
    COUNTRY_DOMAIN,
    COUNTRY_RESOLVER,
    COUNTRY_STATED,
    EVIDENCE_STATED_DEGREE,
    HistoryEntry,
    Resolved,
    finished_from,
    profile_observation_years,
    stage_entry,
)
from etl.people.stages import load_table, position_key
from etl.people.talent_inputs import HistoryRow, PaperAffiliation
from etl.people.talent_picks import Tie, pick_paper_affiliation
from etl.people.talent_record import build_record
from warehouse.models.core.person_education import read_entries

ROOT = Path(__file__).resolve().parents[1]


class Lookup:
    """Fictional registry: a university, a company, and an institution found by domain only."""

    INFO = {"u-east": ("East University", "CN", "education"), "u-west": ("West University", "US", "education"),
            "acme": ("Acme Labs", "US", "company")}

    def by_id(self, institution_id: str):
        return self.INFO.get(institution_id)

    def resolve(self, name, domain):
        text = (name or "").lower()
        if "acme" in text:
            return Resolved("acme", "Acme Labs", "US", "company", "resolver:exact-name+domain", 0.95)
        if "east" in text:
            method = "resolver:exact-name+domain" if domain else "resolver:exact-name"
            return Resolved("u-east", "East University", "CN", "education", method, 0.9)
        if "west" in text:
            return Resolved("u-west", "West University", "US", "education", "resolver:fuzzy", 0.7)
        return Resolved(None, name, None, None, "unresolved", 0.0)


def observed(title: str, name: str, start: int | None, end: int | None, later: tuple[int, ...] = (),
             domain: str | None = "east.example", country: str | None = None, observed_year: int = 2022):
    return HistoryEntry("openreview_profile", "~Fictional_Person1", "history", title, name, domain, country,
                        start, end, observed_year=observed_year,
                        bounds=BOUNDS_OBSERVED if start is not None else None, later_observations=later)


def staged_row(entry: HistoryEntry) -> HistoryRow:
    """A person_education row as history_table writes it and talent_table reads it back."""
    s = stage_entry(entry, Lookup())
    return HistoryRow(s.stage, s.institution_id, s.country_code, s.type, s.start_year, s.end_year, s.source,
                      s.method, s.confidence, s.source_key, s.is_degree, s.observed_year, s.counts_from_year,
                      s.counts_to_year, s.bounds, s.finished_from_year, s.country_source, s.degree_evidence)


def record(year: int, history: list[HistoryRow], affiliations: list[PaperAffiliation] | None = None):
    return build_record("neurips", year, "P1", "Fictional Person", ["poster"], affiliations or [], history)


# -- observed bounds -------------------------------------------------------------------------------------------

# A career that moves: PhD seen 2021-2023, postdoc seen from 2024 (still in the latest snapshot, 2026).
MOVING = [(2021, 2023), (2024, 2026)]


def test_observed_phd_is_finished_only_from_the_first_later_snapshot_without_it() -> None:
    years = profile_observation_years(MOVING)
    assert finished_from(2021, 2023, BOUNDS_OBSERVED, years) == 2024
    phd = stage_entry(observed("PhD student", "East University", 2021, 2023, tuple(years)), Lookup())
    assert (phd.is_degree, phd.finished_from_year, phd.counts_from_year) == (True, 2024, 2021)


def test_observed_entry_still_in_the_latest_snapshot_is_ongoing() -> None:
    years = tuple(profile_observation_years(MOVING))
    postdoc = stage_entry(observed("Postdoc", "West University", 2024, 2026, years), Lookup())
    assert postdoc.finished_from_year is None
    alone = stage_entry(observed("PhD student", "East University", 2021, 2022, (2021, 2022)), Lookup())
    assert alone.finished_from_year is None  # never seen without it: maybe still a student


def test_stated_end_year_finishes_in_that_year_and_undated_never_does() -> None:
    assert finished_from(2015, 2019, "stated") == 2019
    assert finished_from(None, None, "undated") is None


def test_observed_undergrad_cannot_be_placed_before_its_first_snapshot() -> None:
    """Observed start 2021 means began no later than 2021: it may have begun in 2020, so not a 2019 record."""
    ug = staged_row(observed("Undergrad student", "East University", 2021, 2021, (2021, 2022, 2023)))
    assert record(2019, [ug]).undergrad_country is None
    assert record(2020, [ug]).undergrad_country is None
    assert record(2022, [ug]).undergrad_country == "CN"  # origin holds after the entry ended


def test_undated_entry_does_not_leak_backwards() -> None:
    current = staged_row(observed("PhD student", "East University", None, None, observed_year=2022))
    assert record(2022, [current]).grad_country == "CN"
    assert record(2021, [current]).grad_country is None
    assert record(2019, [current]).grad_country is None


# -- time-aware selection and the cross-year rule -------------------------------------------------------------

def stated(title: str, name: str, start: int | None, end: int | None, section: str = "education",
           country: str | None = None) -> HistoryEntry:
    return HistoryEntry("orcid", "0000-0000-0000-0000", section, title, name, None, country, start, end)


def test_time_aware_selection_2019_2020_2022() -> None:
    history = [staged_row(stated("BSc Computer Science", "East University", 2012, 2016)),
               staged_row(stated("MSc", "West University", 2016, 2018)),
               staged_row(observed("PhD student", "East University", 2021, 2022, (2021, 2022, 2023))),
               staged_row(observed("Research Scientist", "Acme Labs", 2023, 2026, (2021, 2022, 2023)))]
    r2019, r2020, r2022 = record(2019, history), record(2020, history), record(2022, history)
    # a dated undergrad holds for every year after it began (a 2019 author with a 2022 profile gets it)
    assert (r2019.undergrad_country, r2020.undergrad_country, r2022.undergrad_country) == ("CN", "CN", "CN")
    # the PhD was first seen in 2021: 2019/2020 keep the master's, 2022 has the PhD
    assert (r2019.grad_country, r2020.grad_country, r2022.grad_country) == ("US", "US", "CN")
    assert r2022.evidence["grad_country"]["bounds"] == "observed"
    # work: the entry covering the year; the 2023 job does not describe 2022
    assert r2022.work_country == "CN" and r2022.evidence["work_country"]["stage"] == "phd"
    assert r2019.work_country is None


def test_student_at_a_company_is_never_a_degree() -> None:
    for title in ("PhD student", "Undergrad student", "MS student"):
        row = stage_entry(observed(title, "Acme Labs", 2021, 2022, (2021, 2022)), Lookup())
        assert not row.is_degree, title
    visiting = stage_entry(observed("Visiting PhD student", "East University", 2021, 2022), Lookup())
    assert visiting.stage == "phd" and not visiting.is_degree
    r = record(2022, [staged_row(observed("PhD student", "Acme Labs", 2021, 2022, (2021, 2022)))])
    assert r.grad_country is None and r.work_country == "US"  # where they worked, not where they study


# -- country precedence and candidates ------------------------------------------------------------------------

def test_stated_iso_country_wins_over_the_resolved_one() -> None:
    row = stage_entry(observed("Research Scientist", "Acme Labs", 2021, 2022, country="CH"), Lookup())
    assert (row.country_code, row.country_source, row.institution_id) == ("CH", COUNTRY_STATED, "acme")
    by_domain = stage_entry(observed("PhD student", "East University", 2021, 2022), Lookup())
    by_name = stage_entry(observed("PhD student", "West University", 2021, 2022, domain=None), Lookup())
    assert (by_domain.country_source, by_name.country_source) == (COUNTRY_DOMAIN, COUNTRY_RESOLVER)
    assert by_domain.precedence < by_name.precedence


def test_precedence_dated_over_undated_and_stated_degree_over_position() -> None:
    undated_position = staged_row(observed("PhD student", "West University", None, None, domain=None,
                                           country="US", observed_year=2022))
    homepage = HistoryEntry("homepage", "https://fictional.example/", "statement", None, "East University", None,
                            "CN", 2018, 2023, stated_stage="phd", institution_id="u-east", confidence=0.9,
                            evidence="PhD, East University, 2018-2023 (fictional)")
    stated_degree = stage_entry(homepage, Lookup())
    assert (stated_degree.degree_evidence, stated_degree.is_degree) == (EVIDENCE_STATED_DEGREE, True)
    r = record(2022, [undated_position, staged_row(homepage)])
    assert r.grad_country == "CN"
    evidence = r.evidence["grad_country"]
    assert evidence["source"] == "homepage" and evidence["candidates"] == 2
    assert evidence["why"].startswith("dated (stated bounds), country stated, stated degree")
    assert evidence["other_countries"][0]["country_code"] == "US"


def test_observed_position_with_stated_country_beats_resolver_only_candidate() -> None:
    a = staged_row(observed("PhD student", "West University", 2021, 2022, domain=None))  # resolver: US
    b = staged_row(observed("PhD student", "East University", 2022, 2022, country="CN"))  # stated: CN
    r = record(2022, [a, b])
    assert r.grad_country == "CN" and r.evidence["grad_country"]["country_source"] == "stated"


# -- homepage statements in the warehouse ---------------------------------------------------------------------

def homepage_view_sql() -> str:
    text = (ROOT / "warehouse/models/staging/stg_homepage_statements.sql").read_text(encoding="utf-8")
    return re.search(r"CREATE OR REPLACE VIEW stg_homepage_statements AS.*?;\n", text, re.S).group(0)


def test_homepage_statements_join_person_education_through_the_profile() -> None:
    con = duckdb.connect()
    page = {"data": {"profile_ids": ["~Fictional_Person1"], "test_data": True, "statements": [
        {"stage": "undergrad", "institution_name": "East University", "institution_id": "u-east",
         "country_code": "cn", "start_year": 2010, "end_year": 2014, "confidence": 0.9,
         "evidence": "B.S., East University, 2010-2014"},
        {"stage": "award", "institution_name": "x"}]}}
    con.execute("CREATE TABLE stg_latest_records AS SELECT 'homepages' AS source, 'https://f.example/' AS record_key,"
                " 'homepage' AS record_type, ?::JSON AS data, TIMESTAMP '2026-01-02' AS fetched_at",
                [json.dumps(page)])
    con.execute(homepage_view_sql())
    con.execute("CREATE TABLE authorship_persons AS SELECT 'neurips' AS conference, 2019 AS year, 'p' AS paper_id, "
                "1 AS author_position, 'P1' AS person_id")
    con.execute("CREATE TABLE stg_authorship_profiles AS SELECT 'neurips' AS conference, 2019 AS year, "
                "'p' AS paper_id, 1 AS author_position, '~Fictional_Person1' AS profile_id")
    con.execute("CREATE TABLE authorship_profile_links AS SELECT conference, year, paper_id, author_position, "
                "profile_id, true AS profile_kept FROM stg_authorship_profiles")
    con.execute("CREATE TABLE stg_profile_history (profile_id VARCHAR, entry_no INTEGER, test_data BOOLEAN, "
                "entry STRUCT(position VARCHAR, start INTEGER, \"end\" INTEGER, bounds VARCHAR, institution "
                "STRUCT(name VARCHAR, domain VARCHAR, country VARCHAR, city VARCHAR)))")
    con.execute("CREATE TABLE persons_core (person_id VARCHAR, orcid VARCHAR)")
    con.execute("CREATE TABLE stg_orcid_affiliations (orcid VARCHAR, section VARCHAR, entry_no INTEGER, "
                "role_title VARCHAR, department VARCHAR, organization_name VARCHAR, country VARCHAR, "
                "start_year INTEGER, end_year INTEGER, disambiguated_id VARCHAR, disambiguation_source VARCHAR)")
    con.execute("CREATE TABLE stg_orcid_records (orcid VARCHAR, test_data BOOLEAN)")
    con.execute("CREATE TABLE stg_openreview_profiles (orcid VARCHAR, test_data BOOLEAN)")
    con.execute("ALTER TABLE stg_authorship_profiles ADD COLUMN orcid VARCHAR")
    entries = read_entries(con)
    assert len(entries) == 1  # the non-degree statement is not staged
    person, entry, test_data = entries[0]
    assert (person, entry.source, entry.stated_stage, entry.country, test_data) == ("P1", "homepage", "undergrad",
                                                                                    "CN", True)
    assert (entry.section, entry.entry_no) == ("statement", 1)  # the statement's number: person_education's grain
    row = staged_row(entry)
    assert record(2019, [row]).undergrad_country == "CN"  # stated years: holds for a 2019 record
    con.execute("UPDATE authorship_profile_links SET profile_kept = false")  # a profile the person build refused
    assert read_entries(con) == []  # lends no history, homepage or ORCID iD


# -- the tie rule (issue 9 finding 4) -------------------------------------------------------------------------

def aff(institution: str | None, country: str | None, weight: float) -> PaperAffiliation:
    return PaperAffiliation("p1", 1, institution, country, "education", weight, 0.9, "exact-name")


def test_equal_weights_in_two_countries_are_a_tie_not_a_pick_by_id() -> None:
    """A printed "University, Netherlands / Company, US" string with half weight each (fictional ids)."""
    for order in ([aff("nl-uni", "NL", 0.5), aff("us-co", "US", 0.5)], [aff("us-co", "US", 0.5),
                                                                         aff("nl-uni", "NL", 0.5)]):
        picked = pick_paper_affiliation(order)
        assert isinstance(picked, Tie) and picked.country_code is None
        r = record(2019, [], order)
        assert (r.work_country, r.work_institution_id, r.sector) == (None, None, None)
        evidence = r.evidence["work_country"]
        assert evidence["method"] == "tie"
        assert {c["country_code"] for c in evidence["candidates"]} == {"NL", "US"}


def test_tie_within_one_country_keeps_the_country_only() -> None:
    r = record(2019, [], [aff("a-uni", "US", 0.5), aff("b-uni", "US", 0.5)])
    assert (r.work_country, r.work_institution_id) == ("US", None)


def test_more_weight_still_wins() -> None:
    r = record(2019, [], [aff("nl-uni", "NL", 0.6), aff("us-co", "US", 0.4)])
    assert (r.work_country, r.work_institution_id) == ("NL", "nl-uni")


# -- stages of every real position string ---------------------------------------------------------------------

def real_position_strings() -> set[str]:
    values: set[str] = set()
    for year in (2021, 2022):
        with gzip.open(ROOT / "mirror/data" / str(year) / "openreview_authors.jsonl.gz", "rt",
                       encoding="utf-8") as fh:
            for line in fh:
                values.update(v.strip() for v in str(json.loads(line).get("position") or "").split(";"))
    for entries in bundled_histories().values():
        values.update(entry.position for entry in entries)
    return values


def test_every_real_position_string_has_a_reviewed_stage() -> None:
    table = load_table()
    strings = real_position_strings()
    assert len(strings) > 600
    missing = sorted(value for value in strings if position_key(value) not in table)
    assert missing == []


@pytest.mark.parametrize(("position", "stage"), [
    ("Undergrad student", "undergrad"), ("MS student", "masters"), ("PhD student", "phd"),
    ("Postdoc", "postdoc"), ("Full Professor", "faculty"), ("Intern", "other"),
    ("Visiting PhD student", "phd"), ("Postpostdoc", "postdoc"), ("Tenured Faculty", "faculty"),
])
def test_dropdown_vocabulary(position: str, stage: str) -> None:
    assert load_table()[position_key(position)][0] == stage
