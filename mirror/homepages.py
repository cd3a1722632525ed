"""Fictional researchers' homepages on fictional hosts (``*.test-data.example``), for the homepages spider.

The mirror answers them when a request reaches it as an HTTP proxy would see it (absolute-form target
``GET http://host/path``), so a spider pointed at the mirror with ``http_proxy`` crawls several distinct
hosts — each with its own robots.txt, redirects and politeness slot — on one loopback server. Pages live
in ``mirror/test_homepages/<host>/``; ``redirects.json`` holds redirect chains; one host serves a generated
3 MiB body. Everything here is invented test data (see ``mirror/test_homepages/README.md``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from mirror.page import HTML, TEXT, Page

HOST_SUFFIX = ".test-data.example"
ROOT = Path(__file__).parent / "test_homepages"
HUGE_HOST = "huge" + HOST_SUFFIX
HUGE_BYTES = 3 * 1024 * 1024
_TYPES = {".html": HTML, ".htm": HTML, ".pdf": "application/pdf", ".txt": TEXT, ".json": "application/json"}
_ALLOW_ALL = b"User-agent: *\nAllow: /\n"


def serves(host: str) -> bool:
    return host.lower().endswith(HOST_SUFFIX)


@cache
def _redirects() -> dict[str, dict[str, list]]:
    data = json.loads((ROOT / "redirects.json").read_text(encoding="utf-8"))
    return {host: chain for host, chain in data.items() if not host.startswith("_")}


@cache
def _huge_page() -> Page:
    filler = "<p>" + "Filler text of a fictional page that never ends. " * 20 + "</p>\n"
    head = '<!DOCTYPE html><html><head><meta name="test-data" content="FICTIONAL TEST DATA"></head><body>'
    body = head + filler * (HUGE_BYTES // len(filler) + 1) + "</body></html>"
    return Page(body.encode("utf-8"), HTML)


def _file_for(folder: Path, path: str) -> Path | None:
    relative = path.lstrip("/")
    if ".." in relative.split("/"):
        return None
    candidates = [folder / relative / "index.html"] if not relative or path.endswith("/") else [
        folder / relative, *sorted(folder.glob(f"{relative}.*"))]
    return next((c for c in candidates if c.is_file()), None)


def answer(host: str, path: str) -> tuple[Page, dict[str, str]] | None:
    """The page (and extra headers, e.g. Location) for ``path`` on a fictional host; None is a 404."""
    host = host.lower()
    chain = _redirects().get(host, {})
    if path in chain:
        status, location = chain[path]
        return Page(b"", TEXT, status=int(status)), {"Location": f"http://{host}{location}"}
    if host == HUGE_HOST and path != "/robots.txt":
        return _huge_page(), {}
    folder = ROOT / host
    if path == "/robots.txt":
        robots = folder / "robots.txt"
        return Page(robots.read_bytes() if robots.is_file() else _ALLOW_ALL, TEXT), {}
    found = _file_for(folder, path) if folder.is_dir() else None
    if found is None:
        return None
    return Page(found.read_bytes(), _TYPES.get(found.suffix, "application/octet-stream")), {}
