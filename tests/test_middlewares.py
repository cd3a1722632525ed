"""BackoffRetryMiddleware and AuthTokenMiddleware, without a network."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate

import pytest
import scrapy
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from scrapers.middlewares import AuthTokenMiddleware, BackoffRetryMiddleware, backoff_seconds, retry_after_seconds


class _Spider(scrapy.Spider):
    name = "probe"


def _middleware(**settings):
    crawler = get_crawler(_Spider, settings_dict={"RETRY_TIMES": 2, "BACKOFF_BASE_SECONDS": 0.5, **settings})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return BackoffRetryMiddleware.from_crawler(crawler), crawler


@pytest.mark.parametrize(
    "value, expected",
    [(b"3", 3.0), ("0", 0.0), (None, None), (b"", None), (b"soon", None)],
)
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date():
    value = formatdate(time.time() + 30, usegmt=True)
    assert 28 <= retry_after_seconds(value) <= 31


def test_backoff_grows_and_is_capped():
    assert all(0.25 <= backoff_seconds(1, 0.5, 10) <= 0.5 for _ in range(50))
    assert all(backoff_seconds(10, 0.5, 10) <= 10 for _ in range(50))


def test_429_with_retry_after_schedules_a_delayed_retry_and_pauses_the_host():
    middleware, crawler = _middleware()
    request = scrapy.Request("https://api.example.org/notes?offset=0")
    response = Response(request.url, status=429, headers={"Retry-After": "7"}, request=request)
    retry = middleware.process_response(request, response)
    assert isinstance(retry, scrapy.Request) and retry.meta["retry_times"] == 1
    assert 6.5 <= retry.meta["backoff_until"] - time.time() <= 7.5
    assert middleware.paused_until["api.example.org"] >= retry.meta["backoff_until"] - 0.1
    assert crawler.stats.get_value("retry/retry_after_honoured") == 1


def test_retry_after_is_capped():
    middleware, _ = _middleware(RETRY_AFTER_MAX_SECONDS=5)
    request = scrapy.Request("https://x.example/a")
    retry = middleware.process_response(request, Response(request.url, status=503, headers={"Retry-After": "3600"}))
    assert retry.meta["backoff_until"] - time.time() <= 5.5


def test_gives_up_after_retry_times_and_returns_the_response():
    middleware, _ = _middleware()
    request = scrapy.Request("https://x.example/a", meta={"retry_times": 2})
    response = Response(request.url, status=503)
    assert middleware.process_response(request, response) is response


def test_success_passes_through():
    middleware, _ = _middleware()
    request = scrapy.Request("https://x.example/a")
    response = Response(request.url, status=200)
    assert middleware.process_response(request, response) is response


def test_process_request_waits_until_the_backoff_is_over():
    middleware, _ = _middleware()
    request = scrapy.Request("https://x.example/a", meta={"backoff_until": time.time() + 0.3})
    started = time.monotonic()
    asyncio.run(middleware.process_request(request))
    assert time.monotonic() - started >= 0.25


def test_token_header_only_when_asked_and_never_in_meta(monkeypatch):
    monkeypatch.setenv("OPENREVIEW_TOKEN", "secret-token-value")
    crawler = get_crawler(_Spider)
    middleware = AuthTokenMiddleware.from_crawler(crawler)
    asked = scrapy.Request("https://api.openreview.net/notes", meta={"openreview_auth": True})
    other = scrapy.Request("https://neurips.cc/feed.json")
    middleware.process_request(asked)
    middleware.process_request(other)
    assert asked.headers["Authorization"] == b"Bearer secret-token-value"
    assert b"Authorization" not in other.headers
    assert "secret-token-value" not in repr(asked.meta) + asked.url


def test_token_is_stripped_after_the_wire_and_never_sent_to_other_hosts(monkeypatch):
    monkeypatch.setenv("OPENREVIEW_TOKEN", "secret-token-value")
    middleware = AuthTokenMiddleware.from_crawler(get_crawler(_Spider))
    request = scrapy.Request("https://api.openreview.net/notes", meta={"openreview_auth": True})
    middleware.process_request(request)
    assert request.headers["Authorization"] == b"Bearer secret-token-value"
    middleware.process_response(request, Response(request.url, status=429))
    assert b"Authorization" not in request.headers  # a retry copy or the cache would otherwise keep it
    redirected = scrapy.Request("https://elsewhere.example/notes", meta={"openreview_auth": True})
    middleware.process_request(redirected)
    assert b"Authorization" not in redirected.headers


def test_no_token_no_header(monkeypatch):
    monkeypatch.delenv("OPENREVIEW_TOKEN", raising=False)
    middleware = AuthTokenMiddleware.from_crawler(get_crawler(_Spider))
    request = scrapy.Request("https://api.openreview.net/notes", meta={"openreview_auth": True})
    middleware.process_request(request)
    assert b"Authorization" not in request.headers
