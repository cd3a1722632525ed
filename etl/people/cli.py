"""Commands: ``talent authors resolve`` and ``talent eval authors``.

``authors resolve`` is a stable file contract for other tools: IN.csv with columns
``id, paper_id, author_position, name, affiliation, email_domain, year`` (optional strong keys
``openreview_id, orcid, dblp``), OUT.csv with ``id, person_id``. A malformed row is reported with its line,
id and problem and skipped; the run goes on. A file that cannot be trusted as a whole, or unusable paths
(``--out`` = ``--in``, a folder, a missing ``--previous``), refuse the run with exit 2 before anything is
written; OUT is written to a temporary file and renamed (:mod:`etl.batch_io`).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import sys
from pathlib import Path

from etl.batch_io import (
    EXIT_REFUSED,
    BatchInputError,
    atomic_output,
    check_paths,
    parse_csv,
    read_text,
    require_columns,
)
from etl.people.evaluation import default_data_dir, evaluate, load_openreview_authorships, perturbed
from etl.people.records import AuthorRow, load_model
from etl.people.resolve import resolve_with_report, row_from_mapping

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("id", "paper_id", "author_position", "name", "affiliation", "email_domain", "year")


def register(subparsers: argparse._SubParsersAction) -> None:
    authors = subparsers.add_parser("authors", help="authorships -> persons")
    sub = authors.add_subparsers(dest="authors_command", required=True, metavar="SUBCOMMAND")
    resolve = sub.add_parser("resolve", help="assign a person id to every authorship row of a CSV")
    resolve.add_argument("--in", dest="in_path", type=Path, required=True, help="input CSV")
    resolve.add_argument("--out", dest="out_path", type=Path, required=True, help="output CSV (id, person_id)")
    resolve.add_argument("--model", type=Path, default=None, help="model JSON (default: etl/people/model.json)")
    resolve.add_argument(
        "--previous", type=Path, default=None, help="earlier OUT.csv: persons keep their ids when clusters grow"
    )
    resolve.set_defaults(handler=run_resolve)


def register_eval(eval_subparsers: argparse._SubParsersAction) -> None:
    parser = eval_subparsers.add_parser("authors", help="B³ of person resolution against OpenReview profile ids")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder with 2021/ and 2022/openreview_authors.jsonl.gz (default: ../shared/data/neurips, "
        "else mirror/data)",
    )
    parser.add_argument("--rate", type=float, default=0.3, help="fraction of rows whose name is varied")
    parser.add_argument("--seed", default="talent", help="perturbation seed (which rows vary, and how)")
    parser.add_argument("--model", type=Path, default=None)
    parser.set_defaults(handler=run_eval)


def read_rows(path: Path) -> tuple[list[AuthorRow], list[str]]:
    """Parse IN.csv; returns the good rows and one message per malformed row (line, id, problem).

    Raises :class:`etl.batch_io.BatchInputError` when the file as a whole cannot be trusted (missing
    columns, a quote left open, bytes that are not UTF-8, an oversized field): nothing is written then.
    """
    label = str(path)
    header, records = parse_csv(read_text(path), label)
    require_columns(header, REQUIRED_COLUMNS, label)
    rows: list[AuthorRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for record in records:
        if not record.fields or all(not f.strip() for f in record.fields):
            continue
        mapping = dict(zip(header, record.fields, strict=False))
        label_row = f"line {record.line} (id {mapping.get('id')!r})"
        if len(record.fields) != len(header):
            problems.append(f"{label_row}: {len(record.fields)} fields where the header has {len(header)}")
            continue
        year_problem = _year_problem(mapping.get("year"))
        if year_problem:
            problems.append(f"{label_row}: {year_problem}")
            continue
        try:
            row = row_from_mapping(mapping)
        except (ValueError, OverflowError) as exc:
            problems.append(f"{label_row}: {exc}")
            continue
        if row.id in seen:
            problems.append(f"{label_row}: duplicate id, first occurrence kept")
            continue
        seen.add(row.id)
        rows.append(row)
    return rows, problems


def _year_problem(value: str | None) -> str | None:
    """Why a year cell is unusable ("inf", "nan", "1e400", "2021.5"), or None when it is empty or a year."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return f"year {text!r} is not a number"
    if not math.isfinite(number) or number != int(number) or not 1000 <= number <= 9999:
        return f"year {text!r} is not a four-digit year"
    return None


def read_previous(path: Path) -> dict[str, str]:
    """id → person_id of an earlier OUT.csv; refused (nothing written) when it cannot be read as one."""
    label = str(path)
    header, records = parse_csv(read_text(path, "--previous"), label)
    col = require_columns(header, ("id", "person_id"), label)
    out: dict[str, str] = {}
    for record in records:
        if len(record.fields) != len(header):
            continue
        row_id, person_id = record.fields[col["id"]].strip(), record.fields[col["person_id"]].strip()
        if row_id and person_id:
            out[row_id] = person_id
    return out


def run_resolve(args: argparse.Namespace) -> int:
    """Check paths and both inputs whole, resolve, then write OUT atomically (see :mod:`etl.batch_io`)."""
    others = (("--previous", args.previous),) if args.previous else ()
    try:
        check_paths(args.in_path, args.out_path, others)
        rows, problems = read_rows(args.in_path)
        previous = read_previous(args.previous) if args.previous else None
    except BatchInputError as exc:
        print(f"talent authors resolve: {exc}", file=sys.stderr)
        return EXIT_REFUSED
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
        print(f"talent authors resolve: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    summary = {**report.to_dict(), "skipped_rows": len(problems), "out": str(args.out_path)}
    log.info("wrote %d rows, %d persons, model %s", len(rows), report.persons, report.model_hash)
    print(json.dumps(summary))
    return 0


def run_eval(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or default_data_dir()
    model = load_model(args.model)
    clean = load_openreview_authorships(data_dir)
    varied = perturbed(clean, rate=args.rate, seed=args.seed)
    n_truth = sum(1 for lr in clean if lr.truth)
    results = []
    for name, rows in (("clean", clean), (f"perturbed {args.rate:.0%}", varied)):
        res, _, _ = evaluate(rows, name, model)
        results.extend(res)
    print(
        f"data: {data_dir} — {len(clean)} authorships, {n_truth} with a profile id (scored), "
        f"{len(clean) - n_truth} with an email id (resolved, not scored)"
    )
    print(f"{'dataset':<16}{'method':<22}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}{'persons':>9}{'sec':>7}")
    for r in results:
        print(
            f"{r.dataset:<16}{r.method:<22}{r.precision:>8.4f}{r.recall:>8.4f}{r.f1:>8.4f}{r.persons:>9}"
            f"{r.seconds:>7.2f}"
        )
    perturbed_f1 = next(r.f1 for r in results if r.dataset.startswith("perturbed") and r.method == "resolver")
    summary = {
        "eval": "authors",
        "data_dir": str(data_dir),
        "rows": len(clean),
        "scored_rows": n_truth,
        "unscored_email_rows": len(clean) - n_truth,
        "perturb_rate": args.rate,
        "perturb_seed": args.seed,
        "model_hash": model.hash,
        "results": [r.to_dict() for r in results],
        "target_f1_perturbed": 0.98,
        "meets_target": perturbed_f1 >= 0.98,
    }
    print(json.dumps(summary))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m etl.people.cli``) until the commands are wired into ``talent``."""
    parser = argparse.ArgumentParser(prog="talent-people")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    eval_parser = sub.add_parser("eval")
    register_eval(eval_parser.add_subparsers(dest="eval_command", required=True))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
