"""Harvest accepted papers from the OpenReview API.

API v1 (2021–2022) lists submissions by invitation with offset/limit; API v2 (2023 on) lists notes by
``content.venueid`` with keyset pagination (``sort=id`` and ``after``). Rejected, withdrawn and
desk-rejected submissions are counted and excluded. An OpenReview token, when the environment has one,
is added by AuthTokenMiddleware and never stored.

``scrapy crawl openreview -a year=2022 [-a venue=NeurIPS.cc -a api=v1]``
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from scrapers.parsing.common import RECORD_ERRORS, ParseError, scrub_email_addresses
from scrapers.parsing.openreview import Excluded, note_to_paper, parse_notes_page
from scrapers.spiders.base import HarvestSpider, SpiderArgumentError

V2_FROM_YEAR = 2023


class OpenReviewSpider(HarvestSpider):
    name = "openreview"

    def __init__(
        self, venue: str = "NeurIPS.cc", api: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.venue = venue
        self.api = api or ("v2" if self.target.year >= V2_FROM_YEAR else "v1")
        if self.api not in ("v1", "v2"):
            raise SpiderArgumentError(f"api must be v1 or v2, got {api!r}")
        self._announced_notes = 0
        self._excluded_notes = 0

    @property
    def api_base(self) -> str:
        if self.api == "v2":
            return self.source_url("OPENREVIEW_API_V2_URL", "https://api2.openreview.net")
        return self.source_url("OPENREVIEW_API_V1_URL", "https://api.openreview.net")

    @property
    def page_size(self) -> int:
        return self.settings.getint("OPENREVIEW_PAGE_SIZE", 1000)

    def v1_invitations(self) -> list[str]:
        year = self.target.year
        return [
            f"{self.venue}/{year}/Conference/-/Blind_Submission",
            f"{self.venue}/{year}/Track/Datasets_and_Benchmarks/-/Submission",
        ]

    def v2_venueids(self) -> list[str]:
        year = self.target.year
        return [f"{self.venue}/{year}/Conference", f"{self.venue}/{year}/Datasets_and_Benchmarks_Track"]

    def _request(self, params: dict[str, Any], query: dict[str, Any]) -> scrapy.Request:
        url = f"{self.api_base}/notes?{urlencode(params)}"
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"query": query},
            meta={"openreview_auth": True},
            dont_filter=self.resuming,
        )

    def first_page(self, query: dict[str, Any]) -> scrapy.Request:
        if self.api == "v1":
            params = {"invitation": query["invitation"], "offset": 0, "limit": self.page_size}
        else:
            params = {"content.venueid": query["venueid"], "limit": self.page_size, "sort": "id"}
        return self._request(params, query)

    async def start(self) -> AsyncIterator[Any]:
        if self.api == "v1":
            queries = [{"invitation": invitation, "offset": 0} for invitation in self.v1_invitations()]
        else:
            queries = [{"venueid": venueid} for venueid in self.v2_venueids()]
        for query in queries:
            yield self.first_page(query)

    def parse_page(self, response: Response, query: dict[str, Any]):
        try:
            page = parse_notes_page(response.body)
        except ParseError as exc:
            yield self.reject(response.url, str(exc), status=response.status)
            return
        stats = self.crawler.stats
        stats.inc_value("openreview/notes_seen", len(page.notes))
        if page.count is not None and query.get("offset", 0) == 0 and "after" not in query:
            self._announced_notes += page.count  # each invitation's total, counted once
        # Schedule the next pages before reading the notes: a bad note must not cost the pages after it.
        if page.notes and self.api == "v1":
            yield from self._v1_remaining_pages(query, page.count, len(page.notes))
        elif page.notes:
            last_id = page.notes[-1].get("id") if isinstance(page.notes[-1], dict) else None
            if last_id:
                params = {"content.venueid": query["venueid"], "limit": self.page_size, "sort": "id", "after": last_id}
                yield self._request(params, {**query, "after": last_id})
            else:
                yield self.reject(response.url, "last note has no id: cannot ask for the next page")
        for index, note in enumerate(page.notes):
            try:
                result = note_to_paper(note, self.target.conference, self.venue, self.target.year)
            except RECORD_ERRORS as exc:
                yield self.reject(response.url, f"note {index}: {scrub_email_addresses(str(exc))}", response.status)
                continue
            if isinstance(result, Excluded):
                self._excluded_notes += 1
                stats.inc_value("openreview/excluded")
                stats.inc_value(f"openreview/excluded/{result.reason.split()[0]}")
                continue
            stats.inc_value("openreview/accepted")
            yield self.land(result, response)
        if self._announced_notes:
            # What a complete crawl lands: every announced note that is not excluded. Updated on each page, so
            # when pages are lost or cut short the crawl lands fewer records than this and fails loudly.
            self.announce(self._announced_notes - self._excluded_notes)

    def _v1_remaining_pages(self, query: dict[str, Any], count: int | None, page_length: int):
        """After the first page, schedule every remaining offset at once (the count is known), so a page
        that fails loses only itself — it is recorded as a reject — not all the pages after it."""
        if count is None:  # no total: walk page by page
            offset = query["offset"] + page_length
            params = {"invitation": query["invitation"], "offset": offset, "limit": self.page_size}
            yield self._request(params, {**query, "offset": offset})
            return
        if query["offset"] != 0:
            return
        # Step by what the server returned: it may cap a page below the limit we asked for.
        step = min(self.page_size, page_length)
        for offset in range(page_length, count, step):
            params = {"invitation": query["invitation"], "offset": offset, "limit": step}
            yield self._request(params, {**query, "offset": offset})
