"""``review_latest`` and ``review_estimates``: what the reviewed sample says, beside the automatic share.

Per sample, population (all persons or main track), field and value: the design-weighted estimate from the
reviewed persons (the ratio estimator of ``warehouse.estimates.stratified_share``, written in SQL so it follows
every import at once) beside the automatic whole-counting share, each with its 95% interval, and their
difference. The SQL is the model ``warehouse/models/marts/review_estimates.sql``; an import re-runs it here so
the estimates follow a review without a full build.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from warehouse.review.worksheet import REVIEW_FIELDS

POPULATION_FIELDS = tuple(column for _, _, column in REVIEW_FIELDS.values())

# The models that (re)create the review views on an existing warehouse: the interval macros they call, then
# review_latest and review_estimates.
REVIEW_VIEW_MODELS = ("study_settings", "estimate_macros", "review_estimates")


def create_review_views(con: duckdb.DuckDBPyConnection) -> bool:
    """Create review_latest and review_estimates (with the macros they use) on a built warehouse."""
    from warehouse.build import BuildReport, run_model

    report = BuildReport()
    for stem in REVIEW_VIEW_MODELS:
        run_model(con, stem, report)
    return True


def review_estimate_rows(con: duckdb.DuckDBPyConnection, conference: str, year: int,
                         fields: Iterable[str] = POPULATION_FIELDS) -> list[dict[str, object]]:
    """Rows of review_estimates for one conference-year (newest sample first), as dicts for the report."""
    wanted = list(fields)
    cursor = con.execute(
        """SELECT e.* FROM review_estimates e JOIN review_samples s USING (sample_id)
           WHERE e.conference = ? AND e.year = ? AND list_contains(?, e.field)
           ORDER BY s.created_at DESC, e.track, e.field, e.reviewed_share DESC NULLS LAST, e.value""",
        [conference, year, wanted],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
