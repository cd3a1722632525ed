"""What the report reads: which conference-years are complete, the minimum n, and small query helpers.

Why "complete" and not ``max(year)``: one stray record of a later year (a truncated crawl, a record of 2023
landed by a 2022 crawl, a hand-loaded test file) would otherwise make that year "the latest" and every figure
would describe a handful of persons. A conference-year is complete when

1. its primary source (``stg_primary_sources``: the highest-priority source holding at least 97% of the fullest
   source's papers) has all its papers in ``core_papers`` (the build took them all);
2. a crawl of that source *for that conference-year* closed normally (``raw_crawls.manifest``: spider
   arguments naming the conference and year, ``finish_reason`` finished, outcome not failed); and
3. it holds at least half the papers of the conference's median conference-year (a conference does not shrink
   by half from one year to the next; a stray year of a few records does not pass).

Without those tables (a warehouse built from talent records alone, as in tests) every conference-year of
``study_population`` counts, and :func:`conference_years` says so in its ``rule`` text.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import duckdb

from warehouse.estimates import Interval, min_n, wilson_interval
from warehouse.sql import table_exists

TRACK = "main"  # the track every figure shows; the all-tracks n is printed beside it


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def has_study_views(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "study_outside_origin")


def study_min_n(con: duckdb.DuckDBPyConnection) -> int:
    """The minimum n this warehouse was built with (``study_settings``), else the current setting."""
    if table_exists(con, "study_settings"):
        rows = con.execute("SELECT value FROM study_settings WHERE name = 'min_n'").fetchall()
        if rows:
            return int(rows[0][0])
    return min_n()


def wilson(k: int | None, n: int | None) -> Interval:
    """Wilson 95% interval of k of n persons (no persons: every field None)."""
    return wilson_interval(int(k or 0), int(n or 0))


@dataclass(slots=True)
class ConferenceYears:
    """Conference-years of the study, the complete ones, and why the others are left out."""

    all: list[tuple[str, int]]
    complete: list[tuple[str, int]]
    excluded: dict[tuple[str, int], str] = field(default_factory=dict)
    rule: str = ""

    @property
    def latest(self) -> tuple[str, int] | None:
        """The latest complete conference-year (by year, then conference name)."""
        return max(self.complete, key=lambda cy: (cy[1], cy[0])) if self.complete else None


COMPLETENESS_SQL = """
WITH core AS (SELECT conference, year, count(*) AS in_core FROM core_papers GROUP BY ALL),
crawls AS (
    SELECT DISTINCT source, lower(manifest -> 'spider_args' ->> 'conference') AS conference,
           TRY_CAST(manifest -> 'spider_args' ->> 'year' AS INTEGER) AS year
    FROM raw_crawls
    WHERE manifest IS NOT NULL AND manifest ->> 'finish_reason' = 'finished'
      AND coalesce(manifest ->> 'outcome', 'ok') <> 'failed'
)
SELECT s.conference, s.year, s.source, s.papers, coalesce(c.in_core, 0) AS in_core,
       EXISTS (SELECT 1 FROM crawls k WHERE k.source = s.source AND k.year = s.year
               AND coalesce(k.conference, s.conference) = s.conference) AS crawl_closed
FROM stg_primary_sources s LEFT JOIN core c USING (conference, year)
ORDER BY s.conference, s.year
"""


def conference_years(con: duckdb.DuckDBPyConnection) -> ConferenceYears:
    every = [tuple(r) for r in con.execute(
        "SELECT DISTINCT conference, year FROM study_population ORDER BY conference, year").fetchall()]
    if not all(table_exists(con, name) for name in ("stg_primary_sources", "core_papers", "raw_crawls")):
        return ConferenceYears(every, list(every), {}, "every conference-year with persons (this warehouse has "
                                                       "no primary-source tables to check completeness)")
    facts = {(r["conference"], r["year"]): r for r in rows_of(con, COMPLETENESS_SQL)}
    medians = {conf: statistics.median(r["papers"] for (c, _), r in facts.items() if c == conf)
               for conf in {c for c, _ in facts}}
    complete, excluded = [], {}
    for key in every:
        fact = facts.get(key)
        if fact is None:
            excluded[key] = "no primary source"
        elif fact["in_core"] != fact["papers"]:
            excluded[key] = f"{fact['in_core']} of the primary source's {fact['papers']} papers built"
        elif not fact["crawl_closed"]:
            excluded[key] = f"no finished {fact['source']} crawl for that year"
        elif fact["papers"] < 0.5 * medians[key[0]]:
            excluded[key] = (f"{fact['papers']} papers, under half the conference's median year "
                             f"({medians[key[0]]:g}): a stray year")
        else:
            complete.append(key)
    rule = ("a conference-year counts when its primary source's papers are all built, a crawl of it for that "
            "year finished, and it holds at least half the papers of the conference's median year")
    return ConferenceYears(every, complete, excluded, rule)
