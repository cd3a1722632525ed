"""Sample and review on a tiny warehouse of fictional persons: draw → worksheet → fill → import → estimate.

The warehouse is made here (migrations + the few tables the review reads), so the test is fast and no reviewed
value ever describes a real person. The estimate view is checked against ``warehouse.estimates.stratified_share``
computed in Python from the same filled worksheet.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from talent.cli import main as talent_main
from warehouse.build import build
from warehouse.estimates import stratified_share, wilson_interval
from warehouse.migrate import migrate
from warehouse.review import (
    WORKSHEET_COLUMNS,
    WORKSHEET_ENCODING,
    ReviewError,
    create_review_views,
    draw_sample,
    import_worksheet,
    record_sample,
    review_estimate_rows,
    write_worksheet,
)

YEAR = 2031  # a year no real conference data in this project has
# stratum (tier, main track?) -> number of fictional persons
STRATA = {("oral", True): 9, ("spotlight", True): 14, ("poster", True): 40, ("poster", False): 12, (None, False): 3}
WORK = ["US", "CN", "GB", None]


def fictional_persons() -> list[dict[str, object]]:
    persons, number = [], 0
    for (tier, main), count in STRATA.items():
        for _ in range(count):
            number += 1
            persons.append({
                "person_id": f"T{number:03d}", "name": f"Fictional Person {number:03d}", "tier": tier,
                "main": main, "work": WORK[number % 4], "origin": ["CN", "IN", None][number % 3],
            })
    return persons


def make_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    migrate(con)
    con.execute("""CREATE TABLE study_population (conference VARCHAR, year INTEGER, track VARCHAR, tier VARCHAR,
        person_id VARCHAR, origin_country VARCHAR, grad_country VARCHAR, work_country VARCHAR,
        work_institution_id VARCHAR, grad_status VARCHAR)""")
    con.execute("""CREATE TABLE talent_records (conference VARCHAR, year INTEGER, person_id VARCHAR, tier VARCHAR,
        work_country VARCHAR, evidence JSON, confidence DOUBLE, name VARCHAR, undergrad_country VARCHAR,
        grad_country VARCHAR, work_institution_id VARCHAR, sector VARCHAR)""")
    con.execute("""CREATE TABLE persons (person_id VARCHAR, name VARCHAR, openreview_id VARCHAR, orcid VARCHAR,
        dblp VARCHAR, n_papers INTEGER)""")
    for p in fictional_persons():
        tracks = ["all", "main"] if p["main"] else ["all"]
        for track in tracks:
            tiers = ["all"] + ([p["tier"]] if p["tier"] else [])
            for tier in tiers:
                con.execute("INSERT INTO study_population VALUES ('neurips', ?, ?, ?, ?, ?, NULL, ?, NULL, NULL)",
                            [YEAR, track, tier, p["person_id"], p["origin"], p["work"]])
        evidence = {"work_country": {"source": "authorship_affiliations", "method": "exact-name",
                                     "paper_id": f"paper-{p['person_id']}"}} if p["work"] else {}
        con.execute("INSERT INTO talent_records VALUES ('neurips', ?, ?, ?, ?, ?, 0.9, ?, ?, NULL, NULL, NULL)",
                    [YEAR, p["person_id"], p["tier"], p["work"], json.dumps(evidence), p["name"], p["origin"]])
        con.execute("INSERT INTO persons VALUES (?, ?, ?, NULL, ?, 1)",
                    [p["person_id"], p["name"], f"~Fictional_Person{p['person_id']}", None])
    assert create_review_views(con)  # with the interval macros the views call
    return con


@pytest.fixture
def warehouse(tmp_path):
    con = make_warehouse(tmp_path / "tiny.duckdb")
    yield con
    con.close()


def read_sheet(path: Path) -> list[dict[str, str]]:
    with path.open(encoding=WORKSHEET_ENCODING, newline="") as handle:
        return list(csv.DictReader(handle))


def write_sheet(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding=WORKSHEET_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=WORKSHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


# What the (fictional) reviewer "finds": a fixed rule of the person number, different from the automatic values.
def reviewer_values(person_id: str) -> dict[str, str]:
    number = int(person_id[1:])
    work = ["US", "US", "Canada", ""][number % 4]  # a country name is accepted and normalised
    return {
        "review_work_institution": f"Fictional Institute {number}" if work else "",
        "review_work_country": work,
        "review_undergrad_country": ["cn", "IN", "US"][number % 3],
        "review_note": "" if work else "no workplace found (fictional test person)",
    }


def test_sample_is_stratified_reproducible_and_recorded(warehouse, tmp_path):
    sample = draw_sample(warehouse, "neurips", YEAR, per_stratum=5, seed=7)
    assert sample.strata == {("oral", "main"): (9, 5), ("spotlight", "main"): (14, 5), ("poster", "main"): (40, 5),
                             ("poster", "other"): (12, 5), ("none", "other"): (3, 3)}
    assert sample.population == 78 and len(sample.persons) == 23
    again = draw_sample(warehouse, "neurips", YEAR, per_stratum=5, seed=7)
    other = draw_sample(warehouse, "neurips", YEAR, per_stratum=5, seed=8)
    assert again.persons == sample.persons and again.sample_id == sample.sample_id
    assert other.persons != sample.persons
    worksheet, sidecar = write_worksheet(warehouse, sample, tmp_path / "out")
    assert record_sample(warehouse, sample, worksheet) is True
    assert record_sample(warehouse, sample, worksheet) is False  # the same draw is not recorded twice
    rows = read_sheet(worksheet)
    assert [row["person_id"] for row in rows] == [person for person, _, _ in sample.persons]
    assert list(rows[0]) == list(WORKSHEET_COLUMNS)
    first = rows[0]
    assert first["openreview"].startswith("https://openreview.net/profile?id=~Fictional_Person")
    assert all(first[column] == "" for column in WORKSHEET_COLUMNS if column.startswith("review_"))
    with_work = next(row for row in rows if row["auto_work_country"])
    assert "authorship_affiliations" in with_work["auto_work_evidence"]
    design = json.loads(sidecar.read_text())
    assert design["seed"] == 7 and design["sampled"] == 23 and design["population"] == 78
    stored = warehouse.execute("SELECT tier, track, population_size, sample_size FROM review_sample_strata "
                               "ORDER BY ALL").fetchall()
    assert ("poster", "main", 40, 5) in stored and len(stored) == 5
    assert warehouse.execute("SELECT count(*) FROM review_sample_persons").fetchone()[0] == 23
    with pytest.raises(ReviewError, match="no persons"):
        draw_sample(warehouse, "neurips", YEAR + 1, per_stratum=5, seed=7)


def test_round_trip_sample_fill_import_estimate(warehouse, tmp_path):
    sample = draw_sample(warehouse, "neurips", YEAR, per_stratum=5, seed=3)
    worksheet, _ = write_worksheet(warehouse, sample, tmp_path / "out")
    record_sample(warehouse, sample, worksheet)
    rows = read_sheet(worksheet)
    filled = []
    for index, row in enumerate(rows):
        if index % 6 == 5:  # one in six left blank: not reviewed yet
            filled.append(row)
            continue
        filled.append(row | reviewer_values(row["person_id"]))
    write_sheet(worksheet, filled)
    loaded, blank = import_worksheet(warehouse, worksheet, "Fictional Analyst")
    assert (loaded, blank) == (len(rows) - len(rows) // 6, len(rows) // 6)
    stored = warehouse.execute("SELECT DISTINCT reviewer FROM reviews").fetchall()
    assert stored == [("Fictional Analyst",)]
    assert warehouse.execute("SELECT count(*) FROM reviews WHERE work_country = 'CA'").fetchone()[0] > 0

    # the view equals the Python estimator on the same data, for every population and value
    reviewed = {row["person_id"]: reviewer_values(row["person_id"]) for i, row in enumerate(rows) if i % 6 != 5}
    stratum_of = {person: (tier, track) for person, tier, track in sample.persons}
    codes = {"US": "US", "Canada": "CA", "": None}
    for track in ("all", "main"):
        people = [p for p in reviewed if track == "all" or stratum_of[p][1] == "main"]
        strata_sizes = {key: size for key, (size, _) in sample.strata.items() if track == "all" or key[1] == "main"}
        for value in ("US", "CA"):
            expected = stratified_share(
                [stratum_of[p] for p in people],
                [1.0 if codes[reviewed[p]["review_work_country"]] == value else 0.0 for p in people],
                [codes[reviewed[p]["review_work_country"]] is not None for p in people],
                strata_sizes,
            )
            got = warehouse.execute(
                "SELECT reviewed_share, reviewed_se, reviewed_low, reviewed_high, n_reviewed, n_reviewed_known, "
                "population_reviewed, automatic_share, automatic_low, automatic_high, difference "
                "FROM review_estimates WHERE track = ? AND field = 'work_country' AND value = ?",
                [track, value]).fetchone()
            assert got[0] == pytest.approx(expected.estimate)
            assert got[1] == pytest.approx(expected.standard_error)
            assert got[2] == pytest.approx(expected.low) and got[3] == pytest.approx(expected.high)
            assert got[4] == expected.n_sampled and got[5] == expected.n_known
            assert got[6] == expected.population
            # automatic side: whole counting over every person of the population, Wilson interval
            persons = [p for p in fictional_persons() if track == "all" or p["main"]]
            known = [p for p in persons if p["work"]]
            hits = sum(1 for p in known if p["work"] == value)
            automatic = wilson_interval(hits, len(known))
            assert got[7] == pytest.approx(automatic.estimate)
            assert (got[8], got[9]) == pytest.approx((automatic.low, automatic.high))
            assert got[10] == pytest.approx(automatic.estimate - expected.estimate)
    # a value only the automatic side has (GB) appears with a reviewed share of 0
    gb = warehouse.execute("SELECT reviewed_share, automatic_share FROM review_estimates "
                           "WHERE track = 'all' AND field = 'work_country' AND value = 'GB'").fetchone()
    assert gb[0] == 0 and gb[1] > 0
    assert review_estimate_rows(warehouse, "neurips", YEAR, ["origin_country"])[0]["field"] == "origin_country"


def test_import_with_bad_rows_loads_nothing_and_names_every_line(warehouse, tmp_path):
    sample = draw_sample(warehouse, "neurips", YEAR, per_stratum=4, seed=5)
    worksheet, _ = write_worksheet(warehouse, sample, tmp_path / "out")
    record_sample(warehouse, sample, worksheet)
    rows = read_sheet(worksheet)
    rows[0] |= {"review_work_country": "US", "review_work_institution": "Fictional Lab"}  # line 2: fine
    rows[1] |= {"review_work_country": "Atlantis"}  # line 3: not a country
    rows[2] |= {"review_grad_institution": "Fictional University"}  # line 4: institution without country
    rows[3] |= {"person_id": "T999", "review_work_country": "US"}  # line 5: not drawn
    rows[4] |= {"review_undergrad_country": "ZZ"}  # line 6: not an ISO code
    rows[5] |= {"sample_id": "no-such-sample", "review_note": "x"}  # line 7: unknown sample
    rows.append(dict(rows[0]))  # line N+2: the first person again
    write_sheet(worksheet, rows)
    with pytest.raises(ReviewError) as failure:
        import_worksheet(warehouse, worksheet, "Fictional Analyst")
    problems = failure.value.problems
    assert any(p.startswith("line 3:") and "Atlantis" in p for p in problems)
    assert any(p.startswith("line 4:") and "review_grad_country" in p for p in problems)
    assert any(p.startswith("line 5:") and "T999" in p for p in problems)
    assert any(p.startswith("line 6:") and "'ZZ'" in p for p in problems)
    assert any(p.startswith("line 7:") and "no-such-sample" in p for p in problems)
    assert any(p.startswith(f"line {len(rows) + 1}:") and "first on line 2" in p for p in problems)
    assert not any(p.startswith("line 2:") for p in problems)
    assert "nothing was loaded" in str(failure.value)
    assert warehouse.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    # a file that is not a worksheet is refused by its header
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="line 1"):
        import_worksheet(warehouse, other, "Fictional Analyst")
    with pytest.raises(ReviewError, match="reviewer"):
        import_worksheet(warehouse, worksheet, "  ")


def test_reimport_appends_and_latest_wins(warehouse, tmp_path):
    sample = draw_sample(warehouse, "neurips", YEAR, per_stratum=3, seed=2)
    worksheet, _ = write_worksheet(warehouse, sample, tmp_path / "out")
    record_sample(warehouse, sample, worksheet)
    rows = read_sheet(worksheet)
    person = rows[0]["person_id"]
    write_sheet(worksheet, [rows[0] | {"review_work_country": "US"}])
    import_worksheet(warehouse, worksheet, "First Fictional Analyst")
    write_sheet(worksheet, [rows[0] | {"review_work_country": "FR"}])
    import_worksheet(warehouse, worksheet, "Second Fictional Analyst")
    history = warehouse.execute("SELECT work_country, reviewer FROM reviews WHERE person_id = ? ORDER BY reviewed_at",
                                [person]).fetchall()
    assert history == [("US", "First Fictional Analyst"), ("FR", "Second Fictional Analyst")]
    assert warehouse.execute("SELECT work_country FROM review_latest WHERE person_id = ?",
                             [person]).fetchone() == ("FR",)


def test_rebuild_keeps_every_reviewed_value(tmp_path):
    """A full build on a warehouse holding reviews neither drops nor changes them."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con)
    con.execute("INSERT INTO review_samples VALUES ('s1', 'neurips', ?, 2, 1, 4, 2, now(), NULL)", [YEAR])
    con.execute("INSERT INTO review_sample_strata VALUES ('s1', 'poster', 'main', 4, 2)")
    con.execute("INSERT INTO review_sample_persons VALUES ('s1', 'T001', 'poster', 'main', 1), "
                "('s1', 'T002', 'poster', 'main', 2)")
    con.execute("INSERT INTO reviews VALUES ('s1', 'T001', NULL, 'IN', NULL, NULL, 'Fictional Lab', 'US', NULL, "
                "'Fictional Analyst', now(), 'sheet.csv', 2)")
    everything = "SELECT * EXCLUDE (reviewed_at), reviewed_at::VARCHAR FROM reviews"  # no pytz needed
    before = con.execute(everything).fetchall()
    build(con)
    assert con.execute(everything).fetchall() == before
    assert con.execute("SELECT count(*) FROM review_sample_persons").fetchone()[0] == 2
    assert con.execute("SELECT work_country FROM review_latest").fetchall() == [("US",)]
    row = con.execute("SELECT reviewed_share, n_reviewed, population_reviewed FROM review_estimates "
                      "WHERE field = 'work_country' AND value = 'US' AND track = 'main'").fetchone()
    assert row == (1.0, 1, 4)
    con.close()


def test_cli_sample_and_import(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    make_warehouse(path).close()
    out = tmp_path / "sheets"
    assert talent_main(["review", "sample", "--year", str(YEAR), "--per-stratum", "4", "--seed", "11",
                        "--warehouse", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "persons of neurips 2031 in 5 strata" in printed
    (worksheet,) = out.glob("*.csv")
    assert len(list(out.glob("*.design.json"))) == 1
    rows = read_sheet(worksheet)
    rows[0] |= {"review_work_country": "Nowhere"}
    write_sheet(worksheet, rows)
    assert talent_main(["--warehouse", str(path), "review", "import", str(worksheet), "--reviewer", "F. Analyst"]) == 2
    assert "line 2:" in capsys.readouterr().out
    rows[0] |= {"review_work_country": "DE"}
    write_sheet(worksheet, rows)
    assert talent_main(["review", "import", str(worksheet), "--reviewer", "F. Analyst",
                        "--warehouse", str(path)]) == 0
    assert "loaded 1 reviewed person(s)" in capsys.readouterr().out
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT work_country, reviewer FROM reviews").fetchall() == [("DE", "F. Analyst")]
    con.close()
    # review export still answers under the same command
    assert talent_main(["review", "export", "--out", str(tmp_path / "least.csv"), "--limit", "3",
                        "--warehouse", str(path)]) == 0
    assert len(read_sheet(tmp_path / "least.csv")) == 3


def test_sample_worksheet_on_the_harvested_warehouse(warehouse_copy, tmp_path):
    """Against a real build (the session harvest): strata cover every person once, and the worksheet lists the
    links and automatic evidence the warehouse has. Nothing is filled in: no value is invented for real people."""
    from warehouse.pipeline import review_session

    with review_session(warehouse_copy) as con:
        population = con.execute("SELECT count(DISTINCT person_id) FROM study_population WHERE conference = "
                                 "'neurips' AND year = 2022 AND track = 'all' AND tier = 'all'").fetchone()[0]
        sample = draw_sample(con, "neurips", 2022, per_stratum=4, seed=1)
        assert sample.population == population > 0
        assert {track for _, track in sample.strata} <= {"main", "other"}
        assert all(drawn == min(4, size) for size, drawn in sample.strata.values())
        worksheet, _ = write_worksheet(con, sample, tmp_path)
        assert record_sample(con, sample, worksheet)
        rows = read_sheet(worksheet)
        assert len(rows) == len(sample.persons)
        assert any(row["openreview"].startswith("https://openreview.net/profile?id=~") for row in rows)
        assert any(row["papers"] for row in rows)
        assert all(row["auto_work_evidence"] for row in rows if row["auto_work_country"])
        assert con.execute("SELECT count(*) FROM review_estimates").fetchone()[0] == 0  # nothing reviewed yet

