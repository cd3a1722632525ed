"""The whole mirrored upstream as one object: request in, :class:`~mirror.page.Page` (or None = 404) out.

Three upstream hosts share one origin on the mirror, in their real URL layouts, so a spider only swaps
its base URL: proceedings.neurips.cc (``/paper_files/...``), neurips.cc (``/static/virtual/...``) and
api.openreview.net (``/notes``, ``/profiles``), and pub.orcid.org (``/v3.0/…``, only the
fictional test researchers of ``mirror/test_profiles``). Static pages are built per year on first request and
cached for the process, so a test touching 2019 never pays for 2022.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from mirror.openreview_api import notes_page, profiles_get_page, profiles_search_page, requested_profile_ids
from mirror.orcid import is_orcid_path, orcid_page
from mirror.page import TEXT, Page
from mirror.proceedings_site import proceedings_pages
from mirror.source_data import PROCEEDINGS_YEARS
from mirror.test_profiles import overlay_profiles_page, requested_ids
from mirror.virtual_feed import FEED_YEARS, feed_pages

CONTROL_PREFIX = "/_mirror/"
ROBOTS_TXT = f"User-agent: *\nDisallow: {CONTROL_PREFIX}\nAllow: /\n"

_PROCEEDINGS = re.compile(r"^/paper_files/paper/(\d{4})(?:/|$)")
_FEED = re.compile(r"^/static/virtual/data/neurips-(\d{4})-orals-posters\.json$")


@cache
def site_pages(year: int) -> Mapping[str, Page]:
    """Every static path of ``year`` → page: proceedings (2019, 2020) and the virtual-site feed."""
    pages: dict[str, Page] = {}
    if year in PROCEEDINGS_YEARS:
        pages.update(proceedings_pages(year))
    if year in FEED_YEARS:
        pages.update(feed_pages(year))
    return pages


def _static_year(path: str) -> int | None:
    match = _PROCEEDINGS.match(path) or _FEED.match(path)
    return int(match.group(1)) if match else None


def resolve(method: str, path: str, query: Mapping[str, list[str]], body: bytes = b"") -> Page | None:
    """The page for one request, or None when the upstream would answer 404."""
    if method in ("GET", "HEAD"):
        if path == "/robots.txt":
            return Page(ROBOTS_TXT.encode(), TEXT)
        if path == "/notes":
            return notes_page(dict(query))
        if path == "/profiles":
            return overlay_profiles_page(profiles_get_page(dict(query)), requested_profile_ids(dict(query)))
        if is_orcid_path(path):
            return orcid_page(path)
        year = _static_year(path)
        if year is not None:
            return site_pages(year).get(path)
        return None
    if method == "POST" and path == "/profiles/search":
        return overlay_profiles_page(profiles_search_page(body), requested_ids(body))
    return None
