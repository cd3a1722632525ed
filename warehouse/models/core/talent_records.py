"""talent_records — grain: one row per (conference, year, person); analyst_corrections — one per file line.

Origin, graduate and work countries, work institution and sector at the conference date, with evidence per field
(``etl.people.talent_record`` decides each record). Reads ``authorship_persons`` + ``core_papers`` (who published
what, at which tier), the affiliation resolver's ``authorship_affiliations``, ``person_education`` and
``persons_core``; applies the corrections file last, so an analyst's value always wins and is marked
``analyst_correction`` in the evidence. Where each paper affiliation comes from (the paper itself, or an OpenReview
profile snapshot) is read from ``stg_affiliation_provenance`` and carried into the evidence and ``work_origin``;
the tracks of the person's papers give ``track``/``tracks``/``main_track_tier``. ``test_data`` marks every record
of a person who is on a paper marked test_data or has a history entry from a test-data profile or ORCID record
(fictional people of the mirror's fixture venue): the study views, exports and the report leave those records out.
The corrections file and the resolver come from the ``BuildContext``. Every input is made earlier in dependency
order (``talent_records.yml``) in its current shape: the readers never ask whether a table or column exists.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl.people.corrections import Correction, read_corrections
from etl.people.history import InstitutionLookup, ResolverLookup
from etl.people.talent_inputs import HistoryRow, PaperAffiliation
from etl.people.talent_record import TalentRecord, apply_corrections, build_record
from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext

log = logging.getLogger(__name__)

Key = tuple[str, int, str]  # conference, year, person_id


def read_affiliations(con: duckdb.DuckDBPyConnection) -> dict[Key, list[PaperAffiliation]]:
    out: dict[Key, list[PaperAffiliation]] = defaultdict(list)
    types = dict(con.execute("SELECT institution_id, type FROM institutions").fetchall())
    rows = con.execute(
        """SELECT ap.conference, ap.year, ap.person_id, aa.paper_id, aa.author_position, aa.institution_id,
                  aa.country_code, coalesce(aa.weight, 1.0), coalesce(aa.confidence, 0.0), aa.method,
                  -- a row resolved from the email domain on the paper (no string) is submission-time evidence
                  CASE WHEN aa.method LIKE 'email-domain%' THEN 'email_domain_on_paper'
                       ELSE pv.affiliation_origin END,
                  CASE WHEN aa.method LIKE 'email-domain%' THEN ap.year ELSE pv.affiliation_observed_year END
           FROM authorship_affiliations aa
           JOIN authorship_persons ap USING (conference, year, paper_id, author_position)
           LEFT JOIN stg_affiliation_provenance pv USING (conference, year, paper_id, author_position)
           ORDER BY ap.conference, ap.year, ap.person_id, aa.paper_id, aa.author_position, aa.affiliation_no"""
    ).fetchall()
    for (conference, year, person_id, paper_id, position, iid, country, weight, confidence, method, origin,
         observed) in rows:
        out[(conference, year, person_id)].append(PaperAffiliation(
            paper_id, position, iid, country, types.get(iid) if iid else None, weight, confidence, method or "",
            origin=origin, observed_year=observed))
    return out


def read_email_affiliations(con: duckdb.DuckDBPyConnection, lookup: InstitutionLookup | None = None
                            ) -> dict[Key, list[PaperAffiliation]]:
    """Institutions of the email domains papers list for authors (OpenReview ids that were addresses).

    Used only where the printed affiliation gives no country: the domain is what the author submitted
    with that year, so it is evidence of the conference date, unlike a profile read later.
    """
    out: dict[Key, list[PaperAffiliation]] = defaultdict(list)
    rows = con.execute(
        """SELECT ap.conference, ap.year, ap.person_id, a.paper_id, a.author_position, a.email_domain
           FROM core_authorships a
           JOIN authorship_persons ap USING (conference, year, paper_id, author_position)
           WHERE a.email_domain IS NOT NULL ORDER BY ALL"""
    ).fetchall()
    if not rows:
        return out
    lookup = lookup or ResolverLookup()  # loaded only when a paper lists an email domain
    resolved = {domain: lookup.resolve(None, domain) for domain in {row[5] for row in rows}}
    for conference, year, person_id, paper_id, position, domain in rows:
        hit = resolved[domain]
        if hit.country_code:
            out[(conference, year, person_id)].append(PaperAffiliation(
                paper_id, position, hit.institution_id, hit.country_code, hit.type, 1.0, hit.confidence,
                f"{hit.method} ({domain})", "authorship_email_domain", origin="email_domain_on_paper",
                observed_year=year))
    return out


def read_history(con: duckdb.DuckDBPyConnection) -> dict[str, list[HistoryRow]]:
    """person_education rows, with the counting years and evidence tier its model gave them."""
    out: dict[str, list[HistoryRow]] = defaultdict(list)
    for person_id, *values in con.execute(
            """SELECT person_id, stage, institution_id, country_code, institution_type, start_year, end_year, source,
                      method, confidence, source_key, is_degree, observed_year, counts_from_year, counts_to_year,
                      bounds, finished_from_year, country_source, degree_evidence
               FROM person_education""").fetchall():
        out[person_id].append(HistoryRow(*values))
    return out


def read_test_persons(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Persons described by test data (see module docstring)."""
    return {p for (p,) in con.execute(
        """SELECT person_id FROM person_education WHERE test_data
           UNION
           SELECT ap.person_id FROM authorship_persons ap
           JOIN stg_test_data_papers t USING (conference, year, paper_id)""").fetchall()}


def read_person_years(con: duckdb.DuckDBPyConnection) -> dict[Key, list[tuple[str | None, str | None]]]:
    """(tier, track) of each person's papers per conference-year (track NULL when papers have none)."""
    out: dict[Key, list[tuple[str | None, str | None]]] = defaultdict(list)
    for conference, year, person_id, tier, track in con.execute(
            """SELECT ap.conference, ap.year, ap.person_id, p.tier, p.track
               FROM authorship_persons ap
               LEFT JOIN core_papers p USING (conference, year, paper_id)
               ORDER BY ALL""").fetchall():
        out[(conference, year, person_id)].append((tier, track))
    return out


def build_records(con: duckdb.DuckDBPyConnection, corrections: list[Correction],
                  lookup: ResolverLookup | None = None) -> tuple[list[TalentRecord], set[int]]:
    names = dict(con.execute("SELECT person_id, name FROM persons_core").fetchall())
    affiliations = read_affiliations(con)
    email_affiliations = read_email_affiliations(con, lookup)
    history = read_history(con)
    by_person: dict[str, list[Correction]] = defaultdict(list)
    for correction in corrections:
        by_person[correction.person_id].append(correction)
    records: list[TalentRecord] = []
    applied_lines: set[int] = set()
    for (conference, year, person_id), papers in sorted(read_person_years(con).items()):
        record = build_record(conference, year, person_id, names.get(person_id), [tier for tier, _ in papers],
                              affiliations.get((conference, year, person_id), []), history.get(person_id, []),
                              email_affiliations=email_affiliations.get((conference, year, person_id), []),
                              tracks=[track for _, track in papers])
        applied_lines.update(c.line_no for c in apply_corrections(record, by_person.get(person_id, [])))
        records.append(record)
    return records, applied_lines


def correction_problem(correction: Correction, known_persons: set[str],
                       record_years: dict[str, set[int]]) -> str | None:
    """Why a correction cannot apply, or None: its own problem, an unknown person, or a missing year."""
    if correction.problem:
        return correction.problem
    if correction.person_id not in known_persons:
        return "person_id not in persons"
    if correction.year is not None and correction.year not in record_years.get(correction.person_id, set()):
        return f"no talent record for person in {correction.year}"
    return None


def write_corrections_table(con: duckdb.DuckDBPyConnection, corrections: list[Correction], applied: set[int],
                            known_persons: set[str], path: Path,
                            record_years: dict[str, set[int]] | None = None) -> None:
    record_years = record_years or {}
    problems = [correction_problem(c, known_persons, record_years) for c in corrections]
    replace_table(con, "analyst_corrections", pa.table({
        "line_no": pa.array([c.line_no for c in corrections], pa.int32()),
        "person_id": pa.array([c.person_id for c in corrections], pa.string()),
        "field": pa.array([c.field for c in corrections], pa.string()),
        "year": pa.array([c.year for c in corrections], pa.int32()),
        "value": pa.array([c.value for c in corrections], pa.string()),
        "note": pa.array([c.note for c in corrections], pa.string()),
        "applied": pa.array([c.line_no in applied for c in corrections], pa.bool_()),
        "problem": pa.array(problems, pa.string()),
        "file": pa.array([str(path)] * len(corrections), pa.string()),
    }))


def build_talent_records(con: duckdb.DuckDBPyConnection, path: Path, lookup: ResolverLookup | None = None
                         ) -> dict[str, Any]:
    """Create or replace ``talent_records`` and ``analyst_corrections`` with the corrections file at ``path``
    (``lookup``: the affiliation resolver for email domains; None: the default); returns coverage figures."""
    corrections = read_corrections(path)
    records, applied = build_records(con, corrections, lookup)
    test_persons = read_test_persons(con)
    columns = ("conference", "year", "person_id", "name", "tier", "undergrad_country", "grad_country",
               "work_country", "work_institution_id", "sector", "track")
    table = pa.table({
        **{column: pa.array([getattr(r, column) for r in records], pa.string()) for column in columns
           if column != "year"},
        "year": pa.array([r.year for r in records], pa.int32()),
        "tracks": pa.array([r.tracks for r in records], pa.list_(pa.string())),
        "main_track_tier": pa.array([r.main_track_tier for r in records], pa.string()),
        "work_origin": pa.array([r.work_origin for r in records], pa.string()),
        "work_observed_year": pa.array([r.work_observed_year for r in records], pa.int32()),
        "test_data": pa.array([r.person_id in test_persons for r in records], pa.bool_()),
        "evidence": [r.evidence_json() for r in records],
        "confidence": pa.array([r.confidence for r in records], pa.float64()),
    })
    order = ("conference, year, person_id, name, tier, undergrad_country, grad_country, work_country, "
             "work_institution_id, sector, evidence::JSON AS evidence, confidence, track, tracks, main_track_tier, "
             "work_origin, work_observed_year, test_data")
    replace_table(con, "talent_records", table, select=order)
    known = {person for (person,) in con.execute("SELECT person_id FROM persons_core").fetchall()}
    record_years: dict[str, set[int]] = defaultdict(set)
    for r in records:
        record_years[r.person_id].add(r.year)
    write_corrections_table(con, corrections, applied, known, path, record_years)
    for correction in corrections:
        problem = correction_problem(correction, known, record_years)
        if problem:
            log.warning("%s line %d: correction not applied: %s", path, correction.line_no, problem)
    figures = {
        "records": len(records),
        "work_country_known": sum(1 for r in records if r.work_country),
        "undergrad_country_known": sum(1 for r in records if r.undergrad_country),
        "grad_country_known": sum(1 for r in records if r.grad_country),
        "main_track": sum(1 for r in records if r.track == "main"),
        "test_data": sum(1 for r in records if r.person_id in test_persons),
        "corrections_applied": len(applied),
        "corrections_in_file": len(corrections),
    }
    log.info("talent_records: %s", figures)
    return figures


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    report.notes["talent_records"] = build_talent_records(con, ctx.corrections_path, ResolverLookup(ctx.resolver))
