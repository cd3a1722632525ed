"""Evidence-mined names and domains (NeurIPS aff ↔ aff_domain pairs) on the demo's most frequent strings."""

import pytest

from etl.affiliations.resolver import load_resolver
from etl.registry import load_registry
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.sources import refused_domains


@pytest.fixture(scope="module")
def resolver():
    return load_resolver()


def only(resolver, text, domain=None):
    (result,) = resolver.resolve(text, domain)
    return result


@pytest.mark.parametrize(("text", "institution_id", "country"), [
    ("University of Texas, Austin", "00hj54h04", "US"),          # utexas.edu, 207 authors
    ("Texas A&M", "01f5ytq51", "US"),                            # tamu.edu (a university in a system)
    ("University of Tuebingen", "03a1kwz48", "DE"),              # uni-tuebingen.de; ue = ü
    ("International Business Machines", "05hh8d621", "US"),      # alias of IBM Canada/UK too
    ("CNRS", "02feahw73", "FR"),                                 # not Lebanon's CNRS
    ("Inria", "02kvxyf05", "FR"),                                # single word acronym, evidence-backed
])
def test_evidence_aliases(resolver, text, institution_id, country):
    result = only(resolver, text)
    assert (result.institution_id, result.country_code) == (institution_id, country), result


def test_evidence_alias_keeps_its_count():
    registry = load_registry()
    assert registry.alias_evidence[("00hj54h04", "university of texas austin")] >= 100
    kinds = {n.kind for n in registry.names if n.institution_id == "02feahw73" and n.name == "CNRS"}
    assert "evidence-acronym" in kinds


def test_swot_abused_domains_are_not_refused():
    # abused.txt lists universities whose mail was misused for licences; the domain still names them
    refused = refused_domains(REGISTRY_DATA_DIR)
    assert "utexas.edu" not in refused and "tamu.edu" not in refused
    assert "gmail.com" in refused
    registry = load_registry()
    assert registry.domains["utexas.edu"].institution_id == "00hj54h04"


@pytest.mark.parametrize(("domain", "owner"), [
    ("cnrs.fr", "02feahw73"),      # was one small CNRS unit's; authors write "CNRS"
    ("inria.fr", "02kvxyf05"),     # was claimed by Inria and unrelated units alike
    ("ucl.ac.uk", "02jx3x895"),    # was a UCL centre's web link
])
def test_evidence_moves_or_settles_domains(domain, owner):
    registry = load_registry()
    assert registry.domains[domain].institution_id == owner


def test_evidence_never_gives_a_parent_name_to_a_unit(resolver):
    # arizona.edu belongs to a college of the University of Arizona in ROR: the name stays the university's
    assert only(resolver, "University of Arizona").institution_id == "03m2x1q45"
    assert only(resolver, "Microsoft Research Asia").institution_id == "0300m5276"
    # an acronym found beside a name never displaces it
    result = only(resolver, "IRISA, CNRS, Univ Rennes, Rennes, France")
    assert result.institution_id != "02feahw73"


@pytest.mark.parametrize(("text", "institution_id", "country"), [
    ("Stanford", "00f54p054", "US"),                 # a place too: its own display name minus "University"
    ("Princeton", "00hx57361", "US"),
    ("Tsinghua", "03cve4549", "CN"),
    ("McGill", "01pxwe438", "CA"),
    ("Hebrew University", "03qxff017", "IL"),        # the words before "University of Jerusalem"
    ("Ben-Gurion University", "05tkyf982", "IL"),
    ("Amazon Research", "04mv4n011", "US"),          # a company's short name plus research words
    ("Stanford, CA", "00f54p054", "US"),             # the rest is an address
])
def test_short_names(resolver, text, institution_id, country):
    result = only(resolver, text)
    assert (result.institution_id, result.country_code, result.method) == (institution_id, country, "short-name")
    assert result.confidence < 0.9


@pytest.mark.parametrize("text", [
    "Beijing",                       # a city: "Beijing University of Posts and Telecommunications" is a prefix
    "Moscow University",             # a place and more
    "Maine",                         # a US state, not the University of Maine
    "Oregon Res. Inst., Eugene, OR, USA",  # not the University of Oregon: "research institute" is not its name
    "Courant Institute",             # a unit of NYU: never rolled into NYU by a short name
    "Yahoo Research",                # only ROR's Spanish branch is a "Yahoo" company, without evidence
    "Bristol Myers Squibb, Princeton, NJ",  # the place is not the leading part
    "Technical University",
])
def test_short_names_refused(resolver, text):
    assert all(r.method != "short-name" for r in resolver.resolve(text)), resolver.resolve(text)


def test_bare_domain_as_affiliation(resolver):
    result = only(resolver, "stanford.edu")
    assert (result.institution_id, result.country_code, result.method) == ("00f54p054", "US", "domain-string")
    assert only(resolver, "https://www.cs.tsinghua.edu.cn/").institution_id == "03cve4549"
    assert only(resolver, "gmail.com").institution_id is None
    assert only(resolver, "Shannon.AI").method != "domain-string" or only(resolver, "Shannon.AI").institution_id
