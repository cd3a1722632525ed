"""``talent status``: crawls loaded, row counts, field coverage and recent errors; ``--check`` runs the named
consistency checks of :mod:`warehouse.status` and exits 1 when one fails (a partial or inconsistent
warehouse), so a scheduler can gate on it. Read-only: it never waits for, or blocks, a load.
"""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from warehouse.db import connect


def register(subparsers: argparse._SubParsersAction) -> None:
    status = subparsers.add_parser("status", help="crawls loaded, row counts, field coverage and recent errors")
    status.add_argument("--errors", type=int, default=10, help="recent errors to list (default %(default)s)")
    status.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    status.add_argument("--check", action="store_true",
                        help="run the consistency checks; exit 1 if one fails (partial or inconsistent warehouse)")
    status.add_argument("--exports", type=Path, metavar="DIR", help="with --check: also check this export folder")
    status.set_defaults(handler=run_status)


def run_status(args: argparse.Namespace) -> int:
    if args.check:
        return run_status_check(args)
    from warehouse.status import collect_status, print_status

    with closing(connect(args.warehouse, read_only=True)) as con:
        status = collect_status(con, args.errors)
    print_status(status, as_json=args.json)
    return 0


def run_status_check(args: argparse.Namespace) -> int:
    """``talent status --check``: 0 when every named check passes, 1 when one fails."""
    from warehouse.checks import print_checks
    from warehouse.pipeline import check_warehouse

    checks = check_warehouse(args.warehouse, args.exports)
    print_checks(checks, as_json=args.json)
    return 0 if all(check.ok for check in checks) else 1
