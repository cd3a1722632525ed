"""Curated single-site labs and named company sites (``data/registries/single_site_labs.csv``).

ROR, Hipo and swot have no record for many small AI companies (Borealis AI, Layer 6 AI, IIAI), and
NeurIPS evidence alone gives them no country when their domain is a .com/.ai. A company is placed only
where its research staff all sit in one country, or where the string names one site of a multinational
("NAVER LABS Europe", "Samsung AI Center Cambridge"). Each row carries that country, a public source
for it (``site_evidence_url``), and its field evidence: authorships whose printed affiliation names the
row, or whose email domain is the row's, in the NeurIPS 2021/2022 aff ↔ domain pairs and the 2019/2020
proceedings. A row with no field evidence is dropped at build time, as the AI-lab seed's unproven
domains are. Multi-site companies (InstaDeep: London, Paris, Tunis, …) are deliberately absent: they
get a country only from a site the string names.

Rows of scope ``site`` hang under their company (``parent_ror_id``) so roll-up still counts them for
the company, while the country stays the site's. The resolver uses them for the sites a string names
by city or by region word (:mod:`etl.affiliations.sites`).
"""

from __future__ import annotations

import csv
import gzip
import logging
from dataclasses import dataclass
from pathlib import Path

import pycountry

from etl.name_keys import name_key
from etl.registry.builder import RegistryBuilder, own_id
from etl.registry.model import Institution
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.sources import read_aff_domain_pairs
from etl.registry.vendor import INSTITUTION_COUNTS_FILE, write_csv

log = logging.getLogger(__name__)

CURATED_SITES_FILE = "single_site_labs.csv"
CURATED_SITE_SOURCE = "curated-site"
SCOPES = frozenset({"organisation", "site"})
# a site's region says it is its company's only site there ("NAVER LABS Europe"); one site among several
# in the region (Samsung's Cambridge, Huawei's London) leaves it empty
REGIONS = frozenset({"europe"})
# company_domains: domains a site's authors write but its company's other sites share (naverlabs.com is NAVER
# LABS in Korea too); they are claimed for the company, so evidence never hands them to the one site
COLUMNS = ["name", "aliases", "acronyms", "country_code", "city", "parent_ror_id", "email_domains",
           "company_domains", "scope", "region", "site_evidence_url", "note", "evidence_count", "evidence_detail"]


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """Authorships behind a curated row: OpenReview aff ↔ domain pairs and 2019/2020 proceedings."""

    pairs: int
    proceedings: int

    @property
    def total(self) -> int:
        return self.pairs + self.proceedings

    def detail(self) -> str:
        return f"pairs:{self.pairs}|proceedings:{self.proceedings}"


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def validate_row(row: dict, line: int) -> None:
    """Refuse a row that could place an institution without a stated basis."""
    where = f"{CURATED_SITES_FILE} line {line} ({row.get('name')!r})"
    if not (row.get("name") or "").strip():
        raise ValueError(f"{where}: empty name")
    code = (row.get("country_code") or "").strip()
    if not pycountry.countries.get(alpha_2=code):
        raise ValueError(f"{where}: {code!r} is not an ISO 3166 alpha-2 code")
    if row.get("scope") not in SCOPES:
        raise ValueError(f"{where}: scope must be one of {sorted(SCOPES)}")
    if row["scope"] == "site" and not (row.get("parent_ror_id") or "").strip():
        raise ValueError(f"{where}: a site needs its company (parent_ror_id)")
    if row.get("company_domains") and row["scope"] != "site":
        raise ValueError(f"{where}: company_domains belong to a site's company (scope site)")
    if row.get("region") and (row["scope"] != "site" or row["region"] not in REGIONS):
        raise ValueError(f"{where}: region {row['region']!r} needs scope site and one of {sorted(REGIONS)}")
    if not (row.get("site_evidence_url") or "").startswith("https://"):
        raise ValueError(f"{where}: site_evidence_url must be an https URL")


def read_curated_sites(data_dir: Path = REGISTRY_DATA_DIR) -> list[dict]:
    path = data_dir / CURATED_SITES_FILE
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for line, row in enumerate(rows, start=2):
        validate_row(row, line)
    return rows


def read_institution_counts(data_dir: Path = REGISTRY_DATA_DIR) -> list[tuple[str, int]]:
    """NeurIPS 2019/2020 printed institutions with their authorship counts (empty when not vendored)."""
    path = data_dir / INSTITUTION_COUNTS_FILE
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return [(row["institution"], int(row["n_authorships"])) for row in csv.DictReader(fh)]


def row_names(row: dict) -> list[str]:
    return [row["name"].strip(), *_split(row.get("aliases")), *_split(row.get("acronyms"))]


def _names_in(text_key: str, keys: set[str]) -> bool:
    padded = f" {text_key} "
    return any(f" {k} " in padded for k in keys)


def field_evidence(row: dict, pairs: list[tuple[str, str, int]],
                   institution_counts: list[tuple[str, int]]) -> FieldEvidence:
    """Authorships that name the row (any of its names as whole words) or write one of its domains."""
    keys = {name_key(n) for n in row_names(row)} - {""}
    domains = {d.lower() for d in _split(row.get("email_domains"))}
    in_pairs = sum(n for aff, domain, n in pairs
                   if _names_in(name_key(aff), keys) or any(domain == d or domain.endswith("." + d) for d in domains))
    in_proceedings = sum(n for institution, n in institution_counts if _names_in(name_key(institution), keys))
    return FieldEvidence(in_pairs, in_proceedings)


def verified_rows(rows: list[dict], pairs: list[tuple[str, str, int]],
                  institution_counts: list[tuple[str, int]]) -> list[tuple[dict, FieldEvidence]]:
    """Rows with field evidence, each with its counts; rows without any are logged and left out."""
    kept: list[tuple[dict, FieldEvidence]] = []
    for row in rows:
        evidence = field_evidence(row, pairs, institution_counts)
        if evidence.total == 0:
            log.info("curated sites: %s dropped: no NeurIPS author names it", row["name"])
            continue
        kept.append((row, evidence))
    return kept


def add_curated_sites(builder: RegistryBuilder, rows: list[dict], pairs: list[tuple[str, str, int]],
                      institution_counts: list[tuple[str, int]]) -> int:
    """Add the evidenced rows to a :class:`etl.registry.builder.RegistryBuilder`; return how many."""
    added = 0
    for row, _evidence in verified_rows(rows, pairs, institution_counts):
        country = row["country_code"].strip()
        iid = own_id(row["name"], country)
        parent = (row.get("parent_ror_id") or "").strip() or None
        if parent and parent not in builder.institutions:
            log.warning("curated sites: %s: parent %s is not in the registry", row["name"], parent)
            parent = None
        builder.add_institution(Institution(iid, row["name"].strip(), country, "company", parent,
                                            CURATED_SITE_SOURCE, (row.get("city") or "").strip() or None))
        builder.add_name(iid, row["name"], "seed")
        for alias in _split(row.get("aliases")):
            builder.add_name(iid, alias, "seed")
        for acronym in _split(row.get("acronyms")):
            builder.add_name(iid, acronym, "acronym")
        for domain in _split(row.get("email_domains")):
            builder.claim_domain(domain, iid, CURATED_SITE_SOURCE)
        for domain in _split(row.get("company_domains")):
            if parent:
                builder.claim_domain(domain, parent, CURATED_SITE_SOURCE)
        if row.get("region"):
            builder.site_regions[iid] = row["region"]
        added += 1
    log.info("curated sites: %d of %d rows added", added, len(rows))
    return added


def write_evidence_columns(data_dir: Path = REGISTRY_DATA_DIR) -> Path:
    """Refresh ``evidence_count``/``evidence_detail`` in the curated file from the vendored evidence."""
    rows = read_curated_sites(data_dir)
    pairs = read_aff_domain_pairs(data_dir)
    counts = read_institution_counts(data_dir)
    for row in rows:
        evidence = field_evidence(row, pairs, counts)
        row["evidence_count"] = str(evidence.total)
        row["evidence_detail"] = evidence.detail()
    return write_csv(data_dir / CURATED_SITES_FILE, COLUMNS, rows)
