"""Fault suite, personal data: with the HTTP cache on, no cached file holds a full e-mail address, and a
parser reads a cached (scrubbed) body exactly as the fresh one."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from scrapy.http import Request, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from scrapers.httpcache import AddressFreeCacheStorage, scrub_addresses
from talent.crawl import mirror_settings, run_crawl
from tests.fixtures.parse_fixture import FIXTURES, parse_case

ADDRESS = re.compile(rb"[\w.+%-]+@(?:[\w-]+\.)+[a-zA-Z]{2,}")


def _addresses_in(folder: Path) -> list[bytes]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            found += [a for a in ADDRESS.findall(data) if not a.startswith(b"redacted@")]
    return found


def _storage(tmp_path: Path) -> tuple[AddressFreeCacheStorage, object]:
    crawler = get_crawler(settings_dict={"HTTPCACHE_DIR": str(tmp_path / "cache"), "HTTPCACHE_GZIP": True})
    crawler.spider = crawler._create_spider("fictional")
    storage = AddressFreeCacheStorage(Settings({"HTTPCACHE_DIR": str(tmp_path / "cache"), "HTTPCACHE_GZIP": True}))
    storage.open_spider(crawler.spider)
    return storage, crawler.spider


def test_cached_bodies_plain_or_gzip_hold_no_full_address(tmp_path):
    storage, spider = _storage(tmp_path)
    body = b'{"authorids": ["ada.example@cs.fictional.edu", "~Ada_Example1"], "note": "mail b.c@lab.example.org"}'
    for url, response_body, headers in (
        ("http://127.0.0.1/plain", body, {}),
        ("http://127.0.0.1/gzip", gzip.compress(body), {"Content-Encoding": "gzip"}),
    ):
        request = Request(url)
        storage.store_response(spider, request, Response(url, body=response_body, headers=headers))
        cached = storage.retrieve_response(spider, request)
        assert b"redacted@cs.fictional.edu" in cached.body and b"ada.example" not in cached.body
    assert _addresses_in(tmp_path / "cache") == []


def test_a_parser_reads_a_scrubbed_body_as_the_fresh_one(tmp_path):
    case = FIXTURES / "openreview_notes" / "v1_2018_workshop_with_decision"
    copy = tmp_path / "openreview_notes" / case.name
    copy.mkdir(parents=True)
    body = (case / "body.json").read_bytes()
    assert b"@" in body
    (copy / "body.json").write_bytes(scrub_addresses(body))
    (copy / "meta.json").write_bytes((case / "meta.json").read_bytes())
    assert parse_case(copy) == parse_case(case)


def test_a_mirror_crawl_with_the_cache_on_leaves_no_address_in_the_cache(mirror, tmp_path):
    settings = {**mirror_settings(mirror.base_url), "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path / "hc")}
    run = run_crawl("openreview", {"year": "2022"}, tmp_path / "landing", settings=settings)
    assert run.returncode == 0 and run.records == 2834
    assert any((tmp_path / "hc").rglob("response_body"))
    assert _addresses_in(tmp_path / "hc") == []
