"""The review worksheet: one CSV row per sampled person, with what we know and empty columns for the reviewer.

UTF-8 with BOM and a header row, so a spreadsheet opens it as is: every link we know, the automatic values
with their evidence, and empty reviewer columns; a ``<sample_id>.design.json`` sidecar carries the design.
The column names here are the worksheet's format: ``warehouse.review.worksheet_import`` reads them back.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from warehouse.review.sampling import Sample
from warehouse.sql import table_exists

# worksheet field -> (reviewer institution column, reviewer country column, study_population column)
REVIEW_FIELDS = {
    "undergrad": ("review_undergrad_institution", "review_undergrad_country", "origin_country"),
    "grad": ("review_grad_institution", "review_grad_country", "grad_country"),
    "work": ("review_work_institution", "review_work_country", "work_country"),
}
NOTE_COLUMN = "review_note"
REVIEW_COLUMNS = tuple(column for pair in REVIEW_FIELDS.values() for column in pair[:2]) + (NOTE_COLUMN,)
WORKSHEET_COLUMNS = (
    "sample_id", "person_id", "name", "conference", "year", "stratum_tier", "stratum_track", "design_weight",
    "openreview", "homepage", "dblp", "scholar", "orcid", "papers", "printed_affiliations",
    "auto_undergrad_country", "auto_undergrad_evidence", "auto_grad_country", "auto_grad_evidence",
    "auto_work_country", "auto_work_institution", "auto_work_evidence", "auto_confidence",
    *REVIEW_COLUMNS,
)
WORKSHEET_ENCODING = "utf-8-sig"  # a BOM makes spreadsheet programs read UTF-8 names correctly


def _table_columns(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'", [name]
    ).fetchall()}


def _evidence_text(evidence: object, key: str) -> str:
    """``source method (source_key; institution id)`` for one field of talent_records.evidence."""
    data = json.loads(evidence) if isinstance(evidence, str) else (evidence or {})
    item = data.get(key) if isinstance(data, dict) else None
    if not isinstance(item, dict):
        return ""
    parts = [str(item.get(name)) for name in ("source", "method") if item.get(name)]
    extra = [f"{name}={item[name]}" for name in ("source_key", "paper_id", "institution_id", "stage")
             if item.get(name)]
    return " ".join(parts) + (f" ({'; '.join(extra)})" if extra else "")


def _url(prefix: str, value: str | None) -> str:
    if not value:
        return ""
    return value if value.startswith(("http://", "https://")) else prefix + value


def worksheet_rows(con: duckdb.DuckDBPyConnection, sample: Sample) -> list[dict[str, object]]:
    """One dict per sampled person, in draw order, with links, automatic values and empty review columns."""
    con.execute("CREATE OR REPLACE TEMP TABLE review_draw (person_id VARCHAR, tier VARCHAR, track VARCHAR, "
                "draw_order INTEGER)")
    con.executemany("INSERT INTO review_draw VALUES (?, ?, ?, ?)",
                    [[p, t, k, i] for i, (p, t, k) in enumerate(sample.persons, start=1)])
    person_columns = _table_columns(con, "persons")
    has_links = table_exists(con, "stg_latest_records")
    has_papers = table_exists(con, "authorship_persons") and table_exists(con, "authorships")
    has_institutions = "name" in _table_columns(con, "institutions")
    optional = {name: (f"p.{name}" if name in person_columns else "NULL") for name in ("openreview_id", "dblp",
                                                                                       "orcid", "name")}
    links = """LEFT JOIN (
        SELECT data -> 'data' ->> 'profile_id' AS profile_id, any_value(data -> 'data' ->> 'homepage') AS homepage,
               any_value(data -> 'data' ->> 'gscholar') AS gscholar
        FROM stg_latest_records
        WHERE source = 'openreview_profiles' AND record_type = 'profile' AND (data -> 'data' ->> 'status') = 'found'
        GROUP BY ALL) l ON l.profile_id = p.openreview_id""" if has_links and "openreview_id" in person_columns \
        else "LEFT JOIN (SELECT NULL AS homepage, NULL AS gscholar WHERE false) l ON true"
    papers = """LEFT JOIN (
        SELECT ap.person_id, string_agg(DISTINCT pa.title, ' | ' ORDER BY pa.title) AS papers,
               string_agg(DISTINCT a.raw_affiliation, ' | ' ORDER BY a.raw_affiliation) AS printed
        FROM authorship_persons ap
        JOIN authorships a USING (conference, year, paper_id, author_position)
        LEFT JOIN papers pa USING (conference, year, paper_id)
        WHERE ap.conference = $conference AND ap.year = $year
        GROUP BY ap.person_id) w ON w.person_id = d.person_id""" if has_papers \
        else "LEFT JOIN (SELECT NULL AS papers, NULL AS printed WHERE false) w ON true"
    institution = ("LEFT JOIN institutions i ON i.institution_id = s.work_institution_id" if has_institutions
                   else "LEFT JOIN (SELECT NULL AS institution_id, NULL AS name WHERE false) i ON true")
    query = f"""
    SELECT d.person_id, {optional['name']} AS name, d.tier, d.track, {optional['openreview_id']} AS openreview_id,
           l.homepage, {optional['dblp']} AS dblp, l.gscholar, {optional['orcid']} AS orcid, w.papers, w.printed,
           s.origin_country, s.grad_country, s.work_country, s.work_institution_id, i.name AS institution_name,
           t.evidence, t.confidence
    FROM review_draw d
    LEFT JOIN persons p ON p.person_id = d.person_id
    {links}
    {papers}
    LEFT JOIN study_population s ON s.person_id = d.person_id AND s.conference = $conference AND s.year = $year
        AND s.track = 'all' AND s.tier = 'all'
    {institution}
    LEFT JOIN (
        SELECT person_id, evidence, confidence FROM talent_records WHERE conference = $conference AND year = $year
        QUALIFY row_number() OVER (PARTITION BY person_id
                                   ORDER BY confidence DESC NULLS LAST, work_country NULLS LAST, tier) = 1
    ) t ON t.person_id = d.person_id
    ORDER BY d.draw_order
    """  # noqa: S608 - only fragments of this module; values are parameters
    weights = {key: size / drawn for key, (size, drawn) in sample.strata.items()}
    rows = []
    for (person_id, name, tier, track, openreview_id, homepage, dblp, scholar, orcid, paper_titles, printed,
         origin, grad, work, institution_id, institution_name, evidence, confidence) in con.execute(
            query, {"conference": sample.conference, "year": sample.year}).fetchall():
        row: dict[str, object] = {
            "sample_id": sample.sample_id, "person_id": person_id, "name": name or "",
            "conference": sample.conference, "year": sample.year, "stratum_tier": tier, "stratum_track": track,
            "design_weight": f"{weights[(tier, track)]:.4f}",
            "openreview": _url("https://openreview.net/profile?id=", openreview_id),
            "homepage": homepage or "", "dblp": _url("https://dblp.org/pid/", dblp), "scholar": scholar or "",
            "orcid": _url("https://orcid.org/", orcid), "papers": paper_titles or "",
            "printed_affiliations": printed or "",
            "auto_undergrad_country": origin or "", "auto_undergrad_evidence": _evidence_text(evidence,
                                                                                               "undergrad_country"),
            "auto_grad_country": grad or "", "auto_grad_evidence": _evidence_text(evidence, "grad_country"),
            "auto_work_country": work or "",
            "auto_work_institution": f"{institution_name} ({institution_id})" if institution_name else
            (institution_id or ""),
            "auto_work_evidence": _evidence_text(evidence, "work_country"),
            "auto_confidence": "" if confidence is None else f"{confidence:.2f}",
        }
        row.update({column: "" for column in REVIEW_COLUMNS})
        rows.append(row)
    con.execute("DROP TABLE IF EXISTS review_draw")
    return rows


def write_worksheet(con: duckdb.DuckDBPyConnection, sample: Sample, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<sample_id>.csv`` and its ``<sample_id>.design.json`` sidecar into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    worksheet = out_dir / f"{sample.sample_id}.csv"
    sidecar = out_dir / f"{sample.sample_id}.design.json"
    rows = worksheet_rows(con, sample)
    with worksheet.open("w", encoding=WORKSHEET_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=WORKSHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    design = sample.design() | {
        "worksheet": worksheet.name,
        "instructions": (
            "Fill the review_* columns for each person you trace: institution as found and its country (ISO "
            "3166 alpha-2 code or English name). Leave a country empty when you could not find it, and say so in "
            "review_note. A row with every review_* column empty counts as not reviewed. Then run "
            "`talent review import FILE --reviewer NAME`."
        ),
    }
    sidecar.write_text(json.dumps(design, indent=2) + "\n", encoding="utf-8")
    return worksheet, sidecar
