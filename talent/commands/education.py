"""``talent education extract --in PAGES.jsonl --out OUT.csv``: homepage HTML → degree statements (CSV).

The file formats and the per-line checks are :mod:`etl.education.pages_csv`. Bytes that are not UTF-8, or
an output that is the input or a folder, refuse the run (exit 2) before anything is written; the output
is written to a temporary file beside it and renamed, so a failed run never leaves half a CSV
(:mod:`etl.batch_io`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from etl.batch_io import BatchInputError, atomic_output, check_paths, read_text
from etl.education.pages_csv import extract_file
from talent.commands._args import add_in_out, command_group, refused

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(subparsers, "education", "degrees researchers state on their homepages")
    extract = sub.add_parser("extract", help="extract degree statements from a JSON Lines file of pages")
    add_in_out(extract, 'input JSON Lines, one {"id", "url", "html"} a line', "output CSV", ("input", "output"))
    extract.set_defaults(handler=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    """Check paths and decode the whole input first, then write OUT atomically (see :mod:`etl.batch_io`)."""
    started = time.perf_counter()
    try:
        check_paths(args.input, args.output)
        text = read_text(args.input)
        with atomic_output(args.output) as fh_out:
            pages, rows = extract_file(text, fh_out, sys.stderr)
    except (BatchInputError, OSError) as exc:
        return refused("education extract", exc)
    log.info("extracted %d statements from %d pages into %s in %.1fs", rows, pages, args.output,
             time.perf_counter() - started)
    return 0
