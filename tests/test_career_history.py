"""Dated careers from year-by-year profile snapshots (issue 10, item 1); rows here are invented."""

from __future__ import annotations

from etl.people.career_snapshots import bundled_histories, observations, reconstruct, split_joined
from mirror.career_history import history_entries


def _row(position: str, aff: str, domain: str, author: str = "Ada Fixture", pid: str = "~Ada_Fixture1") -> dict:
    return {"author": author, "authorids": pid, "or_profile": pid, "position": position, "aff": aff,
            "aff_domain": domain}


def _career(snapshots: dict[int, tuple[str, str, str]]):
    observed = [item for year, cell in snapshots.items() for item in observations([_row(*cell)], year)]
    return [(e.position, e.institution, e.first_year, e.last_year) for e in reconstruct(observed)["~Ada_Fixture1"]]


def test_a_career_that_moves_collapses_consecutive_years():
    assert _career({
        2021: ("MS student", "Univ A", "a.edu"),
        2022: ("MS student", "Univ A", "a.edu"),
        2023: ("PhD student", "Univ B", "b.edu"),
        2025: ("PhD student", "Univ B", "b.edu"),
    }) == [("MS student", "Univ A", 2021, 2022), ("PhD student", "Univ B", 2023, 2025)]


def test_a_plus_joined_year_gives_each_covering_entry():
    assert _career({
        2023: ("PhD student+Intern", "Univ B+Company C", "b.edu+c.com"),
        2024: ("PhD student", "Univ B", "b.edu"),
    }) == [("Intern", "Company C", 2023, 2023), ("PhD student", "Univ B", 2023, 2024)]


def test_a_move_and_a_move_back_are_two_entries():
    assert _career({
        2021: ("Researcher", "Lab X", "x.com"),
        2022: ("Postdoc", "Univ A", "a.edu"),
        2023: ("Researcher", "Lab X", "x.com"),
    }) == [("Researcher", "Lab X", 2021, 2021), ("Postdoc", "Univ A", 2022, 2022), ("Researcher", "Lab X", 2023, 2023)]


def test_misaligned_plus_parts_are_not_guessed():
    assert split_joined("PhD student+Intern", "Univ B", "b.edu+c.com") is None
    assert split_joined("", "", "") == []


def test_profile_fields_follow_or_profile_not_author_order():
    row = {"author": "Ada Fixture;Bram Testwood", "authorids": "~Ada_Fixture1;~Bram_Testwood1",
           "or_profile": "~Bram_Testwood1;~Ada_Fixture1", "position": "Professor;PhD student",
           "aff": "Univ B;Univ A", "aff_domain": "b.edu;a.edu"}
    found = {(o.profile_id, o.position) for o in observations([row], 2022)}
    assert found == {("~Ada_Fixture1", "PhD student"), ("~Bram_Testwood1", "Professor")}


def test_served_entries_mark_observed_bounds_latest_first():
    entries = reconstruct(observations([_row("MS student", "Univ A", "a.edu")], 2021))["~Ada_Fixture1"]
    entries += reconstruct(observations([_row("PhD student", "Univ B", "b.edu")], 2023))["~Ada_Fixture1"]
    served = history_entries(entries)
    assert [(h["position"], h["start"], h["end"], h["_bounds"]) for h in served] == [
        ("PhD student", 2023, 2023, "observed"), ("MS student", 2021, 2021, "observed")]


def test_bundled_histories_hold_real_moves():
    """Kui Jia (real, vendored snapshots): SCUT in 2021–2022, CUHK-Shenzhen from 2024."""
    entries = [(e.institution, e.first_year, e.last_year) for e in bundled_histories()["~Kui_Jia1"]]
    assert entries == [("South China University of Technology", 2021, 2022),
                       ("The Chinese University of Hong Kong, Shenzhen", 2024, 2025)]
