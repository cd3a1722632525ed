"""Study sub-commands: ``talent export``, ``talent report`` and ``talent status``.

All three only read the warehouse, so they open it read-only: analysts' sessions and these commands run
side by side, and only a load (which writes) has to wait for them.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from warehouse.db import connect

logger = logging.getLogger(__name__)

DEFAULT_EXPORT_DIR = Path("data/exports")
DEFAULT_REPORT = Path("report.html")


def _export(args: argparse.Namespace) -> int:
    from warehouse.export import ExportError, export

    con = connect(args.warehouse, read_only=True)
    try:
        result = export(con, args.out, args.tables or None)
    except ExportError as exc:
        print(f"export refused: {exc}")
        return 2
    finally:
        con.close()
    for table in result.tables:
        if table.status == "exported":
            print(f"  {table.table}: {table.rows} rows in {len(table.partitions)} file(s)")
        else:
            print(f"  {table.message}")
    exported = sum(1 for t in result.tables if t.status == "exported")
    print(f"exported {exported} table(s) to {args.out} (schema version {result.schema_version}); "
          f"contract in {args.out / '_contract.json'}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from warehouse.report import write_markdown, write_report

    con = connect(args.warehouse, read_only=True)
    try:
        if args.markdown:
            path = write_markdown(con, args.markdown)
            print(f"wrote the analysts' questions with results to {path}")
        path = write_report(con, args.out)
    finally:
        con.close()
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB, self-contained; open it in any browser)")
    return 0


def _status(args: argparse.Namespace) -> int:
    from warehouse.status import collect_status, print_status

    con = connect(args.warehouse, read_only=True)
    try:
        status = collect_status(con, args.errors)
    finally:
        con.close()
    print_status(status, as_json=args.json)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from warehouse.export import EXPORT_TABLES

    export = sub.add_parser("export", help="write the analyst tables as hive-partitioned Parquet with a contract")
    export.add_argument("--out", type=Path, default=DEFAULT_EXPORT_DIR, help="export directory (default %(default)s)")
    export.add_argument("--tables", nargs="+", choices=EXPORT_TABLES, metavar="TABLE",
                        help=f"tables to export (default all: {', '.join(EXPORT_TABLES)})")
    export.set_defaults(handler=_export)

    report = sub.add_parser("report", help="write the self-contained HTML report of the study")
    report.add_argument("--out", type=Path, default=DEFAULT_REPORT, help="HTML file (default %(default)s)")
    report.add_argument("--markdown", type=Path, metavar="PATH",
                        help="also write the analysts' questions, queries and results as Markdown")
    report.set_defaults(handler=_report)

    status = sub.add_parser("status", help="crawls loaded, row counts, field coverage and recent errors")
    status.add_argument("--errors", type=int, default=10, help="recent errors to list (default %(default)s)")
    status.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    status.set_defaults(handler=_status)
