"""(Re)build staging, core tables and analyst views from the raw layer.

Models live in ``warehouse/models/{staging,core,marts}/`` as ``<stem>.sql`` (plain SQL) or ``<stem>.py`` (a
``run(con, ctx, report)`` function, for steps that need Python such as fuzzy matching), each beside a
``<stem>.yml`` naming its objects, their documentation, grain and the models it depends on
(``warehouse.model_files``). They run in dependency order; after each one its comments are applied and its
checks run (``warehouse.model_checks``). Everything a build reads besides the raw tables comes from one
``BuildContext``, and each build is recorded in ``build_runs``, so the same raw layer and inputs give the
same result and a figure traces back to what made it.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from warehouse.build_runs import RunRecord, record_run
from warehouse.context import BuildContext
from warehouse.model_checks import CheckTally, apply_comments, run_checks
from warehouse.model_files import MODELS_DIR, Model, discover
from warehouse.sql import table_exists
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
    checks: CheckTally = field(default_factory=CheckTally)  # model checks run and passed


def execute_model(con: duckdb.DuckDBPyConnection, model: Model, ctx: BuildContext, report: BuildReport) -> None:
    """Run one model, then document its objects from the yml and run its checks."""
    if model.is_python:
        importlib.import_module(model.module).run(con, ctx, report)
    else:
        con.execute(model.code.read_text(encoding="utf-8"))
    apply_comments(con, model)
    run_checks(con, model, report.checks)


def run_model(con: duckdb.DuckDBPyConnection, name: str, report: BuildReport,
              ctx: BuildContext | None = None) -> None:
    """Run one model by stem (its comments and checks included), timed into ``report.seconds_by_model``."""
    started = time.perf_counter()
    by_stem = {model.stem: model for model in discover()}
    if name not in by_stem:
        raise KeyError(f"no model {name!r} under {MODELS_DIR}")
    execute_model(con, by_stem[name], ctx or BuildContext.from_environment(), report)
    report.seconds_by_model[name] = time.perf_counter() - started


def papers_per_year(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], int]:
    """Papers per conference-year in core_papers ({} before the first build)."""
    if not table_exists(con, "core_papers", views=False):
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


def build(con: duckdb.DuckDBPyConnection, ctx: BuildContext | None = None) -> BuildReport:
    """Run every model in dependency order; record the build in ``build_runs`` and ``build_log``."""
    ctx = ctx or BuildContext.from_environment()
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    report = BuildReport()
    before = papers_per_year(con)
    # Committed rows that fail their source's schema are set aside first, so no model ever reads one.
    report.quarantined = quarantine_committed(con)
    if report.quarantined:
        logger.warning("build: %d committed raw row(s) fail their schema; quarantined (raw_quarantine) and "
                       "skipped", report.quarantined)
    models = discover()
    for model in models:
        logger.debug("building %s", model.stem)
        model_started = time.perf_counter()
        execute_model(con, model, ctx, report)
        report.seconds_by_model[model.stem] = time.perf_counter() - model_started
    after = papers_per_year(con)
    report.warnings += paper_drops(before, after)
    for warning in report.warnings:
        logger.warning("build: %s", warning)
    seconds = time.perf_counter() - started
    con.execute(
        "INSERT INTO build_log VALUES (now(), ?, (SELECT max(version) FROM schema_version), ?, ?, ?)",
        [seconds, sum(after.values()), report.quarantined, json.dumps(report.warnings)],
    )
    record_run(con, RunRecord(started_at, seconds, ctx.input_hashes(), dict(report.seconds_by_model),
                              [obj.name for model in models for obj in model.objects if obj.kind != "macro"],
                              dict(report.checks.rows),
                              report.checks.run, report.checks.passed, list(report.warnings)))
    return report
