"""Parse OpenReview API notes (v1 plain content, v2 ``{"value": …}``-wrapped content).

Acceptance is decided from ``venueid`` / ``venue``: rejected, withdrawn and desk-rejected submissions are
excluded with a reason, so a crawl can report what it left out. Author ids that are email addresses are
reduced to their domain here — the address never reaches a landing file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapers.items import AuthorRecord, PaperRecord
from scrapers.parsing.common import (
    ParseError,
    clean_text,
    describe_record,
    email_domain,
    json_object_with_list,
    tier_from_text,
    track_from_text,
)

_NOT_ACCEPTED = re.compile(r"reject|withdraw|desk|submitted to|under review", re.IGNORECASE)


@dataclass(slots=True)
class NotesPage:
    notes: list[dict]
    count: int | None


@dataclass(slots=True)
class Excluded:
    note_id: str
    reason: str


def parse_notes_page(body: bytes | str) -> NotesPage:
    document = json_object_with_list(body, "notes page", "notes")
    count = document.get("count")
    return NotesPage(notes=document["notes"], count=int(count) if isinstance(count, int) else None)


def content_value(content: dict, key: str) -> object:
    """API v2 wraps each value as ``{"value": …}``; v1 stores it plainly."""
    value = content.get(key)
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def accepted_venueids(venue: str, year: int) -> tuple[str, ...]:
    """Venue ids that mean 'accepted' for a conference-year (main track and the D&B track)."""
    return (
        f"{venue}/{year}/Conference",
        f"{venue}/{year}/Track/Datasets_and_Benchmarks",
        f"{venue}/{year}/Datasets_and_Benchmarks_Track",
    )


def decision_reply(note: dict) -> str | None:
    """The decision text from a note's reply notes (``details.directReplies`` / ``replies``), if any.

    Older venues (e.g. NeurIPS 2018 workshops, API v1) record the decision only as a reply note whose
    invitation ends in ``/Decision``.
    """
    details = note.get("details") or {}
    for key in ("directReplies", "replies"):
        for reply in details.get(key) or []:
            invitation = str(reply.get("invitation") or "")
            invitations = [invitation, *[str(i) for i in reply.get("invitations") or []]]
            if any(name.endswith("/Decision") for name in invitations):
                value = content_value(reply.get("content") or {}, "decision")
                if value:
                    return str(value)
    return None


def acceptance(note: dict, venue: str, year: int) -> str | None:
    """None when the note is an accepted paper, else the reason it is excluded."""
    content = note.get("content") or {}
    venueid = str(content_value(content, "venueid") or "")
    venue_text = str(content_value(content, "venue") or "")
    decision = decision_reply(note)
    if venueid and venueid not in accepted_venueids(venue, year):
        return f"venueid {venueid}"
    if _NOT_ACCEPTED.search(venue_text):
        return f"venue '{venue_text}'"
    if decision is not None and not venueid and not venue_text:
        return None if "accept" in decision.lower() else f"decision '{decision}'"
    if not venueid and not venue_text:
        return "no venue, venueid or decision (decision unknown)"
    return None


def note_to_paper(note: dict, conference: str, venue: str, year: int) -> PaperRecord | Excluded:
    """An accepted paper record, or why the note is not one."""
    if not isinstance(note, dict) or not isinstance(note.get("content") or {}, dict):
        raise ParseError(f"note is not an object with a content object: {describe_record(note)}")
    note_id = str(note.get("id") or note.get("forum") or "")
    if not note_id:
        raise ParseError(f"note without id: {describe_record(note)}")
    reason = acceptance(note, venue, year)
    if reason is not None:
        return Excluded(note_id=note_id, reason=reason)
    content = note.get("content") or {}
    names = content_value(content, "authors") or []
    ids = content_value(content, "authorids") or []
    if not isinstance(names, list) or not isinstance(ids, list):
        raise ParseError(f"note {note_id}: authors/authorids are not lists")
    authors = []
    for position, name in enumerate(names, start=1):
        raw_id = str(ids[position - 1]) if position - 1 < len(ids) and ids[position - 1] else None
        is_email = raw_id is not None and "@" in raw_id
        authors.append(
            AuthorRecord(
                position=position,
                name=clean_text(name) or "",
                source_id=None if is_email else raw_id,
                email_domain=email_domain(raw_id) if is_email else None,
            )
        )
    venue_text = clean_text(content_value(content, "venue")) or clean_text(decision_reply(note))
    return PaperRecord(
        conference=conference,
        year=year,
        paper_id=note_id,
        title=clean_text(content_value(content, "title")) or "",
        track=track_from_text(
            str(content_value(content, "venueid") or ""), venue_text, str(note.get("invitation") or "")
        ),
        tier=tier_from_text(venue_text),
        decision=venue_text,
        authors=authors,
        links={"forum_url": f"https://openreview.net/forum?id={note.get('forum') or note_id}"},
        test_data=note.get("_test_data") is True,
    )
