"""``python -m mirror.join_report [YEAR ...] [--json]``: how well 2019/2020 presentations join the proceedings.

Printed for people checking the mirror's feed: which presentations borrowed authors and institutions from
a fuzzily matched paper, and which kept only their bare author list.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from mirror.source_data import HASH_REPAIRS, PROCEEDINGS_YEARS
from mirror.title_join import JoinReport, join_presentations


def format_report(report: JoinReport) -> str:
    summary = report.summary()
    lines = [
        f"NeurIPS {report.year}: {summary['presentations']} presentations -> "
        f"{summary['exact']} exact ({summary['exact_share']:.2%}), {summary['fuzzy']} fuzzy, "
        f"{summary['unmatched_presentations']} unmatched; {summary['unmatched_metadata']} proceedings "
        f"paper(s) with no presentation",
        "  by method: " + ", ".join(f"{name}={count}" for name, count in sorted(summary["by_method"].items())),
    ]
    for match in report.fuzzy:
        lines.append(f"  fuzzy {match.method} {match.score:5.1f}: {match.presentation_title!r}"
                     f" -> {match.metadata_title!r}")
    for match in report.hash_title_disagreements():
        lines.append(f"  retitled (hash link): {match.presentation_title!r} -> {match.metadata_title!r}")
    for item in report.unmatched_presentations:
        lines.append(f"  unmatched presentation ({item['status']}): {item['title']!r}")
    for item in report.unmatched_metadata:
        lines.append(f"  proceedings paper without presentation: {item['title']!r} ({item['hash']})")
    for year, title, paper_hash in HASH_REPAIRS:
        if year == report.year:
            lines.append(f"  metadata hash restored from the presentation link: {title!r} -> {paper_hash}")
    for link in report.dangling_proceeding_links:
        lines.append(f"  proceeding link to unknown hash: {link}")
    return "\n".join(lines)


def print_reports(years: Sequence[int], as_json: bool = False) -> int:
    reports = [join_presentations(year) for year in years]
    if as_json:
        print(json.dumps([report.to_dict() for report in reports], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(format_report(report) for report in reports))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirror.join_report", description=__doc__.splitlines()[0])
    parser.add_argument("years", nargs="*", type=int, help=f"any of {PROCEEDINGS_YEARS} (default: all)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.years) - set(PROCEEDINGS_YEARS))
    if unknown:
        parser.error(f"no presentations/proceedings bundled for {unknown}; choose from {PROCEEDINGS_YEARS}")
    return print_reports(args.years or list(PROCEEDINGS_YEARS), args.json)


if __name__ == "__main__":
    sys.exit(main())
