"""The profile spiders end to end against the loopback mirror: batching, aliases, hidden and missing
profiles, ORCID records found through landed profiles, and no email address in any landing file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mirror.openreview_api import profile_index
from mirror.test_profiles import fictional_profile_ids, hidden_ids
from scrapers.spiders.base import SpiderArgumentError
from scrapers.spiders.openreview_profiles import OpenReviewProfilesSpider, read_ids
from scrapers.spiders.orcid import OrcidSpider
from talent.crawl import CrawlRun, mirror_settings, run_crawl

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
MISSING = "~Nobody_Here1"


def _alias() -> tuple[str, str]:
    """An old username the mirror answers with another (current) profile id."""
    index = profile_index()
    return min((alias, canonical) for alias, canonical in index.aliases.items() if alias != canonical)


def _records(run: CrawlRun) -> dict[str, dict]:
    lines = [json.loads(line) for line in run.landing_file.read_text(encoding="utf-8").splitlines()]
    return {line["record_key"]: line["data"] for line in lines}


@pytest.fixture(scope="module")
def profile_crawl(mirror_server, tmp_path_factory) -> tuple[CrawlRun, CrawlRun, Path]:
    root = tmp_path_factory.mktemp("profiles")
    ids_file = root / "ids.txt"
    alias, _ = _alias()
    ids_file.write_text("# test ids\n" + "\n".join([*fictional_profile_ids(), *hidden_ids(), alias, MISSING]) + "\n")
    settings = {**mirror_settings(mirror_server.base_url), "ORCID_API_URL": mirror_server.base_url}
    profiles = run_crawl("openreview_profiles", {"ids_file": str(ids_file), "batch_size": "3"}, root / "landing",
                         settings=settings)
    orcid = run_crawl("orcid", {"profiles_landing": str(root / "landing" / "openreview_profiles")},
                      root / "landing", settings=settings)
    return profiles, orcid, root


def test_every_requested_id_lands_one_record(profile_crawl) -> None:
    profiles, _, _ = profile_crawl
    assert profiles.returncode == 0
    records = _records(profiles)
    alias, canonical = _alias()
    assert set(records) == {*fictional_profile_ids(), *hidden_ids(), alias, MISSING}
    assert records[alias]["data"]["profile_id"] == canonical
    assert profiles.stats["profiles/requested"] == len(records)
    assert profiles.stats["profiles/looked_up_alone"] == 3  # the alias, the hidden and the missing id


def test_hidden_and_missing_profiles_are_recorded(profile_crawl) -> None:
    profiles, _, _ = profile_crawl
    records = _records(profiles)
    [hidden] = hidden_ids()
    assert records[hidden]["hidden"] and records[hidden]["data"]["status"] == "hidden"
    assert records[MISSING]["hidden"] and records[MISSING]["data"]["status"] == "missing"
    assert profiles.stats["profiles/hidden"] == 1 and profiles.stats["profiles/missing"] == 1


def test_test_profiles_carry_dated_history(profile_crawl) -> None:
    profiles, _, _ = profile_crawl
    ren = _records(profiles)["~Ada_Fixture1"]["data"]
    assert ren["test_data"] is True
    assert [(h["position"], h["start"], h["end"]) for h in ren["history"]] == [
        ("PhD student", 2018, None), ("Undergrad student", 2014, 2018)]


def test_no_email_address_in_any_landing_file(profile_crawl) -> None:
    _, _, root = profile_crawl
    files = list((root / "landing").rglob("*.jsonl"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not EMAIL.search(text), f"{path.name}: {EMAIL.search(text)}"
    ren = _records(next(r for r in profile_crawl[:2] if r.spider == "openreview_profiles"))["~Ada_Fixture1"]
    assert ren["data"]["email_domains"] == ["cs.stanford.edu"]  # the unmasked test address, cut to its domain


def test_orcid_records_found_through_profiles(profile_crawl) -> None:
    _, orcid, _ = profile_crawl
    assert orcid.returncode == 0
    records = _records(orcid)
    ren = records["0000-0000-0042-0014"]["data"]
    assert ren["status"] == "found" and ren["test_data"] is True
    assert [(e["role_title"], e["organization"]["disambiguated_id"]) for e in ren["educations"]] == [
        ("PhD student", "https://ror.org/00f54p054"), ("B.S. in Computer Science", "https://ror.org/02v51f717")]
    missing = [key for key, data in records.items() if data["data"]["status"] == "missing"]
    assert orcid.stats.get("orcid/missing", 0) == len(missing)  # real iDs the mirror does not serve


def test_orcid_section_endpoints_give_the_same_affiliations(mirror, tmp_path) -> None:
    settings = {**mirror_settings(mirror.base_url), "ORCID_API_URL": mirror.base_url}
    run = run_crawl("orcid", {"ids": "0000-0000-0042-0022", "sections": "educations,employments"},
                    tmp_path / "landing", settings=settings)
    data = _records(run)["0000-0000-0042-0022"]["data"]
    assert [e["role_title"] for e in data["educations"]] == ["PhD in Engineering Sciences", "Master of Science"]
    assert [e["organization"]["name"] for e in data["employments"]] == ["Google", "University College London"]
    assert run.stats["downloader/request_count"] >= 2


def test_spider_arguments_are_validated(tmp_path) -> None:
    with pytest.raises(SpiderArgumentError, match="ids_file"):
        read_ids(None, str(tmp_path / "none.txt"))
    with pytest.raises(SpiderArgumentError, match="~First_Last1"):
        OpenReviewProfilesSpider(ids="Ada_Example1")
    with pytest.raises(SpiderArgumentError, match="batch_size"):
        OpenReviewProfilesSpider(ids="~Ada_Example1", batch_size="5000")
    with pytest.raises(SpiderArgumentError, match="check digit"):
        OrcidSpider(ids="0000-0002-7319-2193")
    with pytest.raises(SpiderArgumentError, match="give ids"):
        OrcidSpider()


def test_fictional_researchers_join_no_real_authorship() -> None:
    """Issue 9, finding 3: test people are invented, so no real paper can carry their invented facts."""
    from mirror.source_data import OPENREVIEW_AUTHOR_YEARS, openreview_authors
    test_ids = {*fictional_profile_ids(), *hidden_ids()}
    real_ids = {value for year in OPENREVIEW_AUTHOR_YEARS for authors in openreview_authors(year).values()
                for author in authors for value in (author.authorid, author.or_profile)}
    assert test_ids and not test_ids & real_ids
    assert not test_ids & set(profile_index().aliases)


def test_fixture_venue_papers_are_test_data(mirror, tmp_path) -> None:
    run = run_crawl("openreview", {"conference": "talentfixture", "venue": "TalentFixture.cc", "year": "2022"},
                    tmp_path / "landing", settings=mirror_settings(mirror.base_url))
    assert run.returncode == 0
    papers = _records(run)
    assert len(papers) == 2 and all(paper["test_data"] is True for paper in papers.values())
    authors = {author["source_id"] for paper in papers.values() for author in paper["authors"]}
    assert set(fictional_profile_ids()) <= authors
