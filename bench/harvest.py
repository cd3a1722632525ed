"""Benchmark: harvest cost per mirrored year — requests, wall time and records/s for crawl + load.

For 2019 and 2020 the one-request-per-paper path (proceedings: index + one Metadata.json per paper) is
timed beside the bulk path (the virtual-site feed: one GET); for 2022 the OpenReview notes pages (1000
notes a request) beside the feed. Each crawl runs the real command line against the loopback mirror
(``talent.crawl.mirror_settings``: no delay, 2 requests at a time per host), then its landing file is
loaded into a fresh warehouse (raw layer only). Median of ``--runs`` (default 3). Run:

    .venv/bin/python bench/harvest.py [--runs 3]

Prints a table, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mirror.server import MirrorServer  # noqa: E402
from talent.crawl import mirror_settings, run_crawl  # noqa: E402
from warehouse.load import load_landing  # noqa: E402
from warehouse.pipeline import open_for_write  # noqa: E402

PLAN = (
    (2019, "neurips_proceedings", "per-paper"),
    (2019, "neurips_virtual", "bulk"),
    (2020, "neurips_proceedings", "per-paper"),
    (2020, "neurips_virtual", "bulk"),
    (2022, "openreview", "bulk (pages of 1000)"),
    (2022, "neurips_virtual", "bulk"),
)


def one_run(mirror: MirrorServer, work: Path, year: int, spider: str) -> dict[str, float]:
    landing = work / "landing"
    mirror.reset_stats()
    run = run_crawl(spider, {"year": str(year)}, landing, settings=mirror_settings(mirror.base_url))
    requests = mirror.stats()["total"]
    con = open_for_write(work / "talent.duckdb")
    try:
        started = time.perf_counter()
        report = load_landing(con, [run.landing_file])
        load_seconds = time.perf_counter() - started
    finally:
        con.close()
    return {"records": run.records, "requests": requests, "crawl_seconds": run.seconds,
            "load_seconds": load_seconds, "loaded": report.lines}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    with MirrorServer() as mirror, tempfile.TemporaryDirectory(prefix="talent-harvest-") as tmp:
        for year, spider, path in PLAN:
            runs = [one_run(mirror, Path(tmp) / f"{year}-{spider}-{n}", year, spider) for n in range(args.runs)]
            crawl = statistics.median(r["crawl_seconds"] for r in runs)
            load = statistics.median(r["load_seconds"] for r in runs)
            records = runs[0]["records"]
            rows.append({
                "year": year, "spider": spider, "path": path, "records": records,
                "requests": int(statistics.median(r["requests"] for r in runs)),
                "crawl_seconds": round(crawl, 2), "load_seconds": round(load, 2),
                "seconds": round(crawl + load, 2),
                "records_per_second": round(records / (crawl + load), 1),
                "all_crawl_seconds": [round(r["crawl_seconds"], 2) for r in runs],
            })
            print(f"{year} {spider:<20} {path:<22} {records:>5} records {rows[-1]['requests']:>5} requests "
                  f"crawl {crawl:6.2f} s load {load:5.2f} s  {rows[-1]['records_per_second']:>7} records/s",
                  flush=True)
    print(json.dumps({"bench": "harvest", "runs": args.runs, "mirror": "loopback", "results": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
