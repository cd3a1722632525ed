"""Harvest the proceedings site: the year index, then each paper's ``-Metadata.json``.

This is the one-request-per-paper path (institutions exist only per paper). When Metadata.json is
missing, broken or has no institutions, the paper page's ``citation_author`` tags give the authors.

``scrapy crawl neurips_proceedings -a year=2019 [-a base_url=https://proceedings.neurips.cc]``
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from scrapers.items import LandedRecord
from scrapers.parsing.common import RECORD_ERRORS, scrub_email_addresses
from scrapers.parsing.proceedings import (
    IndexEntry,
    has_institutions,
    metadata_url,
    parse_metadata_json,
    parse_paper_page,
    parse_year_index,
)
from scrapers.spiders.base import HarvestSpider


class NeuripsProceedingsSpider(HarvestSpider):
    name = "neurips_proceedings"

    def index_url(self) -> str:
        base = self.source_url("PROCEEDINGS_BASE_URL", "https://proceedings.neurips.cc")
        return f"{base}/paper_files/paper/{self.target.year}"

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(
            self.index_url(), callback=self.parse_index, errback=self.on_error, dont_filter=self.resuming
        )

    def parse_index(self, response: Response):
        entries = parse_year_index(response.text, response.url)
        self.crawler.stats.set_value("proceedings/index_entries", len(entries))
        if not entries:
            yield self.reject(response.url, "year index lists no papers", status=response.status)
            return
        resuming = self.resuming
        for entry in entries:
            if self.record_key(entry.paper_hash) in self.landed_keys:
                continue
            yield scrapy.Request(
                metadata_url(entry.abstract_url),
                callback=self.parse_metadata,
                errback=self.metadata_failed,
                cb_kwargs={"entry": entry},
                dont_filter=resuming,
            )

    def parse_metadata(self, response: Response, entry: IndexEntry):
        try:
            paper = parse_metadata_json(response.body, entry, self.target.conference, self.target.year)
        except RECORD_ERRORS as exc:
            self.crawler.stats.inc_value("proceedings/metadata_unreadable")
            yield self.reject(response.url, scrub_email_addresses(str(exc)), status=response.status)
            yield self._paper_page_request(entry, reason="metadata unreadable")
            return
        if not has_institutions(paper):
            self.crawler.stats.inc_value("proceedings/metadata_without_institutions")
            # The metadata record travels with the fallback: if the page fails too, it still lands.
            yield self._paper_page_request(
                entry, reason="metadata has no institutions", fallback=self.land(paper, response)
            )
            return
        yield self.land(paper, response)

    def metadata_failed(self, failure: Failure):
        entry: IndexEntry = failure.request.cb_kwargs["entry"]  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("proceedings/metadata_failed")
        yield from self.on_error(failure)
        yield self._paper_page_request(entry, reason="metadata request failed")

    def _paper_page_request(
        self, entry: IndexEntry, reason: str, fallback: LandedRecord | None = None
    ) -> scrapy.Request:
        self.logger.info("falling back to the paper page for %s (%s)", entry.paper_hash, reason)
        self.crawler.stats.inc_value("proceedings/paper_page_fallbacks")
        return scrapy.Request(
            entry.abstract_url,
            callback=self.parse_paper_page,
            errback=self.paper_page_failed,
            cb_kwargs={"entry": entry, "fallback": fallback},
            dont_filter=self.resuming,
        )

    def paper_page_failed(self, failure: Failure):
        yield from self.on_error(failure)
        fallback = failure.request.cb_kwargs.get("fallback")  # type: ignore[attr-defined]
        if fallback is not None:
            yield fallback

    def parse_paper_page(self, response: Response, entry: IndexEntry, fallback: LandedRecord | None = None):
        try:
            paper = parse_paper_page(response.text, entry, self.target.conference, self.target.year)
        except RECORD_ERRORS as exc:
            yield self.reject(response.url, scrub_email_addresses(str(exc)), status=response.status)
            if fallback is not None:
                yield fallback
            return
        if not paper.authors and fallback is not None:
            yield fallback
            return
        if not paper.authors:
            self.logger.warning("paper %s lists no authors on its page or in its metadata", response.url)
            self.crawler.stats.inc_value("proceedings/papers_without_authors")
        yield self.land(paper, response)
