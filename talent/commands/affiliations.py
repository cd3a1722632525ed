"""``talent affiliations resolve``: a CSV of raw affiliation strings → institutions and countries.

IN has columns ``id, affiliation, email_domain``; the whole input is checked before anything is written,
and OUT is written to a temporary file and renamed (:mod:`etl.batch_io`), so a refused run (exit 2)
leaves no half a CSV. The resolving is :mod:`etl.affiliations.csv_io`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from talent.commands._args import add_in_out, command_group, refused

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(subparsers, "affiliations", "resolve raw affiliation strings to institutions")
    resolve = sub.add_parser("resolve", help="resolve a CSV of id, affiliation, email_domain")
    add_in_out(resolve, "input CSV (id, affiliation, email_domain)", "output CSV", ("input", "output"))
    resolve.add_argument("--rollup", action="store_true",
                         help="report parent institutions (Google (Canada) → Google; DeepMind stays DeepMind)")
    resolve.set_defaults(handler=run_resolve)


def run_resolve(args: argparse.Namespace) -> int:
    """Check paths and the whole input, resolve, then write OUT atomically (see :mod:`etl.batch_io`)."""
    from etl.affiliations.csv_io import parse_input, write_output
    from etl.affiliations.resolver import load_resolver
    from etl.batch_io import BatchInputError, atomic_output, check_paths, read_text

    started = time.perf_counter()
    try:
        check_paths(args.input, args.output)
        rows, problems = parse_input(read_text(args.input), str(args.input))
    except BatchInputError as exc:
        return refused("affiliations resolve", exc)
    for problem in problems:
        print(f"{args.input}: {problem}", file=sys.stderr)
    resolver = load_resolver()
    try:
        with atomic_output(args.output) as fh_out:
            written, resolved = write_output(resolver, rows, fh_out, sys.stderr, rollup=args.rollup)
    except (BatchInputError, OSError) as exc:
        return refused("affiliations resolve", exc)
    log.info("resolved %d of %d rows into %s in %.1fs (%d rows skipped)", resolved, written, args.output,
             time.perf_counter() - started, len(problems))
    return 0
