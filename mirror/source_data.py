"""Loaders for the real upstream values bundled in ``mirror/data/`` (see ``data/PROVENANCE.md``).

Every page the mirror serves is derived from these records, so they are read once per process and
cached: building a year of pages must stay well under a second or two for tests to be fast.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from etl.papercopilot_authors import pair_author_slots
from mirror.titles import normalise_title

DATA_DIR = Path(__file__).parent / "data"

PROCEEDINGS_YEARS: tuple[int, ...] = (2019, 2020)
OPENREVIEW_AUTHOR_YEARS: tuple[int, ...] = (2021, 2022)


def _read_json_gz(relative: str) -> Any:
    with gzip.open(DATA_DIR / relative, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def proceedings_metadata(year: int) -> tuple[dict[str, Any], ...]:
    """The ``-Metadata.json`` values of every accepted paper of ``year`` (2019 or 2020), keyed by ``hash``.

    The third-party copy lost one hash (2020, "Transductive Information Maximization for Few-Shot
    Learning": ``hash`` "" and a pdf url ``.../file/-Paper.pdf``). The paper's real hash survives in the
    2020 presentation's ``proceeding`` link, so it is restored from there (see :data:`HASH_REPAIRS`);
    a record that cannot be repaired is an error, since it could not be served.
    """
    if year not in PROCEEDINGS_YEARS:
        raise ValueError(f"no proceedings metadata bundled for {year}")
    records = [dict(item) for item in _read_json_gz(f"{year}/proceedings_metadata.json.gz")]
    for record in records:
        if not record.get("hash"):
            paper_hash = _hash_from_presentation(year, record["title"])
            if paper_hash is None:
                raise ValueError(f"{year} proceedings record {record['title']!r} has no hash and none can be restored")
            record["hash"] = paper_hash
            record["url"] = record.get("url", "").replace("/file/-Paper.pdf", f"/file/{paper_hash}-Paper.pdf")
            HASH_REPAIRS.append((year, record["title"], paper_hash))
    return tuple(records)


# (year, title, restored hash) for every record whose hash had to be restored; filled on load.
HASH_REPAIRS: list[tuple[int, str, str]] = []
_HASH_IN_LINK = re.compile(r"/hash/([0-9a-f]{32})-Abstract")


def _hash_from_presentation(year: int, title: str) -> str | None:
    wanted = normalise_title(title)
    for item in presentations(year):
        link = _HASH_IN_LINK.search(item.get("proceeding") or "")
        if link and normalise_title(item["title"]) == wanted:
            return link.group(1)
    return None


@cache
def presentations(year: int) -> tuple[dict[str, Any], ...]:
    """The virtual-site presentation list of ``year``: title, comma-separated authors, Oral/Spotlight/Poster."""
    if year not in PROCEEDINGS_YEARS:
        raise ValueError(f"no presentation list bundled for {year}")
    return tuple(_read_json_gz(f"{year}/presentations.json.gz"))


@cache
def openreview_paper_list(year: int) -> tuple[dict[str, Any], ...]:
    """The raw OpenReview paper list of 2021 or 2022 with decisions, traps included (2022: Journal rows
    without id, the duplicated ComGAN paper)."""
    if year not in OPENREVIEW_AUTHOR_YEARS:
        raise ValueError(f"no OpenReview paper list bundled for {year}")
    return tuple(_read_json_gz(f"{year}/papers.json.gz"))


@dataclass(frozen=True, slots=True)
class AuthorPosition:
    """One author of one OpenReview forum with the profile fields of their own ``or_profile`` entry."""

    name: str
    authorid: str
    or_profile: str
    aff: str
    aff_domain: str
    position: str
    homepage: str
    dblp: str
    orcid: str
    google_scholar: str


def _split_columns(row: dict[str, Any]) -> list[AuthorPosition]:
    """The row's authors in paper order, each with the profile fields of their own ``or_profile`` entry.

    The profile columns follow ``or_profile`` order, not the author order: :mod:`etl.papercopilot_authors`
    pairs them by id (never by index); an author it cannot pair gets empty profile fields.
    """
    slots, _unpaired = pair_author_slots(row)
    return [
        AuthorPosition(slot.name, slot.authorid, slot.or_profile, slot.get("aff"), slot.get("aff_domain"),
                       slot.get("position"), slot.get("homepage"), slot.get("dblp"), slot.get("orcid"),
                       slot.get("google_scholar"))
        for slot in slots
    ]


@cache
def openreview_authors(year: int) -> dict[str, tuple[AuthorPosition, ...]]:
    """Authors per OpenReview forum id for ``year`` (2021 or 2022), in author order."""
    if year not in OPENREVIEW_AUTHOR_YEARS:
        raise ValueError(f"no OpenReview author data bundled for {year}")
    result: dict[str, tuple[AuthorPosition, ...]] = {}
    with gzip.open(DATA_DIR / f"{year}/openreview_authors.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                result[row["id"]] = tuple(_split_columns(row))
    return result
