"""talent_records — grain: one row per (conference, year, person); analyst_corrections — one per file line.

Origin, graduate and work countries, work institution and sector at the conference date, with evidence per
field; the corrections file (data/corrections/corrections.csv, or $TALENT_CORRECTIONS) is applied last.
"""

from __future__ import annotations

import duckdb

from etl.people.talent_table import build_talent_records
from warehouse.build import BuildReport


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    report.notes["talent_records"] = build_talent_records(con)
