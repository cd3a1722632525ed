"""The raw loader on hand-made landing files: versions, sightings, rejects, bad lines, re-loads."""

from __future__ import annotations

import json

from warehouse.load import load_landing
from warehouse.pipeline import open_for_write


def _line(key, title, fetched_at, crawl_id="C1"):
    data = {"conference": "neurips", "year": 2022, "paper_id": key, "title": title, "track": "main", "tier": None,
            "decision": None, "authors": [], "links": {}}
    return json.dumps({"crawl_id": crawl_id, "source": "openreview", "record_type": "paper",
                       "record_key": f"neurips/2022/{key}", "source_url": "http://127.0.0.1/x",
                       "fetched_at": fetched_at, "body_sha256": "0" * 64, "data": data}) + "\n"


def _sighted_titles(con):
    return dict(con.execute(
        """SELECT s.record_key, r.data ->> 'title' FROM raw_record_sightings s
           JOIN raw_records r USING (source, record_key, content_sha256) ORDER BY 1"""
    ).fetchall())


def test_resumed_file_re_fetch_replaces_the_sighting_and_adds_a_version(tmp_path):
    folder = tmp_path / "openreview"
    folder.mkdir()
    path = folder / "C1.jsonl"
    path.write_text(_line("k1", "A", "2026-01-01T00:00:00+00:00"), encoding="utf-8")
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        load_landing(con, [path])
        with path.open("a", encoding="utf-8") as handle:  # the resumed crawl re-fetched k1, changed
            handle.write(_line("k1", "A-v2", "2026-01-02T00:00:00+00:00"))
            handle.write(_line("k2", "B", "2026-01-02T00:00:01+00:00"))
        report = load_landing(con, [path])
        assert report.added == 2
        assert _sighted_titles(con) == {"neurips/2022/k1": "A-v2", "neurips/2022/k2": "B"}
        assert con.execute("SELECT count(*) FROM raw_records").fetchall()[0][0] == 3  # every version kept
        assert load_landing(con, [path]).files[0].skipped  # same bytes: nothing to do
    finally:
        con.close()


def test_bad_lines_are_recorded_once_per_file_and_rejects_added_later_still_load(tmp_path):
    folder = tmp_path / "openreview"
    folder.mkdir()
    path = folder / "C1.jsonl"
    path.write_text(_line("k1", "A", "2026-01-01T00:00:00+00:00") + "{broken\n", encoding="utf-8")
    rejects = folder / "C1.rejects.jsonl"
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        load_landing(con, [path])
        reject = {"crawl_id": "C1", "source": "openreview", "url": "http://127.0.0.1/bad", "status": 200,
                  "reason": "not JSON", "seen_at": "2026-01-01T00:00:02+00:00"}
        rejects.write_text(json.dumps(reject) + "\n", encoding="utf-8")
        report = load_landing(con, [path])
        assert not report.files[0].skipped and report.files[0].rejects == 1
        assert con.execute("SELECT count(*) FROM raw_load_errors").fetchall()[0][0] == 1
        assert con.execute("SELECT url FROM raw_rejects").fetchall() == [("http://127.0.0.1/bad",)]
    finally:
        con.close()
