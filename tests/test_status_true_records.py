"""``talent status --check`` carries issue 9's audit figures as checks (tiny invented warehouse)."""

from __future__ import annotations

import duckdb

from warehouse.status import _objects, check_true_records


def _checks(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    return {check.name: (check.value, check.ok) for check in check_true_records(con, _objects(con))}


def test_profile_fan_in_over_a_handful_fails():
    con = duckdb.connect()
    con.execute("CREATE TABLE stg_openreview_profiles (requested_id VARCHAR, profile_id VARCHAR, status VARCHAR)")
    con.execute("INSERT INTO stg_openreview_profiles VALUES ('~Ada_Fixture1', '~Ada_Fixture1', 'found'), "
                "('~Ada_Fixture2', '~Ada_Fixture1', 'found'), ('~Gil_Nowhere1', NULL, 'missing')")
    assert _checks(con)["max_requested_ids_per_profile"] == (2, True)
    con.execute("INSERT INTO stg_openreview_profiles SELECT '~Chained_Person' || i, '~Ada_Fixture1', 'found' "
                "FROM range(10) t(i)")
    assert _checks(con)["max_requested_ids_per_profile"] == (12, False)


def test_institution_without_country_fails():
    con = duckdb.connect()
    con.execute("CREATE TABLE institutions (institution_id VARCHAR, name VARCHAR, country_code VARCHAR, "
                "type VARCHAR, parent_id VARCHAR, source VARCHAR, city VARCHAR)")
    con.execute("CREATE TABLE authorship_affiliations (conference VARCHAR, year INT, paper_id VARCHAR, "
                "author_position INT, institution_id VARCHAR, country_code VARCHAR, weight DOUBLE, "
                "confidence DOUBLE, method VARCHAR)")
    con.execute("INSERT INTO institutions VALUES ('tt:a', 'Fictional Lab', 'FR', 'company', NULL, 'test', NULL)")
    con.execute("INSERT INTO authorship_affiliations VALUES ('talentfixture', 2022, 'p1', 1, 'tt:a', 'FR', 1, 1, 'x')")
    assert _checks(con)["institutions_without_country"] == (0, True)
    con.execute("INSERT INTO institutions VALUES ('tt:b', 'Nowhere Lab', NULL, 'company', NULL, 'test', NULL)")
    con.execute("INSERT INTO authorship_affiliations VALUES ('talentfixture', 2022, 'p1', 2, 'tt:b', NULL, 1, 1, 'x')")
    value, ok = _checks(con)["institutions_without_country"]
    assert value == 1 and not ok
