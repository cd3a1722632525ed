"""Integrity checks on resolved affiliations, for status reports and tests.

A resolved institution must carry a country: the study counts countries, and an institution whose
country cannot be established is left unresolved by the registry build and the resolver (see
``etl.registry.evidence`` and ``AffiliationResolver``). These functions let other code — ``talent
status``, a check command, the tests — confirm that held on a built warehouse.
"""

from __future__ import annotations

import duckdb

_WITHOUT_COUNTRY = """
    FROM authorship_affiliations aa
    LEFT JOIN institutions i USING (institution_id)
    WHERE aa.institution_id IS NOT NULL AND (aa.country_code IS NULL OR i.country_code IS NULL)
"""


def institutions_without_country(con: duckdb.DuckDBPyConnection) -> int:
    """Resolved institutions used by authorship affiliations that have no country (target 0).

    Counts an institution when the registry holds no country for it, or when any affiliation row
    resolved to it carries none.
    """
    return con.execute(f"SELECT count(DISTINCT aa.institution_id) {_WITHOUT_COUNTRY}").fetchone()[0]  # noqa: S608


def affiliation_rows_without_country(con: duckdb.DuckDBPyConnection) -> int:
    """Authorship affiliation rows with an institution but no country, on either side (target 0)."""
    return con.execute(f"SELECT count(*) {_WITHOUT_COUNTRY}").fetchone()[0]  # noqa: S608
