"""(Re)build staging, core tables and analyst views from the raw layer.

Models live in ``warehouse/models/NNN_name.sql`` (one grain each, stated in its header) or
``NNN_name.py`` (a ``run(con, report)`` function, for steps that need Python such as fuzzy matching) and
run in file-name order. Each area adds its own model files, so the build grows without a central list.
The build is a pure function of the raw tables (and the registry and corrections it reads), so it can be
repeated at any time with the same result.
"""

from __future__ import annotations

import importlib
import json
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


def papers_per_year(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], int]:
    """Papers per conference-year in core_papers ({} before the first build)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'core_papers' AND schema_name = 'main'"
    ).fetchone()[0]
    if not exists:
        return {}
    rows = con.execute("SELECT conference, year, count(*) FROM core_papers GROUP BY ALL").fetchall()
    return {(conference, year): n for conference, year, n in rows}


def paper_drops(before: dict[tuple[str, int], int], after: dict[tuple[str, int], int]) -> list[str]:
    """A conference-year with fewer papers than at the previous build: never silent (a truncated crawl
    winning the primary source, a record vanishing upstream, a quarantined version)."""
    warnings = []
    for (conference, year), previous in sorted(before.items()):
        now = after.get((conference, year), 0)
        if now < previous:
            warnings.append(f"{conference} {year}: {now:,} papers, {previous:,} at the previous build "
                            f"({now - previous:,})")
    return warnings


def build(con: duckdb.DuckDBPyConnection) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    before = papers_per_year(con)
    # Committed rows that fail their source's schema are set aside first, so no model ever reads one.
    report.quarantined = quarantine_committed(con)
    if report.quarantined:
        logger.warning("build: %d committed raw row(s) fail their schema; quarantined (raw_quarantine) and "
                       "skipped", report.quarantined)
    for name in model_names():
        logger.debug("building %s", name)
        run_model(con, name, report)
    after = papers_per_year(con)
    report.warnings += paper_drops(before, after)
    for warning in report.warnings:
        logger.warning("build: %s", warning)
    con.execute(
        "INSERT INTO build_log VALUES (now(), ?, (SELECT max(version) FROM schema_version), ?, ?, ?)",
        [time.perf_counter() - started, sum(after.values()), report.quarantined, json.dumps(report.warnings)],
    )
    return report
