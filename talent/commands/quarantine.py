"""``talent quarantine``: list quarantined landing lines and raw rows, or set committed raw rows aside.

Setting rows aside is an operator's decision with a reason; it rebuilds the warehouse through
:func:`warehouse.pipeline.set_aside`, so the rows leave every table in the same swap.
"""

from __future__ import annotations

import argparse

from talent.commands._args import print_build_warnings
from warehouse.context import BuildContext
from warehouse.pipeline import known_raw_ids, quarantined, set_aside


def register(subparsers: argparse._SubParsersAction) -> None:
    quarantine = subparsers.add_parser(
        "quarantine", help="list quarantined landing lines and raw rows, or set raw rows aside")
    quarantine.add_argument("--raw-id", dest="raw_ids", type=int, action="append", metavar="ID",
                            help="set this committed raw_records row aside (repeatable), then rebuild")
    quarantine.add_argument("--reason", help="why (required with --raw-id)")
    quarantine.add_argument("--limit", type=int, default=50, help="rows listed (default %(default)s)")
    quarantine.set_defaults(handler=run_quarantine)


def run_quarantine(args: argparse.Namespace) -> int:
    """List quarantined lines and rows, or set committed raw rows aside by id and rebuild."""
    if args.raw_ids:
        return set_rows_aside(args)
    rows, total = quarantined(args.warehouse, args.limit)
    for where, key, reason in rows:
        print(f"{where}  {key}  {reason}")
    print(f"{total} quarantined line(s) and row(s) in {args.warehouse}")
    return 0


def set_rows_aside(args: argparse.Namespace) -> int:
    if not args.reason:
        print("talent quarantine: give --reason when setting rows aside")
        return 2
    known = known_raw_ids(args.warehouse, args.raw_ids)
    unknown = sorted(set(args.raw_ids) - known)
    if unknown:
        print(f"talent quarantine: no raw row with id {', '.join(map(str, unknown))}; nothing changed")
        return 2
    ctx = BuildContext.from_environment(warehouse_path=args.warehouse)
    report = set_aside(args.warehouse, args.raw_ids, args.reason, ctx)
    print(f"set aside {len(known)} raw row(s) and rebuilt {args.warehouse}")
    print_build_warnings(report)
    return 1 if report.warnings else 0
