"""Review views: ``review_latest`` and ``review_estimates`` (warehouse/review.py holds the SQL and why).

They read the review tables of migration 032, which the build never writes: rebuilding the warehouse keeps every
reviewed value, and these views only re-derive estimates from them. Without those tables or without
``study_population`` the views are dropped and the build says why.
"""

from __future__ import annotations

import logging

import duckdb

from warehouse.build import BuildReport
from warehouse.review import create_review_views

logger = logging.getLogger(__name__)


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    if create_review_views(con):
        reviewed = con.execute("SELECT count(*) FROM review_latest").fetchone()[0]
        report.notes["review_estimates"] = {"reviewed_persons": reviewed}
    else:
        message = "review views skipped: review tables (migration 032) or study_population absent"
        logger.info(message)
        report.notes["review_estimates"] = message
