"""(Re)build staging, core tables and analyst views from the raw layer.

SQL models live in ``models/NNN_name.sql`` (one grain each, stated in its header) and run in order;
steps that need Python (fuzzy matching of presentation feeds to papers) run between them. The build is
a pure function of the raw tables, so it can be repeated at any time with the same result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

import duckdb
import pyarrow as pa

from etl.presentations import PaperRef, match_presentations

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class BuildReport:
    unmatched_feed: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    match_methods: dict[str, int] = field(default_factory=dict)


def _model_sql(name: str) -> str:
    return (resources.files("warehouse") / "models" / name).read_text(encoding="utf-8")


def model_names() -> list[str]:
    folder = resources.files("warehouse") / "models"
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))


def _links(value: object) -> tuple[str, ...]:
    import json

    if not value:
        return ()
    links = json.loads(value) if isinstance(value, str) else value
    return tuple(str(link) for link in links.values()) if isinstance(links, dict) else ()


def build_presentation_matches(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    """Table presentation_matches(conference, year, paper_id, feed_paper_id, method, score)."""
    primary = con.execute(
        """SELECT p.conference, p.year, p.paper_id, p.title, p.links
           FROM stg_paper_records p JOIN stg_primary_sources USING (conference, year, source)
           WHERE p.source <> 'neurips_virtual'"""
    ).fetchall()
    feed = con.execute(
        "SELECT conference, year, paper_id, title, links FROM stg_paper_records WHERE source = 'neurips_virtual'"
    ).fetchall()
    papers_by_year: dict[tuple[str, int], list[PaperRef]] = {}
    for conference, year, paper_id, title, links in primary:
        papers_by_year.setdefault((conference, year), []).append(PaperRef(paper_id, title or "", _links(links)))
    feed_by_year: dict[tuple[str, int], list[PaperRef]] = {}
    for conference, year, paper_id, title, links in feed:
        feed_by_year.setdefault((conference, year), []).append(PaperRef(paper_id, title or "", _links(links)))
    rows: list[tuple[str, int, str, str, str, float]] = []
    for key, entries in sorted(feed_by_year.items()):
        papers = papers_by_year.get(key)
        if not papers:
            continue
        matches, unmatched = match_presentations(papers, entries)
        rows.extend((key[0], key[1], m.paper_id, m.feed_paper_id, m.method, m.score) for m in matches)
        for match in matches:
            report.match_methods[match.method] = report.match_methods.get(match.method, 0) + 1
        if unmatched:
            report.unmatched_feed[key] = [entry.title for entry in unmatched]
            logger.warning("%s %s: %d feed papers matched no paper", key[0], key[1], len(unmatched))
    names = ["conference", "year", "paper_id", "feed_paper_id", "method", "score"]
    table = pa.table(
        {name: [row[i] for row in rows] for i, name in enumerate(names)},
        schema=pa.schema(
            [
                ("conference", pa.string()),
                ("year", pa.int32()),
                ("paper_id", pa.string()),
                ("feed_paper_id", pa.string()),
                ("method", pa.string()),
                ("score", pa.float64()),
            ]
        ),
    )
    con.register("incoming_matches", table)
    con.execute("CREATE OR REPLACE TABLE presentation_matches AS SELECT * FROM incoming_matches")
    con.unregister("incoming_matches")


PYTHON_STEPS: dict[str, Callable[[duckdb.DuckDBPyConnection, BuildReport], None]] = {
    # runs before the model whose file name is the key
    "030_core_papers.sql": build_presentation_matches,
}


def build(con: duckdb.DuckDBPyConnection) -> BuildReport:
    report = BuildReport()
    for name in model_names():
        step = PYTHON_STEPS.get(name)
        if step is not None:
            step(con, report)
        con.execute(_model_sql(name))
    return report
