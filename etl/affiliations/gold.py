"""Readers for the labelled affiliation sets in ``shared/data/gold/affiliations`` (evaluation only).

* papercopilot (NeurIPS 2017, ICML 2018, ICCV 2017): per author, the raw affiliation, the email
  domain and the countries of their institutions (names; HK/MO/TW folded into China).
* S2AFF: hand-checked affiliation strings → sets of ROR ids (Apache-2.0).
* ROR API datasets (Crossref 2024, Springer 2023): strings → ROR ids (MIT); some have none.
"""

from __future__ import annotations

import ast
import csv
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from etl.countries import country_code, fold_greater_china

PAPERCOPILOT_FILES = ("papercopilot_nips2017.json.gz", "papercopilot_icml2018.json.gz",
                      "papercopilot_iccv2017.json.gz")
S2AFF_FILE = "s2aff_gold_affiliation_annotations.csv"
ROR_API_FILES = ("ror_api_dataset_affiliations_crossref_2024_02_19.json",
                 "ror_api_dataset_affiliations_springer_2023_10_31.json")


@dataclass(frozen=True, slots=True)
class CountryCase:
    dataset: str
    affiliation: str
    email_domain: str
    countries: frozenset[str]  # alpha-2, greater China folded as the gold does


@dataclass(frozen=True, slots=True)
class RorCase:
    dataset: str
    affiliation: str
    ror_ids: frozenset[str]  # bare ids ("03cve4549")


def load_papercopilot(gold_dir: Path) -> list[CountryCase]:
    """One case per author with a known country; papers whose lists do not align are skipped."""
    cases: list[CountryCase] = []
    for name in PAPERCOPILOT_FILES:
        with gzip.open(gold_dir / name, "rt", encoding="utf-8") as fh:
            papers = json.load(fh)
        dataset = name.removeprefix("papercopilot_").removesuffix(".json.gz")
        for paper in papers:
            if not paper.get("aff_country_unique_index"):
                continue
            affs = paper["aff"].split(";")
            domains = paper.get("aff_domain", "").split(";")
            indexes = paper["aff_country_unique_index"].split(";")
            names = paper["aff_country_unique"].split(";")
            if len(affs) != len(indexes):
                continue
            for i, (aff, index) in enumerate(zip(affs, indexes, strict=True)):
                codes: set[str] = set()
                for idx in filter(None, (x.strip() for x in index.split("+"))):
                    if not idx.isdigit() or int(idx) >= len(names):
                        codes = set()
                        break
                    code = fold_greater_china(country_code(names[int(idx)]))
                    if code is None:  # "Unknown" and the like: no label for this author
                        codes = set()
                        break
                    codes.add(code)
                if codes:
                    domain = domains[i].strip() if i < len(domains) else ""
                    cases.append(CountryCase(dataset, aff.strip(), domain, frozenset(codes)))
    return cases


def _bare(ror_url: str) -> str:
    return ror_url.strip().rstrip("/").rsplit("/", 1)[-1]


def load_s2aff(gold_dir: Path) -> list[RorCase]:
    cases: list[RorCase] = []
    with open(gold_dir / S2AFF_FILE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels = ast.literal_eval(row["labels"])
            ids = frozenset(_bare(x) for x in labels if "ror.org" in x)
            if ids and len(ids) == len(labels):  # labels that are names, not ROR ids, cannot be scored
                cases.append(RorCase("s2aff", row["original_affiliation"], ids))
    return cases


def load_ror_api(gold_dir: Path) -> list[RorCase]:
    cases: list[RorCase] = []
    for name in ROR_API_FILES:
        dataset = "ror_api_" + name.split("_")[4]
        with open(gold_dir / name, encoding="utf-8") as fh:
            for row in json.load(fh):
                cases.append(RorCase(dataset, row["affiliation"], frozenset(_bare(x) for x in row["ror_ids"])))
    return cases
