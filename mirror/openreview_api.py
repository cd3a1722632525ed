"""api.openreview.net (API v1) for NeurIPS 2021 and 2022: ``/notes`` by invitation and the profile look-ups.

Real values: forum ids, titles, author names, author ids (profile ids or raw emails, as submitted),
keywords, acceptance, track. Reconstructed from the documented v1 shape (shared/formats/
openreview_api_v1_note_2018.json): ``number`` (position in id order), ``cdate``/``tmdate`` (deterministic
within the submission window), ``pdf``, ``paperhash``, readers/writers/signatures, and the venue strings
below (no verbatim 2022 note was available; spiders should prefer ``venueid``, matched exactly, over
``venue``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from etl.people.career_snapshots import bundled_histories
from mirror.career_history import history_entries
from mirror.fixture_venue import FIXTURE_INVITATION, fixture_notes
from mirror.page import JSON, Page, json_bytes, json_page
from mirror.papers_2022 import Paper2022, openreview_year_papers
from mirror.source_data import OPENREVIEW_AUTHOR_YEARS, openreview_authors

MAIN_INVITATION = "NeurIPS.cc/2022/Conference/-/Blind_Submission"
DATASETS_INVITATION = "NeurIPS.cc/2022/Track/Datasets_and_Benchmarks/-/Submission"

MAIN_VENUEID = "NeurIPS.cc/2022/Conference"
DATASETS_VENUEID = "NeurIPS.cc/2022/Track/Datasets_and_Benchmarks"
REJECTED_VENUEID = "NeurIPS.cc/2022/Conference/Rejected_Submission"
MAIN_ACCEPT_VENUE = "NeurIPS 2022 Accept"
DATASETS_ACCEPT_VENUE = "NeurIPS 2022 Datasets and Benchmarks"
REJECTED_VENUE = "Submitted to NeurIPS 2022"

# NeurIPS 2021: one main-track invitation; the venue string names the tier ("NeurIPS 2021 Oral").
MAIN_INVITATION_2021 = "NeurIPS.cc/2021/Conference/-/Blind_Submission"
MAIN_VENUEID_2021 = "NeurIPS.cc/2021/Conference"
REJECTED_VENUEID_2021 = "NeurIPS.cc/2021/Conference/Rejected_Submission"
REJECTED_VENUE_2021 = "Submitted to NeurIPS 2021"

MAX_LIMIT = 1000
_SUBMISSION_OPENS_MS = {MAIN_INVITATION: 1_652_140_800_000, DATASETS_INVITATION: 1_654_041_600_000,
                        MAIN_INVITATION_2021: 1_621_900_800_000}
_SUBMISSION_WINDOW_S = 14 * 86_400
_LAST_MODIFIED_MS = 1_673_308_800_000  # 2023-01-10, after camera-ready


def _stable_int(text: str) -> int:
    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:12], 16)


def paperhash(first_author: str, title: str) -> str:
    """OpenReview's ``paperhash``: first author's last name, then the title, lowercase, '_'-joined."""
    surname = first_author.split()[-1].lower() if first_author.split() else ""
    words = re.findall(r"\w+", title.lower())
    return f"{surname}|{'_'.join(words)}"


def invitation_of(paper: Paper2022) -> str:
    if paper.year == 2021:
        return MAIN_INVITATION_2021
    return DATASETS_INVITATION if paper.is_datasets_track else MAIN_INVITATION


def venue_of(paper: Paper2022) -> tuple[str, str]:
    if paper.year == 2021:
        if not paper.accepted:
            return REJECTED_VENUE_2021, REJECTED_VENUEID_2021
        return f"NeurIPS 2021 {paper.tier.capitalize()}", MAIN_VENUEID_2021
    if not paper.accepted:
        return REJECTED_VENUE, REJECTED_VENUEID
    if paper.is_datasets_track:
        return DATASETS_ACCEPT_VENUE, DATASETS_VENUEID
    return MAIN_ACCEPT_VENUE, MAIN_VENUEID


def build_note(paper: Paper2022, number: int) -> dict[str, Any]:
    invitation = invitation_of(paper)
    venue, venueid = venue_of(paper)
    group = invitation.split("/-/")[0]
    cdate = _SUBMISSION_OPENS_MS[invitation] + (_stable_int(paper.forum_id) % _SUBMISSION_WINDOW_S) * 1000
    names = [author.name for author in paper.authors]
    return {
        "id": paper.forum_id,
        "original": None,
        "number": number,
        "cdate": cdate,
        "tcdate": cdate,
        "tmdate": _LAST_MODIFIED_MS,
        "ddate": None,
        "content": {
            "title": paper.note_title,
            "authors": names,
            "authorids": [author.authorid for author in paper.authors if author.authorid],
            "keywords": list(paper.keywords),
            "abstract": "",
            "venue": venue,
            "venueid": venueid,
            "paperhash": paperhash(names[0] if names else "", paper.note_title),
            "pdf": f"/pdf/{hashlib.sha1(paper.forum_id.encode()).hexdigest()}.pdf",
        },
        "forum": paper.forum_id,
        "referent": None,
        "invitation": invitation,
        "replyto": None,
        "readers": ["everyone"],
        "nonreaders": [],
        "signatures": [group],
        "writers": [group],
    }


@dataclass(frozen=True, slots=True)
class NoteIndex:
    """Notes per invitation, pre-serialised in id order so paging is a slice and a join."""

    notes: dict[str, tuple[dict[str, Any], ...]]
    serialised: dict[str, tuple[bytes, ...]]

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {note["id"]: note for notes in self.notes.values() for note in notes}


@cache
def note_index() -> NoteIndex:
    grouped: dict[str, list[Paper2022]] = {MAIN_INVITATION_2021: [], MAIN_INVITATION: [], DATASETS_INVITATION: []}
    for year in OPENREVIEW_AUTHOR_YEARS:
        for paper in openreview_year_papers(year):  # already sorted by forum id
            grouped[invitation_of(paper)].append(paper)
    notes = {inv: tuple(build_note(p, n) for n, p in enumerate(papers, 1)) for inv, papers in grouped.items()}
    notes[FIXTURE_INVITATION] = fixture_notes()  # fictional researchers only; see mirror.fixture_venue
    serialised = {inv: tuple(json_bytes(note) for note in items) for inv, items in notes.items()}
    return NoteIndex(notes, serialised)


class ApiError(ValueError):
    """A request the real API would refuse with 400; ``body`` mimics its error JSON."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.body = {"name": "ValidationError", "status": 400, "message": message}


def _int_param(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[0])
    except ValueError as exc:
        raise ApiError(f"{name} must be an integer, got {values[0]!r}") from exc
    if value < 0:
        raise ApiError(f"{name} must be >= 0, got {value}")
    return value


def notes_page(query: dict[str, list[str]]) -> Page:
    """``GET /notes?invitation=…&offset=…&limit=…`` (or ``id=``/``forum=``): ``{"notes": [...], "count": N}``."""
    index = note_index()
    try:
        offset = _int_param(query, "offset", 0)
        limit = min(_int_param(query, "limit", MAX_LIMIT), MAX_LIMIT)
    except ApiError as error:
        return json_page(error.body, status=400)
    wanted_id = (query.get("id") or query.get("forum") or [None])[0]
    if wanted_id is not None:
        note = index.by_id().get(wanted_id)
        chunk = [json_bytes(note)] if note else []
        total = len(chunk)
    else:
        invitation = (query.get("invitation") or [""])[0]
        items = index.serialised.get(invitation, ())
        total = len(items)
        chunk = list(items[offset:offset + limit])
    body = b'{"notes":[' + b",".join(chunk) + b'],"count":' + str(total).encode() + b"}"
    return Page(body, JSON)


# --- profiles -------------------------------------------------------------------------------------

def _dblp_url(value: str) -> str:
    return value if not value or value.startswith("http") else f"https://dblp.org/pid/{value}"


def _scholar_url(value: str) -> str:
    return value if not value or value.startswith("http") else f"https://scholar.google.com/citations?user={value}"


class _IdGroups:
    """Union-find over profile ids: a submission-time id and the crawled profile id are one person."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, left: str, right: str) -> None:
        self.parent[self.find(left)] = self.find(right)


@dataclass(frozen=True, slots=True)
class ProfileIndex:
    profiles: dict[str, dict[str, Any]]  # canonical id -> profile
    aliases: dict[str, str]  # any id seen (submission-time or crawled) -> canonical id

    def lookup(self, ids: list[str]) -> list[dict[str, Any]]:
        """Profiles for ``ids`` in request order, each once; unknown ids are left out, as upstream."""
        found: dict[str, dict[str, Any]] = {}
        for wanted in ids:
            canonical = self.aliases.get(wanted)
            if canonical and canonical not in found:
                found[canonical] = self.profiles[canonical]
        return list(found.values())


_PROFILE_FIELDS = ("name", "aff", "aff_domain", "position", "homepage", "dblp", "orcid", "google_scholar")
_AFFILIATION_FIELDS = ("aff", "aff_domain", "position")


@cache
def profile_index() -> ProfileIndex:
    """One profile per person from the 2021 and 2022 author files; later values win, field by field.

    A person is every ``~`` id linked through (submission ``authorids``, crawled ``or_profile``) pairs;
    the profile's ``id`` is the most recently crawled ``or_profile``, and every linked id finds it. The
    history comes from the reconstructed careers (see :func:`_profile`).
    """
    rows = [author for year in OPENREVIEW_AUTHOR_YEARS
            for authors in openreview_authors(year).values() for author in authors]
    groups = _IdGroups()
    for author in rows:
        ids = [value for value in (author.authorid, author.or_profile) if value.startswith("~")]
        for value in ids:
            groups.find(value)
        if len(ids) == 2:
            groups.union(ids[0], ids[1])
    preferred: dict[str, str] = {}
    merged: dict[str, dict[str, str]] = {}
    for author in rows:  # oldest first, so later crawls overwrite
        ids = [value for value in (author.or_profile, author.authorid) if value.startswith("~")]
        if not ids:
            continue
        root = groups.find(ids[0])
        preferred[root] = ids[0]
        fields = merged.setdefault(root, {})
        for name in _PROFILE_FIELDS:
            value = getattr(author, name)
            if value and name not in _AFFILIATION_FIELDS:
                fields[name] = value
        if author.aff or author.aff_domain:  # one position: never mix one crawl's name with another's domain
            fields.update({name: getattr(author, name) for name in _AFFILIATION_FIELDS})
    profiles = {preferred[root]: _profile(preferred[root], fields) for root, fields in merged.items()}
    aliases = {member: preferred[groups.find(member)] for member in groups.parent}
    return ProfileIndex(profiles, aliases)


def _profile(canonical: str, fields: dict[str, str]) -> dict[str, Any]:
    """A profile in OpenReview's shape; its history is the career reconstructed from year-by-year snapshots
    (:mod:`mirror.career_history`, bounds marked as observed), else the one undated position crawled."""
    domain = fields.get("aff_domain", "")
    history = history_entries(bundled_histories().get(canonical, ()))
    if not history and (fields.get("aff") or domain):
        history.append({"position": fields.get("position", ""), "start": None, "end": None,
                        "institution": {"name": fields.get("aff", ""), "domain": domain}})
    emails = [f"****@{domain}"] if domain else []
    return {
        "id": canonical,
        "active": True,
        "content": {
            "names": [{"fullname": fields.get("name", ""), "preferred": True, "username": canonical}],
            "emails": emails,
            "preferredEmail": emails[0] if emails else None,
            "history": history,
            "relations": [],
            "expertise": [],
            "homepage": fields.get("homepage", ""),
            "dblp": _dblp_url(fields.get("dblp", "")),
            "orcid": fields.get("orcid", ""),
            "gscholar": _scholar_url(fields.get("google_scholar", "")),
        },
    }


def requested_profile_ids(query: dict[str, list[str]]) -> list[str]:
    """The ids of ``GET /profiles?id=~X`` (also ``ids=~X,~Y``), in request order."""
    wanted = list(query.get("id", []))
    for value in query.get("ids", []):
        wanted += [item for item in value.split(",") if item]
    return wanted


def profiles_get_page(query: dict[str, list[str]]) -> Page:
    """``GET /profiles?id=~X`` (also ``ids=~X,~Y``)."""
    return json_page({"profiles": profile_index().lookup(requested_profile_ids(query))})


def profiles_search_page(body: bytes) -> Page:
    """``POST /profiles/search`` with ``{"ids": [...]}``."""
    try:
        payload = json.loads(body or b"{}")
        ids = payload.get("ids", [])
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            raise ValueError("ids must be a list of strings")
    except (ValueError, AttributeError) as exc:
        return json_page({"name": "ValidationError", "status": 400, "message": str(exc)}, status=400)
    return json_page({"profiles": profile_index().lookup(ids)})
