"""Warehouse writes: ``talent load`` and ``talent build`` (the work is :mod:`warehouse.pipeline`).

Both write through ``warehouse.db.write_session``: a private copy is loaded and built, then swapped in,
so readers never see a half-built warehouse and never block a build. Exit codes: 0 clean; 1 the data
loaded and built but something needs an operator (lines quarantined, a file refused, a manifest that
disagrees with its file, papers dropped against the previous build); 2 nothing was done (usage error).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from talent.commands._args import print_build_warnings
from warehouse.context import BuildContext
from warehouse.pipeline import load_and_build, rebuild

DEFAULT_LANDING = Path("data/landing")
DEMO_LANDING = Path("data/demo/landing")  # where `make demo` / `talent demo` lands its crawls


def register(subparsers: argparse._SubParsersAction) -> None:
    load = subparsers.add_parser("load", help="load landing files into the warehouse, then rebuild it")
    load.add_argument("paths", nargs="*", type=Path,
                      help=f"landing files or folders (default {DEFAULT_LANDING}, or {DEMO_LANDING} after the demo)")
    load.set_defaults(handler=run_load)
    build = subparsers.add_parser("build", help="rebuild staging, core tables and views from the raw layer")
    build.set_defaults(handler=run_build)


def default_landing_paths() -> list[Path]:
    """``data/landing``, or after `make demo` (which lands in data/demo/landing) that folder."""
    if not DEFAULT_LANDING.exists() and DEMO_LANDING.is_dir():
        print(f"no {DEFAULT_LANDING}/: loading the demo's landing files from {DEMO_LANDING}/")
        return [DEMO_LANDING]
    return [DEFAULT_LANDING]


def run_load(args: argparse.Namespace) -> int:
    paths = args.paths or default_landing_paths()
    missing = [path for path in paths if not path.exists()]
    if missing:
        print(f"talent load: no landing file or folder at {', '.join(map(str, missing))} "
              f"(crawls land in {DEFAULT_LANDING}/, the demo in {DEMO_LANDING}/)")
        return 2
    ctx = BuildContext.from_environment(warehouse_path=args.warehouse)
    load_report, build_report = load_and_build(args.warehouse, paths, ctx)
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


def run_build(args: argparse.Namespace) -> int:
    report = rebuild(args.warehouse, BuildContext.from_environment(warehouse_path=args.warehouse))
    print(f"rebuilt staging, core tables and views in {args.warehouse}")
    print_build_warnings(report)
    return 1 if report.warnings or report.quarantined else 0
