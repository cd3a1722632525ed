"""Kill and resume: a crawl killed at any point (SIGINT or SIGKILL) and rerun with the same JOBDIR ends
with exactly the records of an uninterrupted crawl, each once, and loads into the same rows.

The spider runs as the real command line (``python -m scrapy crawl``); the mirror's "slow" fault keeps
each response a little late so the kills land mid-crawl. The reference is the session harvest's
uninterrupted crawl of the same spider and year.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from mirror.faults import FaultRule
from scrapers.resume import saved_crawl_id
from talent.crawl import crawl_command, mirror_settings, run_crawl
from warehouse.db import connect
from warehouse.pipeline import load_and_build


def _lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _start_and_kill(command: list[str], landing_file: Path, jobdir: Path, at_records: int, sig: int) -> int:
    """Run the crawl until ``at_records`` records landed (0: as soon as it owns the JOBDIR), then kill it."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if (jobdir / "crawl.json").exists() and _lines(landing_file) >= at_records:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the crawl finished before the kill: slow the mirror down more"
        process.send_signal(sig)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return _lines(landing_file)


def _keys(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["record_key"] for line in handle]


def _versions(warehouse: Path, source: str, year: int) -> set[tuple[str, str]]:
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            "SELECT record_key, content_sha256 FROM raw_records WHERE source = ? AND record_key LIKE ?",
            [source, f"neurips/{year}/%"],
        ).fetchall()
    finally:
        con.close()
    return set(rows)


def _reference(harvest, spider: str, year: int):
    return next(run for run in harvest.runs if run.spider == spider and run.arguments["year"] == str(year))


@pytest.mark.parametrize(
    "spider, year, slow_path, delay, kills",
    [
        # one request per paper: kills before anything landed, then at ~10%, ~35%, ~65% and ~90%
        ("neurips_proceedings", 2019, r"-Metadata\.json", 0.01,
         [(0.0, signal.SIGKILL), (0.10, signal.SIGINT), (0.35, signal.SIGKILL), (0.65, signal.SIGINT),
          (0.90, signal.SIGKILL)]),
        # paged API, hard kills between pages of 1000 notes (a SIGINT here lets the in-flight pages finish,
        # which may complete the crawl)
        ("openreview", 2022, r"^/notes", 0.6, [(0.05, signal.SIGKILL), (0.45, signal.SIGKILL)]),
    ],
)
def test_killed_crawl_resumes_with_nothing_lost_and_nothing_twice(
    harvest, mirror, tmp_path, spider, year, slow_path, delay, kills
):
    reference = _reference(harvest, spider, year)
    expected = _keys(reference.landing_file)
    mirror.set_faults([FaultRule(path=slow_path, kind="slow", times=None, delay=delay)])
    landing, jobdir = tmp_path / "landing", tmp_path / "job"
    crawl_id = f"20260101T000000Z-{spider}-resumed"
    landing_file = landing / spider / f"{crawl_id}.jsonl"
    settings = {**mirror_settings(mirror.base_url), "LANDING_DIR": str(landing), "JOBDIR": str(jobdir)}
    landed_at_kill = []
    for run, (fraction, sig) in enumerate(kills):
        # The second rerun is given another crawl id, as `talent crawl --jobdir` does: the JOBDIR's wins.
        given = crawl_id if run != 2 else f"20260101T000500Z-{spider}-other"
        command = crawl_command(spider, {"year": str(year), "crawl_id": given}, settings)
        landed_at_kill.append(_start_and_kill(command, landing_file, jobdir, int(fraction * len(expected)), sig))
    assert saved_crawl_id(jobdir) == crawl_id
    assert landed_at_kill[-1] < len(expected), landed_at_kill
    mirror.clear_faults()
    final = run_crawl(spider, {"year": str(year)}, landing, settings=mirror_settings(mirror.base_url),
                      jobdir=jobdir, crawl_id=crawl_id)
    assert final.returncode == 0 and final.manifest["finish_reason"] == "finished"
    record_files = [p for p in landing.joinpath(spider).glob("*.jsonl") if not p.name.endswith(".rejects.jsonl")]
    assert record_files == [landing_file]  # one crawl, one file
    keys = _keys(landing_file)
    assert len(keys) == len(set(keys)), "a record landed twice"
    assert sorted(keys) == sorted(expected)
    warehouse = tmp_path / "talent.duckdb"
    load_and_build(warehouse, [landing])
    assert _versions(warehouse, spider, year) == _versions(harvest.warehouse, spider, year)
