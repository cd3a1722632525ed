"""Incremental re-crawls: with the HTTP cache on, every request revalidates instead of re-downloading.

Scrapy's RFC2616Policy treats a cached page without ``Cache-Control`` as fresh for 10% of its age since
``Last-Modified`` (the browser heuristic), so a re-crawl a few weeks later would trust its cache and
never ask the site. A seasonal crawl wants the opposite: ask every time, cheaply. Sending
``Cache-Control: max-age=0`` makes every cached page stale, so the policy adds ``If-None-Match`` /
``If-Modified-Since`` and an unchanged page costs a 304 with no body; a changed one comes back whole.

Switch on with ``-s HTTPCACHE_ENABLED=True -s HTTPCACHE_DIR=/var/cache/talent`` (``talent crawl --set …``);
``HTTPCACHE_REVALIDATE=False`` returns to the heuristic (fewer requests, possibly stale pages).
The cache's storage (``AddressFreeCacheStorage``) keeps no full e-mail address in any cached body.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Headers, Response

logger = logging.getLogger(__name__)


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


# ---------------------------------------------------------------------------------------------------
# Nothing we store keeps a full e-mail address: OpenReview author ids, affiliation fields and profile
# pages carry them. The cache keeps every body it fetched, so each address in a cached body is cut to a
# placeholder local part ("redacted@cs.example.edu"). The domain stays, so parsers that keep only
# domains read a cached body exactly as a fresh one; a body whose encoding we cannot read is not cached.

_ADDRESS = re.compile(rb"[\w.+%-]+@((?:[\w-]+\.)+[a-zA-Z]{2,})")
_PLACEHOLDER = b"redacted@"
_DECODERS = {b"gzip": gzip.decompress, b"x-gzip": gzip.decompress, b"deflate": zlib.decompress,
             b"identity": lambda body: body}


def scrub_addresses(body: bytes) -> bytes:
    """Every e-mail address in ``body`` with its local part replaced (the domain kept)."""
    if b"@" not in body:
        return body
    return _ADDRESS.sub(lambda match: _PLACEHOLDER + match.group(1), body)


def decoded_body(response: Response) -> bytes | None:
    """The body without Content-Encoding, or None when an encoding is not one we can decode."""
    body = response.body
    encodings = [e.strip().lower() for e in response.headers.getlist(b"Content-Encoding") for e in e.split(b",")]
    for encoding in reversed([e for e in encodings if e]):
        decoder = _DECODERS.get(encoding)
        if decoder is None:
            return None
        try:
            body = decoder(body)
        except (OSError, zlib.error, EOFError):
            return None
    return body


class AddressFreeCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache, storing bodies with every e-mail address reduced (see above)."""

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        body = decoded_body(response)
        if body is None:
            logger.warning("not caching %s: body encoding %s unreadable, could hold addresses", response.url,
                           response.headers.getlist(b"Content-Encoding"))
            return
        headers = response.headers.copy()
        headers.pop(b"Content-Encoding", None)
        headers.pop(b"Content-Length", None)
        super().store_response(spider, request.replace(headers=_scrubbed_headers(request.headers)),
                               response.replace(body=scrub_addresses(body), headers=_scrubbed_headers(headers)))


def _scrubbed_headers(headers: Headers) -> Headers:
    """Headers are stored too (a User-Agent with a mailto:, a From header): no address there either."""
    copy = headers.copy()
    for name in list(copy):
        copy.setlist(name, [scrub_addresses(value) for value in copy.getlist(name)])
    return copy
