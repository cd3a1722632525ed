"""data/registries/single_site_labs.csv: rows need a basis, field evidence, and stay out when they have none."""

import csv
import shutil

import pytest

from etl.registry import sources
from etl.registry.builder import RegistryBuilder, own_id
from etl.registry.curated_sites import (
    COLUMNS,
    CURATED_SITES_FILE,
    add_curated_sites,
    field_evidence,
    read_curated_sites,
    read_institution_counts,
    validate_row,
    write_evidence_columns,
)
from etl.registry.model import Institution
from etl.registry.paths import REGISTRY_DATA_DIR


def _row(**over):
    # a fictional lab: no real organisation is described
    row = {"name": "Quillfeather Robotics", "aliases": "Quillfeather AI", "acronyms": "QFR", "country_code": "NZ",
           "city": "Dunedin", "parent_ror_id": "", "email_domains": "quillfeather.example", "company_domains": "", "scope": "organisation",
           "region": "", "site_evidence_url": "https://quillfeather.example/about", "note": "",
           "evidence_count": "", "evidence_detail": ""}
    row.update(over)
    return row


PAIRS = [("Quillfeather AI, Dunedin", "gmail.com", 2), ("Some University", "quillfeather.example", 1),
         ("Quillfeathers Inc", "other.example", 5)]
PROCEEDINGS = [("QFR", 3), ("Quillfeather Robotics and Some University", 1), ("Featherquill", 9)]


def test_evidence_counts_names_and_domains_as_whole_words():
    evidence = field_evidence(_row(), PAIRS, PROCEEDINGS)
    assert (evidence.pairs, evidence.proceedings) == (3, 4)  # "Quillfeathers" is another word


def test_a_row_without_field_evidence_is_not_added():
    builder = RegistryBuilder(frozenset())
    added = add_curated_sites(builder, [_row(), _row(name="Nowhere Labs", aliases="", acronyms="",
                                                     email_domains="")], PAIRS, PROCEEDINGS)
    assert added == 1 and own_id("Nowhere Labs", "NZ") not in builder.institutions
    lab = builder.institutions[own_id("Quillfeather Robotics", "NZ")]
    assert (lab.country_code, lab.type, lab.city) == ("NZ", "company", "Dunedin")
    assert builder.domain_claims["quillfeather.example"] == {lab.institution_id: "curated-site"}


def test_a_site_hangs_under_its_company_and_records_its_region():
    builder = RegistryBuilder(frozenset())
    builder.add_institution(Institution("0parent00", "Quillfeather Group", "NZ", "company", None, "ror"))
    add_curated_sites(builder, [_row(name="Quillfeather Robotics Europe", scope="site", parent_ror_id="0parent00",
                                     country_code="PT", region="europe")], PAIRS, PROCEEDINGS)
    site_id = own_id("Quillfeather Robotics Europe", "PT")
    assert builder.institutions[site_id].parent_id == "0parent00"
    assert builder.site_regions == {site_id: "europe"}


@pytest.mark.parametrize(("over", "message"), [
    ({"country_code": "XX"}, "ISO 3166"),
    ({"scope": "somewhere"}, "scope"),
    ({"scope": "site"}, "parent_ror_id"),
    ({"region": "europe"}, "region"),
    ({"site_evidence_url": ""}, "https"),
    ({"company_domains": "quillfeather.example"}, "company_domains"),
])
def test_a_row_without_a_basis_is_refused(over, message):
    with pytest.raises(ValueError, match=message):
        validate_row(_row(**over), 2)


def test_vendored_rows_are_valid_and_their_evidence_columns_current():
    rows = read_curated_sites()
    assert rows, "single_site_labs.csv is missing"
    pairs, counts = sources.read_aff_domain_pairs(REGISTRY_DATA_DIR), read_institution_counts()
    for row in rows:
        evidence = field_evidence(row, pairs, counts)
        assert row["evidence_count"] == str(evidence.total) and row["evidence_detail"] == evidence.detail(), row
    # multi-site companies get no row: a country only comes from a site the string names
    assert not any(r["name"].lower().startswith("instadeep") for r in rows)


def test_write_evidence_columns_fills_the_counts(tmp_path):
    shutil.copyfile(REGISTRY_DATA_DIR / sources.EVIDENCE_FILE, tmp_path / sources.EVIDENCE_FILE)
    with open(tmp_path / CURATED_SITES_FILE, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(_row(name="Layer 6 AI", aliases="", acronyms="", email_domains="", country_code="CA"))
    write_evidence_columns(tmp_path)
    (row,) = read_curated_sites(tmp_path)
    assert int(row["evidence_count"]) > 0 and row["evidence_detail"].endswith("|proceedings:0")


def test_the_built_registry_holds_the_curated_labs():
    from etl.registry.store import load_registry

    registry = load_registry()
    naver_europe = registry.institutions[own_id("NAVER LABS Europe", "FR")]
    assert naver_europe.parent_id == "04nzrnx83" and registry.site_regions[naver_europe.institution_id] == "europe"
    assert registry.domains["borealisai.com"].institution_id == own_id("Borealis AI", "CA")
    assert registry.domains["naverlabs.com"].institution_id == "04nzrnx83"  # shared with NAVER LABS in Korea
