"""Fictional test profiles layered over the mirrored OpenReview profiles (see README.md here).

The mirrored profiles come from a crawl that kept one undated position per author; these overrides give a
few real 2022 profile ids a dated, invented history and an invented ORCID iD, and hide one profile, so the
pipeline's education and career paths run end to end offline.
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
def _overrides() -> tuple[dict[str, dict[str, Any]], frozenset[str]]:
    document = json.loads((FOLDER / "openreview_profiles.json").read_text(encoding="utf-8"))
    overrides = {item["id"]: item for item in document["overrides"]}
    hidden = frozenset(item["id"] for item in document["hidden"])
    return overrides, hidden


def hidden_ids() -> frozenset[str]:
    return _overrides()[1]


def override_ids() -> tuple[str, ...]:
    return tuple(_overrides()[0])


def apply_override(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile with its test override's content fields replaced (others kept as mirrored)."""
    override = _overrides()[0].get(profile.get("id", ""))
    if override is None:
        return profile
    merged = copy.deepcopy(profile)
    merged["content"].update(copy.deepcopy(override["content"]))
    merged["_test_data"] = True
    return merged


def overlay_profiles_page(page: Page, requested: list[str] | None = None) -> Page:
    """A profiles page with test overrides applied and hidden profiles removed.

    A single-id ``GET`` of a hidden profile answers 403 as the real API does for guests.
    """
    if page.status != 200:
        return page
    overrides, hidden = _overrides()
    if requested is not None and len(requested) == 1 and requested[0] in hidden:
        return json_page({"name": "ForbiddenError", "status": 403, "message": "Profile is not public"}, status=403)
    profiles = page.json().get("profiles", [])
    if not any(p.get("id") in overrides or p.get("id") in hidden for p in profiles):
        return page
    kept = [apply_override(p) for p in profiles if p.get("id") not in hidden]
    return json_page({"profiles": kept})
