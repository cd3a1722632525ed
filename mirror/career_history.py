"""Dated careers reconstructed from year-by-year snapshots of OpenReview profiles (issue 10).

Each papercopilot author file (NeurIPS 2021/2022 and the 22 ``openreview_positions`` venue-years) gives,
per author, the profile history entry — from 2023 on every entry, joined with ``+`` — that covers that
venue's year, as crawled in 2025–26. Read together they are snapshots of the same profiles in different
years. For each profile this module collects ``(year, position, institution, domain)`` observations and
collapses them into entries with the first and last year each was *observed*: an entry seen in 2021 and
2022 ran at least over 2021–2022, not exactly. Those bounds are marked as observed, never as true
start/end years.

A run breaks where the profile was observed in a year without the entry (a move and a move back are two
entries); years in which the profile was not observed at all do not break it.

``python -m mirror.career_history ../shared/data`` rebuilds ``mirror/data/openreview_histories.jsonl.gz``
for every profile id in the bundled NeurIPS 2021/2022 author files.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from etl.papercopilot_authors import pair_author_slots

DATA_DIR = Path(__file__).parent / "data"
HISTORIES_FILE = "openreview_histories.jsonl.gz"
_FILE_YEAR = re.compile(r"(20\d\d)\.jsonl\.gz$")


@dataclass(frozen=True, slots=True)
class Observation:
    profile_id: str
    year: int
    position: str
    institution: str
    domain: str


@dataclass(frozen=True, slots=True)
class ObservedEntry:
    """One history entry with the years it was observed in; ``first_year``/``last_year`` are observed bounds."""

    position: str
    institution: str
    domain: str
    first_year: int
    last_year: int
    years: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"position": self.position, "institution": self.institution, "domain": self.domain,
                "first_year": self.first_year, "last_year": self.last_year, "years": list(self.years)}


def split_joined(position: str, institution: str, domain: str) -> list[tuple[str, str, str]] | None:
    """The entries of one snapshot cell; ``None`` when its ``+``-joined parts do not line up (a guess)."""
    parts = [value.split("+") if value else [] for value in (position, institution, domain)]
    count = max(len(values) for values in parts)
    if count == 0:
        return []
    if any(values and len(values) != count for values in parts):
        return None
    padded = [values or [""] * count for values in parts]
    return [(p.strip(), i.strip(), d.strip().lower()) for p, i, d in zip(*padded, strict=True)
            if p.strip() or i.strip() or d.strip()]


def observations(rows: Iterable[Mapping[str, object]], year: int) -> Iterator[Observation]:
    """Every entry each paired author's profile shows for ``year`` (paired by ``or_profile`` id, not index)."""
    for row in rows:
        slots, _unpaired = pair_author_slots(row)
        for slot in slots:
            if not slot.or_profile.startswith("~"):
                continue
            entries = split_joined(slot.get("position"), slot.get("aff"), slot.get("aff_domain"))
            for position, institution, domain in entries or ():
                yield Observation(slot.or_profile, year, position, institution, domain)


def reconstruct(observed: Iterable[Observation]) -> dict[str, list[ObservedEntry]]:
    """Per profile, its entries with observed bounds, earliest first."""
    years_seen: dict[str, set[int]] = defaultdict(set)
    by_entry: dict[str, dict[tuple[str, str, str], set[int]]] = defaultdict(lambda: defaultdict(set))
    for item in observed:
        years_seen[item.profile_id].add(item.year)
        by_entry[item.profile_id][(item.position, item.institution, item.domain)].add(item.year)
    histories: dict[str, list[ObservedEntry]] = {}
    for profile_id, entries in by_entry.items():
        profile_years = sorted(years_seen[profile_id])
        result = []
        for (position, institution, domain), years in entries.items():
            for run in _runs(sorted(years), profile_years):
                result.append(ObservedEntry(position, institution, domain, run[0], run[-1], tuple(run)))
        histories[profile_id] = sorted(result, key=lambda e: (e.first_year, e.last_year, e.position, e.institution))
    return histories


def _runs(entry_years: list[int], profile_years: list[int]) -> list[list[int]]:
    """Split an entry's years where the profile was observed without it in between."""
    present = set(entry_years)
    runs: list[list[int]] = []
    current: list[int] = []
    for year in profile_years:
        if year in present:
            current.append(year)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def snapshot_files(shared_data: Path) -> list[tuple[Path, int]]:
    """Every papercopilot author file under ``shared/data`` with the venue year it snapshots."""
    neurips = sorted((shared_data / "neurips").glob("20*/openreview_authors.jsonl.gz"))
    files = [(path, int(path.parent.name)) for path in neurips]
    for path in sorted((shared_data / "openreview_positions").glob("*/*.jsonl.gz")):
        match = _FILE_YEAR.search(path.name)
        if match:
            files.append((path, int(match.group(1))))
    return files


def _read_rows(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def build_histories(shared_data: Path, keep: set[str] | None = None) -> dict[str, list[ObservedEntry]]:
    """Histories from every snapshot file, limited to the ids in ``keep`` when given."""
    def all_observations() -> Iterator[Observation]:
        for path, year in snapshot_files(shared_data):
            for item in observations(_read_rows(path), year):
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


@cache
def bundled_histories() -> dict[str, tuple[ObservedEntry, ...]]:
    """The vendored histories by canonical profile id (empty when the file is absent)."""
    path = DATA_DIR / HISTORIES_FILE
    if not path.exists():
        return {}
    result = {}
    for line in _read_rows(path):
        result[line["id"]] = tuple(
            ObservedEntry(e["position"], e["institution"], e["domain"], e["first_year"], e["last_year"],
                          tuple(e["years"])) for e in line["entries"])
    return result


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
    parser.add_argument("--out", type=Path, default=DATA_DIR / HISTORIES_FILE)
    args = parser.parse_args(argv)
    from mirror.source_data import OPENREVIEW_AUTHOR_YEARS, openreview_authors

    keep = {author.or_profile for year in OPENREVIEW_AUTHOR_YEARS for authors in openreview_authors(year).values()
            for author in authors if author.or_profile.startswith("~")}
    count = write_histories(build_histories(args.shared_data, keep), args.out)
    print(f"{count:,} profiles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
