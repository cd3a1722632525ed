"""Parse the proceedings site (proceedings.neurips.cc): year index, paper page and ``-Metadata.json``.

The index lists every paper on one page; institutions only exist in each paper's Metadata.json (filled
for 2018–2020). When that file is missing or has no institutions the paper page's ``citation_author``
tags still give the author list, so nothing is dropped — only the affiliation is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scrapers.items import AuthorRecord, PaperRecord
from scrapers.parsing.common import (
    ParseError,
    clean_text,
    institution_and_domain,
    json_object_with_list,
    track_from_text,
)

HASH_IN_URL = re.compile(r"/hash/([0-9a-f]{32})-Abstract(?:-([A-Za-z_]+))?\.html")


@dataclass(slots=True)
class IndexEntry:
    paper_hash: str
    title: str
    abstract_url: str
    track: str


def parse_year_index(html: str, page_url: str) -> list[IndexEntry]:
    """Every paper link of a year index, in page order, for the current and the older template."""
    soup = BeautifulSoup(html, "html.parser")
    entries: dict[str, IndexEntry] = {}
    for anchor in soup.find_all("a", href=HASH_IN_URL):
        href = anchor["href"]
        match = HASH_IN_URL.search(href)
        assert match is not None
        paper_hash, suffix = match.group(1), match.group(2)
        if paper_hash in entries:
            continue
        item = anchor.find_parent("li")
        item_classes = " ".join(item.get("class", [])) if item is not None else ""
        title = clean_text(anchor.get("title") or anchor.get_text()) or ""
        entries[paper_hash] = IndexEntry(
            paper_hash=paper_hash,
            title=title,
            abstract_url=urljoin(page_url, href),
            track=track_from_text(suffix, item_classes),
        )
    return list(entries.values())


def metadata_url(abstract_url: str) -> str:
    """``…/hash/{h}-Abstract[-Track].html`` → ``…/file/{h}-Metadata.json`` (the layout since 2019)."""
    match = HASH_IN_URL.search(abstract_url)
    if match is None:
        raise ParseError(f"not a proceedings abstract URL: {abstract_url}")
    base = abstract_url[: match.start()]
    return f"{base}/file/{match.group(1)}-Metadata.json"


def _full_name(given: object, family: object) -> str:
    return " ".join(part for part in (clean_text(given), clean_text(family)) if part)


def parse_metadata_json(body: bytes | str, entry: IndexEntry, conference: str, year: int) -> PaperRecord:
    """A paper record from ``-Metadata.json``; raises ParseError for a body that is not that shape."""
    document = json_object_with_list(body, "Metadata.json", "authors")
    authors = []
    for position, author in enumerate(document["authors"], start=1):
        if not isinstance(author, dict):
            raise ParseError(f"author {position} is not an object")
        institution, domain = institution_and_domain(author.get("institution"))
        authors.append(
            AuthorRecord(
                position=position,
                name=_full_name(author.get("given_name"), author.get("family_name")),
                institution=institution,
                email_domain=domain,
            )
        )
    return PaperRecord(
        conference=conference,
        year=year,
        paper_id=entry.paper_hash,
        title=clean_text(document.get("title")) or entry.title,
        track=entry.track,
        authors=authors,
        links={"abstract_url": entry.abstract_url},
    )


def has_institutions(paper: PaperRecord) -> bool:
    return any(author.institution for author in paper.authors)


def _citation_name(value: str) -> str:
    """``"Last, First"`` → ``"First Last"``; names without a comma are kept as written."""
    text = clean_text(value) or ""
    if "," in text:
        last, first = (part.strip() for part in text.split(",", 1))
        return f"{first} {last}".strip()
    return text


def parse_paper_page(html: str, entry: IndexEntry, conference: str, year: int) -> PaperRecord:
    """A paper record from the abstract page's ``citation_*`` tags (names only, no affiliations).

    A page with a title but no authors still yields the paper (with an empty author list): the paper was
    accepted, and dropping it would undercount papers.
    """
    soup = BeautifulSoup(html, "html.parser")
    names = [tag.get("content", "") for tag in soup.find_all("meta", attrs={"name": "citation_author"})]
    title_tag = soup.find("meta", attrs={"name": "citation_title"})
    title = clean_text(title_tag.get("content")) if title_tag else None
    if not names and not title:
        raise ParseError("paper page has neither citation_title nor citation_author tags")
    links = {"abstract_url": entry.abstract_url}
    pdf_tag = soup.find("meta", attrs={"name": "citation_pdf_url"})
    if pdf_tag and pdf_tag.get("content"):
        links["pdf_url"] = pdf_tag["content"]
    return PaperRecord(
        conference=conference,
        year=year,
        paper_id=entry.paper_hash,
        title=title or entry.title,
        track=entry.track,
        authors=[
            AuthorRecord(position=position, name=_citation_name(name)) for position, name in enumerate(names, start=1)
        ],
        links=links,
    )
