"""Operator CLI: options after the command, no silent empty warehouses, clear errors instead of
tracebacks, the demo's landing folder found, diffs within one conference-year, stable demo re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talent.cli import main
from tests.test_fault_suite_load import _record, _write
from warehouse.load import load_landing
from warehouse.pipeline import open_for_write


@pytest.fixture
def small(tmp_path) -> Path:
    landing = tmp_path / "landing"
    _write(landing / "openreview", "20260101T000000Z-openreview-aaaa", [_record(f"p{i}") for i in range(3)])
    warehouse = tmp_path / "w.duckdb"
    assert main(["--warehouse", str(warehouse), "load", str(landing)]) == 0
    return warehouse


def test_warehouse_option_is_accepted_after_the_command(small, capsys):
    assert main(["status", "--warehouse", str(small), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["row_counts"]["core_papers"] == 3


@pytest.mark.parametrize("command", [["status"], ["export", "--out", "OUT"], ["report", "--out", "OUT/r.html"],
                                     ["diff"]])
def test_a_mistyped_warehouse_is_a_clear_error_and_creates_nothing(tmp_path, capsys, command):
    missing = tmp_path / "typo" / "talnet.duckdb"
    argv = [part.replace("OUT", str(tmp_path / "out")) for part in command]
    assert main([*argv, "--warehouse", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"no warehouse at {missing}" in err and "Traceback" not in err
    assert not missing.exists() and not missing.parent.exists()


def test_a_missing_landing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["load", str(tmp_path / "nowhere"), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "no landing file or folder at" in capsys.readouterr().out
    assert not (tmp_path / "w.duckdb").exists()


def test_plain_load_after_the_demo_finds_the_demo_landing_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "data/demo/landing/openreview", "20260101T000000Z-openreview-aaaa", [_record("p1")])
    assert main(["load", "--warehouse", "w.duckdb"]) == 0
    out = capsys.readouterr().out
    assert "data/demo/landing" in out and "1 new record versions" in out


def test_diff_refuses_two_conference_years_unless_asked(tmp_path, capsys):
    landing = tmp_path / "landing" / "openreview"
    for crawl_id, year in (("20260101T000000Z-openreview-a", 2020), ("20260102T000000Z-openreview-b", 2022)):
        _write(landing, crawl_id, [_record("p1", year=year, crawl_id=crawl_id, record_key=f"neurips/{year}/p1")])
    warehouse = tmp_path / "w.duckdb"
    assert main(["load", str(landing), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    a, b = "20260101T000000Z-openreview-a", "20260102T000000Z-openreview-b"
    assert main(["diff", a, b, "--warehouse", str(warehouse)]) == 2
    assert "different conference-years" in capsys.readouterr().out
    assert main(["diff", a, b, "--across-years", "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    assert main(["diff", "--warehouse", str(warehouse)]) == 0  # latest pairs: none within one year
    assert capsys.readouterr().out == ""


def test_a_rerun_through_a_mirror_on_another_port_adds_no_record_versions(tmp_path):
    def crawl(crawl_id: str, port: int) -> Path:
        record = _record("p1", crawl_id=crawl_id)
        record["data"]["links"] = {"pdf": f"http://127.0.0.1:{port}/paper/p1.pdf"}
        return _write(tmp_path / "openreview", crawl_id, [record])

    con = open_for_write(tmp_path / "w.duckdb")
    try:
        load_landing(con, [crawl("20260101T000000Z-openreview-a", 41001)])
        report = load_landing(con, [crawl("20260102T000000Z-openreview-b", 52002)])
        assert report.added == 0
        assert con.execute("SELECT count(*) FROM raw_records").fetchone()[0] == 1
    finally:
        con.close()


def test_crawl_of_a_folder_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "landing"
    blocker.write_text("not a folder", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    code = main(["load", str(blocker / "x.jsonl"), "--warehouse", str(warehouse)])
    assert code == 2 and "Traceback" not in capsys.readouterr().err
    assert not warehouse.exists()


def test_a_single_crawl_prints_progress_on_stderr(capsys, monkeypatch):
    from talent.commands import crawl as crawl_command

    clock = iter([0.0, 6.0, 7.0, 12.5])
    monkeypatch.setattr(crawl_command.time, "monotonic", lambda: next(clock))
    progress = crawl_command.ProgressLine("crawl openreview neurips 2022")
    progress(1000)  # 6 s after the start: printed
    progress(1200)  # 1 s later: too soon
    progress(2834)  # 5.5 s later: printed
    assert capsys.readouterr().err.splitlines() == [
        "crawl openreview neurips 2022: 1,000 records landed (6 s)",
        "crawl openreview neurips 2022: 2,834 records landed (12 s)",
    ]


def test_an_operator_can_set_a_committed_raw_row_aside(small, capsys):
    from warehouse.db import connect

    con = connect(small, read_only=True)
    raw_id = con.execute("SELECT raw_id FROM raw_records WHERE record_key = 'neurips/2022/p1'").fetchone()[0]
    con.close()
    assert main(["quarantine", "--raw-id", str(raw_id), "--warehouse", str(small)]) == 2  # a reason is required
    assert main(["quarantine", "--raw-id", "999999", "--reason", "x", "--warehouse", str(small)]) == 2
    assert main(["quarantine", "--raw-id", str(raw_id), "--reason", "wrong paper", "--warehouse", str(small)]) == 1
    out = capsys.readouterr().out
    assert "set aside 1 raw row(s)" in out and "2 papers, 3 at the previous build" in out
    assert main(["quarantine", "--warehouse", str(small)]) == 0
    assert "set aside by an operator: wrong paper" in capsys.readouterr().out


def test_crawl_homepages_is_a_talent_crawl_spider():
    """README: `talent crawl homepages --profiles-landing DIR` — the spider is offered and its inputs mapped."""
    import argparse

    from talent.commands.crawl import spider_arguments

    args = argparse.Namespace(spider="homepages", year=None, conference="neurips", venue=None, ids_file=Path("u.txt"),
                              profiles_landing=Path("landing/openreview_profiles"), base_url=None)
    assert spider_arguments(args) == {"urls_file": "u.txt", "profiles_landing": "landing/openreview_profiles"}
