"""``talent load``: landing files → append-only raw tables, idempotently, one transaction per file.

Re-loading a file adds nothing (record versions are keyed by source, key and content hash); a file that
grew after a resumed crawl adds only its new lines; a crash mid-load rolls that file back whole. Each line
is checked against its source's schema (``warehouse.validate``) before it enters raw: a line that fails is
quarantined (``raw_quarantine``, with file, line number and reason) and the rest of the file still loads;
a file that fails whole (unknown source, unreadable) is reported and the next file still loads. The
manifest is checked against the file (crawl id, source, record count, bytes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.validate import SOURCE_RECORD_TYPES, parse_fetched_at, record_problem, unknown_source_message

logger = logging.getLogger(__name__)

MAX_LINE_CHARS = 65_536  # of a refused line kept in raw_quarantine
# Loopback URLs carry the mirror's random port; hashing them as one logical host keeps a demo re-run from
# adding a new version of every record (the data itself keeps the URL as landed).
LOOPBACK_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")


@dataclass(slots=True)
class FileReport:
    file_name: str
    lines: int = 0
    added: int = 0
    bad_lines: int = 0
    rejects: int = 0
    skipped: bool = False
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)  # file-level: manifest disagreeing with the file
    refused: str = ""  # why the whole file was not loaded (unknown source, unreadable)


@dataclass(slots=True)
class LoadReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(report.added for report in self.files)

    @property
    def lines(self) -> int:
        return sum(report.lines for report in self.files)

    @property
    def quarantined(self) -> int:
        return sum(report.quarantined for report in self.files)

    @property
    def refused(self) -> list[str]:
        return [report.refused for report in self.files if report.refused]

    @property
    def problems(self) -> list[str]:
        return [problem for report in self.files for problem in report.problems]

    @property
    def clean(self) -> bool:
        """Nothing quarantined, refused or disagreeing with its manifest: ``talent load`` exits 0."""
        return not (self.quarantined or self.refused or self.problems)


def canonical_sha256(data: object) -> str:
    """Hash of a record's content that ignores key order, whitespace and the port of loopback URLs."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    text = LOOPBACK_URL.sub("http://loopback", text)
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


@dataclass(slots=True)
class RefusedLine:
    """A landing line that did not pass its schema: where it is, why, and what it said."""

    line_no: int
    reason: str
    text: str
    parsed: dict | None = None
    quarantine: bool = True  # a partial last line is only noted: the resumed crawl completes it


def _read_lines(path: Path) -> tuple[list[dict], list[RefusedLine]]:
    """Records that pass ``validate.record_problem``, and every other line with its reason."""
    records: list[dict] = []
    refused: list[RefusedLine] = []
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            text = raw.decode("utf-8", errors="replace").rstrip("\n")
            if not raw.endswith(b"\n"):
                refused.append(RefusedLine(line_no, "partial last line (crawl still running or killed mid-write)",
                                           text, quarantine=False))
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                refused.append(RefusedLine(line_no, f"not JSON: {exc}", text))
                continue
            problem = record_problem(record)
            if problem:
                refused.append(RefusedLine(line_no, problem, text, record if isinstance(record, dict) else None))
                continue
            # one canonical spelling of the time, so the TIMESTAMPTZ cast reads what the check accepted
            record["fetched_at"] = parse_fetched_at(record["fetched_at"]).isoformat()  # type: ignore[union-attr]
            records.append(record)
    return records, refused


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


REJECT_FIELDS = ("crawl_id", "source", "url", "status", "reason", "seen_at")


def reject_problem(row: object) -> str | None:
    """What is wrong with one rejects line (raw_rejects casts status to INTEGER, seen_at to TIMESTAMPTZ)."""
    if not isinstance(row, dict):
        return f"line is a JSON {type(row).__name__}, not an object"
    missing = [name for name in REJECT_FIELDS if name not in row and name != "status"]
    if missing:
        return f"missing fields {missing}"
    for name in ("crawl_id", "source", "url", "reason"):
        if not isinstance(row[name], str) or not row[name]:
            return f"{name} must be a non-empty string, got {row[name]!r:.60}"
    status = row.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        return f"status must be an integer HTTP status or null, got {status!r:.60}"
    if parse_fetched_at(row["seen_at"]) is None:
        return f"seen_at must be an ISO 8601 time with a time zone, got {row['seen_at']!r:.60}"
    return None


def _read_rejects(path: Path) -> tuple[list[tuple], list[RefusedLine]]:
    rows: list[tuple] = []
    refused: list[RefusedLine] = []
    for line_no, raw in enumerate(path.read_bytes().splitlines(keepends=True), start=1):
        if not raw.strip():
            continue
        text = raw.decode("utf-8", errors="replace").rstrip("\n")
        if not raw.endswith(b"\n"):
            refused.append(RefusedLine(line_no, "partial last line", text, quarantine=False))
            continue
        try:
            row = json.loads(raw)
        except ValueError as exc:
            refused.append(RefusedLine(line_no, f"not JSON: {exc}", text))
            continue
        problem = reject_problem(row)
        if problem:
            refused.append(RefusedLine(line_no, problem, text, row if isinstance(row, dict) else None))
            continue
        seen_at = parse_fetched_at(row["seen_at"]).isoformat()  # type: ignore[union-attr]
        rows.append((row["crawl_id"], row["source"], row["url"], row.get("status"), row["reason"], seen_at))
    return rows, refused


def _load_rejects(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> int:
    if not rows:
        return 0
    table = pa.table(
        {name: pa.array([row[i] for row in rows], type=pa.int64() if name == "status" else pa.string())
         for i, name in enumerate(REJECT_FIELDS)}
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


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for raw in handle if raw.strip())


def manifest_problems(path: Path, manifest_text: str | None) -> tuple[dict | None, list[str]]:
    """Check a crawl's manifest against its records file: ids, source, record count and bytes.

    The manifest is written once the crawl closes (scrapers/pipelines.py) with the number of lines and the
    SHA-256 of the records file; a file shorter than its manifest says lost records after the crawl, which
    must be loud. A file longer than it is a resumed crawl still running, which is fine.
    """
    if manifest_text is None:
        return None, []
    try:
        manifest = json.loads(manifest_text)
    except ValueError as exc:
        return None, [f"manifest {path.name} is not JSON ({exc}); loaded the records without it"]
    if not isinstance(manifest, dict):
        return None, [f"manifest {path.name} is a JSON {type(manifest).__name__}, not an object; ignored"]
    problems = []
    crawl_id = path.name.removesuffix(".jsonl")
    if manifest.get("crawl_id") not in (None, crawl_id):
        problems.append(f"manifest names crawl {manifest.get('crawl_id')!r}, the file is crawl {crawl_id!r}")
    source = manifest.get("source")
    if source is not None and source not in SOURCE_RECORD_TYPES:
        problems.append(f"manifest: {unknown_source_message(source)}")
    lines = _line_count(path)
    claimed = manifest.get("records_lines")
    stats = manifest.get("stats") if isinstance(manifest.get("stats"), dict) else {}
    if not isinstance(claimed, int):  # manifests written before records_lines: the run's own landing counts
        counts = [stats.get(f"landing/{kind}") for kind in ("papers", "profiles")]
        claimed = sum(c for c in counts if isinstance(c, int)) if any(isinstance(c, int) for c in counts) else None
    if isinstance(claimed, int) and claimed > lines:
        problems.append(f"manifest claims {claimed} records but {path.name} holds {lines} lines: "
                        f"{claimed - lines} records missing from the file")
    sha = manifest.get("records_sha256")
    if isinstance(sha, str) and manifest.get("records_lines") == lines:
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != sha:
            problems.append(f"{path.name} was changed after its crawl closed (SHA-256 differs from the manifest's)")
    return manifest, problems


def _record_refusals(con: duckdb.DuckDBPyConnection, file_name: str, refused: list[RefusedLine],
                     at: datetime) -> int:
    """Log each refused line in raw_load_errors and keep the quarantinable ones in raw_quarantine."""
    quarantined = 0
    for line in refused:
        logger.warning("%s line %d: %s", file_name, line.line_no, line.reason)
        con.execute("INSERT INTO raw_load_errors VALUES (?, ?, ?, ?)", [file_name, line.line_no, line.reason, at])
        if not line.quarantine:
            continue
        parsed = line.parsed or {}

        def text_of(name: str, parsed: dict = parsed) -> str | None:
            value = parsed.get(name)
            return value if isinstance(value, str) else None

        con.execute(
            "INSERT INTO raw_quarantine VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
            [file_name, line.line_no, text_of("crawl_id"), text_of("source"), text_of("record_key"),
             line.reason, line.text[:MAX_LINE_CHARS], at],
        )
        quarantined += 1
    return quarantined


def _file_source(path: Path, records: list[dict], manifest: dict | None) -> str:
    if records:
        return records[0]["source"]
    if manifest and isinstance(manifest.get("source"), str):
        return manifest["source"]
    return path.parent.name


def _insert_records(con: duckdb.DuckDBPyConnection, records: list[dict], loaded_at: datetime) -> int:
    con.register("incoming_records", _records_table(records, loaded_at))
    try:
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
        added = _count(con, "raw_records") - before
        # The whole crawl file is read each time, so its newest line per record is the crawl's version:
        # a record re-fetched after a resume replaces the sighting of its older copy.
        con.execute(
            """INSERT INTO raw_record_sightings
               SELECT crawl_id, source, record_key, arg_max(content_sha256, fetched_at)
               FROM incoming_records
               GROUP BY crawl_id, source, record_key
               ON CONFLICT (crawl_id, source, record_key) DO UPDATE SET content_sha256 = excluded.content_sha256"""
        )
        return added
    finally:
        con.unregister("incoming_records")


def load_file(con: duckdb.DuckDBPyConnection, path: Path) -> FileReport:
    """Load one landing file in one transaction; a file already loaded with the same bytes is skipped.

    Lines that fail their schema are quarantined (file, line, reason) and the rest loads; a file whose
    source is unknown is refused whole with the reason, and nothing of it is committed.
    """
    report = FileReport(file_name=path.name)
    file_sha = _file_set_sha256(path)
    seen = con.execute(
        "SELECT count(*) FROM raw_crawls WHERE file_name = ? AND file_sha256 = ?", [path.name, file_sha]
    ).fetchone()[0]
    if seen:
        report.skipped = True
        return report
    records, refused = _read_lines(path)
    manifest_path = _companion(path, ".manifest.json")
    manifest_text = manifest_path.read_text(encoding="utf-8", errors="replace") if manifest_path.exists() else None
    manifest, report.problems = manifest_problems(path, manifest_text)
    source = _file_source(path, records, manifest)
    if source not in SOURCE_RECORD_TYPES and not records:
        report.refused = f"{path}: {unknown_source_message(source)}; file not loaded"
        return report
    rejects_path = _companion(path, ".rejects.jsonl")
    reject_rows, refused_rejects = _read_rejects(rejects_path) if rejects_path.exists() else ([], [])
    report.lines, report.bad_lines = len(records), len(refused)
    crawl_id = records[0]["crawl_id"] if records else path.name.removesuffix(".jsonl")
    loaded_at = datetime.now(UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        if records:
            report.added = _insert_records(con, records, loaded_at)
        for name in (path.name, rejects_path.name):  # this read supersedes the last one's findings
            con.execute("DELETE FROM raw_load_errors WHERE file_name = ?", [name])
            con.execute("DELETE FROM raw_quarantine WHERE file_name = ?", [name])
        report.quarantined = _record_refusals(con, path.name, refused, loaded_at)
        report.quarantined += _record_refusals(con, rejects_path.name, refused_rejects, loaded_at)
        for problem in report.problems:
            logger.warning("%s", problem)
            con.execute("INSERT INTO raw_load_errors VALUES (?, 0, ?, ?)", [path.name, problem, loaded_at])
        report.rejects = _load_rejects(con, reject_rows)
        con.execute(
            "INSERT INTO raw_crawls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [crawl_id, source, path.name, file_sha, json.dumps(manifest) if manifest is not None else None,
             report.lines, report.added, report.bad_lines, loaded_at],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return report


def load_landing(con: duckdb.DuckDBPyConnection, paths: Iterable[Path]) -> LoadReport:
    """Load every landing file under ``paths``; a file that fails is reported and the next one still loads."""
    report = LoadReport()
    for path in landing_files(paths):
        try:
            file_report = load_file(con, path)
        except Exception as exc:  # noqa: BLE001 - one file's failure must not cost the others; it is reported
            logger.error("%s: not loaded: %s", path, exc)
            file_report = FileReport(file_name=path.name, refused=f"{path}: not loaded: {exc}")
        if file_report.refused:
            logger.error("%s", file_report.refused)
        logger.info(
            "%s: %s",
            path.name,
            "already loaded"
            if file_report.skipped
            else f"{file_report.lines} records, {file_report.added} new versions, {file_report.bad_lines} bad lines",
        )
        report.files.append(file_report)
    return report
