"""``talent export``: the analyst tables as Parquet, so downstream tools read our data without DuckDB.

Layout under the export directory ``DIR`` (see ``warehouse.export_store`` for how it is kept whole)::

    DIR/current -> .v-<id>                                   the published export (one symlink, switched atomically)
    DIR/.v-<id>/_contract.json                               tables, columns, types, comments, rows, files
    DIR/.v-<id>/papers/conference=neurips/year=2022/part-0.parquet   hive partitions where a table has both columns
    DIR/.v-<id>/persons/part-0.parquet                       one file for tables without them
    DIR/_contract.json -> current/_contract.json             fixed links: the pre-versioning reading paths
    DIR/papers -> current/papers                             still work

How to read it (also written into the contract as ``reading``):

* **One table**: ``pyarrow.dataset.dataset("DIR/current/papers", partitioning="hive")``, ``pandas.read_parquet(
  "DIR/current/papers")`` or ``duckdb.sql("SELECT * FROM read_parquet('DIR/current/papers/**/*.parquet',
  hive_partitioning = true)")``. ``DIR/papers`` is the same folder. Each table read this way is whole.
* **Several tables that must agree** (joins, e.g. talent_records to persons): resolve the pointer once, then
  read every table from that version: ``root = DIR / json.load(open("DIR/_contract.json"))["version"]``
  (or ``os.path.realpath("DIR/current")``), then ``root / "papers"``, ``root / "persons"``… Every contract
  ``path`` already names its version (``.v-<id>/papers``, relative to DIR). A published version is never
  modified, and the one it replaced is kept until the next export (and at least
  ``VERSION_GRACE_SECONDS``), so a reader that resolved the pointer finishes on the export it started with.

Why it is built this way:

* **A whole export or the previous one.** Every run writes all tables into a new marked staging folder
  (tables not asked for are hard-linked from the current version), renames it to ``.v-<id>`` and then
  replaces the ``current`` symlink in one ``os.replace``. ``kill -9`` at any moment leaves ``current`` on a
  whole version; the next run deletes the killed run's staging folder (it carries the exporter's marker).
* **Only what the exporter wrote is ever removed**: the folder's manifest (``.talent-export.json``) lists
  what we created; a non-empty ``--out`` that is not ours is refused with a clear error, and unknown entries
  in our own folder are left alone.
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

import json
import logging
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.export_store import (
    CONTRACT_NAME,
    POINTER_NAME,
    VERSION_GRACE_SECONDS,
    ExportError,
    ExportStore,
    remove_marked,
)
from warehouse.integrity import exists, test_persons_sql
from warehouse.migrate import current_version

logger = logging.getLogger(__name__)

__all__ = ["CONTRACT_NAME", "EXPORT_TABLES", "FILE_NAME", "VERSION_GRACE_SECONDS", "ExportError", "export"]

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
SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
COMPRESSION = "zstd"
META_PREFIX = "talent."
READING = {
    "paths": "every path in this contract is relative to the export directory (the folder holding `current`)",
    "one_table": "DIR/current/<table> (or DIR/<table>): pyarrow.dataset.dataset(path, partitioning='hive'); "
                 "duckdb read_parquet('<path>/**/*.parquet', hive_partitioning = true)",
    "several_tables": "read `version` from DIR/_contract.json once, then every table from DIR/<tables.T.path>: "
                      "all from the same whole export",
}


@dataclass(slots=True)
class TableExport:
    table: str
    status: str  # exported | skipped | kept (not asked for: carried over from the previous export)
    rows: int = 0
    partitions: list[dict] = field(default_factory=list)
    message: str = ""


@dataclass(slots=True)
class ExportResult:
    out: Path
    schema_version: int
    tables: list[TableExport] = field(default_factory=list)
    version: str = ""  # the published version folder's name, e.g. ".v-20250101T000000000000Z-1a2b3c4d"

    def rows_by_table(self) -> dict[str, int]:
        return {t.table: t.rows for t in self.tables if t.status == "exported"}


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


def export_table(con: duckdb.DuckDBPyConnection, name: str, staging: Path, version: str,
                 schema_version: int) -> TableExport:
    """Write one table into the staging folder; contract paths name the version it will become."""
    if not object_exists(con, name):
        message = f"{name}: not in the warehouse yet, skipped"
        logger.warning(message)
        return TableExport(name, "skipped", message=message)
    columns = table_columns(con, name)
    names = {c.name for c in columns}
    partitioned = set(PARTITION_COLUMNS) <= names
    table_dir = inside(staging, staging / name)
    result = TableExport(name, "exported")
    base_meta = {"schema_version": str(schema_version), "table": name}
    if not partitioned:
        data = fetch(con, name, columns, None)
        write_file(data, table_dir / FILE_NAME, {**base_meta, "crawl_ids": json.dumps(crawl_ids(con))})
        result.rows = data.num_rows
        result.partitions.append({"path": f"{version}/{name}/{FILE_NAME}", "rows": data.num_rows})
        return result
    keys = con.sql(
        f'SELECT DISTINCT conference, year FROM "{name}" x WHERE {test_data_filter(con, names)} '  # noqa: S608
        "ORDER BY 1, 2"
    ).fetchall()
    wanted = {partition_path(c, y, name): (c, y) for c, y in keys}  # validate every value before writing any
    for relative in wanted:
        inside(staging, table_dir / relative)
    for relative, (conference, year) in wanted.items():
        data = fetch(con, name, columns, (conference, year))
        meta = {
            **base_meta,
            "crawl_ids": json.dumps(crawl_ids(con, (conference, year))),
            "partition": json.dumps({"conference": conference, "year": year}),
        }
        write_file(data, table_dir / relative / FILE_NAME, meta)
        result.rows += data.num_rows
        result.partitions.append({
            "conference": conference, "year": year, "rows": data.num_rows,
            "path": f"{version}/{name}/{relative.as_posix()}/{FILE_NAME}",
        })
    return result


def link_tree(source: Path, target: Path) -> None:
    """Carry a table over from the previous version: hard links (files are never modified), copies if refused."""
    for root, _dirs, files in os.walk(source):
        folder = target / Path(root).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(root) / name, folder / name)
            except OSError:
                shutil.copy2(Path(root) / name, folder / name)


def _repath(path: str, table: str, version: str) -> str:
    parts = Path(path).parts
    return Path(version, *parts[parts.index(table):]).as_posix()


# --- contract -------------------------------------------------------------------------------------------


def table_contract(con: duckdb.DuckDBPyConnection, exported: TableExport, version: str) -> dict:
    columns = table_columns(con, exported.table)
    names = {c.name for c in columns}
    partitioned = set(PARTITION_COLUMNS) <= names
    arrow_types = {
        f.name: str(f.type)
        for f in con.sql(f'SELECT * FROM "{exported.table}" LIMIT 0').to_arrow_table().schema  # noqa: S608
    }
    return {
        "path": f"{version}/{exported.table}",
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


def previous_export(out: Path, current: Path | None) -> tuple[Path, dict]:
    """The folder holding the published tables and its contract (the unversioned layout: DIR itself)."""
    root = current if current is not None else out
    path = root / CONTRACT_NAME
    if path.is_file():
        try:
            contract = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(contract, dict):
                return root, contract
        except ValueError:
            logger.warning("%s is unreadable: tables not re-exported are dropped from the export", path)
    return root, {}


def build_contract(con: duckdb.DuckDBPyConnection, result: ExportResult, staging: Path, version: str,
                   previous: tuple[Path, dict]) -> dict:
    """This run's tables, plus the previous export's tables this run did not ask for (carried over)."""
    root, old = previous
    contract: dict = {"tables": {}, "skipped": {}}
    asked = {t.table for t in result.tables}
    for table, entry in (old.get("tables") or {}).items():
        source = root / Path(entry.get("path", table)).name
        if table in asked or table not in EXPORT_TABLES or not source.is_dir():
            continue
        link_tree(source, staging / table)
        entry = {**entry, "path": f"{version}/{table}",
                 "files": [{**f, "path": _repath(f["path"], table, version)} for f in entry.get("files", [])]}
        contract["tables"][table] = entry
        result.tables.append(TableExport(table, "kept", entry.get("rows", 0), entry["files"],
                                         f"{table}: kept from the previous export"))
    for table, message in (old.get("skipped") or {}).items():
        if table not in asked and table in EXPORT_TABLES:
            contract["skipped"][table] = message
    for exported in result.tables:
        if exported.status == "exported":
            contract["tables"][exported.table] = table_contract(con, exported, version)
        elif exported.status == "skipped":
            contract["skipped"][exported.table] = exported.message
    contract.update({
        "format": "parquet",
        "compression": COMPRESSION,
        "version": version,
        "pointer": POINTER_NAME,
        "reading": READING,
        "schema_version": result.schema_version,
        "crawl_ids": crawl_ids(con),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file_metadata_keys": [f"{META_PREFIX}{k}" for k in ("schema_version", "table", "crawl_ids", "partition")],
    })
    contract["tables"] = dict(sorted(contract["tables"].items()))
    return contract


def export(con: duckdb.DuckDBPyConnection, out: Path, tables: Sequence[str] | None = None) -> ExportResult:
    """Export the named tables (default: all of ``EXPORT_TABLES``) to ``out`` as one new whole version.

    Tables not named keep their previous export (carried into the new version), so ``--tables papers`` still
    publishes a version with every table."""
    names = [check_table_name(t) for t in (tables or EXPORT_TABLES)]
    store = ExportStore(out, EXPORT_TABLES)
    store.claim()
    result = ExportResult(out, current_version(con))
    with store.lock():
        store.clean()
        previous = previous_export(out, store.current())
        staging = store.stage()
        version = store.version_name(staging)
        try:
            for name in names:
                exported = export_table(con, name, staging, version, result.schema_version)
                result.tables.append(exported)
                if exported.status == "exported":
                    logger.info("%s: %d rows in %d file(s)", name, exported.rows, len(exported.partitions))
            contract = build_contract(con, result, staging, version, previous)
            (staging / CONTRACT_NAME).write_text(json.dumps(contract, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
            store.publish(staging, list(contract["tables"]))
        except BaseException:
            if staging.is_dir():
                remove_marked(staging)
            raise
    result.version = version
    logger.info("%s: published %s", out, version)
    return result
