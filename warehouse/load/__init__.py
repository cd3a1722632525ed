"""``talent load``: landing files → append-only raw tables, idempotently, one transaction per file.

Re-loading a file adds nothing (record versions are keyed by source, key and content hash); a file that
grew after a resumed crawl adds only its new lines; a crash mid-load rolls that file back whole. Each line
is checked against its source's schema (``warehouse.validate``) before it enters raw: a line that fails is
quarantined (``raw_quarantine``, with file, line number and reason) and the rest of the file still loads;
a file that fails whole (unknown source, unreadable) is reported and the next file still loads. The
manifest is checked against the file (crawl id, source, record count, bytes).

* ``landing`` — finding landing files, reading and checking their lines, checking manifests (reads only).
* ``raw_tables`` — appending record versions, rejects and refused lines to the raw tables.
* ``loader`` — :func:`load_file` (one file, one transaction) and :func:`load_landing` (every file, each alone).
"""

from __future__ import annotations

from warehouse.load.landing import RefusedLine, landing_files, manifest_problems, reject_problem
from warehouse.load.loader import FileReport, LoadReport, load_file, load_landing
from warehouse.load.raw_tables import canonical_sha256

__all__ = [
    "FileReport", "LoadReport", "RefusedLine", "canonical_sha256", "landing_files", "load_file", "load_landing",
    "manifest_problems", "reject_problem",
]
