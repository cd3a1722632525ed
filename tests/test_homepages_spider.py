"""The homepages spider end to end against the mirror's fictional hosts (reached as through a proxy):
robots.txt, a redirect chain and a redirect loop, a huge body, a slow host, a non-HTML body, off-host and
credential links not followed, and what lands (statements, URL, fetch time, body hash — never the page)."""

from __future__ import annotations

import json
import re

import pytest

from mirror.faults import FaultRule
from scrapers.parsing.homepage import about_links, homepage_url, is_html
from scrapers.spiders.base import SpiderArgumentError
from scrapers.spiders.homepages import HomepagesSpider, homepages_from_landing
from talent.crawl import mirror_settings, run_crawl

ADA = "http://ada-quillfeather.test-data.example/"
URLS = {
    "hop": "http://hop.test-data.example/",
    "loop": "http://loop.test-data.example/",
    "private": "http://robots-private.test-data.example/private/",
    "huge": "http://huge.test-data.example/",
    "slow": "http://slow.test-data.example/",
    "qi": "http://qi-moyan.test-data.example/",
}


def _profile_landing(folder) -> None:
    """A landed OpenReview profiles file (fictional ids) whose homepages the spider reads."""
    folder.mkdir(parents=True)
    lines = [{"record_key": "~Ada_Quillfeather1", "data": {"data": {"profile_id": "~Ada_Quillfeather1",
                                                                      "homepage": ADA, "test_data": True}}},
             {"record_key": "~No_Homepage1", "data": {"data": {"profile_id": "~No_Homepage1", "homepage": None}}},
             {"record_key": "~Bad_Homepage1", "data": {"data": {"profile_id": "~Bad_Homepage1",
                                                                 "homepage": "ftp://user:pw@x.example/"}}}]
    (folder / "crawl.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def crawl(mirror_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("homepages")
    _profile_landing(root / "profiles")
    mirror_server.clear_faults()
    mirror_server.reset_stats()
    mirror_server.set_faults([FaultRule(path=r"//slow\.test-data\.example/$", kind="slow", delay=4.0, times=None)])
    settings = {**mirror_settings(mirror_server.base_url), "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 2}
    patch = pytest.MonkeyPatch()
    patch.setenv("http_proxy", mirror_server.base_url)  # fictional hosts reach the loopback mirror only
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        patch.delenv(name, raising=False)
    try:
        run = run_crawl("homepages", {"urls": " ".join(URLS.values()), "profiles_landing": str(root / "profiles")},
                        root / "landing", settings=settings)
    finally:
        patch.undo()
        mirror_server.clear_faults()
    served = dict(mirror_server.stats()["by_path"])
    records = [json.loads(line) for line in run.landing_file.read_text(encoding="utf-8").splitlines()]
    rejects_path = run.landing_file.with_name(run.landing_file.name.replace(".jsonl", ".rejects.jsonl"))
    rejects = [json.loads(line) for line in rejects_path.read_text(encoding="utf-8").splitlines()]
    return run, {r["data"]["page_url"]: r for r in records}, rejects, served, root


def _facts(record) -> set[tuple[str, str]]:
    return {(s["stage"], s["country_code"]) for s in record["data"]["statements"]}


def test_homepage_and_its_about_page_land_the_owners_degrees(crawl) -> None:
    run, records, _rejects, _served, _root = crawl
    assert run.returncode == 0
    home, about = records[ADA], records[ADA + "about/"]
    assert _facts(home) == {("phd", "US")} and _facts(about) == {("undergrad", "CN")}
    assert home["data"]["role"] == "homepage" and about["data"]["role"] == "linked"
    assert about["data"]["homepage_url"] == ADA and about["data"]["profile_ids"] == ["~Ada_Quillfeather1"]
    assert home["data"]["test_data"] is True
    assert _facts(records[URLS["qi"]]) == {("undergrad", "CN"), ("phd", "CN")}


def test_landed_records_carry_hash_and_time_but_never_the_page(crawl) -> None:
    run, records, _rejects, _served, _root = crawl
    text = run.landing_file.read_text(encoding="utf-8")
    assert "<p>" not in text and "Filler text" not in text and "html" not in json.dumps(
        [list(r["data"]) for r in records.values()])
    for record in records.values():
        assert re.fullmatch(r"[0-9a-f]{64}", record["body_sha256"]) and record["fetched_at"]
        assert all(len(s["evidence"]) <= 200 for s in record["data"]["statements"])


def test_off_host_credential_and_unrelated_links_are_not_followed(crawl) -> None:
    _run, records, _rejects, served, _root = crawl
    assert not [path for path in served if path.startswith("//elsewhere.")]
    assert "//ada-quillfeather.test-data.example/resume" not in served
    assert "//ada-quillfeather.test-data.example/publications/" not in served
    assert "//ada-quillfeather.test-data.example/cv.pdf" not in served
    assert not [url for url in records if "elsewhere" in url]


def test_non_html_body_is_rejected_not_parsed(crawl) -> None:
    _run, records, rejects, served, _root = crawl
    assert served.get("//ada-quillfeather.test-data.example/bio") == 1
    assert ADA + "bio" not in records
    assert any(r["url"] == ADA + "bio" and r["reason"].startswith("not HTML (application/pdf") for r in rejects)


def test_robots_txt_disallow_is_obeyed(crawl) -> None:
    run, records, _rejects, served, _root = crawl
    assert served.get("//robots-private.test-data.example/robots.txt") == 1
    assert "//robots-private.test-data.example/private/" not in served
    assert URLS["private"] not in records
    assert run.stats.get("robotstxt/forbidden", 0) >= 1


def test_redirect_chain_is_followed_within_its_bound_and_a_loop_is_not(crawl) -> None:
    _run, records, rejects, served, _root = crawl
    hop = records["http://hop.test-data.example/home.html"]
    assert hop["data"]["requested_url"] == URLS["hop"]
    assert _facts(hop) == {("phd", "CH"), ("undergrad", "AU")}
    assert not [url for url in records if "loop." in url]
    assert served.get("//loop.test-data.example/r3") == 1 and "//loop.test-data.example/r4" not in served


def test_huge_body_is_cut_off_and_slow_host_times_out_without_stopping_the_crawl(crawl) -> None:
    run, records, rejects, _served, _root = crawl
    assert URLS["huge"] not in records and URLS["slow"] not in records
    rejected = {r["url"]: r["reason"] for r in rejects}
    assert URLS["huge"] in rejected and URLS["slow"] in rejected
    assert "Timeout" in rejected[URLS["slow"]] or "timeout" in rejected[URLS["slow"]].lower()
    assert run.stats["homepages/requested"] == 7
    assert len(records) == 4  # ada, ada/about/, hop, qi — every reachable page landed despite the faults


def test_landing_reader_and_argument_validation(tmp_path) -> None:
    _profile_landing(tmp_path / "profiles")
    assert homepages_from_landing(str(tmp_path / "profiles")) == {ADA: ["~Ada_Quillfeather1"]}
    with pytest.raises(SpiderArgumentError, match="credentials"):
        HomepagesSpider(urls="http://user:pw@ada.test-data.example/")
    with pytest.raises(SpiderArgumentError, match="profiles_landing"):
        HomepagesSpider(profiles_landing=str(tmp_path / "none"))


def test_link_selection_and_url_rules() -> None:
    html = ('<a href="/about">About me</a><a href="cv/">CV</a><a href="http://other.example/bio">Bio</a>'
            '<a href="/vita.pdf">CV</a><a href="/blog/">Blog</a><a href="/bio.html">x</a><a href="/resume">r</a>')
    assert about_links(html, "http://me.example/index.html", 3) == [
        "http://me.example/about", "http://me.example/cv/", "http://me.example/bio.html"]
    assert homepage_url("people.example.edu/~ada") == "http://people.example.edu/~ada"
    assert homepage_url("mailto:ada@example.org") is None and homepage_url("https://u:p@x.example/") is None
    assert is_html("text/html; charset=utf-8") and not is_html("application/pdf")
