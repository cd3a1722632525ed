"""LandingWriterPipeline: provenance on every line, rejects beside, resume without duplicates."""

from __future__ import annotations

import json

import pytest
import scrapy
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from scrapers.items import AuthorRecord, LandedRecord, PaperRecord, RejectRecord
from scrapers.pipelines import LandingWriterPipeline


class _Spider(scrapy.Spider):
    name = "probe_source"


def _pipeline(tmp_path, crawl_id="C1"):
    crawler = get_crawler(_Spider, settings_dict={"LANDING_DIR": str(tmp_path)})
    crawler.spider = crawler._create_spider(crawl_id=crawl_id)
    crawler.stats.open_spider()
    pipeline = LandingWriterPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline, crawler


def _record(paper_id="p1"):
    paper = PaperRecord("neurips", 2022, paper_id, "T", authors=[AuthorRecord(1, "Ada", "Univ")])
    return LandedRecord(paper, "https://x.example/p", "ab" * 32)


def test_lines_carry_provenance_and_rejects_go_beside(tmp_path):
    pipeline, crawler = _pipeline(tmp_path)
    pipeline.process_item(_record())
    with pytest.raises(DropItem):
        pipeline.process_item(RejectRecord("https://x.example/bad", "not JSON", 200))
    pipeline.close_spider()
    pipeline.write_manifest(crawler.spider, "finished")
    folder = tmp_path / "probe_source"
    (line,) = [json.loads(raw) for raw in (folder / "C1.jsonl").open()]
    assert line["crawl_id"] == "C1" and line["source"] == "probe_source" and line["record_key"] == "neurips/2022/p1"
    assert line["source_url"] == "https://x.example/p" and line["body_sha256"] == "ab" * 32 and line["fetched_at"]
    (reject,) = [json.loads(raw) for raw in (folder / "C1.rejects.jsonl").open()]
    assert reject["url"] == "https://x.example/bad" and reject["reason"] == "not JSON"
    manifest = json.loads((folder / "C1.manifest.json").read_text())
    assert manifest["finish_reason"] == "finished" and manifest["stats"]["landing/rejects"] == 1


def test_resume_cuts_partial_line_and_skips_landed_records(tmp_path):
    pipeline, _ = _pipeline(tmp_path)
    pipeline.process_item(_record("p1"))
    pipeline.close_spider()
    path = tmp_path / "probe_source" / "C1.jsonl"
    with path.open("a") as handle:
        handle.write('{"crawl_id": "C1", "record_key": "neurips/2022/p2", "da')  # killed mid-write
    resumed, crawler = _pipeline(tmp_path)
    assert crawler.spider.landed_keys == {"neurips/2022/p1"}
    with pytest.raises(DropItem):
        resumed.process_item(_record("p1"))
    resumed.process_item(_record("p2"))
    resumed.close_spider()
    keys = [json.loads(raw)["record_key"] for raw in path.open()]
    assert keys == ["neurips/2022/p1", "neurips/2022/p2"]
    assert crawler.stats.get_value("landing/duplicates_skipped") == 1
