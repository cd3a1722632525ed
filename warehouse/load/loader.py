"""Loading landing files: one transaction per file, and a failing file never costs the others.

A file already loaded with the same bytes (records and rejects) is skipped; a file that grew after a resumed
crawl adds only its new versions; a file whose source is unknown is refused whole, with the reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.load.landing import (
    companion,
    file_set_sha256,
    landing_files,
    manifest_problems,
    read_records,
    read_rejects,
)
from warehouse.load.raw_tables import insert_records, insert_rejects, record_refusals
from warehouse.transaction import transaction
from warehouse.validate import SOURCE_RECORD_TYPES, unknown_source_message

logger = logging.getLogger("warehouse.load")


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


def _file_source(path: Path, records: list[dict], manifest: dict | None) -> str:
    if records:
        return records[0]["source"]
    if manifest and isinstance(manifest.get("source"), str):
        return manifest["source"]
    return path.parent.name


def load_file(con: duckdb.DuckDBPyConnection, path: Path) -> FileReport:
    """Load one landing file in one transaction; a file already loaded with the same bytes is skipped.

    Lines that fail their schema are quarantined (file, line, reason) and the rest loads; a file whose
    source is unknown is refused whole with the reason, and nothing of it is committed.
    """
    report = FileReport(file_name=path.name)
    file_sha = file_set_sha256(path)
    seen = con.execute(
        "SELECT count(*) FROM raw_crawls WHERE file_name = ? AND file_sha256 = ?", [path.name, file_sha]
    ).fetchone()[0]
    if seen:
        report.skipped = True
        return report
    records, refused = read_records(path)
    manifest_path = companion(path, ".manifest.json")
    manifest_text = manifest_path.read_text(encoding="utf-8", errors="replace") if manifest_path.exists() else None
    manifest, report.problems = manifest_problems(path, manifest_text)
    source = _file_source(path, records, manifest)
    if source not in SOURCE_RECORD_TYPES and not records:
        report.refused = f"{path}: {unknown_source_message(source)}; file not loaded"
        return report
    rejects_path = companion(path, ".rejects.jsonl")
    reject_rows, refused_rejects = read_rejects(rejects_path) if rejects_path.exists() else ([], [])
    report.lines, report.bad_lines = len(records), len(refused)
    crawl_id = records[0]["crawl_id"] if records else path.name.removesuffix(".jsonl")
    loaded_at = datetime.now(UTC)
    with transaction(con):
        if records:
            report.added = insert_records(con, records, loaded_at)
        for name in (path.name, rejects_path.name):  # this read supersedes the last one's findings
            con.execute("DELETE FROM raw_load_errors WHERE file_name = ?", [name])
            con.execute("DELETE FROM raw_quarantine WHERE file_name = ?", [name])
        report.quarantined = record_refusals(con, path.name, refused, loaded_at)
        report.quarantined += record_refusals(con, rejects_path.name, refused_rejects, loaded_at)
        for problem in report.problems:
            logger.warning("%s", problem)
            con.execute("INSERT INTO raw_load_errors VALUES (?, 0, ?, ?)", [path.name, problem, loaded_at])
        report.rejects = insert_rejects(con, reject_rows)
        con.execute(
            "INSERT INTO raw_crawls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [crawl_id, source, path.name, file_sha, json.dumps(manifest) if manifest is not None else None,
             report.lines, report.added, report.bad_lines, loaded_at],
        )
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
