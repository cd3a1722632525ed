"""Fault suite, build side: an incomplete higher-priority source never replaces a complete one, a drop
against the previous build is loud, and a stray future year never becomes a conference-year."""

from __future__ import annotations

from tests.test_fault_suite_load import _record, _write
from warehouse.build import build
from warehouse.load import load_landing
from warehouse.pipeline import open_for_write


def _papers(con) -> dict:
    return {(c, y): (n, s) for c, y, n, s in con.execute(
        "SELECT conference, year, count(*), any_value(source) FROM core_papers GROUP BY ALL").fetchall()}


def _crawl(folder, source: str, crawl_id: str, keys: list[str], year: int = 2022) -> None:
    lines = [_record(k, year=year, source=source, crawl_id=crawl_id, record_key=f"neurips/{year}/{k}") for k in keys]
    _write(folder / source, crawl_id, lines)


def _load_and_build(con, folder) -> dict:
    """Load every crawl under ``folder``, build, and return the papers per conference-year with their source."""
    load_landing(con, [folder])
    build(con)
    return _papers(con)


def test_truncated_openreview_crawl_does_not_replace_the_complete_feed(tmp_path):
    keys = [f"p{i}" for i in range(100)]
    _crawl(tmp_path, "neurips_virtual", "20260101T000000Z-neurips_virtual-a", keys)
    _crawl(tmp_path, "openreview", "20260101T000001Z-openreview-b", keys[:66])  # 66 of 100, like 1,877/2,834
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        assert _load_and_build(con, tmp_path) == {("neurips", 2022): (100, "neurips_virtual")}
        # once OpenReview is complete it is the primary source again (author ids)
        _crawl(tmp_path, "openreview", "20260102T000000Z-openreview-c", keys)
        assert _load_and_build(con, tmp_path) == {("neurips", 2022): (100, "openreview")}
    finally:
        con.close()


def test_one_stray_openreview_record_does_not_cut_a_year_to_one_paper(tmp_path):
    keys = [f"p{i}" for i in range(50)]
    _crawl(tmp_path, "neurips_proceedings", "20260101T000000Z-neurips_proceedings-a", keys, year=2019)
    _crawl(tmp_path, "openreview", "20260101T000001Z-openreview-b", keys[:1], year=2019)
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        assert _load_and_build(con, tmp_path) == {("neurips", 2019): (50, "neurips_proceedings")}
    finally:
        con.close()


def test_a_drop_against_the_previous_build_is_a_warning_in_the_report_and_the_log(tmp_path):
    keys = [f"p{i}" for i in range(10)]
    _crawl(tmp_path, "openreview", "20260101T000000Z-openreview-a", keys)
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        load_landing(con, [tmp_path])
        assert build(con).warnings == []
        con.execute("DELETE FROM raw_record_sightings WHERE record_key = 'neurips/2022/p3'")  # a record gone
        report = build(con)
        assert report.warnings == ["neurips 2022: 9 papers, 10 at the previous build (-1)"]
        assert "-1" in con.execute("SELECT warnings FROM build_log ORDER BY finished_at DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_stray_papers_from_a_future_year_are_quarantined(tmp_path):
    _crawl(tmp_path, "openreview", "20260101T000000Z-openreview-a", ["p1", "p2"])
    _crawl(tmp_path, "neurips_virtual", "20260101T000000Z-neurips_virtual-b", ["s1"], year=2030)
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        report = load_landing(con, [tmp_path])
        build(con)
        assert report.quarantined == 1
        assert set(_papers(con)) == {("neurips", 2022)}
    finally:
        con.close()
