"""``talent export``: the analyst tables as Parquet, so downstream tools read our data without DuckDB.

Layout under the export directory ``DIR``::

    DIR/_contract.json                                      tables, columns, types, comments, partitioning
    DIR/papers/conference=neurips/year=2022/part-0.parquet  hive partitions where a table has both columns
    DIR/persons/part-0.parquet                              one file for tables without them

Why it is built this way:

* **One file per partition, swapped in whole.** Each partition is written into a staging directory inside
  ``DIR`` (``.staging-…``: pyarrow, pandas and DuckDB globs skip dot-directories) and then exchanged with the
  live partition directory in one ``renameat2(RENAME_EXCHANGE)`` call, so a reader sees the old partition or
  the new one, never half of one and never a missing one. Where the kernel or filesystem cannot exchange, the
  old directory is renamed away and the new one renamed in: a reader may then briefly find no partition, but
  still never a mix. Replaced directories wait in ``DIR/.trash-*`` for ``TRASH_GRACE_SECONDS`` before a later
  export deletes them, because a reader that opened the old directory just before the swap is still
  listing it.
* **Deterministic names and row order** (``part-0.parquet``, rows sorted on every column), so two exports of
  the same warehouse produce the same files and a diff of an export means the data changed.
* **Provenance inside each file**: schema version, crawl ids, table and partition in the Parquet key-value
  metadata, column comments in the field metadata.
* **No test data**: rows of papers marked test_data (``stg_test_data_papers``), of persons described by test
  data (``warehouse.integrity.test_persons_sql``) and rows flagged ``test_data`` are never written, so the
  fictional fixture people of the mirror cannot leave the warehouse.
* **Paths stay inside DIR**: table names come from an allow-list; partition values must be plain tokens and
  the final path must resolve inside DIR, else the export stops and names the offending value.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.integrity import exists, test_persons_sql
from warehouse.migrate import current_version

logger = logging.getLogger(__name__)

# The tables a downstream tool may rely on, in export order (allow-list: nothing else is exported).
EXPORT_TABLES: tuple[str, ...] = (
    "papers",
    "authorships",
    "authorship_affiliations",
    "authorship_persons",
    "persons",
    "person_education",
    "talent_records",
    "institutions",
)
PARTITION_COLUMNS: tuple[str, str] = ("conference", "year")
FILE_NAME = "part-0.parquet"
CONTRACT_NAME = "_contract.json"
STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".trash-"
LOCK_NAME = ".export.lock"
# Replaced partitions stay in DIR/.trash-* this long (readers mid-listing), then the next export deletes them.
TRASH_GRACE_SECONDS = 120.0
SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
COMPRESSION = "zstd"
META_PREFIX = "talent."


class ExportError(ValueError):
    """A request the export refuses: unknown table, unsafe partition value, path outside DIR."""


@dataclass(slots=True)
class TableExport:
    table: str
    status: str  # exported | skipped
    rows: int = 0
    partitions: list[dict] = field(default_factory=list)
    message: str = ""


@dataclass(slots=True)
class ExportResult:
    out: Path
    schema_version: int
    tables: list[TableExport] = field(default_factory=list)

    def rows_by_table(self) -> dict[str, int]:
        return {t.table: t.rows for t in self.tables if t.status == "exported"}


# --- atomic directory swap -------------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _libc_renameat2():  # noqa: ANN202 - ctypes function or None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.renameat2
    except (OSError, AttributeError):
        return None


_renameat2 = _libc_renameat2()


def exchange_paths(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths; False when the platform or filesystem cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _trash_path(trash_root: Path) -> Path:
    return trash_root / f"{TRASH_PREFIX}{time.time_ns()}-{uuid.uuid4().hex[:8]}"


def replace_directory(new: Path, target: Path, trash_root: Path) -> None:
    """Put directory ``new`` at ``target`` so a reader sees the old or the new one.

    The replaced directory goes to the trash, not straight to deletion: a reader that opened the old
    directory just before the swap may still be listing it, and must find its file there.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.rename(new, target)
        return
    if exchange_paths(new, target):
        os.rename(new, _trash_path(trash_root))  # ``new`` now holds the old partition
        return
    trash = _trash_path(trash_root)
    os.rename(target, trash)
    os.rename(new, target)


def remove_directory(target: Path, trash_root: Path) -> None:
    """Remove a stale partition with one rename (readers never see it half-deleted)."""
    os.rename(target, _trash_path(trash_root))


def empty_trash(trash_root: Path, older_than: float = TRASH_GRACE_SECONDS) -> int:
    """Delete replaced partitions once no reader that started before the swap can still be reading them."""
    removed = 0
    now = time.time_ns()
    for entry in trash_root.glob(f"{TRASH_PREFIX}*"):
        try:
            stamp = int(entry.name[len(TRASH_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if now - stamp >= older_than * 1e9:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


@contextlib.contextmanager
def export_lock(out: Path) -> Iterator[None]:
    """One exporter at a time per directory; readers need no lock."""
    with open(out / LOCK_NAME, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- warehouse introspection ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    duckdb_type: str
    comment: str | None


def object_comment(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """Comment of a table or view, None when the object is absent (or has no comment)."""
    row = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' "
        "UNION ALL SELECT comment FROM duckdb_views() WHERE view_name = ? AND schema_name = 'main' AND NOT internal",
        [name, name],
    ).fetchone()
    return row[0] if row else None


def object_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables() WHERE schema_name = 'main' "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal) WHERE n = ?",
        [name],
    ).fetchone()[0])


def table_columns(con: duckdb.DuckDBPyConnection, name: str) -> list[Column]:
    return [
        Column(*row)
        for row in con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
            [name],
        ).fetchall()
    ]


def crawl_ids(con: duckdb.DuckDBPyConnection, partition: tuple[str, int] | None = None) -> list[str]:
    """Crawls behind a partition (via core_papers) or, for whole tables, every crawl loaded."""
    if partition is not None and object_exists(con, "core_papers"):
        rows = con.execute(
            "SELECT DISTINCT crawl_id FROM core_papers WHERE conference = ? AND year = ? AND crawl_id IS NOT NULL "
            "ORDER BY 1",
            list(partition),
        ).fetchall()
        if rows:
            return [r[0] for r in rows]
    if not object_exists(con, "raw_crawls"):
        return []
    return [r[0] for r in con.execute("SELECT DISTINCT crawl_id FROM raw_crawls ORDER BY 1").fetchall()]


# --- paths ----------------------------------------------------------------------------------------------


def check_table_name(name: str) -> str:
    if name not in EXPORT_TABLES:
        raise ExportError(f"table {name!r} is not exportable; choose from {', '.join(EXPORT_TABLES)}")
    return name


def partition_path(conference: object, year: object, table: str = "?") -> Path:
    """``conference=<c>/year=<y>``, refusing NULLs and values that could name another directory.

    A NULL would otherwise become the directory ``conference=None`` and its rows would be lost (the partition's
    ``WHERE conference = ?`` never matches NULL), so the export stops and names the table instead."""
    for column, value in (("conference", conference), ("year", year)):
        if value is None:
            raise ExportError(
                f"{table}: rows with NULL {column} cannot be exported (partition column must be set): "
                "export stopped"
            )
    conference_text, year_text = str(conference), str(year)
    if not SAFE_VALUE.match(conference_text):
        raise ExportError(f"unsafe partition value conference={conference_text!r}: export stopped")
    if not isinstance(year, int) or not SAFE_VALUE.match(year_text):
        raise ExportError(f"unsafe partition value year={year_text!r}: export stopped")
    return Path(f"conference={conference_text}") / f"year={year_text}"


def inside(out: Path, path: Path) -> Path:
    resolved_out = out.resolve()
    resolved = path.resolve()
    if resolved != resolved_out and not resolved.is_relative_to(resolved_out):
        raise ExportError(f"export path {path} would leave {out}")
    return path


# --- writing --------------------------------------------------------------------------------------------


def _field_metadata(table: pa.Table, columns: list[Column]) -> pa.Schema:
    comments = {c.name: c.comment for c in columns}
    fields = [
        f.with_metadata({b"comment": comments[f.name].encode()}) if comments.get(f.name) else f
        for f in table.schema
    ]
    return pa.schema(fields)


def test_data_filter(con: duckdb.DuckDBPyConnection, names: set[str]) -> str:
    """A WHERE condition (on alias ``x``) that keeps test data out of an export of a table with ``names``."""
    conditions = ["true"]
    if "test_data" in names:
        conditions.append("NOT coalesce(x.test_data, false)")
    if {"conference", "year", "paper_id"} <= names and exists(con, "stg_test_data_papers"):
        conditions.append("NOT EXISTS (SELECT 1 FROM stg_test_data_papers t WHERE t.conference = x.conference "
                          "AND t.year = x.year AND t.paper_id = x.paper_id)")
    if "person_id" in names:
        conditions.append(f"x.person_id IS NULL OR x.person_id NOT IN ({test_persons_sql(con)})")
    return " AND ".join(f"({c})" for c in conditions)


def fetch(con: duckdb.DuckDBPyConnection, name: str, columns: list[Column],
          partition: tuple[str, int] | None) -> pa.Table:
    """Rows of one table or partition in a deterministic order (identifiers from the allow-list/catalog)."""
    selected = [c.name for c in columns if partition is None or c.name not in PARTITION_COLUMNS]
    column_list = ", ".join(f'x."{c}"' for c in selected)
    keep = test_data_filter(con, {c.name for c in columns})
    sql = f'SELECT {column_list} FROM "{name}" x WHERE {keep}'  # noqa: S608 - allow-listed table, catalog names
    params: list = []
    if partition is not None:
        sql += " AND x.conference = ? AND x.year = ?"
        params = list(partition)
    sql += " ORDER BY ALL"
    table = con.sql(sql, params=params).to_arrow_table()
    return table.cast(_field_metadata(table, columns))


def write_file(table: pa.Table, path: Path, metadata: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = dict(table.schema.metadata or {})
    merged.update({f"{META_PREFIX}{k}".encode(): v.encode() for k, v in metadata.items()})
    pq.write_table(table.replace_schema_metadata(merged), path, compression=COMPRESSION)


def _existing_partitions(table_dir: Path) -> set[Path]:
    if not table_dir.is_dir():
        return set()
    return {
        p.relative_to(table_dir)
        for p in table_dir.glob("conference=*/year=*")
        if p.is_dir()
    }


def export_table(con: duckdb.DuckDBPyConnection, name: str, out: Path, schema_version: int) -> TableExport:
    if not object_exists(con, name):
        message = f"{name}: not in the warehouse yet, skipped"
        logger.warning(message)
        return TableExport(name, "skipped", message=message)
    columns = table_columns(con, name)
    names = {c.name for c in columns}
    partitioned = set(PARTITION_COLUMNS) <= names
    table_dir = inside(out, out / name)
    result = TableExport(name, "exported")
    base_meta = {"schema_version": str(schema_version), "table": name}
    if not partitioned:
        staging = out / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        try:
            data = fetch(con, name, columns, None)
            write_file(data, staging / FILE_NAME, {**base_meta, "crawl_ids": json.dumps(crawl_ids(con))})
            replace_directory(staging, table_dir, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        result.rows = data.num_rows
        result.partitions.append({"path": f"{name}/{FILE_NAME}", "rows": data.num_rows})
        return result
    keys = con.sql(
        f'SELECT DISTINCT conference, year FROM "{name}" x WHERE {test_data_filter(con, names)} '  # noqa: S608
        "ORDER BY 1, 2"
    ).fetchall()
    wanted = {partition_path(c, y, name): (c, y) for c, y in keys}  # validate every value before writing any
    for relative in wanted:
        inside(out, table_dir / relative)
    for relative, (conference, year) in wanted.items():
        staging = out / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        try:
            data = fetch(con, name, columns, (conference, year))
            meta = {
                **base_meta,
                "crawl_ids": json.dumps(crawl_ids(con, (conference, year))),
                "partition": json.dumps({"conference": conference, "year": year}),
            }
            write_file(data, staging / FILE_NAME, meta)
            replace_directory(staging, table_dir / relative, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        result.rows += data.num_rows
        result.partitions.append({
            "conference": conference, "year": year, "rows": data.num_rows,
            "path": f"{name}/{relative.as_posix()}/{FILE_NAME}",
        })
    for stale in sorted(_existing_partitions(table_dir) - set(wanted)):
        logger.info("%s: removing partition %s, no longer in the warehouse", name, stale)
        remove_directory(table_dir / stale, out)
    return result


# --- contract -------------------------------------------------------------------------------------------


def table_contract(con: duckdb.DuckDBPyConnection, exported: TableExport) -> dict:
    columns = table_columns(con, exported.table)
    names = {c.name for c in columns}
    partitioned = set(PARTITION_COLUMNS) <= names
    arrow_types = {
        f.name: str(f.type)
        for f in con.sql(f'SELECT * FROM "{exported.table}" LIMIT 0').to_arrow_table().schema  # noqa: S608
    }
    return {
        "path": exported.table,
        "comment": object_comment(con, exported.table),
        "rows": exported.rows,
        "partitioning": {"flavor": "hive", "columns": list(PARTITION_COLUMNS)} if partitioned else None,
        "columns": [
            {
                "name": c.name,
                "duckdb_type": c.duckdb_type,
                "arrow_type": arrow_types[c.name],
                "comment": c.comment,
                "partition_key": partitioned and c.name in PARTITION_COLUMNS,
            }
            for c in columns
        ],
        "files": exported.partitions,
    }


def write_contract(con: duckdb.DuckDBPyConnection, out: Path, result: ExportResult) -> Path:
    """Merge this run into ``_contract.json`` (tables not re-exported keep their entry); atomic replace."""
    path = out / CONTRACT_NAME
    contract: dict = {"tables": {}, "skipped": {}}
    if path.exists():
        with contextlib.suppress(ValueError):
            contract = json.loads(path.read_text(encoding="utf-8"))
    contract.setdefault("tables", {})
    contract.setdefault("skipped", {})
    for exported in result.tables:
        if exported.status == "exported":
            contract["tables"][exported.table] = table_contract(con, exported)
            contract["skipped"].pop(exported.table, None)
        else:
            contract["tables"].pop(exported.table, None)
            contract["skipped"][exported.table] = exported.message
    contract.update({
        "format": "parquet",
        "compression": COMPRESSION,
        "schema_version": result.schema_version,
        "crawl_ids": crawl_ids(con),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file_metadata_keys": [f"{META_PREFIX}{k}" for k in ("schema_version", "table", "crawl_ids", "partition")],
    })
    contract["tables"] = dict(sorted(contract["tables"].items()))
    temporary = out / f"{STAGING_PREFIX}{uuid.uuid4().hex}.json"
    temporary.write_text(json.dumps(contract, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def export(con: duckdb.DuckDBPyConnection, out: Path, tables: Sequence[str] | None = None) -> ExportResult:
    """Export the named tables (default: all of ``EXPORT_TABLES``) to ``out``."""
    names = [check_table_name(t) for t in (tables or EXPORT_TABLES)]
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out, current_version(con))
    with export_lock(out):
        empty_trash(out)
        for name in names:
            exported = export_table(con, name, out, result.schema_version)
            result.tables.append(exported)
            if exported.status == "exported":
                logger.info("%s: %d rows in %d file(s)", name, exported.rows, len(exported.partitions))
        write_contract(con, out, result)
    return result
