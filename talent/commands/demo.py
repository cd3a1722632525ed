"""``talent demo``: the whole offline pipeline on the local mirror (the pipeline is :mod:`talent.demo`)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rich.console import Console

from talent.demo import run_offline_demo
from warehouse.context import BuildContext


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="offline demo: mirror → crawl → resolve → warehouse → exports → report")
    demo.add_argument("--workdir", type=Path, default=Path("data/demo"), help="landing files and logs")
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if not args.verbose:  # progress bars and tables tell the story; stage logs are for -v
        logging.getLogger().setLevel(logging.WARNING)
    ctx = BuildContext.from_environment(warehouse_path=args.warehouse)
    # Logs and CI capture output without a terminal; give the summary table room instead of 80 columns.
    run_offline_demo(args.warehouse, args.workdir, Console(width=None if sys.stdout.isatty() else 120), ctx)
    return 0
