"""(Re)build staging, core tables and analyst views from the raw layer.

Models live in ``warehouse/models/NNN_name.sql`` (one grain each, stated in its header) or
``NNN_name.py`` (a ``run(con, report)`` function, for steps that need Python such as fuzzy matching) and
run in file-name order. Each area adds its own model files, so the build grows without a central list.
The build is a pure function of the raw tables (and the registry and corrections it reads), so it can be
repeated at any time with the same result.
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass, field
from importlib import resources

import duckdb

from warehouse.validate import quarantine_committed

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class BuildReport:
    unmatched_feed: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    match_methods: dict[str, int] = field(default_factory=dict)
    seconds_by_model: dict[str, float] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)
    quarantined: int = 0  # committed raw rows newly set aside by this build
    warnings: list[str] = field(default_factory=list)  # what an operator must see (e.g. papers dropped)


def model_names() -> list[str]:
    folder = resources.files("warehouse") / "models"
    return sorted(
        entry.name for entry in folder.iterdir() if entry.name[:3].isdigit() and entry.name.endswith((".sql", ".py"))
    )


def run_model(con: duckdb.DuckDBPyConnection, name: str, report: BuildReport) -> None:
    started = time.perf_counter()
    if name.endswith(".sql"):
        con.execute((resources.files("warehouse") / "models" / name).read_text(encoding="utf-8"))
    else:
        module = importlib.import_module(f"warehouse.models.{name.removesuffix('.py')}")
        module.run(con, report)
    report.seconds_by_model[name] = time.perf_counter() - started


def build(con: duckdb.DuckDBPyConnection) -> BuildReport:
    report = BuildReport()
    # Committed rows that fail their source's schema are set aside first, so no model ever reads one.
    report.quarantined = quarantine_committed(con)
    if report.quarantined:
        logger.warning("build: %d committed raw row(s) fail their schema; quarantined (raw_quarantine) and "
                       "skipped", report.quarantined)
    for name in model_names():
        logger.debug("building %s", name)
        run_model(con, name, report)
    return report
