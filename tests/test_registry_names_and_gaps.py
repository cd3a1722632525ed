"""Issue 9 (no e-mail address in any stored name) and the resolver gaps colleagues found (issue 14).

The swot entries below are invented in swot's shape (a name, then a request letter); the people in them
are fictional.
"""

from __future__ import annotations

import re

import pytest

from etl.affiliations.resolver import load_resolver
from etl.registry import load_registry
from etl.registry.build import add_swot
from etl.registry.builder import RegistryBuilder
from etl.registry.clean_names import swot_names, without_addresses

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def test_addresses_are_cut_from_a_name():
    assert without_addresses("Contact: info@school.example") == "Contact"
    assert without_addresses("jo.doe@school.example") == ""
    assert without_addresses("W@lz Learning Centre") == "Learning Centre"
    assert without_addresses("Fictional University") == "Fictional University"


def test_swot_names_stop_at_the_letter_that_follows_them():
    lines = ["Fictional Institute of Computing", "FIC", "Official website: https://fic.example/",
             "The student email is like firstname.lastname@fic.example", "Kind regards,", "Quill Examplar"]
    assert swot_names(lines) == ["Fictional Institute of Computing", "FIC"]
    assert swot_names(["head@fic.example", "Fictional College [https://fc.example/]"]) == ["Fictional College"]
    assert swot_names(["Fictional College", "contact: head@fc.example", "Wren Placeholder"]) == ["Fictional College"]


def test_swot_build_keeps_no_address_and_no_signature():
    builder = RegistryBuilder(frozenset())
    add_swot(builder, [{"domain": "fic.example.fr", "group": False,
                        "names": ["Fictional Institute of Computing", "contact: info@fic.example.fr",
                                  "so my email is quill.examplar@fic.example.fr", "Quill Examplar"]}], {})
    names = {n.name for n in builder.names}
    assert names == {"Fictional Institute of Computing"}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_no_stored_name_keeps_an_address(registry):
    assert [n.name for n in registry.names if ADDRESS.search(n.name)] == []
    assert [i.name for i in registry.institutions.values() if ADDRESS.search(i.name)] == []


def test_hipo_ens_paris_is_the_ror_record(registry):
    # Hipo's "Ecole Normale Supérieure de Paris" (ens.fr) and ROR's "École Normale Supérieure - PSL" (Paris)
    assert registry.domains["ens.fr"].institution_id == "05a0dhs15"
    assert "tt:ecole-normale-superieure-de-paris-fr" not in registry.institutions


def test_german_short_forms_only_where_unambiguous(registry):
    short = {n.name: n.institution_id for n in registry.names if n.kind == "short-form"}
    assert short["Universität Bonn"] == "041nas322" and short["TU München"] == "02kkvpp62"
    assert "Universität Berlin" not in short  # Berlin has several universities


@pytest.fixture(scope="module")
def resolver():
    return load_resolver()


@pytest.mark.parametrize("text", ["École Normale Supérieure", "Ecole Normale Superieure", "ENS Paris", "ENS Ulm",
                                  "ENS", "Ecole Normale Supérieure de Paris"])
def test_ens_resolves_to_ens_psl(resolver, text):
    (result,) = resolver.resolve(text)
    assert (result.institution_id, result.country_code) == ("05a0dhs15", "FR")


@pytest.mark.parametrize(("text", "expected"), [
    ("Universität Bonn", "041nas322"), ("TU München", "02kkvpp62"), ("UvA", "04dkp9463"),
    ("Mathematisches Institut, Universität Bonn, Germany", "041nas322")])
def test_short_forms_resolve(resolver, text, expected):
    assert resolver.resolve(text)[0].institution_id == expected


def test_msr_is_microsoft_research_and_the_site_is_left_to_coauthors(resolver):
    (result,) = resolver.resolve("MSR Cambridge")
    assert result.institution_id == "00d0nc645" and set(result.site_countries) == {"US", "GB"}
    assert resolver.resolve("MSR, Redmond")[0].institution_id == "00d0nc645"


def test_ambiguous_or_generic_single_words_stay_unresolved(resolver):
    assert resolver.resolve("UVA")[0].institution_id is None  # Virginia or Amsterdam: no evidence says which
    assert resolver.resolve("Hitachi Lighting LTD.")[0].institution_id != "03hjh0h14"  # ROR's "Ltd (Singapore)"
    assert resolver.resolve("Singapore")[0].institution_id is None
