"""End-to-end resolution of real affiliation strings, including the traps named in the issue."""

import pytest

from etl.affiliations.resolver import load_resolver


@pytest.fixture(scope="module")
def resolver():
    return load_resolver()


def first(resolver, text, domain=None, **kw):
    (result,) = resolver.resolve(text, domain, **kw)
    return result


@pytest.mark.parametrize(("text", "institution_id", "country"), [
    ("Dept. of CS, Tsinghua Univ., Beijing", "03cve4549", "CN"),
    ("State Key Laboratory of Automotive Safety and Energy,Tsinghua University,Haidian District,Beijing 100084,China)",
     "03cve4549", "CN"),
    ("University of California, Berkeley", "01an7q238", "US"),
    ("Department of Physics Stanford University Stanford California", "00f54p054", "US"),
    ("Toyohashi Univ. of Tech.", None, "JP"),
    ("Korea Advanced Institute of Science & Technology", "05apxxy63", "KR"),
    ("Meta Facebook", "01zbnvs85", "US"),                       # alias mined from NeurIPS evidence
    ("Swiss Federal Institute of Technology Lausanne", "02s376052", "CH"),
    ("The Hong Kong University of Science and Technology", "00q4vv597", "HK"),
    ("University of Macau", "01r4q9n85", "MO"),
    ("National Taiwan University", "05bqach95", "TW"),
    ("Stanford Univeristy", "00f54p054", "US"),                 # typo: fuzzy, blocked
    ("清华大学", "03cve4549", "CN"),                            # Chinese ROR label
    ("東京大学", "057zh3y96", "JP"),                            # Japanese ROR label
    ("서울대학교", "04h9pn542", "KR"),                          # Korean ROR label
])
def test_real_strings(resolver, text, institution_id, country):
    result = first(resolver, text)
    if institution_id:
        assert result.institution_id == institution_id, result
    assert result.country_code == country, result


def test_tsinghua_is_not_national_tsing_hua(resolver):
    beijing = first(resolver, "Tsinghua University, Beijing, China")
    hsinchu = first(resolver, "National Tsing Hua University, Hsinchu, Taiwan")
    assert (beijing.institution_id, beijing.country_code) == ("03cve4549", "CN")
    assert hsinchu.institution_id != beijing.institution_id and hsinchu.country_code == "TW"
    # the short name with a Taiwanese city must not fall back to Beijing's Tsinghua
    assert first(resolver, "Tsinghua University, Hsinchu").institution_id != "03cve4549"


def test_multi_affiliation_order_is_kept(resolver):
    results = resolver.resolve("Google Research + UC Berkeley")
    assert [r.institution_id for r in results] == ["00njsd438", "01an7q238"]
    assert [r.type for r in results] == ["company", "education"]


def test_email_domain_alone_resolves(resolver):
    result = first(resolver, "", "lamda.nju.edu.cn")
    assert (result.institution_id, result.country_code, result.method) == ("01rxvg760", "CN", "email-domain")
    sub_unit = first(resolver, "School of Computer Science", "adelaide.edu.au")
    assert sub_unit.country_code == "AU"


def test_webmail_never_resolves(resolver):
    assert resolver.resolve("", "gmail.com") == []
    assert resolver.resolve("", "163.com") == []
    assert first(resolver, "Department of Physics", "gmail.com").institution_id is None


def test_acronyms_that_are_places_are_not_institutions(resolver):
    result = first(resolver, "Department of Mathematics, Massachusetts Institute of Technology, Cambridge, MA 02139, USA")
    assert result.institution_id == "042nb2s44" and result.also_ids == ()
    assert first(resolver, "Carnegie Mellon Univ., Pittsburgh, PA, USA").also_ids == ()


def test_company_country_follows_the_mention_but_not_a_city(resolver):
    zurich = first(resolver, "Google, Zurich, Switzerland")
    assert (zurich.institution_id, zurich.country_code) == ("00njsd438", "CH")
    venice = first(resolver, "Google Inc., Venice, CA 90291")
    assert venice.country_code == "US"


def test_deepmind_distinct_and_rollup(resolver):
    deepmind = first(resolver, "DeepMind")
    assert (deepmind.institution_id, deepmind.country_code) == ("00971b260", "GB")
    assert first(resolver, "DeepMind", rollup=True).institution_id == "00971b260"  # Alphabet is a holding
    assert first(resolver, "Google Research").institution_id == "00njsd438"
    msra = first(resolver, "Microsoft Research Asia, Beijing")
    assert msra.institution_id == "0300m5276"
    rolled = first(resolver, "Microsoft Research Asia, Beijing", rollup=True)
    assert (rolled.institution_id, rolled.country_code) == ("00d0nc645", "CN")


def test_unresolved_is_empty_not_a_guess(resolver):
    result = first(resolver, "Zzyzx Quux Institute of Nothing")
    assert result.institution_id is None and result.method == "unresolved"
    assert resolver.resolve("") == []


def test_country_only_when_the_string_names_it(resolver):
    result = first(resolver, "Some Unlisted Startup, Berlin, Germany")
    assert result.institution_id is None and result.country_code == "DE"


def test_a_build_context_makes_its_own_resolver(resolver, tmp_path):
    """``resolver_for`` builds a resolver over a given registry with its index cached where it is told;
    the process-wide one is untouched and both resolve alike."""
    from etl.affiliations.resolver import resolver_for

    own = resolver_for(resolver.registry, cache_dir=tmp_path)
    assert own is not resolver and load_resolver() is resolver
    assert list(tmp_path.glob("name-index-*.pickle"))
    text, domain = "Dept. of CS, Tsinghua Univ., Beijing", "tsinghua.edu.cn"
    assert own.resolve(text, domain) == resolver.resolve(text, domain)
