"""The OpenReview spider's API v2 path (2023 on): venueid filter, keyset pagination with ``after``.

The mirror serves API v1 (its data is 2022); for v2 we place a few real-shaped v2 pages on the mirror
with ``override`` and let the spider walk them.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from talent.crawl import mirror_settings, run_crawl


def _note(note_id, venue, venueid, authorids):
    content = {
        "title": f"Paper {note_id}",
        "authors": [f"Author {i}" for i in range(len(authorids))],
        "authorids": authorids,
        "venue": venue,
        "venueid": venueid,
    }
    return {"id": note_id, "forum": note_id, "content": {key: {"value": value} for key, value in content.items()}}


def _path(venueid, after=None):
    params = {"content.venueid": venueid, "limit": 2, "sort": "id"}
    if after:
        params["after"] = after
    return f"/notes?{urlencode(params)}"


def test_v2_keyset_pagination_tiers_and_tracks(mirror, tmp_path):
    main, datasets = "NeurIPS.cc/2023/Conference", "NeurIPS.cc/2023/Datasets_and_Benchmarks_Track"
    pages = {
        _path(main): [
            _note("a1", "NeurIPS 2023 oral", main, ["~Ada_Lovelace1", "x@y.org"]),
            _note("a2", "NeurIPS 2023 poster", main, ["~Bo_Li2"]),
        ],
        _path(main, "a2"): [_note("a3", "NeurIPS 2023 spotlight", main, ["~Cy_Young1"])],
        _path(main, "a3"): [],
        _path(datasets): [_note("d1", "NeurIPS 2023 Datasets and Benchmarks Poster", datasets, ["~Di_Wu1"])],
        _path(datasets, "d1"): [],
    }
    for path, notes in pages.items():
        mirror.override(path, json.dumps({"notes": notes, "count": len(notes)}), "application/json")
    settings = {**mirror_settings(mirror.base_url), "OPENREVIEW_PAGE_SIZE": 2}
    run = run_crawl("openreview", {"year": "2023"}, tmp_path, settings=settings)
    assert run.returncode == 0
    records = {r["data"]["paper_id"]: r["data"] for r in map(json.loads, run.landing_file.open())}
    assert {pid: (d["tier"], d["track"]) for pid, d in records.items()} == {
        "a1": ("oral", "main"),
        "a2": ("poster", "main"),
        "a3": ("spotlight", "main"),
        "d1": ("poster", "datasets_and_benchmarks"),
    }
    assert records["a1"]["authors"][1]["email_domain"] == "y.org" and records["a1"]["authors"][1]["source_id"] is None
    assert run.stats["downloader/request_count"] >= 5  # 3 + 2 pages, plus robots.txt
