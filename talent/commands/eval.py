"""``talent eval affiliations`` and ``talent eval authors``: accuracy against labelled data.

The scoring is the evaluated package's own (:mod:`etl.affiliations.evaluate`, :mod:`etl.people.evaluation`);
these handlers choose the data, print the table and one JSON line a script can keep.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from etl.registry.paths import DEFAULT_GOLD_DIR
from talent.commands._args import command_group


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(subparsers, "eval", "measure accuracy against labelled data", metavar="WHAT")

    affiliations = sub.add_parser("affiliations", help="score the resolver against the gold sets")
    affiliations.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD_DIR,
                              help="directory of gold affiliation sets (default: %(default)s)")
    affiliations.set_defaults(handler=run_affiliations)

    authors = sub.add_parser("authors", help="B³ of person resolution against OpenReview profile ids")
    authors.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder with 2021/ and 2022/openreview_authors.jsonl.gz (default: ../shared/data/neurips, "
        "else mirror/data)",
    )
    authors.add_argument("--rate", type=float, default=0.3, help="fraction of rows whose name is varied")
    authors.add_argument("--seed", default="talent", help="perturbation seed (which rows vary, and how)")
    authors.add_argument("--model", type=Path, default=None)
    authors.set_defaults(handler=run_authors)


def run_affiliations(args: argparse.Namespace) -> int:
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


def run_authors(args: argparse.Namespace) -> int:
    from etl.people.evaluation import evaluate, perturbed
    from etl.people.labelled_authorships import default_data_dir, load_openreview_authorships
    from etl.people.records import load_model

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
