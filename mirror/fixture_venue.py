"""A fictional OpenReview venue, ``TalentFixture.cc``, whose papers join the fictional test researchers.

Tests that need the education path end to end (profile → ORCID → person_education → talent_records)
crawl this venue (``openreview -a conference=talentfixture -a venue=TalentFixture.cc -a year=2022``)
instead of borrowing real people's ids: every author here is invented, so nothing about a real person can
be invented by a test, and the demo (which crawls NeurIPS only) never sees these papers. Each note carries
``"_test_data": true``.
"""

from __future__ import annotations

from typing import Any

from mirror.test_profiles import fictional_profile_ids

FIXTURE_VENUE = "TalentFixture.cc"
FIXTURE_YEAR = 2022
FIXTURE_INVITATION = f"{FIXTURE_VENUE}/{FIXTURE_YEAR}/Conference/-/Blind_Submission"
FIXTURE_VENUEID = f"{FIXTURE_VENUE}/{FIXTURE_YEAR}/Conference"

# (forum id, title, extra fictional coauthors) — each paper is written by test researchers and fictional coauthors.
_PAPERS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("fixture0001", "A Fictional Study of Test Fixtures", (("Gil Nowhere", "~Gil_Nowhere1"),)),
    ("fixture0002", "Invented Results on Imaginary Benchmarks", (("Hana Madeup", "~Hana_Madeup1"),)),
)


def _authors(index: int) -> list[tuple[str, str]]:
    """Each fixture paper gets every other test researcher, so every one of them has at least one paper."""
    ids = list(fictional_profile_ids())
    chosen = ids[index::len(_PAPERS)]
    return [(profile_id.lstrip("~").rstrip("0123456789").replace("_", " "), profile_id) for profile_id in chosen]


def fixture_notes() -> tuple[dict[str, Any], ...]:
    """The venue's accepted notes in the API v1 shape the openreview spider reads."""
    notes = []
    for number, (forum_id, title, coauthors) in enumerate(_PAPERS, 1):
        authors = _authors(number - 1) + list(coauthors)
        notes.append({
            "id": forum_id,
            "number": number,
            "forum": forum_id,
            "invitation": FIXTURE_INVITATION,
            "cdate": 1_652_140_800_000,
            "tmdate": 1_673_308_800_000,
            "_test_data": True,
            "content": {
                "title": title,
                "authors": [name for name, _ in authors],
                "authorids": [profile_id for _, profile_id in authors],
                "venue": "TalentFixture 2022 Accept",
                "venueid": FIXTURE_VENUEID,
                "keywords": ["fictional test data"],
            },
        })
    return tuple(notes)
