"""Benchmark: the dated-career (history) build for every vendored profile — wall time and peak memory.

Stages and resolves every entry of every profile in ``mirror/data/openreview_histories.jsonl.gz`` (the real
careers rebuilt from year-by-year snapshots, issue 10) exactly as ``person_education`` does: observed
bounds, the years the rest of the profile was seen (``finished_from_year``), stage, institution, country and
its source, degree rule and precedence tier. The resolver is loaded once, outside the timing; each run
builds a fresh lookup over it. Run:

    .venv/bin/python bench/careers.py [--runs 3]

Prints one line per run, then one JSON object as the last line (median of the runs, peak traced memory of
the build, process peak RSS, row counts by stage and by evidence tier).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.people.career_snapshots import bundled_histories  # noqa: E402
from etl.people.history import (  # noqa: E402
    BOUNDS_OBSERVED,
    SOURCE_PROFILE,
    HistoryEntry,
    ResolverLookup,
    profile_observation_years,
    stage_entry,
)


def entries_of_all_profiles() -> list[HistoryEntry]:
    entries = []
    for profile_id, history in bundled_histories().items():
        years = tuple(profile_observation_years([(e.first_year, e.last_year) for e in history]))
        for e in history:
            entries.append(HistoryEntry(SOURCE_PROFILE, profile_id, "history", e.position, e.institution,
                                        e.domain or None, None, e.first_year, e.last_year, bounds=BOUNDS_OBSERVED,
                                        later_observations=years))
    return entries


def build(entries: list[HistoryEntry], resolver: object) -> tuple[Counter[str], Counter[str]]:
    lookup = ResolverLookup(resolver)
    stages: Counter[str] = Counter()
    tiers: Counter[str] = Counter()
    for entry in entries:
        staged = stage_entry(entry, lookup)
        stages[staged.stage + (":degree" if staged.is_degree else "")] += 1
        tiers[f"{staged.country_source}/{staged.degree_evidence}"] += 1
    return stages, tiers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from etl.affiliations.resolver import load_resolver

    started = time.perf_counter()
    resolver = load_resolver()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    entries = entries_of_all_profiles()
    read_s = time.perf_counter() - started
    times, peaks = [], []
    stages: Counter[str] = Counter()
    tiers: Counter[str] = Counter()
    for run in range(args.runs):
        tracemalloc.start()
        started = time.perf_counter()
        stages, tiers = build(entries, resolver)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        times.append(elapsed)
        peaks.append(peak)
        print(f"run {run + 1}: {len(entries):,} entries in {elapsed:.2f} s, peak traced {peak / 2**20:.1f} MiB")
    result = {
        "profiles": len(bundled_histories()), "entries": len(entries), "runs": args.runs,
        "median_s": round(statistics.median(times), 3), "times_s": [round(t, 3) for t in times],
        "entries_per_s": round(len(entries) / statistics.median(times)),
        "peak_traced_mib": round(statistics.median(peaks) / 2**20, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "resolver_load_s": round(load_s, 2), "read_histories_s": round(read_s, 2),
        "stages": dict(sorted(stages.items())), "evidence_tiers": dict(sorted(tiers.items())),
    }
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
