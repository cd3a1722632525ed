"""Country names and mentions → ISO codes: the aliases pycountry's fuzzy search gets wrong."""

import pytest

from etl.countries import country_code, country_mentions, fold_greater_china


@pytest.mark.parametrize(("name", "code"), [
    ("Korea", "KR"), ("Republic of Korea", "KR"), ("Hong Kong SAR", "HK"), ("P.R. China", "CN"),
    ("People's Republic of China", "CN"), ("Turkey", "TR"), ("Türkiye", "TR"), ("Macau", "MO"),
    ("UK", "GB"), ("USA", "US"), ("U.S.A.", "US"), ("Taiwan", "TW"), ("Russian Federation", "RU"),
    ("Czech Republic", "CZ"), ("The Netherlands", "NL"), ("Deutschland", "DE"), ("CH", "CH"),
])
def test_country_code_aliases(name, code):
    assert country_code(name) == code


def test_unknown_country_stays_unknown():
    assert country_code("Unknown") is None
    assert country_code("") is None
    assert country_code("Atlantis") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Tsinghua University, Beijing 100084, P.R. China", ["CN"]),
    ("Department of Environmental Engineering, National Cheng Kung University, Tainan, Taiwan (ROC)", ["TW"]),
    ("HKUST, Hong Kong SAR", ["HK"]),
    ("Baidu Research USA", ["US"]),
    ("Univ. of New Mexico, Albuquerque, NM, USA", ["US"]),      # New Mexico is not Mexico
    ("Georgia Institute of Technology, Atlanta, GA", []),         # Georgia is not the country
    ("Rutgers, New Brunswick, New Jersey", []),                   # New Jersey is not Jersey
    ("Seoul National University, Seoul, Korea", ["KR"]),
    ("Latin America Research Center", []),
])
def test_country_mentions(text, expected):
    assert country_mentions(text) == expected


def test_greater_china_folding_is_explicit():
    assert [fold_greater_china(c) for c in ("HK", "MO", "TW", "CN", "US", None)] == \
        ["CN", "CN", "CN", "CN", "US", None]
