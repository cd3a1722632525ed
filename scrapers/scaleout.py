"""Scale-out: several crawler processes (on one machine or many) share one Redis request queue and dupefilter.

Off unless ``SCALEOUT_REDIS_URL`` is set; scrapy-redis is imported only then, so a single-process crawl
(and the scrapyd egg) does not need it. Every worker of one crawl runs the same spider with the same
arguments and the same ``SCALEOUT_RUN_ID`` (the Redis keys are ``talent:<run>:<spider>:requests`` and
``…:dupefilter``), and its own ``crawl_id``, so each worker writes its own landing file and every record
lands exactly once across them: a request is popped by one worker only, and a URL is fetched once per
run. Keys persist after the crawl (a worker that finishes first must not flush the queue the others
still read); delete them, or use a new run id, to crawl again.

A worker whose queue is empty waits ``SCALEOUT_IDLE_CLOSE_SECONDS`` for other workers to push more
(a page being parsed elsewhere may yield hundreds of requests) before it closes.
"""

from __future__ import annotations

import time
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings

KEY_PREFIX = "talent"


def queue_keys(run_id: str) -> tuple[str, str]:
    """(request queue key, dupefilter key) templates for one run; scrapy-redis fills ``%(spider)s``."""
    base = f"{KEY_PREFIX}:{run_id}:%(spider)s"
    return f"{base}:requests", f"{base}:dupefilter"


class RedisScaleOut:
    """Scrapy add-on: switch the scheduler and dupefilter to scrapy-redis when SCALEOUT_REDIS_URL is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("SCALEOUT_REDIS_URL")
        if not url:
            return
        run_id = settings.get("SCALEOUT_RUN_ID")
        if not run_id:
            # Not NotConfigured: Scrapy would only warn and every worker would crawl everything alone.
            raise ValueError("SCALEOUT_REDIS_URL needs SCALEOUT_RUN_ID, the same for every worker of a crawl")
        if settings.get("JOBDIR"):
            raise ValueError("JOBDIR and SCALEOUT_REDIS_URL exclude each other: the queue lives in Redis")
        queue_key, dupefilter_key = queue_keys(str(run_id))
        for name, value in {
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "REDIS_URL": url,
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_KEY": queue_key,
            "SCHEDULER_DUPEFILTER_KEY": dupefilter_key,
        }.items():
            settings.set(name, value, "addon")
        settings["EXTENSIONS"]["scrapers.scaleout.SharedQueueIdle"] = 500


class SharedQueueIdle:
    """Keeps an idle worker open while other workers may still fill the shared queue."""

    def __init__(self, crawler: Crawler, close_after: float) -> None:
        self.crawler = crawler
        self.close_after = close_after
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("SCALEOUT_REDIS_URL"):
            raise NotConfigured("scale-out is off")
        extension = cls(crawler, crawler.settings.getfloat("SCALEOUT_IDLE_CLOSE_SECONDS", 30.0))
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        return extension

    def busy(self) -> None:
        self.idle_since = None

    def idle(self) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.close_after:
            raise DontCloseSpider
