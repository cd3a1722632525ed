"""``talent export``: the analyst tables as Parquet, so downstream tools read our data without DuckDB.

Layout under the export directory ``DIR`` (see ``warehouse.export.store`` for how it is kept whole)::

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

The package, in the order an export runs: ``tables`` (which tables, which rows, how each file is written),
``layout`` (partition folders, paths kept inside DIR), ``contract`` (``_contract.json``, tables carried over),
``store`` (versions, the pointer, ownership of DIR), ``publish`` (:func:`export`, the whole run) and ``check``
(is the export a reader sees whole?).
"""

from __future__ import annotations

from warehouse.export.layout import FILE_NAME, PARTITION_COLUMNS, partition_path
from warehouse.export.publish import export
from warehouse.export.store import CONTRACT_NAME, VERSION_GRACE_SECONDS, ExportError, ExportStore
from warehouse.export.tables import EXPORT_TABLES, ExportResult, TableExport

__all__ = [
    "CONTRACT_NAME", "EXPORT_TABLES", "FILE_NAME", "PARTITION_COLUMNS", "VERSION_GRACE_SECONDS", "ExportError",
    "ExportResult", "ExportStore", "TableExport", "export", "partition_path",
]
