"""Warehouse step: ``person_education`` from landed profile histories and ORCID records.

Grain: one row per (person, source entry) — every dated position of every OpenReview profile and every
ORCID education/employment linked to the person, staged and resolved (see ``etl.people.history``). A
profile shared by two persons (should not happen, the profile id is a strong key) would list under both.

Only profiles the person build kept (``authorship_profile_links.profile_kept``: the profile's names share a
token with the printed name) lend their history, homepage or ORCID iD: a refused link lends nothing.

Test data stay marked: an entry from a profile or ORCID record the source marks ``test_data`` (the mirror's
fictional researchers, who can only be linked to fictional fixture papers: ``stg_authorship_profiles``) has
``test_data`` true, and its person is kept out of every study view, export and the report. An undated
profile entry is observed for the latest conference-year whose author list led to the profile
(``observed_year``); ``etl.people.history`` turns that into the years the entry counts for.

Profile entries carry their ``bounds`` (observed snapshot years or stated dates), the institution's stated
ISO country and city; the years the rest of the profile was observed decide when an observed entry is
finished (``finished_from_year``). Homepage statements (``stg_homepage_statements``, issue 11) join as source
``homepage`` for every person whose profile lists the page, with the extractor's evidence span. Each row
carries ``country_source``, ``degree_evidence`` and ``precedence`` so talent records and study views apply
one rule (``etl.people.history``).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa

from etl.duckdb_tables import replace_table
from etl.people.history import (
    EDUCATION_STAGES,
    SOURCE_HOMEPAGE,
    SOURCE_ORCID,
    SOURCE_PROFILE,
    HistoryEntry,
    InstitutionLookup,
    ResolverLookup,
    profile_observation_years,
    ror_id,
    stage_entry,
)

log = logging.getLogger(__name__)

PROFILE_SQL = """
WITH person_profiles AS (
    SELECT ap.person_id, p.profile_id, max(ap.year) AS observed_year
    FROM authorship_persons ap
    JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
    JOIN authorship_profile_links l USING (conference, year, paper_id, author_position)
    WHERE l.profile_kept AND l.profile_id = p.profile_id
    GROUP BY ALL
)
SELECT pp.person_id, h.profile_id, h.entry.position, h.entry.institution.name, h.entry.institution.domain,
       h.entry.institution.country, h.entry.start, h.entry."end", pp.observed_year, h.test_data,
       {bounds}, {city}
FROM person_profiles pp JOIN stg_profile_history h USING (profile_id)
ORDER BY pp.person_id, h.profile_id, h.entry_no
"""

HOMEPAGE_SQL = """
WITH person_profiles AS (
    SELECT DISTINCT ap.person_id, p.profile_id
    FROM authorship_persons ap
    JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
    JOIN authorship_profile_links l USING (conference, year, paper_id, author_position)
    WHERE l.profile_kept AND l.profile_id = p.profile_id
)
SELECT DISTINCT pp.person_id, s.page_url, s.stage, s.institution_name, s.institution_id, s.country_code,
       s.start_year, s.end_year, s.confidence, s.evidence, year(s.fetched_at) AS fetched_year, s.test_data
FROM person_profiles pp JOIN stg_homepage_statements s ON s.profile_id = pp.profile_id
ORDER BY ALL
"""

ORCID_SQL = """
WITH person_orcids AS (
    SELECT DISTINCT person_id, orcid FROM persons_core WHERE orcid IS NOT NULL
    UNION
    SELECT DISTINCT ap.person_id, p.orcid
    FROM authorship_persons ap
    JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
    JOIN authorship_profile_links l USING (conference, year, paper_id, author_position)
    WHERE p.orcid IS NOT NULL AND l.profile_kept AND l.profile_id = p.profile_id
)
SELECT po.person_id, o.orcid, o.section, coalesce(o.role_title, o.department), o.organization_name,
       o.country, o.start_year, o.end_year, o.disambiguated_id, o.disambiguation_source,
       o.orcid IN (SELECT orcid FROM stg_orcid_records WHERE test_data)
       OR o.orcid IN (SELECT orcid FROM stg_openreview_profiles WHERE test_data AND orcid IS NOT NULL) AS test_data
FROM person_orcids po JOIN stg_orcid_affiliations o USING (orcid)
ORDER BY po.person_id, o.orcid, o.section, o.entry_no
"""

COLUMNS = (
    ("person_id", pa.string()), ("stage", pa.string()), ("institution_id", pa.string()),
    ("institution_name", pa.string()), ("country_code", pa.string()), ("start_year", pa.int32()),
    ("end_year", pa.int32()), ("source", pa.string()), ("method", pa.string()), ("confidence", pa.float64()),
    ("position_title", pa.string()), ("source_key", pa.string()), ("institution_type", pa.string()),
    ("is_degree", pa.bool_()), ("observed_year", pa.int32()), ("counts_from_year", pa.int32()),
    ("counts_to_year", pa.int32()), ("test_data", pa.bool_()), ("bounds", pa.string()),
    ("finished_from_year", pa.int32()), ("country_source", pa.string()), ("degree_evidence", pa.string()),
    ("precedence", pa.int32()), ("city", pa.string()), ("evidence", pa.string()),
)


def _has_field(con: duckdb.DuckDBPyConnection, view: str, column: str, field: str) -> bool:
    """True when ``view.column``'s struct type names ``field`` (an older 050 has no bounds/city)."""
    rows = con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                       [view, column]).fetchall()
    return bool(rows) and f'{field} ' in rows[0][0].replace('"', '')


def _relation_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT (SELECT count(*) FROM duckdb_views() WHERE view_name = $1 AND NOT internal) "
                       "+ (SELECT count(*) FROM duckdb_tables() WHERE table_name = $1)", [name]).fetchall()[0][0] > 0


def _profile_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    bounds = "h.entry.bounds" if _has_field(con, "stg_profile_history", "entry", "bounds") else "NULL"
    city = "h.entry.institution.city" if _has_field(con, "stg_profile_history", "entry", "city") else "NULL"
    rows = con.execute(PROFILE_SQL.format(bounds=bounds, city=city)).fetchall()
    spans: dict[str, list[tuple[int | None, int | None]]] = {}
    for row in rows:
        if row[10] == "observed":
            spans.setdefault(row[1], []).append((row[6], row[7]))
    observed_years = {profile: tuple(profile_observation_years(pairs)) for profile, pairs in spans.items()}
    entries = []
    for (person_id, profile_id, title, name, domain, country, start, end, observed, test, bounds_value,
         city_value) in rows:
        entries.append((person_id, HistoryEntry(
            SOURCE_PROFILE, profile_id, "history", title, name, domain, country, start, end,
            observed_year=observed, bounds=bounds_value, city=city_value,
            later_observations=observed_years.get(profile_id, ())), bool(test)))
    return entries


def _homepage_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    if not _relation_exists(con, "stg_homepage_statements"):
        return []
    entries = []
    for (person_id, page_url, stage, name, institution_id, country, start, end, confidence, evidence, fetched,
         test) in con.execute(HOMEPAGE_SQL).fetchall():
        entries.append((person_id, HistoryEntry(
            SOURCE_HOMEPAGE, page_url, "statement", None, name, None, country, start, end,
            observed_year=fetched, stated_stage=stage, institution_id=institution_id, confidence=confidence,
            evidence=evidence), bool(test)))
    return entries


def read_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    """(person_id, entry, test_data) from every source: profile entries, ORCID, homepage statements."""
    entries = _profile_entries(con)
    for person_id, orcid, section, title, name, country, start, end, ident, ident_source, test in con.execute(
            ORCID_SQL).fetchall():
        entries.append((person_id, HistoryEntry(SOURCE_ORCID, orcid, section, title, name, None, country,
                                                start, end, ror_id(ident, ident_source)), bool(test)))
    entries.extend(_homepage_entries(con))
    return entries


def build_person_education(con: duckdb.DuckDBPyConnection, lookup: InstitutionLookup | None = None
                           ) -> dict[str, Any]:
    """Create or replace ``person_education``; returns counts by source and stage."""
    lookup = lookup or ResolverLookup()
    columns: dict[str, list] = {name: [] for name, _ in COLUMNS}
    stages: Counter[str] = Counter()
    degrees: Counter[str] = Counter()
    for person_id, entry, test_data in read_entries(con):
        staged = stage_entry(entry, lookup)
        stages[f"{staged.source}:{staged.stage}"] += 1
        if staged.stage in EDUCATION_STAGES:
            degrees["degree" if staged.is_degree else "not_degree:" + (staged.type or "unresolved")] += 1
        values = {
            "person_id": person_id, "stage": staged.stage, "institution_id": staged.institution_id,
            "institution_name": staged.institution_name, "country_code": staged.country_code,
            "start_year": staged.start_year, "end_year": staged.end_year, "source": staged.source,
            "method": staged.method, "confidence": staged.confidence, "position_title": staged.title,
            "source_key": staged.source_key, "institution_type": staged.type, "is_degree": staged.is_degree,
            "observed_year": staged.observed_year, "counts_from_year": staged.counts_from_year,
            "counts_to_year": staged.counts_to_year, "test_data": test_data, "bounds": staged.bounds,
            "finished_from_year": staged.finished_from_year, "country_source": staged.country_source,
            "degree_evidence": staged.degree_evidence, "precedence": staged.precedence, "city": staged.city,
            "evidence": staged.evidence,
        }
        for name, value in values.items():
            columns[name].append(value)
    table = pa.table({name: pa.array(columns[name], kind) for name, kind in COLUMNS})
    replace_table(con, "person_education", table)
    figures = {"rows": table.num_rows, "by_source_stage": dict(sorted(stages.items())),
               "education_stages": dict(sorted(degrees.items())),
               "test_data_rows": sum(1 for value in columns["test_data"] if value)}
    log.info("person_education: %s", figures)
    return figures
