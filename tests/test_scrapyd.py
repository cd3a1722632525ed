"""Scheduled crawls: the egg holds only ``scrapers/``, and a scrapyd on loopback runs it into landing files.

scrapyd runs as a child process in a temporary folder (its own config, a free loopback port); the test
deploys the egg with addversion.json, schedules the virtual-site spider with schedule.json against the
mirror, polls listjobs.json, then loads the landing files: the 2022 feed gives 2,834 papers.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from talent.crawl import mirror_settings
from talent.scheduling import OTHER_PACKAGES, ScrapydClient, build_egg, deploy_target, foreign_imports
from warehouse.db import connect
from warehouse.pipeline import load_and_build

if os.environ.get("CI", "").lower() == "true":  # CI installs it (test extra): missing is a failure there
    import scrapyd  # noqa: F401
else:
    pytest.importorskip("scrapyd")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def egg(tmp_path_factory) -> Path:
    return build_egg(tmp_path_factory.mktemp("eggs"), version="100")


@pytest.fixture(scope="module")
def scrapyd_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("scrapyd")
    port = _free_port()
    (root / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
        "poll_interval = 0.2\nmax_proc = 2\n",
        encoding="utf-8",
    )
    log = (root / "scrapyd.out").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "daemonstatus.json", timeout=2) as response:  # noqa: S310 - 127.0.0.1 only
                    if json.loads(response.read())["status"] == "ok":
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "scrapyd.out").read_text(errors="replace")) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_scrapy_project_imports_nothing_outside_scrapers():
    assert foreign_imports() == []


def test_egg_holds_only_the_scrapy_project(egg):
    names = zipfile.ZipFile(egg).namelist()
    assert {name.split("/")[0] for name in names} == {"EGG-INFO", "scrapers"}
    entry_points = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
    assert "settings = scrapers.settings" in entry_points


def test_every_spider_imports_from_the_egg_alone(egg):
    """Import every module of the egg with the rest of the repository made unimportable."""
    script = (
        "import sys, pkgutil, importlib\n"
        f"for name in {OTHER_PACKAGES!r}: sys.modules[name] = None\n"
        f"sys.path.insert(0, {str(egg)!r})\n"
        "import scrapers\n"
        f"assert scrapers.__file__.startswith({str(egg)!r}), scrapers.__file__\n"
        "for info in pkgutil.walk_packages(scrapers.__path__, 'scrapers.'):\n"
        "    importlib.import_module(info.name)\n"
        "from scrapy.spiderloader import SpiderLoader\n"
        "from scrapy.settings import Settings\n"
        "print(sorted(SpiderLoader(Settings({'SPIDER_MODULES': ['scrapers.spiders']})).list()))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    assert {"neurips_virtual", "neurips_proceedings", "openreview"} <= set(eval(result.stdout))  # noqa: S307


def test_scrapy_cfg_names_a_deploy_target():
    url, project = deploy_target()
    assert url.startswith("http://") and project == "talent"


def test_scrapyd_schedule_lands_files_that_load(egg, scrapyd_url, mirror, tmp_path):
    client = ScrapydClient(scrapyd_url, project="talent")
    client.add_version(egg, "100")
    assert {"neurips_virtual", "neurips_proceedings", "openreview"} <= set(client.list_spiders())
    landing = tmp_path / "landing"
    settings = {**mirror_settings(mirror.base_url), "LANDING_DIR": str(landing)}
    job = client.schedule("neurips_virtual", {"year": "2022", "crawl_id": "scrapyd-2022"}, settings)
    finished = client.wait(job, timeout=120)
    assert finished["spider"] == "neurips_virtual"
    manifest = json.loads((landing / "neurips_virtual" / "scrapyd-2022.manifest.json").read_text())
    assert manifest["finish_reason"] == "finished"
    warehouse = tmp_path / "talent.duckdb"
    report, _ = load_and_build(warehouse, [landing])
    assert report.lines == 2834
    con = connect(warehouse, read_only=True)
    try:
        papers = con.execute("SELECT count(*) FROM papers WHERE conference = 'neurips' AND year = 2022").fetchone()
    finally:
        con.close()
    assert papers[0] == 2834
