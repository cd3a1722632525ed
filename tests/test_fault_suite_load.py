"""Fault suite, load side: hostile landing lines, manifests and committed poison rows.

Every case checks the three things the operator table in docs/operations.md promises: the bad input is
named (file, line, reason) in raw_quarantine / raw_load_errors, no good row is lost, and later files and
builds still run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from warehouse.build import build
from warehouse.load import load_landing
from warehouse.pipeline import open_for_write


def _record(key: str, year: object = 2022, position: object = 1, **envelope: object) -> dict:
    data = {"conference": "neurips", "year": year, "paper_id": key, "title": f"Fictional paper {key}",
            "track": "main", "tier": None, "decision": None, "links": {},
            "authors": [{"position": position, "name": "Ada Example", "institution": "Example University",
                         "source_id": None, "email_domain": None}]}
    line = {"crawl_id": "20260101T000000Z-openreview-aaaa", "source": "openreview", "record_type": "paper",
            "record_key": f"neurips/2022/{key}", "source_url": "http://127.0.0.1:1/x",
            "fetched_at": "2026-01-01T00:00:00+00:00", "body_sha256": "0" * 64, "data": data}
    line.update(envelope)
    return line


def _write(folder: Path, name: str, lines: list[object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


BAD_LINES = {
    "bad fetched_at": (_record("bad", fetched_at="yesterday"), "fetched_at"),
    "non-string record_key": (_record("bad", record_key=12345), "record_key"),
    "null crawl_id": (_record("bad", crawl_id=None), "crawl_id"),
    "JSON scalar line": (42, "not an object"),
    "year twenty-two": (_record("bad", year="twenty-two"), "data.year"),
    "author position first": (_record("bad", position="first"), "position"),
    "unknown source in a line": (_record("bad", source="openreviewX"), "unknown source"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_line_is_quarantined_with_file_and_line_and_nothing_else_is_lost(tmp_path, case):
    bad, reason_word = BAD_LINES[case]
    landing = tmp_path / "landing" / "openreview"
    first = _write(landing, "20260101T000000Z-openreview-aaaa", [_record("p1"), bad, _record("p2")])
    later = _write(landing, "20260102T000000Z-openreview-bbbb",
                   [_record("p3", crawl_id="20260102T000000Z-openreview-bbbb")])
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        report = load_landing(con, [tmp_path / "landing"])
        assert not report.clean and report.quarantined == 1
        assert con.execute("SELECT count(*) FROM raw_records").fetchall()[0][0] == 3  # p1, p2 and the later file
        rows = con.execute("SELECT file_name, line_no, reason FROM raw_quarantine").fetchall()
        assert rows[0][:2] == (first.name, 2) and reason_word in rows[0][2], rows
        build(con)
        assert con.execute("SELECT count(*) FROM core_papers").fetchall()[0][0] == 3
        assert load_landing(con, [later.parent]).files[0].skipped  # a rerun is clean and adds nothing
    finally:
        con.close()


def _write_rejects(path: Path, status: object) -> None:
    reject = {"crawl_id": "20260101T000000Z-openreview-aaaa", "source": "openreview", "url": "http://127.0.0.1/r",
              "status": status, "reason": "HTTP 500", "seen_at": "2026-01-01T00:00:01+00:00"}
    good = {**reject, "url": "http://127.0.0.1/ok", "status": 404}
    path.with_name(path.name.replace(".jsonl", ".rejects.jsonl")).write_text(
        json.dumps(reject) + "\n" + json.dumps(good) + "\n", encoding="utf-8")


def test_non_integer_reject_status_is_quarantined_and_the_crawl_loads(tmp_path):
    path = _write(tmp_path / "openreview", "20260101T000000Z-openreview-aaaa", [_record("p1")])
    _write_rejects(path, "five hundred")
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        report = load_landing(con, [path])
        assert report.quarantined == 1 and report.files[0].added == 1 and report.files[0].rejects == 1
        assert con.execute("SELECT file_name, line_no FROM raw_quarantine").fetchall() == [
            ("20260101T000000Z-openreview-aaaa.rejects.jsonl", 1)]
    finally:
        con.close()


def _manifest(path: Path, text: str) -> None:
    path.with_name(path.name.replace(".jsonl", ".manifest.json")).write_text(text, encoding="utf-8")


def test_manifest_claiming_more_records_than_the_file_is_loud_and_the_records_still_load(tmp_path):
    path = _write(tmp_path / "openreview", "20260101T000000Z-openreview-aaaa", [_record("p1"), _record("p2")])
    _manifest(path, json.dumps({"crawl_id": path.stem, "source": "openreview", "finish_reason": "finished",
                                "stats": {"landing/papers": 2834}}))
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        report = load_landing(con, [path])
        assert not report.clean and "claims 2834 records" in report.problems[0]
        assert report.added == 2
        assert con.execute("SELECT line_no FROM raw_load_errors").fetchall() == [(0,)]
    finally:
        con.close()


def test_manifest_hash_mismatch_and_invalid_manifest_are_reported(tmp_path):
    path = _write(tmp_path / "openreview", "20260101T000000Z-openreview-aaaa", [_record("p1")])
    _manifest(path, json.dumps({"crawl_id": path.stem, "source": "openreview", "records_lines": 1,
                                "records_sha256": "f" * 64, "stats": {}}))
    other = _write(tmp_path / "openreview", "20260102T000000Z-openreview-bbbb",
                   [_record("p2", crawl_id="20260102T000000Z-openreview-bbbb")])
    _manifest(other, "{not json")
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        report = load_landing(con, [tmp_path / "openreview"])
        assert "changed after its crawl closed" in report.files[0].problems[0]
        assert "not JSON" in report.files[1].problems[0]
        assert report.added == 2
    finally:
        con.close()


def test_file_of_an_unknown_source_is_refused_by_name_and_the_next_file_loads(tmp_path):
    bad = _write(tmp_path / "openreviewX", "20260101T000000Z-openreviewX-aaaa", [])
    _manifest(bad, json.dumps({"crawl_id": bad.stem, "source": "openreviewX", "stats": {}}))
    good = _write(tmp_path / "openreview", "20260102T000000Z-openreview-bbbb",
                  [_record("p2", crawl_id="20260102T000000Z-openreview-bbbb")])
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        report = load_landing(con, [bad, good])
        assert report.refused and "unknown source 'openreviewX'" in report.refused[0]
        assert report.added == 1
    finally:
        con.close()


def test_committed_poison_row_is_quarantined_by_the_build_which_falls_back_to_the_good_version(tmp_path):
    path = _write(tmp_path / "openreview", "20260101T000000Z-openreview-aaaa", [_record("p1"), _record("p2")])
    con = open_for_write(tmp_path / "w.duckdb")
    try:
        load_landing(con, [path])
        # a row that entered before the gate existed: same record, a newer crawl, a poison year
        poison = _record("p1", year="twenty-two", crawl_id="20260105T000000Z-openreview-cccc")
        con.execute(
            """INSERT INTO raw_records (crawl_id, source, record_type, record_key, content_sha256, source_url,
                   fetched_at, body_sha256, data, loaded_at)
               VALUES (?, 'openreview', 'paper', 'neurips/2022/p1', 'poison', 'x', now(), 'x', ?, now())""",
            [poison["crawl_id"], json.dumps(poison["data"])])
        con.execute("INSERT INTO raw_record_sightings VALUES (?, 'openreview', 'neurips/2022/p1', 'poison')",
                    [poison["crawl_id"]])
        report = build(con)
        assert report.quarantined == 1
        assert con.execute("SELECT count(*) FROM core_papers WHERE year = 2022").fetchall()[0][0] == 2
        assert build(con).quarantined == 0  # already set aside; the next build neither fails nor repeats it
        assert "data.year" in con.execute("SELECT reason FROM raw_quarantine").fetchall()[0][0]
    finally:
        con.close()
