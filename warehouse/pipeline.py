"""What the ``talent`` commands do to a warehouse, as library calls: load and build, rebuild, set rows aside,
write the registry tables, open a review session, run the consistency checks.

Every write goes through ``warehouse.db.write_session`` (a private copy swapped in at the end, queued on
the writer lock), so a command never opens the file for writing in place and readers never see half a
build. A build's inputs arrive as one :class:`~warehouse.context.BuildContext`, made once by the command
(``BuildContext.from_environment``) and handed down to the build; a caller without one gets the same
default the command line would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.build import BuildReport, build
from warehouse.context import BuildContext
from warehouse.db import connect, write_session
from warehouse.load import LoadReport, load_landing
from warehouse.migrate import migrate

if TYPE_CHECKING:
    from etl.registry.model import Registry
    from warehouse.checks import Check


def open_for_write(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) a warehouse for writing in place: for tests and tools that manage their own file."""
    con = connect(path, create=True)
    migrate(con)
    return con


def build_context(warehouse: Path, ctx: BuildContext | None = None) -> BuildContext:
    """``ctx``, or the context a command line would make for ``warehouse``."""
    return ctx if ctx is not None else BuildContext.from_environment(warehouse_path=Path(warehouse))


def build_with(con: duckdb.DuckDBPyConnection, ctx: BuildContext) -> BuildReport:
    """Rebuild staging, core tables and views on ``con`` from the inputs in ``ctx``."""
    return build(con, ctx)


def load_and_build(
    warehouse: Path, paths: list[Path], ctx: BuildContext | None = None
) -> tuple[LoadReport, BuildReport]:
    """Load landing files and rebuild, into a copy swapped in only when both succeeded."""
    ctx = build_context(warehouse, ctx)
    with write_session(warehouse, create=True) as con:
        report = load_landing(con, paths)
        return report, build_with(con, ctx)


def rebuild(warehouse: Path, ctx: BuildContext | None = None) -> BuildReport:
    """Rebuild the warehouse from its raw layer (``talent build``)."""
    ctx = build_context(warehouse, ctx)
    with write_session(warehouse, create=True) as con:
        return build_with(con, ctx)


def known_raw_ids(warehouse: Path, raw_ids: list[int]) -> set[int]:
    """Which of ``raw_ids`` name committed ``raw_records`` rows."""
    with closing(connect(warehouse, read_only=True)) as con:
        rows = con.execute("SELECT raw_id FROM raw_records WHERE raw_id IN (SELECT unnest(?))", [raw_ids]).fetchall()
    return {row[0] for row in rows}


def set_aside(warehouse: Path, raw_ids: list[int], reason: str, ctx: BuildContext | None = None) -> BuildReport:
    """Quarantine committed raw rows by id (an operator's decision, with its reason), then rebuild."""
    ctx = build_context(warehouse, ctx)
    with write_session(warehouse) as con:
        con.execute(
            """INSERT INTO raw_quarantine
               SELECT NULL, NULL, raw_id, crawl_id, source, record_key, ?, left(CAST(data AS VARCHAR), 65536), now()
               FROM raw_records WHERE raw_id IN (SELECT unnest(?))
                 AND raw_id NOT IN (SELECT raw_id FROM raw_quarantine WHERE raw_id IS NOT NULL)""",
            [f"set aside by an operator: {reason}", raw_ids])
        return build_with(con, ctx)


def quarantined(warehouse: Path, limit: int) -> tuple[list[tuple[str, str, str]], int]:
    """The latest ``limit`` quarantined lines and rows (where, record key, reason) and how many there are."""
    with closing(connect(warehouse, read_only=True)) as con:
        rows = con.execute(
            """SELECT coalesce(file_name || ':' || line_no, 'raw_id ' || raw_id), coalesce(record_key, ''), reason
               FROM raw_quarantine ORDER BY quarantined_at DESC LIMIT ?""", [limit]).fetchall()
        total = con.execute("SELECT count(*) FROM raw_quarantine").fetchone()[0]
    return rows, total


def check_warehouse(warehouse: Path, exports: Path | None = None) -> list[Check]:
    """The named consistency checks of ``warehouse.status`` (and of an export folder, when given)."""
    from warehouse.status import check_exports, run_checks

    with closing(connect(warehouse, read_only=True)) as con:
        checks = run_checks(con, Path(warehouse))
        if exports:
            checks += check_exports(con, exports)
    return checks


def write_registry(warehouse: Path, registry: Registry) -> dict[str, int]:
    """Write the registry's tables into the warehouse through a write session (creating it if need be)."""
    from warehouse.models.core.institutions import write_registry_tables

    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    with write_session(warehouse, create=True) as con:
        return write_registry_tables(con, registry)


@contextmanager
def review_session(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse with the review tables (migration 032) and views in place, written through
    ``write_session``: a private copy swapped in at the end, so a concurrent load never discards a review
    and a failed import changes nothing."""
    from warehouse.review import create_review_views

    if not Path(path).exists():
        raise SystemExit(f"no warehouse at {path}: run `talent load` (or `talent demo`) first")
    with write_session(path) as con:
        create_review_views(con)  # with the views' interval macros, on an older build too
        yield con
