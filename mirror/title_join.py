"""Join the 2019/2020 virtual-site presentations to the proceedings metadata.

The two lists come from different crawls of different sites, so they share no id: the presentation
carries the tier (Oral/Spotlight/Poster), the metadata carries authors with institutions. The feed the
mirror serves needs both, and the join is a data-quality question in its own right, so it is explicit
and reported rather than buried:

1. ``proceeding_hash`` — 2020 presentations link their proceedings page; the hash in that URL is exact.
2. ``exact_title`` — titles equal after NFKC, casefold and removal of punctuation/whitespace.
3. fuzzy, only among what is still unmatched on both sides, strongest candidate pairs first:
   ``fuzzy_title`` (token_sort_ratio >= 90 and a unique best), ``fuzzy_title_authors`` (token_set_ratio
   >= 90, i.e. one title extends the other, and half the author surnames shared) and ``same_authors``
   (renamed paper: identical surname set of >= 2 authors, unique among the leftovers).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from mirror.source_data import presentations, proceedings_metadata
from mirror.titles import normalise_title, surname_key, title_words

FUZZY_TITLE_MIN = 90.0
AUTHOR_OVERLAP_MIN = 0.5
EXACT_METHODS = frozenset({"proceeding_hash", "exact_title"})

_HASH_IN_URL = re.compile(r"/hash/([0-9a-f]{32})-Abstract")
@dataclass(frozen=True, slots=True)
class JoinMatch:
    """A presentation joined to its proceedings metadata, with how (``method``) and how surely (``score``)."""

    presentation_id: str
    presentation_title: str
    metadata_hash: str
    metadata_title: str
    method: str
    score: float

    @property
    def is_exact(self) -> bool:
        return self.method in EXACT_METHODS


@dataclass(slots=True)
class JoinReport:
    """Outcome of the join for one year; ``matches`` is in presentation order."""

    year: int
    matches: list[JoinMatch] = field(default_factory=list)
    unmatched_presentations: list[dict[str, Any]] = field(default_factory=list)
    unmatched_metadata: list[dict[str, Any]] = field(default_factory=list)
    dangling_proceeding_links: list[str] = field(default_factory=list)

    @property
    def exact(self) -> list[JoinMatch]:
        return [match for match in self.matches if match.is_exact]

    @property
    def fuzzy(self) -> list[JoinMatch]:
        return [match for match in self.matches if not match.is_exact]

    def by_presentation(self) -> dict[str, JoinMatch]:
        return {match.presentation_id: match for match in self.matches}

    def hash_title_disagreements(self) -> list[JoinMatch]:
        """Hash-linked pairs whose titles differ: retitled papers the hash join caught and a title join would miss."""
        return [match for match in self.matches if match.method == "proceeding_hash"
                and normalise_title(match.presentation_title) != normalise_title(match.metadata_title)]

    def summary(self) -> dict[str, Any]:
        methods: dict[str, int] = {}
        for match in self.matches:
            methods[match.method] = methods.get(match.method, 0) + 1
        total = len(self.matches) + len(self.unmatched_presentations)
        return {
            "year": self.year,
            "presentations": total,
            "exact": len(self.exact),
            "fuzzy": len(self.fuzzy),
            "unmatched_presentations": len(self.unmatched_presentations),
            "unmatched_metadata": len(self.unmatched_metadata),
            "dangling_proceeding_links": len(self.dangling_proceeding_links),
            "hash_title_disagreements": len(self.hash_title_disagreements()),
            "by_method": methods,
            "exact_share": round(len(self.exact) / total, 4) if total else 0.0,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "fuzzy": [asdict(match) for match in self.fuzzy],
            "hash_title_disagreements": [asdict(match) for match in self.hash_title_disagreements()],
            "unmatched_presentations": [
                {"id": item["id"], "title": item["title"], "status": item["status"]}
                for item in self.unmatched_presentations
            ],
            "unmatched_metadata": [
                {"hash": item["hash"], "title": item["title"]} for item in self.unmatched_metadata
            ],
            "dangling_proceeding_links": self.dangling_proceeding_links,
        }


def _presentation_surnames(item: dict[str, Any]) -> set[str]:
    return {surname_key(name) for name in (item.get("author") or "").split(",")} - {""}


def _metadata_surnames(item: dict[str, Any]) -> set[str]:
    return {surname_key(author.get("family_name") or "") for author in item["authors"]} - {""}


def _overlap(left: set[str], right: set[str]) -> float:
    return len(left & right) / len(left | right) if left and right else 0.0


def _fuzzy_candidate(item: dict[str, Any], leftovers: list[dict[str, Any]]) -> tuple[float, str, str] | None:
    """Best acceptable (score, method, hash) for one unmatched presentation, or None."""
    words = title_words(item["title"])
    surnames = _presentation_surnames(item)
    scored = []
    for meta in leftovers:
        other = title_words(meta["title"])
        scored.append((fuzz.token_sort_ratio(words, other), fuzz.token_set_ratio(words, other),
                       _overlap(surnames, _metadata_surnames(meta)), meta["hash"]))
    if not scored:
        return None
    by_sort = sorted(scored, key=lambda row: row[0], reverse=True)
    best = by_sort[0]
    if best[0] >= FUZZY_TITLE_MIN and (len(by_sort) == 1 or by_sort[1][0] < best[0]):
        return best[0], "fuzzy_title", best[3]
    extended = [row for row in scored if row[1] >= FUZZY_TITLE_MIN and row[2] >= AUTHOR_OVERLAP_MIN]
    if len(extended) == 1:
        return extended[0][1], "fuzzy_title_authors", extended[0][3]
    same = [row for row in scored if row[2] == 1.0]
    if len(same) == 1 and len(surnames) >= 2:
        return 100.0 * same[0][2], "same_authors", same[0][3]
    return None


@cache
def join_presentations(year: int) -> JoinReport:
    """Match every presentation of ``year`` to at most one proceedings paper, and vice versa."""
    metadata = {item["hash"]: item for item in proceedings_metadata(year)}
    by_title: dict[str, list[str]] = {}
    for item in metadata.values():
        by_title.setdefault(normalise_title(item["title"]), []).append(item["hash"])

    report = JoinReport(year)
    found: dict[str, JoinMatch] = {}
    used: set[str] = set()

    def accept(item: dict[str, Any], paper_hash: str, method: str, score: float) -> None:
        used.add(paper_hash)
        found[item["id"]] = JoinMatch(item["id"], item["title"], paper_hash, metadata[paper_hash]["title"],
                                      method, round(score, 1))

    items = presentations(year)
    for item in items:
        link = _HASH_IN_URL.search(item.get("proceeding") or "")
        if link and link.group(1) in metadata and link.group(1) not in used:
            accept(item, link.group(1), "proceeding_hash", 100.0)
        elif link:
            report.dangling_proceeding_links.append(item["proceeding"])
    for item in items:
        if item["id"] in found:
            continue
        candidates = [h for h in by_title.get(normalise_title(item["title"]), []) if h not in used]
        if len(candidates) == 1:
            accept(item, candidates[0], "exact_title", 100.0)

    pending = [item for item in items if item["id"] not in found]
    while pending:
        leftovers = [meta for paper_hash, meta in metadata.items() if paper_hash not in used]
        proposals = [(cand, item) for item in pending if (cand := _fuzzy_candidate(item, leftovers))]
        if not proposals:
            break
        (score, method, paper_hash), item = max(proposals, key=lambda row: row[0][0])
        accept(item, paper_hash, method, score)
        pending.remove(item)

    report.matches = [found[item["id"]] for item in items if item["id"] in found]
    report.unmatched_presentations = [item for item in items if item["id"] not in found]
    report.unmatched_metadata = [meta for paper_hash, meta in metadata.items() if paper_hash not in used]
    return report
