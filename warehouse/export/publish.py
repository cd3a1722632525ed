"""``export()``: every asked table written into a staging folder, then published as one whole new version.

The staging folder becomes ``.v-<id>`` and the ``current`` pointer moves in one ``os.replace``
(``warehouse.export.store``); anything that fails before that removes the staging folder and leaves the
previous version published.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import duckdb

from warehouse.export.contract import build_contract, previous_export
from warehouse.export.store import CONTRACT_NAME, ExportStore, remove_marked
from warehouse.export.tables import EXPORT_TABLES, ExportResult, check_table_name, export_table
from warehouse.migrate import current_version

logger = logging.getLogger("warehouse.export")

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
