"""person_education — grain: one row per (person, source entry): education and career stages of each person.

The source entry is (source, source_key, source_section, source_entry_no): a profile history's entry_no, an ORCID
record's (section, entry_no), a homepage's statement_no (the first, when two statements of a page say the same).

Every dated position of every OpenReview profile history, every ORCID education/employment and every degree a
homepage states, linked to the person through the profiles the person build kept
(``authorship_profile_links.profile_kept``), staged and resolved by ``etl.people.education_rows`` (ORCID ROR
id, else the affiliation resolver from the ``BuildContext``).
"""

from __future__ import annotations

import logging

import duckdb

from etl.people.education_rows import education_table
from etl.people.history import (
    SOURCE_HOMEPAGE,
    SOURCE_ORCID,
    SOURCE_PROFILE,
    HistoryEntry,
    InstitutionLookup,
    ResolverLookup,
    profile_observation_years,
    ror_id,
)
from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext

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
       h.entry.bounds, h.entry.institution.city, h.entry_no
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
SELECT pp.person_id, s.page_url, s.stage, s.institution_name, s.institution_id, s.country_code,
       s.start_year, s.end_year, s.confidence, s.evidence, year(s.fetched_at) AS fetched_year, s.test_data,
       min(s.statement_no) AS statement_no
FROM person_profiles pp JOIN stg_homepage_statements s ON s.profile_id = pp.profile_id
GROUP BY ALL
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
       OR o.orcid IN (SELECT orcid FROM stg_openreview_profiles WHERE test_data AND orcid IS NOT NULL) AS test_data,
       o.entry_no
FROM person_orcids po JOIN stg_orcid_affiliations o USING (orcid)
ORDER BY po.person_id, o.orcid, o.section, o.entry_no
"""

def _profile_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    rows = con.execute(PROFILE_SQL).fetchall()
    spans: dict[str, list[tuple[int | None, int | None]]] = {}
    for row in rows:
        if row[10] == "observed":
            spans.setdefault(row[1], []).append((row[6], row[7]))
    observed_years = {profile: tuple(profile_observation_years(pairs)) for profile, pairs in spans.items()}
    entries = []
    for (person_id, profile_id, title, name, domain, country, start, end, observed, test, bounds_value,
         city_value, entry_no) in rows:
        entries.append((person_id, HistoryEntry(
            SOURCE_PROFILE, profile_id, "history", title, name, domain, country, start, end,
            observed_year=observed, bounds=bounds_value, city=city_value,
            later_observations=observed_years.get(profile_id, ()), entry_no=entry_no), bool(test)))
    return entries


def _homepage_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    entries = []
    for (person_id, page_url, stage, name, institution_id, country, start, end, confidence, evidence, fetched,
         test, statement_no) in con.execute(HOMEPAGE_SQL).fetchall():
        entries.append((person_id, HistoryEntry(
            SOURCE_HOMEPAGE, page_url, "statement", None, name, None, country, start, end,
            observed_year=fetched, stated_stage=stage, institution_id=institution_id, confidence=confidence,
            evidence=evidence, entry_no=statement_no), bool(test)))
    return entries


def read_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[str, HistoryEntry, bool]]:
    """(person_id, entry, test_data) from every source: profile entries, ORCID, homepage statements."""
    entries = _profile_entries(con)
    for (person_id, orcid, section, title, name, country, start, end, ident, ident_source, test,
         entry_no) in con.execute(ORCID_SQL).fetchall():
        entries.append((person_id, HistoryEntry(SOURCE_ORCID, orcid, section, title, name, None, country,
                                                start, end, ror_id(ident, ident_source), entry_no=entry_no),
                        bool(test)))
    entries.extend(_homepage_entries(con))
    return entries


def build_person_education(con: duckdb.DuckDBPyConnection, lookup: InstitutionLookup | None = None
                           ) -> dict[str, object]:
    """Create or replace ``person_education``; returns counts by source and stage."""
    table, figures = education_table(read_entries(con), lookup or ResolverLookup())
    replace_table(con, "person_education", table)
    log.info("person_education: %s", figures)
    return figures


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    report.notes["person_education"] = build_person_education(con, ResolverLookup(ctx.resolver))
