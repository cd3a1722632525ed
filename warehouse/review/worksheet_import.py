"""Importing a filled worksheet: validate the whole file first, then append to ``reviews`` in one transaction.

Every bad row is named with its line number; country codes are checked against ISO 3166 with pycountry.
Nothing is half-loaded, nothing is overwritten (``reviews`` is append-only; ``review_latest`` picks the newest
row per person), and the build never touches these tables.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pycountry

from etl.countries import country_code
from warehouse.review.sampling import ReviewError
from warehouse.review.worksheet import NOTE_COLUMN, REVIEW_COLUMNS, REVIEW_FIELDS, WORKSHEET_ENCODING
from warehouse.transaction import transaction


@dataclass(frozen=True, slots=True)
class ReviewRow:
    line_no: int
    sample_id: str
    person_id: str
    values: dict[str, str | None]  # REVIEW_COLUMNS -> value (countries as alpha-2)


def normalise_country(text: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a reviewer's country (code or English name), or None when not a country."""
    code = country_code(text)
    if code is None and len(text.strip()) == 2:
        code = text.strip().upper()
    if code is None or pycountry.countries.get(alpha_2=code) is None:
        return None
    return code


def validate_worksheet(
    con: duckdb.DuckDBPyConnection, path: Path
) -> tuple[list[ReviewRow], int, list[str]]:
    """(rows to load, rows left blank, problems) — every problem names its line; nothing is loaded here."""
    problems: list[str] = []
    try:
        handle = path.open(encoding=WORKSHEET_ENCODING, newline="")
    except OSError as exc:
        raise ReviewError(f"cannot read {path}: {exc}") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in ("sample_id", "person_id", *REVIEW_COLUMNS) if column not in header]
        if missing:
            raise ReviewError(f"{path}: line 1: the header lacks {', '.join(missing)} (is this a review worksheet?)")
        records = [(reader.line_num, record) for record in reader]
    drawn = {(sample, person) for sample, person in con.execute(
        "SELECT sample_id, person_id FROM review_sample_persons").fetchall()}
    samples = {sample for (sample,) in con.execute("SELECT sample_id FROM review_samples").fetchall()}
    rows: list[ReviewRow] = []
    blank = 0
    seen: dict[tuple[str, str], int] = {}
    for line_no, record in records:
        if None in record:  # more cells than header columns
            problems.append(f"line {line_no}: {len(record[None])} cell(s) beyond the header's columns")
            continue
        sample_id = (record.get("sample_id") or "").strip()
        person_id = (record.get("person_id") or "").strip()
        cells = {column: (record.get(column) or "").strip() for column in REVIEW_COLUMNS}
        if not any(cells.values()):
            blank += 1
            continue
        if sample_id not in samples:
            problems.append(f"line {line_no}: sample_id {sample_id!r} is not a recorded review sample")
            continue
        if (sample_id, person_id) not in drawn:
            problems.append(f"line {line_no}: person_id {person_id!r} was not drawn in sample {sample_id}")
            continue
        if (sample_id, person_id) in seen:
            problems.append(f"line {line_no}: person {person_id} appears again (first on line "
                            f"{seen[(sample_id, person_id)]})")
            continue
        seen[(sample_id, person_id)] = line_no
        values: dict[str, str | None] = {}
        for stage, (institution_column, country_column, _) in REVIEW_FIELDS.items():
            institution, country = cells[institution_column], cells[country_column]
            values[institution_column] = institution or None
            if not country:
                if institution:
                    problems.append(f"line {line_no}: {country_column} is empty but {institution_column} is "
                                    f"{institution!r}: give the {stage} institution's country")
                values[country_column] = None
                continue
            code = normalise_country(country)
            if code is None:
                problems.append(f"line {line_no}: {country_column} {country!r} is not an ISO 3166 country code "
                                "or name")
            values[country_column] = code
        values[NOTE_COLUMN] = cells[NOTE_COLUMN] or None
        rows.append(ReviewRow(line_no, sample_id, person_id, values))
    return rows, blank, problems


def import_worksheet(con: duckdb.DuckDBPyConnection, path: Path, reviewer: str) -> tuple[int, int]:
    """Validate the whole worksheet, then append its reviewed rows; returns (rows loaded, rows left blank)."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise ReviewError("--reviewer must name who reviewed")
    rows, blank, problems = validate_worksheet(con, path)
    if problems:
        raise ReviewError(f"{path}: {len(problems)} problem(s); nothing was loaded", problems)
    reviewed_at = datetime.now(UTC)
    with transaction(con):
        con.executemany(
            "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[row.sample_id, row.person_id, *(row.values[column] for column in REVIEW_COLUMNS), reviewer,
              reviewed_at, str(path), row.line_no] for row in rows],
        )
    return len(rows), blank
