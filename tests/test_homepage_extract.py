"""The homepage degree extractor on fictional pages: per-stage precision and recall, the phrasings and traps of
issue 11 one by one, and the ``talent education extract`` CSV contract."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from etl.education.evaluate import DEFAULT_FIXTURES, load_pages, score
from etl.education.homepage_extract import extract_statements, sentences, years
from etl.education.institutions import default_resolver
from etl.education.pages_csv import OUT_COLUMNS
from talent.cli import main


@pytest.fixture(scope="module")
def resolver():
    return default_resolver()


def _facts(html: str, resolver) -> set[tuple[str, str | None]]:
    return {(s.stage, s.country_code) for s in extract_statements(html, resolver)}


def test_fixture_pages_are_marked_as_fictional_test_data() -> None:
    pages = load_pages()
    assert len(pages) >= 20
    for page in pages:
        assert '<meta name="test-data"' in page.html, page.case
        assert "test-data" in str(DEFAULT_FIXTURES / page.case)


def test_precision_and_recall_per_stage_on_fixtures(resolver) -> None:
    results = [(page, extract_statements(page.html, resolver)) for page in load_pages()]
    scores = score(results)
    for stage in ("undergrad", "phd"):
        assert scores[stage].stated >= 10
        assert scores[stage].precision >= 0.95, scores[stage]
        assert scores[stage].recall >= 0.80, scores[stage]
    assert scores["masters"].precision >= 0.95, scores["masters"]


@pytest.mark.parametrize("case", ["academicpages_placeholder", "hugo_academic_demo_left_in", "no_education"])
def test_pages_without_owner_degrees_yield_nothing(case, resolver) -> None:
    html = (DEFAULT_FIXTURES / case / "page.html").read_text(encoding="utf-8")
    assert extract_statements(html, resolver) == []


def test_students_news_visits_and_postdocs_are_not_the_owners(resolver) -> None:
    cases = {case: (DEFAULT_FIXTURES / case / "page.html").read_text(encoding="utf-8") for case in (
        "third_person_bio_students", "alfolio_about_news", "postdoc_visit_traps", "group_page_students",
        "chinese_cv_table", "news_own_degree_and_student")}
    names = {case: {s.institution_name for s in extract_statements(html, resolver)} for case, html in cases.items()}
    assert not names["third_person_bio_students"] & {"Tsinghua University", "University of Edinburgh",
                                                      "Fudan University", "University of Tokyo"}
    assert not names["alfolio_about_news"] & {"Stanford University", "Princeton University"}
    assert names["postdoc_visit_traps"] == {"University of Washington"}
    assert names["group_page_students"] == {"McGill University"}
    assert "浙江大学" not in names["chinese_cv_table"] and "微软亚洲研究院" not in names["chinese_cv_table"]
    assert "University of Melbourne" not in names["news_own_degree_and_student"]


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>B.S. in Computer Science, Shanghai Jiao Tong University, 2018–2022</p>", {("undergrad", "CN")}),
    ("<p>I obtained my Bachelor's degree in Physics from National Taiwan University.</p>", {("undergrad", "TW")}),
    ("<p>Prior to my PhD, I was an undergraduate at Columbia University.</p>", {("undergrad", "US")}),
    ("<p>Long ago I did my undergrad at Tsinghua University.</p>", {("undergrad", "CN")}),
    ("<p>Before my Ph.D., I was a student at École Normale Supérieure.</p>", {("undergrad", "FR")}),
    ("<p>She received her B.S. from Zhejiang University and her Ph.D. from the University of Toronto.</p>",
     {("undergrad", "CN"), ("phd", "CA")}),
    ("<ul><li>2014.09-2018.06 清华大学 计算机科学与技术 学士</li><li>2018.09-2023.06 北京大学 博士</li></ul>",
     {("undergrad", "CN"), ("phd", "CN")}),
    ("<p>Ph.D. in EECS (expected 2026), Massachusetts Institute of Technology</p>", {("phd", "US")}),
    ("<p>DPhil, University of Oxford; MPhil, University of Cambridge; B.Tech, IIT Bombay</p>",
     {("phd", "GB"), ("masters", "GB"), ("undergrad", "IN")}),
    ("<p>My student Alice received her B.S. from Peking University.</p>", set()),
    ("<p>[2023.05] Congrats to Bob on his M.S. from KAIST!</p>", set()),
    ("<p>I was a visiting student at the University of Oxford and a research intern at Google.</p>", set()),
    ("<p>After my PhD at Carnegie Mellon University, I was a postdoc at Princeton University.</p>", {("phd", "US")}),
    ("<p>我是清华大学的博士后。</p>", set()),
    ("<p>B.S. in GitHub, GitHub University, 2012</p>", set()),
])
def test_phrasings_and_traps(html, expected, resolver) -> None:
    assert _facts(html, resolver) == expected


def test_years_and_evidence(resolver) -> None:
    [st] = extract_statements("<p>Ph.D. in Statistics, University of Michigan, Sep 2019 – present</p>", resolver)
    assert (st.start_year, st.end_year) == (2019, None)
    assert years("2014.09-2018.06") == (2014, 2018) and years("(expected 2026)") == (None, 2026)
    long_bio = "<p>I received my B.S. from Peking University" + ", which I enjoyed a great deal" * 20 + ".</p>"
    [st] = extract_statements(long_bio, resolver)
    assert len(st.evidence) <= 200 and "Peking University" in st.evidence


def test_sentences_do_not_break_after_degree_abbreviations() -> None:
    assert sentences("I got my Ph.D. From then on I worked. Then B.S. Tsinghua.") == [
        "I got my Ph.D. From then on I worked.", "Then B.S. Tsinghua."]


# -- the CLI contract -----------------------------------------------------------------------------------------
def _write_pages(path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "url": "http://a.test-data.example/",
                    "html": "<p>I received my B.S. from Peking University in 2015 and my Ph.D. from MIT in 2020.</p>"}),
        "{not json",
        json.dumps({"id": "b", "url": "http://b.test-data.example/", "html": "<p>No degrees here.</p>"}),
        json.dumps({"url": "http://c.test-data.example/", "html": "<p>B.S., MIT</p>"}),
        json.dumps({"id": "d", "url": "http://d.test-data.example/", "html": None}),
        json.dumps({"id": 7, "url": "http://e.test-data.example/", "html": "<li>BSc, University of Edinburgh</li>"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_cli_writes_one_row_per_statement_and_reports_bad_lines(tmp_path, capsys) -> None:
    pages, out = tmp_path / "pages.jsonl", tmp_path / "out" / "statements.csv"
    _write_pages(pages)
    assert main(["education", "extract", "--in", str(pages), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "line 2: not JSON" in err and "line 4: no id" in err and "line 5 (id d)" in err
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == OUT_COLUMNS
        rows = list(reader)
    assert [(r["id"], r["stage"], r["country_code"], r["end_year"]) for r in rows] == [
        ("a", "undergrad", "CN", "2015"), ("a", "phd", "US", "2020"), ("7", "undergrad", "GB", "")]
    assert all(len(r["evidence"]) <= 200 and float(r["confidence"]) > 0 for r in rows)
    assert not list(out.parent.glob("*.tmp"))


def test_cli_refuses_to_overwrite_its_input(tmp_path) -> None:
    pages = tmp_path / "pages.jsonl"
    _write_pages(pages)
    before = pages.read_bytes()
    assert main(["education", "extract", "--in", str(pages), "--out", str(pages)]) == 2
    assert pages.read_bytes() == before
