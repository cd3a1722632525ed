"""The least certain persons, one row each, as a CSV an analyst corrects (``talent review export``).

Corrections go in ``data/corrections/corrections.csv`` (person_id, field, value, note) and apply on the
next build; the blank ``field``, ``value`` and ``note`` columns are where a reviewer writes them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

EXPORT_COLUMNS = (
    "person_id", "name", "openreview_id", "n_papers", "conference", "year", "confidence", "undergrad_country",
    "grad_country", "work_country", "work_institution_id", "sector", "evidence_sources", "field", "value", "note",
)

LEAST_CERTAIN_SQL = """
SELECT t.person_id, p.name, p.openreview_id, p.n_papers, t.conference, t.year, t.confidence,
       t.undergrad_country, t.grad_country, t.work_country, t.work_institution_id, t.sector, t.evidence
FROM talent_records t JOIN persons p USING (person_id)
QUALIFY row_number() OVER (PARTITION BY t.person_id ORDER BY t.confidence, t.year DESC, t.conference) = 1
ORDER BY t.confidence, p.n_papers DESC, t.person_id
LIMIT ?
"""


def evidence_sources(evidence: object) -> str:
    """``work_country=authorship_affiliations; grad_country=orcid`` — where each stated value came from."""
    data = json.loads(evidence) if isinstance(evidence, str) else (evidence or {})
    return "; ".join(f"{name}={item.get('source')}" for name, item in sorted(data.items()) if isinstance(item, dict))


def export_least_certain(con: duckdb.DuckDBPyConnection, out: Path, limit: int) -> int:
    rows = con.execute(LEAST_CERTAIN_SQL, [limit]).fetchall()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([*row[:-1], evidence_sources(row[-1]), "", "", ""])
    return len(rows)
