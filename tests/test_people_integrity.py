"""Review findings in the people layer, on a small hand-made warehouse: two OpenReview profiles (or ORCID
iDs) are never one person even when a shared DBLP pid links them, nameless authorships are kept, and a
correction for a year without a talent record says so."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.people.person_rows import Authorship, persons_with_several_ids
from etl.people.records import AuthorRow
from etl.people.resolve import resolve_persons
from tests.test_talent_records_persons import make_warehouse, person_of
from warehouse.models.core.persons_core import build_persons
from warehouse.models.core.talent_records import build_talent_records

from .model_inputs import empty_authorship_affiliations, empty_person_education, empty_registry_tables, run_models

AUTHORSHIPS = [
    # conference, year, paper_id, position, name, affiliation, source_id, email_domain
    ("neurips", 2021, "z1", 1, "Zhi Jin", "Peking University", "~Zhi_Jin1", None),
    ("neurips", 2022, "z2", 1, "Zhi Jin", "Sun Yat-sen University", "~Zhi_Jin2", None),
    ("neurips", 2022, "z3", 2, "Zhi Jin", None, None, None),
    ("neurips", 2021, "f1", 1, "Fei Wu", "Zhejiang University", "~Fei_Wu_old", None),
    ("neurips", 2022, "f2", 1, "Fei Wu", "Zhejiang University", "~Fei_Wu1", None),
    ("neurips", 2020, "e1", 3, "", "Penn State University", None, None),
    ("neurips", 2020, "e2", 3, "", "IBM TJ Watson", None, None),
    ("neurips", 2020, "e3", 2, "", None, "~Ada_Example1", None),
]
PROFILES = [
    ("neurips", 2021, "z1", 1, "~Zhi_Jin1", "0000-0003-1087-226X", "22/3510", "Zhi Jin"),
    ("neurips", 2022, "z2", 1, "~Zhi_Jin2", None, "22/3510", "Zhi Jin"),
    # the API answered ~Fei_Wu_old with ~Fei_Wu1: an alias, one person
    ("neurips", 2021, "f1", 1, "~Fei_Wu1", None, "84/3254-1", "Fei Wu"),
    ("neurips", 2022, "f2", 1, "~Fei_Wu1", None, "84/3254-1", "Fei Wu"),
    ("neurips", 2020, "e3", 2, "~Ada_Example1", None, None, "Ada Example"),
]


@pytest.fixture
def built(monkeypatch) -> duckdb.DuckDBPyConnection:
    monkeypatch.setattr("tests.test_talent_records_persons.PROFILES", PROFILES)
    con = make_warehouse(AUTHORSHIPS)
    build_persons(con)
    return con


def test_two_profiles_sharing_a_dblp_pid_are_two_persons(built) -> None:
    persons = person_of(built)
    assert persons[("z1", 1)] != persons[("z2", 1)]
    several = built.execute(
        """SELECT ap.person_id FROM authorship_persons ap JOIN stg_authorship_profiles p
           USING (conference, year, paper_id, author_position)
           GROUP BY 1 HAVING count(DISTINCT p.profile_id) > 1""").fetchall()
    assert several == []


def test_profile_alias_answered_by_the_api_stays_one_person(built) -> None:
    persons = person_of(built)
    assert persons[("f1", 1)] == persons[("f2", 1)]


def test_build_reports_no_person_with_several_profile_ids(built) -> None:
    figures = build_persons(built)
    assert figures["persons_with_several_profile_ids"] == 0


def test_check_names_a_person_with_two_profile_ids() -> None:
    rows = [Authorship("neurips", 2021, "a", 1, "Zhi Jin", None, None, "~Zhi_Jin1", None, None, None),
            Authorship("neurips", 2022, "b", 1, "Zhi Jin", None, None, "~Zhi_Jin2", None, None, None),
            Authorship("neurips", 2022, "c", 1, "Fei Wu", None, None, None, "1", None, None),
            Authorship("neurips", 2022, "d", 1, "Fei Wu", None, None, None, "2", None, None)]
    mapping = {rows[0].key: "P1", rows[1].key: "P1", rows[2].key: "P2", rows[3].key: "P3"}
    assert persons_with_several_ids(rows, mapping) == {"P1": {"openreview_id": ["~Zhi_Jin1", "~Zhi_Jin2"]}}


@pytest.mark.parametrize("kind", ["openreview_id", "orcid"])
def test_distinct_exclusive_keys_are_a_cannot_link_despite_a_shared_dblp(kind: str) -> None:
    rows = [AuthorRow(id=f"r{i}", paper_id=f"p{i}", author_position=1, name="Zhi Jin", affiliation="PKU",
                      year=2020 + i, dblp="22/3510", **{kind: f"key{i}"}) for i in range(2)]
    rows.append(AuthorRow(id="r2", paper_id="p2", author_position=1, name="Zhi Jin", affiliation="PKU",
                          year=2022, dblp="22/3510"))
    mapping = resolve_persons(rows)
    assert mapping["r0"] != mapping["r1"]
    assert mapping["r2"] in {mapping["r0"], mapping["r1"]}


def test_same_name_same_place_but_two_orcids_are_two_persons() -> None:
    rows = [AuthorRow(id=f"r{i}", paper_id=f"p{i}", author_position=1, name="Wei Zhang", affiliation="MIT",
                      email_domain="mit.edu", year=2021, orcid=f"0000-0000-0000-000{i}") for i in range(2)]
    mapping = resolve_persons(rows)
    assert mapping["r0"] != mapping["r1"]


def test_nameless_authorships_are_kept_each_as_its_own_person(built) -> None:
    persons = person_of(built)
    assert ("e1", 3) in persons and ("e2", 3) in persons
    assert persons[("e1", 3)] != persons[("e2", 3)]
    figures = build_persons(built)
    assert figures["unnamed_authorships"] == 2
    assert person_of(built) == persons  # deterministic ids
    n_core = built.execute("SELECT count(*) FROM core_authorships").fetchone()[0]
    assert built.execute("SELECT count(*) FROM authorship_persons").fetchone()[0] == n_core
    assert built.execute("SELECT name, n_papers FROM persons_core WHERE person_id = ?",
                         [persons[("e1", 3)]]).fetchone() == (None, 1)


def test_nameless_authorship_with_a_profile_is_resolved_by_the_profile_name(built) -> None:
    persons = person_of(built)
    row = built.execute("SELECT name, openreview_id FROM persons_core WHERE person_id = ?",
                        [persons[("e3", 2)]]).fetchone()
    assert row == ("Ada Example", "~Ada_Example1")


def talent_warehouse(built: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The persons built, their papers, no education and no resolved affiliation: the talent_records inputs."""
    run_models(built, "core_papers", "stg_affiliation_provenance", "stg_test_data_papers")
    built.execute("""INSERT INTO core_papers (conference, year, paper_id, tier)
                     SELECT DISTINCT conference, year, paper_id, 'poster' FROM core_authorships""")
    empty_registry_tables(built)
    empty_authorship_affiliations(built)
    empty_person_education(built)
    return built


def test_correction_for_a_year_without_a_record_is_a_problem(built, tmp_path: Path) -> None:
    con = talent_warehouse(built)
    person = person_of(con)[("f1", 1)]  # records in 2021 and 2022
    path = tmp_path / "corrections.csv"
    path.write_text("person_id,field,value,note\n"
                    f"{person},work_country:2019,FR,no paper in 2019\n"
                    f"{person},work_country:2022,FR,ok\n"
                    f"{person},work_country:,FR,unfinished\n", encoding="utf-8")
    build_talent_records(con, path)
    rows = con.execute("SELECT line_no, applied, problem FROM analyst_corrections ORDER BY line_no").fetchall()
    assert rows[0] == (2, False, "no talent record for person in 2019")
    assert rows[1] == (3, True, None)
    assert rows[2][1] is False and "is empty" in rows[2][2]
    countries = dict(con.execute("SELECT year, work_country FROM talent_records WHERE person_id = ?",
                                 [person]).fetchall())
    assert countries == {2021: None, 2022: "FR"}
