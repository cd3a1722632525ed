"""The stable CSV contract, the argparse wiring, the eval command's errors, and the warehouse hook."""

import argparse
import csv
import io
from pathlib import Path

import duckdb
import pytest

from etl.affiliations.csv_io import OUT_COLUMNS, resolve_csv
from etl.affiliations.resolver import load_resolver
from talent.commands import affiliations as affiliations_commands
from talent.commands import eval as eval_commands
from talent.commands import registry as registry_commands
from warehouse.models.core.authorship_affiliations import resolve_authorship_affiliations

from .model_inputs import CORE_AUTHORSHIPS, insert_authorships, run_models


@pytest.fixture(scope="module")
def resolver():
    return load_resolver()


def run_csv(resolver, text):
    out, err = io.StringIO(), io.StringIO()
    resolve_csv(resolver, io.StringIO(text), out, err)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), err.getvalue()


def test_contract_columns_order_and_empty_when_unresolved(resolver):
    rows, err = run_csv(resolver, "id,affiliation,email_domain\n"
                                  "a1,Google Research + UC Berkeley,\n"
                                  "a2,School of Computer Science,adelaide.edu.au\n"
                                  "a3,Zzyzx Quux Institute of Nothing,\n")
    assert err == ""
    assert list(rows[0]) == list(OUT_COLUMNS)
    assert rows[0]["institution_ids"] == "00njsd438;01an7q238"
    assert rows[0]["country_codes"] == "US;US" and rows[0]["types"] == "company;education"
    assert rows[1]["country_codes"] == "AU" and rows[1]["method"] == "email-domain"
    assert {k: v for k, v in rows[2].items() if k != "id"} == {c: "" for c in OUT_COLUMNS[1:]}


def test_malformed_rows_are_reported_and_skipped(resolver):
    rows, err = run_csv(resolver, "id,affiliation,email_domain\n"
                                  "b1,Tsinghua University,\n"
                                  ",Peking University,\n"
                                  "b3,too,many,fields\n"
                                  "b1,duplicate id,\n"
                                  "b5,\"Stanford University\",stanford.edu\n")
    assert [r["id"] for r in rows] == ["b1", "b5"]
    assert "line 3: skipped, empty id" in err
    assert "line 4 id=b3: skipped, 4 fields" in err
    assert "line 5 id=b1: skipped, duplicate id" in err


def test_email_domain_column_is_optional(resolver):
    rows, _ = run_csv(resolver, "id,affiliation\nc1,Seoul National University\n")
    assert rows[0]["country_codes"] == "KR"


def _parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path, default=Path("w.duckdb"))
    sub = parser.add_subparsers(dest="command", required=True)
    affiliations_commands.register(sub)
    registry_commands.register(sub)
    eval_commands.register(sub)
    return parser


def test_cli_resolve_end_to_end(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,affiliation,email_domain\nx,\"Dept. of CS, Tsinghua Univ., Beijing\",\n", encoding="utf-8")
    args = _parser().parse_args(["affiliations", "resolve", "--in", str(src), "--out", str(dst)])
    assert args.handler(args) == 0
    (row,) = csv.DictReader(dst.open(encoding="utf-8"))
    assert (row["institution_ids"], row["country_codes"]) == ("03cve4549", "CN")


def test_registry_subcommands_are_registered():
    parser = _parser()
    assert parser.parse_args(["registry", "build"]).handler is registry_commands.run_build
    args = parser.parse_args(["registry", "update", "--ror-dump", "dump.zip"])
    assert args.handler is registry_commands.run_update and args.ror_dump == "dump.zip"


def test_eval_reports_missing_gold_dir(tmp_path, capsys):
    args = _parser().parse_args(["eval", "affiliations", "--gold-dir", str(tmp_path / "nope")])
    assert args.handler(args) == 2
    assert "gold directory" in capsys.readouterr().err


def test_warehouse_hook_weights_and_review_queue(resolver):
    con = duckdb.connect()
    run_models(con, *CORE_AUTHORSHIPS)
    insert_authorships(con, [
        ("neurips", 2022, "p1", 1, "A", "Google Research + UC Berkeley", None, "openreview", None),
        ("neurips", 2022, "p1", 2, "B", "Tsinghua University", None, "openreview", None),
        ("neurips", 2022, "p2", 1, "C", "Tsinghua University", None, "openreview", None),
        ("neurips", 2022, "p2", 2, "D", "Zzyzx Quux Institute of Nothing", None, "openreview", None),
        ("neurips", 2022, "p2", 3, "E", None, None, "openreview", None),
    ], columns=("conference", "year", "paper_id", "author_position", "author_name", "raw_affiliation",
                "author_source_id", "source", "source_url"))
    counts = resolve_authorship_affiliations(con, resolver)
    assert counts["distinct_strings"] == 4
    rows = con.execute("SELECT paper_id, author_position, institution_id, country_code, weight "
                       "FROM authorship_affiliations ORDER BY paper_id, author_position, institution_id").fetchall()
    assert rows[:3] == [("p1", 1, "00njsd438", "US", 0.5), ("p1", 1, "01an7q238", "US", 0.5),
                        ("p1", 2, "03cve4549", "CN", 1.0)]
    # the parts of one string are numbered in the order they appear: the grain's last column
    assert con.execute("SELECT affiliation_no, institution_id FROM authorship_affiliations WHERE paper_id = 'p1' "
                       "AND author_position = 1 ORDER BY affiliation_no").fetchall() == [(1, "00njsd438"),
                                                                                         (2, "01an7q238")]
    total = con.execute("SELECT sum(weight) FROM authorship_affiliations WHERE paper_id = 'p1'").fetchone()[0]
    assert total == pytest.approx(2.0)
    assert con.execute("SELECT * FROM unresolved_affiliations").fetchall() == [("Zzyzx Quux Institute of Nothing", 1)]
