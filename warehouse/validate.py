"""Per-source schemas for landed records: the gate a line must pass before it enters ``raw_records``.

The build casts landed JSON with ``CAST``/``from_json`` (years and author positions to INTEGER, flags to
BOOLEAN). A value those casts cannot read (``year: "twenty-two"``, ``position: "first"``) would fail every
later build, so each line is checked here first, with the same types the staging views expect; a line
that fails goes to ``raw_quarantine`` with its file, line number and reason, and the rest still loads.
The same check runs over committed raw rows at build time (``quarantine_committed``), so a poison row
that entered before this gate existed is skipped, not fatal.

Checks are plain functions returning the first problem as text (``None`` when the record is fine):
the reason must name the field and the bad value, because an operator reads it in ``talent status``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

FIRST_YEAR, LAST_YEAR = 1987, 2100
TIERS = ("oral", "spotlight", "poster")

# Spider name → record type it lands. A source outside this list is refused: its rows would be read by
# no staging view (an ``openreviewX`` crawl once emptied person_education without a word).
SOURCE_RECORD_TYPES: dict[str, str] = {
    "neurips_virtual": "paper",
    "neurips_proceedings": "paper",
    "openreview": "paper",
    "openreview_profiles": "profile",
    "orcid": "profile",
}
KNOWN_SOURCES = tuple(SOURCE_RECORD_TYPES)
ENVELOPE_STRINGS = ("crawl_id", "source", "record_type", "record_key", "source_url", "body_sha256")
ENVELOPE_FIELDS = (*ENVELOPE_STRINGS, "fetched_at", "data")


class UnknownSourceError(ValueError):
    """A landing file or line names a source no spider of ours produces."""


def unknown_source_message(source: object) -> str:
    return f"unknown source {source!r} (known sources: {', '.join(KNOWN_SOURCES)})"


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional(kind: type | tuple[type, ...], value: object) -> bool:
    return value is None or isinstance(value, kind)


def parse_fetched_at(value: object) -> datetime | None:
    """An ISO 8601 time with a time zone, or None when it is not one (naive times are ambiguous)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None
    return parsed


def envelope_problem(line: object) -> str | None:
    """What is wrong with a landing line's provenance fields, or None."""
    if not isinstance(line, dict):
        return f"line is a JSON {type(line).__name__}, not an object"
    missing = [name for name in ENVELOPE_FIELDS if name not in line]
    if missing:
        return f"missing fields {missing}"
    for name in ENVELOPE_STRINGS:
        value = line[name]
        if not isinstance(value, str) or not value.strip():
            return f"{name} must be a non-empty string, got {_short(value)}"
    if line["source"] not in SOURCE_RECORD_TYPES:
        return unknown_source_message(line["source"])
    expected_type = SOURCE_RECORD_TYPES[line["source"]]
    if line["record_type"] != expected_type:
        return f"record_type {_short(line['record_type'])} is not what {line['source']} lands ({expected_type!r})"
    if parse_fetched_at(line["fetched_at"]) is None:
        return f"fetched_at must be an ISO 8601 time with a time zone, got {_short(line['fetched_at'])}"
    if not isinstance(line["data"], dict):
        return f"data must be a JSON object, got {_short(line['data'])}"
    return None


def _year_problem(value: object, name: str = "data.year") -> str | None:
    if not _is_int(value) or not FIRST_YEAR <= value <= LAST_YEAR:
        return f"{name} must be an integer year {FIRST_YEAR}–{LAST_YEAR}, got {_short(value)}"
    return None


def paper_problem(data: dict[str, Any]) -> str | None:
    """A paper record as ``scrapers.items.PaperRecord.to_dict`` writes it, typed as stg_paper_records reads it."""
    for name in ("conference", "paper_id"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            return f"data.{name} must be a non-empty string, got {_short(data.get(name))}"
    if problem := _year_problem(data.get("year")):
        return problem
    for name in ("title", "track", "decision"):
        if not _optional(str, data.get(name)):
            return f"data.{name} must be a string or null, got {_short(data.get(name))}"
    if data.get("tier") is not None and data.get("tier") not in TIERS:
        return f"data.tier must be one of {TIERS} or null, got {_short(data.get('tier'))}"
    if not _optional(dict, data.get("links")):
        return f"data.links must be an object, got {_short(data.get('links'))}"
    authors = data.get("authors", [])
    if not isinstance(authors, list):
        return f"data.authors must be a list, got {_short(authors)}"
    for index, author in enumerate(authors, start=1):
        if not isinstance(author, dict):
            return f"author {index} must be an object, got {_short(author)}"
        position = author.get("position")
        if not _is_int(position) or position < 1:
            return f"author {index} position must be an integer from 1, got {_short(position)}"
        for name in ("name", "institution", "source_id", "email_domain"):
            if not _optional(str, author.get(name)):
                return f"author {index} {name} must be a string or null, got {_short(author.get(name))}"
    return None


def _dated_entries_problem(entries: object, what: str, nested: bool) -> str | None:
    """History (OpenReview: start/end years) or ORCID sections (start/end {year, month})."""
    if entries is None:
        return None
    if not isinstance(entries, list):
        return f"{what} must be a list, got {_short(entries)}"
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            return f"{what} entry {index} must be an object, got {_short(entry)}"
        for end in ("start", "end"):
            value = entry.get(end)
            parts = value.items() if nested and isinstance(value, dict) else [(None, value)]
            if nested and not _optional(dict, value):
                return f"{what} entry {index} {end} must be an object or null, got {_short(value)}"
            for part, number in parts:
                if number is not None and not _is_int(number):
                    label = f"{end}.{part}" if part else end
                    return f"{what} entry {index} {label} must be an integer or null, got {_short(number)}"
        for name in ("institution", "organization"):
            if not _optional(dict, entry.get(name)):
                return f"{what} entry {index} {name} must be an object or null, got {_short(entry.get(name))}"
    return None


def profile_problem(data: dict[str, Any], source: str) -> str | None:
    """A profile record (``ProfileRecord.to_dict``) with the fields the profile staging views cast."""
    if not isinstance(data.get("source_profile_id"), str) or not data["source_profile_id"].strip():
        return f"data.source_profile_id must be a non-empty string, got {_short(data.get('source_profile_id'))}"
    if not _optional(bool, data.get("hidden")):
        return f"data.hidden must be true, false or null, got {_short(data.get('hidden'))}"
    body = data.get("data")
    if not isinstance(body, dict):
        return f"data.data must be an object, got {_short(body)}"
    if not _optional(bool, body.get("test_data")):
        return f"data.data.test_data must be true, false or null, got {_short(body.get('test_data'))}"
    if source == "openreview_profiles":
        names = body.get("names")
        if names is not None and not (isinstance(names, list) and all(isinstance(n, dict) for n in names)):
            return f"data.data.names must be a list of objects, got {_short(names)}"
        domains = body.get("email_domains")
        if domains is not None and not (isinstance(domains, list) and all(isinstance(d, str) for d in domains)):
            return f"data.data.email_domains must be a list of strings, got {_short(domains)}"
        return _dated_entries_problem(body.get("history"), "data.data.history", nested=False)
    for section in ("educations", "employments"):
        if problem := _dated_entries_problem(body.get(section), f"data.data.{section}", nested=True):
            return problem
    return None


DATA_CHECKS: dict[str, Callable[[dict[str, Any], str], str | None]] = {
    "paper": lambda data, source: paper_problem(data),
    "profile": profile_problem,
}


def record_problem(line: object) -> str | None:
    """The first problem of one landed line (envelope, then the source's data schema), or None."""
    if problem := envelope_problem(line):
        return problem
    assert isinstance(line, dict)
    if problem := DATA_CHECKS[line["record_type"]](line["data"], line["source"]):
        return problem
    return future_year_problem(line["data"], parse_fetched_at(line["fetched_at"]))


def future_year_problem(data: dict[str, Any], fetched_at: datetime | None) -> str | None:
    """A paper cannot belong to a conference more than a year after it was fetched (accepted-paper lists
    appear months before the meeting): six stray 2030 papers must not become the study's latest year."""
    year = data.get("year")
    if fetched_at is not None and _is_int(year) and year > fetched_at.year + 1:
        return f"data.year {year} is more than a year after the record was fetched ({fetched_at.date()})"
    return None


def data_problem(source: str, record_type: str, data: object, fetched_at: datetime | None = None) -> str | None:
    """The same check for a committed raw row (its envelope columns are typed by the table already)."""
    if source not in SOURCE_RECORD_TYPES:
        return unknown_source_message(source)
    if SOURCE_RECORD_TYPES[source] != record_type:
        return f"record_type {record_type!r} is not what {source} lands"
    if not isinstance(data, dict):
        return f"data must be a JSON object, got {_short(data)}"
    return DATA_CHECKS[record_type](data, source) or future_year_problem(data, fetched_at)


def quarantine_committed(con: Any) -> int:
    """Set aside committed raw rows that fail their schema (rows loaded before this gate, or by hand).

    The build calls this first; staging reads only rows not in ``raw_quarantine``, falling back to the
    record's last good version, so one poison row costs that version, never the build. Returns how many
    rows were newly quarantined.
    """
    import json

    rows = con.execute(
        """SELECT r.raw_id, r.crawl_id, r.source, r.record_key, r.record_type, r.data,
                  strftime(r.fetched_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S+00:00') FROM raw_records r
           WHERE NOT EXISTS (SELECT 1 FROM raw_quarantine q WHERE q.raw_id = r.raw_id)"""
    ).fetchall()
    found = []
    for raw_id, crawl_id, source, record_key, record_type, data, fetched_at in rows:
        try:
            value = json.loads(data)
        except ValueError as exc:
            problem = f"data is not JSON: {exc}"
        else:
            problem = data_problem(source, record_type, value, parse_fetched_at(fetched_at))
        if problem:
            found.append((raw_id, crawl_id, source, record_key, problem, data[:65_536]))
    for raw_id, crawl_id, source, record_key, problem, data in found:
        con.execute(
            "INSERT INTO raw_quarantine VALUES (NULL, NULL, ?, ?, ?, ?, ?, ?, now())",
            [raw_id, crawl_id, source, record_key, f"committed row fails its schema: {problem}", data],
        )
    return len(found)
