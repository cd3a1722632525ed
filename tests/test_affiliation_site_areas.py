"""A named area inside one country places a company's site like a city does (etl.affiliations.sites)."""

import pytest

from etl.affiliations.resolver import load_resolver


@pytest.fixture(scope="module")
def resolver():
    return load_resolver()


@pytest.mark.parametrize(("text", "domain", "country"), [
    ("JD.COM Silicon Valley Research Center", None, "US"),  # JD's headquarters are in CN
    ("JD.com Silicon Valley Research Center", "jd.com", "US"),  # the HQ domain does not move it back
    ("Baidu Research, Silicon Valley", None, "US"),
    ("JD.com Seattle Research Center", None, "US"),  # a registry city, the same rule
    ("JD.COM Beijing Research", None, "CN"),
])
def test_area_word_places_the_site(resolver, text, domain, country):
    (result,) = resolver.resolve(text, domain)
    assert result.institution_id == "tt:jd-com-cn" or result.name.startswith("Baidu"), result
    assert result.country_code == country, result


@pytest.mark.parametrize(("text", "country"), [
    ("The Chinese University of Hong Kong, Shenzhen", "CN"),   # mainland campus, not CUHK in Hong Kong
    ("The Chinese University of Hong Kong (Shenzhen)", "CN"),
    ("University of Nottingham Ningbo", "CN"),
    ("The Hong Kong University of Science and Technology (Guangzhou)", "CN"),
    ("The Chinese University of Hong Kong", "HK"),              # the parent stays where it is
])
def test_a_campus_named_after_its_university_takes_the_campus_country(resolver, text, country):
    results = resolver.resolve(text, None)
    assert {result.country_code for result in results} == {country}, results
