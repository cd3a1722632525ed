"""The 2021 and 2022 paper lists cleaned into one record per OpenReview forum, traps resolved here once.

Both the OpenReview notes and the 2022 virtual-site feed are built from these records, so the two
sources the spiders cross-check agree on what was accepted:

* 67 ``Journal`` rows have no forum id: journal-track papers presented at the conference, not notes of
  the NeurIPS 2022 venue. They are not served.
* "ComGAN: Unsupervised Disentanglement and Segmentation via Image Composition" appears twice: an
  ``Accept`` row with forum ``0xbhGxgzd1t`` but no authors (its title carries a U+FEFF), and a ``Poster``
  row without id but with the 5 authors. They merge into one accepted poster ``0xbhGxgzd1t``; the note
  keeps the OpenReview title (with the U+FEFF, as upstream), the feed keeps the virtual-site title.
* 153 ``Reject`` rows are kept (status ``reject``) because OpenReview serves them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from mirror.source_data import AuthorPosition, openreview_authors, openreview_paper_list
from mirror.title_join import normalise_title

MAIN_TRACK = "main"
DATASETS_TRACK = "Datasets & Benchmarks"
# 2022 marks orals "Highlighted" (its spotlights are not in the list); 2021 names Oral and Spotlight.
TIER_BY_STATUS = {"Highlighted": "oral", "Oral": "oral", "Spotlight": "spotlight", "Poster": "poster",
                  "Accept": "poster", "Reject": "reject"}


@dataclass(frozen=True, slots=True)
class Paper2022:
    forum_id: str
    note_title: str
    listed_title: str
    track: str
    tier: str  # "oral" | "spotlight" | "poster" | "reject"
    keywords: tuple[str, ...]
    authors: tuple[AuthorPosition, ...]
    year: int = 2022

    @property
    def accepted(self) -> bool:
        return self.tier != "reject"

    @property
    def is_datasets_track(self) -> bool:
        return self.track == DATASETS_TRACK


def _fallback_authors(listed: str) -> tuple[AuthorPosition, ...]:
    """Authors from the comma-separated list, for a forum the OpenReview author file lacks."""
    names = [name.strip() for name in listed.split(",") if name.strip()]
    return tuple(AuthorPosition(name, "", "", "", "", "", "", "", "", "") for name in names)


def _keywords(raw: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in (raw or "").split(";") if word.strip())


@cache
def papers_2022() -> tuple[Paper2022, ...]:
    return openreview_year_papers(2022)


@cache
def openreview_year_papers(year: int) -> tuple[Paper2022, ...]:
    """One record per forum id of 2021 or 2022, sorted by id; idless rows either merge into a forum or are
    dropped (2021 has none)."""
    rows = openreview_paper_list(year)
    authors = openreview_authors(year)
    with_id = [row for row in rows if row.get("id")]
    by_title = {normalise_title(row["title"]): row for row in with_id}
    listed_copy = {}
    for row in rows:
        if not row.get("id") and row["status"] in TIER_BY_STATUS:
            twin = by_title.get(normalise_title(row["title"]))
            if twin is None:
                raise ValueError(f"{year} paper without forum id and no OpenReview twin: {row['title']!r}")
            listed_copy[twin["id"]] = row

    papers = []
    for row in with_id:
        copy = listed_copy.get(row["id"])
        status = copy["status"] if copy else row["status"]
        listed_authors = row.get("authors") or (copy or {}).get("authors") or ""
        papers.append(Paper2022(
            forum_id=row["id"],
            note_title=row["title"],
            listed_title=copy["title"] if copy else row["title"],
            track=row.get("track") or MAIN_TRACK,
            tier=TIER_BY_STATUS[status],
            keywords=_keywords(row.get("keywords", "")),
            authors=authors.get(row["id"]) or _fallback_authors(listed_authors),
            year=year,
        ))
    return tuple(sorted(papers, key=lambda paper: paper.forum_id))


def accepted_papers_2022() -> tuple[Paper2022, ...]:
    return accepted_openreview_papers(2022)


def accepted_openreview_papers(year: int) -> tuple[Paper2022, ...]:
    return tuple(paper for paper in openreview_year_papers(year) if paper.accepted)
