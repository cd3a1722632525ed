"""Synthetic populations: marked synthetic everywhere, real distributions kept, servable and landable."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from mirror.page import JSON
from mirror.papers_2022 import accepted_papers_2022
from mirror.synthetic import CONFERENCE, feed_bytes, feed_path, generate, write_landing
from talent.crawl import mirror_settings, run_crawl
from warehouse.db import connect
from warehouse.pipeline import load_and_build


@pytest.fixture(scope="module")
def one_x():
    return generate(1)


def test_deterministic_and_sized(one_x):
    again = generate(1)
    assert feed_bytes(again) == feed_bytes(one_x)
    assert len(one_x.results) == 2834
    assert len(generate(0.1).results) == 283


def test_marked_synthetic_everywhere(one_x):
    assert all(r["synthetic"] and r["uid"].startswith("syn") and r["name"].startswith("[SYNTHETIC]")
               for r in one_x.results)
    assert json.loads(feed_bytes(one_x))["synthetic"] is True
    assert feed_path() == "/static/virtual/data/synthetic-2022-orals-posters.json"


def test_real_team_sizes_names_and_affiliations(one_x):
    real = [p for p in accepted_papers_2022() if p.authors]
    assert Counter(len(p.authors) for p in real) == Counter(len(r["authors"]) for r in one_x.results)
    real_surnames = {a.name.split()[-1] for p in real for a in p.authors}
    synthetic_names = [a["fullname"] for r in one_x.results for a in r["authors"]]
    assert {name.split()[-1] for name in synthetic_names} <= real_surnames
    real_affiliations = Counter(a.aff or None for p in real for a in p.authors)
    assert Counter(a["institution"] for r in one_x.results for a in r["authors"]) == real_affiliations
    assert 9000 < one_x.persons < 11000  # people recur across papers, as in the real coauthor graph


def test_replicas_are_linked_not_islands():
    ten = generate(3)
    ids_by_replica: dict[str, set[int]] = {}
    for result in ten.results:
        replica = result["name"].rsplit("(", 1)[1].rstrip(")")
        ids_by_replica.setdefault(replica, set()).update(a["id"] for a in result["authors"])
    assert ids_by_replica["0"] & ids_by_replica["1"]


def test_landing_file_loads_as_a_synthetic_conference(tmp_path):
    population = generate(0.1)
    path = write_landing(population, tmp_path / "landing")
    assert "synthetic-x0.1" in path.name
    warehouse = tmp_path / "talent.duckdb"
    load_and_build(warehouse, [tmp_path / "landing"])
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute("SELECT conference, count(*) FROM papers GROUP BY 1").fetchall()
        authorships = con.execute("SELECT count(*) FROM authorships").fetchone()[0]
    finally:
        con.close()
    assert rows == [(CONFERENCE, 283)]
    assert authorships == population.authorships


def test_mirror_serves_the_population_to_the_feed_spider(mirror, tmp_path):
    population = generate(0.1)
    mirror.override(feed_path(), feed_bytes(population), JSON)
    run = run_crawl("neurips_virtual", {"year": "2022", "conference": CONFERENCE}, tmp_path / "landing",
                    settings=mirror_settings(mirror.base_url))
    assert run.records == 283
    line = json.loads(run.landing_file.open(encoding="utf-8").readline())
    assert line["data"]["conference"] == CONFERENCE and line["data"]["paper_id"].startswith("syn")
