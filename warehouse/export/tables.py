"""Which tables are exported and how each is written: allow-listed tables, no test data, deterministic files.

Rows are sorted on every column and files are named ``part-0.parquet``, so two exports of the same warehouse
produce the same files. Each file carries its provenance in the Parquet key-value metadata (schema version,
crawl ids, table, partition) and the column comments in the field metadata. Rows of papers marked test data
(``stg_test_data_papers``), of persons described by test data (``warehouse.integrity.test_persons_sql``) and
rows flagged ``test_data`` are never written.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.export.layout import FILE_NAME, PARTITION_COLUMNS, inside, partition_path
from warehouse.export.store import ExportError
from warehouse.integrity import test_persons_sql
from warehouse.sql import identifier, table_exists

logger = logging.getLogger("warehouse.export")

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
COMPRESSION = "zstd"
META_PREFIX = "talent."


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
    if partition is not None and table_exists(con, "core_papers"):
        rows = con.execute(
            "SELECT DISTINCT crawl_id FROM core_papers WHERE conference = ? AND year = ? AND crawl_id IS NOT NULL "
            "ORDER BY 1",
            list(partition),
        ).fetchall()
        if rows:
            return [r[0] for r in rows]
    if not table_exists(con, "raw_crawls"):
        return []
    return [r[0] for r in con.execute("SELECT DISTINCT crawl_id FROM raw_crawls ORDER BY 1").fetchall()]


def check_table_name(name: str) -> str:
    if name not in EXPORT_TABLES:
        raise ExportError(f"table {name!r} is not exportable; choose from {', '.join(EXPORT_TABLES)}")
    return name



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
    if {"conference", "year", "paper_id"} <= names and table_exists(con, "stg_test_data_papers"):
        conditions.append("NOT EXISTS (SELECT 1 FROM stg_test_data_papers t WHERE t.conference = x.conference "
                          "AND t.year = x.year AND t.paper_id = x.paper_id)")
    if "person_id" in names:
        conditions.append(f"x.person_id IS NULL OR x.person_id NOT IN ({test_persons_sql(con)})")
    return " AND ".join(f"({c})" for c in conditions)


def fetch(con: duckdb.DuckDBPyConnection, name: str, columns: list[Column],
          partition: tuple[str, int] | None) -> pa.Table:
    """Rows of one table or partition in a deterministic order (identifiers from the allow-list/catalog)."""
    selected = [c.name for c in columns if partition is None or c.name not in PARTITION_COLUMNS]
    column_list = ", ".join(f'x."{identifier(c)}"' for c in selected)
    keep = test_data_filter(con, {c.name for c in columns})
    sql = f"SELECT {column_list} FROM {identifier(name)} x WHERE {keep}"  # noqa: S608 - allow-listed table, catalog names
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
    if not table_exists(con, name):
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
        f"SELECT DISTINCT conference, year FROM {identifier(name)} x WHERE {test_data_filter(con, names)} "  # noqa: S608
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

