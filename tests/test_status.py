"""``talent status``: crawls, row counts, coverage per field and the last errors, read-only."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from talent.commands import status as status_commands
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.status import collect_status

from .test_study_views import make_inputs


def run_cli(warehouse: Path, *extra: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path)
    status_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["--warehouse", str(warehouse), "status", *extra])
    return args.handler(args)


def test_status_of_the_harvest_lists_crawls_counts_and_affiliation_coverage(harvest, capsys):
    assert run_cli(harvest.warehouse, "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert {c["crawl_id"] for c in status["crawls"]} == {run.crawl_id for run in harvest.runs}
    assert all(c["finish_reason"] == "finished" for c in status["crawls"])
    con = connect(harvest.warehouse, read_only=True)
    try:
        assert status["row_counts"]["papers"] == con.execute("SELECT count(*) FROM papers").fetchone()[0]
        assert status["row_counts"]["raw_records"] == con.execute("SELECT count(*) FROM raw_records").fetchone()[0]
    finally:
        con.close()
    years = {row["year"] for row in status["coverage"] if row["table"] == "authorship_affiliations"}
    assert years == {"2019", "2020", "2022"}


def test_status_reports_field_coverage_and_last_errors(tmp_path, capsys):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    try:
        migrate(con)
        make_inputs(con)
        con.execute("INSERT INTO raw_crawls VALUES ('c9', 'openreview', 'c9.jsonl', 'abc', "
                    "'{\"finish_reason\": \"finished\"}', 3, 2, 1, now())")
        con.execute("INSERT INTO raw_rejects VALUES ('c9', 'openreview', 'http://127.0.0.1/x', 500, "
                    "'failed after retries', now())")
        con.execute("INSERT INTO raw_load_errors VALUES ('c9.jsonl', 7, 'not JSON', now())")
        status = collect_status(con)
    finally:
        con.close()
    overall = next(r for r in status.coverage if r["table"] == "talent_records" and r["year"] == "all")
    assert overall["rows"] == 6 and overall["persons"] == 5
    assert overall["work_country"] == pytest.approx(5 / 6)
    assert overall["tier"] == 1.0
    assert status.crawls[0]["bad_lines"] == 1 and status.crawls[0]["finish_reason"] == "finished"
    assert status.rejects[0]["reason"] == "failed after retries"
    assert status.load_errors[0]["problem"] == "not JSON"
    assert run_cli(path) == 0
    text = capsys.readouterr().out
    for expected in ("Crawls loaded", "Row counts", "Coverage: talent_records", "83.3%", "failed after retries",
                     "not JSON", "c9.jsonl"):
        assert expected in text


def test_status_says_what_is_not_built_yet(tmp_path, capsys):
    con = connect(tmp_path / "empty.duckdb")
    migrate(con)
    con.close()
    assert run_cli(tmp_path / "empty.duckdb") == 0
    text = capsys.readouterr().out
    assert "talent_records: not built yet" in text and "no load errors recorded" in text


@pytest.fixture
def checked_warehouse(tmp_path) -> Path:
    from talent.cli import main
    from tests.test_fault_suite_load import _record, _write

    landing = tmp_path / "landing"
    _write(landing / "openreview", "20260101T000000Z-openreview-aaaa", [_record(f"p{i}") for i in range(4)])
    warehouse = tmp_path / "w.duckdb"
    assert main(["load", str(landing), "--warehouse", str(warehouse)]) == 0
    return warehouse


def _check(warehouse: Path, capsys) -> tuple[int, dict]:
    from talent.cli import main

    code = main(["status", "--check", "--json", "--warehouse", str(warehouse)])
    return code, {c["name"]: c for c in json.loads(capsys.readouterr().out)}


def test_status_check_passes_on_a_whole_warehouse(checked_warehouse, capsys):
    code, checks = _check(checked_warehouse, capsys)
    assert code == 0, [c for c in checks.values() if not c["ok"]]
    assert {"schema_version", "built_after_last_load", "authorships_without_paper", "interrupted_builds"} <= set(checks)


@pytest.mark.parametrize("damage, failing", [
    ("DELETE FROM core_papers WHERE paper_id = 'p1'", "authorships_without_paper"),
    ("INSERT INTO schema_version VALUES (999, 'from_the_future', now())", "schema_version"),
    ("UPDATE raw_crawls SET loaded_at = now() + INTERVAL 1 DAY", "built_after_last_load"),
    ("DELETE FROM build_log", "built_after_last_load"),
])
def test_status_check_fails_on_a_partial_or_inconsistent_warehouse(checked_warehouse, capsys, damage, failing):
    con = connect(checked_warehouse)
    con.execute(damage)
    con.close()
    code, checks = _check(checked_warehouse, capsys)
    assert code == 1 and not checks[failing]["ok"]


def test_status_check_reports_a_build_that_was_killed(checked_warehouse, capsys):
    (checked_warehouse.parent / f".{checked_warehouse.name}.building-99999").write_bytes(b"half")
    code, checks = _check(checked_warehouse, capsys)
    assert code == 1 and checks["interrupted_builds"]["value"] == 1


def test_status_check_finds_a_partial_export(checked_warehouse, tmp_path, capsys):
    from talent.cli import main
    from warehouse.export import export

    exports = tmp_path / "exports"
    con = connect(checked_warehouse, read_only=True)
    try:
        export(con, exports, tables=["papers"])
    finally:
        con.close()
    assert main(["status", "--check", "--exports", str(exports), "--warehouse", str(checked_warehouse)]) == 0
    capsys.readouterr()
    contract_path = exports / "_contract.json"
    contract = json.loads(contract_path.read_text(encoding="utf-8"))
    contract["tables"]["papers"]["rows"] = 28340  # the contract promises more than the files hold
    contract_path.write_text(json.dumps(contract), encoding="utf-8")
    (exports / ".staging-1234").mkdir()  # an exporter killed mid-way
    code = main(["status", "--check", "--json", "--exports", str(exports), "--warehouse", str(checked_warehouse)])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)}
    assert code == 1 and not checks["export_rows:papers"]["ok"] and checks["export_leftovers"]["value"] == 1
