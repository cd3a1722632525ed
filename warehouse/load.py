"""``talent load``: landing files → append-only raw tables, idempotently, one transaction per file.

Re-loading a file adds nothing (record versions are keyed by source, key and content hash); a file that
grew after a resumed crawl adds only its new lines; a crash mid-load rolls that file back whole. Lines
that cannot be read are recorded with file and line number, and the rest of the file still loads.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("crawl_id", "source", "record_type", "record_key", "source_url", "fetched_at", "body_sha256", "data")


@dataclass(slots=True)
class FileReport:
    file_name: str
    lines: int = 0
    added: int = 0
    bad_lines: int = 0
    rejects: int = 0
    skipped: bool = False


@dataclass(slots=True)
class LoadReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(report.added for report in self.files)

    @property
    def lines(self) -> int:
        return sum(report.lines for report in self.files)


def canonical_sha256(data: object) -> str:
    """Hash of a record's content that ignores key order and whitespace."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def landing_files(paths: Iterable[Path]) -> list[Path]:
    """Record files under the given files or folders, oldest crawl first (crawl ids sort by time)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in path.rglob("*.jsonl") if not p.name.endswith(".rejects.jsonl"))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no landing file or folder at {path}")
    return sorted(set(found), key=lambda p: (p.name, str(p)))


def _read_lines(path: Path) -> tuple[list[dict], list[tuple[int, str]]]:
    records, errors = [], []
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            if not raw.endswith(b"\n"):
                errors.append((line_no, "partial last line (crawl still running or killed mid-write)"))
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                errors.append((line_no, f"not JSON: {exc}"))
                continue
            missing = [name for name in REQUIRED_FIELDS if name not in record]
            if missing:
                errors.append((line_no, f"missing fields {missing}"))
                continue
            records.append(record)
    return records, errors


def _records_table(records: list[dict], loaded_at: datetime) -> pa.Table:
    return pa.table(
        {
            "crawl_id": [r["crawl_id"] for r in records],
            "source": [r["source"] for r in records],
            "record_type": [r["record_type"] for r in records],
            "record_key": [r["record_key"] for r in records],
            "content_sha256": [canonical_sha256(r["data"]) for r in records],
            "source_url": [r["source_url"] for r in records],
            "fetched_at": [r["fetched_at"] for r in records],
            "body_sha256": [r["body_sha256"] for r in records],
            "data": [json.dumps(r["data"], ensure_ascii=False) for r in records],
            "loaded_at": pa.array([loaded_at] * len(records), type=pa.timestamp("us", tz="UTC")),
        }
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Row count, read to the end: duckdb 2.x refuses to unregister a view while a result is unfinished."""
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608 - our table names


def _load_rejects(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    rejects_path = _companion(path, ".rejects.jsonl")
    if not rejects_path.exists():
        return 0
    rows = []
    for raw in rejects_path.read_bytes().splitlines():
        try:
            row = json.loads(raw)
            rows.append((row["crawl_id"], row["source"], row["url"], row.get("status"), row["reason"], row["seen_at"]))
        except (ValueError, KeyError):
            continue
    if not rows:
        return 0
    table = pa.table(
        {
            name: [row[i] for row in rows]
            for i, name in enumerate(["crawl_id", "source", "url", "status", "reason", "seen_at"])
        }
    )
    con.register("incoming_rejects", table)
    try:
        before = _count(con, "raw_rejects")
        con.execute(
            """INSERT INTO raw_rejects
               SELECT DISTINCT crawl_id, source, url, status::INTEGER, reason, seen_at::TIMESTAMPTZ
               FROM incoming_rejects i
               WHERE NOT EXISTS (SELECT 1 FROM raw_rejects r WHERE r.crawl_id = i.crawl_id AND r.url = i.url
                                 AND r.reason = i.reason AND r.seen_at = i.seen_at::TIMESTAMPTZ)"""
        )
        return _count(con, "raw_rejects") - before
    finally:
        con.unregister("incoming_rejects")


def _companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name.removesuffix(".jsonl") + suffix)


def _file_set_sha256(path: Path) -> str:
    """Hash of a crawl's records file and its rejects file: either growing means there is more to load."""
    digest = hashlib.sha256(path.read_bytes())
    rejects = _companion(path, ".rejects.jsonl")
    if rejects.exists():
        digest.update(b"\0rejects\0" + rejects.read_bytes())
    return digest.hexdigest()


def load_file(con: duckdb.DuckDBPyConnection, path: Path) -> FileReport:
    """Load one landing file in one transaction; a file already loaded with the same bytes is skipped."""
    report = FileReport(file_name=path.name)
    file_sha = _file_set_sha256(path)
    seen = con.execute(
        "SELECT count(*) FROM raw_crawls WHERE file_name = ? AND file_sha256 = ?", [path.name, file_sha]
    ).fetchone()[0]
    if seen:
        report.skipped = True
        return report
    records, errors = _read_lines(path)
    report.lines, report.bad_lines = len(records), len(errors)
    manifest_path = _companion(path, ".manifest.json")
    manifest = manifest_path.read_text(encoding="utf-8") if manifest_path.exists() else None
    crawl_id = records[0]["crawl_id"] if records else path.stem
    source = records[0]["source"] if records else path.parent.name
    loaded_at = datetime.now(UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        if records:
            con.register("incoming_records", _records_table(records, loaded_at))
            before = _count(con, "raw_records")
            con.execute(
                """INSERT INTO raw_records (crawl_id, source, record_type, record_key, content_sha256,
                       source_url, fetched_at, body_sha256, data, loaded_at)
                   SELECT crawl_id, source, record_type, record_key, content_sha256, source_url,
                          fetched_at::TIMESTAMPTZ, body_sha256, data::JSON, loaded_at
                   FROM (SELECT *, row_number() OVER (PARTITION BY source, record_key, content_sha256
                                                      ORDER BY fetched_at) AS copy_no
                         FROM incoming_records) i
                   WHERE copy_no = 1 AND NOT EXISTS (
                       SELECT 1 FROM raw_records r WHERE r.source = i.source
                         AND r.record_key = i.record_key AND r.content_sha256 = i.content_sha256)"""
            )
            report.added = _count(con, "raw_records") - before
            # The whole crawl file is read each time, so its newest line per record is the crawl's version:
            # a record re-fetched after a resume replaces the sighting of its older copy.
            con.execute(
                """INSERT INTO raw_record_sightings
                   SELECT crawl_id, source, record_key, arg_max(content_sha256, fetched_at)
                   FROM incoming_records
                   GROUP BY crawl_id, source, record_key
                   ON CONFLICT (crawl_id, source, record_key) DO UPDATE SET content_sha256 = excluded.content_sha256"""
            )
            con.unregister("incoming_records")
        con.execute("DELETE FROM raw_load_errors WHERE file_name = ?", [path.name])  # this read supersedes
        for line_no, problem in errors:
            logger.warning("%s line %d: %s", path, line_no, problem)
            con.execute("INSERT INTO raw_load_errors VALUES (?, ?, ?, ?)", [path.name, line_no, problem, loaded_at])
        report.rejects = _load_rejects(con, path)
        con.execute(
            "INSERT INTO raw_crawls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [crawl_id, source, path.name, file_sha, manifest, report.lines, report.added, report.bad_lines, loaded_at],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return report


def load_landing(con: duckdb.DuckDBPyConnection, paths: Iterable[Path]) -> LoadReport:
    report = LoadReport()
    for path in landing_files(paths):
        file_report = load_file(con, path)
        logger.info(
            "%s: %s",
            path.name,
            "already loaded"
            if file_report.skipped
            else f"{file_report.lines} records, {file_report.added} new versions, {file_report.bad_lines} bad lines",
        )
        report.files.append(file_report)
    return report
