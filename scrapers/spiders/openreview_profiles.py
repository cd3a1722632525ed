"""Harvest OpenReview profiles for a list of profile ids, batched.

Ids come from ``-a ids_file=PATH`` (one ``~Id`` per line; ``#`` comments and blanks allowed; the
orchestration writes it from ``SELECT DISTINCT author_source_id FROM authorships WHERE
author_source_id LIKE '~%'``) and/or ``-a ids=~A,~B``. Ids go out in ``POST /profiles/search``
batches (``-a batch_size``, default 500: one request per 500 people instead of 500). A requested id
that no returned profile claims — an old username the search does not echo, a hidden or a missing
profile — is then looked up alone with ``GET /profiles?id=``, whose answer is unambiguous: a profile
(landed under the id we asked for), a 403 (hidden) or nothing (missing). Every requested id therefore
lands exactly one record, so absent profiles are counted, not lost.

``scrapy crawl openreview_profiles -a ids_file=data/profile_ids.txt``
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from scrapers.items import ProfileRecord
from scrapers.parsing.common import ParseError
from scrapers.parsing.profiles import (
    STATUS_HIDDEN,
    STATUS_MISSING,
    absent_profile_data,
    match_requested,
    parse_profiles_page,
    profile_data,
)
from scrapers.spiders.base import HarvestSpider, SpiderArgumentError

MAX_BATCH = 1000


def read_ids(ids: str | None, ids_file: str | None) -> list[str]:
    """Ids from ``ids`` (comma/space separated) and ``ids_file`` (one a line), first occurrence order."""
    values: list[str] = []
    if ids:
        values += ids.replace(",", " ").split()
    if ids_file:
        path = Path(ids_file)
        if not path.is_file():
            raise SpiderArgumentError(f"ids_file {ids_file!r} does not exist")
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                values.append(line)
    return list(dict.fromkeys(values))


def landed_profiles(folder: str) -> Iterator[tuple[dict[str, Any], Any]]:
    """(landing line, the profile's data) for each record landed under ``folder`` (``-a profiles_landing``):
    every ``*.jsonl`` but rejects files, in path order; lines that are not landed records are passed over."""
    root = Path(folder)
    if not root.is_dir():
        raise SpiderArgumentError(f"profiles_landing {folder!r} is not a folder")
    for path in sorted(root.rglob("*.jsonl")):
        if path.name.endswith(".rejects.jsonl"):
            continue
        with path.open("rb") as handle:
            for raw in handle:
                try:
                    line = json.loads(raw)
                    data = line["data"]["data"]
                except (ValueError, KeyError, TypeError):
                    continue
                yield line, data


class IdListSpider(HarvestSpider):
    """A harvesting spider driven by a list of ids rather than a conference-year.

    Profiles belong to people, not to a conference-year, so the ConferenceYear validation of
    HarvestSpider is skipped; ``conference``/``year`` are accepted (orchestration passes them) and only
    recorded. Landing, rejects and resume behaviour are HarvestSpider's. A subclass names how an id is
    normalised (``normalise_id``, None for an invalid one) and what an invalid one is (``invalid_id``).
    """

    normalise_id: Callable[[str], str | None] = staticmethod(lambda value: value)
    invalid_id = "not a valid id"

    def __init__(
        self,
        ids: str | None = None,
        ids_file: str | None = None,
        conference: str | None = None,
        year: str | None = None,
        **kwargs: Any,
    ) -> None:
        scrapy.Spider.__init__(self, **kwargs)
        self.ids = [self.validate_id(value) for value in read_ids(ids, ids_file)]
        if not self.ids:
            raise SpiderArgumentError(f"{self.name}: give ids with -a ids=… or -a ids_file=PATH")
        self.arguments = {
            "ids_file": ids_file,
            "n_ids": len(self.ids),
            "conference": conference,
            "year": year,
            **{key: value for key, value in kwargs.items() if key != "crawl_id"},
        }
        self.landed_keys: set[str] = set()

    def validate_id(self, value: str) -> str:
        normalised = self.normalise_id(value)
        if normalised is None:
            raise SpiderArgumentError(f"{self.invalid_id}: {value!r}")
        return normalised

    def pending_ids(self) -> list[str]:
        """Ids not landed yet (all of them, unless this run resumes a crawl)."""
        return [value for value in self.ids if value not in self.landed_keys]


class OpenReviewProfilesSpider(IdListSpider):
    name = "openreview_profiles"

    def __init__(self, batch_size: str | int = 500, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            self.batch_size = int(batch_size)
        except ValueError as exc:
            raise SpiderArgumentError(f"batch_size must be a number, got {batch_size!r}") from exc
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise SpiderArgumentError(f"batch_size {self.batch_size} is outside 1–{MAX_BATCH}")
        self.base_url = base_url

    def validate_id(self, value: str) -> str:
        if not value.startswith("~") or len(value) < 3:
            raise SpiderArgumentError(f"profile id must look like ~First_Last1, got {value!r}")
        return value

    @property
    def api_base(self) -> str:
        return self.source_url("OPENREVIEW_API_V1_URL", "https://api.openreview.net")

    async def start(self) -> AsyncIterator[Any]:
        pending = self.pending_ids()
        self.crawler.stats.set_value("profiles/requested", len(pending))
        for first in range(0, len(pending), self.batch_size):
            batch = pending[first : first + self.batch_size]
            yield scrapy.Request(
                f"{self.api_base}/profiles/search",
                method="POST",
                body=json.dumps({"ids": batch}),
                headers={"Content-Type": "application/json"},
                callback=self.parse_batch,
                errback=self.on_error,
                cb_kwargs={"batch": batch},
                meta={"openreview_auth": True},
                dont_filter=True,
            )

    def single_request(self, profile_id: str) -> scrapy.Request:
        return scrapy.Request(
            f"{self.api_base}/profiles?{urlencode({'id': profile_id})}",
            callback=self.parse_single,
            errback=self.on_error,
            cb_kwargs={"profile_id": profile_id},
            meta={"openreview_auth": True, "handle_httpstatus_list": [403, 404]},
            dont_filter=True,
        )

    def _land_found(self, profile: dict[str, Any], requested: str, response: Response):
        try:
            data = profile_data(profile, requested)
        except ParseError as exc:
            return self.reject(response.url, str(exc), status=response.status)
        self.crawler.stats.inc_value("profiles/found")
        if data["profile_id"] != requested:
            self.crawler.stats.inc_value("profiles/found_under_other_id")
        return self.land(ProfileRecord(requested, data), response)

    def _land_absent(self, requested: str, status: str, reason: str, response: Response):
        self.crawler.stats.inc_value(f"profiles/{status}")
        return self.land(
            ProfileRecord(requested, absent_profile_data(requested, status, reason), hidden=True), response
        )

    def parse_batch(self, response: Response, batch: list[str]):
        try:
            page = parse_profiles_page(response.body)
        except ParseError as exc:
            yield self.reject(response.url, str(exc), status=response.status)
            return
        matched, unmatched = match_requested(page.profiles, batch)
        for requested, profile in matched.items():
            yield self._land_found(profile, requested, response)
        self.crawler.stats.inc_value("profiles/looked_up_alone", len(unmatched))
        for requested in unmatched:
            yield self.single_request(requested)

    def parse_single(self, response: Response, profile_id: str):
        if response.status == 403:
            yield self._land_absent(profile_id, STATUS_HIDDEN, "HTTP 403: hidden from this reader", response)
            return
        if response.status == 404:
            yield self._land_absent(profile_id, STATUS_MISSING, "HTTP 404: no such profile", response)
            return
        try:
            page = parse_profiles_page(response.body)
        except ParseError as exc:
            yield self.reject(response.url, str(exc), status=response.status)
            return
        if not page.profiles:
            yield self._land_absent(profile_id, STATUS_MISSING, "no profile returned for this id", response)
            return
        yield self._land_found(page.profiles[0], profile_id, response)
