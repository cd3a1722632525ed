"""Parse OpenReview profile responses (``POST /profiles/search``, ``GET /profiles?id=``).

A profile is reduced to what the study needs: names and usernames, dated history entries (position,
institution name/domain/country/department), email *domains*, and the DBLP/ORCID/homepage links.
Email addresses never leave this module: guests see masked ``****@domain`` values, but a logged-in
crawl sees real ones, so every email is cut to its domain and every other string is scrubbed of
addresses before it is landed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from scrapers.parsing.common import ParseError, clean_text, email_domain

_EMAIL = re.compile(r"[\w.+%*-]+@((?:[\w-]+\.)+[a-z]{2,})", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")
_DBLP_PID = re.compile(r"dblp\.(?:org|uni-trier\.de)/pid/([^?#]+?)(?:\.html|\.xml)?/?$")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)

STATUS_FOUND = "found"
STATUS_HIDDEN = "hidden"  # the API refused to show it (403): it exists, but not to us
STATUS_MISSING = "missing"  # the API knows no such profile (404 or an empty answer)


def scrub_emails(value: Any) -> Any:
    """Replace every email address inside strings, lists and dicts by its domain (``a@b.org`` → ``b.org``)."""
    if isinstance(value, str):
        return _EMAIL.sub(lambda match: match.group(1).lower(), value) if "@" in value else value
    if isinstance(value, list):
        return [scrub_emails(item) for item in value]
    if isinstance(value, dict):
        return {key: scrub_emails(item) for key, item in value.items()}
    return value


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11-2 check digit, as ORCID computes it: catches typos and truncated ids."""
    digits = orcid.replace("-", "").upper()
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for char in digits[:15]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


def normalise_orcid(value: object) -> str | None:
    """``https://orcid.org/0000-…`` or a bare iD → the bare iD, or None when absent or not a valid iD."""
    match = _ORCID.search(str(value or ""))
    if not match:
        return None
    orcid = match.group(1).upper()
    return orcid if orcid_checksum_ok(orcid) else None


def dblp_pid(value: object) -> str | None:
    """The DBLP person id (``31/8315``) from a profile's dblp link, or None."""
    match = _DBLP_PID.search(str(value or "").strip())
    return match.group(1) if match else None


def year_of(value: object) -> int | None:
    """History ``start``/``end`` are years as numbers or strings ("2019", "2019-09"); None when unknown."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1800 <= value <= 2100 else None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


@dataclass(slots=True)
class ProfilesPage:
    profiles: list[dict[str, Any]]


def parse_profiles_page(body: bytes | str) -> ProfilesPage:
    """``{"profiles": [...]}`` from either profile endpoint."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"profiles page is not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), list):
        raise ParseError("profiles page has no 'profiles' list")
    return ProfilesPage([item for item in document["profiles"] if isinstance(item, dict)])


def usernames(profile: dict[str, Any]) -> list[str]:
    """Every ``~`` id the profile answers to: its id and the usernames of its names (ids change on renames)."""
    content = profile.get("content") or {}
    found = [str(profile.get("id") or "")]
    for name in content.get("names") or []:
        if isinstance(name, dict) and name.get("username"):
            found.append(str(name["username"]))
    return [value for value in dict.fromkeys(found) if value.startswith("~")]


def _history_entry(entry: dict[str, Any]) -> dict[str, Any]:
    institution = entry.get("institution") or {}
    domain = clean_text(institution.get("domain"))
    if domain and "@" in domain:
        domain = email_domain(domain)
    return {
        "position": clean_text(entry.get("position")),
        "start": year_of(entry.get("start")),
        "end": year_of(entry.get("end")),
        # "observed": start/end are the first/last year a snapshot showed the entry (the offline mirror's
        # reconstructed careers), not the dates the researcher gave; "stated" otherwise.
        "bounds": "observed" if entry.get("_bounds") == "observed" else "stated",
        "institution": {
            "name": clean_text(institution.get("name")),
            "domain": domain.lower() if domain else None,
            "country": clean_text(institution.get("country")),
            "city": clean_text(institution.get("city")),
            "department": clean_text(institution.get("department")),
        },
    }


def _email_domains(content: dict[str, Any]) -> list[str]:
    values = [*(content.get("emails") or []), content.get("preferredEmail")]
    domains = [email_domain(str(value)) for value in values if value]
    return [domain for domain in dict.fromkeys(domains) if domain]


def profile_data(profile: dict[str, Any], requested_id: str) -> dict[str, Any]:
    """The landed shape of one found profile; ``requested_id`` is the id we asked for (maybe an old alias)."""
    profile_id = str(profile.get("id") or "")
    if not profile_id.startswith("~"):
        raise ParseError(f"profile for {requested_id} has no '~' id: {str(profile)[:120]}")
    content = profile.get("content") or {}
    names = []
    for name in content.get("names") or []:
        if isinstance(name, dict) and clean_text(name.get("fullname")):
            names.append(
                {
                    "fullname": clean_text(name.get("fullname")),
                    "preferred": bool(name.get("preferred")),
                    "username": clean_text(name.get("username")),
                }
            )
    preferred = next((n["fullname"] for n in names if n["preferred"]), names[0]["fullname"] if names else None)
    history = [_history_entry(entry) for entry in content.get("history") or [] if isinstance(entry, dict)]
    data = {
        "status": STATUS_FOUND,
        "requested_id": requested_id,
        "profile_id": profile_id,
        "usernames": usernames(profile),
        "preferred_name": preferred,
        "names": names,
        "email_domains": _email_domains(content),
        "history": history,
        "homepage": clean_text(content.get("homepage")),
        "dblp": clean_text(content.get("dblp")),
        "dblp_pid": dblp_pid(content.get("dblp")),
        "orcid": normalise_orcid(content.get("orcid")),
        "gscholar": clean_text(content.get("gscholar")),
        "test_data": bool(profile.get("_test_data")),
    }
    return scrub_emails(data)


def absent_profile_data(requested_id: str, status: str, reason: str) -> dict[str, Any]:
    """What we land for a profile the API would not show: the id, whether hidden or missing, and why."""
    if status not in (STATUS_HIDDEN, STATUS_MISSING):
        raise ValueError(f"absent profile status must be hidden or missing, got {status!r}")
    return {"status": status, "requested_id": requested_id, "profile_id": None, "reason": reason}


def match_requested(profiles: list[dict[str, Any]], requested: list[str]) -> tuple[dict[str, dict], list[str]]:
    """Pair requested ids with returned profiles by id or username; the ids no profile claims are returned
    apart, so the spider can look each up alone (an old alias, a hidden or a missing profile)."""
    by_username: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        for username in usernames(profile):
            by_username.setdefault(username, profile)
    matched = {wanted: by_username[wanted] for wanted in requested if wanted in by_username}
    unmatched = [wanted for wanted in requested if wanted not in matched]
    return matched, unmatched
