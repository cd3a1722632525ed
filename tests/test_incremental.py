"""Incremental re-crawls: the HTTP cache revalidates (304s), the loader versions what changed, and
``talent diff`` lists exactly the records the mirror changed between two crawls.

Two scenarios, each with its own landing folder, cache and warehouse:

* proceedings 2019 (one request per paper), crawled twice with three Metadata.json files overridden in
  between: every other request is answered 304, three records get a second version;
* the 2022 virtual-site feed (one request), overridden with one paper removed, one added, one renamed,
  then crawled a third time unchanged: a 304, and loading it adds no record version.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from talent.commands import ops
from talent.crawl import mirror_settings, run_crawl
from warehouse.db import connect
from warehouse.diff import crawl_diff, diffs, field_changes
from warehouse.pipeline import load_and_build

PROCEEDINGS = "/paper_files/paper/2019/file/{}-Metadata.json"
FEED_2022 = "/static/virtual/data/neurips-2022-orals-posters.json"


def _cached_settings(base_url: str, cache: Path) -> dict[str, object]:
    return {
        **mirror_settings(base_url),
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_DIR": str(cache),
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,  # loopback: finish the one-request-per-paper crawl sooner
    }


def _override_json(mirror, path: str, edit) -> None:
    document = json.loads(mirror.page_for("GET", path).body)
    edit(document)
    mirror.override(path, json.dumps(document, ensure_ascii=False))


@pytest.fixture(scope="module")
def proceedings_twice(mirror_server, tmp_path_factory):
    mirror = mirror_server
    mirror.clear_faults()
    mirror.clear_overrides()
    root = tmp_path_factory.mktemp("incremental")
    landing, settings = root / "landing", _cached_settings(mirror.base_url, root / "httpcache")
    mirror.reset_stats()
    first = run_crawl("neurips_proceedings", {"year": "2019"}, landing, settings,
                      crawl_id="20260101T000000Z-neurips_proceedings-first")
    first_status = mirror.stats()["by_status"]
    hashes = sorted(
        path.split("/")[-1].removesuffix("-Metadata.json")
        for path in mirror.stats()["by_path"] if path.endswith("-Metadata.json")
    )
    retitled, moved, grown = hashes[10], hashes[20], hashes[30]

    def retitle(doc):
        doc["title"] = "A Retitled Paper (camera-ready)"

    def move_author_2(doc):
        doc["authors"][1]["institution"] = "Synthetic Institute of Revalidation"

    def add_author(doc):
        doc["authors"].append({"given_name": "Ada", "family_name": "Lovelace", "institution": "Analytical Engines"})

    for paper_hash, edit in ((retitled, retitle), (moved, move_author_2), (grown, add_author)):
        _override_json(mirror, PROCEEDINGS.format(paper_hash), edit)
    mirror.reset_stats()
    second = run_crawl("neurips_proceedings", {"year": "2019"}, landing, settings,
                       crawl_id="20260101T000100Z-neurips_proceedings-second")
    second_status = mirror.stats()["by_status"]
    mirror.clear_overrides()
    warehouse = root / "talent.duckdb"
    report, _ = load_and_build(warehouse, [landing])
    keys = {name: f"neurips/2019/{h}" for name, h in (("retitled", retitled), ("moved", moved), ("grown", grown))}
    return {"first": first, "second": second, "first_status": first_status, "second_status": second_status,
            "warehouse": warehouse, "report": report, "keys": keys}


def test_recrawl_revalidates_instead_of_downloading(proceedings_twice):
    first, second = proceedings_twice["first"], proceedings_twice["second"]
    assert first.records == second.records == 1428
    assert set(proceedings_twice["first_status"]) == {"200"}
    status = proceedings_twice["second_status"]
    assert status.get("200") == 3, status  # the three overridden Metadata.json, nothing else
    assert status["304"] >= 1428 + 1 - 3  # the index and every unchanged Metadata.json
    assert second.stats["httpcache/revalidate"] == status["304"]


def test_load_versions_changed_records_and_staging_shows_the_latest(proceedings_twice):
    report, keys = proceedings_twice["report"], proceedings_twice["keys"]
    assert [f.added for f in report.files] == [1428, 3]
    con = connect(proceedings_twice["warehouse"], read_only=True)
    try:
        versions = dict(con.execute(
            "SELECT record_key, count(*) FROM raw_records WHERE source = 'neurips_proceedings' GROUP BY 1 HAVING count(*) > 1"
        ).fetchall())
        title = con.execute("SELECT title, crawl_id FROM stg_paper_records WHERE record_key = ?",
                            [keys["retitled"]]).fetchone()
        sightings = con.execute("SELECT crawl_id, count(*) FROM raw_record_sightings GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    assert versions == {key: 2 for key in keys.values()}
    assert title == ("A Retitled Paper (camera-ready)", proceedings_twice["second"].crawl_id)
    assert [n for _, n in sightings] == [1428, 1428]


def test_diff_lists_exactly_the_changed_records_with_their_fields(proceedings_twice):
    keys = proceedings_twice["keys"]
    con = connect(proceedings_twice["warehouse"], read_only=True)
    try:
        (diff,) = diffs(con, "neurips_proceedings")
    finally:
        con.close()
    assert (diff.crawl_a, diff.crawl_b) == (proceedings_twice["first"].crawl_id, proceedings_twice["second"].crawl_id)
    assert diff.added == [] and diff.removed == [] and diff.unchanged == 1425
    changed = {change.record_key: change.changes for change in diff.changed}
    assert set(changed) == set(keys.values())
    assert [c.field for c in changed[keys["retitled"]]] == ["title"]
    assert [(c.field, c.after) for c in changed[keys["moved"]]] == [
        ("author 2 institution", "Synthetic Institute of Revalidation")
    ]
    grown = changed[keys["grown"]]
    assert {c.field for c in grown} == {f"author {grown[0].field.split()[1]} {f}" for f in ("name", "institution")}
    assert all(c.before is None for c in grown)


@pytest.fixture(scope="module")
def feed_three_times(mirror_server, tmp_path_factory):
    mirror = mirror_server
    mirror.clear_faults()
    mirror.clear_overrides()
    root = tmp_path_factory.mktemp("incremental-feed")
    landing, settings = root / "landing", _cached_settings(mirror.base_url, root / "httpcache")
    runs, statuses = [], []

    def crawl(suffix: str) -> None:
        mirror.reset_stats()
        runs.append(run_crawl("neurips_virtual", {"year": "2022"}, landing, settings,
                              crawl_id=f"20260101T00000{len(runs)}Z-neurips_virtual-{suffix}"))
        statuses.append(mirror.stats()["by_status"])

    crawl("before")
    document = json.loads(mirror.page_for("GET", FEED_2022).body)
    uids = [r["uid"] for r in document["results"]]
    singles = [uid for uid in uids if uids.count(uid) == 1]
    removed, renamed = singles[5], singles[6]

    def edit(doc):
        doc["results"] = [r for r in doc["results"] if r["uid"] != removed]
        for result in doc["results"]:
            if result["uid"] == renamed:
                result["name"] = "Renamed on the Virtual Site"
        extra = dict(doc["results"][0], uid="5e1ec7ed0000000000000000000000aa", id=999_999, name="A Late Addition")
        doc["results"].append(extra)
        doc["count"] = len(doc["results"])

    _override_json(mirror, FEED_2022, edit)
    crawl("after")
    crawl("again")
    mirror.clear_overrides()
    warehouse = root / "talent.duckdb"
    report, _ = load_and_build(warehouse, [landing])
    return {"runs": runs, "statuses": statuses, "report": report, "warehouse": warehouse,
            "removed": f"neurips/2022/{removed}", "renamed": f"neurips/2022/{renamed}",
            "added": "neurips/2022/5e1ec7ed0000000000000000000000aa"}


def test_feed_diff_added_removed_changed(feed_three_times):
    runs = feed_three_times["runs"]
    con = connect(feed_three_times["warehouse"], read_only=True)
    try:
        diff = crawl_diff(con, "neurips_virtual", runs[0].crawl_id, runs[1].crawl_id)
        unchanged = crawl_diff(con, "neurips_virtual", runs[1].crawl_id, runs[2].crawl_id)
    finally:
        con.close()
    assert diff.added == [feed_three_times["added"]]
    assert diff.removed == [feed_three_times["removed"]]
    assert [(c.record_key, [f.field for f in c.changes]) for c in diff.changed] == [
        (feed_three_times["renamed"], ["title"])
    ]
    assert (unchanged.added, unchanged.removed, unchanged.changed) == ([], [], [])


def test_unchanged_feed_is_a_304_and_adds_no_version(feed_three_times):
    statuses, report = feed_three_times["statuses"], feed_three_times["report"]
    assert statuses[1].get("200") == 1  # the overridden feed came back whole
    assert statuses[2].get("200") is None and statuses[2]["304"] >= 1
    assert [f.added for f in report.files] == [2834, 2, 0]  # renamed + added; the third crawl adds nothing


def test_talent_diff_command(feed_three_times, capsys):
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path)
    ops.register(parser.add_subparsers(dest="command"))
    runs = feed_three_times["runs"]
    args = parser.parse_args(["--warehouse", str(feed_three_times["warehouse"]), "diff", runs[0].crawl_id,
                              runs[1].crawl_id])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 removed, 1 changed, 2832 unchanged" in out
    assert f"~ {feed_three_times['renamed']}: title:" in out
    args = parser.parse_args(["--warehouse", str(feed_three_times["warehouse"]), "diff", "--json"])
    assert args.handler(args) == 0
    (latest,) = json.loads(capsys.readouterr().out)
    assert (latest["crawl_a"], latest["crawl_b"]) == (runs[1].crawl_id, runs[2].crawl_id)


def test_field_changes_key_authors_by_position():
    before = {"title": "T", "authors": [{"position": 1, "name": "A", "institution": "X"}]}
    after = {"title": "T", "authors": [{"position": 1, "name": "A", "institution": "Y"},
                                       {"position": 2, "name": "B", "institution": None}]}
    assert [str(c) for c in field_changes(before, after)] == [
        "author 1 institution: 'X' → 'Y'", "author 2 name added: 'B'"
    ]
