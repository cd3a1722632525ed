"""talent-tracker: where AI researchers come from, train and work — crawl, resolve, warehouse, report.

Each command group is one module of :mod:`talent.commands` with the same shape (``register(subparsers)``,
handlers ``run_<command>(args) -> int``); this file only assembles them and turns an operator's mistake
into one line and exit 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from types import ModuleType

from talent.commands import (
    affiliations,
    authors,
    crawl,
    demo,
    education,
    load,
    mirror,
    models,
    ops,
    quarantine,
    registry,
    review,
    status,
    study,
)
from talent.commands import eval as eval_commands
from warehouse.db import WarehouseLockedError

DEFAULT_WAREHOUSE = Path("warehouse/talent.duckdb")

# Command groups, in the order `talent --help` lists them.
COMMAND_MODULES: tuple[ModuleType, ...] = (
    demo, crawl, ops, load, models, quarantine, study, status, mirror, registry, affiliations, education, authors,
    review, eval_commands,
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
    for module in COMMAND_MODULES:
        module.register(sub)
    accept_global_options_after_command(sub)
    return parser


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
