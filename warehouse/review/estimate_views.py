"""``review_latest`` and ``review_estimates``: what the reviewed sample says, beside the automatic share.

Per sample, population (all persons or main track), field and value: the design-weighted estimate from the
reviewed persons (the ratio estimator of ``warehouse.estimates.stratified_share``, written in SQL so it follows
every import at once) beside the automatic whole-counting share, each with its 95% interval, and their
difference.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from warehouse.estimates import CONFIDENCE, z_value
from warehouse.review.sampling import MAIN_TRACK
from warehouse.review.worksheet import REVIEW_FIELDS
from warehouse.sql import sql_literal, table_exists

REVIEW_LATEST_SQL = """
CREATE OR REPLACE VIEW review_latest AS
SELECT * FROM reviews
QUALIFY row_number() OVER (PARTITION BY sample_id, person_id ORDER BY reviewed_at DESC, line_no DESC) = 1;
"""

POPULATION_FIELDS = tuple(column for _, _, column in REVIEW_FIELDS.values())


def review_estimates_sql(z: float) -> str:
    """review_estimates: the stratified ratio estimator of warehouse.estimates.stratified_share in SQL.

    Per stratum h with N_h persons, n_h reviewed, K_h of them with the field found and Y_h with the value:
    R = sum (N_h/n_h) Y_h / sum (N_h/n_h) K_h; with binary y <= k the residuals e = y - R k give
    sum e = Y_h - R K_h and sum e^2 = Y_h - 2 R Y_h + R^2 K_h, so the linearised variance needs only counts.
    """
    review_case = " ".join(f"WHEN '{column}' THEN r.{country.removeprefix('review_')}"
                           for _, country, column in REVIEW_FIELDS.values())
    select = "SELECT conference, year, track, '{0}' AS field, {0} AS value FROM study_population WHERE tier = 'all'"
    auto_union = "\n        UNION ALL ".join(select.format(column) for column in POPULATION_FIELDS)
    fields = ", ".join(f"('{column}')" for column in POPULATION_FIELDS)
    return f"""
CREATE OR REPLACE VIEW review_estimates AS
WITH populations AS (SELECT * FROM (VALUES ('all'), ('{MAIN_TRACK}')) p(population)),
fields AS (SELECT * FROM (VALUES {fields}) f(field)),
strata AS (
    SELECT s.sample_id, p.population, s.tier, s.track, s.population_size AS big_n
    FROM review_sample_strata s CROSS JOIN populations p
    WHERE p.population = 'all' OR s.track = '{MAIN_TRACK}'
),
reviewed AS (
    SELECT sp.sample_id, sp.person_id, sp.tier, sp.track, f.field, CASE f.field {review_case} END AS value
    FROM review_sample_persons sp JOIN review_latest r USING (sample_id, person_id) CROSS JOIN fields f
),
stratum_counts AS (
    SELECT st.sample_id, st.population, st.tier, st.track, st.big_n, f.field,
           count(rv.person_id) AS small_n, count(rv.value) AS known
    FROM strata st CROSS JOIN fields f
    LEFT JOIN reviewed rv ON rv.sample_id = st.sample_id AND rv.tier = st.tier AND rv.track = st.track
                         AND rv.field = f.field
    GROUP BY ALL
),
sampled AS (
    SELECT sp.sample_id, p.population, count(*) AS n_sampled
    FROM review_sample_persons sp CROSS JOIN populations p
    WHERE p.population = 'all' OR sp.track = '{MAIN_TRACK}'
    GROUP BY ALL
),
totals AS (
    SELECT st.sample_id, st.population, sum(st.big_n) AS population_n, coalesce(any_value(sm.n_sampled), 0) AS n_sampled
    FROM strata st LEFT JOIN sampled sm USING (sample_id, population)
    GROUP BY st.sample_id, st.population
),
auto_long AS (
        {auto_union}
),
auto_totals AS (
    SELECT conference, year, track AS population, field, count(*) AS n, count(value) AS n_known
    FROM auto_long GROUP BY ALL
),
auto_counts AS (
    SELECT conference, year, track AS population, field, value, count(*) AS n_value
    FROM auto_long WHERE value IS NOT NULL GROUP BY ALL
),
samples AS (SELECT sample_id, conference, year FROM review_samples),
value_keys AS (
    SELECT DISTINCT st.sample_id, st.population, rv.field, rv.value
    FROM reviewed rv JOIN strata st ON st.sample_id = rv.sample_id AND st.tier = rv.tier AND st.track = rv.track
    WHERE rv.value IS NOT NULL
    UNION
    SELECT s.sample_id, a.population, a.field, a.value
    FROM samples s JOIN auto_counts a ON a.conference = s.conference AND a.year = s.year
    WHERE a.population IN ('all', '{MAIN_TRACK}')
),
cells AS (
    SELECT c.sample_id, c.population, c.field, k.value, c.tier, c.track, c.big_n, c.small_n, c.known,
           count(rv.person_id) AS hits
    FROM stratum_counts c
    JOIN value_keys k ON k.sample_id = c.sample_id AND k.population = c.population AND k.field = c.field
    LEFT JOIN reviewed rv ON rv.sample_id = c.sample_id AND rv.tier = c.tier AND rv.track = c.track
                         AND rv.field = c.field AND rv.value = k.value
    WHERE c.small_n > 0
    GROUP BY ALL
),
ratio AS (
    SELECT sample_id, population, field, value,
           sum(big_n / small_n * hits) / nullif(sum(big_n / small_n * known), 0) AS r,
           sum(big_n / small_n * known) AS k_total,
           sum(small_n) AS n_reviewed, sum(known) AS n_reviewed_known, sum(big_n) AS population_reviewed
    FROM cells GROUP BY ALL
),
variance AS (
    SELECT c.sample_id, c.population, c.field, c.value,
           sum(CASE WHEN c.small_n > 1 AND x.r IS NOT NULL THEN
                   c.big_n * c.big_n * (1 - c.small_n / c.big_n) / c.small_n
                   * greatest((c.hits - 2 * x.r * c.hits + x.r * x.r * c.known
                               - pow(c.hits - x.r * c.known, 2) / c.small_n) / (c.small_n - 1), 0)
                   ELSE 0 END) AS spread
    FROM cells c JOIN ratio x USING (sample_id, population, field, value)
    GROUP BY c.sample_id, c.population, c.field, c.value
),
standard_error AS (
    SELECT x.sample_id, x.population, x.field, x.value, sqrt(v.spread / nullif(x.k_total * x.k_total, 0)) AS se
    FROM ratio x JOIN variance v USING (sample_id, population, field, value)
)
SELECT s.sample_id, s.conference, s.year, x.population AS track, x.field, x.value,
       x.r AS reviewed_share, e.se AS reviewed_se,
       greatest(0.0, x.r - {z!r} * e.se) AS reviewed_low, least(1.0, x.r + {z!r} * e.se) AS reviewed_high,
       t.n_sampled, x.n_reviewed, x.n_reviewed_known, t.population_n, x.population_reviewed,
       below_min_n(x.n_reviewed_known) AS reviewed_small_n,
       coalesce(a.n_value, 0) / nullif(atot.n_known, 0) AS automatic_share,
       wilson_low(coalesce(a.n_value, 0), atot.n_known) AS automatic_low,
       wilson_high(coalesce(a.n_value, 0), atot.n_known) AS automatic_high,
       atot.n_known AS automatic_n_known, atot.n AS automatic_n,
       below_min_n(atot.n_known) AS automatic_small_n,
       coalesce(a.n_value, 0) / nullif(atot.n_known, 0) - x.r AS difference
FROM ratio x
JOIN standard_error e USING (sample_id, population, field, value)
JOIN samples s USING (sample_id)
JOIN totals t ON t.sample_id = x.sample_id AND t.population = x.population
LEFT JOIN auto_totals atot ON atot.conference = s.conference AND atot.year = s.year AND atot.population = x.population
                        AND atot.field = x.field
LEFT JOIN auto_counts a ON a.conference = s.conference AND a.year = s.year AND a.population = x.population
                       AND a.field = x.field AND a.value = x.value;
"""  # noqa: S608 - identifiers and numbers of this module only


REVIEW_VIEW_COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "review_latest": (
        "The newest reviewed row per sampled person (reviews is append-only; a re-import supersedes, never "
        "overwrites).",
        {},  # same columns as reviews: filled from its comments
    ),
    "review_estimates": (
        "Per review sample, track (all persons, or main track: the main-track strata only), field and value: the "
        "design-weighted share from the hand-reviewed stratified sample (weights N_h / n_h over the strata with "
        "reviewed persons; ratio estimator with linearised standard error and a normal 95% interval) beside the "
        "automatic whole-counting share of the same conference-year (Wilson 95% interval), and automatic minus "
        "reviewed: the automatic pipeline's measured bias.",
        {
            "sample_id": "Joins review_samples.sample_id.",
            "conference": "Conference, lowercase.",
            "year": "Conference year of the sample.",
            "track": "all (every stratum) or main (strata of persons with a main-track paper; MacroPolo's base).",
            "field": "origin_country (undergraduate), grad_country or work_country.",
            "value": "ISO 3166-1 alpha-2 country code.",
            "reviewed_share": "Design-weighted share of this value among sampled persons whose field the reviewer "
                              "found (NULL when none was found).",
            "reviewed_se": "Linearised standard error of reviewed_share (stratified sampling without replacement).",
            "reviewed_low": "Lower bound of the 95% interval of reviewed_share (normal, clipped at 0).",
            "reviewed_high": "Upper bound of the 95% interval of reviewed_share (normal, clipped at 1).",
            "n_sampled": "Persons drawn in this sample (and track).",
            "n_reviewed": "Of them, persons with an imported review, in strata that have one.",
            "n_reviewed_known": "Of the reviewed, persons whose field the reviewer found.",
            "population_n": "Persons of the conference-year (and track) at draw time: sum of N_h.",
            "population_reviewed": "Persons of the strata with at least one review (sum of their N_h); less than "
                                   "population_n means some strata are not represented yet.",
            "reviewed_small_n": "True when n_reviewed_known is below the minimum n (study_settings.min_n).",
            "automatic_share": "Automatic whole-counting share (study_population, tier all) of this value.",
            "automatic_low": "Wilson 95% lower bound of automatic_share.",
            "automatic_high": "Wilson 95% upper bound of automatic_share.",
            "automatic_n_known": "Persons with the field known automatically.",
            "automatic_n": "Persons of the conference-year (and track) now.",
            "automatic_small_n": "True when automatic_n_known is below the minimum n.",
            "difference": "automatic_share - reviewed_share (positive: the automatic pipeline over-states the "
                          "value).",
        },
    ),
}


def create_review_views(con: duckdb.DuckDBPyConnection) -> bool:
    """Create review_latest and review_estimates; False (views dropped) when an input is missing."""
    needed = ("reviews", "review_samples", "review_sample_strata", "review_sample_persons", "study_population")
    if not all(table_exists(con, name) for name in needed):
        con.execute("DROP VIEW IF EXISTS review_estimates")
        con.execute("DROP VIEW IF EXISTS review_latest")
        return False
    con.execute(REVIEW_LATEST_SQL)
    con.execute(review_estimates_sql(z_value(CONFIDENCE)))
    reviews_comments = dict(con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'reviews'").fetchall())
    for view, (comment, columns) in REVIEW_VIEW_COMMENTS.items():
        con.execute(f"COMMENT ON VIEW {view} IS {sql_literal(comment)}")
        for (column,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [view]).fetchall():
            text = columns.get(column) or reviews_comments.get(column)
            if not text:
                raise ValueError(f"{view}.{column} has no comment")
            con.execute(f"COMMENT ON COLUMN {view}.{column} IS {sql_literal(text)}")
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
