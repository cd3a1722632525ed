"""docs/analysts.md against a built warehouse: its queries are today's questions, run, and give the columns shown.

Why: the guide drifted from the warehouse once (queries on columns that had moved, results of an older build).
The results in the committed page come from a demo warehouse (3-6 minutes to build, so not built here); what
can drift without a demo is checked here on a warehouse built by the same models from a synthetic population:
every query printed in the page is the current question's query for the year the page names, it runs, and its
result has exactly the columns of the page's table; every view and ``view.column`` the page names exists; and
``--check`` tells a current page from a stale one.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from warehouse.report.guide import BEGIN, END, QUESTIONS, is_current, main, write_markdown

from .test_report import report_warehouse  # noqa: F401 - fixture

DOC = Path(__file__).resolve().parents[1] / "docs" / "analysts.md"


def generated_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def doc_year() -> int:
    found = re.search(r"the latest, used for `\{year\}` below, is (\d{4})", generated_block())
    assert found, "the page must say which conference-year {year} stands for"
    return int(found.group(1))


def doc_queries() -> list[tuple[str, list[str]]]:
    """(query, header of the table that follows it) for every question in the page."""
    block = generated_block()
    out = []
    for match in re.finditer(r"```sql\n(.*?);\n```\n\n(\| .*? \|)\n", block, re.S):
        out.append((match.group(1), [c.strip() for c in match.group(2).strip("|").split("|")]))
    return out


def test_every_question_is_in_the_page_with_its_current_query():
    year = doc_year()
    printed = [query for query, _ in doc_queries()]
    assert printed == [q.query(year) for q in QUESTIONS]


def test_every_printed_query_runs_on_a_built_warehouse_with_the_columns_shown(report_warehouse):  # noqa: F811
    con = duckdb.connect(str(report_warehouse), read_only=True)
    try:
        for query, header in doc_queries():
            columns = [d[0] for d in con.execute(query).description]
            assert columns == header, query
    finally:
        con.close()


def test_views_and_columns_the_page_names_exist(report_warehouse):  # noqa: F811
    text = DOC.read_text(encoding="utf-8")
    con = duckdb.connect(str(report_warehouse), read_only=True)
    try:
        columns = {(t, c) for t, c in con.execute("SELECT table_name, column_name FROM duckdb_columns()").fetchall()}
    finally:
        con.close()
    tables = {t for t, _ in columns}
    named = set(re.findall(r"`(study_[a-z0-9_]+)`", text))
    assert {"study_work_country", "study_flows", "study_stay_rates"} <= named
    assert named <= tables, named - tables
    for table, column in re.findall(r"`(study_[a-z0-9_]+)\.([a-z_]+)`", text):  # views the models build
        assert (table, column) in columns, f"{table}.{column}"


def test_check_tells_a_current_page_from_a_stale_one(report_warehouse, tmp_path, capsys):  # noqa: F811
    page = tmp_path / "analysts.md"
    page.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")
    con = duckdb.connect(str(report_warehouse), read_only=True)
    try:
        assert not is_current(con, page)  # the committed page shows the demo, not this synthetic warehouse
        write_markdown(con, page)
        assert is_current(con, page)
    finally:
        con.close()
    assert main([str(report_warehouse), str(page), "--check"]) == 0
    page.write_text(page.read_text(encoding="utf-8").replace("| 2022 |", "| 2021 |", 1), encoding="utf-8")
    assert main([str(report_warehouse), str(page), "--check"]) == 1
    assert "differs from" in capsys.readouterr().out
