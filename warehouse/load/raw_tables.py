"""Appending to the raw tables: record versions, rejects, and the lines refused on the way in.

Append-only and idempotent: a record version is keyed by source, key and a canonical content hash, so
re-loading a file adds nothing; a refused line is logged in ``raw_load_errors`` and, when quarantinable, kept
whole in ``raw_quarantine``. The caller (``warehouse.load.loader``) holds the transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.load.landing import REJECT_FIELDS, RefusedLine

logger = logging.getLogger("warehouse.load")

MAX_LINE_CHARS = 65_536  # of a refused line kept in raw_quarantine
# Loopback URLs carry the mirror's random port; hashing them as one logical host keeps a demo re-run from
# adding a new version of every record (the data itself keeps the URL as landed).
LOOPBACK_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")


def canonical_sha256(data: object) -> str:
    """Hash of a record's content that ignores key order, whitespace and the port of loopback URLs."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    text = LOOPBACK_URL.sub("http://loopback", text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _records_table(records: list[dict], loaded_at: datetime) -> pa.Table:
    return pa.table(
        {
            "crawl_id": [r["crawl_id"] for r in records],
            "source": [r["source"] for r in records],
            "record_type": [r["record_type"] for r in records],
            "record_key": [r["record_key"] for r in records],
            "content_sha256": [canonical_sha256(r["data"]) for r in records],
            "source_url": [r["source_url"] for r in records],
            "fetched_at": [r["fetched_at"] for r in records],
            "body_sha256": [r["body_sha256"] for r in records],
            "data": [json.dumps(r["data"], ensure_ascii=False) for r in records],
            "loaded_at": pa.array([loaded_at] * len(records), type=pa.timestamp("us", tz="UTC")),
        }
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Row count, read to the end: duckdb 2.x refuses to unregister a view while a result is unfinished."""
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608 - our table names


def insert_rejects(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> int:
    if not rows:
        return 0
    table = pa.table(
        {name: pa.array([row[i] for row in rows], type=pa.int64() if name == "status" else pa.string())
         for i, name in enumerate(REJECT_FIELDS)}
    )
    con.register("incoming_rejects", table)
    try:
        before = _count(con, "raw_rejects")
        con.execute(
            """INSERT INTO raw_rejects
               SELECT DISTINCT crawl_id, source, url, status::INTEGER, reason, seen_at::TIMESTAMPTZ
               FROM incoming_rejects i
               WHERE NOT EXISTS (SELECT 1 FROM raw_rejects r WHERE r.crawl_id = i.crawl_id AND r.url = i.url
                                 AND r.reason = i.reason AND r.seen_at = i.seen_at::TIMESTAMPTZ)"""
        )
        return _count(con, "raw_rejects") - before
    finally:
        con.unregister("incoming_rejects")


def record_refusals(con: duckdb.DuckDBPyConnection, file_name: str, refused: list[RefusedLine],
                     at: datetime) -> int:
    """Log each refused line in raw_load_errors and keep the quarantinable ones in raw_quarantine."""
    quarantined = 0
    for line in refused:
        logger.warning("%s line %d: %s", file_name, line.line_no, line.reason)
        con.execute("INSERT INTO raw_load_errors VALUES (?, ?, ?, ?)", [file_name, line.line_no, line.reason, at])
        if not line.quarantine:
            continue
        parsed = line.parsed or {}

        def text_of(name: str, parsed: dict = parsed) -> str | None:
            value = parsed.get(name)
            return value if isinstance(value, str) else None

        con.execute(
            "INSERT INTO raw_quarantine VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
            [file_name, line.line_no, text_of("crawl_id"), text_of("source"), text_of("record_key"),
             line.reason, line.text[:MAX_LINE_CHARS], at],
        )
        quarantined += 1
    return quarantined


def insert_records(con: duckdb.DuckDBPyConnection, records: list[dict], loaded_at: datetime) -> int:
    con.register("incoming_records", _records_table(records, loaded_at))
    try:
        before = _count(con, "raw_records")
        con.execute(
            """INSERT INTO raw_records (crawl_id, source, record_type, record_key, content_sha256,
                   source_url, fetched_at, body_sha256, data, loaded_at)
               SELECT crawl_id, source, record_type, record_key, content_sha256, source_url,
                      fetched_at::TIMESTAMPTZ, body_sha256, data::JSON, loaded_at
               FROM (SELECT *, row_number() OVER (PARTITION BY source, record_key, content_sha256
                                                  ORDER BY fetched_at) AS copy_no
                     FROM incoming_records) i
               WHERE copy_no = 1 AND NOT EXISTS (
                   SELECT 1 FROM raw_records r WHERE r.source = i.source
                     AND r.record_key = i.record_key AND r.content_sha256 = i.content_sha256)"""
        )
        added = _count(con, "raw_records") - before
        # The whole crawl file is read each time, so its newest line per record is the crawl's version:
        # a record re-fetched after a resume replaces the sighting of its older copy.
        con.execute(
            """INSERT INTO raw_record_sightings
               SELECT crawl_id, source, record_key, arg_max(content_sha256, fetched_at)
               FROM incoming_records
               GROUP BY crawl_id, source, record_key
               ON CONFLICT (crawl_id, source, record_key) DO UPDATE SET content_sha256 = excluded.content_sha256"""
        )
        return added
    finally:
        con.unregister("incoming_records")


