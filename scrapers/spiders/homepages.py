"""Fetch researchers' homepages (and at most a few same-host about / bio / CV pages) and land the degrees
their owners state — not the pages.

Homepage URLs come from ``-a urls=…`` / ``-a urls_file=PATH`` (one a line) and/or
``-a profiles_landing=DIR`` (the ``homepage`` of every OpenReview profile landed there, and the researcher
URLs of ORCID records when the landing carries them). Politeness is the project's (robots.txt, identifying
User-Agent, one request per host at a time with a delay); this spider adds a per-request body cap
(``HOMEPAGES_MAX_BYTES`` → ``download_maxsize``), a redirect bound, HTML-only parsing, no credentials and
no off-host links. Each fetched page lands one record: the URL asked for and the URL answered, the
homepage it belongs to, the profile ids that list it, the statements the extractor found and the body's
SHA-256 and fetch time (added by the landing pipeline).

``scrapy crawl homepages -a profiles_landing=data/landing/openreview_profiles``
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import load_object

from scrapers.items import LandsAsIs
from scrapers.parsing.homepage import about_links, homepage_url, is_html
from scrapers.spiders.openreview_profiles import IdListSpider, landed_profiles, read_ids

HOMEPAGE, LINKED = "homepage", "linked"


@dataclass(slots=True)
class HomepageRecord(LandsAsIs):
    """The degrees one fetched page states, with where the page sits among its owner's pages."""

    page_url: str  # the URL answered (after redirects)
    requested_url: str
    homepage_url: str  # the profile's homepage this page was reached from
    role: str  # HOMEPAGE or LINKED (an about / bio / CV page of the same host)
    profile_ids: list[str] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    test_data: bool = False  # the page marks itself as fictional test data (the mirror's pages do)

    record_type = "homepage"

    @property
    def record_key(self) -> str:
        return self.page_url


def homepages_from_landing(folder: str) -> dict[str, list[str]]:
    """Homepage URL → profile ids (OpenReview ``homepage``; ORCID ``researcher_urls`` where landed)."""
    found: dict[str, list[str]] = {}
    for line, data in landed_profiles(folder):
        if not isinstance(data, dict):
            continue
        owner = str(data.get("profile_id") or data.get("orcid") or line.get("record_key") or "")
        values = [data.get("homepage"), *(data.get("researcher_urls") or [])]
        for value in values:
            url = homepage_url(value if isinstance(value, str) else None)
            if url:
                owners = found.setdefault(url, [])
                if owner and owner not in owners:
                    owners.append(owner)
    return found


DEFAULT_EXTRACTOR = "etl.education.homepage_extract.extract_page_statements"


class HomepagesSpider(IdListSpider):
    name = "homepages"
    normalise_id = staticmethod(homepage_url)
    invalid_id = "not an http(s) homepage URL without credentials"
    custom_settings = {
        "REDIRECT_MAX_TIMES": 3,  # http→https, a trailing slash, a moved site; more is a loop or a trap
        "HOMEPAGES_MAX_BYTES": 2 * 1024 * 1024,
        "HOMEPAGES_MAX_LINKS": 3,
        "METAREFRESH_ENABLED": False,
    }

    def __init__(self, urls: str | None = None, urls_file: str | None = None, profiles_landing: str | None = None,
                 **kwargs: Any) -> None:
        self.owners: dict[str, list[str]] = homepages_from_landing(profiles_landing) if profiles_landing else {}
        given = read_ids(urls, urls_file)
        joined = " ".join([*given, *self.owners]).strip() or None
        super().__init__(ids=joined, **kwargs)
        self.arguments.update({"urls_file": urls_file, "profiles_landing": profiles_landing})
        self.arguments.pop("ids_file", None)
        self._extractor: Callable[[str], list[dict[str, Any]]] | None = None

    @property
    def extractor(self) -> Callable[[str], list[dict[str, Any]]]:
        """Page HTML → degree statements. Named by the ``HOMEPAGES_EXTRACTOR`` setting and loaded by name:
        extraction needs the institution registry (the talent-tracker package), which a scrapyd egg of
        ``scrapers/`` alone does not carry, so a scrapyd host running this spider needs the package installed."""
        if self._extractor is None:
            self._extractor = load_object(self.settings.get("HOMEPAGES_EXTRACTOR", DEFAULT_EXTRACTOR))
        return self._extractor

    def _request(self, url: str, homepage: str, role: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"homepage": homepage, "role": role, "requested": url},
            meta={"download_maxsize": self.settings.getint("HOMEPAGES_MAX_BYTES")},
            headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"},
        )

    async def start(self) -> AsyncIterator[Any]:
        # Load the institution registry before the first request: loading it inside a callback would stall
        # the reactor for seconds while responses (and their timeouts) wait.
        self.extractor("<html></html>")
        pending = self.pending_ids()
        self.crawler.stats.set_value("homepages/requested", len(pending))
        for url in pending:
            yield self._request(url, url, HOMEPAGE)

    def parse_page(self, response: Response, homepage: str, role: str, requested: str):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if not isinstance(response, TextResponse) or not is_html(content_type):
            self.crawler.stats.inc_value("homepages/not_html")
            yield self.reject(response.url, f"not HTML ({content_type or 'no content type'})", status=response.status)
            return
        html = response.text
        statements = self.extractor(html)
        self.crawler.stats.inc_value(f"homepages/{role}_pages")
        if statements:
            self.crawler.stats.inc_value("homepages/pages_with_statements")
        record = HomepageRecord(
            page_url=response.url, requested_url=requested, homepage_url=homepage, role=role,
            profile_ids=list(self.owners.get(homepage, [])), statements=statements,
            test_data='name="test-data"' in html[:4000])
        yield self.land(record, response)  # type: ignore[arg-type]
        if role == HOMEPAGE:
            for link in about_links(html, response.url, self.settings.getint("HOMEPAGES_MAX_LINKS")):
                self.crawler.stats.inc_value("homepages/linked_requested")
                yield self._request(link, homepage, LINKED)
