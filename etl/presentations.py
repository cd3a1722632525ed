"""Match presentation-feed papers (tiers) to the papers of the primary source (authors, affiliations).

The virtual-site feed is the only source of oral / spotlight tiers for most years, but the proceedings
and OpenReview carry the authoritative author lists. They share no key in every year, so matching goes
from the strongest evidence to the weakest: a shared id in the feed's links (OpenReview forum id,
proceedings hash), then the normalised title, then a fuzzy title match that must be unique, then the
author list (a renamed paper keeps its authors: same surnames, or a looser title match with most of them).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

FUZZY_MIN_SCORE = 90.0
FUZZY_WITH_AUTHORS_MIN_SCORE = 70.0
AUTHOR_OVERLAP_MIN = 0.6
_ID_PATTERNS = (re.compile(r"forum\?id=([^&#/]+)"), re.compile(r"\b([0-9a-f]{32})\b"))


def normalise_title(title: str | None) -> str:
    """Case-, accent- and punctuation-insensitive form of a title, for exact matching."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^0-9a-z]+", " ", text.casefold())
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class PaperRef:
    paper_id: str
    title: str
    links: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    @property
    def surnames(self) -> frozenset[str]:
        return frozenset(normalise_title(name).split()[-1] for name in self.authors if normalise_title(name))


@dataclass(frozen=True, slots=True)
class Match:
    paper_id: str
    feed_paper_id: str
    method: str
    score: float


def author_overlap(a: PaperRef, b: PaperRef) -> float:
    """Jaccard overlap of author surnames (0 when either list is empty)."""
    left, right = a.surnames, b.surnames
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def ids_in_links(links: tuple[str, ...]) -> set[str]:
    found = set()
    for link in links:
        for pattern in _ID_PATTERNS:
            found.update(pattern.findall(link))
    return found


def match_presentations(papers: list[PaperRef], feed: list[PaperRef]) -> tuple[list[Match], list[PaperRef]]:
    """Matches (each paper and each feed entry used at most once) and the feed entries left unmatched."""
    matches: list[Match] = []
    paper_by_id = {paper.paper_id: paper for paper in papers}
    used_papers: set[str] = set()
    remaining: list[PaperRef] = []
    for entry in feed:
        shared = [pid for pid in ids_in_links(entry.links) if pid in paper_by_id and pid not in used_papers]
        if len(shared) == 1:
            matches.append(Match(shared[0], entry.paper_id, "shared_id", 100.0))
            used_papers.add(shared[0])
        else:
            remaining.append(entry)

    by_title: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        if paper.paper_id not in used_papers:
            by_title[normalise_title(paper.title)].append(paper.paper_id)
    still: list[PaperRef] = []
    for entry in remaining:
        candidates = [pid for pid in by_title.get(normalise_title(entry.title), []) if pid not in used_papers]
        if len(candidates) == 1:
            matches.append(Match(candidates[0], entry.paper_id, "title_exact", 100.0))
            used_papers.add(candidates[0])
        else:
            still.append(entry)

    unmatched: list[PaperRef] = []
    pool = {paper.paper_id: normalise_title(paper.title) for paper in papers if paper.paper_id not in used_papers}
    for entry in still:
        best = process.extract(normalise_title(entry.title), pool, scorer=fuzz.token_sort_ratio, limit=2)
        if best and best[0][1] >= FUZZY_MIN_SCORE and (len(best) == 1 or best[1][1] < best[0][1]):
            paper_id = best[0][2]
            matches.append(Match(paper_id, entry.paper_id, "title_fuzzy", float(best[0][1])))
            used_papers.add(paper_id)
            pool.pop(paper_id)
        else:
            unmatched.append(entry)
    return matches, _match_by_authors(papers, unmatched, used_papers, matches)


def _match_by_authors(
    papers: list[PaperRef], entries: list[PaperRef], used_papers: set[str], matches: list[Match]
) -> list[PaperRef]:
    """Last resort for retitled papers: same author surnames, or a looser title with most of them."""
    left: list[PaperRef] = []
    for entry in entries:
        scored = []
        for paper in papers:
            if paper.paper_id in used_papers:
                continue
            overlap = author_overlap(entry, paper)
            if overlap < AUTHOR_OVERLAP_MIN:
                continue
            title_score = fuzz.token_set_ratio(normalise_title(entry.title), normalise_title(paper.title))
            if overlap == 1.0 or title_score >= FUZZY_WITH_AUTHORS_MIN_SCORE:
                scored.append((overlap, title_score, paper.paper_id))
        scored.sort(reverse=True)
        if scored and (len(scored) == 1 or scored[1][:2] < scored[0][:2]):
            overlap, title_score, paper_id = scored[0]
            method = "same_authors" if title_score < FUZZY_WITH_AUTHORS_MIN_SCORE else "title_fuzzy_authors"
            matches.append(Match(paper_id, entry.paper_id, method, float(title_score)))
            used_papers.add(paper_id)
        else:
            left.append(entry)
    return left
