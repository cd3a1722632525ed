"""MacroPolo's published figures as tables: ``macropolo_anchors``, ``macropolo_definitions``, ``anchor_regions``.

Why Python: the anchors, their provenance and the definitional differences are committed reference data
(``data/reference/``, see its PROVENANCE.md); this model checks each CSV's header and loads it with typed
columns. ``macropolo_comparison.sql`` puts our estimates beside the anchors.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from etl.paths import REPO_ROOT
from warehouse.build import BuildReport
from warehouse.context import BuildContext
from warehouse.sql import identifier

REFERENCE_DIR = REPO_ROOT / "data" / "reference"

# table -> (CSV file, {column: type}); the columns' meaning is in macropolo_anchors.yml
REFERENCE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "macropolo_anchors": ("macropolo_anchors.csv", {
        "anchor_id": "VARCHAR", "edition": "VARCHAR", "conference": "VARCHAR", "conference_year": "INTEGER",
        "measure": "VARCHAR", "region": "VARCHAR", "region_label": "VARCHAR", "published_percent": "DOUBLE",
        "population": "VARCHAR", "publisher": "VARCHAR", "report_title": "VARCHAR", "published": "VARCHAR",
        "url": "VARCHAR", "section": "VARCHAR", "page": "VARCHAR", "note": "VARCHAR",
    }),
    "macropolo_definitions": ("macropolo_definitions.csv", {
        "topic": "VARCHAR", "macropolo": "VARCHAR", "this_warehouse": "VARCHAR", "consequence": "VARCHAR",
    }),
    "anchor_regions": ("anchor_regions.csv", {
        "region": "VARCHAR", "country_code": "VARCHAR", "note": "VARCHAR",
    }),
}


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path = REFERENCE_DIR) -> dict[str, int]:
    """(Re)create the reference tables from their CSV files; returns rows per table."""
    loaded = {}
    for table, (file_name, columns) in REFERENCE_TABLES.items():
        with (folder / file_name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if list(reader.fieldnames or []) != list(columns):
                raise ValueError(f"{folder / file_name}: header {reader.fieldnames} is not {list(columns)}")
            rows = [[(record[name] or None) for name in columns] for record in reader]
        definition = ", ".join(f"{identifier(name)} {kind}" for name, kind in columns.items())
        con.execute(f"CREATE OR REPLACE TABLE {identifier(table)} ({definition})")
        if rows:
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(f"INSERT INTO {identifier(table)} VALUES ({placeholders})", rows)  # noqa: S608
        loaded[table] = len(rows)
    return loaded


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext | None, report: BuildReport) -> None:
    loaded = load_reference(con)
    report.notes["macropolo"] = {"anchors": loaded["macropolo_anchors"]}
