"""Harvest a conference virtual-site feed: every accepted paper and its tier in one request.

``scrapy crawl neurips_virtual -a year=2022 [-a conference=icml -a base_url=https://icml.cc]``
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

from scrapers.parsing.common import ParseError
from scrapers.parsing.virtual_feed import parse_virtual_feed
from scrapers.spiders.base import HarvestSpider


class NeuripsVirtualSpider(HarvestSpider):
    name = "neurips_virtual"

    def feed_url(self) -> str:
        base = self.source_url("VIRTUAL_BASE_URL", "https://neurips.cc")
        target = self.target
        return f"{base}/static/virtual/data/{target.conference}-{target.year}-orals-posters.json"

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(
            self.feed_url(), callback=self.parse_feed, errback=self.on_error, dont_filter=self.resuming
        )

    def parse_feed(self, response: Response):
        try:
            result = parse_virtual_feed(response.body, self.target.conference, self.target.year)
        except ParseError as exc:
            yield self.reject(response.url, str(exc), status=response.status)
            return
        stats = self.crawler.stats
        stats.set_value("feed/declared_count", result.declared_count)
        stats.set_value("feed/results", result.result_count)
        stats.set_value("feed/papers", len(result.papers))
        stats.set_value("feed/duplicates_merged", result.duplicates_merged)
        if result.count_mismatch:
            self.logger.warning(
                "feed declares count=%s but inlines %s results: the feed is partial",
                result.declared_count,
                result.result_count,
            )
            stats.set_value("feed/count_mismatch", 1)
        for problem in result.problems:
            yield self.reject(response.url, problem, status=response.status)
        for paper in result.papers:
            yield self.land(paper, response)
