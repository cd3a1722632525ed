"""Benchmark: resolve 200k authorships (SYNTHETIC, built from real rows) — wall time and peak memory.

The rows are the real NeurIPS 2021+2022 OpenReview authorships, whole papers sampled with replacement
under new paper ids (``syn<k>/<forum>``) and years 2015-2024, with names perturbed at 30% the way the
evaluation does. They are marked synthetic: copies of a paper share coauthors and affiliations, which
real later years would not. Run:

    .venv/bin/python bench/people.py [--rows 200000] [--runs 3] [--data-dir DIR]

Prints a table, then one JSON object as the last line (median of the runs, peak RSS, the names-only
baseline timed in the same run, and B³ against the withheld profile ids as a sanity check).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.people.evaluation import b_cubed, baseline_resolve  # noqa: E402
from etl.people.labelled_authorships import LabelledRow, default_data_dir, load_openreview_authorships  # noqa: E402
from etl.people.perturb import perturb_name  # noqa: E402
from etl.people.resolve import resolve_with_report  # noqa: E402


def synthetic_rows(source: list[LabelledRow], n_rows: int, seed: int = 7) -> list[LabelledRow]:
    """Sample whole papers until ``n_rows`` authorships; each copy gets a new paper id and a year."""
    papers: dict[str, list[LabelledRow]] = {}
    for lr in source:
        papers.setdefault(lr.row.paper_id, []).append(lr)
    paper_ids = sorted(papers)
    rng = random.Random(seed)
    out: list[LabelledRow] = []
    k = 0
    while len(out) < n_rows:
        pid = rng.choice(paper_ids)
        new_pid = f"syn{k}/{pid.split('/', 1)[1]}"
        year = 2015 + rng.randrange(10)
        for lr in papers[pid]:
            row_id = f"{new_pid}/{lr.row.author_position}"
            name, _ = perturb_name(lr.row.name, row_id, rate=0.3, seed="bench")
            out.append(LabelledRow(replace(lr.row, id=row_id, paper_id=new_pid, year=year, name=name), lr.truth))
        k += 1
    return out[:n_rows]  # the last paper may lose its tail authors: still valid input


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    source = load_openreview_authorships(args.data_dir or default_data_dir())
    labelled = synthetic_rows(source, args.rows)
    rows = [lr.row for lr in labelled]
    truth = {lr.row.id: lr.truth for lr in labelled if lr.truth}

    times: list[float] = []
    report = None
    mapping: dict[str, str] = {}
    for run in range(args.runs):
        started = time.perf_counter()
        mapping, report = resolve_with_report(rows)
        times.append(time.perf_counter() - started)
        print(f"run {run + 1}: {times[-1]:.2f} s, {report.candidate_pairs} candidate pairs, {report.persons} persons")
    started = time.perf_counter()
    base = baseline_resolve(rows)
    base_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    p, r, f = b_cubed(mapping, truth)
    bp, br, bf = b_cubed(base, truth)
    assert report is not None
    result = {
        "bench": "people.resolve",
        "synthetic": True,
        "rows": len(rows),
        "runs": args.runs,
        "median_seconds": round(statistics.median(times), 2),
        "all_seconds": [round(t, 2) for t in times],
        "peak_rss_mb": round(peak_mb, 1),
        "candidate_pairs": report.candidate_pairs,
        "nodes": report.nodes,
        "persons": report.persons,
        "model_hash": report.model_hash,
        "b3": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
        "baseline": {
            "method": "names-only exact",
            "seconds": round(base_seconds, 2),
            "b3": {"precision": round(bp, 4), "recall": round(br, 4), "f1": round(bf, 4)},
        },
        "target_seconds": 60,
        "meets_target": statistics.median(times) <= 60,
    }
    print(f"{'method':<22}{'seconds':>10}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}")
    print(f"{'resolver (median)':<22}{result['median_seconds']:>10}{p:>8.4f}{r:>8.4f}{f:>8.4f}")
    print(f"{'names-only baseline':<22}{base_seconds:>10.2f}{bp:>8.4f}{br:>8.4f}{bf:>8.4f}")
    print(f"peak RSS {peak_mb:.0f} MB (whole process, input rows included)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
