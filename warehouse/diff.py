"""What changed between two crawls of one source: records added, removed and changed, field by field.

Built on the raw layer alone: ``raw_record_sightings`` says which version (content hash) each crawl saw
of each record, and ``raw_records`` holds every version's data. Equal hashes mean an unchanged record,
so only changed records are read and compared. Crawl ids sort by time (``YYYYmmddTHHMMSSZ-…``), the same
order staging uses to pick the latest version.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one record: ``field`` reads like ``title`` or ``author 3 institution``."""

    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.field} added: {self.after!r}"
        if self.after is None:
            return f"{self.field} removed: {self.before!r}"
        return f"{self.field}: {self.before!r} → {self.after!r}"


@dataclass(slots=True)
class RecordChange:
    record_key: str
    changes: list[FieldChange]


@dataclass(slots=True)
class CrawlDiff:
    source: str
    crawl_a: str
    crawl_b: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self.source}: {self.crawl_a} → {self.crawl_b}: {len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed, {self.unchanged} unchanged"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DiffError(ValueError):
    """A crawl that the warehouse has not loaded, or a source with fewer than two crawls."""


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Leaf values by readable path; an ``authors`` list is keyed by position, not list index, so an
    inserted author shows as one added author rather than every later author changed."""
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(value[key], f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and prefix == "authors" and all(isinstance(a, dict) for a in value):
        for index, author in enumerate(value, start=1):
            position = author.get("position", index)
            for key in sorted(author):
                if key != "position":
                    out[f"author {position} {key}"] = author[key]
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """Field-level differences between two versions of one record, in a stable order."""
    flat_before: dict[str, Any] = {}
    flat_after: dict[str, Any] = {}
    _flatten(before, "", flat_before)
    _flatten(after, "", flat_after)
    changes = []
    for path in sorted(set(flat_before) | set(flat_after), key=_path_order):
        old, new = flat_before.get(path), flat_after.get(path)
        if old != new:
            changes.append(FieldChange(path, old, new))
    return changes


def _path_order(path: str) -> tuple[int, int, str]:
    """Record fields first, then authors by position."""
    if path.startswith("author "):
        position = path.split(" ", 2)[1]
        return (1, int(position) if position.isdigit() else 0, path)
    return (0, 0, path)


def crawls_of(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT crawl_id FROM raw_record_sightings WHERE source = ? ORDER BY crawl_id", [source]
    ).fetchall()
    return [row[0] for row in rows]


def sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT DISTINCT source FROM raw_record_sightings ORDER BY 1").fetchall()]


def source_of(con: duckdb.DuckDBPyConnection, crawl_id: str) -> str:
    row = con.execute("SELECT any_value(source) FROM raw_record_sightings WHERE crawl_id = ?", [crawl_id]).fetchone()
    if row is None or row[0] is None:
        raise DiffError(f"crawl {crawl_id} is not in the warehouse (load its landing file first)")
    return row[0]


def target_of(con: duckdb.DuckDBPyConnection, crawl_id: str) -> str:
    """What a crawl covered: ``conference/year`` from its paper keys (``neurips/2022/…``), else ``profiles``.

    Two crawls of one source for different years share no records, so their diff says "everything removed,
    everything added": a comparison nobody means to make.
    """
    rows = con.execute(
        """SELECT DISTINCT regexp_extract(record_key, '^([^/]+/[0-9]{4})/', 1) FROM raw_record_sightings
           WHERE crawl_id = ? ORDER BY 1""", [crawl_id]
    ).fetchall()
    targets = [row[0] for row in rows if row[0]]
    return ", ".join(targets) if targets else "profiles"


def latest_pairs(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str]]:
    """The two latest crawls of each conference-year of ``source`` (one pair per year crawled twice)."""
    by_target: dict[str, list[str]] = {}
    for crawl in crawls_of(con, source):
        by_target.setdefault(target_of(con, crawl), []).append(crawl)
    return [(crawls[-2], crawls[-1]) for _, crawls in sorted(by_target.items()) if len(crawls) >= 2]


def latest_pair(con: duckdb.DuckDBPyConnection, source: str) -> tuple[str, str]:
    """The two latest crawls of ``source`` that cover the same conference-year as its latest crawl."""
    crawls = crawls_of(con, source)
    if len(crawls) < 2:
        raise DiffError(f"source {source} has {len(crawls)} loaded crawl(s); a diff needs two")
    target = target_of(con, crawls[-1])
    same = [crawl for crawl in crawls if target_of(con, crawl) == target]
    if len(same) < 2:
        raise DiffError(f"source {source} has one loaded crawl of {target}; a diff needs two of the same year")
    return same[-2], same[-1]


def crawl_diff(con: duckdb.DuckDBPyConnection, source: str, crawl_a: str, crawl_b: str) -> CrawlDiff:
    """Records of ``source`` added, removed and changed from crawl ``crawl_a`` to crawl ``crawl_b``."""
    for crawl in (crawl_a, crawl_b):
        if source_of(con, crawl) != source:
            raise DiffError(f"crawl {crawl} is not a crawl of {source}")
    rows = con.execute(
        """WITH a AS (SELECT record_key, content_sha256 FROM raw_record_sightings WHERE source = $1 AND crawl_id = $2),
                b AS (SELECT record_key, content_sha256 FROM raw_record_sightings WHERE source = $1 AND crawl_id = $3)
           SELECT coalesce(a.record_key, b.record_key) AS record_key, a.content_sha256, b.content_sha256,
                  ra.data, rb.data
           FROM a FULL OUTER JOIN b ON a.record_key = b.record_key
           LEFT JOIN raw_records ra ON ra.source = $1 AND ra.record_key = a.record_key
                AND ra.content_sha256 = a.content_sha256 AND a.content_sha256 IS DISTINCT FROM b.content_sha256
           LEFT JOIN raw_records rb ON rb.source = $1 AND rb.record_key = b.record_key
                AND rb.content_sha256 = b.content_sha256 AND a.content_sha256 IS DISTINCT FROM b.content_sha256
           ORDER BY 1""",
        [source, crawl_a, crawl_b],
    ).fetchall()
    diff = CrawlDiff(source, crawl_a, crawl_b)
    for record_key, hash_a, hash_b, data_a, data_b in rows:
        if hash_a == hash_b:
            diff.unchanged += 1
        elif hash_a is None:
            diff.added.append(record_key)
        elif hash_b is None:
            diff.removed.append(record_key)
        else:
            diff.changed.append(RecordChange(record_key, field_changes(json.loads(data_a), json.loads(data_b))))
    return diff


def diffs(con: duckdb.DuckDBPyConnection, source: str | None = None, crawl_a: str | None = None,
          crawl_b: str | None = None, across_years: bool = False) -> list[CrawlDiff]:
    """The diffs ``talent diff`` reports: two named crawls, or the two latest crawls of each source and
    conference-year. Two named crawls of different conference-years are refused unless ``across_years``."""
    if crawl_a and crawl_b:
        found = source_of(con, crawl_a)
        target_a, target_b = target_of(con, crawl_a), target_of(con, crawl_b)
        if target_a != target_b and not across_years:
            raise DiffError(f"crawl {crawl_a} covers {target_a} but {crawl_b} covers {target_b}: different "
                            "conference-years (pass --across-years to compare them anyway)")
        return [crawl_diff(con, source or found, crawl_a, crawl_b)]
    if crawl_a or crawl_b:
        raise DiffError("name both crawls, or neither for the two latest of each source")
    if source and source not in sources(con):
        raise DiffError(f"no loaded crawls of source {source!r} (loaded: {', '.join(sources(con)) or 'none'})")
    chosen = [source] if source else sources(con)
    results = [crawl_diff(con, s, a, b) for s in chosen for a, b in latest_pairs(con, s)]
    if source and not results:
        raise DiffError(f"source {source} has no conference-year crawled twice; a diff needs two crawls of one year")
    return results
