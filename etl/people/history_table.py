"""Warehouse step: ``person_education`` from landed profile histories and ORCID records.

Grain: one row per (person, source entry) — every dated position of every OpenReview profile and every
ORCID education/employment linked to the person, staged and resolved (see ``etl.people.history``). A
profile shared by two persons (should not happen, the profile id is a strong key) would list under both.

Test data stay marked: an entry from a profile or ORCID record the source marks ``test_data`` (the mirror's
fictional researchers, who can only be linked to fictional fixture papers: ``stg_authorship_profiles``) has
``test_data`` true, and its person is kept out of every study view, export and the report. An undated
profile entry is observed for the latest conference-year whose author list led to the profile
(``observed_year``); ``etl.people.history`` turns that into the years the entry counts for.
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
    SOURCE_ORCID,
    SOURCE_PROFILE,
    HistoryEntry,
    InstitutionLookup,
    ResolverLookup,
    ror_id,
    stage_entry,
)

log = logging.getLogger(__name__)

PROFILE_SQL = """
WITH person_profiles AS (
    SELECT ap.person_id, p.profile_id, max(ap.year) AS observed_year
    FROM authorship_persons ap
    JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
    GROUP BY ALL
)
SELECT pp.person_id, h.profile_id, h.entry.position, h.entry.institution.name, h.entry.institution.domain,
       h.entry.institution.country, h.entry.start, h.entry."end", pp.observed_year, h.test_data
FROM person_profiles pp JOIN stg_profile_history h USING (profile_id)
ORDER BY pp.person_id, h.profile_id, h.entry_no
"""

ORCID_SQL = """
WITH person_orcids AS (
    SELECT DISTINCT person_id, orcid FROM persons_core WHERE orcid IS NOT NULL
    UNION
    SELECT DISTINCT ap.person_id, p.orcid
    FROM authorship_persons ap
    JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
    WHERE p.orcid IS NOT NULL
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
    ("counts_to_year", pa.int32()), ("test_data", pa.bool_()),
)


def read_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    """(person_id, entry, test_data) from both sources, profile entries first."""
    entries: list[tuple[str, HistoryEntry, bool]] = []
    for person_id, profile_id, title, name, domain, country, start, end, observed, test in con.execute(
            PROFILE_SQL).fetchall():
        entries.append((person_id, HistoryEntry(SOURCE_PROFILE, profile_id, "history", title, name, domain,
                                                country, start, end, observed_year=observed), bool(test)))
    for person_id, orcid, section, title, name, country, start, end, ident, ident_source, test in con.execute(
            ORCID_SQL).fetchall():
        entries.append((person_id, HistoryEntry(SOURCE_ORCID, orcid, section, title, name, None, country,
                                                start, end, ror_id(ident, ident_source)), bool(test)))
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
            "counts_to_year": staged.counts_to_year, "test_data": test_data,
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
