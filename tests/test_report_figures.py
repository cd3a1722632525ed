"""Report figures: intervals written and drawn, small-n greyed with its reason, one rounding rule, labels that fit,
the latest *complete* conference-year, and a deterministic flows order."""

from __future__ import annotations

import re

import duckdb
import pytest

from warehouse.report import TIER_COLOURS
from warehouse.report.data import conference_years
from warehouse.report.svg import Bar, hbar_chart, line_chart, spread
from warehouse.report.text import (
    fit_label,
    institution_label,
    interval_text,
    share_text,
    share_with_interval,
    small_n_reason,
    text_width,
)

from .test_report import report_html, report_warehouse  # noqa: F401 - fixtures


def test_one_rounding_rule_for_shares():
    assert share_text(0.544) == "54.4%"
    assert share_text(0.54) == "54.0%"  # the same decimal everywhere, never "54%" beside "54.4%"
    assert share_text(None) == "–"


def test_interval_text_uses_the_same_rounding():
    assert interval_text(0.53, 0.5594) == "95% CI 53.0–55.9%"
    assert share_with_interval(0.544, 0.53, 0.5594) == "54.4% (95% CI 53.0–55.9%)"
    assert share_with_interval(0.5, None, None) == "50.0%"


def test_small_n_bar_is_hollow_grey_with_its_reason_and_a_solid_one_is_not():
    svg = hbar_chart([Bar("US", 0.6, 0.5, 0.7, "n=120"),
                      Bar("CN", 0.4, 0.1, 0.8, "", small_n_reason(3, 30))], "#16a34a", max_value=1.0)
    solid, hollow = re.findall(r'<rect class="bar[^"]*"[^>]*>', svg)
    assert 'fill="#16a34a"' in solid and "small-n" not in solid
    assert "small-n" in hollow and 'fill="#16a34a"' not in hollow and "stroke-dasharray" in hollow
    assert "n = 3 &lt; 30" in svg  # the reason, written beside the bar
    assert svg.count('<g class="ci"') == 2  # each bar has its whisker


def test_whisker_spans_the_interval():
    svg = hbar_chart([Bar("US", 0.5, 0.25, 0.75)], "#000000", max_value=1.0, label_px=100, plot_px=400)
    line = re.search(r'<g class="ci"[^>]*><line x1="([\d.]+)" x2="([\d.]+)"', svg)
    assert line and (float(line.group(1)), float(line.group(2))) == (110 + 100, 110 + 300)


def test_labels_are_cut_at_a_word_with_an_ellipsis():
    label = fit_label("Massachusetts Institute of Technology", 150)
    assert label.endswith("…") and "Massachusetts Institute".startswith(label[:-1].rstrip())
    assert text_width(label) <= 150
    assert fit_label("MIT", 150) == "MIT"


def test_country_is_printed_once():
    short, full = institution_label("Google (United States)", "g", "US")
    assert full == "Google (US)" and short == "Google (US)"
    short, full = institution_label("Google DeepMind (United Kingdom)", "d", "GB", max_px=400)
    assert full == "Google DeepMind (GB)"
    _, full = institution_label("Inria (Paris)", "i", "FR")  # a city tells two sites apart: kept
    assert full == "Inria (Paris) (FR)"
    short, full = institution_label("University of Science and Technology of China", "u", "CN", max_px=200)
    assert short.endswith("… (CN)") and full.endswith("China (CN)")


def test_end_labels_are_spread_apart():
    placed = spread([100.0, 101.0, 102.0, 50.0], 14.0, 0.0, 300.0)
    ordered = sorted(placed)
    assert all(b - a >= 14.0 - 1e-9 for a, b in zip(ordered, ordered[1:], strict=False))
    assert placed[3] == 50.0


def test_line_chart_puts_years_on_a_calendar_axis():
    svg = line_chart({"US": {2019: (0.5, 0.45, 0.55), 2020: (0.5, None, None), 2022: (0.4, 0.35, 0.45)}},
                     {"US": "#2563eb"}, 2019, 2022)
    xs = {int(y): float(x) for x, y in re.findall(r'<text class="axis[^"]*" x="([\d.]+)"[^>]*>(\d{4})', svg)}
    assert set(xs) == {2019, 2020, 2021, 2022}
    assert xs[2022] - xs[2020] == pytest.approx(2 * (xs[2020] - xs[2019]), abs=0.2)  # two years are twice one year
    assert "2021 (no data)" in svg and 'stroke-dasharray="5 4"' in svg  # no solid line across a gap


def test_report_greys_small_figures_and_writes_intervals(report_html):  # noqa: F811
    text = report_html.read_text(encoding="utf-8")
    headline = re.search(r'<section class="figure" id="headline">(.*?)</section>', text, re.S).group(1)
    assert re.search(r"US \d+\.\d% \(95% CI \d+\.\d–\d+\.\d%\)", headline)
    assert not re.search(r"\d+\.0%\s*\(n", headline)
    oral = re.search(r'<section class="figure" id="work-by-tier">(.*?)</section>', text, re.S).group(1)
    n_oral = int(re.search(r"oral: n = \d+, n_known = (\d+)", oral).group(1))
    assert n_oral < 30  # the synthetic oral tier is small: drawn hollow, the reason in the legend
    assert f'{TIER_COLOURS["oral"]}"></i>oral' not in oral and f"(n = {n_oral} &lt; 30)" in oral
    assert re.search(r'<rect class="bar small-n"[^>]*>\s*<title>oral', oral)


def _completeness_warehouse(papers: dict[int, int], crawled: set[int]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE study_population (conference VARCHAR, year INTEGER, track VARCHAR, tier VARCHAR,"
                " person_id VARCHAR)")
    con.execute("CREATE TABLE stg_primary_sources (conference VARCHAR, year INTEGER, source VARCHAR, papers BIGINT)")
    con.execute("CREATE TABLE core_papers (conference VARCHAR, year INTEGER, paper_id VARCHAR)")
    con.execute("CREATE TABLE raw_crawls (source VARCHAR, manifest JSON)")
    for year, count in papers.items():
        con.execute("INSERT INTO study_population VALUES ('neurips', ?, 'main', 'all', 'p')", [year])
        con.execute("INSERT INTO stg_primary_sources VALUES ('neurips', ?, 'openreview', ?)", [year, count])
        con.execute("INSERT INTO core_papers SELECT 'neurips', ?, i::VARCHAR FROM range(?) t(i)", [year, count])
        if year in crawled:
            con.execute("INSERT INTO raw_crawls VALUES ('openreview', ?)", [
                f'{{"spider_args": {{"conference": "neurips", "year": {year}}}, "finish_reason": "finished"}}'])
    return con


def test_a_stray_year_does_not_become_the_latest():
    con = _completeness_warehouse({2019: 1428, 2020: 1899, 2022: 2834, 2023: 3}, {2019, 2020, 2022, 2023})
    years = conference_years(con)
    assert years.latest == ("neurips", 2022)
    assert "stray year" in years.excluded[("neurips", 2023)]


def test_a_year_without_a_finished_crawl_is_not_complete():
    con = _completeness_warehouse({2019: 1428, 2022: 2834, 2023: 3100}, {2019, 2022})
    years = conference_years(con)
    assert years.latest == ("neurips", 2022)
    assert "no finished openreview crawl" in years.excluded[("neurips", 2023)]


def test_flows_figure_orders_every_key(report_warehouse):  # noqa: F811
    from warehouse.report.guide import QUESTIONS

    flows = next(q for q in QUESTIONS if q.key == "flows").sql
    order = flows.split("ORDER BY", 1)[1]
    for column in ("origin_country", "grad_country", "work_country", "n_persons"):
        assert column in order


def test_without_a_reviewed_sample_the_report_says_how_to_start_one(report_html):  # noqa: F811
    text = report_html.read_text(encoding="utf-8")
    review = re.search(r'<section class="figure" id="review">(.*?)</section>', text, re.S).group(1)
    assert "has been reviewed yet" in review and "talent review sample --year 2022" in review
    assert "talent review import" in review
