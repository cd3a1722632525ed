"""Analyst corrections: a reviewed CSV of (person_id, field, value, note) applied on every rebuild.

The file lives in the repository (``data/corrections/corrections.csv``; ``TALENT_CORRECTIONS`` names
another, read once by ``warehouse.context.BuildContext``), not in the warehouse, so corrections are
versioned with the code, survive a re-crawl or a fresh warehouse, and stay attached to people because
person ids are stable across rebuilds. ``field``
may carry a year (``work_country:2019``) to correct one conference-year only. An empty value means
"known to be unknown" and sets NULL. A correction that names an unknown person or field, or an
invalid value, an empty year (``work_country:``), or a year in which the person has no talent record, is not
applied and is listed with its problem in ``analyst_corrections``. Correcting ``work_country`` clears the
automatic ``work_institution_id`` and ``sector`` unless those are corrected too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from etl.countries import country_code
from etl.paths import DATA_DIR

DEFAULT_PATH = DATA_DIR / "corrections" / "corrections.csv"
HEADER = ("person_id", "field", "value", "note")
SECTORS = ("academia", "industry", "government", "other")
COUNTRY_FIELDS = ("undergrad_country", "grad_country", "work_country")
FIELDS = ("name", *COUNTRY_FIELDS, "work_institution_id", "sector")


@dataclass(frozen=True, slots=True)
class Correction:
    line_no: int
    person_id: str
    field: str
    year: int | None
    value: str | None
    note: str
    problem: str | None = None


def _normalise(field: str, value: str) -> tuple[str | None, str | None]:
    """(value to store, problem) for one field."""
    if value == "":
        return None, None
    if field in COUNTRY_FIELDS:
        code = country_code(value)
        return (code, None) if code else (None, f"{value!r} is not a country")
    if field == "sector":
        return (value.lower(), None) if value.lower() in SECTORS else (None, f"sector must be one of {SECTORS}")
    return value, None


def parse_line(line_no: int, record: dict[str, str | None]) -> Correction:
    person_id = (record.get("person_id") or "").strip()
    raw_field = (record.get("field") or "").strip()
    value = (record.get("value") or "").strip()
    note = (record.get("note") or "").strip()
    field, colon, year_text = raw_field.partition(":")
    field, year_text = field.strip(), year_text.strip()
    year = int(year_text) if year_text.isdigit() else None
    problem = None
    if not person_id:
        problem = "person_id is empty"
    elif field not in FIELDS:
        problem = f"field {raw_field!r} is not one of {FIELDS} (optionally ':YEAR')"
    elif colon and not year_text:
        # "work_country:" is an unfinished year-specific correction, not one for every year
        problem = f"year in {raw_field!r} is empty (write {field}:YEAR, or {field} for every year)"
    elif year_text and year is None:
        problem = f"year in {raw_field!r} is not a number"
    stored, value_problem = _normalise(field, value) if problem is None else (value or None, None)
    return Correction(line_no, person_id, field, year, stored, note, problem or value_problem)


def read_corrections(path: Path) -> list[Correction]:
    """Every line of the file (comment lines starting with '#' skipped); a missing file means none."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        return []
    reader = csv.DictReader((line for _, line in lines))
    missing = [name for name in HEADER if name not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}: header must be {','.join(HEADER)} (missing {missing})")
    return [parse_line(lines[i + 1][0], record) for i, record in enumerate(reader)]


def write_template(path: Path) -> None:
    """An empty corrections file: the format comment and the header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Analyst corrections, applied on every warehouse build (etl/people/corrections.py).\n"
        "# person_id: persons.person_id; field: name, undergrad_country, grad_country, work_country,\n"
        "# work_institution_id or sector, optionally ':YEAR' for one conference-year (work_country:2019);\n"
        "# value: ISO country code / institution id / academia|industry|government|other; empty = unknown.\n"
        + ",".join(HEADER) + "\n",
        encoding="utf-8",
    )
