"""Harvest ORCID v3.0 educations and employments for a list of ORCID iDs.

ORCID has no listing endpoint: iDs come from ``-a ids=…``, ``-a ids_file=PATH`` (one a line) and/or
``-a profiles_landing=DIR`` (the ``orcid`` links of OpenReview profiles landed there). By default one
``GET /v3.0/{orcid}/record`` per person carries both sections (one request instead of two);
``-a sections=educations,employments`` fetches the two section endpoints instead. The base URL is the
``ORCID_API_URL`` setting (default https://pub.orcid.org). A 404 lands a record marked missing, so an
iD that no longer resolves is counted rather than lost.

``scrapy crawl orcid -a profiles_landing=data/landing/openreview_profiles``
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

from scrapers.items import ProfileRecord
from scrapers.parsing.common import ParseError
from scrapers.parsing.orcid import SECTIONS, parse_orcid_record, parse_orcid_section
from scrapers.parsing.profiles import STATUS_FOUND, STATUS_MISSING, absent_profile_data, normalise_orcid
from scrapers.spiders.base import SpiderArgumentError
from scrapers.spiders.openreview_profiles import IdListSpider, landed_profiles

DEFAULT_ORCID_API_URL = "https://pub.orcid.org"


def orcids_from_landing(folder: str) -> list[str]:
    """ORCID iDs found in landed OpenReview profile records (every ``*.jsonl`` under ``folder``)."""
    found: list[str] = []
    for _line, data in landed_profiles(folder):
        orcid = normalise_orcid(data.get("orcid")) if isinstance(data, dict) else None
        if orcid:
            found.append(orcid)
    return list(dict.fromkeys(found))


class OrcidSpider(IdListSpider):
    name = "orcid"
    normalise_id = staticmethod(normalise_orcid)
    invalid_id = "not a valid ORCID iD (format or check digit)"

    def __init__(
        self,
        profiles_landing: str | None = None,
        sections: str = "record",
        base_url: str | None = None,
        ids: str | None = None,
        **kwargs: Any,
    ) -> None:
        extra = orcids_from_landing(profiles_landing) if profiles_landing else []
        joined = " ".join([ids or "", *extra]).strip() or None
        super().__init__(ids=joined, **kwargs)
        self.arguments["profiles_landing"] = profiles_landing
        wanted = tuple(part.strip() for part in sections.split(",") if part.strip())
        if wanted != ("record",) and not set(wanted) <= set(SECTIONS):
            raise SpiderArgumentError(f"sections must be 'record' or a subset of {SECTIONS}, got {sections!r}")
        self.sections = wanted
        self.base_url = base_url

    @property
    def api_base(self) -> str:
        return self.source_url("ORCID_API_URL", DEFAULT_ORCID_API_URL)

    def _request(self, orcid: str, endpoint: str, partial: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(
            f"{self.api_base}/v3.0/{orcid}/{endpoint}",
            headers={"Accept": "application/json"},
            callback=self.parse_response,
            errback=self.on_error,
            cb_kwargs={"orcid": orcid, "endpoint": endpoint, "partial": partial},
            meta={"handle_httpstatus_list": [404]},
            dont_filter=True,
        )

    async def start(self) -> AsyncIterator[Any]:
        pending = self.pending_ids()
        self.crawler.stats.set_value("orcid/requested", len(pending))
        for orcid in pending:
            yield self._request(orcid, self.sections[0], {})

    def parse_response(self, response: Response, orcid: str, endpoint: str, partial: dict[str, Any]):
        if response.status == 404:
            self.crawler.stats.inc_value("orcid/missing")
            data = absent_profile_data(orcid, STATUS_MISSING, f"HTTP 404 for /{endpoint}")
            yield self.land(ProfileRecord(orcid, data, hidden=True), response)
            return
        try:
            if endpoint == "record":
                data = parse_orcid_record(response.body, orcid)
            else:
                data = {
                    "status": STATUS_FOUND,
                    "orcid": orcid,
                    "name": None,
                    **partial,
                    endpoint: parse_orcid_section(response.body, endpoint),
                }
        except ParseError as exc:
            yield self.reject(response.url, str(exc), status=response.status)
            return
        if endpoint != "record":
            remaining = [section for section in self.sections if section not in data]
            if remaining:
                yield self._request(orcid, remaining[0], data)
                return
        self.crawler.stats.inc_value("orcid/found")
        yield self.land(ProfileRecord(orcid, data), response)
