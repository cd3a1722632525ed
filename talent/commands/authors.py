"""``talent authors resolve``: authorships → persons, a stable file contract for other tools.

IN.csv has columns ``id, paper_id, author_position, name, affiliation, email_domain, year`` (optional strong
keys ``openreview_id, orcid, dblp``), OUT.csv ``id, person_id`` (:mod:`etl.people.authors_csv`). A malformed
row is reported with its line, id and problem and skipped; the run goes on. A file that cannot be trusted
as a whole, or unusable paths (``--out`` = ``--in``, a folder, a missing ``--previous``), refuse the run
with exit 2 before anything is written; OUT is written to a temporary file and renamed (:mod:`etl.batch_io`).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
from pathlib import Path

from etl.batch_io import BatchInputError, atomic_output, check_paths
from etl.people.authors_csv import read_previous, read_rows
from etl.people.resolve import resolve_with_report
from talent.commands._args import add_in_out, command_group, refused

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(subparsers, "authors", "authorships -> persons")
    resolve = sub.add_parser("resolve", help="assign a person id to every authorship row of a CSV")
    add_in_out(resolve, "input CSV", "output CSV (id, person_id)", ("in_path", "out_path"))
    resolve.add_argument("--model", type=Path, default=None, help="model JSON (default: etl/people/model.json)")
    resolve.add_argument(
        "--previous", type=Path, default=None, help="earlier OUT.csv: persons keep their ids when clusters grow"
    )
    resolve.set_defaults(handler=run_resolve)


def run_resolve(args: argparse.Namespace) -> int:
    """Check paths and both inputs whole, resolve, then write OUT atomically (see :mod:`etl.batch_io`)."""
    others = (("--previous", args.previous),) if args.previous else ()
    try:
        check_paths(args.in_path, args.out_path, others)
        rows, problems = read_rows(args.in_path)
        previous = read_previous(args.previous) if args.previous else None
    except BatchInputError as exc:
        return refused("authors resolve", exc)
    for problem in problems:
        log.warning("skipped %s", problem)
    mapping, report = resolve_with_report(rows, args.model, previous)
    try:
        with atomic_output(args.out_path) as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["id", "person_id"])
            for row in rows:
                writer.writerow([row.id, mapping[row.id]])
    except (BatchInputError, OSError) as exc:
        return refused("authors resolve", exc)
    summary = {**report.to_dict(), "skipped_rows": len(problems), "out": str(args.out_path)}
    log.info("wrote %d rows, %d persons, model %s", len(rows), report.persons, report.model_hash)
    print(json.dumps(summary))
    return 0
