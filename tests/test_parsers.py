"""Parsers on saved real bodies (fixtures) and on the traps FORMATS.md documents."""

from __future__ import annotations

import json

import pytest

from scrapers.parsing.accepted_page import parse_accepted_papers_page, split_name_institution
from scrapers.parsing.common import ParseError, email_domain, tier_from_text
from scrapers.parsing.openreview import Excluded, note_to_paper, parse_notes_page
from scrapers.parsing.proceedings import (
    IndexEntry,
    metadata_url,
    parse_metadata_json,
    parse_paper_page,
    parse_year_index,
)
from scrapers.parsing.virtual_feed import parse_virtual_feed
from tests.fixtures.parse_fixture import all_cases, parse_case


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: f"{case.parent.name}/{case.name}")
def test_fixture_matches_expected(case):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(parse_case(case))) == expected


def _feed(results, count=None):
    return json.dumps({"count": len(results) if count is None else count, "results": results})


def _result(uid, decision, eventtype, name="A paper", authors=None):
    return {
        "id": 1,
        "uid": uid,
        "name": name,
        "decision": decision,
        "eventtype": eventtype,
        "authors": authors or [{"id": 7, "fullname": "Ada Lovelace", "institution": "Analytical Engines"}],
    }


def test_oral_listed_twice_counts_once_with_highest_tier():
    body = _feed(
        [
            _result("u1", "Accept (oral)", "Oral"),
            _result("u1", "Accept (oral)", "Poster"),
            _result("u2", "Accept (poster)", "Poster"),
        ]
    )
    result = parse_virtual_feed(body, "neurips", 2025)
    assert [(p.paper_id, p.tier) for p in result.papers] == [("u1", "oral"), ("u2", "poster")]
    assert result.duplicates_merged == 1


def test_plain_accept_takes_tier_from_eventtype():
    body = _feed([_result("u1", "Accept", "Poster"), _result("u1", "Accept", "Oral")])
    (paper,) = parse_virtual_feed(body, "neurips", 2022).papers
    assert paper.tier == "oral"


def test_declared_count_larger_than_results_is_reported():
    result = parse_virtual_feed(_feed([_result("u1", "Accept (poster)", "Poster")], count=7), "neurips", 2025)
    assert result.count_mismatch and result.declared_count == 7 and result.result_count == 1


def test_feed_html_escaped_title_and_missing_institution():
    body = _feed(
        [
            _result(
                "u1",
                "Accept (spotlight)",
                "Poster",
                name="Q&amp;A &lt;fast&gt;",
                authors=[{"id": 3, "fullname": "Bo Li"}],
            )
        ]
    )
    (paper,) = parse_virtual_feed(body, "neurips", 2025).papers
    assert paper.title == "Q&A <fast>" and paper.tier == "spotlight"
    assert paper.authors[0].institution is None and paper.authors[0].source_id == "virtual:3"


@pytest.mark.parametrize("body", [b"{not json", b'{"count": 1}', b"[]"])
def test_malformed_feed_raises_parse_error(body):
    with pytest.raises(ParseError):
        parse_virtual_feed(body, "neurips", 2025)


def test_real_feed_sample_keeps_authors_and_institutions():
    case = next(c for c in all_cases() if c.parent.name == "virtual_feed")
    result = parse_virtual_feed((case / "body.json").read_bytes(), "neurips", 2025)
    assert result.count_mismatch  # the sample declares 7 but inlines 3
    first = result.papers[0]
    assert first.authors[0].name == "Miaomiao Huang"
    assert first.authors[0].institution == "Northeastern University"


def test_accepted_page_name_with_parentheses():
    assert split_name_institution("Jingwan (Cynthia) Lu (Adobe Research)") == ("Jingwan (Cynthia) Lu", "Adobe Research")
    assert split_name_institution("Richard  Zhang (Adobe)") == ("Richard Zhang", "Adobe")
    assert split_name_institution("No Affiliation") == ("No Affiliation", None)


def test_accepted_page_real_excerpt():
    case = next(c for c in all_cases() if c.parent.name == "accepted_page")
    papers = parse_accepted_papers_page((case / "body.html").read_text(encoding="utf-8"))
    titles = [title for title, _ in papers]
    assert "Few-shot Image Generation via Self-Adaptation" in titles
    authors = dict(papers)["Few-shot Image Generation via Self-Adaptation"]
    assert [a.name for a in authors] == ["Yijun Li", "Richard Zhang", "Jingwan (Cynthia) Lu", "Eli Shechtman"]
    assert authors[-1].institution == "Adobe Research, US"


CURRENT_INDEX = """<ul class="paper-list">
<li class="conference"><div class="paper-content">
<a title="Paper One" href="/paper_files/paper/2022/hash/0123456789abcdef0123456789abcdef-Abstract-Conference.html">Paper One</a>
<span class="paper-authors">A. B, C. D</span></div></li>
<li class="datasets_and_benchmarks_track"><div class="paper-content">
<a title="A Benchmark" href="/paper_files/paper/2022/hash/fedcba9876543210fedcba9876543210-Abstract-Datasets_and_Benchmarks.html">A Benchmark</a>
</div></li></ul>"""

OLDER_INDEX = """<ul><li><a href="/paper/2019/hash/0118a063b4aae95277f0bc1752c75abf-Abstract.html">Multi-resolution
Multi-task Gaussian Processes</a> <i>Oliver Hamelijnck, Theodoros Damoulas</i></li></ul>"""


def test_year_index_current_template_with_tracks():
    entries = parse_year_index(CURRENT_INDEX, "https://proceedings.neurips.cc/paper_files/paper/2022")
    assert [(e.title, e.track) for e in entries] == [("Paper One", "main"), ("A Benchmark", "datasets_and_benchmarks")]
    assert entries[0].abstract_url.startswith("https://proceedings.neurips.cc/paper_files/paper/2022/hash/")
    assert metadata_url(entries[0].abstract_url) == (
        "https://proceedings.neurips.cc/paper_files/paper/2022/file/0123456789abcdef0123456789abcdef-Metadata.json"
    )


def test_year_index_older_template():
    (entry,) = parse_year_index(OLDER_INDEX, "https://papers.nips.cc/paper/2019")
    assert entry.paper_hash == "0118a063b4aae95277f0bc1752c75abf"
    assert entry.title == "Multi-resolution Multi-task Gaussian Processes"


ENTRY = IndexEntry(
    "0118a063b4aae95277f0bc1752c75abf",
    "T",
    "https://x/paper/2019/hash/0118a063b4aae95277f0bc1752c75abf-Abstract.html",
    "main",
)


def test_metadata_without_institutions_and_broken_metadata():
    paper = parse_metadata_json(
        b'{"title": "T", "authors": [{"given_name": "A", "family_name": "B"}]}', ENTRY, "neurips", 2023
    )
    assert paper.authors[0].name == "A B" and paper.authors[0].institution is None
    with pytest.raises(ParseError):
        parse_metadata_json(b'{"title": "T", "auth', ENTRY, "neurips", 2023)


def test_paper_page_citation_authors_last_first():
    html = """<html><head><meta name="citation_title" content="Deep Things">
    <meta name="citation_author" content="Lovelace, Ada"><meta name="citation_author" content="van der Berg, Jan">
    </head></html>"""
    paper = parse_paper_page(html, ENTRY, "neurips", 2023)
    assert paper.title == "Deep Things"
    assert [a.name for a in paper.authors] == ["Ada Lovelace", "Jan van der Berg"]
    with pytest.raises(ParseError):
        parse_paper_page("<html></html>", ENTRY, "neurips", 2023)
    untitled = parse_paper_page('<meta name="citation_title" content="Lonely">', ENTRY, "neurips", 2019)
    assert untitled.title == "Lonely" and untitled.authors == []


def _note(venue, venueid, ids=("~Ada_Lovelace1", "bob@cs.example.edu"), wrapped=False):
    content = {
        "title": "T",
        "authors": ["Ada Lovelace", "Bob Smith"],
        "authorids": list(ids),
        "venue": venue,
        "venueid": venueid,
    }
    if wrapped:
        content = {key: {"value": value} for key, value in content.items()}
    return {"id": "abc", "forum": "abc", "content": content}


def test_openreview_accepted_note_keeps_profile_ids_and_only_email_domains():
    paper = note_to_paper(_note("NeurIPS 2022 Accept", "NeurIPS.cc/2022/Conference"), "neurips", "NeurIPS.cc", 2022)
    assert paper.authors[0].source_id == "~Ada_Lovelace1"
    assert paper.authors[1].source_id is None and paper.authors[1].email_domain == "cs.example.edu"
    assert "bob@" not in json.dumps(paper.to_dict())
    assert paper.tier is None  # 2022 venue strings carry no tier


@pytest.mark.parametrize(
    "venue, venueid",
    [
        ("Submitted to NeurIPS 2022", "NeurIPS.cc/2022/Conference/Rejected_Submission"),
        ("NeurIPS 2023 Withdrawn", "NeurIPS.cc/2023/Conference/Withdrawn_Submission"),
        ("Desk rejected", "NeurIPS.cc/2023/Conference/Desk_Rejected_Submission"),
    ],
)
def test_openreview_not_accepted_is_excluded(venue, venueid):
    year = int(venueid.split("/")[1])
    assert isinstance(note_to_paper(_note(venue, venueid), "neurips", "NeurIPS.cc", year), Excluded)


def test_openreview_v2_wrapped_values_and_tier_and_track():
    paper = note_to_paper(
        _note("NeurIPS 2023 oral", "NeurIPS.cc/2023/Conference", wrapped=True), "neurips", "NeurIPS.cc", 2023
    )
    assert paper.tier == "oral" and paper.authors[0].name == "Ada Lovelace"
    db = note_to_paper(
        _note(
            "NeurIPS 2023 Datasets and Benchmarks Poster", "NeurIPS.cc/2023/Datasets_and_Benchmarks_Track", wrapped=True
        ),
        "neurips",
        "NeurIPS.cc",
        2023,
    )
    assert db.track == "datasets_and_benchmarks" and db.tier == "poster"


def test_notes_page_shape_errors():
    with pytest.raises(ParseError):
        parse_notes_page(b'{"count": 3}')
    assert parse_notes_page(b'{"notes": [], "count": 0}').count == 0


@pytest.mark.parametrize(
    "text, tier",
    [
        ("Accept (oral)", "oral"),
        ("Accept (Spotlight)", "spotlight"),
        ("Accept", None),
        ("Poster", "poster"),
        (None, None),
        ("NeurIPS 2023 spotlight", "spotlight"),
    ],
)
def test_tier_from_text(text, tier):
    assert tier_from_text(text) == tier


def test_email_domain_never_keeps_the_local_part():
    assert email_domain("Jane.Doe@LAMDA.nju.edu.cn") == "lamda.nju.edu.cn"
    assert email_domain("~Jane_Doe1") is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("zqshi@mail.tsinghua.edu.cn", (None, "mail.tsinghua.edu.cn")),
        ("University of Southampton (apb@ecs.soton.ac.uk)", ("University of Southampton", "ecs.soton.ac.uk")),
        ("Tsinghua University", ("Tsinghua University", None)),
        (None, (None, None)),
    ],
)
def test_email_in_institution_keeps_only_the_domain(raw, expected):
    from scrapers.parsing.common import institution_and_domain

    assert institution_and_domain(raw) == expected
