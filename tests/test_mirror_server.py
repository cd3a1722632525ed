"""The mirror over real HTTP on 127.0.0.1: content types, paging, validators, stats and every fault kind."""

from __future__ import annotations

import argparse
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from mirror.faults import FaultPlan, FaultRule
from mirror.openreview_api import DATASETS_INVITATION, MAIN_INVITATION
from mirror.server import MirrorServer
from talent.commands.mirror import register

PAPER_2019 = "0118a063b4aae95277f0bc1752c75abf"


@pytest.fixture(scope="module")
def server() -> Iterator[MirrorServer]:
    with MirrorServer() as mirror:
        yield mirror


@pytest.fixture
def mirror(server: MirrorServer) -> Iterator[MirrorServer]:
    """The shared server with a clean fault plan, overrides and stats around each test."""
    server.clear_faults()
    server.clear_overrides()
    server.reset_stats()
    yield server
    server.clear_faults()
    server.clear_overrides()


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET",
          data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    assert url.startswith("http://127.0.0.1:"), f"tests stay on loopback, not {url}"
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # 127.0.0.1 only (asserted above)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_binds_loopback_on_a_free_port(mirror):
    assert mirror.host == "127.0.0.1" and mirror.port > 0
    assert mirror.base_url == f"http://127.0.0.1:{mirror.port}"


@pytest.mark.parametrize("path, content_type, marker", [
    ("/paper_files/paper/2019", "text/html", b'<ul class="paper-list">'),
    (f"/paper_files/paper/2019/hash/{PAPER_2019}-Abstract.html", "text/html", b'name="citation_author"'),
    (f"/paper_files/paper/2019/file/{PAPER_2019}-Metadata.json", "application/json", b'"given_name"'),
    (f"/paper_files/paper/2019/file/{PAPER_2019}-Bibtex.bib", "application/x-bibtex", b"@inproceedings{"),
    ("/static/virtual/data/neurips-2020-orals-posters.json", "application/json", b'"results"'),
    (f"/notes?invitation={MAIN_INVITATION}&offset=0&limit=2", "application/json", b'"notes"'),
    ("/robots.txt", "text/plain", b"Disallow: /_mirror/"),
])
def test_serves_each_kind_of_page_with_its_content_type(mirror, path, content_type, marker):
    status, headers, body = fetch(mirror.url(path))
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert marker in body
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert int(headers["Content-Length"]) == len(body)


def test_unknown_path_is_404(mirror):
    assert fetch(mirror.url("/paper_files/paper/2019/hash/nope-Abstract.html"))[0] == 404


@pytest.mark.parametrize("invitation, total", [(MAIN_INVITATION, 2824), (DATASETS_INVITATION, 163)])
@pytest.mark.parametrize("limit", [1000, 700])
def test_notes_paging_covers_every_note_once(mirror, invitation, total, limit):
    seen: list[str] = []
    offset = 0
    while True:
        _, _, body = fetch(mirror.url(f"/notes?invitation={invitation}&offset={offset}&limit={limit}"))
        page = json.loads(body)
        assert page["count"] == total
        if not page["notes"]:
            break
        seen += [note["id"] for note in page["notes"]]
        offset += len(page["notes"])
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen)


def test_notes_limit_is_capped_and_bad_params_are_400(mirror):
    _, _, body = fetch(mirror.url(f"/notes?invitation={MAIN_INVITATION}&limit=5000"))
    assert len(json.loads(body)["notes"]) == 1000
    status, _, body = fetch(mirror.url(f"/notes?invitation={MAIN_INVITATION}&offset=abc"))
    assert status == 400 and json.loads(body)["name"] == "ValidationError"


def test_profiles_get_and_batched_search(mirror):
    _, _, body = fetch(mirror.url("/profiles?id=~Rui_Ding6"))
    assert [p["id"] for p in json.loads(body)["profiles"]] == ["~Rui_Ding6"]
    payload = json.dumps({"ids": ["~Rui_Ding6", "~Kehua_Guo1", "~Not_A_Person1"]}).encode()
    status, headers, body = fetch(mirror.url("/profiles/search"), method="POST", data=payload,
                                  headers={"Content-Type": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert [p["id"] for p in json.loads(body)["profiles"]] == ["~Rui_Ding6", "~Kehua_Guo1"]


def test_conditional_requests_get_304(mirror):
    url = mirror.url("/static/virtual/data/neurips-2019-orals-posters.json")
    _, headers, _ = fetch(url)
    status, again, body = fetch(url, headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]
    assert fetch(url, headers={"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_head_sends_headers_only(mirror):
    status, headers, body = fetch(mirror.url("/paper_files/paper/2019"), method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_stats_count_requests_per_path(mirror):
    for _ in range(3):
        fetch(mirror.url("/robots.txt"))
    fetch(mirror.url(f"/notes?invitation={MAIN_INVITATION}&limit=1"))
    assert mirror.requests_served["/robots.txt"] == 3
    _, _, body = fetch(mirror.url("/_mirror/stats"))
    stats = json.loads(body)
    assert stats["total"] == 4 and stats["by_path"]["/notes"] == 1 and stats["by_status"]["200"] == 4


def test_fault_429_sends_rate_limit_body_and_retry_after(mirror):
    mirror.set_faults([FaultRule(path=r"^/notes", kind="429", times=1, retry_after=3)])
    url = mirror.url(f"/notes?invitation={MAIN_INVITATION}&limit=1")
    status, headers, body = fetch(url)
    assert status == 429 and headers["Retry-After"] == "3"
    error = json.loads(body)
    assert error["name"] == "RateLimitError" and error["status"] == 429 and "resetTime" in error["details"]
    assert fetch(url)[0] == 200


def test_fault_503_burst_then_normal_service(mirror):
    mirror.set_faults([FaultRule(path="orals-posters", kind="503", times=2)])
    url = mirror.url("/static/virtual/data/neurips-2022-orals-posters.json")
    assert [fetch(url)[0] for _ in range(3)] == [503, 503, 200]
    assert mirror.stats()["faults_injected"] == {"503": 2}


def test_fault_slow_delays_the_response(mirror):
    mirror.set_faults([FaultRule(path="^/robots.txt$", kind="slow", delay=0.3)])
    started = time.monotonic()
    assert fetch(mirror.url("/robots.txt"))[0] == 200
    assert time.monotonic() - started >= 0.3


def test_fault_truncate_cuts_the_body_below_its_declared_length(mirror):
    mirror.set_faults([FaultRule(path="Metadata.json", kind="truncate")])
    url = mirror.url(f"/paper_files/paper/2019/file/{PAPER_2019}-Metadata.json")
    assert url.startswith("http://127.0.0.1:")
    with pytest.raises(http.client.IncompleteRead), urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1
        response.read()
    assert json.loads(fetch(url)[2])["title"]


def test_fault_malformed_serves_broken_json_with_a_consistent_length(mirror):
    mirror.set_faults([FaultRule(path="^/notes", kind="malformed")])
    status, headers, body = fetch(mirror.url(f"/notes?invitation={MAIN_INVITATION}&limit=5"))
    assert status == 200 and int(headers["Content-Length"]) == len(body)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_faults_given_at_construction():
    plan = FaultPlan([FaultRule(path="robots", kind="503", times=1)])
    with MirrorServer(faults=plan) as mirror:
        assert [fetch(mirror.url("/robots.txt"))[0] for _ in range(2)] == [503, 200]


def test_faults_set_and_cleared_over_http(mirror):
    rules = json.dumps([{"path": "robots", "kind": "429", "times": None, "retry_after": 0}]).encode()
    status, _, body = fetch(mirror.url("/_mirror/faults"), method="POST", data=rules)
    assert status == 200 and json.loads(body)[0]["remaining"] is None
    assert fetch(mirror.url("/robots.txt"))[0] == 429
    assert fetch(mirror.url("/robots.txt"))[0] == 429
    fetch(mirror.url("/_mirror/faults"), method="DELETE")
    assert fetch(mirror.url("/robots.txt"))[0] == 200
    bad = json.dumps([{"path": "x", "kind": "teapot"}]).encode()
    assert fetch(mirror.url("/_mirror/faults"), method="POST", data=bad)[0] == 400


def test_override_changes_content_and_validators(mirror):
    path = f"/paper_files/paper/2019/file/{PAPER_2019}-Metadata.json"
    _, before, _ = fetch(mirror.url(path))
    payload = json.dumps({"path": path, "body": {"title": "Changed", "authors": []}}).encode()
    assert fetch(mirror.url("/_mirror/override"), method="POST", data=payload)[0] == 200
    status, after, body = fetch(mirror.url(path), headers={"If-None-Match": before["ETag"]})
    assert status == 200 and json.loads(body)["title"] == "Changed"
    assert after["ETag"] != before["ETag"] and after["Content-Type"].startswith("application/json")
    assert fetch(mirror.url(path), headers={"If-Modified-Since": before["Last-Modified"]})[0] == 200
    fetch(mirror.url("/_mirror/override"), method="DELETE")
    assert fetch(mirror.url(path), headers={"If-None-Match": before["ETag"]})[0] == 304


def test_fault_rule_cli_syntax():
    rule = FaultRule.parse("kind=429,path=^/notes,times=3,retry_after=2")
    assert (rule.kind, rule.path, rule.times, rule.retry_after) == ("429", "^/notes", 3, 2.0)
    assert FaultRule.parse("kind=slow,path=.,times=all,delay=0.5").times is None
    with pytest.raises(ValueError):
        FaultRule.parse("kind=explode,path=.")


def test_cli_registers_mirror_commands():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["mirror", "serve", "--port", "0", "--fault", "kind=503,path=^/notes,times=2"])
    assert callable(args.handler) and args.port == 0 and args.fault[0].times == 2
    args = parser.parse_args(["mirror", "join-report", "--year", "2019"])
    assert callable(args.handler) and args.year == [2019]


@pytest.mark.parametrize("rule", [{"path": "x", "kind": "429", "retry_after": "2"}, {"path": "x", "kind": "503", "times": "3"}])
def test_fault_rules_with_wrong_types_are_refused_when_set(rule):
    with pytest.raises(ValueError, match="must be"):
        FaultRule.from_dict(rule)
