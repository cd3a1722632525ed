"""Throughput of the homepage degree extractor: pages per second over the fictional fixture pages.

Each run extracts every fixture page ``--repeat`` times with a cold per-name institution cache (the
affiliation resolver's own cache is cleared too), so a run measures parsing, pairing and resolving, not
lookups of the previous run; the median of ``--runs`` runs is reported. Prints one JSON object last.

``.venv/bin/python bench/homepages.py [--runs 5] [--repeat 20]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.education.evaluate import load_pages, score  # noqa: E402
from etl.education.homepage_extract import extract_statements  # noqa: E402
from etl.education.institutions import InstitutionResolver  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="passes over the fixture pages per run")
    args = parser.parse_args(argv)
    from etl.affiliations.resolver import load_resolver

    base = load_resolver()
    pages = load_pages()
    rates: list[float] = []
    for _ in range(args.runs):
        base.clear_cache()
        resolver = InstitutionResolver(base)
        started = time.perf_counter()
        for _ in range(args.repeat):
            for page in pages:
                extract_statements(page.html, resolver)
        rates.append(len(pages) * args.repeat / (time.perf_counter() - started))
    resolver = InstitutionResolver(base)
    scores = score((page, extract_statements(page.html, resolver)) for page in pages)
    sizes = [len(page.html.encode()) for page in pages]
    print(json.dumps({
        "bench": "homepages",
        "pages": len(pages),
        "median_page_bytes": int(statistics.median(sizes)),
        "runs": args.runs,
        "pages_per_run": len(pages) * args.repeat,
        "pages_per_s_runs": [round(r, 1) for r in rates],
        "pages_per_s": round(statistics.median(rates), 1),
        **{f"{stage}_precision": round(s.precision, 3) for stage, s in scores.items()},
        **{f"{stage}_recall": round(s.recall, 3) for stage, s in scores.items()},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
