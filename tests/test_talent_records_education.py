"""Issue 9, findings 7–9 as rules: degrees only at degree-granting institutions, undated entries only for the
year they were observed, where each value comes from, and the main track kept apart.

The position strings and employers are the real ones the audit found in the mirror's 2022 profile data
("PhD student" at Microsoft and Bosch, "Undergrad student" at Alibaba); the people are not named here.
"""

from __future__ import annotations

import duckdb
import pytest

from etl.people.history import HistoryEntry, Resolved, counts_for_years, counts_in, is_degree, stage_entry
from etl.people.talent_inputs import PaperAffiliation, history_row
from etl.people.talent_record import build_record

from .marts_models import run_marts

EMPLOYERS = {
    "Microsoft": Resolved("00d0nc645", "Microsoft (United States)", "US", "company", "resolver:exact-name", 0.95),
    "Bosch": Resolved("01fe0jt45", "Bosch", "DE", "company", "resolver:exact-name", 0.95),
    "Alibaba Group": Resolved("00k642b80", "Alibaba Group (China)", "CN", "company", "resolver:exact-name", 0.95),
    "Max Planck Institute for Intelligent Systems": Resolved(
        "04fq9j139", "Max Planck Institute for Intelligent Systems", "DE", "facility", "resolver:exact-name", 0.95),
    "Stanford University": Resolved("00f54p054", "Stanford University", "US", "education", "resolver:exact-name",
                                    0.95),
}


class Lookup:
    def by_id(self, institution_id: str):
        return None

    def resolve(self, name: str | None, domain: str | None) -> Resolved:
        return EMPLOYERS.get(name or "") or Resolved(None, name, None, None, "unresolved", 0.0)


def staged(title: str, employer: str, start: int | None = None, end: int | None = None, observed: int | None = 2022):
    entry = HistoryEntry("openreview_profile", "~A1", "history", title, employer, None, None, start, end,
                         observed_year=observed)
    return stage_entry(entry, Lookup())


def as_row(entry) -> object:
    return history_row(entry.stage, entry.institution_id, entry.country_code, entry.type, entry.start_year,
                       entry.end_year, entry.source, entry.method, entry.confidence, entry.source_key,
                       is_degree=entry.is_degree, observed_year=entry.observed_year)


@pytest.mark.parametrize(("title", "employer"), [
    ("PhD student", "Microsoft"), ("PhD student", "Bosch"), ("Undergrad student", "Alibaba Group"),
    ("MS student", "Bosch")])
def test_a_student_at_a_company_is_no_degree(title: str, employer: str) -> None:
    entry = staged(title, employer)
    assert entry.stage == "other" and not entry.is_degree
    r = build_record("neurips", 2022, "P1", "A", ["poster"], [], [as_row(entry)])
    assert (r.undergrad_country, r.grad_country) == (None, None)
    assert r.work_country == EMPLOYERS[employer].country_code  # still where they worked that year


def test_a_phd_position_at_a_research_lab_says_nothing_about_the_degree() -> None:
    entry = staged("PhD student", "Max Planck Institute for Intelligent Systems")
    assert entry.stage == "phd" and not entry.is_degree  # the awarding university is not in the entry
    assert build_record("neurips", 2022, "P1", "A", ["poster"], [], [as_row(entry)]).grad_country is None


@pytest.mark.parametrize("title", ["Research Intern", "Visiting PhD student", "PhD Intern", "Exchange student"])
def test_intern_and_visiting_positions_are_never_degrees(title: str) -> None:
    assert not is_degree("phd", "education", title)
    assert not staged(title, "Stanford University").is_degree


def test_a_phd_at_a_university_is_a_degree() -> None:
    entry = staged("PhD student", "Stanford University")
    assert entry.stage == "phd" and entry.is_degree


def test_an_undated_phd_entry_counts_only_for_the_year_it_was_observed() -> None:
    entry = staged("PhD student", "Stanford University", observed=2022)
    assert (entry.counts_from_year, entry.counts_to_year) == (2022, 2022)
    history = [as_row(entry)]
    by_year = {year: build_record("neurips", year, "P1", "A", ["poster"], [], history) for year in (2019, 2020, 2022)}
    assert [by_year[y].grad_country for y in (2019, 2020, 2022)] == [None, None, "US"]
    assert [by_year[y].work_country for y in (2019, 2020, 2022)] == [None, None, "US"]
    evidence = by_year[2022].evidence["grad_country"]
    assert (evidence["origin"], evidence["observed_year"], evidence["holds_for_year"]) == (
        "openreview_profile_history", 2022, 2022)


def test_a_dated_entry_counts_from_its_start_on() -> None:
    history = [as_row(staged("PhD student", "Stanford University", start=2020, end=None))]
    assert [build_record("neurips", y, "P1", "A", [], [], history).grad_country for y in (2019, 2020, 2022)] == [
        None, "US", "US"]


def test_undated_entries_without_an_observed_year_never_count() -> None:
    assert counts_for_years(None, None, None) == (None, None)
    assert not any(counts_in(None, None, year) for year in range(2015, 2030))


def test_the_sql_rule_of_the_study_views_is_the_python_rule() -> None:
    con = duckdb.connect()
    cases = [(s, e, o, y) for s in (None, 2018, 2021) for e in (None, 2019, 2023) for o in (None, 2020, 2022)
             for y in (2019, 2020, 2021, 2022)]
    con.execute("CREATE TABLE r (s INTEGER, e INTEGER, o INTEGER, y INTEGER, f INTEGER, t INTEGER)")
    con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)",
                    [(s, e, o, y, *counts_for_years(s, e, o)) for s, e, o, y in cases])
    run_marts(con, "study_macros")  # the counts_in macro the study views call
    got = {(s, e, o, y): value for s, e, o, y, value in con.execute(
        "SELECT s, e, o, y, counts_in(f, t, y) FROM r").fetchall()}
    expected = {(s, e, o, y): counts_in(*counts_for_years(s, e, o), y) for s, e, o, y in cases}
    assert got == expected and any(expected.values()) and not all(expected.values())


def test_work_values_say_where_they_come_from_and_for_which_year() -> None:
    snapshot = PaperAffiliation("p1", 1, "nvidia", "US", "company", 1.0, 0.9, "exact-name",
                                origin="openreview_profile_snapshot", observed_year=2022)
    r = build_record("neurips", 2022, "P1", "A", ["poster"], [snapshot], [])
    assert (r.work_origin, r.work_observed_year) == ("openreview_profile_snapshot", 2022)
    printed = PaperAffiliation("p2", 1, "ucl", "GB", "education", 1.0, 0.9, "exact-name", origin="paper",
                               observed_year=2019)
    assert build_record("neurips", 2019, "P1", "A", ["poster"], [printed], []).work_origin == "paper"


def test_track_main_when_any_paper_is_main_track_with_its_own_tier() -> None:
    both = build_record("neurips", 2022, "P1", "A", ["oral", "poster"], [], [],
                        tracks=["datasets_and_benchmarks", "main"])
    assert (both.track, both.tracks, both.tier, both.main_track_tier) == (
        "main", ["datasets_and_benchmarks", "main"], "oral", "poster")
    only_db = build_record("neurips", 2022, "P2", "B", ["poster"], [], [], tracks=["datasets_and_benchmarks"])
    assert (only_db.track, only_db.main_track_tier) == ("datasets_and_benchmarks", None)


def test_a_corrected_work_country_says_so_and_holds_for_the_record_year() -> None:
    from etl.people.corrections import parse_line
    from etl.people.talent_record import apply_corrections

    snapshot = PaperAffiliation("p1", 1, "nvidia", "US", "company", 1.0, 0.9, "exact-name",
                                origin="openreview_profile_snapshot", observed_year=2022)
    r = build_record("neurips", 2022, "P1", "A", ["poster"], [snapshot], [])
    apply_corrections(r, [parse_line(2, {"person_id": "P1", "field": "work_country", "value": "DE", "note": "CV"})])
    assert (r.work_country, r.work_origin, r.work_observed_year) == ("DE", "analyst_correction", 2022)
