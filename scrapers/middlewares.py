"""Downloader middlewares: polite retries that honour ``Retry-After``, and the OpenReview token.

Scrapy's own RetryMiddleware retries 429/503 at once; a rate-limited API then answers 429 again and the
crawl burns its retries. Here a retry waits for the server's ``Retry-After`` (seconds or an HTTP date),
or an exponential backoff when there is none, and the whole host pauses meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from email.utils import parsedate_to_datetime
from typing import Self
from urllib.parse import urlparse

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value, or None when it is absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Full-jitter exponential backoff for attempt 1, 2, … (AWS architecture blog's recipe)."""
    return random.uniform(base / 2, min(cap, base * 2 ** (attempt - 1)))


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry failed requests after ``Retry-After`` or an exponential backoff, pausing the host meanwhile."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        settings = crawler.settings
        self.base = settings.getfloat("BACKOFF_BASE_SECONDS", 1.0)
        self.cap = settings.getfloat("BACKOFF_MAX_SECONDS", 120.0)
        self.retry_after_cap = settings.getfloat("RETRY_AFTER_MAX_SECONDS", 600.0)
        self.paused_until: dict[str, float] = {}
        self.exception_retries = settings.getint("RETRY_TIMES_ON_EXCEPTION", 2)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        """Hold a request until its backoff and its host's pause are over."""
        host = urlparse(request.url).netloc
        wait = (
            max(
                request.meta.get("backoff_until", 0.0),
                self.paused_until.get(host, 0.0),
            )
            - time.time()
        )
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        stats = self.crawler.stats
        if delay is not None:
            delay = min(delay, self.retry_after_cap)
            if stats is not None:
                stats.inc_value("retry/retry_after_honoured")
        else:
            delay = backoff_seconds(request.meta.get("retry_times", 0) + 1, self.base, self.cap)
        retry = self._retry_later(request, response_status_message(response.status), delay)
        if retry is None:
            return response
        host = urlparse(request.url).netloc
        if response.status == 429:
            self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.time() + delay)
        logger.info("HTTP %s from %s: retrying in %.1f s", response.status, request.url, delay)
        return retry

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        attempt = request.meta.get("retry_times", 0) + 1
        if attempt > request.meta.get("max_retry_times", self.exception_retries):
            logger.warning("%s failed %d time(s), giving up: %s", request.url, attempt, exception)
            return None
        delay = backoff_seconds(attempt, self.base, self.cap)
        logger.warning("%s failed (%s): retry %d in %.1f s", request.url, exception, attempt, delay)
        return self._retry_later(request, exception, delay)

    def _retry_later(self, request: Request, reason: object, delay: float) -> Request | None:
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            reason=reason,  # type: ignore[arg-type]
            spider=self.crawler.spider,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
        )
        if retry is not None:
            retry.meta["backoff_until"] = time.time() + delay
        return retry


class AuthTokenMiddleware:
    """Adds ``Authorization: Bearer`` to requests for the OpenReview API hosts that ask for it.

    The token comes from the environment variable named by OPENREVIEW_TOKEN_ENV. It sits on a request
    only while it is on the wire: this middleware runs after the HTTP cache (order above 900) and strips
    the header again from every response and failure, so neither retried copies (pickled into JOBDIR)
    nor cached request headers hold it. It is only ever sent to the configured OpenReview API hosts,
    so a redirect to another host cannot carry it away.
    """

    def __init__(self, env_name: str, hosts: set[str]) -> None:
        self.token = os.environ.get(env_name) or None
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        hosts = {
            urlparse(settings.get(name, default)).netloc
            for name, default in (
                ("OPENREVIEW_API_V1_URL", "https://api.openreview.net"),
                ("OPENREVIEW_API_V2_URL", "https://api2.openreview.net"),
            )
        }
        return cls(settings.get("OPENREVIEW_TOKEN_ENV", "OPENREVIEW_TOKEN"), hosts)

    def process_request(self, request: Request) -> None:
        if not (self.token and request.meta.get("openreview_auth")):
            return
        if urlparse(request.url).netloc in self.hosts:
            request.headers["Authorization"] = f"Bearer {self.token}"
        else:
            request.headers.pop(b"Authorization", None)

    def process_response(self, request: Request, response: Response) -> Response:
        request.headers.pop(b"Authorization", None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        request.headers.pop(b"Authorization", None)
