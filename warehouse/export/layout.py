"""Where an export's files go: hive partitions ``conference=<c>/year=<y>``, always inside the export folder.

Partition values become directory names, so each is checked to be a plain token (and never NULL, whose rows
would be lost) and every path is resolved inside ``DIR`` before anything is written. A table carried over
from the previous version is hard-linked, never copied over or changed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from warehouse.export.store import ExportError

PARTITION_COLUMNS: tuple[str, str] = ("conference", "year")
FILE_NAME = "part-0.parquet"
SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


def partition_path(conference: object, year: object, table: str = "?") -> Path:
    """``conference=<c>/year=<y>``, refusing NULLs and values that could name another directory.

    A NULL would otherwise become the directory ``conference=None`` and its rows would be lost (the partition's
    ``WHERE conference = ?`` never matches NULL), so the export stops and names the table instead."""
    for column, value in (("conference", conference), ("year", year)):
        if value is None:
            raise ExportError(
                f"{table}: rows with NULL {column} cannot be exported (partition column must be set): "
                "export stopped"
            )
    conference_text, year_text = str(conference), str(year)
    if not SAFE_VALUE.match(conference_text):
        raise ExportError(f"unsafe partition value conference={conference_text!r}: export stopped")
    if not isinstance(year, int) or not SAFE_VALUE.match(year_text):
        raise ExportError(f"unsafe partition value year={year_text!r}: export stopped")
    return Path(f"conference={conference_text}") / f"year={year_text}"


def inside(out: Path, path: Path) -> Path:
    resolved_out = out.resolve()
    resolved = path.resolve()
    if resolved != resolved_out and not resolved.is_relative_to(resolved_out):
        raise ExportError(f"export path {path} would leave {out}")
    return path


def link_tree(source: Path, target: Path) -> None:
    """Carry a table over from the previous version: hard links (files are never modified), copies if refused."""
    for root, _dirs, files in os.walk(source):
        folder = target / Path(root).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(root) / name, folder / name)
            except OSError:
                shutil.copy2(Path(root) / name, folder / name)


def repath(path: str, table: str, version: str) -> str:
    parts = Path(path).parts
    return Path(version, *parts[parts.index(table):]).as_posix()

