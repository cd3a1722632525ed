"""Study views — the study's questions as views an analyst queries with one short SELECT.

Inputs (built by the people and affiliation models 040–069): ``talent_records`` (required), and when present
``authorship_persons`` + ``authorship_affiliations`` (fractional work counting), ``person_education``
(fractional education counting) and ``institutions`` (institution names). Without ``talent_records`` every
``study_*`` view is dropped and the build says why, so a stale view never answers from a dropped table.

Grain of the base views:
* ``study_population`` — one row per (conference, year, track, tier, person); tier 'all' holds every person of
  the conference-year-track once; otherwise a person counts under the tier of their talent record (the highest
  tier of their papers that year, so 'oral' is every oral author and 'poster' the poster-only authors). Track
  'all' is every person; track 'main' the persons with a main-track paper that year, under the tier of their
  main-track papers (2022 also has Datasets & Benchmarks; MacroPolo's base was the main track). Every
  aggregate view repeats both tracks, like the tiers: filter on one.
* ``study_person_shares`` — one row per (conference, year, person, dimension, value): the person's fractional
  share of that value. Shares sum to 1 over a person's *known* values (an author with affiliations in the US
  and the UK on every paper counts 0.5 + 0.5).

Education comes only from degree rows of ``person_education`` (``is_degree``) in the conference years they
count for (``counts_from_year``..``counts_to_year``, the rule of ``etl.people.history``), as in talent_records.

Every aggregate view carries ``n`` (persons in the conference-year-track-tier), ``n_known`` (persons with a known
value), ``coverage`` = n_known / n, and fractional counterparts. The SQL is generated from fixed
templates; the only identifiers interpolated come from the ``DIMENSIONS`` allow-list below.
"""

from __future__ import annotations

import importlib
import logging

import duckdb

from warehouse.build import BuildReport

logger = logging.getLogger(__name__)

STUDY_VIEWS = (
    "study_outside_origin",
    "study_stay_rates",
    "study_flows",
    "study_work_institution_top25",
    "study_work_country",
    "study_grad_country",
    "study_origin_country",
    "study_person_shares",
    "study_population",
)
# Stages of person_education (etl/people/stages.py); graduate school is the PhD, else the master's.
GRAD_STAGE_PRIORITY = {"phd": 1, "masters": 2}
MAIN_TRACK = "main"
TRACK_COMMENT = ("main (persons with a main-track paper that year; MacroPolo's base) or all (every track, "
                 "Datasets & Benchmarks included). Filter on one: every person appears under both.")
# "This person_education row counts for this conference year": the rule of etl.people.history.counts_in.
COUNTS_IN = ("({row}.counts_from_year IS NOT NULL AND {row}.counts_from_year <= {year} "
             "AND ({row}.counts_to_year IS NULL OR {year} <= {row}.counts_to_year))")

# dimension -> (study_population column, output column name, comment noun)
DIMENSIONS = {
    "origin_country": ("origin_country", "country_code", "origin (undergraduate) country"),
    "grad_country": ("grad_country", "country_code", "graduate-school country"),
    "work_country": ("work_country", "country_code", "work country at the time of the conference"),
}

# study_person_shares dimension -> talent_records field an analyst correction names (evidence key)
CORRECTED_FIELDS = {
    "origin_country": "undergrad_country",
    "grad_country": "grad_country",
    "work_country": "work_country",
    "work_institution": "work_institution_id",
}
# study_person_shares dimension -> study_population column holding the (corrected) value
SHARE_COLUMNS = {
    "origin_country": "origin_country",
    "grad_country": "grad_country",
    "work_country": "work_country",
    "work_institution": "work_institution_id",
}

TOP_INSTITUTIONS = 25


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when a table or view of that name exists in the main schema."""
    return con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' AND NOT temporary",
        [name],
    ).fetchone()[0] + con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND schema_name = 'main' AND NOT internal",
        [name],
    ).fetchone()[0] > 0


def drop_study_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in STUDY_VIEWS:  # fixed allow-list, never input
        con.execute(f"DROP VIEW IF EXISTS {name}")


def _country(expr: str) -> str:
    return f"nullif(upper(trim({expr})), '')"


# Comments of the fixed-shape views; the per-dimension views get theirs from country_view_comments.
STATIC_COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
    'study_population': (
        (
            "Study base: one row per (conference, year, track, tier, person); tier 'all' has every person of the "
            "conference-year-track once; track 'main' holds persons with a main-track paper (under the tier of "
            "their main-track papers), track 'all' everyone. Values from the most confident talent_records row of "
            'the person-year.'
        ),
        {
            'conference': 'Conference, lowercase.',
            'year': 'Conference year.',
            'tier': 'oral, spotlight, poster, or all (every person of the conference-year).',
            'person_id': 'Joins persons.person_id.',
            'origin_country': 'ISO 3166-1 alpha-2 country of the undergraduate degree (NULL when unknown).',
            'grad_country': 'ISO alpha-2 country of graduate school (NULL when unknown).',
            'work_country': (
                                'ISO alpha-2 country of the workplace at the time of the conference (NULL when '
                                'unknown).'
                            ),
            'work_institution_id': 'Joins institutions.institution_id (NULL when unknown).',
            'grad_status': (
                "'graduated' when the graduate stage (PhD, else master's: the best-evidenced person_education degree "
                'rows counting for the conference year) is known finished by the conference year '
                '(finished_from_year: a stated end year, or for observed snapshot bounds the first later snapshot '
                "without the entry); 'enrolled' when not (still a student, or seen in the latest snapshot); NULL "
                'when grad_country is unknown or person_education has no such stage.'
            ),
        },
    ),
    'study_person_shares': (
        (
            "Study base for fractional counting: one row per (conference, year, person, dimension, value); a person's"
            ' shares sum to 1 over their known values. Work shares come from authorship_affiliations.weight over the '
            "person's authorships that year; education shares split evenly over the distinct countries of a stage; "
            'talent_records values (share 1) fill in where those tables have nothing. Where an analyst corrected '
            'the field (talent_records.evidence source analyst_correction) the corrected value has share 1, '
            'and a correction to unknown leaves no row.'
        ),
        {
            'conference': 'Conference, lowercase.',
            'year': 'Conference year.',
            'person_id': 'Joins persons.person_id.',
            'dimension': 'origin_country, grad_country, work_country or work_institution.',
            'value': 'ISO alpha-2 country code, or institution_id for work_institution.',
            'share': 'Fraction of the person counted for this value (0 < share <= 1).',
        },
    ),
    'study_flows': (
        (
            'Flows origin (undergraduate) country -> graduate country -> work country: persons per path, per '
            "conference, year and tier. Whole counts need all three known; fractional counts multiply the person's "
            'shares of the three countries.'
        ),
        {
            'conference': 'Conference, lowercase.',
            'year': 'Conference year.',
            'tier': 'oral, spotlight, poster, or all.',
            'origin_country': 'ISO alpha-2 country of the undergraduate degree.',
            'grad_country': 'ISO alpha-2 country of graduate school.',
            'work_country': 'ISO alpha-2 country of work at the time of the conference.',
            'n_persons': 'Persons on this path (whole counting).',
            'n_fractional': 'Sum over persons of origin share x graduate share x work share for this path.',
            'n': 'Persons in this conference-year-tier.',
            'n_known': 'Persons with origin, graduate and work country all known.',
            'coverage': 'n_known / n.',
        },
    ),
    'study_stay_rates': (
        (
            'Stay rates (retention), per conference, year and tier: of the persons who FINISHED graduate school '
            'in a country by the conference year and whose work country is known, the share working in that '
            "country at the conference. Like MacroPolo's Global AI Talent Tracker (graduate-school country vs "
            "current work country), but our rule is explicit: the graduate stage is the PhD, else the master's, "
            'among the person_education degree rows (is_degree) counting for the conference year; a person counts '
            'as a graduate only when that stage '
            'is known finished by the conference year (person_education.finished_from_year: a stated end year; '
            'for observed snapshot bounds the first later snapshot of the profile without the entry, so a PhD '
            'seen 2021-2023 with a postdoc seen from 2024 is finished for 2024 on). Persons whose stage is '
            'ongoing or not known finished are students, not graduates: left out of n_grad/stay_rate, counted in '
            'n_enrolled.'
        ),
        {
            'conference': 'Conference, lowercase.',
            'year': 'Conference year.',
            'tier': 'oral, spotlight, poster, or all.',
            'grad_country': 'ISO alpha-2 country of graduate school (PhD, else master\'s).',
            'n_grad': 'Graduates (stage ended by the year) of this country with a known work country.',
            'n_stayed': 'Of n_grad, persons working in the same country.',
            'stay_rate': 'n_stayed / n_grad (NULL when n_grad = 0).',
            'stay_rate_low': 'Lower bound of the 95% Wilson interval of stay_rate (graduates are persons).',
            'stay_rate_high': 'Upper bound of the 95% Wilson interval of stay_rate.',
            'small_n': 'True when n_grad is below the minimum n (study_settings min_n, default 30): do not '
                       'publish stay_rate as a solid figure.',
            'n_grad_fractional': 'Sum of graduate-country shares of graduates with a known work country.',
            'n_stayed_fractional': 'Sum over graduates of graduate share x work share in the same country.',
            'stay_rate_fractional': 'n_stayed_fractional / n_grad_fractional.',
            'n_grad_total': 'Graduates (stage ended by the year) of this country, work country known or not.',
            'coverage_in_country': (
                                       "n_grad / n_grad_total: share of this country's graduates whose work country "
                                       'is known.'
                                   ),
            'n_enrolled': (
                'Persons still enrolled in graduate school in this country at the conference year (stage begun, '
                'not known finished); not in n_grad.'
            ),
            'n_enrolled_in_country': 'Of n_enrolled, persons whose work country is this country.',
            'n_status_unknown': (
                'Persons with this graduate country (talent_records) but no person_education PhD/master\'s degree '
                'row counting for the year, so not known to have finished; not in n_grad.'
            ),
            'n': 'Persons in this conference-year-tier.',
            'n_known': 'Graduates (stage ended by the year) with both graduate and work country known.',
            'coverage': 'n_known / n.',
        },
    ),
    'study_outside_origin': (
        (
            'Share of persons working outside their origin (undergraduate) country, per conference, year and tier; '
            "origin_country 'all' is the total over every origin."
        ),
        {
            'conference': 'Conference, lowercase.',
            'year': 'Conference year.',
            'tier': 'oral, spotlight, poster, or all.',
            'origin_country': "ISO alpha-2 origin country, or 'all' for every origin together.",
            'n_known': 'Persons of this origin with origin and work country known.',
            'n_outside': 'Of n_known, persons working in another country.',
            'share_outside': 'n_outside / n_known.',
            'share_outside_low': 'Lower bound of the 95% Wilson interval of share_outside.',
            'share_outside_high': 'Upper bound of the 95% Wilson interval of share_outside.',
            'small_n': 'True when n_known is below the minimum n (study_settings min_n, default 30).',
            'n_known_fractional': 'Sum of origin shares of persons with a known work country.',
            'n_outside_fractional': 'Sum of origin share x (1 - work share in the origin country).',
            'share_outside_fractional': 'n_outside_fractional / n_known_fractional.',
            'n': 'Persons in this conference-year-tier.',
            'coverage': 'Persons with origin and work country known / n.',
        },
    ),
}


def education_columns(con: duckdb.DuckDBPyConnection | None) -> tuple[str, str]:
    """SQL for (finished_from_year, precedence) of person_education; an older table without them: a stated
    end year finishes, every row is of one evidence tier."""
    if con is not None and con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'person_education' "
            "AND column_name = 'finished_from_year'").fetchall()[0][0]:
        return "finished_from_year", "precedence"
    return "end_year", "0"


def population_sql(has_education: bool, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """study_population: the best talent_records row per person-year, one row per track and tier, plus
    grad_status."""
    grad_case = " ".join(f"WHEN '{stage}' THEN {rank}" for stage, rank in GRAD_STAGE_PRIORITY.items())
    if has_education:
        # The graduate stage of a person-year is the one talent_records uses: PhD, else master's, among the
        # degree rows (is_degree) that count for the conference year (counts_from_year..counts_to_year), and of
        # those the best evidence tier (precedence, etl.people.history). It is finished when such a row is known
        # to be over by the year (finished_from_year: a stated end year, or for observed bounds the first later
        # snapshot of the profile without the entry); otherwise the person is still enrolled.
        finished, precedence = education_columns(con)
        status_cte = f"""
grad_stages AS (
    SELECT person_id, CASE lower(stage) {grad_case} END AS priority, {finished} AS finished_from_year,
           {precedence} AS precedence, counts_from_year, counts_to_year
    FROM person_education
    WHERE person_id IS NOT NULL AND is_degree AND (CASE lower(stage) {grad_case} END) IS NOT NULL
      AND {_country("country_code")} IS NOT NULL
),
status AS (
    SELECT b.conference, b.year, b.person_id,
           CASE WHEN max(g.finished_from_year) <= b.year THEN 'graduated' ELSE 'enrolled' END AS grad_status
    FROM (SELECT DISTINCT conference, year, person_id FROM records) b
    JOIN grad_stages g ON g.person_id = b.person_id AND {COUNTS_IN.format(row="g", year="b.year")}
    GROUP BY b.conference, b.year, b.person_id, g.priority, g.precedence
    QUALIFY (g.priority, g.precedence) = min((g.priority, g.precedence))
        OVER (PARTITION BY b.conference, b.year, b.person_id)
),"""  # noqa: S608 - identifiers from this module's allow-lists
    else:
        status_cte = """
status AS (SELECT NULL::VARCHAR AS conference, NULL::INTEGER AS year, NULL::VARCHAR AS person_id,
                  NULL::VARCHAR AS grad_status WHERE false),"""
    return POPULATION_SQL.replace("{status_cte}", status_cte)


POPULATION_SQL = f"""
CREATE OR REPLACE VIEW study_population AS
WITH records AS (  -- test data (fictional fixture people) never enter a study view
    SELECT * FROM talent_records WHERE person_id IS NOT NULL AND NOT coalesce(test_data, false)
),{{status_cte}}
best AS (
    SELECT conference, year, person_id,
           {_country("undergrad_country")} AS origin_country,
           {_country("grad_country")} AS grad_country,
           {_country("work_country")} AS work_country,
           nullif(trim(work_institution_id), '') AS work_institution_id
    FROM records
    QUALIFY row_number() OVER (
        PARTITION BY conference, year, person_id
        ORDER BY confidence DESC NULLS LAST, work_country NULLS LAST, tier) = 1
),
tiers AS (  -- track 'all': every person, under the tier of all their papers; track 'main': main-track persons,
            -- under the tier of their main-track papers
    SELECT DISTINCT conference, year, person_id, 'all' AS track, lower(tier) AS tier
    FROM records WHERE tier IS NOT NULL AND lower(tier) <> 'all'
    UNION
    SELECT DISTINCT conference, year, person_id, 'all', 'all' FROM records
    UNION
    SELECT DISTINCT conference, year, person_id, '{MAIN_TRACK}', lower(main_track_tier)
    FROM records WHERE track = '{MAIN_TRACK}' AND main_track_tier IS NOT NULL AND lower(main_track_tier) <> 'all'
    UNION
    SELECT DISTINCT conference, year, person_id, '{MAIN_TRACK}', 'all' FROM records WHERE track = '{MAIN_TRACK}'
)
SELECT t.conference, t.year, t.track, t.tier, t.person_id,
       b.origin_country, b.grad_country, b.work_country, b.work_institution_id,
       CASE WHEN b.grad_country IS NOT NULL THEN s.grad_status END AS grad_status
FROM tiers t JOIN best b USING (conference, year, person_id)
LEFT JOIN status s USING (conference, year, person_id);
"""  # noqa: S608 - identifiers from this module's allow-lists


def _work_shares_sql(has_affiliations: bool, value_expr: str, fallback_column: str, dimension: str) -> str:
    """Shares from authorship_affiliations weights, with the talent_records value as fallback (share 1)."""
    fallback = f"""
        SELECT b.conference, b.year, b.person_id, '{dimension}' AS dimension, b.{fallback_column} AS value,
               1.0::DOUBLE AS share
        FROM person_years b WHERE b.{fallback_column} IS NOT NULL"""  # noqa: S608 - identifiers from this module's allow-lists
    if not has_affiliations:
        return fallback
    return f"""
        SELECT conference, year, person_id, '{dimension}' AS dimension, value,
               w / sum(w) OVER (PARTITION BY conference, year, person_id) AS share
        FROM (
            SELECT ap.conference, ap.year, ap.person_id, {value_expr} AS value, sum(aa.weight) AS w
            FROM authorship_persons ap
            JOIN authorship_affiliations aa USING (conference, year, paper_id, author_position)
            WHERE ap.person_id IS NOT NULL AND {value_expr} IS NOT NULL AND aa.weight > 0
            GROUP BY ALL
        )
        UNION ALL
        {fallback.strip()}
          AND NOT EXISTS (
            SELECT 1 FROM authorship_persons ap
            JOIN authorship_affiliations aa USING (conference, year, paper_id, author_position)
            WHERE ap.conference = b.conference AND ap.year = b.year AND ap.person_id = b.person_id
              AND {value_expr} IS NOT NULL AND aa.weight > 0)"""  # noqa: S608 - identifiers from this module's allow-lists


def _education_shares_sql(has_education: bool, stage_rows: str, fallback_column: str, dimension: str) -> str:
    """Shares over a person's distinct countries at the best stage begun by the conference year (1/k each),
    else the talent_records value."""
    fallback = f"""
        SELECT b.conference, b.year, b.person_id, '{dimension}' AS dimension, b.{fallback_column} AS value,
               1.0::DOUBLE AS share
        FROM person_years b WHERE b.{fallback_column} IS NOT NULL"""  # noqa: S608 - identifiers from this module's allow-lists
    if not has_education:
        return fallback
    counts = COUNTS_IN.format(row="e", year="b.year")
    return f"""
        SELECT conference, year, person_id, '{dimension}' AS dimension, value,
               1.0 / count(*) OVER (PARTITION BY conference, year, person_id) AS share
        FROM (
            SELECT DISTINCT b.conference, b.year, b.person_id, e.value, e.priority
            FROM person_years b JOIN {stage_rows} e
              ON e.person_id = b.person_id AND {counts}
            QUALIFY e.priority = min(e.priority) OVER (PARTITION BY b.conference, b.year, b.person_id)
        )
        UNION ALL
        {fallback.strip()}
          AND NOT EXISTS (SELECT 1 FROM {stage_rows} e WHERE e.person_id = b.person_id
                          AND {counts})"""  # noqa: S608 - identifiers from this module's allow-lists


def person_shares_sql(has_affiliations: bool, has_education: bool,
                      con: duckdb.DuckDBPyConnection | None = None) -> str:
    grad_case = " ".join(f"WHEN '{stage}' THEN {rank}" for stage, rank in GRAD_STAGE_PRIORITY.items())
    education_ctes = ""
    if has_education:
        _, precedence = education_columns(con)
        # priority = stage rank * 100 + evidence tier: the shares spread only over the countries of the best
        # stage's best-evidenced rows (the precedence rule of etl.people.history, as talent_records applies it)
        education_ctes = f"""
education AS (  -- degrees only (is_degree), each usable for its conference years (counts_from/to_year)
    SELECT person_id, lower(stage) AS stage, {_country("country_code")} AS value, counts_from_year, counts_to_year,
           {precedence} AS precedence
    FROM person_education
    WHERE person_id IS NOT NULL AND is_degree AND {_country("country_code")} IS NOT NULL
),
undergrad_countries AS (  -- origin: the undergraduate degree rows that count for the conference year
    SELECT person_id, value, counts_from_year, counts_to_year, 100 + precedence AS priority
    FROM education WHERE stage = 'undergrad'
),
grad_countries AS (  -- PhD, else master's; only rows that count for the conference year
    SELECT person_id, value, counts_from_year, counts_to_year,
           (CASE stage {grad_case} END) * 100 + precedence AS priority
    FROM education WHERE (CASE stage {grad_case} END) IS NOT NULL
),"""  # noqa: S608 - identifiers from this module's allow-lists
    country_value = _country("aa.country_code")
    institution_value = "nullif(trim(aa.institution_id), '')"
    parts = [
        _education_shares_sql(has_education, "undergrad_countries", "origin_country", "origin_country"),
        _education_shares_sql(has_education, "grad_countries", "grad_country", "grad_country"),
        _work_shares_sql(has_affiliations, country_value, "work_country", "work_country"),
        _work_shares_sql(has_affiliations, institution_value, "work_institution_id", "work_institution"),
    ]
    union = "\n        UNION ALL\n".join(f"SELECT * FROM ({part})" for part in parts)  # noqa: S608
    corrected_fields = ", ".join(f"('{dimension}', '{field}')" for dimension, field in CORRECTED_FIELDS.items())
    corrected_values = "\n        UNION ALL\n".join(
        f"""SELECT b.conference, b.year, b.person_id, '{dimension}' AS dimension, b.{column} AS value,
               1.0::DOUBLE AS share
        FROM person_years b JOIN corrected c USING (conference, year, person_id)
        WHERE c.dimension = '{dimension}' AND b.{column} IS NOT NULL"""  # noqa: S608 - allow-listed identifiers
        for dimension, column in SHARE_COLUMNS.items()
    )
    return f"""
CREATE OR REPLACE VIEW study_person_shares AS
WITH person_years AS (
    SELECT DISTINCT conference, year, person_id, origin_country, grad_country, work_country, work_institution_id
    FROM study_population WHERE tier = 'all' AND track = 'all'
),
corrected AS (  -- (person-year, dimension) whose talent_records value an analyst set (evidence source)
    SELECT DISTINCT t.conference, t.year, t.person_id, f.dimension
    FROM talent_records t CROSS JOIN (VALUES {corrected_fields}) f(dimension, field)
    WHERE t.person_id IS NOT NULL
      AND CASE WHEN json_valid(t.evidence::VARCHAR)
               THEN json_extract_string(t.evidence::VARCHAR, '$.' || f.field || '.source') END
          = 'analyst_correction'
),{education_ctes}
shares AS (
        {union}
)
SELECT conference, year, person_id, dimension, value, share FROM shares s
WHERE NOT EXISTS (SELECT 1 FROM corrected c WHERE c.conference = s.conference AND c.year = s.year
                  AND c.person_id = s.person_id AND c.dimension = s.dimension)
UNION ALL
{corrected_values};
"""  # noqa: S608 - identifiers from this module's allow-lists


COMMON_COLUMN_COMMENTS = {
    "conference": "Conference, lowercase.",
    "year": "Conference year.",
    "track": TRACK_COMMENT,
    "tier": "oral, spotlight, poster, or all (every person of the conference-year).",
    "n": "Persons in this conference-year-track-tier (known value or not).",
    "coverage": "n_known / n: share of persons whose value is known (whole counting).",
    "coverage_fractional": "n_known_fractional / n: share of persons with a known value in the fractional shares.",
    "n_known_fractional": "Persons with at least one known value in study_person_shares.",
}


def sql_string(text: str) -> str:
    """A SQL string literal. COMMENT ON takes no parameters; every comment is a constant of this module."""
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection, view: str, view_comment: str, columns: dict[str, str]) -> None:
    """Comment the view and each of its columns; a column with no comment is a bug in this module."""
    con.execute(f"COMMENT ON VIEW {view} IS {sql_string(view_comment)}")
    actual = [name for (name,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [view]
    ).fetchall()]
    for column in actual:
        text = columns.get(column) or COMMON_COLUMN_COMMENTS.get(column)
        if text is None:
            raise ValueError(f"study view {view}: column {column} has no comment")
        con.execute(f"COMMENT ON COLUMN {view}.{column} IS {sql_string(text)}")


def country_view_sql(dimension: str) -> str:
    """study_<dimension>: persons per country with whole and fractional counts, n and coverage."""
    column, output, noun = DIMENSIONS[dimension]
    view = f"study_{dimension}"
    sql = f"""
CREATE OR REPLACE VIEW {view} AS
WITH pop AS (SELECT * FROM study_population),
shares AS (SELECT * FROM study_person_shares WHERE dimension = '{dimension}'),
totals AS (
    SELECT p.conference, p.year, p.track, p.tier, count(*) AS n, count(p.{column}) AS n_known,
           count(DISTINCT s.person_id) AS n_known_fractional
    FROM pop p
    LEFT JOIN (SELECT DISTINCT conference, year, person_id FROM shares) s
        ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
    GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, {column} AS {output}, count(*) AS n_persons
    FROM pop WHERE {column} IS NOT NULL GROUP BY ALL
),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, s.value AS {output}, sum(s.share) AS n_fractional
    FROM pop p JOIN shares s ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
    GROUP BY ALL
)
SELECT conference, year, track, tier, {output},
       coalesce(w.n_persons, 0) AS n_persons,
       coalesce(w.n_persons, 0) / nullif(t.n_known, 0) AS share,
       wilson_low(coalesce(w.n_persons, 0), t.n_known) AS share_low,
       wilson_high(coalesce(w.n_persons, 0), t.n_known) AS share_high,
       below_min_n(t.n_known) AS small_n,
       coalesce(f.n_fractional, 0) AS n_fractional,
       coalesce(f.n_fractional, 0) / nullif(t.n_known_fractional, 0) AS share_fractional,
       t.n, t.n_known, t.n_known / nullif(t.n, 0) AS coverage,
       t.n_known_fractional, t.n_known_fractional / nullif(t.n, 0) AS coverage_fractional
FROM whole w
FULL JOIN fractional f USING (conference, year, track, tier, {output})
JOIN totals t USING (conference, year, track, tier);
"""  # noqa: S608 - identifiers from this module's allow-lists
    return sql


def country_view_comments(dimension: str) -> tuple[str, dict[str, str]]:
    _column, output, noun = DIMENSIONS[dimension]
    return (
        f"Persons by {noun}, per conference, year and tier: whole counts (talent_records) and fractional "
        "counts (study_person_shares), each with n and coverage. One row per (conference, year, track, tier, country).",
        {
            output: f"ISO 3166-1 alpha-2 {noun}.",
            "n_persons": "Persons with this value (whole counting: each person counts 1).",
            "share": "n_persons / n_known: share among persons whose value is known.",
            "share_low": "Lower bound of the 95% Wilson interval of share (whole counting of persons).",
            "share_high": "Upper bound of the 95% Wilson interval of share. Fractional shares: see "
                          "fractional_share_intervals (person-level bootstrap).",
            "small_n": "True when n_known is below the minimum n (study_settings min_n, default 30): the share "
                       "is flagged, not a publishable figure.",
            "n_fractional": "Sum of persons' fractional shares for this value.",
            "share_fractional": "n_fractional / n_known_fractional.",
            "n_known": "Persons whose value is known (whole counting).",
        },
    )


def institution_view_sql(has_institutions: bool) -> str:
    names = (
        "LEFT JOIN institutions i ON i.institution_id = r.institution_id"
        if has_institutions
        else "LEFT JOIN (SELECT NULL::VARCHAR AS institution_id, NULL::VARCHAR AS name, "
        "NULL::VARCHAR AS country_code) i ON i.institution_id = r.institution_id"
    )
    sql = f"""
CREATE OR REPLACE VIEW study_work_institution_top25 AS
WITH pop AS (SELECT * FROM study_population),
shares AS (SELECT * FROM study_person_shares WHERE dimension = 'work_institution'),
totals AS (
    SELECT p.conference, p.year, p.track, p.tier, count(*) AS n, count(p.work_institution_id) AS n_known,
           count(DISTINCT s.person_id) AS n_known_fractional
    FROM pop p
    LEFT JOIN (SELECT DISTINCT conference, year, person_id FROM shares) s
        ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
    GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, work_institution_id AS institution_id, count(*) AS n_persons
    FROM pop WHERE work_institution_id IS NOT NULL GROUP BY ALL
),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, s.value AS institution_id, sum(s.share) AS n_fractional
    FROM pop p JOIN shares s ON s.conference = p.conference AND s.year = p.year AND s.person_id = p.person_id
    GROUP BY ALL
),
ranked AS (
    SELECT conference, year, track, tier, institution_id,
           coalesce(w.n_persons, 0) AS n_persons, coalesce(f.n_fractional, 0) AS n_fractional,
           row_number() OVER (PARTITION BY conference, year, track, tier
                              ORDER BY coalesce(w.n_persons, 0) DESC, coalesce(f.n_fractional, 0) DESC,
                                       institution_id) AS rank
    FROM whole w FULL JOIN fractional f USING (conference, year, track, tier, institution_id)
)
SELECT r.conference, r.year, r.track, r.tier, r.rank, r.institution_id, i.name AS institution_name,
       i.country_code,
       r.n_persons, r.n_persons / nullif(t.n_known, 0) AS share,
       wilson_low(r.n_persons, t.n_known) AS share_low, wilson_high(r.n_persons, t.n_known) AS share_high,
       below_min_n(t.n_known) AS small_n,
       r.n_fractional, r.n_fractional / nullif(t.n_known_fractional, 0) AS share_fractional,
       t.n, t.n_known, t.n_known / nullif(t.n, 0) AS coverage,
       t.n_known_fractional, t.n_known_fractional / nullif(t.n, 0) AS coverage_fractional
FROM ranked r
JOIN totals t USING (conference, year, track, tier)
{names}
WHERE r.rank <= {TOP_INSTITUTIONS};
"""  # noqa: S608 - identifiers from this module's allow-lists
    return sql


INSTITUTION_COMMENTS = (
    "The 25 institutions employing most persons per conference, year and tier (ranked by whole count, "
    "then fractional count), with n and coverage.",
    {
        "rank": "1 = most persons (whole counting; ties broken by fractional count, then id).",
        "institution_id": "Joins institutions.institution_id.",
        "institution_name": "Institution name (NULL when the institutions table is absent).",
        "country_code": "ISO alpha-2 country of the institution.",
        "n_persons": "Persons working there (whole counting).",
        "share": "n_persons / n_known.",
        "share_low": "Lower bound of the 95% Wilson interval of share.",
        "share_high": "Upper bound of the 95% Wilson interval of share.",
        "small_n": "True when n_known is below the minimum n (study_settings min_n, default 30).",
        "n_fractional": "Sum of persons' fractional shares for this institution (affiliation weights).",
        "share_fractional": "n_fractional / n_known_fractional.",
        "n_known": "Persons whose work institution is known.",
    },
)


FLOWS_SQL = """
CREATE OR REPLACE VIEW study_flows AS
WITH pop AS (SELECT * FROM study_population),
shares AS (SELECT * FROM study_person_shares),
totals AS (
    SELECT conference, year, track, tier, count(*) AS n,
           count(*) FILTER (WHERE origin_country IS NOT NULL AND grad_country IS NOT NULL
                              AND work_country IS NOT NULL) AS n_known
    FROM pop GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, origin_country, grad_country, work_country, count(*) AS n_persons
    FROM pop
    WHERE origin_country IS NOT NULL AND grad_country IS NOT NULL AND work_country IS NOT NULL
    GROUP BY ALL
),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, o.value AS origin_country, g.value AS grad_country,
           w.value AS work_country, sum(o.share * g.share * w.share) AS n_fractional
    FROM pop p
    JOIN shares o ON o.dimension = 'origin_country' AND o.conference = p.conference AND o.year = p.year
                 AND o.person_id = p.person_id
    JOIN shares g ON g.dimension = 'grad_country' AND g.conference = p.conference AND g.year = p.year
                 AND g.person_id = p.person_id
    JOIN shares w ON w.dimension = 'work_country' AND w.conference = p.conference AND w.year = p.year
                 AND w.person_id = p.person_id
    GROUP BY ALL
)
SELECT conference, year, track, tier, origin_country, grad_country, work_country,
       coalesce(w.n_persons, 0) AS n_persons, coalesce(f.n_fractional, 0) AS n_fractional,
       t.n, t.n_known, t.n_known / nullif(t.n, 0) AS coverage
FROM whole w
FULL JOIN fractional f USING (conference, year, track, tier, origin_country, grad_country, work_country)
JOIN totals t USING (conference, year, track, tier);
"""

STAY_RATES_SQL = """
CREATE OR REPLACE VIEW study_stay_rates AS
WITH pop AS (SELECT * FROM study_population),
shares AS (SELECT * FROM study_person_shares),
totals AS (
    SELECT conference, year, track, tier, count(*) AS n,
           count(*) FILTER (WHERE grad_status = 'graduated' AND grad_country IS NOT NULL
                              AND work_country IS NOT NULL) AS n_known
    FROM pop GROUP BY ALL
),
whole AS (
    SELECT conference, year, track, tier, grad_country,
           count(*) FILTER (WHERE grad_status = 'graduated') AS n_grad_total,
           count(work_country) FILTER (WHERE grad_status = 'graduated') AS n_grad,
           count(*) FILTER (WHERE grad_status = 'graduated' AND work_country = grad_country) AS n_stayed,
           count(*) FILTER (WHERE grad_status = 'enrolled') AS n_enrolled,
           count(*) FILTER (WHERE grad_status = 'enrolled' AND work_country = grad_country) AS n_enrolled_in_country,
           count(*) FILTER (WHERE grad_status IS NULL) AS n_status_unknown
    FROM pop WHERE grad_country IS NOT NULL GROUP BY ALL
),
work_known AS (
    SELECT DISTINCT conference, year, person_id FROM shares WHERE dimension = 'work_country'
),
fractional AS (
    SELECT p.conference, p.year, p.track, p.tier, g.value AS grad_country,
           sum(g.share) AS n_grad_fractional,
           sum(g.share * coalesce(w.share, 0)) AS n_stayed_fractional
    FROM pop p
    JOIN shares g ON g.dimension = 'grad_country' AND g.conference = p.conference AND g.year = p.year
                 AND g.person_id = p.person_id
    JOIN work_known k ON k.conference = p.conference AND k.year = p.year AND k.person_id = p.person_id
    LEFT JOIN shares w ON w.dimension = 'work_country' AND w.conference = p.conference AND w.year = p.year
                      AND w.person_id = p.person_id AND w.value = g.value
    WHERE p.grad_status = 'graduated'
    GROUP BY ALL
)
SELECT conference, year, track, tier, grad_country,
       coalesce(w.n_grad, 0) AS n_grad, coalesce(w.n_stayed, 0) AS n_stayed,
       coalesce(w.n_stayed, 0) / nullif(w.n_grad, 0) AS stay_rate,
       wilson_low(coalesce(w.n_stayed, 0), coalesce(w.n_grad, 0)) AS stay_rate_low,
       wilson_high(coalesce(w.n_stayed, 0), coalesce(w.n_grad, 0)) AS stay_rate_high,
       below_min_n(coalesce(w.n_grad, 0)) AS small_n,
       coalesce(f.n_grad_fractional, 0) AS n_grad_fractional,
       coalesce(f.n_stayed_fractional, 0) AS n_stayed_fractional,
       f.n_stayed_fractional / nullif(f.n_grad_fractional, 0) AS stay_rate_fractional,
       coalesce(w.n_grad_total, 0) AS n_grad_total,
       coalesce(w.n_grad, 0) / nullif(w.n_grad_total, 0) AS coverage_in_country,
       coalesce(w.n_enrolled, 0) AS n_enrolled,
       coalesce(w.n_enrolled_in_country, 0) AS n_enrolled_in_country,
       coalesce(w.n_status_unknown, 0) AS n_status_unknown,
       t.n, t.n_known, t.n_known / nullif(t.n, 0) AS coverage
FROM whole w
FULL JOIN fractional f USING (conference, year, track, tier, grad_country)
JOIN totals t USING (conference, year, track, tier);
"""

OUTSIDE_ORIGIN_SQL = """
CREATE OR REPLACE VIEW study_outside_origin AS
WITH pop AS (SELECT * FROM study_population),
shares AS (SELECT * FROM study_person_shares),
totals AS (
    SELECT conference, year, track, tier, count(*) AS n,
           count(*) FILTER (WHERE origin_country IS NOT NULL AND work_country IS NOT NULL) AS n_known_all
    FROM pop GROUP BY ALL
),
known AS (
    SELECT * FROM pop WHERE origin_country IS NOT NULL AND work_country IS NOT NULL
),
whole AS (
    SELECT conference, year, track, tier, coalesce(origin_country, 'all') AS origin_country,
           count(*) AS n_known, count(*) FILTER (WHERE work_country <> origin_country) AS n_outside
    FROM known GROUP BY GROUPING SETS ((conference, year, track, tier, origin_country), (conference, year, track, tier))
),
work_known AS (
    SELECT DISTINCT conference, year, person_id FROM shares WHERE dimension = 'work_country'
),
person_fraction AS (
    SELECT p.conference, p.year, p.track, p.tier, p.person_id, o.value AS origin_country, o.share AS origin_share,
           o.share * (1 - coalesce(w.share, 0)) AS outside_share
    FROM pop p
    JOIN shares o ON o.dimension = 'origin_country' AND o.conference = p.conference AND o.year = p.year
                 AND o.person_id = p.person_id
    JOIN work_known k ON k.conference = p.conference AND k.year = p.year AND k.person_id = p.person_id
    LEFT JOIN shares w ON w.dimension = 'work_country' AND w.conference = p.conference AND w.year = p.year
                      AND w.person_id = p.person_id AND w.value = o.value
),
fractional AS (
    SELECT conference, year, track, tier, coalesce(origin_country, 'all') AS origin_country,
           sum(origin_share) AS n_known_fractional, sum(outside_share) AS n_outside_fractional
    FROM person_fraction
    GROUP BY GROUPING SETS ((conference, year, track, tier, origin_country), (conference, year, track, tier))
),
keys AS (  -- the 'all' row exists even when no origin is known, so n and coverage always show
    SELECT conference, year, track, tier, origin_country FROM whole
    UNION SELECT conference, year, track, tier, origin_country FROM fractional
    UNION SELECT conference, year, track, tier, 'all' FROM totals
)
SELECT conference, year, track, tier, origin_country,
       coalesce(w.n_known, 0) AS n_known, coalesce(w.n_outside, 0) AS n_outside,
       coalesce(w.n_outside, 0) / nullif(w.n_known, 0) AS share_outside,
       wilson_low(coalesce(w.n_outside, 0), coalesce(w.n_known, 0)) AS share_outside_low,
       wilson_high(coalesce(w.n_outside, 0), coalesce(w.n_known, 0)) AS share_outside_high,
       below_min_n(coalesce(w.n_known, 0)) AS small_n,
       coalesce(f.n_known_fractional, 0) AS n_known_fractional,
       coalesce(f.n_outside_fractional, 0) AS n_outside_fractional,
       f.n_outside_fractional / nullif(f.n_known_fractional, 0) AS share_outside_fractional,
       t.n, t.n_known_all / nullif(t.n, 0) AS coverage
FROM keys k
JOIN totals t USING (conference, year, track, tier)
LEFT JOIN whole w USING (conference, year, track, tier, origin_country)
LEFT JOIN fractional f USING (conference, year, track, tier, origin_country);
"""


def create_study_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create every study view from whatever inputs exist; returns the optional inputs that were missing."""
    has_affiliations = table_exists(con, "authorship_persons") and table_exists(con, "authorship_affiliations")
    has_education = table_exists(con, "person_education")
    has_institutions = table_exists(con, "institutions")
    con.execute(population_sql(has_education, con))
    con.execute(person_shares_sql(has_affiliations, has_education, con))
    for dimension in DIMENSIONS:
        con.execute(country_view_sql(dimension))
        apply_comments(con, f"study_{dimension}", *country_view_comments(dimension))
    con.execute(institution_view_sql(has_institutions))
    con.execute(FLOWS_SQL)
    con.execute(STAY_RATES_SQL)
    con.execute(OUTSIDE_ORIGIN_SQL)
    apply_comments(con, "study_work_institution_top25", *INSTITUTION_COMMENTS)
    for view, (view_comment, columns) in STATIC_COMMENTS.items():
        apply_comments(con, view, view_comment, columns)
    missing = []
    if not has_affiliations:
        missing.append("authorship_persons/authorship_affiliations (fractional work counts fall back to whole)")
    if not has_education:
        missing.append("person_education (fractional education counts fall back to whole)")
    if not has_institutions:
        missing.append("institutions (institution names left NULL)")
    return missing


_MACROS = importlib.import_module("warehouse.models.068_estimate_macros")


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    if not table_exists(con, "talent_records"):
        drop_study_views(con)
        message = "study views skipped: table talent_records is absent (built by the people models 050-069)"
        logger.warning(message)
        report.notes["study_views"] = message
        return
    # The views' interval macros (wilson_low/high, below_min_n) come from model 068; create them here too so
    # the views never depend on the build having run it first (a partial rebuild, or a test of this model).
    from warehouse.estimates import CONFIDENCE, min_n, z_value

    con.execute(_MACROS.macros_sql(min_n(), z_value(CONFIDENCE)))
    missing = create_study_views(con)
    for item in missing:
        logger.info("study views: %s", item)
    report.notes["study_views"] = {"created": list(reversed(STUDY_VIEWS)), "missing_inputs": missing}
