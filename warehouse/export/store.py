"""Where an export lives on disk: whole versions behind one pointer, and only our own files ever removed.

A reader must see one whole export or the previous one, even when the exporter is killed with ``kill -9``,
and the exporter must never delete what it did not write. So an export directory ``DIR`` holds::

    DIR/.talent-export.json               manifest: marks DIR as ours; names we created; version history
    DIR/.export.lock                      one exporter at a time
    DIR/.v-<id>/                          one whole export, never changed after it was published
    DIR/.v-<id>/.talent-export            marker file: this folder was written by ``talent export``
    DIR/.v-<id>/_contract.json            its contract (paths relative to DIR, e.g. ``.v-<id>/papers``)
    DIR/current -> .v-<id>                THE pointer, replaced in one ``os.replace`` of a symlink
    DIR/_contract.json -> current/_contract.json   fixed links, so ``DIR/papers`` etc. read as before
    DIR/<table> -> current/<table>
    DIR/.staging-<id>/                    a version being written (marker inside; renamed to .v-<id> when whole)

Why: a version is written completely in ``.staging-<id>`` and renamed to ``.v-<id>``; only then does
``current`` move, in one rename. A run killed before that rename leaves ``current`` on the previous
version, which stays untouched; its staging folder carries the marker and the next run deletes it. A
version that stopped being current is kept while a reader may still be in it (the last one always, older
ones for ``VERSION_GRACE_SECONDS``). Dot-folders are invisible to pyarrow/pandas dataset discovery, so the
fixed links are the only tables a directory scan finds.

Ownership: a non-empty ``DIR`` without our manifest is refused, unless it is an export of the previous,
unversioned layout (every file a Parquet file carrying our ``talent.table`` key), which is adopted. In a
folder of ours, only names the manifest lists, folders carrying the marker and our temporary names are
ever renamed or deleted; anything else found there is left alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

logger = logging.getLogger("warehouse.export_store")  # the name operators' log filters know

MANIFEST_NAME = ".talent-export.json"
MANIFEST_KIND = "talent-export"
MARKER_NAME = ".talent-export"
LOCK_NAME = ".export.lock"
POINTER_NAME = "current"
CONTRACT_NAME = "_contract.json"
VERSION_PREFIX = ".v-"
STAGING_PREFIX = ".staging-"
# Our temporary names for an atomic replace (a manifest, a link): removed by the next run if left behind.
TEMPORARY = re.compile(r"^\.tmp-[0-9a-f]{32}\.(json|link)$")
# A superseded version stays this long (a reader that resolved ``current`` before the switch is still in it).
VERSION_GRACE_SECONDS = 600.0
# The previous, unversioned layout: what its leftovers were called.
LEGACY_LEFTOVER = re.compile(r"^\.(staging-[0-9a-f]{32}(\.json)?|trash-\d+-[0-9a-f]{8})$")


class ExportError(ValueError):
    """A request the export refuses: unknown table, unsafe value, a folder that is not ours."""


def new_id() -> str:
    """Sortable by time, unique across processes."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:8]}"


def _write_json(path: Path, data: dict) -> None:
    temporary = path.parent / f".tmp-{uuid.uuid4().hex}.json"
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _symlink(target: str, path: Path) -> None:
    """Point ``path`` at ``target`` in one rename: a reader finds the old link or the new one."""
    temporary = path.parent / f".tmp-{uuid.uuid4().hex}.link"
    os.symlink(target, temporary)
    os.replace(temporary, path)


def remove_marked(folder: Path) -> None:
    """Delete a folder of ours, the marker last: a run killed mid-way leaves a folder still marked as ours."""
    marker = folder / MARKER_NAME
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            path = Path(root) / name
            if path != marker:
                path.unlink()
        for name in dirs:
            path = Path(root) / name
            path.unlink() if path.is_symlink() else path.rmdir()
    marker.unlink(missing_ok=True)
    folder.rmdir()


# --- the previous layout ---------------------------------------------------------------------------------

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the platform or filesystem cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _legacy_parquet(path: Path) -> bool:
    try:
        return b"talent.table" in (pq.read_schema(path).metadata or {})
    except Exception:  # noqa: BLE001 - not readable as Parquet: not ours
        return False


def _legacy_entry(path: Path, tables: frozenset[str]) -> bool:
    """True when ``path`` is something the unversioned exporter wrote (its files carry its metadata)."""
    name = path.name
    if path.is_symlink():
        return False
    if name == CONTRACT_NAME or (name.endswith(".json") and LEGACY_LEFTOVER.match(name)):
        try:
            return json.loads(path.read_text(encoding="utf-8")).get("format") == "parquet"
        except (OSError, ValueError, AttributeError):
            return False
    if name == LOCK_NAME:
        return path.is_file()
    if not path.is_dir() or not (name in tables or LEGACY_LEFTOVER.match(name)):
        return False
    for file in path.rglob("*"):
        if file.is_symlink() or (file.is_file() and not (file.suffix == ".parquet" and _legacy_parquet(file))):
            return False
    return True


# --- the store -------------------------------------------------------------------------------------------


class ExportStore:
    """One export directory: claim it, lock it, clean it, stage a version and publish it."""

    def __init__(self, out: Path, tables: tuple[str, ...]) -> None:
        self.out = out
        self.tables = frozenset(tables)
        self.manifest: dict = {}

    # ownership
    def claim(self) -> None:
        """Make sure DIR is ours (create it, recognise it, or adopt the previous layout); refuse otherwise."""
        if self.out.exists() and not self.out.is_dir():
            raise ExportError(f"--out {self.out} is a file, not a folder: export refused")
        self.out.mkdir(parents=True, exist_ok=True)
        manifest = self.out / MANIFEST_NAME
        if manifest.exists():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ExportError(f"{manifest} is unreadable ({exc}): export refused, nothing touched") from exc
            if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
                raise ExportError(f"{manifest} is not a talent export manifest: export refused, nothing touched")
            self.manifest = data
            return
        entries = sorted(self.out.iterdir())
        legacy = [p.name for p in entries]
        strangers = [p.name + ("/" if p.is_dir() else "") for p in entries if not _legacy_entry(p, self.tables)]
        if strangers:
            raise ExportError(
                f"--out {self.out} is not empty and is not a talent export folder (no {MANIFEST_NAME}; found "
                f"{', '.join(strangers[:8])}{' …' if len(strangers) > 8 else ''}): export writes only into an "
                "empty folder or one it created, and removes nothing it did not write; choose another --out"
            )
        self.manifest = {
            "kind": MANIFEST_KIND, "layout": 2, "created": [LOCK_NAME] if LOCK_NAME in legacy else [],
            "legacy": [n for n in legacy if n in self.tables or n == CONTRACT_NAME],
            "legacy_leftovers": [n for n in legacy if LEGACY_LEFTOVER.match(n)], "versions": {},
        }
        if legacy:
            logger.warning("%s: adopting an export of the unversioned layout (%s)", self.out, ", ".join(legacy))
        self.save()

    def save(self) -> None:
        _write_json(self.out / MANIFEST_NAME, self.manifest)

    def _own(self, name: str) -> None:
        if name not in self.manifest["created"]:
            self.manifest["created"].append(name)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One exporter at a time per directory; readers need no lock."""
        path = self.out / LOCK_NAME
        with open(path, "a") as handle:
            self._own(LOCK_NAME)
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # versions
    def current(self) -> Path | None:
        """The published version folder ``current`` points at (None before the first export)."""
        pointer = self.out / POINTER_NAME
        if not pointer.is_symlink():
            return None
        target = self.out / os.readlink(pointer)
        return target if target.is_dir() else None

    def _marked(self, prefix: str) -> list[Path]:
        return sorted(p for p in self.out.glob(f"{prefix}*")
                      if p.is_dir() and not p.is_symlink() and (p / MARKER_NAME).is_file())

    def clean(self, grace: float = VERSION_GRACE_SECONDS) -> list[str]:
        """Delete what killed runs left (marked staging folders, our temporaries) and versions no reader needs."""
        removed = []
        for path in self._marked(STAGING_PREFIX):
            remove_marked(path)
            removed.append(path.name)
        for path in self.out.iterdir():
            if TEMPORARY.match(path.name) and (path.is_symlink() or path.is_file()):
                path.unlink()
                removed.append(path.name)
        for name in self.manifest.get("legacy_leftovers", []):
            path = self.out / name
            if path.exists() and _legacy_entry(path, self.tables):
                path.unlink() if path.is_file() else remove_marked(path)
                removed.append(name)
        self.manifest.pop("legacy_leftovers", None)
        current = self.current()
        versions = self.manifest.setdefault("versions", {})
        now = time.time()
        superseded = []
        for path in self._marked(VERSION_PREFIX):
            if current is not None and path.name == current.name:
                continue
            entry = versions.setdefault(path.name, {})
            if entry.get("superseded_at") is None:  # killed before it was recorded: count from now
                entry["superseded_at"] = now
            superseded.append((entry["superseded_at"], path))
        superseded.sort()
        for stamp, path in superseded[:-1]:  # the last one superseded stays until the next export
            if now - stamp >= grace:
                remove_marked(path)
                versions.pop(path.name, None)
                removed.append(path.name)
        for name in list(versions):
            if not (self.out / name).is_dir():
                versions.pop(name)
        self.save()
        if removed:
            logger.info("%s: removed %s", self.out, ", ".join(removed))
        return removed

    def stage(self) -> Path:
        """A fresh staging folder, marked as ours before anything is written into it."""
        staging = self.out / f"{STAGING_PREFIX}{new_id()}"
        staging.mkdir()
        (staging / MARKER_NAME).write_text(json.dumps({"pid": os.getpid(), "started_at": time.time()}) + "\n")
        return staging

    @staticmethod
    def version_name(staging: Path) -> str:
        return VERSION_PREFIX + staging.name[len(STAGING_PREFIX):]

    def publish(self, staging: Path, tables: list[str]) -> Path:
        """Rename the whole staging folder to its version name, then move ``current`` to it in one rename."""
        version = self.out / self.version_name(staging)
        previous = self.current()
        os.rename(staging, version)
        self.manifest["versions"][version.name] = {"published_at": time.time(), "superseded_at": None}
        self.save()
        _symlink(version.name, self.out / POINTER_NAME)  # the switch: readers now see the new version
        self._own(POINTER_NAME)
        if previous is not None and previous.name in self.manifest["versions"]:
            self.manifest["versions"][previous.name]["superseded_at"] = time.time()
        self.save()
        self._fixed_links(tables)
        return version

    def _fixed_links(self, tables: list[str]) -> None:
        """``DIR/_contract.json`` and ``DIR/<table>`` as links through ``current`` (the old reading paths)."""
        wanted = {CONTRACT_NAME: f"{POINTER_NAME}/{CONTRACT_NAME}"} | {t: f"{POINTER_NAME}/{t}" for t in tables}
        for name in sorted(self.tables | {CONTRACT_NAME}):
            path = self.out / name
            ours = name in self.manifest["created"] and path.is_symlink()
            if name not in wanted:
                if ours:  # a table no longer exported: its link would dangle
                    path.unlink()
                    self.manifest["created"].remove(name)
                continue
            if path.is_symlink() and os.readlink(path) == wanted[name]:
                self._own(name)
            elif ours or not (path.exists() or path.is_symlink()):
                _symlink(wanted[name], path)
                self._own(name)
            elif name in self.manifest.get("legacy", []) and _legacy_entry(path, self.tables):
                self._replace_legacy(path, wanted[name])
            else:
                logger.warning("%s exists and is not ours: left alone (read %s/%s instead)", path, POINTER_NAME, name)
        self.save()

    def _replace_legacy(self, path: Path, target: str) -> None:
        """Swap a file or folder of the unversioned layout for its link, then delete it."""
        temporary = self.out / f".tmp-{uuid.uuid4().hex}.link"
        os.symlink(target, temporary)
        if not _exchange(temporary, path):  # no atomic exchange here: a short moment without the path
            old = self.out / f"{STAGING_PREFIX}{new_id()}"
            os.rename(path, old)
            os.rename(temporary, path)
            temporary = old
        if temporary.is_dir():
            staging = self.out / f"{STAGING_PREFIX}{new_id()}"
            os.rename(temporary, staging)
            (staging / MARKER_NAME).write_text("{}\n")
            remove_marked(staging)
        else:
            temporary.unlink()
        self.manifest["legacy"].remove(path.name)
        self._own(path.name)
