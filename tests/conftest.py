"""Shared fixtures: one mirror server per test session (loopback), and one harvest of it.

``harvest`` crawls NeurIPS 2019, 2020 and 2022 from the mirror once per session (about 40 s) and builds a
warehouse from the landing files. Tests open it read-only; a test that writes copies it first
(``warehouse_copy``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from mirror.server import MirrorServer
from talent.crawl import CrawlRun, mirror_settings, run_crawl
from warehouse.pipeline import load_and_build

HARVEST_PLAN = (
    (2019, "neurips_proceedings"),
    (2019, "neurips_virtual"),
    (2020, "neurips_proceedings"),
    (2020, "neurips_virtual"),
    (2022, "openreview"),
    (2022, "neurips_virtual"),
)


@dataclass
class Harvest:
    runs: list[CrawlRun]
    root: Path
    landing: Path
    warehouse: Path


@pytest.fixture(scope="session")
def mirror_server():
    with MirrorServer() as server:
        yield server


@pytest.fixture
def mirror(mirror_server):
    """The session mirror with no faults or overrides left over from another test."""
    mirror_server.clear_faults()
    mirror_server.clear_overrides()
    yield mirror_server
    mirror_server.clear_faults()
    mirror_server.clear_overrides()


@pytest.fixture(scope="session")
def harvest(tmp_path_factory, mirror_server) -> Harvest:
    mirror_server.clear_faults()
    mirror_server.clear_overrides()
    root = tmp_path_factory.mktemp("harvest")
    landing = root / "landing"
    settings = mirror_settings(mirror_server.base_url)
    runs = [run_crawl(spider, {"year": str(year)}, landing, settings=settings) for year, spider in HARVEST_PLAN]
    warehouse = root / "talent.duckdb"
    load_and_build(warehouse, [landing])
    return Harvest(runs, root, landing, warehouse)


@pytest.fixture
def warehouse_copy(harvest, tmp_path) -> Path:
    """A private copy of the harvested warehouse, for tests that load or rebuild."""
    target = tmp_path / "talent.duckdb"
    shutil.copy(harvest.warehouse, target)
    return target
