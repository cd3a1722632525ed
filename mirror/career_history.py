"""Rebuild and serve the dated careers of :mod:`etl.people.career_snapshots` (issue 10).

The reconstruction from year-by-year profile snapshots is etl's; this module finds the snapshot files
under ``shared/data``, writes the bundled ``mirror/data/openreview_histories.jsonl.gz`` and shapes entries
the way OpenReview's API serves ``content.history[]``.

``python -m mirror.career_history ../shared/data`` rebuilds ``mirror/data/openreview_histories.jsonl.gz``
for every profile id in the bundled NeurIPS 2021/2022 author files.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from etl.people.career_snapshots import (
    BUNDLED_HISTORIES,
    Observation,
    ObservedEntry,
    observations,
    read_rows,
    reconstruct,
)

_FILE_YEAR = re.compile(r"(20\d\d)\.jsonl\.gz$")


def snapshot_files(shared_data: Path) -> list[tuple[Path, int]]:
    """Every papercopilot author file under ``shared/data`` with the venue year it snapshots."""
    neurips = sorted((shared_data / "neurips").glob("20*/openreview_authors.jsonl.gz"))
    files = [(path, int(path.parent.name)) for path in neurips]
    for path in sorted((shared_data / "openreview_positions").glob("*/*.jsonl.gz")):
        match = _FILE_YEAR.search(path.name)
        if match:
            files.append((path, int(match.group(1))))
    return files


def build_histories(shared_data: Path, keep: set[str] | None = None) -> dict[str, list[ObservedEntry]]:
    """Histories from every snapshot file, limited to the ids in ``keep`` when given."""
    def all_observations() -> Iterator[Observation]:
        for path, year in snapshot_files(shared_data):
            for item in observations(read_rows(path), year):
                if keep is None or item.profile_id in keep:
                    yield item
    return reconstruct(all_observations())


def write_histories(histories: Mapping[str, list[ObservedEntry]], path: Path) -> int:
    """One JSON line per profile, sorted by id, gzip with a fixed mtime so a rebuild is byte-identical."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        for profile_id in sorted(histories):
            line = {"id": profile_id, "entries": [entry.to_dict() for entry in histories[profile_id]]}
            text.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        text.flush()
        text.detach()
    return len(histories)


def history_entries(entries: Iterable[ObservedEntry]) -> list[dict[str, Any]]:
    """Entries in OpenReview's ``content.history[]`` shape, latest first, with observed bounds marked."""
    ordered = sorted(entries, key=lambda e: (e.last_year, e.first_year), reverse=True)
    return [{
        "position": entry.position,
        "start": entry.first_year,
        "end": entry.last_year,
        "_bounds": "observed",  # mirror-only: first/last year a snapshot showed the entry, not true dates
        "institution": {"name": entry.institution, "domain": entry.domain},
    } for entry in ordered]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="rebuild mirror/data/openreview_histories.jsonl.gz")
    parser.add_argument("shared_data", type=Path, help="path to shared/data")
    parser.add_argument("--out", type=Path, default=BUNDLED_HISTORIES)
    args = parser.parse_args(argv)
    from mirror.source_data import OPENREVIEW_AUTHOR_YEARS, openreview_authors

    keep = {author.or_profile for year in OPENREVIEW_AUTHOR_YEARS for authors in openreview_authors(year).values()
            for author in authors if author.or_profile.startswith("~")}
    count = write_histories(build_histories(args.shared_data, keep), args.out)
    print(f"{count:,} profiles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
