"""The unit the mirror serves: a body with its content type and validators.

The ETag and Last-Modified are fixed when the page is built, so a re-crawl sees 304s for everything
that did not change and fresh validators for anything overridden at run time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
BIBTEX = "application/x-bibtex; charset=utf-8"

# When the bundled data were frozen; every built page claims this modification time.
SITE_LAST_MODIFIED = 1780272000.0  # 2026-06-01T00:00:00Z


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str
    last_modified: float = SITE_LAST_MODIFIED
    status: int = 200
    etag: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", '"' + hashlib.sha256(self.body).hexdigest()[:40] + '"')

    @property
    def last_modified_http(self) -> str:
        return formatdate(self.last_modified, usegmt=True)

    def json(self) -> Any:
        return json.loads(self.body)


def json_page(value: Any, status: int = 200) -> Page:
    return Page(json_bytes(value), JSON, status=status)


def json_bytes(value: Any) -> bytes:
    """Compact, non-ASCII kept as UTF-8: what Django/Express-style APIs send."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
