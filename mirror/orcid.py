"""pub.orcid.org (API v3.0) for the fictional test researchers in ``mirror/test_profiles/orcid/``.

``GET /v3.0/{orcid}/record`` serves the stored record; ``/educations`` and ``/employments`` serve its
``activities-summary`` sections, as the real API does. Any other iD answers 404 with ORCID's error shape.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from mirror.page import Page, json_page
from mirror.test_profiles import FOLDER

_PATH = re.compile(r"^/v3\.0/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/(record|educations|employments)$")


@cache
def orcid_records() -> dict[str, dict[str, Any]]:
    """Stored records by iD; the ``_test_data`` marker stays in the served ``/record`` body on purpose."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((FOLDER / "orcid").glob("*.json"))}


def is_orcid_path(path: str) -> bool:
    return path.startswith("/v3.0/")


def orcid_page(path: str) -> Page:
    match = _PATH.match(path)
    record = orcid_records().get(match.group(1)) if match else None
    if record is None:
        return json_page({"response-code": 404, "developer-message": f"404 Not Found: {path}",
                          "user-message": "The resource was not found.", "error-code": 9016}, status=404)
    section = match.group(2)
    return json_page(record if section == "record" else record["activities-summary"][section])
