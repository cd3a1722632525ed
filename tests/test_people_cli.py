"""`authors resolve` file contract: IN.csv -> OUT.csv, malformed rows reported and skipped."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest

from talent.cli import main
from talent.commands import authors as authors_commands
from talent.commands import eval as eval_commands


def test_round_trip_with_a_malformed_row(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,paper_id,author_position,name,affiliation,email_domain,year,orcid\n"
        "r1,p1,1,Björn Ommer,Heidelberg University,uni-heidelberg.de,2021,\n"
        "r2,p1,2,Robin Rombach,Heidelberg University,uni-heidelberg.de,2021,\n"
        'r3,p2,1,"Ommer, Bjorn",LMU Munich,lmu.de,2022,\n'
        "r4,p2,one,Robin Rombach,,,2022,\n"
        "r5,p3,1,,,,2022,\n"
        "r6,p3,2,R. Rombach,,uni-heidelberg.de,2022,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["authors", "resolve", "--in", str(src), "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as fh:
        got = {r["id"]: r["person_id"] for r in csv.DictReader(fh)}
    assert list(got) == ["r1", "r2", "r3", "r6"]
    assert got["r1"] == got["r3"]
    assert got["r2"] == got["r6"]
    assert got["r1"] != got["r2"]
    assert "r4" in caplog.text and "author_position" in caplog.text
    assert "r5" in caplog.text and "missing name" in caplog.text

    again = tmp_path / "again.csv"
    assert main(["authors", "resolve", "--in", str(src), "--out", str(again), "--previous", str(out)]) == 0
    assert again.read_text() == out.read_text()


def test_missing_column_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,Ada Lovelace\n", encoding="utf-8")
    assert main(["authors", "resolve", "--in", str(src), "--out", str(tmp_path / "o.csv")]) == 2


def test_register_hooks_build_the_commands() -> None:
    parser = argparse.ArgumentParser(prog="talent")
    sub = parser.add_subparsers(dest="command", required=True)
    authors_commands.register(sub)
    eval_commands.register(sub)
    args = parser.parse_args(["authors", "resolve", "--in", "a.csv", "--out", "b.csv"])
    assert args.handler is authors_commands.run_resolve
    args = parser.parse_args(["eval", "authors", "--data-dir", "x"])
    assert args.handler is eval_commands.run_authors
