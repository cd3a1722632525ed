"""SQL macros for intervals and the small-n flag, so every study view can carry them in one expression.

Runs before the study views (070) so they can call ``wilson_low(k, n)``, ``wilson_high(k, n)`` and
``below_min_n(n)``. The formulas are those of ``warehouse.estimates`` (tests check that both agree with published
values). The minimum n is a setting (``TALENT_MIN_N``, default 30) read at build time and recorded in the table
``study_settings``, so an analyst can see which threshold produced the flags of this warehouse.
"""

from __future__ import annotations

import duckdb

from warehouse.build import BuildReport
from warehouse.estimates import CONFIDENCE, MIN_N_ENV, min_n, z_value


def macros_sql(minimum: int, z: float) -> str:
    """The macro definitions; ``minimum`` and ``z`` are numbers checked by the caller, never text input."""
    z2 = z * z
    # p = k / n; Wilson: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n); NULL without persons.
    centre = f"((k::DOUBLE / n) + {z2!r} / (2.0 * n)) / (1 + {z2!r} / n)"
    half = (f"{z!r} * sqrt(greatest((k::DOUBLE / n) * (1 - k::DOUBLE / n) / n, 0) + {z2!r} / (4.0 * n * n)) "
            f"/ (1 + {z2!r} / n)")
    return f"""
CREATE OR REPLACE MACRO wilson_low(k, n) AS
    CASE WHEN n IS NULL OR n <= 0 OR k IS NULL THEN NULL
         WHEN k <= 0 THEN 0.0
         ELSE greatest(0.0, {centre} - {half}) END;
CREATE OR REPLACE MACRO wilson_high(k, n) AS
    CASE WHEN n IS NULL OR n <= 0 OR k IS NULL THEN NULL
         WHEN k >= n THEN 1.0
         ELSE least(1.0, {centre} + {half}) END;
CREATE OR REPLACE MACRO study_min_n() AS {int(minimum)};
CREATE OR REPLACE MACRO below_min_n(n) AS (n IS NULL OR n < {int(minimum)});
"""


SETTINGS_SQL = """
CREATE OR REPLACE TABLE study_settings (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, meaning VARCHAR NOT NULL);
COMMENT ON TABLE study_settings IS 'Statistical settings this build used (intervals, the small-n flag).';
COMMENT ON COLUMN study_settings.name IS 'Setting name: min_n, confidence.';
COMMENT ON COLUMN study_settings.value IS 'Value as text.';
COMMENT ON COLUMN study_settings.meaning IS 'What the setting does and where it comes from.';
"""


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    minimum = min_n()
    con.execute(macros_sql(minimum, z_value(CONFIDENCE)))
    con.execute(SETTINGS_SQL)
    con.executemany(
        "INSERT INTO study_settings VALUES (?, ?, ?)",
        [
            ("min_n", str(minimum), f"Figures resting on fewer persons are flagged small_n (setting {MIN_N_ENV}, "
                                    "default 30)."),
            ("confidence", str(CONFIDENCE), "Confidence level of every interval (Wilson, bootstrap, stratified)."),
        ],
    )
    report.notes["study_min_n"] = minimum
