"""Benchmark: how crawl, load, build and resolution grow with a SYNTHETIC population of 1×, 10×, 100×
NeurIPS 2022 (``mirror.synthetic``: real team sizes, coauthor structure, name and affiliation
distributions; conference ``synthetic``).

Every stage runs in its own child process, so its peak memory (the child's VmHWM) is its own:

* crawl — ``scrapy crawl neurips_virtual -a conference=synthetic`` against the loopback mirror, which
  serves the synthetic feed (one response, the bulk path) — time from Scrapy's ``elapsed_time_seconds``;
* load — landing file → raw tables (``warehouse.load``);
* build — staging, core tables and views (``warehouse.build``);
* resolve_people — ``etl.people.resolve_records`` over every authorship;
* resolve_affiliations — ``warehouse.models.core.authorship_affiliations.resolve_authorship_affiliations``.

The growth exponent per stage is the least-squares slope of log(seconds) on log(authorships): 1 is
linear, 2 quadratic; n log n over 1×–100× shows as about 1.1. The same slope of person resolution's
candidate pairs is printed too: it is the resolver's growth without the machine's noise. Run:

    .venv/bin/python bench/scale.py [--quick] [--work-dir DIR]

``--quick`` runs 1× and 10× only. Prints a table, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.paths import REPO_ROOT  # noqa: E402

STAGES = ("crawl", "load", "build", "resolve_people", "resolve_affiliations")


# --- stages run in a child process ----------------------------------------------------------------
def _stage(name: str, warehouse: Path, landing: Path) -> dict[str, Any]:
    from warehouse.pipeline import open_for_write

    con = open_for_write(warehouse)
    try:
        started = time.perf_counter()
        if name == "load":
            from warehouse.load import load_landing

            report = load_landing(con, [landing])
            extra: dict[str, Any] = {"records": report.lines}
        elif name == "build":
            from warehouse.build import build

            report = build(con)
            extra = {"slowest_models": dict(sorted(report.seconds_by_model.items(), key=lambda kv: -kv[1])[:3])}
        elif name == "resolve_people":
            from etl.people.resolve import resolve_with_report, row_from_mapping

            rows = con.execute(
                """SELECT conference || '/' || year || '/' || paper_id || '/' || author_position AS id,
                          conference || '/' || year || '/' || paper_id AS paper_id, author_position,
                          author_name AS name, raw_affiliation AS affiliation, email_domain, year
                   FROM core_authorships"""
            ).to_arrow_table().to_pylist()
            author_rows = [row_from_mapping(r) for r in rows]
            del rows
            started = time.perf_counter()  # time the resolver, not the query nor the row conversion
            _, report = resolve_with_report(author_rows)
            rows = author_rows
            extra = {"rows": len(rows), "candidate_pairs": report.candidate_pairs, "persons": report.persons}
        elif name == "resolve_affiliations":
            from etl.affiliations.resolver import load_resolver
            from warehouse.models.core.authorship_affiliations import resolve_authorship_affiliations

            resolver = load_resolver()
            started = time.perf_counter()  # the registry load is a constant, not growth
            resolve_authorship_affiliations(con, resolver)
            extra = {"distinct_strings": con.execute(
                "SELECT count(DISTINCT raw_affiliation) FROM authorships").fetchone()[0]}
        else:
            raise SystemExit(f"unknown stage {name}")
        return {"seconds": time.perf_counter() - started, **extra}
    finally:
        con.close()


def _peak_rss_mb(pid: int) -> float | None:
    """The process's own high-water RSS (VmHWM). Not ``wait4``'s ru_maxrss: Linux starts a child's
    ru_maxrss at the parent's RSS when it forks, and this driver holds the population and the mirror."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _run_child(command: list[str], env: dict[str, str] | None = None) -> tuple[int, float, float, str]:
    """(returncode, wall seconds, peak RSS MB of the child, stdout), polling VmHWM until it exits."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=REPO_ROOT)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _peak_rss_mb(process.pid) or 0.0)
            time.sleep(0.05)
        out.seek(0)
        text = out.read().decode()
    return process.returncode, time.perf_counter() - started, peak, text


# --- driver ----------------------------------------------------------------------------------------
def growth_exponent(sizes: list[float], seconds: list[float]) -> float | None:
    """Least-squares slope of log(seconds) against log(size)."""
    points = [(math.log(n), math.log(max(t, 1e-3))) for n, t in zip(sizes, seconds, strict=True)]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx, 2) if sxx else None


def run_scale(scale: float, work: Path, mirror: Any) -> dict[str, Any]:
    from mirror.page import JSON
    from mirror.synthetic import CONFERENCE, YEAR, feed_bytes, feed_path, generate
    from talent.crawl import crawl_command, mirror_settings

    started = time.perf_counter()
    population = generate(scale)
    body = feed_bytes(population)
    generate_seconds = time.perf_counter() - started
    mirror.override(feed_path(), body, JSON)
    folder = work / f"x{scale:g}"
    shutil.rmtree(folder, ignore_errors=True)
    landing, warehouse = folder / "landing", folder / "talent.duckdb"
    crawl_id = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{CONFERENCE}-x{scale:g}-crawl"
    settings = {
        **mirror_settings(mirror.base_url),
        "LANDING_DIR": str(landing),
        "DOWNLOAD_MAXSIZE": 0,  # the 100× feed is ~0.4 GB in one response
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": 900,
    }
    command = crawl_command("neurips_virtual", {"year": str(YEAR), "conference": CONFERENCE, "crawl_id": crawl_id},
                            settings)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    code, wall, peak, _ = _run_child(command, env)
    manifest = json.loads((landing / "neurips_virtual" / f"{crawl_id}.manifest.json").read_text())
    stages: dict[str, Any] = {"crawl": {
        "seconds": round(float(manifest["stats"].get("elapsed_time_seconds", wall)), 2),
        "wall_seconds": round(wall, 2), "peak_rss_mb": round(peak), "returncode": code,
        "records": manifest["stats"].get("landing/papers", 0), "response_mb": round(len(body) / 2**20, 1),
    }}
    for stage in STAGES[1:]:
        command = [sys.executable, __file__, "--stage", stage, "--warehouse", str(warehouse), "--landing", str(landing)]
        code, wall, peak, out = _run_child(command)
        result = json.loads(out.strip().splitlines()[-1]) if code == 0 else {"error": out[-500:]}
        stages[stage] = {**result, "seconds": round(result.get("seconds", float("nan")), 2),
                         "wall_seconds": round(wall, 2), "peak_rss_mb": round(peak), "returncode": code}
        print(f"  ×{scale:g} {stage}: {stages[stage]['seconds']} s, {round(peak)} MB", flush=True)
    return {"scale": scale, "papers": len(population.results), "authorships": population.authorships,
            "persons": population.persons, "generate_seconds": round(generate_seconds, 2), "stages": stages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1× and 10× only")
    parser.add_argument("--scales", help="comma-separated scales (default 1,10,100)")
    parser.add_argument("--work-dir", type=Path, help="keep landing files and warehouses here")
    parser.add_argument("--stage", choices=STAGES[1:], help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--landing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.stage, args.warehouse, args.landing)))
        return 0

    from mirror.server import MirrorServer

    scales = [float(s) for s in args.scales.split(",")] if args.scales else ([1, 10] if args.quick else [1, 10, 100])
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="talent-scale-"))
    runs = []
    with MirrorServer() as mirror:
        for scale in scales:
            print(f"scale ×{scale:g}", flush=True)
            runs.append(run_scale(scale, work, mirror))
            mirror.clear_overrides()
    sizes = [run["authorships"] for run in runs]
    exponents = {stage: growth_exponent(sizes, [run["stages"][stage]["seconds"] for run in runs]) for stage in STAGES}
    header = "".join(f"{'×' + format(s, 'g') + ' s':>12}{'MB':>8}" for s in scales)
    print(f"{'stage':<22}{header}{'exponent':>10}")
    for stage in STAGES:
        cells = "".join(f"{r['stages'][stage]['seconds']:>12}{r['stages'][stage]['peak_rss_mb']:>8}" for r in runs)
        print(f"{stage:<22}{cells}{exponents[stage]!s:>10}")
    pairs = [run["stages"]["resolve_people"].get("candidate_pairs") for run in runs]
    pair_exponent = growth_exponent(sizes, pairs) if all(pairs) else None
    print(f"{'candidate pairs':<22}" + "".join(f"{p!s:>20}" for p in pairs) + f"{pair_exponent!s:>10}")
    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"bench": "scale", "synthetic": True, "scales": scales, "size_measure": "authorships",
                      "runs": runs, "growth_exponent": exponents,
                      "candidate_pairs": pairs, "candidate_pairs_exponent": pair_exponent}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
