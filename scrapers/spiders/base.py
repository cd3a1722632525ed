"""What every harvesting spider shares: validated arguments, landing and rejecting, error handling.

Spiders only navigate. They call pure parsers from ``scrapers.parsing`` and wrap each result as a
LandedRecord (with the body hash) or a RejectRecord (with URL and reason), so a malformed page is
recorded and the crawl goes on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scrapers.crawl_outcome import GENERIC_ANNOUNCED_STAT
from scrapers.items import LandedRecord, PaperRecord, ProfileRecord, RejectRecord

FIRST_YEAR, LAST_YEAR = 1987, 2100


class SpiderArgumentError(ValueError):
    """A spider argument that is missing or out of range; the message says which and why."""


@dataclass(frozen=True, slots=True)
class ConferenceYear:
    """The validated ``-a conference=… -a year=…`` arguments every harvesting spider takes."""

    conference: str
    year: int

    @classmethod
    def from_args(cls, conference: str | None, year: str | int | None, default_conference: str) -> ConferenceYear:
        name = (conference or default_conference).strip().lower()
        if not name.isalnum():
            raise SpiderArgumentError(f"conference must be letters and digits, got {conference!r}")
        try:
            value = int(str(year))
        except ValueError as exc:
            raise SpiderArgumentError(f"year must be a number, got {year!r}") from exc
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise SpiderArgumentError(f"year {value} is outside {FIRST_YEAR}–{LAST_YEAR}")
        return cls(conference=name, year=value)


def body_sha256(response: Response) -> str:
    return hashlib.sha256(response.body).hexdigest()


class HarvestSpider(scrapy.Spider):
    """Base class: subclasses implement ``start()`` and parse callbacks."""

    default_conference = "neurips"
    base_url: str | None = None  # ``-a base_url=…``: another host serving the same source (a mirror)

    def __init__(self, conference: str | None = None, year: str | None = None, base_url: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url
        self.target = ConferenceYear.from_args(conference, year, self.default_conference)
        self.arguments = {"conference": self.target.conference, "year": self.target.year, **kwargs}
        self.landed_keys: set[str] = set()  # filled by the landing pipeline when a crawl resumes

    @property
    def resuming(self) -> bool:
        """True when this run continues a crawl (JOBDIR state or records already landed).

        A resumed crawl re-issues its entry requests with ``dont_filter`` and re-requests every record
        not landed yet, so a crawl killed at any point (even SIGKILL, which loses Scrapy's in-flight
        requests) ends with everything; the landing pipeline drops what was landed before.
        """
        return bool(self.landed_keys) or bool(getattr(self, "state", {}).get("crawl_id"))

    def source_url(self, setting: str, default: str) -> str:
        """Where the source is read: ``-a base_url=…``, else the named setting, else the public site (no
        trailing slash)."""
        return (self.base_url or self.settings.get(setting, default)).rstrip("/")

    def record_key(self, paper_id: str) -> str:
        return f"{self.target.conference}/{self.target.year}/{paper_id}"

    def land(self, record: PaperRecord | ProfileRecord, response: Response) -> LandedRecord:
        """Wrap a parsed record with its provenance; one feed response can carry thousands of records,
        so the body hash is computed once per response."""
        cached = getattr(self, "_hashed_response", None)
        if cached is None or cached[0] is not response:
            cached = (response, body_sha256(response))
            self._hashed_response = cached
        return LandedRecord(record=record, source_url=response.url, body_sha256=cached[1])

    def announce(self, records: int) -> None:
        """Record how many records the source says it has (an API's total, an index's entries): a crawl
        that lands fewer fails (scrapers.crawl_outcome), so a truncated crawl never passes as complete."""
        self.crawler.stats.set_value(GENERIC_ANNOUNCED_STAT, int(records))

    def reject(self, url: str, reason: str, status: int | None = None) -> RejectRecord:
        self.crawler.stats.inc_value(f"rejects/{self.name}")
        return RejectRecord(url=url, reason=reason, status=status)

    def on_error(self, failure: Failure):
        """Errback: a request that failed after its retries becomes a reject, and the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            response = failure.value.response
            yield self.reject(request.url, f"HTTP {response.status}", status=response.status)
            return
        yield self.reject(request.url, f"{failure.type.__name__}: {failure.getErrorMessage()}")
