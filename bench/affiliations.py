"""Benchmark the affiliation resolver: load time, warm throughput, peak memory, and a naive baseline.

    .venv/bin/python bench/affiliations.py [--gold-dir ../shared/data/gold/affiliations]

* registry load: the cached registry + name index, as every CLI call pays it;
* warm throughput: resolver loaded and exercised on a disjoint warm-up set, then every cache cleared
  (resolver results, name keys, country mentions) before each of 3 timed runs over distinct strings — median reported;
* baseline: rapidfuzz ``process.extractOne`` of each string over every registry name, on a 500-string
  sample, against ours on the same sample: speed ratio and accuracy on labelled strings (S2AFF ids in
  the registry when the gold dir exists, else NeurIPS names labelled by their email domain's owner);
* peak memory: the process's max RSS.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process  # noqa: E402

from etl.affiliations import gold  # noqa: E402
from etl.affiliations.index_cache import load_index  # noqa: E402
from etl.affiliations.resolver import AffiliationResolver  # noqa: E402
from etl.countries import clear_mention_cache  # noqa: E402
from etl.name_keys import name_key  # noqa: E402
from etl.registry import sources  # noqa: E402
from etl.registry.paths import DEFAULT_GOLD_DIR, REGISTRY_DATA_DIR  # noqa: E402
from etl.registry.store import load_or_build  # noqa: E402

SAMPLE = 500


def workload(gold_dir: Path | None) -> list[str]:
    """Distinct real affiliation strings: NeurIPS 2021/22 names, plus the gold sets when available."""
    strings = {aff for aff, _domain, _n in sources.read_aff_domain_pairs(REGISTRY_DATA_DIR)}
    if gold_dir and gold_dir.is_dir():
        strings.update(c.affiliation for c in gold.load_papercopilot(gold_dir))
        strings.update(c.affiliation for c in gold.load_s2aff(gold_dir))
        strings.update(c.affiliation for c in gold.load_ror_api(gold_dir))
    return sorted(s for s in strings if s.strip())


def labelled_sample(resolver: AffiliationResolver, gold_dir: Path | None, rng: random.Random
                    ) -> tuple[str, list[tuple[str, frozenset[str]]]]:
    if gold_dir and gold_dir.is_dir():
        ids = set(resolver.index.info)
        cases = [(c.affiliation, c.ror_ids) for c in gold.load_s2aff(gold_dir) if c.ror_ids <= ids]
        label = "s2aff gold ids in registry"
    else:
        cases = []
        for aff, domain, _n in sources.read_aff_domain_pairs(REGISTRY_DATA_DIR):
            owner = resolver.index.domain_owner(domain)
            if owner:
                cases.append((aff, frozenset({owner})))
        label = "neurips names labelled by email-domain owner"
    rng.shuffle(cases)
    return label, cases[:SAMPLE]


def timed_pass(resolver: AffiliationResolver, strings: list[str]) -> float:
    resolver.clear_cache()
    name_key.cache_clear()
    clear_mention_cache()
    started = time.perf_counter()
    for s in strings:
        resolver.resolve(s)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD_DIR)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    gold_dir = args.gold_dir if args.gold_dir.is_dir() else None
    rng = random.Random(20240601)

    started = time.perf_counter()
    registry = load_or_build()
    index = load_index(registry)
    load_seconds = time.perf_counter() - started
    resolver = AffiliationResolver(registry, index)

    strings = workload(gold_dir)
    rng.shuffle(strings)
    warmup, measured = strings[: len(strings) // 5], strings[len(strings) // 5:]
    for s in warmup:
        resolver.resolve(s)
    seconds = [timed_pass(resolver, measured) for _ in range(args.runs)]
    median = statistics.median(seconds)
    throughput = len(measured) / median
    print(f"registry load (cached): {load_seconds:.2f}s; {len(registry.institutions)} institutions")
    print(f"warm throughput: {len(measured)} distinct strings, runs {[round(s, 3) for s in seconds]}s, "
          f"median {throughput:,.0f} strings/s")

    label, cases = labelled_sample(resolver, gold_dir, rng)
    choices = list(index.exact)
    resolver.clear_cache()
    name_key.cache_clear()
    clear_mention_cache()
    t0 = time.perf_counter()
    ours = [resolver.resolve(a) for a, _ in cases]
    ours_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = [process.extractOne(name_key(a), choices, scorer=fuzz.WRatio) for a, _ in cases]
    naive_seconds = time.perf_counter() - t0

    def ours_ok(results, expected) -> bool:
        return any(r.institution_id in expected for r in results)

    def naive_ok(hit, expected) -> bool:
        return bool(hit) and any(iid in expected for iid, _ in index.exact[hit[0]][:1])

    ours_acc = sum(ours_ok(r, e) for r, (_, e) in zip(ours, cases, strict=True)) / len(cases)
    naive_acc = sum(naive_ok(h, e) for h, (_, e) in zip(naive, cases, strict=True)) / len(cases)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"baseline on {len(cases)} strings ({label}): naive extractOne over {len(choices):,} names "
          f"{len(cases) / naive_seconds:,.1f} strings/s, accuracy {naive_acc:.3f}; "
          f"ours {len(cases) / ours_seconds:,.0f} strings/s, accuracy {ours_acc:.3f}")
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")
    print(json.dumps({
        "registry_load_seconds": round(load_seconds, 3),
        "institutions": len(registry.institutions),
        "warm_strings": len(measured),
        "warm_run_seconds": [round(s, 3) for s in seconds],
        "warm_throughput_per_s": round(throughput, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "baseline_sample": len(cases),
        "baseline_label_source": label,
        "baseline_names": len(choices),
        "baseline_throughput_per_s": round(len(cases) / naive_seconds, 2),
        "ours_sample_throughput_per_s": round(len(cases) / ours_seconds, 1),
        "speed_ratio": round(naive_seconds / ours_seconds, 1),
        "baseline_accuracy": round(naive_acc, 4),
        "ours_accuracy": round(ours_acc, 4),
        "accuracy_ratio": round(ours_acc / naive_acc, 3) if naive_acc else None,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
