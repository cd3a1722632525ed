"""``fractional_share_intervals``: a person-level bootstrap 95% interval for every fractionally counted share.

Why a table and not a view: the bootstrap resamples persons (``warehouse.estimates.bootstrap_share_intervals``),
which SQL cannot do; the build computes it once, seeded per group, so a rebuild reproduces every bound exactly.
Grain: one row per (conference, year, track, tier, dimension, value) of the country dimensions of
``study_person_shares`` — the same shares as ``share_fractional`` in study_origin_country / study_grad_country /
study_work_country, which join it on those keys. Work institutions are left out: a persons x institutions matrix
is large and the top-25 view's fractional share is a secondary figure.
"""

from __future__ import annotations

import logging
import zlib

import duckdb
import numpy as np
import pyarrow as pa

from etl.duckdb_tables import replace_table
from warehouse.build import BuildReport
from warehouse.estimates import BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED, below_min_n, bootstrap_share_intervals, min_n

logger = logging.getLogger(__name__)

TABLE = "fractional_share_intervals"
DIMENSIONS = ("origin_country", "grad_country", "work_country")

SHARES_SQL = """
SELECT p.conference, p.year, p.track, p.tier, s.dimension, p.person_id, s.value, s.share
FROM study_population p
JOIN study_person_shares s ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
WHERE list_contains($dimensions, s.dimension) AND s.share > 0
ORDER BY p.conference, p.year, p.track, p.tier, s.dimension, p.person_id, s.value
"""

COMMENTS = {
    "": "Person-level bootstrap 95% intervals of the fractional shares (share_fractional of the study_*_country "
        "views): persons resampled with replacement, seeded per group; join on conference, year, track, tier, "
        "dimension and value (= country_code).",
    "conference": "Conference, lowercase.",
    "year": "Conference year.",
    "track": "main or all (as in the study views).",
    "tier": "oral, spotlight, poster or all.",
    "dimension": "origin_country, grad_country or work_country.",
    "value": "ISO alpha-2 country code.",
    "n_known_fractional": "Persons with at least one known value of the dimension (the bootstrap resamples these).",
    "share_fractional": "Mean over those persons of their share of this value (= the study view's share_fractional).",
    "share_fractional_low": "2.5th percentile of the bootstrap replicates.",
    "share_fractional_high": "97.5th percentile of the bootstrap replicates.",
    "small_n": "True when n_known_fractional is below the minimum n (study_settings.min_n).",
    "replicates": "Bootstrap replicates.",
    "seed": "Seed of this group's replicates (derived from the group key).",
}


def group_seed(key: tuple[object, ...]) -> int:
    """A stable seed per group, so groups are independent and every rebuild draws the same replicates."""
    return BOOTSTRAP_SEED + zlib.crc32("|".join(map(str, key)).encode())


def interval_rows(table: pa.Table, replicates: int = BOOTSTRAP_REPLICATES) -> dict[str, list]:
    """Bootstrap every group of the sorted shares table into output columns."""
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    out: dict[str, list] = {name: [] for name in COMMENTS if name}
    minimum = min_n()
    keys = list(zip(columns["conference"], columns["year"], columns["track"], columns["tier"], columns["dimension"],
                    strict=True))
    start = 0
    while start < len(keys):
        end = start
        while end < len(keys) and keys[end] == keys[start]:
            end += 1
        persons, person_index = np.unique(columns["person_id"][start:end], return_inverse=True)
        values, value_index = np.unique(columns["value"][start:end], return_inverse=True)
        matrix = np.zeros((len(persons), len(values)))
        np.add.at(matrix, (person_index, value_index), np.asarray(columns["share"][start:end], dtype=float))
        seed = group_seed(keys[start])
        for value, interval in zip(values.tolist(), bootstrap_share_intervals(matrix, replicates=replicates,
                                                                              seed=seed), strict=True):
            conference, year, track, tier, dimension = keys[start]
            out["conference"].append(conference)
            out["year"].append(year)
            out["track"].append(track)
            out["tier"].append(tier)
            out["dimension"].append(dimension)
            out["value"].append(value)
            out["n_known_fractional"].append(interval.n)
            out["share_fractional"].append(interval.estimate)
            out["share_fractional_low"].append(interval.low)
            out["share_fractional_high"].append(interval.high)
            out["small_n"].append(below_min_n(interval.n, minimum))
            out["replicates"].append(replicates)
            out["seed"].append(seed)
        start = end
    return out


SCHEMA = pa.schema([
    ("conference", pa.string()), ("year", pa.int32()), ("track", pa.string()), ("tier", pa.string()),
    ("dimension", pa.string()), ("value", pa.string()), ("n_known_fractional", pa.int64()),
    ("share_fractional", pa.float64()), ("share_fractional_low", pa.float64()),
    ("share_fractional_high", pa.float64()), ("small_n", pa.bool_()), ("replicates", pa.int32()),
    ("seed", pa.int64()),
])


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    present = {name for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE view_name IN ('study_population', 'study_person_shares')"
    ).fetchall()}
    if present != {"study_population", "study_person_shares"}:
        con.execute(f"DROP TABLE IF EXISTS {TABLE}")
        report.notes[TABLE] = "skipped: study views absent"
        return
    shares = con.sql(SHARES_SQL, params={"dimensions": list(DIMENSIONS)}).to_arrow_table()
    rows = interval_rows(shares)
    replace_table(con, TABLE, pa.Table.from_pydict(rows, schema=SCHEMA))
    con.execute(f"COMMENT ON TABLE {TABLE} IS {_sql_string(COMMENTS[''])}")
    for column, text in COMMENTS.items():
        if column:
            con.execute(f"COMMENT ON COLUMN {TABLE}.{column} IS {_sql_string(text)}")
    report.notes[TABLE] = {"rows": len(rows["value"])}
