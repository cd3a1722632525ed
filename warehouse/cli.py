"""Warehouse sub-commands: ``talent load`` and ``talent build``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import duckdb

from warehouse.build import BuildReport, build
from warehouse.db import connect
from warehouse.load import LoadReport, load_landing
from warehouse.migrate import migrate

logger = logging.getLogger(__name__)

DEFAULT_LANDING = Path("data/landing")


def open_for_write(path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(path)
    migrate(con)
    return con


def load_and_build(warehouse: Path, paths: list[Path]) -> tuple[LoadReport, BuildReport]:
    con = open_for_write(warehouse)
    try:
        report = load_landing(con, paths)
        return report, build(con)
    finally:
        con.close()


def _load(args: argparse.Namespace) -> int:
    paths = args.paths or [DEFAULT_LANDING]
    load_report, build_report = load_and_build(args.warehouse, paths)
    loaded = [f for f in load_report.files if not f.skipped]
    print(
        f"loaded {len(loaded)} landing files ({len(load_report.files) - len(loaded)} already loaded): "
        f"{load_report.lines} records read, {load_report.added} new record versions, "
        f"{sum(f.bad_lines for f in loaded)} bad lines, {sum(f.rejects for f in loaded)} rejects"
    )
    for (conference, year), titles in sorted(build_report.unmatched_feed.items()):
        print(f"  {conference} {year}: {len(titles)} presentation(s) matched no paper")
    return 0


def _build(args: argparse.Namespace) -> int:
    con = open_for_write(args.warehouse)
    try:
        build(con)
    finally:
        con.close()
    print(f"rebuilt staging, core tables and views in {args.warehouse}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    load = sub.add_parser("load", help="load landing files into the warehouse, then rebuild it")
    load.add_argument("paths", nargs="*", type=Path, help=f"landing files or folders (default {DEFAULT_LANDING})")
    load.set_defaults(handler=_load)
    rebuild = sub.add_parser("build", help="rebuild staging, core tables and views from the raw layer")
    rebuild.set_defaults(handler=_build)
