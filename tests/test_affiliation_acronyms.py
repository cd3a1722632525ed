"""Issue 9, finding 5: acronyms and short names are not given to homonyms nobody in the field publishes from."""

import pytest

from etl.affiliations.resolver import load_resolver


@pytest.fixture(scope="module")
def resolver():
    return load_resolver()


def countries(resolver, text, domain=None):
    return [(r.institution_id, r.country_code) for r in resolver.resolve(text, domain)]


@pytest.mark.parametrize(("text", "domain", "country", "not_id"), [
    ("Ecole Normale Superieure", "ens.fr", "FR", "01dp7jr64"),           # not Burundi's ENS
    ("École Normale Supérieure", None, "FR", "01dp7jr64"),
    ("ENS", None, "FR", "01dp7jr64"),
    ("Mila / U. Montreal", None, "CA", None),                             # not Mila, Algeria
    ("Harvard University/Mila", None, "US", None),
    ("USC", None, "US", "016gb9e15"),                                     # not the Sunshine Coast
    ("USC Information Sciences Institute", None, "US", "016gb9e15"),
    ("TTIC", None, "US", "02g0s3c07"),                                    # not the French cornea lab
    ("Institute of Science and Technology", "ist.ac.at", "AT", "02wxm3f24"),  # not Nepal
    ("IST Austria", None, "AT", None),
    ("CityU", None, "HK", "04gpd4q15"),                                   # not Macau
    ("Mila, HEC Montreal", "hec.ca", "CA", None),
])
def test_real_acronyms_resolve_to_the_fields_institution(resolver, text, domain, country, not_id):
    results = countries(resolver, text, domain)
    assert country in {c for _i, c in results}, results
    assert "DZ" not in {c for _i, c in results} and "PR" not in {c for _i, c in results}
    if not_id:
        assert not_id not in {i for i, _c in results}, results


def test_web_name_is_not_a_town(resolver):
    # "Shannon.AI" names a company; Shannon (Ireland) is not evidence of anything
    assert countries(resolver, "Shannon.AI") == [(None, None)]


def test_unique_acronym_without_homonyms_still_resolves(resolver):
    # the evidence rule narrows shared acronyms; one only a single institution carries stays as before
    (result,) = resolver.resolve("CONICET")
    assert result.institution_id == "03cqe8w59" and result.country_code == "AR"


def test_state_name_holds_no_town(resolver):
    # "University of North Carolina" is not in the registry; the town of Carolina (PR) is no evidence
    assert "PR" not in {c for _i, c in countries(resolver, "University of North Carolina")}
    assert "PR" not in {c for _i, c in countries(
        resolver, "Department of Statistics and Operations Research, University of North Carolina at Chapel Hill, "
                  "North Carolina")}
