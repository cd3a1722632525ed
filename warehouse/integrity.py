"""Integrity checks of the people layer: figures that must be 0 on any warehouse, for ``talent status``.

Each check answers one question an audit asked (issue 9) from what the warehouse holds, so it can be run on
any warehouse, old or new:

* ``test_rows_in_study_views`` — rows of the study base (``study_population`` and ``study_person_shares``)
  that belong to a person described by test data: on a paper marked test_data, or with a
  ``person_education`` row from a test-data profile or ORCID record. Must be 0.
* ``education_from_non_degree_institutions`` — undergraduate or graduate countries of talent records whose
  evidence is an entry at a company (a "PhD student, Microsoft" position). Must be 0.
* ``undated_education_outside_observed_year`` — education countries of talent records taken from an undated
  profile entry for a year other than the conference-year the profile was read for. Must be 0.

    .venv/bin/python -m warehouse.integrity warehouse/talent.duckdb     # prints the figures as JSON
"""

from __future__ import annotations

import json
import sys

import duckdb

from warehouse.sql import table_exists

EDUCATION_FIELDS = ("undergrad_country", "grad_country")


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    """One count, fetched to the end (an unfinished result blocks the connection's next relation)."""
    return con.execute(sql, params or []).fetchall()[0][0]


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return _count(con, "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                  [table, column]) > 0


def test_persons_sql(con: duckdb.DuckDBPyConnection) -> str:
    """SELECT of the person ids described by test data, from whichever markers this warehouse has."""
    parts = []
    if table_exists(con, "stg_test_data_papers") and table_exists(con, "authorship_persons"):
        parts.append("SELECT ap.person_id FROM authorship_persons ap "
                     "JOIN stg_test_data_papers t USING (conference, year, paper_id)")
    if table_exists(con, "person_education") and _has_column(con, "person_education", "test_data"):
        parts.append("SELECT person_id FROM person_education WHERE test_data")
    if table_exists(con, "person_education") and table_exists(con, "stg_openreview_profiles"):
        # older warehouses: rows whose source profile or ORCID record is marked test data
        parts.append("SELECT e.person_id FROM person_education e WHERE e.source_key IN ("
                     "SELECT requested_id FROM stg_openreview_profiles WHERE test_data "
                     "UNION SELECT profile_id FROM stg_openreview_profiles WHERE test_data AND profile_id IS NOT NULL "
                     "UNION SELECT orcid FROM stg_openreview_profiles WHERE test_data AND orcid IS NOT NULL)")
    if table_exists(con, "talent_records") and _has_column(con, "talent_records", "test_data"):
        parts.append("SELECT person_id FROM talent_records WHERE test_data")
    if not parts:
        return "SELECT NULL::VARCHAR AS person_id WHERE false"
    return " UNION ".join(parts)


def test_rows_in_study_views(con: duckdb.DuckDBPyConnection) -> int:
    """Rows of study_population and study_person_shares that belong to test-data persons (must be 0)."""
    persons = test_persons_sql(con)
    total = 0
    for view in ("study_population", "study_person_shares"):  # fixed names: every study view reads these
        if table_exists(con, view):
            total += _count(con, f"SELECT count(*) FROM {view} WHERE person_id IN ({persons})")  # noqa: S608
    return total


test_rows_in_study_views.__test__ = False  # a check, not a pytest test, whatever module imports it


def education_from_non_degree_institutions(con: duckdb.DuckDBPyConnection) -> int:
    """Education countries in talent_records whose evidence entry is at a company (must be 0)."""
    if not (table_exists(con, "talent_records") and table_exists(con, "institutions")):
        return 0
    return sum(_count(con,
        f"""SELECT count(*) FROM talent_records t
            JOIN institutions i ON i.institution_id = (t.evidence -> '{field}' ->> 'institution_id')
            WHERE t.{field} IS NOT NULL AND i.type = 'company'
              AND coalesce((t.evidence -> '{field}' ->> 'source'), '') <> 'analyst_correction'"""  # noqa: S608
    ) for field in EDUCATION_FIELDS)


def undated_education_outside_observed_year(con: duckdb.DuckDBPyConnection) -> int:
    """Education countries from an undated profile entry used for a year other than the one it was read for."""
    if not (table_exists(con, "talent_records") and table_exists(con, "stg_authorship_profiles")
            and table_exists(con, "authorship_persons")):
        return 0
    observed = """SELECT ap.person_id, p.profile_id, max(ap.year) AS observed_year
                  FROM authorship_persons ap
                  JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
                  GROUP BY ALL"""
    return sum(_count(con,
        f"""SELECT count(*) FROM talent_records t
            JOIN ({observed}) o ON o.person_id = t.person_id
             AND o.profile_id = (t.evidence -> '{field}' ->> 'source_key')
            WHERE t.{field} IS NOT NULL
              AND (t.evidence -> '{field}' ->> 'source') = 'openreview_profile'
              AND (t.evidence -> '{field}' ->> 'start_year') IS NULL
              AND (t.evidence -> '{field}' ->> 'end_year') IS NULL
              AND t.year <> o.observed_year"""  # noqa: S608
    ) for field in EDUCATION_FIELDS)


def figures(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        "test_rows_in_study_views": test_rows_in_study_views(con),
        "education_from_non_degree_institutions": education_from_non_degree_institutions(con),
        "undated_education_outside_observed_year": undated_education_outside_observed_year(con),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m warehouse.integrity WAREHOUSE.duckdb", file=sys.stderr)
        return 2
    con = duckdb.connect(args[0], read_only=True)
    try:
        print(json.dumps(figures(con), sort_keys=True))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
