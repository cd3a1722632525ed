"""Parse ORCID public API v3.0 responses: ``/record``, ``/educations`` and ``/employments``.

Only affiliations and the name are kept: role title, department, partial start/end dates (any of
year/month/day may be null), the organisation's name and address, and its disambiguated identifier
(ROR, GRID, Ringgold, FundRef) — a ROR id lets the warehouse skip fuzzy name matching. The record's
``person`` section also lists email addresses; they are never read.
"""

from __future__ import annotations

import json
from typing import Any

from scrapers.parsing.common import ParseError, clean_text
from scrapers.parsing.profiles import STATUS_FOUND, normalise_orcid, scrub_emails

SECTIONS = ("educations", "employments")
_SUMMARY_KEY = {"educations": "education-summary", "employments": "employment-summary"}


def _value(node: object) -> Any:
    """ORCID wraps scalars as ``{"value": …}``; null stays None."""
    return node.get("value") if isinstance(node, dict) else node


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def partial_date(node: object) -> dict[str, int | None] | None:
    """``{"year": {"value": "2015"}, "month": null, …}`` → ``{"year": 2015, "month": None, "day": None}``."""
    if not isinstance(node, dict):
        return None
    date = {part: _int_or_none(_value(node.get(part))) for part in ("year", "month", "day")}
    return date if date["year"] is not None else None


def _organisation(node: object) -> dict[str, Any]:
    organisation = node if isinstance(node, dict) else {}
    address = organisation.get("address") or {}
    disambiguated = organisation.get("disambiguated-organization") or {}
    return {
        "name": clean_text(organisation.get("name")),
        **{part: clean_text(address.get(part)) for part in ("city", "region", "country")},
        "disambiguated_id": clean_text(disambiguated.get("disambiguated-organization-identifier")),
        "disambiguation_source": clean_text(disambiguated.get("disambiguation-source")),
    }


def affiliation_entries(section_node: object, section: str) -> list[dict[str, Any]]:
    """Entries of one affiliation section (the body of ``/educations`` or ``activities-summary.educations``)."""
    if section not in _SUMMARY_KEY:
        raise ValueError(f"section must be one of {SECTIONS}, got {section!r}")
    if section_node is None:
        return []
    if not isinstance(section_node, dict):
        raise ParseError(f"ORCID {section} is not an object")
    entries = []
    for group in section_node.get("affiliation-group") or []:
        for summary in (group or {}).get("summaries") or []:
            item = (summary or {}).get(_SUMMARY_KEY[section])
            if not isinstance(item, dict):
                continue
            entries.append(
                {
                    "put_code": item.get("put-code"),
                    "role_title": clean_text(item.get("role-title")),
                    "department": clean_text(item.get("department-name")),
                    "start": partial_date(item.get("start-date")),
                    "end": partial_date(item.get("end-date")),
                    "organization": _organisation(item.get("organization")),
                }
            )
    return entries


def _load(body: bytes | str, what: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"ORCID {what} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ParseError(f"ORCID {what} is not a JSON object")
    return document


def _name(person: object) -> str | None:
    name = (person or {}).get("name") if isinstance(person, dict) else None
    if not isinstance(name, dict):
        return None
    credit = clean_text(_value(name.get("credit-name")))
    given = clean_text(_value(name.get("given-names")))
    family = clean_text(_value(name.get("family-name")))
    return credit or " ".join(part for part in (given, family) if part) or None


def parse_orcid_record(body: bytes | str, orcid: str) -> dict[str, Any]:
    """The landed shape of a ``/v3.0/{orcid}/record`` response."""
    document = _load(body, "record")
    identifier = normalise_orcid((document.get("orcid-identifier") or {}).get("path")) or orcid
    activities = document.get("activities-summary") or {}
    data = {
        "status": STATUS_FOUND,
        "orcid": identifier,
        "name": _name(document.get("person")),
        **{section: affiliation_entries(activities.get(section), section) for section in SECTIONS},
        "test_data": bool(document.get("_test_data")),  # the offline mirror's fictional researchers
    }
    return scrub_emails(data)


def parse_orcid_section(body: bytes | str, section: str) -> list[dict[str, Any]]:
    """Entries of a ``/v3.0/{orcid}/educations`` or ``/employments`` response."""
    return scrub_emails(affiliation_entries(_load(body, section), section))
