"""``talent review``: analyst review of person records.

* ``export --out FILE.csv [--limit N]`` — the least certain persons, one row each, for a quick correction pass
  (corrections go in ``data/corrections/corrections.csv`` and apply on the next build).
* ``sample --year Y --per-stratum N --seed S --out DIR`` — a stratified random sample (tier x track) of the
  conference-year's persons and its worksheet, for hand tracing; the design is recorded in the warehouse.
* ``import FILE --reviewer NAME`` — validate a filled worksheet as a whole and load it (append-only), then the
  view ``review_estimates`` shows the design-weighted estimate beside the automatic one.

Every action takes ``--warehouse PATH`` here or before ``review`` (``talent --warehouse PATH review …``).
The work is :mod:`warehouse.review_queue`, :mod:`warehouse.review` and
:func:`warehouse.pipeline.review_session`.
"""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from talent.commands._args import add_warehouse_option, command_group, positive_int
from warehouse.context import BuildContext


def register(subparsers: argparse._SubParsersAction) -> None:
    actions = command_group(subparsers, "review", "analyst review of person records: export, sample, import",
                            metavar="ACTION")

    export = actions.add_parser("export", help="write the least certain persons to a CSV for review")
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.add_argument("--limit", type=positive_int, default=200, help="persons to export (default %(default)s)")
    add_warehouse_option(export)
    export.set_defaults(handler=run_export)

    sample = actions.add_parser("sample", help="draw a stratified random sample of persons and write its worksheet")
    sample.add_argument("--year", type=int, required=True, help="conference year to sample")
    sample.add_argument("--per-stratum", type=positive_int, required=True,
                        help="persons per stratum (tier x track); a smaller stratum is taken whole")
    sample.add_argument("--seed", type=int, required=True, help="seed of the random draw (recorded)")
    sample.add_argument("--out", type=Path, required=True, help="folder for the worksheet and its design sidecar")
    sample.add_argument("--conference", default="neurips", help="conference (default %(default)s)")
    add_warehouse_option(sample)
    sample.set_defaults(handler=run_sample)

    load = actions.add_parser("import", help="validate and load a filled review worksheet")
    load.add_argument("file", type=Path, help="the filled worksheet CSV")
    load.add_argument("--reviewer", required=True, help="who reviewed (recorded with every row)")
    add_warehouse_option(load)
    load.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    from warehouse.db import connect
    from warehouse.review_queue import export_least_certain

    with closing(connect(args.warehouse, read_only=True)) as con:
        written = export_least_certain(con, args.out, args.limit)
    corrections = BuildContext.from_environment().corrections_path
    print(f"wrote {written} persons to {args.out}; reviewed rows go to {corrections} "
          "(person_id,field,value,note) and apply on the next build")
    return 0


def run_sample(args: argparse.Namespace) -> int:
    from warehouse.pipeline import review_session
    from warehouse.review import ReviewError, draw_sample, record_sample, write_worksheet

    with review_session(args.warehouse) as con:
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


def run_import(args: argparse.Namespace) -> int:
    from warehouse.pipeline import review_session
    from warehouse.review import ReviewError, import_worksheet

    try:
        with review_session(args.warehouse) as con:
            loaded, blank = import_worksheet(con, args.file, args.reviewer)
    except ReviewError as exc:  # raised inside the session: the copy is dropped, the warehouse untouched
        print(f"error: {exc}")
        return 2
    print(f"loaded {loaded} reviewed person(s) from {args.file} by {args.reviewer.strip()} "
          f"({blank} row(s) left blank, not loaded); see the view review_estimates")
    return 0
