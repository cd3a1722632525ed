"""Argument and outcome helpers several command modules share, written once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from etl.batch_io import EXIT_REFUSED
from talent.crawl import mirror_settings

if TYPE_CHECKING:
    from warehouse.build import BuildReport


def add_warehouse_option(parser: argparse.ArgumentParser) -> None:
    """``--warehouse`` after a nested action; SUPPRESS keeps the global ``talent --warehouse`` value unless
    the option is given here."""
    parser.add_argument("--warehouse", type=Path, default=argparse.SUPPRESS,
                        help="DuckDB warehouse file (default: the global --warehouse)")


def add_in_out(parser: argparse.ArgumentParser, in_help: str, out_help: str, dests: tuple[str, str]) -> None:
    """The ``--in FILE --out FILE`` pair of the batch commands (both required)."""
    parser.add_argument("--in", dest=dests[0], type=Path, required=True, help=in_help)
    parser.add_argument("--out", dest=dests[1], type=Path, required=True, help=out_help)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def scrapy_settings(args: argparse.Namespace) -> dict[str, object]:
    """Scrapy settings from ``--mirror URL`` (every spider pointed at the mirror) and ``--set NAME=VALUE``."""
    settings: dict[str, object] = mirror_settings(args.mirror) if args.mirror else {}
    for pair in args.set or []:
        name, _, value = pair.partition("=")
        settings[name] = value
    return settings


def refused(command: str, exc: Exception) -> int:
    """A batch run refused as a whole (unusable paths or input, an unwritable output): one line, exit 2."""
    print(f"talent {command}: {exc}", file=sys.stderr)
    return EXIT_REFUSED


def print_build_warnings(build_report: BuildReport) -> None:
    """What a build wants an operator to see (warnings, quarantined raw rows), after a command's summary."""
    for warning in build_report.warnings:
        print(f"  WARNING: {warning}")
    if build_report.quarantined:
        print(f"  WARNING: {build_report.quarantined} committed raw row(s) fail their schema: quarantined and "
              "skipped (see raw_quarantine)")


def command_group(subparsers: argparse._SubParsersAction, name: str, summary: str,
                  metavar: str = "SUBCOMMAND") -> argparse._SubParsersAction:
    """``talent NAME …``: a command whose actions are sub-commands (``args.<name>_command`` names the one given)."""
    parser = subparsers.add_parser(name, help=summary)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar=metavar)
