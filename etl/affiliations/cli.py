"""``talent affiliations resolve`` and ``talent eval affiliations``.

Wiring: ``talent/cli.py`` lists this module in COMMAND_MODULES (for ``register``) and calls
:func:`register_eval` with the sub-parsers of the shared top-level ``eval`` command.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from etl.registry.paths import DEFAULT_GOLD_DIR

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("affiliations", help="resolve raw affiliation strings to institutions")
    sub = parser.add_subparsers(dest="affiliations_command", required=True, metavar="SUBCOMMAND")
    resolve = sub.add_parser("resolve", help="resolve a CSV of id, affiliation, email_domain")
    resolve.add_argument("--in", dest="input", type=Path, required=True,
                         help="input CSV (id, affiliation, email_domain)")
    resolve.add_argument("--out", dest="output", type=Path, required=True, help="output CSV")
    resolve.add_argument("--rollup", action="store_true",
                         help="report parent institutions (Google (Canada) → Google; DeepMind stays DeepMind)")
    resolve.set_defaults(handler=run_resolve)


def register_eval(eval_subparsers: argparse._SubParsersAction) -> None:
    """Add ``affiliations`` under the shared ``talent eval`` command."""
    parser = eval_subparsers.add_parser("affiliations", help="score the resolver against the gold sets")
    parser.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD_DIR,
                        help="directory of gold affiliation sets (default: %(default)s)")
    parser.set_defaults(handler=run_eval)


def run_resolve(args: argparse.Namespace) -> int:
    from etl.affiliations.csv_io import InputError, resolve_csv
    from etl.affiliations.resolver import load_resolver

    if not args.input.exists():
        print(f"input file {args.input} does not exist", file=sys.stderr)
        return 2
    started = time.perf_counter()
    resolver = load_resolver()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.input, encoding="utf-8", errors="replace", newline="") as fh_in, \
            open(args.output, "w", encoding="utf-8", newline="") as fh_out:
        try:
            written, resolved = resolve_csv(resolver, fh_in, fh_out, sys.stderr, rollup=args.rollup)
        except InputError as exc:
            print(f"{args.input}: {exc}", file=sys.stderr)
            return 2
    log.info("resolved %d of %d rows into %s in %.1fs", resolved, written, args.output,
             time.perf_counter() - started)
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from etl.affiliations.evaluate import evaluate, render, to_json_line
    from etl.affiliations.resolver import load_resolver

    gold_dir: Path = args.gold_dir
    if not gold_dir.is_dir():
        print(f"gold directory {gold_dir} not found: pass --gold-dir pointing at shared/data/gold/affiliations",
              file=sys.stderr)
        return 2
    report = evaluate(load_resolver(), gold_dir)
    print(render(report))
    print(to_json_line(report))
    return 0
