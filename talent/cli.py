"""talent-tracker: where AI researchers come from, train and work — crawl, resolve, warehouse, report.

Each area of the system owns its sub-commands in a ``cli`` module with a ``register(subparsers)``
function; this file only assembles them, so a newcomer finds a command next to the code it drives.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from warehouse.db import WarehouseLockedError

DEFAULT_WAREHOUSE = Path("warehouse/talent.duckdb")

# Modules that contribute sub-commands, in the order `talent --help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "talent.demo",
    "talent.crawl_cli",
    "talent.ops_cli",
    "warehouse.cli",
    "warehouse.study_cli",
    "mirror.cli",
    "etl.registry.cli",
    "etl.affiliations.cli",
    "etl.education.cli",  # talent education extract (homepage degrees, issue 11)
    "etl.people.cli",
    "talent.review_commands",
    "talent.eval_cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talent", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=DEFAULT_WAREHOUSE,
        help="DuckDB warehouse file (default: %(default)s)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    accept_global_options_after_command(sub)
    add_status_check(sub)
    return parser


def add_status_check(sub: argparse._SubParsersAction) -> None:
    """``talent status --check``: the named checks of warehouse.status (warehouse.cli.check_warehouse)."""
    from warehouse.cli import check_warehouse

    status = sub.choices.get("status")
    if status is None:
        return
    status.add_argument("--check", action="store_true",
                        help="run the consistency checks; exit 1 if one fails (partial or inconsistent warehouse)")
    status.add_argument("--exports", type=Path, metavar="DIR", help="with --check: also check this export folder")
    show = status.get_default("handler")
    status.set_defaults(handler=lambda args: check_warehouse(args) if args.check else show(args))


def accept_global_options_after_command(sub: argparse._SubParsersAction) -> None:
    """``talent status --warehouse X`` works like ``talent --warehouse X status`` (the README promises
    every command takes it). SUPPRESS keeps the top-level value unless the option is given after."""
    for command in sub.choices.values():
        for flags, options in ((("--warehouse",), {"type": Path}), (("-v", "--verbose"), {"action": "store_true"})):
            try:
                command.add_argument(*flags, default=argparse.SUPPRESS, help=argparse.SUPPRESS, **options)
            except argparse.ArgumentError:  # the command defines its own
                continue


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Commands print their own summary on stdout; INFO logs repeated every line of it on stderr (each
    # export line appeared twice). Warnings and errors always show; -v shows everything.
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError, WarehouseLockedError) as exc:
        # an operator's mistake (a mistyped path, a folder that is not there, a busy warehouse): one clear
        # line, no traceback
        print(f"talent {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
