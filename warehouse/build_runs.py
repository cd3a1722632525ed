"""One ``build_runs`` row per finished build: what it read, which code built it, how long, how many rows.

A figure in a report is only as traceable as the build that made it: the people model, registry inputs and
corrections file are hashed (``BuildContext.input_hashes``), the code and package versions named, and the
row count of every object the models declare stored beside the seconds each model took.
"""

from __future__ import annotations

import json
import platform
import secrets
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import duckdb

from etl.paths import REPO_ROOT
from warehouse.sql import identifier, table_exists

PACKAGES = ("duckdb", "pyarrow", "pyyaml")


@dataclass(slots=True)
class RunRecord:
    started_at: datetime
    seconds: float
    input_hashes: dict[str, Any]
    seconds_by_model: dict[str, float]
    objects: list[str]  # tables and views the models declare
    known_rows: dict[str, int]  # rows the model checks already counted (the rest are counted here)
    checks_run: int
    checks_passed: int
    warnings: list[str]


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def code_version() -> str:
    """``talent-tracker <version> <git commit>`` (``?`` for what cannot be found, e.g. no git checkout)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"talent-tracker {_version('talent-tracker') or '?'} {commit or '?'}"


def package_versions() -> dict[str, str | None]:
    return {"python": platform.python_version(), **{package: _version(package) for package in PACKAGES}}


def row_counts(con: duckdb.DuckDBPyConnection, names: list[str], known: dict[str, int]) -> dict[str, int]:
    """Rows per object: the checks' counts where they ran (no view is evaluated twice), else count(*)."""
    return {name: known[name] if name in known else
            con.execute(f"SELECT count(*) FROM {identifier(name)}").fetchall()[0][0]  # noqa: S608
            for name in names if name in known or table_exists(con, name)}


def new_run_id(started_at: datetime) -> str:
    return f"{started_at.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def record_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> str:
    """Insert the build's row; returns its run id."""
    run_id = new_run_id(run.started_at)
    con.execute(
        "INSERT INTO build_runs VALUES (?, ?, ?, ?, (SELECT max(version) FROM schema_version), ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, run.started_at, datetime.now(UTC), run.seconds, code_version(), json.dumps(package_versions()),
         json.dumps(run.input_hashes, sort_keys=True),
         json.dumps({stem: round(seconds, 3) for stem, seconds in run.seconds_by_model.items()}),
         json.dumps(row_counts(con, run.objects, run.known_rows)), run.checks_run, run.checks_passed,
         json.dumps(run.warnings)],
    )
    return run_id
