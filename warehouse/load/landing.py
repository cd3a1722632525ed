"""Reading landing files: which files to load, their lines checked one by one, and their manifests.

A crawl writes ``<crawl_id>.jsonl`` (records), ``<crawl_id>.rejects.jsonl`` (responses refused during the
crawl) and, once it closes, ``<crawl_id>.manifest.json``. Nothing here writes the warehouse: every line comes
back either accepted or as a :class:`RefusedLine` with its number and reason, for ``warehouse.load.raw_tables``
to append or quarantine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from warehouse.validate import SOURCE_RECORD_TYPES, parse_fetched_at, record_problem, unknown_source_message

REJECT_FIELDS = ("crawl_id", "source", "url", "status", "reason", "seen_at")


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


def _read_jsonl(lines: Iterable[bytes], partial_reason: str,
                problem: Callable[[object], str | None]) -> tuple[list[dict], list[RefusedLine]]:
    """Lines that are whole JSON objects passing ``problem``, and every other non-blank line with its reason."""
    accepted: list[dict] = []
    refused: list[RefusedLine] = []
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        text = raw.decode("utf-8", errors="replace").rstrip("\n")
        if not raw.endswith(b"\n"):
            refused.append(RefusedLine(line_no, partial_reason, text, quarantine=False))
            continue
        try:
            value = json.loads(raw)
        except ValueError as exc:
            refused.append(RefusedLine(line_no, f"not JSON: {exc}", text))
            continue
        reason = problem(value)
        if reason:
            refused.append(RefusedLine(line_no, reason, text, value if isinstance(value, dict) else None))
            continue
        accepted.append(value)
    return accepted, refused


def read_records(path: Path) -> tuple[list[dict], list[RefusedLine]]:
    """Records that pass ``validate.record_problem``, and every other line with its reason."""
    with path.open("rb") as handle:
        records, refused = _read_jsonl(handle, "partial last line (crawl still running or killed mid-write)",
                                       record_problem)
    for record in records:
        # one canonical spelling of the time, so the TIMESTAMPTZ cast reads what the check accepted
        record["fetched_at"] = parse_fetched_at(record["fetched_at"]).isoformat()  # type: ignore[union-attr]
    return records, refused


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


def read_rejects(path: Path) -> tuple[list[tuple], list[RefusedLine]]:
    """Rows for raw_rejects (in ``REJECT_FIELDS`` order), and every line that failed ``reject_problem``."""
    rows, refused = _read_jsonl(path.read_bytes().splitlines(keepends=True), "partial last line", reject_problem)
    return [(row["crawl_id"], row["source"], row["url"], row.get("status"), row["reason"],
             parse_fetched_at(row["seen_at"]).isoformat())  # type: ignore[union-attr]
            for row in rows], refused


def companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name.removesuffix(".jsonl") + suffix)


def file_set_sha256(path: Path) -> str:
    """Hash of a crawl's records file and its rejects file: either growing means there is more to load."""
    digest = hashlib.sha256(path.read_bytes())
    rejects = companion(path, ".rejects.jsonl")
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

