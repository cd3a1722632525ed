"""``talent review export --out FILE.csv [--limit N]``: the least certain persons, for an analyst to check.

One row per person: their least confident talent record (confidence ascending, then the most prolific
first, since a fix to someone with many papers moves more figures), with the values we state, where each
came from, and empty ``field,value,note`` columns. A reviewed row is copied into the corrections file
(``data/corrections/corrections.csv``) and the next build applies it.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import duckdb

from etl.people.corrections import corrections_path

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


def _export(args: argparse.Namespace) -> int:
    from warehouse.db import connect

    con = connect(args.warehouse, read_only=True)
    try:
        written = export_least_certain(con, args.out, args.limit)
    finally:
        con.close()
    print(f"wrote {written} persons to {args.out}; reviewed rows go to {corrections_path()} "
          "(person_id,field,value,note) and apply on the next build")
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"--limit must be at least 1, got {number}")
    return number


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="analyst review of person records")
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the least certain persons to a CSV for review")
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.add_argument("--limit", type=_positive, default=200, help="persons to export (default %(default)s)")
    export.set_defaults(handler=_export)
