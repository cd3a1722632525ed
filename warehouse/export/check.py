"""Is the export a reader sees whole? ``export_check(DIR)`` answers with named checks for ``talent status --check``.

It reads the way a careful downstream tool does (see ``warehouse.export``): resolve ``DIR/current`` once, read
that version's contract, then every table from the version the contract names. A failing check names the
table and the problem; a check that cannot read a file reports it instead of raising, so one broken table never
hides the others. Nothing here writes.

Checks: ``export_pointer`` (``current`` leads to a whole, published version folder), ``export_contract``
(readable, names that version), ``export_table:<t>`` (every table the contract lists is there, with the files
the contract lists and no others), ``export_rows:<t>`` (rows in the files equal the contract's),
``export_talent_records_without_person`` (every talent_records.person_id is a persons.person_id), and
``export_leftovers`` (staging folders of a killed run: harmless to readers, removed by the next export).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from warehouse.checks import Check
from warehouse.export.store import CONTRACT_NAME, MARKER_NAME, POINTER_NAME, STAGING_PREFIX


def _rows(files: list[Path]) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _table_checks(out: Path, version: Path, table: str, spec: dict) -> tuple[list[Check], Path | None]:
    folder = out / spec.get("path", "")
    if folder.parent.resolve() != version.resolve() or not folder.is_dir():
        return [Check(f"export_table:{table}", "missing", f"folder {version.name}/{table}", False,
                      f"contract path {spec.get('path')!r}")], None
    found = {p.relative_to(out).as_posix() for p in folder.rglob("*.parquet")}
    listed = {f.get("path") for f in spec.get("files", [])}
    extra, absent = sorted(found - listed), sorted(listed - found)
    detail = "; ".join(part for part in (f"not in the contract: {', '.join(extra[:3])}" if extra else "",
                                         f"missing: {', '.join(absent[:3])}" if absent else "") if part)
    checks = [Check(f"export_table:{table}", f"{len(found)} file(s)", f"{len(listed)} file(s) as listed",
                    not extra and not absent, detail)]
    try:
        rows = _rows([out / p for p in sorted(found)])
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a failed check, not a crash
        checks.append(Check(f"export_rows:{table}", "unreadable", str(spec.get("rows")), False, str(exc)[:200]))
        return checks, None
    checks.append(Check(f"export_rows:{table}", rows, str(spec.get("rows")), rows == spec.get("rows")))
    return checks, folder


def _orphans(talent_records: Path, persons: Path) -> Check:
    con = duckdb.connect()
    try:
        orphans = con.execute(
            """SELECT count(*) FROM read_parquet(?, hive_partitioning = true) t
               WHERE t.person_id IS NOT NULL AND NOT EXISTS
                     (SELECT 1 FROM read_parquet(?) p WHERE p.person_id = t.person_id)""",
            [f"{talent_records}/**/*.parquet", f"{persons}/**/*.parquet"]).fetchone()[0]
    except duckdb.Error as exc:
        return Check("export_talent_records_without_person", "unreadable", "0", False, str(exc)[:200])
    finally:
        con.close()
    return Check("export_talent_records_without_person", orphans, "0", orphans == 0)


def export_check(out_dir: Path) -> list[Check]:
    """Checks that the export published in ``out_dir`` is whole (see the module docstring)."""
    out = Path(out_dir)
    pointer = out / POINTER_NAME
    if not pointer.is_symlink():
        return [Check("export_pointer", "absent", f"{POINTER_NAME} -> a version folder", False,
                      f"no {pointer} (not exported yet, or written by an exporter before versioned exports)")]
    version = out / os.readlink(pointer)  # resolved once: every read below uses this version
    if not (version / MARKER_NAME).is_file() or version.parent.resolve() != out.resolve():
        return [Check("export_pointer", version.name, "a published version folder in DIR", False,
                      f"{version} is missing or not written by talent export")]
    checks = [Check("export_pointer", version.name, "a published version folder", True)]
    leftovers = sorted(p.name for p in out.glob(f"{STAGING_PREFIX}*") if (p / MARKER_NAME).is_file())
    checks.append(Check("export_leftovers", len(leftovers), "0", not leftovers,
                        ", ".join(leftovers) + " (killed run; the next export removes it)" if leftovers else ""))
    try:
        contract = json.loads((version / CONTRACT_NAME).read_text(encoding="utf-8"))
        tables = contract["tables"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        checks.append(Check("export_contract", "unreadable", "a readable contract", False, str(exc)[:200]))
        return checks
    named = contract.get("version")
    checks.append(Check("export_contract", named, f"= {version.name}", named == version.name))
    folders: dict[str, Path] = {}
    for table, spec in sorted(tables.items()):
        table_checks, folder = _table_checks(out, version, table, spec if isinstance(spec, dict) else {})
        checks.extend(table_checks)
        if folder is not None:
            folders[table] = folder
    if "talent_records" in folders and "persons" in folders:
        checks.append(_orphans(folders["talent_records"], folders["persons"]))
    return checks
