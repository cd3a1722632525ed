"""MacroPolo anchors: the reference rows carry their provenance (no invented page), and macropolo_comparison puts
our whole-counting estimate with its Wilson interval beside each anchor on the main track.

The study_population here is a small table of fictional persons (ids F…), never real data.
"""

from __future__ import annotations

import csv
import math

import duckdb
import pytest

from warehouse.build import BuildReport
from warehouse.model_files import discover
from warehouse.models.marts import macropolo_anchors as anchors

from .marts_models import run_marts

EXPECTED = {  # the figures issue 12 lists: (year, measure, region) -> percent
    (2019, "work_country", "US"): 59, (2019, "work_country", "CN"): 11, (2019, "work_country", "EUROPE"): 10,
    (2019, "work_country", "CA"): 6, (2019, "work_country", "GB"): 4,
    (2019, "origin_country", "CN"): 29, (2019, "origin_country", "US"): 20,
    (2022, "work_country", "US"): 42, (2022, "work_country", "CN"): 28,
    (2022, "origin_country", "CN"): 47, (2022, "origin_country", "US"): 18,
}


def test_reference_rows_are_the_published_figures_with_provenance():
    with (anchors.REFERENCE_DIR / "macropolo_anchors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {(int(r["conference_year"]), r["measure"], r["region"]): float(r["published_percent"]) for r in rows}
    assert found == EXPECTED
    for row in rows:
        assert row["publisher"].startswith("MacroPolo")
        assert row["report_title"] == ("The Global AI Talent Tracker" if row["conference_year"] == "2019"
                                       else "The Global AI Talent Tracker 2.0")
        assert row["url"].startswith("https://macropolo.org/")
        assert row["section"] and row["page"] == ""  # a web page: no page number is invented
        assert "web page" in row["note"]
    with (anchors.REFERENCE_DIR / "macropolo_definitions.csv").open(encoding="utf-8", newline="") as handle:
        topics = {r["topic"] for r in csv.DictReader(handle)}
    assert {"census vs sample", "main track", "counting persons", "site vs headquarters"} <= topics


def make_population(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE TABLE study_population (conference VARCHAR, year INTEGER, track VARCHAR, tier VARCHAR,
        person_id VARCHAR, origin_country VARCHAR, grad_country VARCHAR, work_country VARCHAR,
        work_institution_id VARCHAR, grad_status VARCHAR)""")
    # 2022 main track: 40 persons; work US 20, DE 6, FR 4, GB 2, unknown 8; origin CN 10, unknown 30.
    works = ["US"] * 20 + ["DE"] * 6 + ["FR"] * 4 + ["GB"] * 2 + [None] * 8
    origins = ["CN"] * 10 + [None] * 30
    for i, (work, origin) in enumerate(zip(works, origins, strict=True)):
        for track in ("all", "main"):
            con.execute("INSERT INTO study_population VALUES ('neurips', 2022, ?, 'all', ?, ?, NULL, ?, NULL, NULL)",
                        [track, f"F{i:03d}", origin, work])
    # a Datasets & Benchmarks-only person working in China: in track 'all' only, so not in the comparison
    con.execute("INSERT INTO study_population VALUES ('neurips', 2022, 'all', 'all', 'F999', NULL, NULL, 'CN', "
                "NULL, NULL)")


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), centre + half


def test_comparison_view_puts_our_interval_beside_each_anchor(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    make_population(con)
    report = run_marts(con, "macropolo_comparison")
    assert report.notes["macropolo"] == {"anchors": 11}
    rows = {r[0]: r for r in con.execute(
        "SELECT anchor_id, n, n_known, n_persons, share, share_low, share_high, small_n, difference, "
        "published_share, published_within_interval, track FROM macropolo_comparison").fetchall()}
    assert len(rows) == 11
    us = rows["mp2022-work-US"]
    assert us[1:4] == (40, 32, 20)  # main track only: the D&B-only person is not counted
    assert us[4] == pytest.approx(20 / 32)
    assert (us[5], us[6]) == pytest.approx(wilson(20, 32))
    assert us[7] is False and us[11] == "main"
    assert us[8] == pytest.approx(20 / 32 - 0.42)
    cn_work = rows["mp2022-work-CN"]
    assert cn_work[3] == 0 and cn_work[4] == 0 and cn_work[5] == 0  # nobody on the main track works in CN
    origin = rows["mp2022-origin-CN"]
    assert origin[1:4] == (40, 10, 10) and origin[7] is True  # 10 known < min n 30: flagged
    assert origin[4] == 1.0 and origin[6] == 1.0
    # 2019 is not in this warehouse: the anchor is still listed, with no estimate
    missing = rows["mp2019-work-EUROPE"]
    assert missing[1] is None and missing[4] is None and missing[7] is True


def test_europe_sums_its_member_countries(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    make_population(con)
    run_marts(con, "macropolo_comparison")
    con.execute("UPDATE macropolo_anchors SET conference_year = 2022 WHERE anchor_id = 'mp2019-work-EUROPE'")
    con.execute("UPDATE macropolo_anchors SET conference_year = 2022 WHERE anchor_id = 'mp2019-work-GB'")
    europe = con.execute("SELECT n_persons, share FROM macropolo_comparison "
                         "WHERE anchor_id = 'mp2019-work-EUROPE'").fetchone()
    assert europe == (10, pytest.approx(10 / 32))  # DE 6 + FR 4; GB stays apart
    assert con.execute("SELECT n_persons FROM macropolo_comparison WHERE anchor_id = 'mp2019-work-GB'"
                       ).fetchone() == (2,)
    members = {code for (code,) in con.execute(
        "SELECT country_code FROM anchor_regions WHERE region = 'EUROPE'").fetchall()}
    assert len(members) == 31 and "GB" not in members and {"DE", "FR", "CH"} <= members


def test_anchors_load_without_study_data_and_the_comparison_follows_the_population(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    report = BuildReport()
    run_marts(con, "macropolo_anchors", report=report)
    assert report.notes["macropolo"] == {"anchors": 11}
    assert con.execute("SELECT count(*) FROM macropolo_anchors").fetchone() == (11,)
    order = [model.stem for model in discover()]
    assert order.index("study_population") < order.index("macropolo_comparison")
