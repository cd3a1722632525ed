"""A real HTTP server for the mirrored site, on loopback, for spiders, tests and benchmarks.

Behaves like a well-run upstream (validators, 304s, keep-alive) unless a :class:`FaultPlan` tells it to
misbehave. It counts what it served so a benchmark can report the requests a crawl cost. Control
endpoints live under ``/_mirror/`` (disallowed in robots.txt, never counted, never faulted):

* ``GET /_mirror/stats`` / ``DELETE /_mirror/stats`` — request counts / reset them
* ``GET|POST|DELETE /_mirror/faults`` — show / replace (JSON list of rules) / clear the fault plan
* ``POST /_mirror/override`` ``{"path", "body", "content_type"?}`` / ``DELETE /_mirror/override`` —
  change a page at run time (for incremental re-crawls); ``body`` may be a string or any JSON value.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mirror import homepages, site
from mirror.faults import FaultPlan, FaultRule
from mirror.page import JSON, SITE_LAST_MODIFIED, TEXT, Page, json_bytes

log = logging.getLogger(__name__)


class MirrorServer:
    """``with MirrorServer() as mirror: fetch(mirror.base_url + "/notes?...")``.

    The socket is bound in the constructor (port 0 picks a free one), so ``base_url`` is known before
    :meth:`start`; :meth:`serve_forever` runs in the foreground for the CLI instead.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 faults: FaultPlan | list[FaultRule] | tuple[FaultRule, ...] | None = None,
                 verbose: bool = False) -> None:
        self.faults = FaultPlan.coerce(faults)
        self.verbose = verbose
        self.requests_served: Counter[str] = Counter()
        self.responses_by_status: Counter[int] = Counter()
        self.faults_injected: Counter[str] = Counter()
        self._overrides: dict[str, Page] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> MirrorServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="mirror-server", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- run-time control ----------------------------------------------------------------------------
    def set_faults(self, rules: list[FaultRule]) -> None:
        self.faults.replace(rules)

    def clear_faults(self) -> None:
        self.faults.clear()

    def override(self, path: str, body: bytes | str, content_type: str | None = None) -> None:
        """Serve ``body`` at ``path`` (query string included if given) from now on, with fresh validators."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        if content_type is None:
            current = self.page_for("GET", path)
            content_type = current.content_type if current else TEXT
        # Strictly later than anything served before, at HTTP-date (1 s) resolution.
        with self._lock:
            previous = max((page.last_modified for page in self._overrides.values()), default=0.0)
        stamp = max(float(int(time.time())), SITE_LAST_MODIFIED, previous) + 1
        with self._lock:
            self._overrides[path] = Page(data, content_type, last_modified=stamp)

    def clear_overrides(self) -> None:
        with self._lock:
            self._overrides.clear()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": sum(self.requests_served.values()),
                "by_path": dict(self.requests_served),
                "by_status": {str(code): n for code, n in self.responses_by_status.items()},
                "faults_injected": dict(self.faults_injected),
            }

    def reset_stats(self) -> None:
        with self._lock:
            self.requests_served.clear()
            self.responses_by_status.clear()
            self.faults_injected.clear()

    # --- used by the handler ---------------------------------------------------------------------------
    def page_for(self, method: str, target: str, body: bytes = b"") -> Page | None:
        parts = urlsplit(target)
        with self._lock:
            override = self._overrides.get(target) or self._overrides.get(parts.path)
        if override is not None and method in ("GET", "HEAD"):
            return override
        return site.resolve(method, parts.path, parse_qs(parts.query, keep_blank_values=True), body)

    def _record(self, *, path: str | None = None, status: int | None = None, fault: str | None = None) -> None:
        with self._lock:
            if path is not None:
                self.requests_served[path] += 1
            if status is not None:
                self.responses_by_status[status] += 1
            if fault is not None:
                self.faults_injected[fault] += 1


def not_modified(page: Page, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 order: If-None-Match decides when present; If-Modified-Since only without it."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(page.last_modified) <= since
    return False


def _handler_for(mirror: MirrorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_MirrorHandler):
        server_mirror = mirror

    return Handler


class _MirrorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "talent-mirror/1.0"
    server_mirror: MirrorServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server_mirror.verbose:
            log.info("%s %s", self.address_string(), format % args)

    # --- verbs ---------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        body = self._read_body()
        path = urlsplit(self.path).path
        proxied_host = urlsplit(self.path).hostname  # an absolute-form target: we are asked as a proxy
        if proxied_host and homepages.serves(proxied_host):  # fictional homepages (mirror/homepages.py)
            self._dispatch_homepage(method, proxied_host, path)
            return
        if path.startswith(site.CONTROL_PREFIX):
            self._control(method, path, body)
            return
        mirror = self.server_mirror
        mirror._record(path=path)
        rule = mirror.faults.take(self.path)
        if rule is not None:
            mirror._record(fault=rule.kind)
            if rule.kind == "slow":
                time.sleep(rule.delay)
            elif rule.kind in ("429", "503"):
                self._refuse(rule)
                return
        page = mirror.page_for(method, self.path, body)
        if page is None:
            self._send(404, b"Not Found\n", TEXT)
            return
        if rule is not None and rule.kind == "truncate":
            self._truncate(page)
            return
        if rule is not None and rule.kind == "malformed":
            cut = page.body[: len(page.body) // 2]
            self._send(200, cut, page.content_type, head_only=method == "HEAD")
            return
        if page.status == 200 and method in ("GET", "HEAD") and not_modified(
                page, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
            self._send(304, b"", None, page=page)
            return
        self._send(page.status, page.body, page.content_type, page=page, head_only=method == "HEAD")

    def _dispatch_homepage(self, method: str, host: str, path: str) -> None:
        mirror = self.server_mirror
        mirror._record(path=f"//{host}{path}")
        rule = mirror.faults.take(self.path)
        if rule is not None and rule.kind == "slow":
            mirror._record(fault=rule.kind)
            time.sleep(rule.delay)
        found = homepages.answer(host, path)
        if found is None:
            self._send(404, b"Not Found\n", TEXT)
            return
        page, headers = found
        self._send(page.status, page.body, page.content_type, page=page, head_only=method == "HEAD", extra=headers)

    # --- responses -----------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str | None, page: Page | None = None,
              head_only: bool = False, extra: dict[str, str] | None = None) -> None:
        self.server_mirror._record(status=status)
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if page is not None:
            self.send_header("ETag", page.etag)
            self.send_header("Last-Modified", page.last_modified_http)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head_only and status != 304:
            self.wfile.write(body)

    def _refuse(self, rule: FaultRule) -> None:
        if rule.kind == "429":
            wait = rule.retry_after if rule.retry_after is not None else 1.0
            seconds = max(0, int(round(wait)))
            reset = datetime.fromtimestamp(time.time() + wait, UTC).isoformat(timespec="milliseconds")
            reset = reset.replace("+00:00", "Z")
            body = json_bytes({"name": "RateLimitError", "status": 429,
                               "message": "Too many requests, please try again later.",
                               "details": {"resetTime": reset, "retryAfter": seconds}})
            self._send(429, body, JSON, extra={"Retry-After": str(seconds)})
        else:
            extra = {"Retry-After": str(int(round(rule.retry_after)))} if rule.retry_after is not None else {}
            self._send(503, b"Service Unavailable\n", TEXT, extra=extra)

    def _truncate(self, page: Page) -> None:
        """Promise the whole body, send half, drop the connection: a reset mid-transfer."""
        self.server_mirror._record(status=200)
        self.send_response(200)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body[: len(page.body) // 2])
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may already have gone
            self.connection.shutdown(socket.SHUT_RDWR)

    def _control(self, method: str, path: str, body: bytes) -> None:
        mirror = self.server_mirror
        try:
            payload = json.loads(body) if body else None
            if path == "/_mirror/stats":
                if method == "DELETE":
                    mirror.reset_stats()
                self._send_control(200, mirror.stats())
            elif path == "/_mirror/faults":
                if method == "POST":
                    rules = payload if isinstance(payload, list) else (payload or {}).get("rules", [])
                    mirror.set_faults([FaultRule.from_dict(rule) for rule in rules])
                elif method == "DELETE":
                    mirror.clear_faults()
                self._send_control(200, mirror.faults.snapshot())
            elif path == "/_mirror/override" and method == "POST":
                if not isinstance(payload, dict) or "path" not in payload or "body" not in payload:
                    raise ValueError('override needs {"path": ..., "body": ...}')
                value = payload["body"]
                data = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                mirror.override(payload["path"], data, payload.get("content_type"))
                self._send_control(200, {"overridden": payload["path"]})
            elif path == "/_mirror/override" and method == "DELETE":
                mirror.clear_overrides()
                self._send_control(200, {"overridden": None})
            else:
                self._send_control(404, {"error": f"no control endpoint {method} {path}"})
        except (ValueError, TypeError) as exc:
            self._send_control(400, {"error": str(exc)})

    def _send_control(self, status: int, value: Any) -> None:
        body = json_bytes(value)
        self.send_response(status)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
