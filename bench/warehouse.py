"""Benchmark the warehouse: build, export and every study view, on the mirrored years and a synthetic population.

    .venv/bin/python bench/warehouse.py [--warehouse warehouse/talent.duckdb] [--synthetic PATH] [--runs 3]

For each warehouse file (the demo one built by ``make demo`` from the mirrored NeurIPS years, and with
``--synthetic`` a 10× synthetic population file from the operations issue), on a private copy so the file
itself is never changed:

* build: ``warehouse.build.build`` (every model, from the raw layer) — median of the runs, plus the median
  seconds of the study-view model;
* export: ``talent export`` of every table to a fresh directory — median, with rows and bytes written;
* study views: each ``study_*`` view fully evaluated (``SELECT count(*)`` over it) — median per view and for
  all of them together.

A synthetic file may hold ready-made people tables rather than a raw layer a build can rebuild from; the
build is then still timed (or its error recorded), but export and views run on the file as given. The last line
printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from warehouse.build import build  # noqa: E402
from warehouse.export import export  # noqa: E402
from warehouse.migrate import migrate  # noqa: E402

STUDY_PREFIX = "study_"  # the study marts: warehouse/models/marts/study_*.sql


def timed(fn) -> float:  # noqa: ANN001 - any zero-argument callable
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def study_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'study\\_%' ESCAPE '\\' ORDER BY 1").fetchall()]


def bench_build(path: Path, runs: int) -> dict:
    seconds, study_seconds = [], []
    con = duckdb.connect(str(path))
    try:
        migrate(con)
        for _ in range(runs):
            started = time.perf_counter()
            report = build(con)
            seconds.append(time.perf_counter() - started)
            study_seconds.append(sum(s for name, s in report.seconds_by_model.items() if name.startswith(STUDY_PREFIX)))
        slowest = sorted(report.seconds_by_model.items(), key=lambda kv: -kv[1])[:5]
    except Exception as exc:  # a synthetic file without a raw layer: report it, keep benchmarking the rest
        return {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    finally:
        con.close()
    return {
        "median_s": round(statistics.median(seconds), 3),
        "runs_s": [round(s, 3) for s in seconds],
        "study_model_median_s": round(statistics.median(study_seconds), 3),
        "slowest_models_last_run_s": {name: round(s, 3) for name, s in slowest},
    }


def bench_export(path: Path, runs: int, scratch: Path) -> dict:
    seconds, rows, size = [], {}, 0
    con = duckdb.connect(str(path), read_only=True)
    try:
        for i in range(runs):
            out = scratch / f"export-{i}"
            started = time.perf_counter()
            result = export(con, out)
            seconds.append(time.perf_counter() - started)
            rows = result.rows_by_table()
            size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
            shutil.rmtree(out)
    finally:
        con.close()
    return {"median_s": round(statistics.median(seconds), 3), "runs_s": [round(s, 3) for s in seconds],
            "rows": rows, "parquet_bytes": size}


def bench_views(path: Path, runs: int) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        views = study_views(con)
        if not views:
            return {"error": "no study_* views (talent_records absent when the warehouse was built)"}
        per_view: dict[str, list[float]] = {v: [] for v in views}
        totals, row_counts = [], {}
        for _ in range(runs):
            total = 0.0
            for view in views:  # names from the catalog
                started = time.perf_counter()
                row_counts[view] = con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0]  # noqa: S608
                elapsed = time.perf_counter() - started
                per_view[view].append(elapsed)
                total += elapsed
            totals.append(total)
        persons = con.execute(
            "SELECT count(*) FROM study_population WHERE tier = 'all' AND track = 'all'").fetchone()[0]
    finally:
        con.close()
    return {
        "all_views_median_s": round(statistics.median(totals), 3),
        "per_view_median_s": {v: round(statistics.median(s), 4) for v, s in per_view.items()},
        "rows": row_counts,
        "person_years": persons,
    }


def talent_rows(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'talent_records'").fetchone()[0]
        return con.execute("SELECT count(*) FROM talent_records").fetchone()[0] if present else 0
    finally:
        con.close()


def bench_file(source: Path, runs: int) -> dict:
    """Build on one copy; export and views on the rebuilt copy unless the rebuild lost people rows (a synthetic
    file whose people tables were written directly, without a raw layer), then on the file as given."""
    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as tmp:
        scratch = Path(tmp)
        rebuilt = scratch / "rebuilt.duckdb"
        shutil.copy(source, rebuilt)
        result = {"warehouse": str(source), "bytes": source.stat().st_size, "build": bench_build(rebuilt, runs)}
        queried = rebuilt
        if "error" in result["build"] or talent_rows(rebuilt) < talent_rows(source):
            queried = scratch / "as_given.duckdb"
            shutil.copy(source, queried)
        result["queries_on"] = "rebuilt copy" if queried == rebuilt else "file as given"
        result["export"] = bench_export(queried, runs, scratch)
        result["study_views"] = bench_views(queried, runs)
    return result


def summary_line(name: str, figures: dict) -> str:
    build_part = figures["build"].get("median_s", figures["build"].get("error"))
    views = figures["study_views"]
    return (f"{name}: build {build_part} s, export {figures['export']['median_s']} s "
            f"({sum(figures['export']['rows'].values())} rows), study views "
            f"{views.get('all_views_median_s', views.get('error'))} s over {views.get('person_years', 0)} person-years")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/talent.duckdb"),
                        help="warehouse of the mirrored years (default %(default)s, made by `make demo`)")
    parser.add_argument("--synthetic", type=Path, help="warehouse file of the 10x synthetic population")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    figures: dict = {"runs": args.runs, "mirrored": bench_file(args.warehouse, args.runs)}
    print(summary_line("mirrored years", figures["mirrored"]))
    if args.synthetic:
        figures["synthetic"] = bench_file(args.synthetic, args.runs)
        print(summary_line("synthetic", figures["synthetic"]))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
