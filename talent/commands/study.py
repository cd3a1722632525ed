"""The study's outputs: ``talent export`` (Parquet with a contract) and ``talent report`` (HTML, Markdown).

Both only read the warehouse, so they open it read-only: analysts' sessions and these commands run side
by side, and only a load (which writes) has to wait for them.
"""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from warehouse.db import connect

DEFAULT_EXPORT_DIR = Path("data/exports")
DEFAULT_REPORT = Path("report.html")


def register(subparsers: argparse._SubParsersAction) -> None:
    from warehouse.export import EXPORT_TABLES

    export = subparsers.add_parser(
        "export", help="write the analyst tables as hive-partitioned Parquet with a contract")
    export.add_argument("--out", type=Path, default=DEFAULT_EXPORT_DIR, help="export directory (default %(default)s)")
    export.add_argument("--tables", nargs="+", choices=EXPORT_TABLES, metavar="TABLE",
                        help=f"tables to export (default all: {', '.join(EXPORT_TABLES)})")
    export.set_defaults(handler=run_export)

    report = subparsers.add_parser("report", help="write the self-contained HTML report of the study")
    report.add_argument("--out", type=Path, default=DEFAULT_REPORT, help="HTML file (default %(default)s)")
    report.add_argument("--markdown", type=Path, metavar="PATH",
                        help="also write the analysts' questions, queries and results as Markdown")
    report.set_defaults(handler=run_report)


def run_export(args: argparse.Namespace) -> int:
    from warehouse.export import ExportError, export

    with closing(connect(args.warehouse, read_only=True)) as con:
        try:
            result = export(con, args.out, args.tables or None)
        except ExportError as exc:
            print(f"export refused: {exc}")
            return 2
    for table in result.tables:
        if table.status == "exported":
            print(f"  {table.table}: {table.rows} rows in {len(table.partitions)} file(s)")
        else:
            print(f"  {table.message}")
    exported = sum(1 for t in result.tables if t.status == "exported")
    print(f"exported {exported} table(s) to {args.out} (schema version {result.schema_version}); "
          f"contract in {args.out / '_contract.json'}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from warehouse.report import write_markdown, write_report

    with closing(connect(args.warehouse, read_only=True)) as con:
        if args.markdown:
            path = write_markdown(con, args.markdown)
            print(f"wrote the analysts' questions with results to {path}")
        path = write_report(con, args.out)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB, self-contained; open it in any browser)")
    return 0
