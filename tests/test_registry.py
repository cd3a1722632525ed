"""Registry build from the committed data/registries (no ../shared needed)."""

import csv
import json
import zipfile

import duckdb
import pytest

from etl.registry import load_registry
from etl.registry.build import split_country_suffix
from etl.registry.builder import own_id
from etl.registry.domains import tld_country
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.ror_dump import read_dump
from warehouse.models.core.institutions import write_registry_tables


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def names_of(registry, institution_id):
    return {n.name for n in registry.names if n.institution_id == institution_id}


def test_ror_ids_are_primary(registry):
    tsinghua = registry.institutions["03cve4549"]
    assert (tsinghua.name, tsinghua.country_code, tsinghua.type) == ("Tsinghua University", "CN", "education")
    assert registry.domains["tsinghua.edu.cn"].institution_id == "03cve4549"


def test_cjk_labels_are_names(registry):
    assert "清华大学" in names_of(registry, "03cve4549")
    kinds = {(n.kind, n.lang) for n in registry.names if n.name == "清华大学"}
    assert ("label", "zh") in kinds


def test_institutions_missing_from_ror_union_get_own_stable_ids(registry):
    mbzuai = registry.domains["mbzuai.ac.ae"].institution_id
    assert mbzuai == own_id("Mohamed bin Zayed University of Artificial Intelligence", "AE")
    assert registry.institutions[mbzuai].country_code == "AE"
    nthu = registry.domains["nthu.edu.tw"].institution_id
    assert nthu.startswith("tt:") and registry.institutions[nthu].country_code == "TW"
    assert own_id("Adobe", "US") == "tt:adobe-us"  # stable: derived from name and country only


def test_same_university_from_two_sources_is_one_institution(registry):
    # Hipo lists MIT with mit.edu; it must merge into the ROR record, not create a tt: twin
    assert registry.domains["mit.edu"].institution_id == "042nb2s44"
    assert not any(i.startswith("tt:massachusetts-institute-of-technology") for i in registry.institutions)


def test_domain_whose_tld_contradicts_ror_country_is_demoted(registry):
    # ROR lists neu.edu for Northeastern University (Shenyang); .edu is the Boston one's
    owner = registry.institutions[registry.domains["neu.edu"].institution_id]
    assert owner.country_code == "US"


def test_deepmind_distinct_from_google_with_parent(registry):
    deepmind = registry.institutions["00971b260"]
    assert deepmind.parent_id == "02e9yx751"  # Alphabet
    assert registry.domains["deepmind.com"].institution_id == "00971b260"
    assert registry.domains["google.com"].institution_id == "00njsd438"


def test_verified_seed_keeps_evidence_and_drops_contradicted():
    with open(REGISTRY_DATA_DIR / "ai_labs_verified.csv", encoding="utf-8") as fh:
        rows = {r["canonical_name"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 59
    assert int(rows["Google"]["evidence_count"]) > 500
    assert "Face++" not in rows["Megvii"]["aliases"].split("|") and "Face++" in rows["Megvii"]["dropped"]
    assert "elementai.com" in rows["ServiceNow"]["email_domains"]
    assert rows["Anthropic"]["domains_source"] == "curated-no-evidence"


def test_helpers():
    assert split_country_suffix("Google (United States)") == ("Google", "US")
    assert split_country_suffix("Institut Pasteur (IP)") == ("Institut Pasteur (IP)", None)
    assert tld_country("ox.ac.uk") == "GB" and tld_country("prowler.io") is None
    assert tld_country("mit.edu") == "US" and tld_country("google.com") is None


def test_write_registry_tables(registry):
    con = duckdb.connect()
    counts = write_registry_tables(con, registry)
    assert counts["institutions"] == len(registry.institutions)
    row = con.execute("SELECT name, country_code FROM institutions WHERE institution_id = ?",
                      ["03cve4549"]).fetchone()
    assert row == ("Tsinghua University", "CN")
    cols = [r[0] for r in con.execute("DESCRIBE institution_domains").fetchall()]
    assert cols == ["domain", "institution_id", "source"]
    write_registry_tables(con, registry)  # replace, not append
    assert con.execute("SELECT count(*) FROM institutions").fetchone()[0] == counts["institutions"]


def test_read_ror_dump_v2_zip(tmp_path):
    record = {"id": "https://ror.org/03cve4549", "status": "active", "types": ["education", "funder"],
              "names": [{"value": "Tsinghua University", "types": ["ror_display", "label"], "lang": "en"},
                        {"value": "清华大学", "types": ["label"], "lang": "zh"},
                        {"value": "THU", "types": ["acronym"], "lang": None}],
              "locations": [{"geonames_details": {"country_code": "CN", "name": "Beijing"}}],
              "domains": ["tsinghua.edu.cn"], "links": [{"type": "website", "value": "https://www.tsinghua.edu.cn"}],
              "relationships": [{"type": "child", "id": "https://ror.org/05kje8j93", "label": "x"}]}
    path = tmp_path / "v1.50-ror-data.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("v1.50-ror-data_schema_v2.json", json.dumps([record]))
    (rec,) = read_dump(path)
    assert rec["id"] == "03cve4549" and rec["country_code"] == "CN" and rec["acronyms"] == ["THU"]
    assert ["清华大学", "zh"] in rec["labels"] and rec["relationships"] == [["child", "05kje8j93"]]


def test_read_ror_dump_v1_json(tmp_path):
    record = {"id": "https://ror.org/042nb2s44", "name": "Massachusetts Institute of Technology",
              "status": "active", "types": ["Education"], "aliases": [], "acronyms": ["MIT"],
              "labels": [], "country": {"country_code": "US"}, "addresses": [{"city": "Cambridge"}],
              "links": ["http://web.mit.edu/"], "relationships": []}
    path = tmp_path / "dump.json"
    path.write_text(json.dumps([record]))
    (rec,) = read_dump(path)
    assert (rec["id"], rec["types"], rec["city"]) == ("042nb2s44", ["education"], "Cambridge")
