"""The mirror's content carries the real totals, and its traps are the intended ones.

Checked on the in-memory site (no HTTP): the spiders' end-to-end tests rely on these numbers.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest

from mirror.openreview_api import (
    DATASETS_INVITATION,
    DATASETS_VENUEID,
    MAIN_INVITATION,
    MAIN_VENUEID,
    REJECTED_VENUE,
    REJECTED_VENUEID,
    note_index,
    profile_index,
)
from mirror.papers_2022 import papers_2022
from mirror.site import resolve, site_pages
from mirror.source_data import openreview_paper_list, proceedings_metadata
from mirror.title_join import join_presentations, normalise_title
from mirror.virtual_feed import feed_path

PROCEEDINGS_TOTALS = {2019: (1428, 5568), 2020: (1899, 7793)}
FEED_TIERS = {2019: {"Oral": 36, "Spotlight": 164}, 2020: {"Oral": 106, "Spotlight": 280}, 2022: {"Oral": 199}}
TIER_RANK = {"Poster": 0, "Spotlight": 1, "Oral": 2}
COMGAN = "0xbhGxgzd1t"


def _feed(year: int) -> dict:
    return site_pages(year)[feed_path(year)].json()


def _papers_from_feed(year: int) -> dict[str, dict]:
    """Deduplicate events on uid, keeping the highest tier, as a spider must."""
    papers: dict[str, dict] = {}
    for event in _feed(year)["results"]:
        kept = papers.get(event["uid"])
        if kept is None or TIER_RANK[event["eventtype"]] > TIER_RANK[kept["eventtype"]]:
            papers[event["uid"]] = event
    return papers


def _accepted_notes() -> list[dict]:
    notes = note_index().notes
    return [n for inv in (MAIN_INVITATION, DATASETS_INVITATION) for n in notes[inv]
            if n["content"]["venueid"] in (MAIN_VENUEID, DATASETS_VENUEID)]


@pytest.mark.parametrize("year", [2019, 2020])
def test_proceedings_pages_carry_every_paper_and_authorship(year):
    papers, authorships = PROCEEDINGS_TOTALS[year]
    pages = site_pages(year)
    abstracts = {path: page for path, page in pages.items() if path.endswith("-Abstract.html")}
    assert len(abstracts) == papers
    citation_authors = sum(page.body.count(b'<meta name="citation_author"') for page in abstracts.values())
    assert citation_authors == authorships
    index = pages[f"/paper_files/paper/{year}"].body.decode()
    links = re.findall(r'<li class="conference"><div class="paper-content"><a title="[^"]*" '
                       r'href="(/paper_files/paper/\d{4}/hash/[0-9a-f]{32}-Abstract\.html)">', index)
    assert len(links) == papers and set(links) == set(abstracts)
    assert index.count('<span class="paper-authors">') == papers


@pytest.mark.parametrize("year", [2019, 2020])
def test_metadata_json_is_exactly_the_source_values(year):
    pages = site_pages(year)
    for paper in proceedings_metadata(year):
        served = pages[f"/paper_files/paper/{year}/file/{paper['hash']}-Metadata.json"].json()
        assert served["title"] == paper["title"]
        assert served["authors"] == paper["authors"]
        assert served["award"] == paper["award"]
        assert served["abstract"] == ""


def test_abstract_page_links_metadata_and_names_authors_last_first():
    paper = proceedings_metadata(2020)[0]
    page = site_pages(2020)[f"/paper_files/paper/2020/hash/{paper['hash']}-Abstract.html"].body.decode()
    assert f'href="/paper_files/paper/2020/file/{paper["hash"]}-Metadata.json">Metadata</a>' in page
    first = paper["authors"][0]
    assert f'<meta name="citation_author" content="{first["family_name"]}, {first["given_name"]}">' in page
    assert '<meta name="citation_pdf_url"' in page
    assert f'<meta name="citation_title" content="{html.escape(paper["title"])}">' in page


@pytest.mark.parametrize("year", [2019, 2020, 2022])
def test_feed_tiers_and_declared_count(year):
    feed = _feed(year)
    assert feed["count"] == len(feed["results"])
    tiers = Counter(event["eventtype"] for event in _papers_from_feed(year).values())
    for tier, expected in FEED_TIERS[year].items():
        assert tiers[tier] == expected
    for event in feed["results"]:
        assert re.fullmatch(r"[0-9a-f]{32}", event["uid"])
        assert isinstance(event["id"], int)
    assert len({event["id"] for event in feed["results"]}) == len(feed["results"])


@pytest.mark.parametrize("year", [2019, 2020, 2022])
def test_oral_papers_appear_twice_with_the_same_uid_and_paper_url(year):
    events_by_uid: dict[str, list[dict]] = {}
    for event in _feed(year)["results"]:
        events_by_uid.setdefault(event["uid"], []).append(event)
    orals = [events for events in events_by_uid.values() if any(e["eventtype"] == "Oral" for e in events)]
    assert len(orals) == FEED_TIERS[year]["Oral"]
    for events in orals:
        assert sorted(e["eventtype"] for e in events) == ["Oral", "Poster"]
        assert len({e["paper_url"] for e in events}) == 1
        assert len({e["decision"] for e in events}) == 1
    assert all(len(events) == 1 for events in events_by_uid.values() if events not in orals)


def test_2019_2020_feed_decisions_name_the_tier_and_link_the_proceedings():
    for year in (2019, 2020):
        for event in _papers_from_feed(year).values():
            expected = {"Oral": "Accept (oral)", "Spotlight": "Accept (spotlight)", "Poster": "Accept (poster)"}
            assert event["decision"] == expected[event["eventtype"]]
            if event["paper_url"] is not None:
                assert resolve("GET", event["paper_url"], {}) is not None


def test_2022_feed_totals_and_plain_accept_decision():
    papers = _papers_from_feed(2022)
    assert len(papers) == 2834
    assert sum(len(event["authors"]) for event in papers.values()) == 13191
    assert {event["decision"] for event in _feed(2022)["results"]} == {"Accept"}
    assert all(event["paper_url"].startswith("https://openreview.net/forum?id=") for event in papers.values())
    comgan = [e for e in papers.values() if e["paper_url"].endswith(COMGAN)]
    assert len(comgan) == 1 and len(comgan[0]["authors"]) == 5
    assert "\ufeff" not in comgan[0]["name"]


def test_feed_fields_are_html_escaped_and_institutions_can_be_null():
    events = _feed(2019)["results"]
    assert any("&amp;" in (author["institution"] or "") for event in events for author in event["authors"])
    assert any("&#x27;" in event["name"] for event in events)
    assert all(event["name"] == html.escape(html.unescape(event["name"])) for event in events)
    nulls = sum(1 for event in _feed(2022)["results"] for a in event["authors"] if a["institution"] is None)
    assert nulls > 0


def test_lost_2020_hash_is_restored_from_the_presentation_link():
    paper = next(p for p in proceedings_metadata(2020) if p["title"].startswith("Transductive Information Max"))
    assert paper["hash"] == "196f5641aa9dc87067da4ff90fd81e7b"
    assert resolve("GET", "/paper_files/paper/2020/file/196f5641aa9dc87067da4ff90fd81e7b-Metadata.json", {})


def test_2022_notes_totals():
    accepted = _accepted_notes()
    assert len(accepted) == 2834
    main = [n for n in accepted if n["invitation"] == MAIN_INVITATION]
    datasets = [n for n in accepted if n["invitation"] == DATASETS_INVITATION]
    assert (len(main), len(datasets)) == (2671, 163)
    assert sum(len(n["content"]["authors"]) for n in accepted) == 13191
    assert {n["content"]["venueid"] for n in main} == {MAIN_VENUEID}
    assert {n["content"]["venueid"] for n in datasets} == {DATASETS_VENUEID}


def test_2022_rejected_notes_are_served_but_marked():
    notes = note_index().notes[MAIN_INVITATION] + note_index().notes[DATASETS_INVITATION]
    rejected = [n for n in notes if n["content"]["venueid"] == REJECTED_VENUEID]
    assert len(rejected) == 153
    assert {n["content"]["venue"] for n in rejected} == {REJECTED_VENUE}
    assert len(notes) == 2834 + 153
    assert len({n["id"] for n in notes}) == len(notes)


def test_2022_journal_rows_are_not_notes():
    journal_titles = {normalise_title(p["title"]) for p in openreview_paper_list(2022) if p["status"] == "Journal"}
    assert len(journal_titles) == 67
    served = {normalise_title(p.note_title) for p in papers_2022()}
    assert not journal_titles & served


def test_comgan_duplicate_merges_into_one_accepted_note_with_its_authors():
    notes = [n for n in note_index().by_id().values() if "ComGAN" in n["content"]["title"]]
    assert len(notes) == 1
    note = notes[0]
    assert note["id"] == COMGAN and note["forum"] == COMGAN
    assert note["content"]["venueid"] == MAIN_VENUEID
    assert note["content"]["authors"] == ["Rui Ding", "Kehua Guo", "Xiangyuan Zhu", "Zheng Wu", "Liwei Wang"]
    assert note["content"]["authorids"][:3] == ["~Rui_Ding6", "~Kehua_Guo1", "~Xiangyuan_Zhu1"]
    assert note["content"]["authorids"][3] == "wuzhengtea@gmail.com"  # raw email, as upstream


def test_join_report_numbers():
    r2019, r2020 = join_presentations(2019), join_presentations(2020)
    assert (len(r2019.exact), len(r2019.fuzzy), len(r2019.unmatched_presentations)) == (1416, 11, 0)
    assert [m["hash"] for m in r2019.unmatched_metadata] == ["08040837089cdf46631a10aca5258e16"]
    assert (len(r2020.exact), len(r2020.fuzzy)) == (1898, 0)
    assert r2020.summary()["by_method"] == {"proceeding_hash": 1898}
    assert [p["title"] for p in r2020.unmatched_presentations] == [
        "Hogwild!: A Lock-Free Approach to Parallelizing Stochastic Gradient Descent"]
    for report in (r2019, r2020):
        assert report.summary()["exact_share"] >= 0.99
        hashes = [match.metadata_hash for match in report.matches]
        assert len(hashes) == len(set(hashes)), "one proceedings paper joined to two presentations"


def test_unmatched_presentation_keeps_its_own_authors_without_institution():
    hogwild = [e for e in _feed(2020)["results"] if e["name"].startswith("Hogwild!")]
    assert {e["eventtype"] for e in hogwild} == {"Oral", "Poster"}
    assert all(e["paper_url"] is None for e in hogwild)
    assert [a["fullname"] for a in hogwild[0]["authors"]][0] == "Benjamin Recht"
    assert all(a["institution"] is None for a in hogwild[0]["authors"])


def test_profiles_resolve_aliases_and_skip_unknown_ids():
    index = profile_index()
    found = index.lookup(["~Amin_Karbasi3", "~amin_karbasi1", "~Nobody_Here1"])
    assert [p["id"] for p in found] == ["~amin_karbasi1"]  # both ids name one person, listed once
    profile = found[0]
    assert profile["content"]["names"][0] == {"fullname": "Amin Karbasi", "preferred": True,
                                              "username": "~amin_karbasi1"}
    assert profile["content"]["emails"] == ["****@google.com"]
    assert profile["content"]["history"][0]["institution"] == {"name": "Google", "domain": "google.com"}
    assert index.lookup(["nobody@example.org"]) == []


def test_robots_txt_allows_all_but_the_control_prefix():
    body = resolve("GET", "/robots.txt", {}).body.decode()
    assert "User-agent: *" in body and "Disallow: /_mirror/" in body
    assert "Disallow: /\n" not in body


def test_unknown_paths_are_not_found():
    assert resolve("GET", "/paper_files/paper/2019/hash/deadbeef-Abstract.html", {}) is None
    assert resolve("GET", "/static/virtual/data/neurips-2018-orals-posters.json", {}) is None
    assert resolve("GET", "/nowhere", {}) is None
    assert json.loads(resolve("GET", "/notes", {"invitation": ["x"]}).body) == {"notes": [], "count": 0}


def test_2021_notes_and_feed_carry_the_real_decisions():
    """NeurIPS 2021 (issue 12, item 5): 2,334 accepted of 2,619 submissions, 55 orals, 260 spotlights."""
    from collections import Counter

    from mirror.openreview_api import MAIN_INVITATION_2021, MAIN_VENUEID_2021
    from mirror.virtual_feed import feed_document

    notes = note_index().notes[MAIN_INVITATION_2021]
    venues = Counter(n["content"]["venue"] for n in notes if n["content"]["venueid"] == MAIN_VENUEID_2021)
    assert venues == {"NeurIPS 2021 Poster": 2019, "NeurIPS 2021 Spotlight": 260, "NeurIPS 2021 Oral": 55}
    assert len(notes) == 2619
    events = Counter(event["eventtype"] for event in feed_document(2021)["results"])
    assert events["Oral"] == 55 and events["Spotlight"] == 260
