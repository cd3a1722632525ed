"""Crawls against a misbehaving mirror: rate limits, 503 bursts, truncated and malformed bodies.

Each test runs the spider's real command line (a child process) against the session mirror with a
fault plan, and checks that nothing is lost or duplicated and that what could not be read is recorded.
"""

from __future__ import annotations

import json
import time

from mirror.faults import FaultRule
from talent.crawl import mirror_settings, run_crawl


def _keys(path):
    return [json.loads(line)["record_key"] for line in path.open(encoding="utf-8")]


def _rejects(run):
    path = run.landing_file.with_name(run.landing_file.name.replace(".jsonl", ".rejects.jsonl"))
    return [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []


def test_429_with_retry_after_is_honoured_and_nothing_lost(mirror, tmp_path):
    mirror.set_faults([FaultRule(path=r"^/notes\?.*offset=1000", kind="429", times=2, retry_after=1)])
    started = time.monotonic()
    run = run_crawl("openreview", {"year": "2022"}, tmp_path, settings=mirror_settings(mirror.base_url))
    elapsed = time.monotonic() - started
    keys = _keys(run.landing_file)
    assert run.returncode == 0
    assert len(keys) == len(set(keys)) == 2834
    assert run.stats["retry/retry_after_honoured"] == 2
    assert run.stats["downloader/response_status_count/429"] == 2
    assert elapsed >= 2.0  # two waits of Retry-After: 1 s each (the host pauses too)
    assert _rejects(run) == []


def test_503_burst_is_retried_with_backoff(mirror, tmp_path):
    mirror.set_faults([FaultRule(path=r"neurips-2022-orals-posters\.json", kind="503", times=3)])
    run = run_crawl("neurips_virtual", {"year": "2022"}, tmp_path, settings=mirror_settings(mirror.base_url))
    assert run.returncode == 0 and run.records == 2834
    assert run.stats["downloader/response_status_count/503"] == 3
    assert run.stats["retry/count"] == 3


def test_truncated_page_is_rejected_and_the_crawl_goes_on(mirror, tmp_path):
    """A notes page cut short on every try: recorded with URL and reason; the other pages still land."""
    mirror.set_faults([FaultRule(path=r"^/notes\?.*Blind_Submission.*offset=1000", kind="truncate", times=None)])
    settings = {**mirror_settings(mirror.base_url), "RETRY_TIMES": 2}
    run = run_crawl("openreview", {"year": "2022"}, tmp_path, settings=settings)
    assert run.returncode == 0 and run.manifest["finish_reason"] == "finished"
    rejects = _rejects(run)
    assert len(rejects) == 1 and "offset=1000" in rejects[0]["url"]
    assert rejects[0]["reason"]
    assert run.stats["landing/rejects"] == 1
    keys = _keys(run.landing_file)
    assert len(keys) == len(set(keys))
    assert 1500 < len(keys) < 2834  # one page of 1000 notes lost, later pages still harvested


def test_malformed_metadata_is_rejected_and_the_paper_page_fills_in(mirror, tmp_path):
    """Malformed Metadata.json for one paper: reject recorded, the paper still lands (from its page)."""
    target = "0118a063b4aae95277f0bc1752c75abf"
    mirror.set_faults([FaultRule(path=rf"/file/{target}-Metadata\.json", kind="malformed", times=None)])
    run = run_crawl("neurips_proceedings", {"year": "2019"}, tmp_path, settings=mirror_settings(mirror.base_url))
    assert run.returncode == 0
    keys = _keys(run.landing_file)
    assert len(keys) == len(set(keys)) == 1428
    rejects = _rejects(run)
    assert [r["url"].rsplit("/", 1)[1] for r in rejects] == [f"{target}-Metadata.json"]
    assert "JSON" in rejects[0]["reason"]
    record = next(json.loads(line) for line in run.landing_file.open() if target in line)
    assert record["source_url"].endswith("-Abstract.html") and record["data"]["authors"]


def test_crawl_with_rejects_loads_and_a_resumed_file_shows_its_newest_versions(mirror, tmp_path):
    """A landing file with rejects loads (records and rejects); re-loading after the file grows keeps one
    sighting per record pointing at the newest version, and counts nothing twice."""
    from warehouse.db import connect
    from warehouse.pipeline import load_and_build

    mirror.set_faults([FaultRule(path=r"^/notes\?.*Blind_Submission.*offset=1000", kind="truncate", times=None)])
    settings = {**mirror_settings(mirror.base_url), "RETRY_TIMES": 1}
    run = run_crawl("openreview", {"year": "2022"}, tmp_path / "landing", settings=settings)
    warehouse = tmp_path / "w.duckdb"
    load_and_build(warehouse, [run.landing_file])
    # The crawl is resumed (same crawl id) once the page is healthy again: the file grows.
    mirror.clear_faults()
    again = run_crawl("openreview", {"year": "2022"}, tmp_path / "landing", settings=settings, crawl_id=run.crawl_id)
    assert again.landing_file == run.landing_file
    keys = _keys(run.landing_file)
    assert len(keys) == len(set(keys)) == 2834
    report, _ = load_and_build(warehouse, [run.landing_file])
    assert not report.files[0].skipped
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw_rejects").fetchall()[0][0] == 1
        assert con.execute("SELECT count(*) FROM papers WHERE year = 2022").fetchall()[0][0] == 2834
        sightings = con.execute(
            "SELECT count(*), count(DISTINCT record_key) FROM raw_record_sightings WHERE crawl_id = ?", [run.crawl_id]
        ).fetchall()[0]
        assert sightings == (2834, 2834)
    finally:
        con.close()


def test_one_malformed_feed_result_is_rejected_and_the_rest_lands(mirror, tmp_path):
    """A null author in one result (and an address in another's fields) costs that result only."""
    results = [
        {"uid": "u1", "name": "Good paper", "decision": "Accept (oral)", "eventtype": "Oral",
         "authors": [{"id": 1, "fullname": "Ada Lovelace", "institution": "jane.doe@mit.edu"}]},
        {"uid": "u2", "name": "Broken paper", "decision": "Accept (poster)", "eventtype": "Poster",
         "authors": [None], "email": "jane.doe@mit.edu"},
        {"uid": "u3", "name": "Contact bob@cmu.edu", "decision": "Accept (poster)", "eventtype": "Poster",
         "authors": [{"id": 2, "fullname": "Bo Li"}]},
    ]
    mirror.override("/static/virtual/data/neurips-2030-orals-posters.json",
                    json.dumps({"count": 3, "results": results}), "application/json")
    run = run_crawl("neurips_virtual", {"year": "2030"}, tmp_path, settings=mirror_settings(mirror.base_url))
    assert run.returncode == 0
    assert sorted(_keys(run.landing_file)) == ["neurips/2030/u1", "neurips/2030/u3"]
    (reject,) = _rejects(run)
    assert reject["reason"].startswith("result 1:")
    everything = run.landing_file.read_text() + json.dumps(_rejects(run))
    assert "jane.doe@" not in everything and "bob@" not in everything


def test_paper_page_failing_after_metadata_without_institutions_still_lands_the_metadata(mirror, tmp_path):
    """Metadata.json read but without institutions → the page is asked for; if it fails, the metadata
    record lands (names, no affiliations) and the failure is a reject — the paper is never lost."""
    mirror.set_faults([FaultRule(path=r"-Abstract\.html", kind="503", times=None)])
    settings = {**mirror_settings(mirror.base_url), "RETRY_TIMES": 0}
    run = run_crawl("neurips_proceedings", {"year": "2019"}, tmp_path, settings=settings)
    assert run.returncode == 0
    keys = _keys(run.landing_file)
    assert len(keys) == len(set(keys)) == 1428  # every paper, from its metadata when its page failed
    without = run.stats["proceedings/metadata_without_institutions"]
    assert without >= 1 and len(_rejects(run)) == without
