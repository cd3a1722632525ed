"""persons / authorship_persons on a small hand-made warehouse: homonyms split, variants merged, the
same-paper constraint, profile ids as strong keys, and person ids that survive rebuilds."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.models.core.persons_core import build_persons

from .model_inputs import CORE_AUTHORSHIPS, insert_authorships, run_models

AUTHORSHIPS = [
    # conference, year, paper_id, position, name, affiliation, source_id, email_domain
    ("neurips", 2019, "p1", 1, "Wei Wang", "Tsinghua University", None, None),
    ("neurips", 2020, "p2", 2, "Wei Wang", "University of California, Los Angeles", None, None),
    ("neurips", 2019, "p3", 1, "José Miguel Hernández-Lobato", "University of Cambridge", None, None),
    ("neurips", 2020, "p4", 1, "Jose Miguel Hernandez Lobato", "University of Cambridge", None, None),
    ("neurips", 2020, "p5", 1, "Li Zhang", "Fudan University", None, None),
    ("neurips", 2020, "p5", 2, "Li Zhang", "Fudan University", None, None),
    ("neurips", 2022, "p6", 1, "Ada Example", None, "~Ada_B_Example1", None),
    ("neurips", 2022, "p7", 3, "Ada Lovelace-Example", None, "~Ada_Example1", None),
]
PROFILES = [
    # authorship key, profile id answered, orcid, dblp, preferred name
    ("neurips", 2022, "p6", 1, "~Ada_Example1", "0000-0000-0042-0014", None, "Ada Example"),
    ("neurips", 2022, "p7", 3, "~Ada_Example1", "0000-0000-0042-0014", None, "Ada Example"),
]


def make_warehouse(authorships: list[tuple] = AUTHORSHIPS) -> duckdb.DuckDBPyConnection:
    """A migrated warehouse with these authorships, the profile each answered, and no landed profile page."""
    con = duckdb.connect()
    run_models(con, *CORE_AUTHORSHIPS, "stg_openreview_profiles")
    insert_authorships(con, authorships)
    con.execute("""CREATE TABLE stg_authorship_profiles (conference VARCHAR, year INTEGER, paper_id VARCHAR,
                   author_position INTEGER, profile_id VARCHAR, orcid VARCHAR, dblp_pid VARCHAR,
                   preferred_name VARCHAR)""")
    con.executemany("INSERT INTO stg_authorship_profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", PROFILES)
    return con


def person_of(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], str]:
    return {(paper, position): person for paper, position, person in con.execute(
        "SELECT paper_id, author_position, person_id FROM authorship_persons").fetchall()}


@pytest.fixture
def built() -> duckdb.DuckDBPyConnection:
    con = make_warehouse()
    build_persons(con)
    return con


def test_homonyms_at_different_institutions_on_different_papers_are_split(built) -> None:
    persons = person_of(built)
    assert persons[("p1", 1)] != persons[("p2", 2)]


def test_spelling_variants_are_merged(built) -> None:
    persons = person_of(built)
    assert persons[("p3", 1)] == persons[("p4", 1)]


def test_two_authors_of_one_paper_are_never_one_person(built) -> None:
    persons = person_of(built)
    assert persons[("p5", 1)] != persons[("p5", 2)]


def test_profile_answered_under_an_old_username_is_one_person(built) -> None:
    persons = person_of(built)
    assert persons[("p6", 1)] == persons[("p7", 3)]
    row = built.execute("SELECT name, openreview_id, orcid, n_papers, first_year, last_year FROM persons_core "
                        "WHERE person_id = ?", [persons[("p6", 1)]]).fetchone()
    assert row == ("Ada Example", "~Ada_Example1", "0000-0000-0042-0014", 2, 2022, 2022)


def test_rebuilding_twice_gives_the_same_person_ids(built) -> None:
    first = person_of(built)
    figures = build_persons(built)
    assert person_of(built) == first
    assert figures["ids_kept_from_previous_build"] == len(AUTHORSHIPS)


def test_ids_survive_an_earlier_paper_arriving() -> None:
    """Without memory the id of a person without strong keys hashes their earliest authorship; the
    person_id_map keeps the old id when an older paper is crawled later."""
    con = make_warehouse()
    build_persons(con)
    before = person_of(con)[("p3", 1)]
    insert_authorships(con, [("neurips", 2018, "p0", 1, "José Miguel Hernández-Lobato", "University of Cambridge",
                              None, None)])
    build_persons(con)
    after = person_of(con)
    assert after[("p3", 1)] == before == after[("p0", 1)]
