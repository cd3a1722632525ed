"""Career stages from real OpenReview position strings (NeurIPS 2021/2022)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from etl.people.stages import STAGES, TABLE_PATH, load_table, position_key, stage_for

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "people" / "openreview_sample"


@pytest.mark.parametrize(
    ("position", "institution_type", "stage"),
    [
        ("PhD student", None, "phd"),
        ("Ph.D. student", None, "phd"),
        ("PhD Candidate", None, "phd"),
        ("Graduate Student", None, "phd"),
        ("MS student", None, "masters"),
        ("MPhil", None, "masters"),
        ("Master's Student", None, "masters"),
        ("Undergrad student", None, "undergrad"),
        ("B.A.Sc. Engineering Science", None, "undergrad"),
        ("Postdoc", None, "postdoc"),
        ("Postdoctoral  Researcher", None, "postdoc"),
        ("Research Fellow", "education", "postdoc"),
        ("Full Professor", None, "faculty"),
        ("Assistant → Associate Professor of Statistics", None, "faculty"),
        ("Lecturer (Assistant Professor)", None, "faculty"),
        ("Directeur de Recherche", None, "faculty"),
        ("Research Scientist", "company", "industry"),
        ("Research Scientist", "education", "other"),
        ("Research Scientist", None, "other"),
        ("Researcher", "company", "industry"),
        ("Principal Researcher", None, "industry"),
        ("Applied Scientist", None, "industry"),
        ("Software Engineer", None, "industry"),
        ("Research Scientist (FAIR)", None, "industry"),
        ("Google", None, "industry"),
        ("Intern", None, "other"),
        ("High School Student", None, "other"),
        ("", None, "other"),
    ],
)
def test_real_position_strings(position: str, institution_type: str | None, stage: str) -> None:
    assert stage_for(position, institution_type) == stage


def test_orcid_style_titles_fall_back_to_rules() -> None:
    assert stage_for("Doctoral Candidate") == "phd"
    assert stage_for("Bachelor of Science") == "undergrad"
    assert stage_for("Postdoctoral Research Associate") == "postdoc"
    assert stage_for("Associate Professor of Computer Science") == "faculty"


def test_table_is_well_formed() -> None:
    with TABLE_PATH.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert len(records) > 500
    for r in records:
        assert {r["stage"], r["stage_academic"], r["stage_company"]} <= set(STAGES), r
        assert int(r["count_2021"]) + int(r["count_2022"]) > 0


def test_table_covers_every_position_in_the_sample() -> None:
    table = load_table()
    for year in (2021, 2022):
        with gzip.open(SAMPLE / str(year) / "openreview_authors.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                for value in str(json.loads(line).get("position") or "").split(";"):
                    assert position_key(value) in table, value
