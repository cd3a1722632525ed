"""Parse the conference virtual-site feed ``/static/virtual/data/{conf}-{year}-orals-posters.json``.

One GET returns every accepted paper of a conference-year with its authors and institutions, which makes
it the cheapest source; its traps (orals listed twice, 2022's tier-less "Accept", a declared ``count``
that can exceed the inlined results) are handled here so spiders stay navigation-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapers.items import AuthorRecord, PaperRecord
from scrapers.parsing.common import (
    RECORD_ERRORS,
    ParseError,
    clean_text,
    describe_record,
    higher_tier,
    institution_and_domain,
    json_object_with_list,
    scrub_email_addresses,
    tier_from_text,
    track_from_text,
)


@dataclass(slots=True)
class FeedResult:
    papers: list[PaperRecord]
    declared_count: int | None
    result_count: int
    duplicates_merged: int
    problems: list[str] = field(default_factory=list)

    @property
    def count_mismatch(self) -> bool:
        return self.declared_count is not None and self.declared_count != self.result_count


def tier_of_result(result: dict) -> str | None:
    """Tier from ``decision`` ("Accept (oral)"), else from ``eventtype`` ("Oral" / "Spotlight" / "Poster")."""
    return tier_from_text(result.get("decision")) or tier_from_text(result.get("eventtype"))


def _paper_key(result: dict) -> str:
    for key in ("uid", "paper_url", "id"):
        value = result.get(key)
        if value not in (None, ""):
            return str(value)
    raise ParseError(f"feed result without uid, paper_url or id: {describe_record(result)}")


def _authors(result: dict) -> list[AuthorRecord]:
    listed = result.get("authors") or []
    if not isinstance(listed, list):
        raise ParseError(f"'authors' is {type(listed).__name__}, not a list")
    authors = []
    for position, author in enumerate(listed, start=1):
        if isinstance(author, str):
            authors.append(AuthorRecord(position=position, name=clean_text(author) or ""))
            continue
        if not isinstance(author, dict):
            raise ParseError(f"author {position} is {type(author).__name__}, not an object")
        source_id = author.get("id")
        institution, domain = institution_and_domain(author.get("institution"))
        authors.append(
            AuthorRecord(
                position=position,
                name=clean_text(author.get("fullname") or author.get("name")) or "",
                institution=institution,
                email_domain=domain,
                source_id=f"virtual:{source_id}" if source_id not in (None, "") else None,
            )
        )
    return authors


def _add_result(by_key: dict[str, PaperRecord], result: object, conference: str, year: int) -> int:
    """Add one feed result to ``by_key``; returns 1 when it merged into a paper already seen."""
    if not isinstance(result, dict):
        raise ParseError(f"is {type(result).__name__}, not an object")
    key = _paper_key(result)
    tier = tier_of_result(result)
    if key in by_key:
        existing = by_key[key]
        existing.tier = higher_tier(existing.tier, tier)
        if not existing.authors:
            existing.authors = _authors(result)
        return 1
    links = {
        name: str(result[name]) for name in ("paper_url", "virtualsite_url", "sourceurl", "url") if result.get(name)
    }
    by_key[key] = PaperRecord(
        conference=conference,
        year=year,
        paper_id=key,
        title=clean_text(result.get("name") or result.get("title")) or "",
        track=track_from_text(result.get("decision"), result.get("eventtype"), result.get("session")),
        tier=tier,
        decision=clean_text(result.get("decision")),
        authors=_authors(result),
        links=links,
    )
    return 0


def parse_virtual_feed(body: bytes | str, conference: str, year: int) -> FeedResult:
    """All papers of one feed, one record per paper, each with its highest tier.

    Raises ParseError when the body is not the feed's JSON shape.
    """
    document = json_object_with_list(body, "feed", "results")
    results = document["results"]
    declared = document.get("count")
    by_key: dict[str, PaperRecord] = {}
    problems: list[str] = []
    merged = 0
    for index, result in enumerate(results):
        try:
            merged += _add_result(by_key, result, conference, year)
        except RECORD_ERRORS as exc:
            problems.append(f"result {index}: {scrub_email_addresses(str(exc))}")
    return FeedResult(
        papers=list(by_key.values()),
        declared_count=int(declared) if isinstance(declared, int | str) and str(declared).isdigit() else None,
        result_count=len(results),
        duplicates_merged=merged,
        problems=problems,
    )
