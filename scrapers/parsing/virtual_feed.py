"""Parse the conference virtual-site feed ``/static/virtual/data/{conf}-{year}-orals-posters.json``.

One GET returns every accepted paper of a conference-year with its authors and institutions, which makes
it the cheapest source; its traps (orals listed twice, 2022's tier-less "Accept", a declared ``count``
that can exceed the inlined results) are handled here so spiders stay navigation-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapers.items import AuthorRecord, PaperRecord
from scrapers.parsing.common import (
    ParseError,
    clean_text,
    higher_tier,
    institution_and_domain,
    json_object_with_list,
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
    raise ParseError(f"feed result without uid, paper_url or id: {str(result)[:120]}")


def _authors(result: dict) -> list[AuthorRecord]:
    authors = []
    for position, author in enumerate(result.get("authors") or [], start=1):
        if isinstance(author, str):
            authors.append(AuthorRecord(position=position, name=clean_text(author) or ""))
            continue
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
        if not isinstance(result, dict):
            problems.append(f"result {index} is not an object")
            continue
        try:
            key = _paper_key(result)
        except ParseError as exc:
            problems.append(str(exc))
            continue
        tier = tier_of_result(result)
        if key in by_key:
            merged += 1
            existing = by_key[key]
            existing.tier = higher_tier(existing.tier, tier)
            if not existing.authors:
                existing.authors = _authors(result)
            continue
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
    return FeedResult(
        papers=list(by_key.values()),
        declared_count=int(declared) if isinstance(declared, int | str) and str(declared).isdigit() else None,
        result_count=len(results),
        duplicates_merged=merged,
        problems=problems,
    )
