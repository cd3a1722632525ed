"""neurips.cc ``/static/virtual/data/neurips-{Y}-orals-posters.json`` for 2019–2022.

Real values: titles, authors, institutions (2019/2020 from the proceedings metadata via the title
join, 2021/2022 from the OpenReview author files), tiers, keywords (2021/2022), the 2019/2020 poster ids of the
virtual site. Reconstructed, following the 2025 sample: event ids other than those poster ids, ``uid``
(md5 of the paper key), author ids (from the name, so namesakes share one), sessions and times.

Traps reproduced on purpose, as upstream has them: titles and institutions are HTML-escaped; an oral
paper has two events (Oral and Poster) with the same ``uid`` and ``paper_url``; 2022 ``decision`` is
plain "Accept", so the tier is only in ``eventtype``; some authors have ``institution: null``; one 2019
proceedings paper and one 2020 one are missing from the feed, and 2020 lists an Oral (Hogwild!, a
test-of-time talk) that is no proceedings paper (``paper_url: null``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from mirror.page import Page, json_page
from mirror.papers_2022 import Paper2022, accepted_openreview_papers, accepted_papers_2022
from mirror.proceedings_site import abstract_path, full_name
from mirror.source_data import presentations, proceedings_metadata
from mirror.title_join import join_presentations

FEED_YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022)
DECISION_BY_STATUS = {"Oral": "Accept (oral)", "Spotlight": "Accept (spotlight)", "Poster": "Accept (poster)"}
OPENREVIEW_GROUP = "https://openreview.net/group?id="

# (date, start, end, UTC offset) of the poster sessions, and of the oral sessions, per year.
_POSTER_SESSIONS = {
    2019: [("2019-12-10", "10:45", "12:45"), ("2019-12-10", "17:30", "19:30"), ("2019-12-11", "10:45", "12:45"),
           ("2019-12-11", "17:00", "19:00"), ("2019-12-12", "10:45", "12:45"), ("2019-12-12", "17:00", "19:00")],
    2020: [("2020-12-07", "21:00", "23:00"), ("2020-12-08", "09:00", "11:00"), ("2020-12-08", "21:00", "23:00"),
           ("2020-12-09", "09:00", "11:00"), ("2020-12-09", "21:00", "23:00"), ("2020-12-10", "09:00", "11:00"),
           ("2020-12-10", "21:00", "23:00")],
    2021: [("2021-12-07", "08:30", "10:00"), ("2021-12-07", "16:30", "18:00"), ("2021-12-08", "08:30", "10:00"),
           ("2021-12-08", "16:30", "18:00"), ("2021-12-09", "08:30", "10:00"), ("2021-12-09", "16:30", "18:00"),
           ("2021-12-10", "08:30", "10:00"), ("2021-12-10", "16:30", "18:00")],
    2022: [("2022-11-29", "11:00", "13:00"), ("2022-11-29", "16:00", "18:00"), ("2022-11-30", "11:00", "13:00"),
           ("2022-11-30", "16:00", "18:00"), ("2022-12-01", "11:00", "13:00"), ("2022-12-01", "16:00", "18:00")],
}
_UTC_OFFSET = {2019: "-08:00", 2020: "-08:00", 2021: "-08:00", 2022: "-06:00"}
_ROOM = {2019: "East Exhibition Hall B + C", 2020: "Poster Session (virtual)", 2021: "Poster Session (virtual)",
         2022: "Hall J"}


def feed_path(year: int) -> str:
    return f"/static/virtual/data/neurips-{year}-orals-posters.json"


def stable_uid(year: int, paper_key: str) -> str:
    return hashlib.md5(f"neurips{year}/{paper_key}".encode()).hexdigest()


def author_id(fullname: str) -> int:
    """Stable across years for one spelling of a name; upstream ids are per account instead."""
    return 100_000 + int(hashlib.md5(fullname.casefold().encode("utf-8")).hexdigest()[:10], 16) % 10**9


def feed_author(fullname: str, institution: str | None) -> dict[str, Any]:
    ident = author_id(fullname)
    return {
        "id": ident,
        "fullname": fullname,
        "url": f"http://neurips.cc/api/miniconf/users/{ident}?format=json",
        "institution": escape(institution) if institution else None,
    }


@dataclass(frozen=True, slots=True)
class FeedPaper:
    """One paper before it becomes one or two events."""

    key: str
    title: str
    tier: str  # Oral / Spotlight / Poster
    decision: str
    authors: list[dict[str, Any]]
    keywords: list[str]
    paper_url: str | None
    sourceurl: str | None
    poster_id: int | None  # the real virtual-site id when known


def _event(year: int, paper: FeedPaper, event_id: int, eventtype: str, slot: int) -> dict[str, Any]:
    sessions = _POSTER_SESSIONS[year]
    day, start, end = sessions[slot % len(sessions)]
    offset = _UTC_OFFSET[year]
    kind = "oral" if eventtype in ("Oral", "Spotlight") else "poster"
    session = f"{eventtype} Session {slot % len(sessions) + 1}"
    if kind == "oral":
        start, end = ("10:00", "10:15") if eventtype == "Oral" else ("10:20", "10:25")
    return {
        "id": event_id,
        "uid": stable_uid(year, paper.key),
        "name": escape(paper.title),
        "authors": paper.authors,
        "abstract": "",
        "topic": "",
        "keywords": paper.keywords,
        "decision": paper.decision,
        "session": session,
        "eventtype": eventtype,
        "event_type": eventtype,
        "room_name": _ROOM[year],
        "virtualsite_url": f"/virtual/{year}/{kind}/{event_id}",
        "url": None,
        "sourceid": None,
        "sourceurl": paper.sourceurl,
        "starttime": f"{day}T{start}:00{offset}",
        "endtime": f"{day}T{end}:00{offset}",
        "paper_url": paper.paper_url,
        "poster_position": f"#{slot % 1000 + 1}" if kind == "poster" else None,
    }


def _events(year: int, papers: list[FeedPaper], first_free_id: int) -> list[dict[str, Any]]:
    """Orals get an Oral event and a Poster event; spotlights and posters one event each."""
    events = []
    next_id = first_free_id
    for slot, paper in enumerate(papers):
        poster_id = paper.poster_id
        if poster_id is None:
            poster_id, next_id = next_id, next_id + 1
        if paper.tier == "Oral":
            events.append(_event(year, paper, next_id, "Oral", slot))
            next_id += 1
            events.append(_event(year, paper, poster_id, "Poster", slot))
        else:
            events.append(_event(year, paper, poster_id, paper.tier, slot))
    return sorted(events, key=lambda event: (event["id"], event["eventtype"]))


YEARS_LINKING_PROCEEDINGS = frozenset({2020})  # 2020 presentations carry a `proceeding` link
_SITE_ID = re.compile(r"/virtual/\d{4}/(poster|oral)/(\d+)")


def _proceedings_year_papers(year: int) -> list[FeedPaper]:
    metadata = {paper["hash"]: paper for paper in proceedings_metadata(year)}
    matches = join_presentations(year).by_presentation()
    papers = []
    for item in presentations(year):
        match = matches.get(item["id"])
        site = _SITE_ID.search(item.get("site") or "")
        poster_id = int(site.group(2)) if site and site.group(1) == "poster" else None
        if match:
            meta = metadata[match.metadata_hash]
            authors = [feed_author(full_name(a), a.get("institution") or None) for a in meta["authors"]]
            key, url = match.metadata_hash, abstract_path(year, match.metadata_hash)
            if year not in YEARS_LINKING_PROCEEDINGS:
                # The 2019 site never linked the proceedings: its own uid, no paper_url, so consumers
                # must join by title, as they would upstream.
                key, url = hashlib.md5(item["id"].encode()).hexdigest(), None
        else:
            names = [name.strip() for name in (item.get("author") or "").split(",") if name.strip()]
            authors = [feed_author(name, None) for name in names]
            key, url = item["id"], None
        papers.append(FeedPaper(key, item["title"], item["status"], DECISION_BY_STATUS[item["status"]],
                                authors, [], url, url, poster_id))
    return papers


def _papers_2022() -> list[FeedPaper]:
    papers = []
    for paper in accepted_papers_2022():
        tier = "Oral" if paper.tier == "oral" else "Poster"
        authors = [feed_author(author.name, author.aff or None) for author in paper.authors]
        group = _group_2022(paper)
        papers.append(FeedPaper(paper.forum_id, paper.listed_title, tier, "Accept", authors, list(paper.keywords),
                                f"https://openreview.net/forum?id={paper.forum_id}", OPENREVIEW_GROUP + group,
                                None))
    return papers


def _papers_2021() -> list[FeedPaper]:
    """2021 from the OpenReview list with decisions: the tier is in the paper's status (Oral/Spotlight/Poster)."""
    papers = []
    for paper in accepted_openreview_papers(2021):
        tier = paper.tier.capitalize()
        authors = [feed_author(author.name, author.aff or None) for author in paper.authors]
        papers.append(FeedPaper(paper.forum_id, paper.listed_title, tier, DECISION_BY_STATUS[tier], authors,
                                list(paper.keywords), f"https://openreview.net/forum?id={paper.forum_id}",
                                OPENREVIEW_GROUP + "NeurIPS.cc/2021/Conference", None))
    return papers


def _group_2022(paper: Paper2022) -> str:
    return "NeurIPS.cc/2022/Track/Datasets_and_Benchmarks" if paper.is_datasets_track else "NeurIPS.cc/2022/Conference"


@cache
def feed_document(year: int) -> dict[str, Any]:
    if year == 2022:
        results = _events(year, _papers_2022(), first_free_id=52_000)
    elif year == 2021:
        results = _events(year, _papers_2021(), first_free_id=26_000)
    elif year in (2019, 2020):
        papers = _proceedings_year_papers(year)
        known = [paper.poster_id for paper in papers if paper.poster_id is not None]
        results = _events(year, papers, first_free_id=max(known, default=10_000) + 1)
    else:
        raise ValueError(f"no virtual-site feed for {year}; available: {FEED_YEARS}")
    return {"count": len(results), "results": results}


@cache
def feed_pages(year: int) -> dict[str, Page]:
    return {feed_path(year): json_page(feed_document(year))}
