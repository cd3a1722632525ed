"""The corrections file: its format, its problems, and that it is what the build applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.people.corrections import DEFAULT_PATH, HEADER, read_corrections, write_template


def write(path: Path, lines: list[str]) -> Path:
    write_template(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def test_committed_file_has_header_and_format_comment() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert text.startswith("#")
    assert ",".join(HEADER) in text.splitlines()
    assert read_corrections(DEFAULT_PATH) == [] or all(c.person_id for c in read_corrections(DEFAULT_PATH))


def test_lines_are_parsed_with_their_line_numbers(tmp_path) -> None:
    path = write(tmp_path / "c.csv", ["P1,work_country,Germany,affiliation page", "P2,sector:2022,Industry,",
                                      '"P3",name,"Ng, Andrew",quoted'])
    first, second, third = read_corrections(path)
    assert (first.line_no, first.field, first.value, first.year, first.problem) == (6, "work_country", "DE", None, None)
    assert (second.field, second.year, second.value) == ("sector", 2022, "industry")
    assert third.value == "Ng, Andrew"


@pytest.mark.parametrize(("line", "problem"), [
    ("P1,birthplace,FR,", "is not one of"),
    ("P1,work_country,Atlantis,", "not a country"),
    ("P1,sector,retail,", "sector must be"),
    (",work_country,FR,", "person_id is empty"),
    ("P1,work_country:soon,FR,", "not a number"),
    ("P1,work_country:,FR,", "is empty"),
    ("P1,work_country: ,FR,", "is empty"),
])
def test_bad_lines_are_kept_with_their_problem(tmp_path, line: str, problem: str) -> None:
    [correction] = read_corrections(write(tmp_path / "c.csv", [line]))
    assert problem in (correction.problem or "")


def test_wrong_header_is_an_error(tmp_path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,field,value\nP1,name,X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        read_corrections(path)


def test_missing_file_means_no_corrections(tmp_path) -> None:
    assert read_corrections(tmp_path / "absent.csv") == []


def test_empty_year_is_not_applied_to_every_year(tmp_path) -> None:
    [correction] = read_corrections(write(tmp_path / "c.csv", ["P1,work_country:,FR,"]))
    assert correction.problem and correction.year is None
