"""``talent review``: analyst review of person records.

* ``export --out FILE.csv [--limit N]`` — the least certain persons, one row each, for a quick correction pass
  (corrections go in ``data/corrections/corrections.csv`` and apply on the next build).
* ``sample --year Y --per-stratum N --seed S --out DIR`` — a stratified random sample (tier x track) of the
  conference-year's persons and its worksheet, for hand tracing; the design is recorded in the warehouse.
* ``import FILE --reviewer NAME`` — validate a filled worksheet as a whole and load it (append-only), then the
  view ``review_estimates`` shows the design-weighted estimate beside the automatic one.

Every action takes ``--warehouse PATH`` here or before ``review`` (``talent --warehouse PATH review …``).
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.people.corrections import corrections_path

EXPORT_COLUMNS = (
    "person_id", "name", "openreview_id", "n_papers", "conference", "year", "confidence", "undergrad_country",
    "grad_country", "work_country", "work_institution_id", "sector", "evidence_sources", "field", "value", "note",
)

LEAST_CERTAIN_SQL = """
SELECT t.person_id, p.name, p.openreview_id, p.n_papers, t.conference, t.year, t.confidence,
       t.undergrad_country, t.grad_country, t.work_country, t.work_institution_id, t.sector, t.evidence
FROM talent_records t JOIN persons p USING (person_id)
QUALIFY row_number() OVER (PARTITION BY t.person_id ORDER BY t.confidence, t.year DESC, t.conference) = 1
ORDER BY t.confidence, p.n_papers DESC, t.person_id
LIMIT ?
"""


def evidence_sources(evidence: object) -> str:
    """``work_country=authorship_affiliations; grad_country=orcid`` — where each stated value came from."""
    data = json.loads(evidence) if isinstance(evidence, str) else (evidence or {})
    return "; ".join(f"{name}={item.get('source')}" for name, item in sorted(data.items()) if isinstance(item, dict))


def export_least_certain(con: duckdb.DuckDBPyConnection, out: Path, limit: int) -> int:
    rows = con.execute(LEAST_CERTAIN_SQL, [limit]).fetchall()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([*row[:-1], evidence_sources(row[-1]), "", "", ""])
    return len(rows)


def _export(args: argparse.Namespace) -> int:
    from warehouse.db import connect

    con = connect(args.warehouse, read_only=True)
    try:
        written = export_least_certain(con, args.out, args.limit)
    finally:
        con.close()
    print(f"wrote {written} persons to {args.out}; reviewed rows go to {corrections_path()} "
          "(person_id,field,value,note) and apply on the next build")
    return 0


@contextmanager
def _review_session(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse with the review tables (migration 032) and views in place, written through
    ``write_session``: a private copy swapped in at the end, so a concurrent load never discards a review
    and a failed import changes nothing."""
    from warehouse.db import write_session
    from warehouse.review import create_review_views

    if not Path(path).exists():
        raise SystemExit(f"no warehouse at {path}: run `talent load` (or `talent demo`) first")
    with write_session(path) as con:
        create_review_views(con)  # with the views' interval macros, on an older build too
        yield con


def _sample(args: argparse.Namespace) -> int:
    from warehouse.review import ReviewError, draw_sample, record_sample, write_worksheet

    with _review_session(args.warehouse) as con:
        try:
            sample = draw_sample(con, args.conference, args.year, args.per_stratum, args.seed)
        except ReviewError as exc:
            print(f"error: {exc}")
            return 2
        worksheet, sidecar = write_worksheet(con, sample, args.out)
        new = record_sample(con, sample, worksheet)
    print(f"sample {sample.sample_id}: {len(sample.persons)} of {sample.population} persons of "
          f"{args.conference} {args.year} in {len(sample.strata)} strata (tier x track), seed {args.seed}"
          f"{'' if new else ' (the same draw was recorded before; kept)'}")
    for (tier, track), (size, drawn) in sorted(sample.strata.items()):
        print(f"  {tier:>9} / {track:<5}  N={size:>6}  n={drawn:>4}  weight={size / drawn:.2f}")
    print(f"worksheet: {worksheet}\ndesign:    {sidecar}\n"
          f"fill the review_* columns, then: talent review import {worksheet} --reviewer NAME")
    return 0


def _import(args: argparse.Namespace) -> int:
    from warehouse.review import ReviewError, import_worksheet

    try:
        with _review_session(args.warehouse) as con:
            loaded, blank = import_worksheet(con, args.file, args.reviewer)
    except ReviewError as exc:  # raised inside the session: the copy is dropped, the warehouse untouched
        print(f"error: {exc}")
        return 2
    print(f"loaded {loaded} reviewed person(s) from {args.file} by {args.reviewer.strip()} "
          f"({blank} row(s) left blank, not loaded); see the view review_estimates")
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _warehouse_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS keeps the global `talent --warehouse` value unless the option is given after the action.
    parser.add_argument("--warehouse", type=Path, default=argparse.SUPPRESS,
                        help="DuckDB warehouse file (default: the global --warehouse)")


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="analyst review of person records: export, sample, import")
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")

    export = actions.add_parser("export", help="write the least certain persons to a CSV for review")
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.add_argument("--limit", type=_positive, default=200, help="persons to export (default %(default)s)")
    _warehouse_option(export)
    export.set_defaults(handler=_export)

    sample = actions.add_parser("sample", help="draw a stratified random sample of persons and write its worksheet")
    sample.add_argument("--year", type=int, required=True, help="conference year to sample")
    sample.add_argument("--per-stratum", type=_positive, required=True,
                        help="persons per stratum (tier x track); a smaller stratum is taken whole")
    sample.add_argument("--seed", type=int, required=True, help="seed of the random draw (recorded)")
    sample.add_argument("--out", type=Path, required=True, help="folder for the worksheet and its design sidecar")
    sample.add_argument("--conference", default="neurips", help="conference (default %(default)s)")
    _warehouse_option(sample)
    sample.set_defaults(handler=_sample)

    load = actions.add_parser("import", help="validate and load a filled review worksheet")
    load.add_argument("file", type=Path, help="the filled worksheet CSV")
    load.add_argument("--reviewer", required=True, help="who reviewed (recorded with every row)")
    _warehouse_option(load)
    load.set_defaults(handler=_import)
