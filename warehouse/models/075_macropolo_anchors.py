"""MacroPolo's published figures beside our estimates: ``macropolo_anchors`` and ``macropolo_comparison``.

Why: a reader judges our figures against the one published study of the same question. The anchors, their
provenance and the definitional differences are committed reference data (``data/reference/``, see its
PROVENANCE.md); this model loads them and puts our estimate with its Wilson 95% interval beside each anchor, on
the comparable population: main track, every tier, whole counting (one value per person), NeurIPS of the
anchor's year. A region (EUROPE) sums the persons of its member countries (``anchor_regions``).
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import duckdb

from warehouse.build import BuildReport

logger = logging.getLogger(__name__)

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"

# table -> (CSV file, {column: (type, comment)}, table comment)
REFERENCE_TABLES: dict[str, tuple[str, dict[str, tuple[str, str]], str]] = {
    "macropolo_anchors": (
        "macropolo_anchors.csv",
        {
            "anchor_id": ("VARCHAR", "Anchor key: mp<year>-<measure>-<region>."),
            "edition": ("VARCHAR", "Report edition: 1 (NeurIPS 2019 data) or 2.0 (NeurIPS 2022 data)."),
            "conference": ("VARCHAR", "Conference the report sampled (neurips)."),
            "conference_year": ("INTEGER", "Conference year of the report's data."),
            "measure": ("VARCHAR", "work_country (where persons work) or origin_country (undergraduate country)."),
            "region": ("VARCHAR", "ISO alpha-2 code, or EUROPE (members in anchor_regions)."),
            "region_label": ("VARCHAR", "Region name as the report uses it."),
            "published_percent": ("DOUBLE", "Percentage the report publishes (whole percent)."),
            "population": ("VARCHAR", "Who the report's figure describes."),
            "publisher": ("VARCHAR", "Publisher."),
            "report_title": ("VARCHAR", "Report title."),
            "published": ("VARCHAR", "Publication month when stated by a dated source (empty otherwise)."),
            "url": ("VARCHAR", "Where the figure is published."),
            "section": ("VARCHAR", "Where in the publication the figure is."),
            "page": ("VARCHAR", "Page number; empty: the report is a web page without pages (never invented)."),
            "note": ("VARCHAR", "Provenance and definition notes for this figure."),
        },
        "MacroPolo Global AI Talent Tracker headline figures (data/reference/macropolo_anchors.csv, provenance in "
        "data/reference/PROVENANCE.md).",
    ),
    "macropolo_definitions": (
        "macropolo_definitions.csv",
        {
            "topic": ("VARCHAR", "What differs: census vs sample, main track, counting persons, site vs "
                                 "headquarters, work timing, origin, europe."),
            "macropolo": ("VARCHAR", "The report's definition, as we read it (our words)."),
            "this_warehouse": ("VARCHAR", "Ours."),
            "consequence": ("VARCHAR", "What the difference means for the comparison."),
        },
        "How the MacroPolo anchors are defined differently from this warehouse's estimates; shown beside the "
        "comparison.",
    ),
    "anchor_regions": (
        "anchor_regions.csv",
        {
            "region": ("VARCHAR", "Anchor region (macropolo_anchors.region)."),
            "country_code": ("VARCHAR", "ISO alpha-2 country counted in the region."),
            "note": ("VARCHAR", "Why the country is in the region."),
        },
        "ISO countries summed for each anchor region (EUROPE = EU-27 + EFTA, our choice; GB apart).",
    ),
}

COMPARISON_SQL = """
CREATE OR REPLACE VIEW macropolo_comparison AS
WITH pop AS (
    SELECT conference, year, origin_country, work_country FROM study_population WHERE track = 'main' AND tier = 'all'
),
long AS (
    SELECT conference, year, 'work_country' AS measure, work_country AS value FROM pop
    UNION ALL
    SELECT conference, year, 'origin_country', origin_country FROM pop
),
totals AS (SELECT conference, year, measure, count(*) AS n, count(value) AS n_known FROM long GROUP BY ALL),
hits AS (
    SELECT a.anchor_id, count(*) AS n_persons
    FROM macropolo_anchors a
    JOIN anchor_regions r ON r.region = a.region
    JOIN long l ON l.conference = a.conference AND l.year = a.conference_year AND l.measure = a.measure
               AND l.value = r.country_code
    GROUP BY a.anchor_id
),
joined AS (
    SELECT a.*, t.n, t.n_known,
           CASE WHEN t.n IS NOT NULL THEN coalesce(h.n_persons, 0) END AS n_persons
    FROM macropolo_anchors a
    LEFT JOIN totals t ON t.conference = a.conference AND t.year = a.conference_year AND t.measure = a.measure
    LEFT JOIN hits h USING (anchor_id)
)
SELECT anchor_id, edition, conference, conference_year AS year, measure, region, region_label,
       published_percent / 100.0 AS published_share,
       'main' AS track, 'all' AS tier, n, n_known, n_known / nullif(n, 0) AS coverage, n_persons,
       n_persons / nullif(n_known, 0) AS share,
       wilson_low(n_persons, n_known) AS share_low, wilson_high(n_persons, n_known) AS share_high,
       below_min_n(n_known) AS small_n,
       n_persons / nullif(n_known, 0) - published_percent / 100.0 AS difference,
       published_percent / 100.0 BETWEEN wilson_low(n_persons, n_known) AND wilson_high(n_persons, n_known)
           AS published_within_interval,
       report_title, url, section, page, note
FROM joined
ORDER BY conference_year, measure DESC, published_percent DESC, region;
"""

COMPARISON_COMMENTS = {
    "anchor_id": "Joins macropolo_anchors.anchor_id.",
    "edition": "Report edition.",
    "conference": "Conference, lowercase.",
    "year": "Conference year.",
    "measure": "work_country or origin_country (undergraduate).",
    "region": "ISO alpha-2 code or EUROPE (anchor_regions).",
    "region_label": "Region name.",
    "published_share": "The report's figure as a fraction (published_percent / 100).",
    "track": "main: persons with a main-track paper (the report's base).",
    "tier": "all: every tier.",
    "n": "Main-track persons of the conference-year in this warehouse (NULL when the year is not built).",
    "n_known": "Of them, persons with the measure known.",
    "coverage": "n_known / n.",
    "n_persons": "Persons whose value is in the region (whole counting).",
    "share": "Our estimate: n_persons / n_known.",
    "share_low": "Wilson 95% lower bound of share.",
    "share_high": "Wilson 95% upper bound of share.",
    "small_n": "True when n_known is below the minimum n (study_settings.min_n): do not read as solid.",
    "difference": "share - published_share (fraction; x100 for percentage points).",
    "published_within_interval": "True when the published figure lies inside our 95% interval.",
    "report_title": "Report title.",
    "url": "Where the figure is published.",
    "section": "Where in the publication.",
    "page": "Page number (empty for the web page).",
    "note": "Provenance and definition notes (see macropolo_definitions for the differences).",
}


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path = REFERENCE_DIR) -> dict[str, int]:
    """(Re)create the reference tables from their CSV files; returns rows per table."""
    loaded = {}
    for table, (file_name, columns, comment) in REFERENCE_TABLES.items():
        with (folder / file_name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if list(reader.fieldnames or []) != list(columns):
                raise ValueError(f"{folder / file_name}: header {reader.fieldnames} is not {list(columns)}")
            rows = [[(record[name] or None) for name in columns] for record in reader]
        definition = ", ".join(f"{name} {kind}" for name, (kind, _) in columns.items())
        con.execute(f"CREATE OR REPLACE TABLE {table} ({definition})")
        if rows:
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)  # noqa: S608 - allow-listed table
        con.execute(f"COMMENT ON TABLE {table} IS {_sql_string(comment)}")
        for name, (_, text) in columns.items():
            con.execute(f"COMMENT ON COLUMN {table}.{name} IS {_sql_string(text)}")
        loaded[table] = len(rows)
    return loaded


def create_comparison(con: duckdb.DuckDBPyConnection) -> bool:
    has_population = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'study_population' AND column_name = 'track'"
    ).fetchone()[0]
    if not has_population:
        con.execute("DROP VIEW IF EXISTS macropolo_comparison")
        return False
    con.execute(COMPARISON_SQL)
    con.execute("COMMENT ON VIEW macropolo_comparison IS " + _sql_string(
        "Each MacroPolo anchor beside our estimate for the same conference-year on the comparable base (main "
        "track, all tiers, whole counting of persons) with its Wilson 95% interval, n, coverage and the small-n "
        "flag. Definitions differ (census vs sample, site vs headquarters, timing): see macropolo_definitions."))
    for (column,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'macropolo_comparison'").fetchall():
        con.execute(f"COMMENT ON COLUMN macropolo_comparison.{column} IS "
                    f"{_sql_string(COMPARISON_COMMENTS[column])}")
    return True


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    loaded = load_reference(con)
    created = create_comparison(con)
    if not created:
        logger.info("macropolo_comparison skipped: study_population (with track) is absent")
    report.notes["macropolo"] = {"anchors": loaded["macropolo_anchors"], "comparison_view": created}
