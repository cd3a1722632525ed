"""Dated careers reconstructed from year-by-year snapshots of OpenReview profiles (issue 10).

Each papercopilot author file (NeurIPS 2021/2022 and the 22 ``openreview_positions`` venue-years) gives,
per author, the profile history entry — from 2023 on every entry, joined with ``+`` — that covers that
venue's year, as crawled in 2025–26. Read together they are snapshots of the same profiles in different
years. For each profile the observations ``(year, position, institution, domain)`` collapse into entries
with the first and last year each was *observed*: an entry seen in 2021 and 2022 ran at least over
2021–2022, not exactly. Those bounds are marked as observed, never as true start/end years.

A run breaks where the profile was observed in a year without the entry (a move and a move back are two
entries); years in which the profile was not observed at all do not break it.

The reconstruction is pure (rows in, entries out) and the people stages read the bundled result, so it lives
in etl; :mod:`mirror.career_history` rebuilds the bundled file from the shared data and serves it.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from etl.papercopilot_authors import pair_author_slots
from etl.paths import REPO_ROOT

HISTORIES_FILE = "openreview_histories.jsonl.gz"
BUNDLED_HISTORIES = REPO_ROOT / "mirror" / "data" / HISTORIES_FILE


@dataclass(frozen=True, slots=True)
class Observation:
    """One entry a profile showed in one venue-year's snapshot."""

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


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@cache
def bundled_histories() -> dict[str, tuple[ObservedEntry, ...]]:
    """The vendored histories by canonical profile id (empty when the file is absent)."""
    path = BUNDLED_HISTORIES
    if not path.exists():
        return {}
    result = {}
    for line in read_rows(path):
        result[line["id"]] = tuple(
            ObservedEntry(e["position"], e["institution"], e["domain"], e["first_year"], e["last_year"],
                          tuple(e["years"])) for e in line["entries"])
    return result
