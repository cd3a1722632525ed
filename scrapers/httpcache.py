"""Incremental re-crawls: with the HTTP cache on, every request revalidates instead of re-downloading.

Scrapy's RFC2616Policy treats a cached page without ``Cache-Control`` as fresh for 10% of its age since
``Last-Modified`` (the browser heuristic), so a re-crawl a few weeks later would trust its cache and
never ask the site. A seasonal crawl wants the opposite: ask every time, cheaply. Sending
``Cache-Control: max-age=0`` makes every cached page stale, so the policy adds ``If-None-Match`` /
``If-Modified-Since`` and an unchanged page costs a 304 with no body; a changed one comes back whole.

Switch on with ``-s HTTPCACHE_ENABLED=True -s HTTPCACHE_DIR=/var/cache/talent`` (``talent crawl --set …``);
``HTTPCACHE_REVALIDATE=False`` returns to the heuristic (fewer requests, possibly stale pages).
"""

from __future__ import annotations

from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class RevalidateCachedMiddleware:
    """Adds ``Cache-Control: max-age=0`` to each request when the HTTP cache is on (runs just before it)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not (settings.getbool("HTTPCACHE_ENABLED") and settings.getbool("HTTPCACHE_REVALIDATE", True)):
            raise NotConfigured("HTTP cache off or revalidation disabled")
        return cls()

    def process_request(self, request: Request) -> None:
        request.headers.setdefault(b"Cache-Control", b"max-age=0")
