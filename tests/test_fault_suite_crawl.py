"""Fault suite, crawl side: a crawl that lands nothing, less than announced, or cannot write fails loudly.

Each case runs ``talent crawl`` (a real child ``scrapy crawl``) against a loopback server that misbehaves
in one way, and checks the exit code and the summary; nothing here leaves loopback.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from scrapers.crawl_outcome import crawl_problems
from talent.cli import main
from talent.crawl import mirror_settings, run_crawl


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    mode = "404"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/robots.txt" or self.mode == "404":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.mode == "redirect":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.mode == "hang":
            time.sleep(5)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def misbehaving():
    def start(mode: str) -> str:
        handler = type("Handler", (_Misbehaving,), {"mode": mode})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    servers: list[http.server.ThreadingHTTPServer] = []
    yield start
    for server in servers:
        server.shutdown()


@pytest.mark.parametrize("mode", ["404", "redirect", "hang"])
def test_crawl_that_lands_nothing_exits_non_zero_with_a_summary(misbehaving, tmp_path, capsys, mode):
    base = misbehaving(mode)
    started = time.monotonic()
    code = main(["crawl", "neurips_virtual", "--year", "2022", "--mirror", base, "--landing-dir", str(tmp_path),
                 "--set", "DOWNLOAD_TIMEOUT=1"])
    out = capsys.readouterr().out
    assert code != 0
    assert "FAILED: landed no records" in out
    assert time.monotonic() - started < 60  # bounded: timeouts and retries are capped, never minutes per request


def test_connection_refused_like_a_dns_failure_exits_non_zero(tmp_path, capsys):
    code = main(["crawl", "neurips_virtual", "--year", "2022", "--mirror", "http://127.0.0.1:9",
                 "--landing-dir", str(tmp_path)])
    assert code != 0 and "landed no records" in capsys.readouterr().out


def test_disk_full_while_landing_stops_the_crawl_and_fails_it(mirror, tmp_path):
    folder = tmp_path / "neurips_virtual"
    folder.mkdir()
    crawl_id = "20260101T000000Z-neurips_virtual-diskfull"
    (folder / f"{crawl_id}.jsonl").symlink_to("/dev/full")  # every write: OSError ENOSPC
    run = run_crawl("neurips_virtual", {"year": "2022"}, tmp_path, settings=mirror_settings(mirror.base_url),
                    crawl_id=crawl_id)
    manifest = json.loads((folder / f"{crawl_id}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["outcome"] == "failed" and manifest["finish_reason"] == "landing_write_error"
    assert any("could not be written" in p and "No space left" in p for p in run.problems), run.problems


def test_fewer_records_than_announced_is_a_failure():
    stats = {"proceedings/index_entries": 1899, "landing/rejects": 3}
    assert crawl_problems("neurips_proceedings", "finished", stats, 1896) == [
        "landed 1896 of 1899 records the source announced (3 rejects)"]
    assert crawl_problems("neurips_proceedings", "finished", stats, 1899) == []
    feed = {"feed/declared_count": 2840, "feed/duplicates_merged": 6}
    assert crawl_problems("neurips_virtual", "finished", feed, 2834) == []


def test_a_clean_mirror_crawl_still_exits_zero(mirror, tmp_path, capsys):
    code = main(["crawl", "neurips_virtual", "--year", "2019", "--mirror", mirror.base_url,
                 "--landing-dir", str(tmp_path)])
    assert code == 0, capsys.readouterr().out
    assert Path(tmp_path / "neurips_virtual").is_dir()


def test_truncated_openreview_crawl_fails_at_crawl_time(mirror, tmp_path):
    """The second page of main-track notes comes back empty though the count says 2,824: the crawl lands
    fewer records than OpenReview announced and fails, instead of passing 1,000 papers off as the year."""
    from urllib.parse import urlencode

    invitation = "NeurIPS.cc/2022/Conference/-/Blind_Submission"
    cut = "/notes?" + urlencode({"invitation": invitation, "offset": 1000, "limit": 1000})
    mirror.override(cut, json.dumps({"notes": [], "count": 2824}), "application/json")
    run = run_crawl("openreview", {"year": "2022", "conference": "neurips"}, tmp_path / "landing",
                    settings=mirror_settings(mirror.base_url))
    assert any("landed 1877 of 2877 records the source announced" in problem for problem in run.problems)
    mirror.clear_overrides()
    clean = run_crawl("openreview", {"year": "2022", "conference": "neurips"}, tmp_path / "again",
                      settings=mirror_settings(mirror.base_url))
    assert clean.problems == [] and clean.records == 2834
