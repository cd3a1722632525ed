"""``fractional_share_intervals``: a person-level bootstrap 95% interval for every fractionally counted share.

Why Python and a table: the bootstrap resamples persons (``warehouse.estimates.bootstrap_share_intervals``),
which SQL cannot do; the build computes it once, seeded per group, so a rebuild reproduces every bound exactly.
The shares are those of ``share_fractional`` in study_origin_country / study_grad_country / study_work_country.
Work institutions are left out: a persons x institutions matrix is large and the top-25 view's fractional share
is a secondary figure.
"""

from __future__ import annotations

import zlib

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext
from warehouse.estimates import BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED, below_min_n, bootstrap_share_intervals

TABLE = "fractional_share_intervals"
DIMENSIONS = ("origin_country", "grad_country", "work_country")

SHARES_SQL = """
SELECT p.conference, p.year, p.track, p.tier, s.dimension, p.person_id, s.value, s.share
FROM study_population p
JOIN study_person_shares s ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
WHERE list_contains($dimensions, s.dimension) AND s.share > 0
ORDER BY p.conference, p.year, p.track, p.tier, s.dimension, p.person_id, s.value
"""

SCHEMA = pa.schema([
    ("conference", pa.string()), ("year", pa.int32()), ("track", pa.string()), ("tier", pa.string()),
    ("dimension", pa.string()), ("value", pa.string()), ("n_known_fractional", pa.int64()),
    ("share_fractional", pa.float64()), ("share_fractional_low", pa.float64()),
    ("share_fractional_high", pa.float64()), ("small_n", pa.bool_()), ("replicates", pa.int32()),
    ("seed", pa.int64()),
])


def group_seed(key: tuple[object, ...]) -> int:
    """A stable seed per group, so groups are independent and every rebuild draws the same replicates."""
    return BOOTSTRAP_SEED + zlib.crc32("|".join(map(str, key)).encode())


def interval_rows(table: pa.Table, minimum: int, replicates: int = BOOTSTRAP_REPLICATES) -> dict[str, list]:
    """Bootstrap every group of the sorted shares table into output columns (small_n below ``minimum``)."""
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    out: dict[str, list] = {name: [] for name in SCHEMA.names}
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
            row = {"conference": conference, "year": year, "track": track, "tier": tier, "dimension": dimension,
                   "value": value, "n_known_fractional": interval.n, "share_fractional": interval.estimate,
                   "share_fractional_low": interval.low, "share_fractional_high": interval.high,
                   "small_n": below_min_n(interval.n, minimum), "replicates": replicates, "seed": seed}
            for name, item in row.items():
                out[name].append(item)
        start = end
    return out


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    shares = con.sql(SHARES_SQL, params={"dimensions": list(DIMENSIONS)}).to_arrow_table()
    rows = interval_rows(shares, ctx.min_n)
    replace_table(con, TABLE, pa.Table.from_pydict(rows, schema=SCHEMA))
    report.notes[TABLE] = {"rows": len(rows["value"])}
