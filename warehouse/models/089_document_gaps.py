"""Fill comment gaps, so every table, view and column explains itself to an analyst's ``DESCRIBE``.

Models that rebuild with ``CREATE OR REPLACE`` drop their comments each time, and not every model writes
column comments. This model runs after them (before the 090 analyst views, which comment themselves)
and adds the documented meaning of each known column **only where it has no comment yet** — an owner's
own comment always wins — and only for objects that exist, so it never breaks a build when another area
renames or drops something. ``tests/test_schema.py`` fails on anything still undocumented.
"""

from __future__ import annotations

import logging

import duckdb

from warehouse.build import BuildReport

logger = logging.getLogger(__name__)

CONFERENCE = "Conference, lowercase (neurips)."
YEAR = "Conference year."
PAPER_ID = "Joins papers.paper_id."
POSITION = "Position in the author list, from 1 (joins authorships.author_position)."
COUNTRY = "ISO 3166-1 alpha-2 country code (NULL when unknown)."
PERSON_ID = "Stable person id (joins persons.person_id)."
INSTITUTION_ID = "Joins institutions.institution_id (ROR id, or tt:<slug>-<cc>); NULL when unresolved."

# object -> ("" -> object comment, column -> column comment)
GAP_COMMENTS: dict[str, dict[str, str]] = {
    "stg_paper_records": {
        "": "Staging: latest version of each landed paper record per source, typed.",
        "source": "Spider name.",
        "record_key": "Stable key within the source.",
        "raw_id": "Joins raw_records.raw_id (the version used).",
        "crawl_id": "Newest crawl that saw this record.",
        "source_url": "URL the record was parsed from.",
        "fetched_at": "When the spider landed the record.",
        "conference": CONFERENCE,
        "year": YEAR,
        "paper_id": "Paper id within the source.",
        "title": "Title as published.",
        "track": "main or datasets_and_benchmarks.",
        "tier": "oral, spotlight or poster when the source states it.",
        "decision": "OpenReview decision text, when the source has one.",
        "links": "Links found on the record (JSON).",
        "authors": "Author list as landed: position, name, institution, source_id, email_domain.",
    },
    "stg_primary_sources": {
        "": "Staging: the source whose papers and authors are authoritative for each conference-year.",
        "conference": CONFERENCE,
        "year": YEAR,
        "source": "Authoritative spider: openreview, else neurips_proceedings, else neurips_virtual.",
    },
    "presentation_matches": {
        "": "Papers of the primary source matched to a virtual-site feed entry (for tiers).",
        "conference": CONFERENCE,
        "year": YEAR,
        "paper_id": PAPER_ID,
        "feed_paper_id": "Id of the matched feed entry.",
        "method": "How the match was made (id, title, authors).",
        "score": "Match score (1.0 = exact).",
    },
    "presentation_unmatched": {
        "": "Feed entries that matched no paper of the primary source (left out of tier counts).",
        "conference": CONFERENCE,
        "year": YEAR,
        "feed_paper_id": "Id of the feed entry.",
        "title": "Title in the feed.",
        "tier": "Tier in the feed.",
        "links": "Links of the feed entry (JSON).",
    },
    "core_papers": {
        "": "Core: one row per accepted paper of the primary source, with tier and its evidence "
        "(the papers view is the analyst contract).",
        "conference": CONFERENCE,
        "year": YEAR,
        "paper_id": "Id in the primary source.",
        "title": "Title as published.",
        "track": "main or datasets_and_benchmarks.",
        "tier": "oral, spotlight or poster (NULL when no source of tiers was crawled).",
        "tier_evidence": "Where the tier came from: the source itself, the matched feed entry, or not_in_feed_tiers.",
        "source": "Spider whose record is authoritative.",
        "source_url": "URL the paper record was parsed from.",
        "crawl_id": "Crawl whose version of the record is used (joins raw_crawls.crawl_id).",
        "feed_paper_id": "Matched virtual-site feed entry, when any.",
    },
    "core_authorships": {
        "": "Core: one row per author position of each core paper (the authorships view is the analyst contract).",
        "conference": CONFERENCE,
        "year": YEAR,
        "paper_id": PAPER_ID,
        "author_position": "Position in the author list, from 1.",
        "author_name": "Name as published.",
        "raw_affiliation": "Affiliation string as the source gives it: printed with the paper for 2019/2020, an "
        "OpenReview profile snapshot for 2021 on (see stg_affiliation_provenance); NULL when no source gives one.",
        "author_source_id": "OpenReview profile id or virtual-site author id when known.",
        "source": "Spider whose record gave the author list.",
        "source_url": "URL the author list was parsed from.",
        "email_domain": "Domain of the author's confirmed email (never the address), when known.",
        "affiliation_source": "Spider that gave raw_affiliation (what its value is: stg_affiliation_provenance).",
    },
    "institutions": {
        "": "One row per institution: ROR id where ROR has it, tt:<slug>-<cc> otherwise.",
        "institution_id": "Institution id: ROR id, or tt:<slug>-<cc> for institutions ROR lacks.",
        "name": "Display name.",
        "country_code": COUNTRY,
        "type": "education, company, government, nonprofit, facility, … (ROR types).",
        "parent_id": "Parent institution (e.g. a lab's company), NULL at the top.",
        "source": "Registry source of the row (ror, seed, …).",
        "city": "City, when the registry knows it.",
    },
    "institution_names": {
        "": "Every name the resolver matches on (display, alias, acronym, label, seed, evidence).",
        "institution_id": INSTITUTION_ID,
        "name": "A name of the institution.",
        "kind": "display, alias, acronym, label, seed or evidence.",
        "lang": "Language code of the name, when known.",
    },
    "institution_domains": {
        "": "Email/web domain -> owning institution (longest-suffix lookup in the resolver).",
        "domain": "Domain, lowercase.",
        "institution_id": INSTITUTION_ID,
        "source": "Where the domain mapping came from.",
    },
    "authorship_affiliations": {
        "": "One row per authorship affiliation; weight 1/N over the N affiliations; institution_id NULL when "
        "unresolved.",
        "conference": CONFERENCE,
        "year": YEAR,
        "paper_id": PAPER_ID,
        "author_position": POSITION,
        "institution_id": INSTITUTION_ID,
        "country_code": "ISO alpha-2 country of the affiliation (also set for unresolved strings naming one).",
        "weight": "1/N for an authorship with N affiliations: weights of one authorship sum to 1.",
        "confidence": "Resolver confidence in [0, 1].",
        "method": "Resolver stage that decided (exact name, domain, fuzzy, country only, …).",
    },
    "unresolved_affiliations": {
        "": "Distinct raw affiliation strings that resolved to no institution, with how many authorships carry "
        "them: the review queue.",
        "raw_affiliation": "Affiliation string as published.",
        "n_authorships": "Authorships carrying this string.",
    },
    "persons": {
        "": "One row per resolved person (author clusters across papers and years).",
        "person_id": PERSON_ID,
        "name": "Most common published form of the name.",
        "openreview_id": "OpenReview profile id (~First_Last1), when linked.",
        "orcid": "ORCID iD, when known.",
        "dblp": "DBLP person key, when known.",
        "n_papers": "Accepted papers of the person in the warehouse.",
        "first_year": "First conference year with a paper.",
        "last_year": "Last conference year with a paper.",
    },
    "person_education": {
        "": "One row per education stage of a person (undergrad, masters, phd, …) with its institution and country.",
        "person_id": PERSON_ID,
        "stage": "undergrad, masters, phd, postdoc, … (etl/people/stages.py).",
        "institution_id": INSTITUTION_ID,
        "institution_name": "Institution name as found in the source.",
        "country_code": COUNTRY,
        "start_year": "First year of the stage, when known.",
        "end_year": "Last year of the stage, when known.",
        "source": "Where the record came from (OpenReview profile, …).",
        "method": "How it was derived.",
        "confidence": "Confidence in [0, 1].",
        "is_degree": "True for an education stage at a degree-granting institution.",
        "observed_year": "Conference-year the profile was read for.",
        "counts_from_year": "First conference year the row may be used for.",
        "counts_to_year": "Last conference year the row may be used for (NULL = open).",
        "test_data": "True for rows from fictional test sources.",
    },
    "authorship_persons": {
        "": "Which person wrote each authorship: one row per (paper, author position).",
        "conference": CONFERENCE,
        "year": YEAR,
        "paper_id": PAPER_ID,
        "author_position": POSITION,
        "person_id": PERSON_ID,
    },
    "talent_records": {
        "": "One row per person, conference-year and tier: origin (undergraduate), graduate and work country "
        "with evidence — the input of the study views.",
        "conference": CONFERENCE,
        "year": YEAR,
        "person_id": PERSON_ID,
        "name": "Person's name.",
        "tier": "Presentation tier of the person's paper(s): oral, spotlight or poster.",
        "undergrad_country": "ISO alpha-2 country of the undergraduate degree (origin); NULL when unknown.",
        "grad_country": "ISO alpha-2 country of graduate school; NULL when unknown.",
        "work_country": "ISO alpha-2 country of work at the time of the conference; NULL when unknown.",
        "work_institution_id": INSTITUTION_ID,
        "sector": "academia or industry (or other), when known.",
        "evidence": "What the values rest on (sources, origin, observed year, links).",
        "confidence": "Confidence in [0, 1].",
        "track": "main when any paper that year is main track, else the papers' track.",
        "tracks": "Every track of the person's papers that year.",
        "main_track_tier": "Highest tier among the main-track papers.",
        "work_origin": "Where work_country comes from (paper, openreview_profile_snapshot, …).",
        "work_observed_year": "Year the source states the work value for.",
        "test_data": "True for fictional test people (never in study views, exports, the report).",
    },
}


def _literal(text: str) -> str:
    """SQL string literal; COMMENT ON takes no parameters and every text here is a constant."""
    return "'" + text.replace("'", "''") + "'"


def fill_comment_gaps(con: duckdb.DuckDBPyConnection) -> int:
    """Add the comments above where missing; returns how many were added."""
    tables = dict(con.execute(
        "SELECT table_name, coalesce(comment, '') FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary"
    ).fetchall())
    views = dict(con.execute(
        "SELECT view_name, coalesce(comment, '') FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal"
    ).fetchall())
    added = 0
    for name, comments in GAP_COMMENTS.items():  # identifiers come from this constant dict only
        if name in tables:
            kind, current = "TABLE", tables[name]
        elif name in views:
            kind, current = "VIEW", views[name]
        else:
            continue
        if not current and comments.get(""):
            con.execute(f"COMMENT ON {kind} {name} IS {_literal(comments[''])}")
            added += 1
        missing = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
            "AND coalesce(comment, '') = ''",
            [name],
        ).fetchall()
        for (column,) in missing:
            if column in comments and column:
                con.execute(f'COMMENT ON COLUMN {name}."{column}" IS {_literal(comments[column])}')
                added += 1
    return added


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    added = fill_comment_gaps(con)
    logger.debug("filled %d comment gaps", added)
    report.notes["comment_gaps_filled"] = added
