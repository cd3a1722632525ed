"""Resumable crawls: the landing file is the ledger of what is done; JOBDIR keeps which crawl it was.

Scrapy's own JOBDIR resume trusts the pickled request queue, which is consistent only after a graceful
stop: after a SIGKILL (or power loss) the queue's index still describes the last clean close while its
chunk files have moved on, and the resumed crawl fails on every pop (``OSError: Invalid argument`` from
queuelib) and never finishes. Our spiders can re-derive every request instead (entry requests again,
then one request per record not yet in the landing file), so on resume this extension discards the
queue and the seen-fingerprints file and lets the spider rebuild them from the ledger. Nothing is lost
(whatever did not land is requested again) and nothing lands twice (the landing pipeline drops keys
already in the file).

It also records the crawl id in ``JOBDIR/crawl.json`` on the first run and resumes *that* crawl on every
later run with the same JOBDIR, so records keep landing in one file whatever ``-a crawl_id`` the
rerun was given. Loaded as an extension, i.e. before the scheduler opens the queue and before the
landing pipeline picks its file.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

from scrapers.pipelines import new_crawl_id

logger = logging.getLogger(__name__)

CRAWL_FILE = "crawl.json"
# What Scrapy's scheduler and dupefilter keep in JOBDIR; rebuilt from the landing file on resume.
REBUILT_ON_RESUME = ("requests.queue", "requests.seen")


class LandingLedgerResume:
    """Pins a JOBDIR to one crawl id and makes any rerun resume from the landing file."""

    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.crawler = crawler
        self.jobdir = jobdir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        jobdir = job_dir(crawler.settings)
        if not jobdir or crawler.spider is None:
            raise NotConfigured("no JOBDIR")
        extension = cls(crawler, Path(jobdir))
        extension.prepare()
        return extension

    def prepare(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        path = self.jobdir / CRAWL_FILE
        given = getattr(spider, "crawl_id", None)
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if given and given != saved["crawl_id"]:
                logger.warning(
                    "JOBDIR %s belongs to crawl %s: resuming it, not %s", self.jobdir, saved["crawl_id"], given
                )
            for name in REBUILT_ON_RESUME:
                target = self.jobdir / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
            logger.info(
                "resuming crawl %s from its landing file (request queue rebuilt, not replayed)", saved["crawl_id"]
            )
        else:
            saved = {"crawl_id": given or new_crawl_id(spider.name), "started_at": datetime.now(UTC).isoformat()}
            self.jobdir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(saved), encoding="utf-8")
            tmp.replace(path)
        spider.crawl_id = saved["crawl_id"]
        # Read by the landing pipeline when it opens (before Scrapy's SpiderState loads spider.state).
        spider.state = {"crawl_id": saved["crawl_id"], "started_at": saved["started_at"]}


def saved_crawl_id(jobdir: Path) -> str | None:
    """The crawl a JOBDIR belongs to, for launchers that must name its landing file before it runs."""
    path = Path(jobdir) / CRAWL_FILE
    return json.loads(path.read_text(encoding="utf-8"))["crawl_id"] if path.exists() else None
