"""The landing pipeline: every crawl writes one JSON Lines file, plus a rejects file and a manifest.

Landing files are the contract between crawling and loading. Each line carries the crawl id, source,
source URL, fetch time and the SHA-256 of the response body, so the warehouse can trace every value to
the bytes it came from. The crawl id lives in the spider's JOBDIR state: a resumed crawl appends to the
same file instead of starting a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from scrapers.crawl_outcome import crawl_problems
from scrapers.items import LandedRecord, RejectRecord
from scrapers.parsing.common import scrub_email_addresses

logger = logging.getLogger(__name__)


def new_crawl_id(source: str) -> str:
    """Sortable and unique: UTC time to the second, the source, and a random suffix."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{source}-{uuid.uuid4().hex[:8]}"


def _open_for_append(path: Path) -> IO[str]:
    """Open a JSON Lines file for appending, first cutting a partial last line left by a hard kill."""
    if path.is_file() and path.stat().st_size:
        with path.open("rb+") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 1))
            if handle.read(1) != b"\n":
                data = path.read_bytes()
                cut = data.rfind(b"\n") + 1
                handle.truncate(cut)
                logger.warning("cut a partial last line (%d bytes) from %s", size - cut, path)
    return path.open("a", encoding="utf-8")


def _landed_keys(path: Path) -> set[str]:
    """Record keys already in a crawl's landing file (empty for a new crawl)."""
    keys: set[str] = set()
    if path.is_file():  # never read a device or a fifo standing in for the file
        with path.open("rb") as handle:
            for raw in handle:
                try:
                    keys.add(json.loads(raw)["record_key"])
                except (ValueError, KeyError):
                    continue
    return keys


class LandingWriterPipeline:
    """Writes LandedRecord items to ``{LANDING_DIR}/{source}/{crawl_id}.jsonl`` and rejects beside it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.landing_dir = Path(crawler.settings.get("LANDING_DIR", "data/landing"))
        self.records: IO[str] | None = None
        self.rejects: IO[str] | None = None
        self.crawl_id = ""
        self.source = ""
        self.started_at = ""
        self.landed_keys: set[str] = set()
        self.write_failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.write_manifest, signal=signals.spider_closed)
        return pipeline

    @property
    def folder(self) -> Path:
        return self.landing_dir / self.source

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        self.source = spider.name
        state: dict[str, Any] = getattr(spider, "state", None) or {}
        self.crawl_id = state.get("crawl_id") or getattr(spider, "crawl_id", None) or new_crawl_id(spider.name)
        self.started_at = state.get("started_at") or datetime.now(UTC).isoformat()
        if hasattr(spider, "state"):
            spider.state["crawl_id"] = self.crawl_id
            spider.state["started_at"] = self.started_at
        spider.crawl_id = self.crawl_id
        self.folder.mkdir(parents=True, exist_ok=True)
        records_path = self.folder / f"{self.crawl_id}.jsonl"
        self.records = _open_for_append(records_path)
        self.landed_keys = _landed_keys(records_path)
        # A resumed crawl re-requests whatever is not landed yet; the spider reads this to skip the rest.
        spider.landed_keys = self.landed_keys
        if self.landed_keys:
            logger.info("resuming crawl %s: %d records already landed", self.crawl_id, len(self.landed_keys))
        self.rejects = _open_for_append(self.folder / f"{self.crawl_id}.rejects.jsonl")
        logger.info("landing crawl %s in %s", self.crawl_id, self.folder)

    def process_item(self, item: Any) -> Any:
        stats = self.crawler.stats
        now = datetime.now(UTC).isoformat()
        if isinstance(item, RejectRecord):
            assert self.rejects is not None
            line = {
                "crawl_id": self.crawl_id,
                "source": self.source,
                "url": item.url,
                "status": item.status,
                "reason": scrub_email_addresses(item.reason),
                "seen_at": now,
            }
            self._write(self.rejects, json.dumps(line, ensure_ascii=False) + "\n", f"reject {item.url}")
            if stats is not None:
                stats.inc_value("landing/rejects")
            logger.warning("rejected %s: %s", item.url, line["reason"])
            raise DropItem(f"rejected {item.url}: {line['reason']}")
        if not isinstance(item, LandedRecord):
            raise DropItem(f"not a landing record: {type(item).__name__}")
        assert self.records is not None
        record = item.record
        if record.record_key in self.landed_keys:
            if stats is not None:
                stats.inc_value("landing/duplicates_skipped")
            raise DropItem(f"already landed in this crawl: {record.record_key}")
        self.landed_keys.add(record.record_key)
        line = {
            "crawl_id": self.crawl_id,
            "source": self.source,
            "record_type": record.record_type,
            "record_key": record.record_key,
            "source_url": item.source_url,
            "fetched_at": now,
            "body_sha256": item.body_sha256,
            "data": record.to_dict(),
        }
        # Last line of defence: parsers reduce addresses to domains, but a title or name field can carry
        # one verbatim; nothing that looks like an address reaches a landing file.
        self._write(self.records, scrub_email_addresses(json.dumps(line, ensure_ascii=False)) + "\n",
                    record.record_key)
        if stats is not None:
            stats.inc_value(f"landing/{record.record_type}s")
        return item

    def _write(self, handle: IO[str], text: str, what: str) -> None:
        """Write and flush one line; a write error (disk full) is counted, and the crawl is stopped.

        Going on would request every remaining page only to drop what it parsed, and the records lost
        would show nowhere but the log. The manifest carries the count and ``talent crawl`` fails.
        """
        try:
            handle.write(text)
            handle.flush()
        except OSError as exc:
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value("landing/write_errors")
                stats.set_value("landing/write_error", f"{type(exc).__name__}: {exc.strerror or exc}")
            logger.error("could not land %s: %s", what, exc)
            if not self.write_failed:
                self.write_failed = True
                engine = self.crawler.engine
                if engine is not None:
                    deferred_from_coro(engine.close_spider_async(reason="landing_write_error"))
            raise DropItem(f"could not land {what}: {exc}") from exc

    def close_spider(self) -> None:
        for handle in (self.records, self.rejects):
            if handle is not None:
                try:
                    handle.close()
                except OSError as exc:  # the last buffered bytes could not be written either
                    logger.error("closing a landing file failed: %s", exc)

    def write_manifest(self, spider: Any, reason: str) -> None:
        """After the crawl: its id, finish reason, stats, the records file's size and hash, and its verdict.

        ``records_lines`` and ``records_sha256`` let the loader tell a file that lost lines after the crawl
        from a complete one; ``problems`` says why the crawl failed (``talent crawl`` exits non-zero).
        """
        if not self.crawl_id:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        stats = {key: value for key, value in stats.items() if isinstance(value, int | float | str)}
        records_path = self.folder / f"{self.crawl_id}.jsonl"
        lines, sha = _lines_and_sha256(records_path)
        problems = crawl_problems(self.source, reason, stats, lines)
        manifest = {
            "crawl_id": self.crawl_id,
            "source": self.source,
            "spider_args": getattr(spider, "arguments", {}),
            "started_at": self.started_at,
            "closed_at": datetime.now(UTC).isoformat(),
            "finish_reason": reason,
            "records_lines": lines,
            "records_sha256": sha,
            "outcome": "failed" if problems else "ok",
            "problems": problems,
            "stats": stats,
        }
        for problem in problems:
            logger.error("crawl %s failed: %s", self.crawl_id, problem)
        path = self.folder / f"{self.crawl_id}.manifest.json"
        tmp = path.with_suffix(".json.tmp")
        try:
            tmp.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            logger.error("could not write the manifest %s: %s", path, exc)
            tmp.unlink(missing_ok=True)


def _lines_and_sha256(path: Path) -> tuple[int, str | None]:
    """Non-empty lines and SHA-256 of a regular records file (0 and None when there is none)."""
    if not path.is_file():
        return 0, None
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as handle:
        for raw in handle:
            digest.update(raw)
            lines += bool(raw.strip())
    return lines, digest.hexdigest()
