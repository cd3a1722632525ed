"""presentation_matches — grain: one row per (conference, year, paper_id) matched to a feed entry.

Also presentation_unmatched: feed entries that match no paper of the primary source (e.g. 2020's
test-of-time oral, a 2011 paper), kept so analysts can see what the tier counts leave out. Python because
the matching (ids, titles, author lists) is ``etl.presentations.match_presentations``.
"""

from __future__ import annotations

import json
import logging

import duckdb
import pyarrow as pa

from etl.presentations import PaperRef, match_presentations
from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext

logger = logging.getLogger(__name__)

MATCH_SCHEMA = pa.schema(
    [
        ("conference", pa.string()),
        ("year", pa.int32()),
        ("paper_id", pa.string()),
        ("feed_paper_id", pa.string()),
        ("method", pa.string()),
        ("score", pa.float64()),
    ]
)
UNMATCHED_SCHEMA = pa.schema(
    [("conference", pa.string()), ("year", pa.int32()), ("feed_paper_id", pa.string()), ("title", pa.string())]
)


def _links(value: object) -> tuple[str, ...]:
    if not value:
        return ()
    links = json.loads(value) if isinstance(value, str) else value
    return tuple(str(link) for link in links.values()) if isinstance(links, dict) else ()


def _refs(rows: list[tuple]) -> dict[tuple[str, int], list[PaperRef]]:
    grouped: dict[tuple[str, int], list[PaperRef]] = {}
    for conference, year, paper_id, title, links, authors in rows:
        grouped.setdefault((conference, year), []).append(
            PaperRef(paper_id, title or "", _links(links), tuple(authors or ()))
        )
    return grouped


def _write_rows(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple], schema: pa.Schema) -> None:
    table = pa.table({field.name: [row[i] for row in rows] for i, field in enumerate(schema)}, schema=schema)
    replace_table(con, name, table)


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    primary = _refs(
        con.execute(
            """SELECT p.conference, p.year, p.paper_id, p.title, p.links, [a.name FOR a IN p.authors]
               FROM stg_paper_records p JOIN stg_primary_sources USING (conference, year, source)
               WHERE p.source <> 'neurips_virtual'"""
        ).fetchall()
    )
    feed = _refs(
        con.execute(
            "SELECT conference, year, paper_id, title, links, [a.name FOR a IN authors] FROM stg_paper_records "
            "WHERE source = 'neurips_virtual'"
        ).fetchall()
    )
    matched: list[tuple] = []
    unmatched: list[tuple] = []
    for key, entries in sorted(feed.items()):
        papers = primary.get(key)
        if not papers:
            continue
        matches, left = match_presentations(papers, entries)
        matched.extend((key[0], key[1], m.paper_id, m.feed_paper_id, m.method, m.score) for m in matches)
        unmatched.extend((key[0], key[1], entry.paper_id, entry.title) for entry in left)
        for match in matches:
            report.match_methods[match.method] = report.match_methods.get(match.method, 0) + 1
        if left:
            report.unmatched_feed[key] = [entry.title for entry in left]
            logger.info("%s %s: %d feed papers matched no paper", key[0], key[1], len(left))
    _write_rows(con, "presentation_matches", matched, MATCH_SCHEMA)
    _write_rows(con, "presentation_unmatched_keys", unmatched, UNMATCHED_SCHEMA)
    con.execute(
        """CREATE OR REPLACE TABLE presentation_unmatched AS
           SELECT u.conference, u.year, u.feed_paper_id, u.title, f.tier, f.links
           FROM presentation_unmatched_keys u
           JOIN stg_paper_records f ON f.source = 'neurips_virtual' AND f.conference = u.conference
                AND f.year = u.year AND f.paper_id = u.feed_paper_id;
           DROP TABLE presentation_unmatched_keys;"""
    )
