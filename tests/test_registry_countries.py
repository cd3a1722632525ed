"""Issue 9, finding 6: no institution without a country is created as a resolution."""

import duckdb
import pytest

from etl.affiliations.integrity import affiliation_rows_without_country, institutions_without_country
from etl.affiliations.resolver import load_resolver
from etl.registry import load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_no_own_institution_without_country(registry):
    assert [i for i in registry.institutions.values()
            if i.institution_id.startswith("tt:") and i.country_code is None] == []


def test_sharif_has_one_record_in_iran(registry):
    assert "tt:sharif-university-of-technology-xx" not in registry.institutions
    owner = registry.domains["sharif.edu"].institution_id if "sharif.edu" in registry.domains else None
    sharif = [i for i in registry.institutions.values() if i.name == "Sharif University of Technology"]
    assert {i.country_code for i in sharif} == {"IR"}
    assert owner is None or registry.institutions[owner].country_code == "IR"


def test_country_from_authors_strings_or_domain(registry):
    assert registry.institutions[registry.domains["vinai.io"].institution_id].country_code == "VN"
    assert registry.institutions["02d5ks197"].country_code == "CN"  # CUHK-Shenzhen stub, via cuhk.edu.cn


@pytest.mark.parametrize(("text", "domain"), [
    ("Naver Labs Europe", "naverlabs.com"), ("InstaDeep", "instadeep.com"), ("Borealis AI", "borealisai.com"),
    ("Inception Institute of Artificial Intelligence", "inceptioniai.org"), ("Layer 6 AI", "layer6.ai"),
])
def test_institution_whose_country_is_unknown_is_not_a_resolution(text, domain):
    for result in load_resolver().resolve(text, domain):
        assert result.institution_id is None or result.country_code is not None, result


def test_sharif_resolves_to_iran():
    (result,) = load_resolver().resolve("Sharif University of Technology", "ce.sharif.edu")
    assert result.country_code == "IR"


def test_integrity_counts():
    con = duckdb.connect()
    con.execute("CREATE TABLE institutions(institution_id VARCHAR, country_code VARCHAR)")
    con.execute("INSERT INTO institutions VALUES ('a', 'FR'), ('b', NULL), ('c', 'US')")
    con.execute("CREATE TABLE authorship_affiliations(institution_id VARCHAR, country_code VARCHAR)")
    con.execute("INSERT INTO authorship_affiliations VALUES ('a', 'FR'), ('b', 'GB'), ('c', NULL), ('c', NULL), "
                "(NULL, 'DE'), (NULL, NULL)")
    assert institutions_without_country(con) == 2
    assert affiliation_rows_without_country(con) == 3
    con.execute("DELETE FROM authorship_affiliations WHERE institution_id IN ('b', 'c')")
    assert institutions_without_country(con) == 0 and affiliation_rows_without_country(con) == 0
