"""Warehouse sub-commands: ``talent load`` and ``talent build``.

Both write through ``warehouse.db.write_session``: a private copy is loaded and built, then swapped in,
so readers never see a half-built warehouse and never block a build. Exit codes: 0 clean; 1 the data
loaded and built but something needs an operator (lines quarantined, a file refused, a manifest that
disagrees with its file, papers dropped against the previous build); 2 nothing was done (usage error).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import duckdb

from warehouse.build import BuildReport, build
from warehouse.db import connect, write_session
from warehouse.load import LoadReport, load_landing
from warehouse.migrate import migrate

logger = logging.getLogger(__name__)

DEFAULT_LANDING = Path("data/landing")
DEMO_LANDING = Path("data/demo/landing")  # where `make demo` / `talent demo` lands its crawls


def open_for_write(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) a warehouse for writing in place: for tests and tools that manage their own file."""
    con = connect(path, create=True)
    migrate(con)
    return con


def load_and_build(warehouse: Path, paths: list[Path]) -> tuple[LoadReport, BuildReport]:
    """Load landing files and rebuild, into a copy swapped in only when both succeeded."""
    with write_session(warehouse, create=True) as con:
        report = load_landing(con, paths)
        return report, build(con)


def default_landing_paths() -> list[Path]:
    """``data/landing``, or after `make demo` (which lands in data/demo/landing) that folder."""
    if not DEFAULT_LANDING.exists() and DEMO_LANDING.is_dir():
        print(f"no {DEFAULT_LANDING}/: loading the demo's landing files from {DEMO_LANDING}/")
        return [DEMO_LANDING]
    return [DEFAULT_LANDING]


def print_build_warnings(build_report: BuildReport) -> None:
    for warning in build_report.warnings:
        print(f"  WARNING: {warning}")
    if build_report.quarantined:
        print(f"  WARNING: {build_report.quarantined} committed raw row(s) fail their schema: quarantined and "
              "skipped (see raw_quarantine)")


def _load(args: argparse.Namespace) -> int:
    paths = args.paths or default_landing_paths()
    missing = [path for path in paths if not path.exists()]
    if missing:
        print(f"talent load: no landing file or folder at {', '.join(map(str, missing))} "
              f"(crawls land in {DEFAULT_LANDING}/, the demo in {DEMO_LANDING}/)")
        return 2
    load_report, build_report = load_and_build(args.warehouse, paths)
    loaded = [f for f in load_report.files if not f.skipped]
    print(
        f"loaded {len(loaded)} landing files ({len(load_report.files) - len(loaded)} already loaded): "
        f"{load_report.lines} records read, {load_report.added} new record versions, "
        f"{sum(f.bad_lines for f in loaded)} bad lines ({load_report.quarantined} quarantined), "
        f"{sum(f.rejects for f in loaded)} rejects"
    )
    for file_report in loaded:
        if file_report.quarantined:
            print(f"  {file_report.file_name}: {file_report.quarantined} line(s) quarantined (see raw_quarantine)")
        for problem in file_report.problems:
            print(f"  WARNING: {problem}")
    for refused in load_report.refused:
        print(f"  REFUSED: {refused}")
    for (conference, year), titles in sorted(build_report.unmatched_feed.items()):
        print(f"  {conference} {year}: {len(titles)} presentation(s) matched no paper")
    print_build_warnings(build_report)
    return 0 if load_report.clean and not build_report.warnings and not build_report.quarantined else 1


def _build(args: argparse.Namespace) -> int:
    with write_session(args.warehouse, create=True) as con:
        report = build(con)
    print(f"rebuilt staging, core tables and views in {args.warehouse}")
    print_build_warnings(report)
    return 1 if report.warnings or report.quarantined else 0


def _quarantine(args: argparse.Namespace) -> int:
    """List quarantined lines and rows, or set committed raw rows aside by id and rebuild."""
    if args.raw_ids:
        if not args.reason:
            print("talent quarantine: give --reason when setting rows aside")
            return 2
        con = connect(args.warehouse, read_only=True)
        try:
            known = {row[0] for row in con.execute(
                "SELECT raw_id FROM raw_records WHERE raw_id IN (SELECT unnest(?))", [args.raw_ids]).fetchall()}
        finally:
            con.close()
        unknown = sorted(set(args.raw_ids) - known)
        if unknown:
            print(f"talent quarantine: no raw row with id {', '.join(map(str, unknown))}; nothing changed")
            return 2
        with write_session(args.warehouse) as con:
            con.execute(
                """INSERT INTO raw_quarantine
                   SELECT NULL, NULL, raw_id, crawl_id, source, record_key, ?, left(CAST(data AS VARCHAR), 65536), now()
                   FROM raw_records WHERE raw_id IN (SELECT unnest(?))
                     AND raw_id NOT IN (SELECT raw_id FROM raw_quarantine WHERE raw_id IS NOT NULL)""",
                [f"set aside by an operator: {args.reason}", args.raw_ids])
            report = build(con)
        print(f"set aside {len(known)} raw row(s) and rebuilt {args.warehouse}")
        print_build_warnings(report)
        return 1 if report.warnings else 0
    con = connect(args.warehouse, read_only=True)
    try:
        rows = con.execute(
            """SELECT coalesce(file_name || ':' || line_no, 'raw_id ' || raw_id), coalesce(record_key, ''), reason
               FROM raw_quarantine ORDER BY quarantined_at DESC LIMIT ?""", [args.limit]).fetchall()
        total = con.execute("SELECT count(*) FROM raw_quarantine").fetchone()[0]
    finally:
        con.close()
    for where, key, reason in rows:
        print(f"{where}  {key}  {reason}")
    print(f"{total} quarantined line(s) and row(s) in {args.warehouse}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    load = sub.add_parser("load", help="load landing files into the warehouse, then rebuild it")
    load.add_argument("paths", nargs="*", type=Path,
                      help=f"landing files or folders (default {DEFAULT_LANDING}, or {DEMO_LANDING} after the demo)")
    load.set_defaults(handler=_load)
    rebuild = sub.add_parser("build", help="rebuild staging, core tables and views from the raw layer")
    rebuild.set_defaults(handler=_build)
    quarantine = sub.add_parser("quarantine", help="list quarantined landing lines and raw rows, or set raw rows aside")
    quarantine.add_argument("--raw-id", dest="raw_ids", type=int, action="append", metavar="ID",
                            help="set this committed raw_records row aside (repeatable), then rebuild")
    quarantine.add_argument("--reason", help="why (required with --raw-id)")
    quarantine.add_argument("--limit", type=int, default=50, help="rows listed (default %(default)s)")
    quarantine.set_defaults(handler=_quarantine)


def check_warehouse(args: argparse.Namespace) -> int:
    """``talent status --check``: 0 when every named check passes, 1 when one fails."""
    from warehouse.status import check_exports, print_checks, run_checks

    con = connect(args.warehouse, read_only=True)
    try:
        checks = run_checks(con, Path(args.warehouse))
        if getattr(args, "exports", None):
            checks += check_exports(con, args.exports)
    finally:
        con.close()
    print_checks(checks, as_json=getattr(args, "json", False))
    return 0 if all(check.ok for check in checks) else 1
