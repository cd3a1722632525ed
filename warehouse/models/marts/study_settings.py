"""``study_settings``: the statistical settings this build used, so an analyst sees which threshold made the flags.

Python because the minimum n is a setting of the build (``BuildContext.min_n``: ``TALENT_MIN_N``, default 30);
the interval macros (``estimate_macros.sql``) read it back from this table.
"""

from __future__ import annotations

import duckdb

from warehouse.build import BuildReport
from warehouse.context import BuildContext
from warehouse.estimates import CONFIDENCE, MIN_N_ENV


def settings_rows(minimum: int) -> list[tuple[str, str, str]]:
    """(name, value, meaning) of every setting, values as text."""
    return [
        ("min_n", str(minimum), f"Figures resting on fewer persons are flagged small_n (setting {MIN_N_ENV}, "
                                "default 30)."),
        ("confidence", str(CONFIDENCE), "Confidence level of every interval (Wilson, bootstrap, stratified)."),
    ]


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    minimum = ctx.min_n
    con.execute("CREATE OR REPLACE TABLE study_settings "
                "(name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, meaning VARCHAR NOT NULL)")
    con.executemany("INSERT INTO study_settings VALUES (?, ?, ?)", settings_rows(minimum))
    report.notes["study_min_n"] = minimum
