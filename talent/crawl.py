"""Running spiders as child processes (``python -m scrapy crawl``), as a data engineer or cron would.

A child process per crawl keeps Twisted's one-reactor-per-process rule out of our way and means the
demo exercises exactly the command line that production schedules use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrapers.crawl_outcome import crawl_problems
from scrapers.pipelines import new_crawl_id
from scrapers.resume import saved_crawl_id

# Politeness on the loopback mirror: still at most 2 requests at a time per host, but no artificial delay.
MIRROR_SETTINGS: dict[str, object] = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "BACKOFF_BASE_SECONDS": 0.2,
    "AUTOTHROTTLE_ENABLED": False,  # loopback: no remote server to protect; live crawls keep it on
    "LOG_LEVEL": "WARNING",
}

BASE_URL_SETTINGS = (
    "VIRTUAL_BASE_URL",
    "PROCEEDINGS_BASE_URL",
    "OPENREVIEW_API_V1_URL",
    "OPENREVIEW_API_V2_URL",
    "ORCID_API_URL",
)


def mirror_settings(base_url: str) -> dict[str, object]:
    """Settings that point every spider at the mirror and relax delays meant for the live sites."""
    return {**MIRROR_SETTINGS, **{name: base_url for name in BASE_URL_SETTINGS}}


@dataclass(slots=True)
class CrawlRun:
    spider: str
    arguments: dict[str, str]
    crawl_id: str
    landing_file: Path
    returncode: int
    seconds: float
    manifest: dict = field(default_factory=dict)

    @property
    def stats(self) -> dict:
        return self.manifest.get("stats", {})

    @property
    def records(self) -> int:
        if not self.landing_file.is_file():
            return 0
        with self.landing_file.open("rb") as handle:
            return sum(1 for _ in handle)

    @property
    def problems(self) -> list[str]:
        """Why this crawl failed (empty when it did not): the manifest's verdict, or its absence."""
        problems = []
        if self.returncode != 0:
            problems.append(f"scrapy exited with code {self.returncode}")
        if not self.manifest:
            problems.append("no manifest was written (the crawl was killed or could not write its landing folder)")
            if self.records == 0:
                problems.append("landed no records")
            return problems
        if "problems" in self.manifest:
            return problems + list(self.manifest["problems"])
        return problems + crawl_problems(
            self.spider, self.manifest.get("finish_reason"), self.stats, self.records
        )


def crawl_command(spider: str, arguments: dict[str, str], settings: dict[str, object]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", spider]
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def run_crawl(
    spider: str,
    arguments: dict[str, str],
    landing_dir: Path,
    settings: dict[str, object] | None = None,
    jobdir: Path | None = None,
    crawl_id: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    log_file: Path | None = None,
) -> CrawlRun:
    """Run one crawl to completion and return where its records landed and its stats."""
    # A jobdir pins its crawl id (scrapers/resume.py): a rerun continues that crawl and its landing file.
    crawl_id = crawl_id or (saved_crawl_id(jobdir) if jobdir is not None else None) or new_crawl_id(spider)
    all_settings: dict[str, object] = {"LANDING_DIR": str(landing_dir), **(settings or {})}
    if jobdir is not None:
        all_settings["JOBDIR"] = str(jobdir)
    command = crawl_command(spider, {**arguments, "crawl_id": crawl_id}, all_settings)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    landing_file = landing_dir / spider / f"{crawl_id}.jsonl"
    started = time.perf_counter()
    log_handle = log_file.open("ab") if log_file else subprocess.DEVNULL
    try:
        process = subprocess.Popen(command, env=env, stdout=log_handle, stderr=log_handle)
        while process.poll() is None:
            time.sleep(0.2)
            if on_progress and landing_file.exists():
                with landing_file.open("rb") as handle:
                    on_progress(sum(1 for _ in handle))
    finally:
        if log_file:
            log_handle.close()  # type: ignore[union-attr]
    manifest_path = landing_dir / spider / f"{crawl_id}.manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    except ValueError:
        manifest = {}
    return CrawlRun(
        spider, arguments, crawl_id, landing_file, process.returncode, time.perf_counter() - started, manifest
    )
