"""``person_education`` rows from profile histories, ORCID records and homepage statements (pure: entries in,
columns out; the warehouse model ``warehouse/models/core/person_education.py`` reads the entries and writes).

Grain: one row per (person, source entry) — every dated position of every OpenReview profile and every
ORCID education/employment linked to the person, staged and resolved (see ``etl.people.history``). The entry
is (source, source_key, source_section, source_entry_no): a profile listing the same position twice gives two
rows that differ only in ``source_entry_no``. A
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

from collections import Counter
from typing import Any

import pyarrow as pa

from etl.people.history import (
    EDUCATION_STAGES,
    HistoryEntry,
    InstitutionLookup,
    stage_entry,
)

COLUMNS = (
    ("person_id", pa.string()), ("stage", pa.string()), ("institution_id", pa.string()),
    ("institution_name", pa.string()), ("country_code", pa.string()), ("start_year", pa.int32()),
    ("end_year", pa.int32()), ("source", pa.string()), ("method", pa.string()), ("confidence", pa.float64()),
    ("position_title", pa.string()), ("source_key", pa.string()), ("institution_type", pa.string()),
    ("is_degree", pa.bool_()), ("observed_year", pa.int32()), ("counts_from_year", pa.int32()),
    ("counts_to_year", pa.int32()), ("test_data", pa.bool_()), ("bounds", pa.string()),
    ("finished_from_year", pa.int32()), ("country_source", pa.string()), ("degree_evidence", pa.string()),
    ("precedence", pa.int32()), ("city", pa.string()), ("evidence", pa.string()), ("source_section", pa.string()),
    ("source_entry_no", pa.int32()),
)


def education_table(entries: list[tuple[str, HistoryEntry, bool]], lookup: InstitutionLookup
                    ) -> tuple[pa.Table, dict[str, Any]]:
    """Each (person_id, entry, test_data) staged and resolved: the ``person_education`` table and its counts
    by source and stage."""
    columns: dict[str, list] = {name: [] for name, _ in COLUMNS}
    stages: Counter[str] = Counter()
    degrees: Counter[str] = Counter()
    for person_id, entry, test_data in entries:
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
            "evidence": staged.evidence, "source_section": entry.section, "source_entry_no": entry.entry_no,
        }
        for name, value in values.items():
            columns[name].append(value)
    table = pa.table({name: pa.array(columns[name], kind) for name, kind in COLUMNS})
    figures = {"rows": table.num_rows, "by_source_stage": dict(sorted(stages.items())),
               "education_stages": dict(sorted(degrees.items())),
               "test_data_rows": sum(1 for value in columns["test_data"] if value)}
    return table, figures
