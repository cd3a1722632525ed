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
    """Check paths and the whole input, resolve, then write OUT atomically (see :mod:`etl.batch_io`)."""
    from etl.affiliations.csv_io import parse_input, write_output
    from etl.affiliations.resolver import load_resolver
    from etl.batch_io import EXIT_REFUSED, BatchInputError, atomic_output, check_paths, read_text

    started = time.perf_counter()
    try:
        check_paths(args.input, args.output)
        rows, problems = parse_input(read_text(args.input), str(args.input))
    except BatchInputError as exc:
        print(f"talent affiliations resolve: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    for problem in problems:
        print(f"{args.input}: {problem}", file=sys.stderr)
    resolver = load_resolver()
    try:
        with atomic_output(args.output) as fh_out:
            written, resolved = write_output(resolver, rows, fh_out, sys.stderr, rollup=args.rollup)
    except (BatchInputError, OSError) as exc:
        print(f"talent affiliations resolve: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    log.info("resolved %d of %d rows into %s in %.1fs (%d rows skipped)", resolved, written, args.output,
             time.perf_counter() - started, len(problems))
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
