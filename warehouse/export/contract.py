"""The export's contract (``_contract.json``): tables, columns, types, comments, rows and files of a version.

A reader resolves the version once from the contract and reads every table from it; tables this run was not
asked for are carried over from the previous version, so every published version lists every table.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.export.layout import PARTITION_COLUMNS, link_tree, repath
from warehouse.export.store import CONTRACT_NAME, POINTER_NAME
from warehouse.export.tables import (
    COMPRESSION,
    EXPORT_TABLES,
    META_PREFIX,
    ExportResult,
    TableExport,
    crawl_ids,
    object_comment,
    table_columns,
)
from warehouse.sql import identifier

logger = logging.getLogger("warehouse.export")

READING = {
    "paths": "every path in this contract is relative to the export directory (the folder holding `current`)",
    "one_table": "DIR/current/<table> (or DIR/<table>): pyarrow.dataset.dataset(path, partitioning='hive'); "
                 "duckdb read_parquet('<path>/**/*.parquet', hive_partitioning = true)",
    "several_tables": "read `version` from DIR/_contract.json once, then every table from DIR/<tables.T.path>: "
                      "all from the same whole export",
}


def table_contract(con: duckdb.DuckDBPyConnection, exported: TableExport, version: str) -> dict:
    columns = table_columns(con, exported.table)
    names = {c.name for c in columns}
    partitioned = set(PARTITION_COLUMNS) <= names
    arrow_types = {
        f.name: str(f.type)
        for f in con.sql(f"SELECT * FROM {identifier(exported.table)} LIMIT 0").to_arrow_table().schema  # noqa: S608
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
                 "files": [{**f, "path": repath(f["path"], table, version)} for f in entry.get("files", [])]}
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

