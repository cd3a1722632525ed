"""The file side of ``talent authors resolve``: IN.csv rows in, with every malformed row named and skipped.

IN.csv has columns ``id, paper_id, author_position, name, affiliation, email_domain, year`` (optional strong
keys ``openreview_id, orcid, dblp``); an earlier OUT.csv (``id, person_id``) lets persons keep their ids
when clusters grow. A row that cannot be used is reported with its line, id and problem, and the run goes
on; a file that cannot be trusted as a whole raises :class:`etl.batch_io.BatchInputError` (nothing written).
"""

from __future__ import annotations

import math
from pathlib import Path

from etl.batch_io import parse_csv, read_text, require_columns
from etl.people.records import AuthorRow
from etl.people.resolve import row_from_mapping

REQUIRED_COLUMNS = ("id", "paper_id", "author_position", "name", "affiliation", "email_domain", "year")


def read_rows(path: Path) -> tuple[list[AuthorRow], list[str]]:
    """Parse IN.csv; returns the good rows and one message per malformed row (line, id, problem).

    Raises :class:`etl.batch_io.BatchInputError` when the file as a whole cannot be trusted (missing
    columns, a quote left open, bytes that are not UTF-8, an oversized field): nothing is written then.
    """
    label = str(path)
    header, records = parse_csv(read_text(path), label)
    require_columns(header, REQUIRED_COLUMNS, label)
    rows: list[AuthorRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for record in records:
        if not record.fields or all(not f.strip() for f in record.fields):
            continue
        mapping = dict(zip(header, record.fields, strict=False))
        label_row = f"line {record.line} (id {mapping.get('id')!r})"
        if len(record.fields) != len(header):
            problems.append(f"{label_row}: {len(record.fields)} fields where the header has {len(header)}")
            continue
        year_problem = _year_problem(mapping.get("year"))
        if year_problem:
            problems.append(f"{label_row}: {year_problem}")
            continue
        try:
            row = row_from_mapping(mapping)
        except (ValueError, OverflowError) as exc:
            problems.append(f"{label_row}: {exc}")
            continue
        if row.id in seen:
            problems.append(f"{label_row}: duplicate id, first occurrence kept")
            continue
        seen.add(row.id)
        rows.append(row)
    return rows, problems


def _year_problem(value: str | None) -> str | None:
    """Why a year cell is unusable ("inf", "nan", "1e400", "2021.5"), or None when it is empty or a year."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return f"year {text!r} is not a number"
    if not math.isfinite(number) or number != int(number) or not 1000 <= number <= 9999:
        return f"year {text!r} is not a four-digit year"
    return None


def read_previous(path: Path) -> dict[str, str]:
    """id → person_id of an earlier OUT.csv; refused (nothing written) when it cannot be read as one."""
    label = str(path)
    header, records = parse_csv(read_text(path, "--previous"), label)
    col = require_columns(header, ("id", "person_id"), label)
    out: dict[str, str] = {}
    for record in records:
        if len(record.fields) != len(header):
            continue
        row_id, person_id = record.fields[col["id"]].strip(), record.fields[col["person_id"]].strip()
        if row_id and person_id:
            out[row_id] = person_id
    return out
