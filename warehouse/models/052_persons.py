"""persons_core and authorship_persons — grain: one row per person / per authorship.

Runs person resolution over every authorship (strong keys: OpenReview profile id, ORCID, DBLP pid from the
landed profiles) and keeps person ids stable through ``person_id_map`` (migration 010). The analyst view
``persons`` (model 065) adds corrections and documentation.
"""

from __future__ import annotations

import duckdb

from etl.people.person_table import build_persons
from warehouse.build import BuildReport


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    report.notes["persons"] = build_persons(con)
