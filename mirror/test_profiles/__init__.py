"""Fictional test researchers served beside the mirrored OpenReview profiles (see README.md here).

The mirrored profiles are real people with one undated position each. To exercise dated histories, ORCID
records and hidden profiles offline, this folder holds a few invented people with invented ids
(``~Ada_Fixture1`` …) and invented ORCID iDs. Their ids and names appear in no real author list, so a crawl
that starts from real authorships never reaches them: only a test that asks for them by id (or crawls the
fictional ``TalentFixture.cc`` venue, see :mod:`mirror.fixture_venue`) does. Every document they are served
in carries ``"_test_data": true``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from mirror.page import Page, json_page

FOLDER = Path(__file__).parent


@cache
def _document() -> tuple[dict[str, dict[str, Any]], frozenset[str]]:
    document = json.loads((FOLDER / "openreview_profiles.json").read_text(encoding="utf-8"))
    profiles = {item["id"]: item for item in document["profiles"]}
    hidden = frozenset(item["id"] for item in document["hidden"])
    return profiles, hidden


def hidden_ids() -> frozenset[str]:
    return _document()[1]


def fictional_profile_ids() -> tuple[str, ...]:
    return tuple(_document()[0])


def test_profile(profile_id: str) -> dict[str, Any] | None:
    """The served profile of one fictional researcher (a fresh copy), or None for any other id."""
    item = _document()[0].get(profile_id)
    if item is None:
        return None
    return {"id": profile_id, "active": True, "_test_data": True, "content": copy.deepcopy(item["content"])}


def requested_ids(body: bytes) -> list[str]:
    """The ids a ``POST /profiles/search`` body asks for (empty when it is not the expected shape)."""
    try:
        ids = json.loads(body or b"{}").get("ids", [])
    except (ValueError, AttributeError):
        return []
    return [item for item in ids if isinstance(item, str)] if isinstance(ids, list) else []


def overlay_profiles_page(page: Page, requested: list[str]) -> Page:
    """A profiles page with the requested fictional researchers added and hidden profiles removed.

    A single-id ``GET`` of a hidden profile answers 403 as the real API does for guests.
    """
    if page.status != 200:
        return page
    profiles, hidden = _document()
    if len(requested) == 1 and requested[0] in hidden:
        return json_page({"name": "ForbiddenError", "status": 403, "message": "Profile is not public"}, status=403)
    wanted = [test_profile(item) for item in dict.fromkeys(requested) if item in profiles]
    served = page.json().get("profiles", [])
    if not wanted and not any(p.get("id") in hidden for p in served):
        return page
    kept = [p for p in served if p.get("id") not in hidden and p.get("id") not in profiles]
    return json_page({"profiles": kept + [p for p in wanted if p is not None]})
