"""Exports under hostile conditions: ``kill -9`` mid-export, a user's folder in ``--out``, an old layout.

A child process exports a warehouse whose people changed completely since the last export (every person id
differs, row counts differ), and is killed with SIGKILL at named points (a hook prints the point and waits)
and at fixed delays. After each kill a reader must find one whole export — the previous one, or the new one
once the pointer moved — with the contract's row counts and no talent record without its person; the next
export must remove the killed run's staging folder. Nothing the exporter did not write is ever touched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from talent.commands import study as study_commands
from warehouse.export import EXPORT_TABLES, ExportError, export
from warehouse.export.check import export_check
from warehouse.export.store import ExportStore
from warehouse.migrate import migrate

GENERATIONS = {"a": 3_000, "b": 2_000}  # persons per generation; ids differ, so a mix has orphans

CHILD = r"""
import sys, time
from pathlib import Path
import duckdb
import warehouse.export.publish as export_module
import warehouse.export.store as store_module

warehouse, out, point = sys.argv[1], Path(sys.argv[2]), sys.argv[3]

def wait_at(owner, name, when=lambda *args, **kwargs: True):
    original = getattr(owner, name)
    def hooked(*args, **kwargs):
        if when(*args, **kwargs):
            print(point, flush=True)
            time.sleep(120)
        return original(*args, **kwargs)
    setattr(owner, name, hooked)

if point == "writing_tables":  # papers written into staging, persons not yet
    wait_at(export_module, "export_table", lambda con, name, *rest: name == "persons")
elif point == "before_publish":  # every table and the contract in staging
    wait_at(store_module.ExportStore, "publish")
elif point == "before_switch":  # staging renamed to .v-<id>, pointer not moved
    wait_at(store_module, "_symlink")
elif point == "after_switch":  # pointer moved, fixed links not yet refreshed
    wait_at(store_module.ExportStore, "_fixed_links")
print("started", flush=True)
con = duckdb.connect(warehouse, read_only=True)
export_module.export(con, out)
print("finished", flush=True)
"""


def fill(path: Path, generation: str) -> None:
    """papers, persons and talent_records of one generation (fictional ids ``<gen>-<n>``)."""
    con = duckdb.connect(str(path))
    try:
        migrate(con)
        for table, columns in (("papers", "conference VARCHAR, year INTEGER, paper_id VARCHAR, title VARCHAR"),
                               ("persons", "person_id VARCHAR, name VARCHAR"),
                               ("talent_records", "conference VARCHAR, year INTEGER, person_id VARCHAR")):
            con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
        n = GENERATIONS[generation]
        con.execute("INSERT INTO papers SELECT 'neurips', 2019 + i % 3, ? || i, 'title ' || i FROM range(?) t(i)",
                    [f"{generation}-", n])
        con.execute("INSERT INTO persons SELECT ? || i, 'Person ' || i FROM range(?) t(i)", [f"{generation}-", n])
        con.execute("INSERT INTO talent_records SELECT 'neurips', 2019 + i % 3, ? || i FROM range(?) t(i)",
                    [f"{generation}-", n])
    finally:
        con.close()


def export_file(warehouse: Path, out: Path, tables: list[str] | None = None) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return export(con, out, tables).version
    finally:
        con.close()


def read_whole(out: Path) -> dict[str, int]:
    """What a careful reader does: resolve the version once from the contract, read every table from it."""
    contract = json.loads((out / "_contract.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    try:
        counts = {}
        for table, spec in contract["tables"].items():
            glob = f"{out / spec['path']}/**/*.parquet"
            counts[table] = con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                                        [glob]).fetchone()[0]
            assert counts[table] == spec["rows"], table
        orphans = con.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) t WHERE t.person_id NOT IN "
            "(SELECT person_id FROM read_parquet(?))",
            [f"{out / contract['tables']['talent_records']['path']}/**/*.parquet",
             f"{out / contract['tables']['persons']['path']}/**/*.parquet"]).fetchone()[0]
    finally:
        con.close()
    assert orphans == 0
    # the simple reading paths agree with the careful one
    assert ds.dataset(out / "current" / "persons", partitioning="hive").count_rows() == counts["persons"]
    assert ds.dataset(out / "talent_records", partitioning="hive").count_rows() == counts["talent_records"]
    return counts


def expected(generation: str) -> dict[str, int]:
    return dict.fromkeys(("papers", "persons", "talent_records"), GENERATIONS[generation])


def kill_child(warehouse: Path, out: Path, point: str, delay: float | None = None) -> str:
    """Run an export in a child; SIGKILL it at ``point`` (or after ``delay`` s). Returns what it printed last."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(warehouse), str(out), point],
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])
    last = ""
    try:
        deadline = time.monotonic() + (delay if delay is not None else 60)
        while True:
            ready, _, _ = select.select([child.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break  # the delay is up (or the hook never came: the assertion below says so)
            last = child.stdout.readline().strip()
            if not last or last == point or last == "finished":
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    return last


@pytest.fixture
def exported_a(tmp_path) -> tuple[Path, Path]:
    """Generation a exported whole; the warehouse now holds generation b."""
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "export"
    fill(warehouse, "a")
    export_file(warehouse, out)
    assert read_whole(out) == expected("a")
    fill(warehouse, "b")
    return warehouse, out


@pytest.mark.parametrize(("point", "visible"), [("writing_tables", "a"), ("before_publish", "a"),
                                                ("before_switch", "a"), ("after_switch", "b")])
def test_kill_at_each_step_leaves_a_whole_export(exported_a, point, visible):
    warehouse, out = exported_a
    assert kill_child(warehouse, out, point) == point
    assert read_whole(out) == expected(visible)
    checks = {c.name: c for c in export_check(out)}
    assert all(c.ok for name, c in checks.items() if name != "export_leftovers"), checks
    staged = sorted(p.name for p in out.glob(".staging-*"))
    assert (len(staged) == 1) == (point in ("writing_tables", "before_publish"))
    # the next run cleans up the killed one and publishes
    export_file(warehouse, out)
    assert not list(out.glob(".staging-*"))
    assert read_whole(out) == expected("b")
    assert all(c.ok for c in export_check(out)), export_check(out)


@pytest.mark.parametrize("delay", [0.8, 1.5, 2.5])
def test_kill_after_a_delay_leaves_a_whole_export(exported_a, delay):
    warehouse, out = exported_a
    last = kill_child(warehouse, out, "none", delay)
    counts = read_whole(out)
    assert counts in (expected("a"), expected("b")), (last, counts)
    export_file(warehouse, out)
    assert not list(out.glob(".staging-*"))
    assert read_whole(out) == expected("b")


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def test_a_users_folder_is_refused_and_untouched(tmp_path, capsys):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "mine"
    fill(warehouse, "a")
    (out / "persons").mkdir(parents=True)
    (out / "persons" / "notes.txt").write_text("my own notes\n")
    (out / "_contract.json").write_text("{}")  # not an export's contract
    before = snapshot(out)
    with pytest.raises(ExportError, match=r"not a talent export folder.*persons/"):
        export_file(warehouse, out)
    assert snapshot(out) == before
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path)
    study_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["--warehouse", str(warehouse), "export", "--out", str(out)])
    assert args.handler(args) == 2
    assert "export refused" in capsys.readouterr().out
    assert snapshot(out) == before


def test_user_entries_in_our_folder_are_never_touched(tmp_path):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "export"
    fill(warehouse, "a")
    export_file(warehouse, out)
    (out / "notes").mkdir()
    (out / "notes" / "keep.txt").write_text("keep\n")
    (out / ".staging-mine").mkdir()  # looks like ours, carries no marker
    (out / ".staging-mine" / "draft.parquet").write_text("not ours\n")
    (out / ".v-mine").mkdir()
    (out / ".v-mine" / "x.txt").write_text("x\n")
    (out / "persons").unlink()  # the user replaced our link with a folder of their own
    (out / "persons").mkdir()
    (out / "persons" / "mine.csv").write_text("a,b\n")
    user = {name: snapshot(out / name) for name in ("notes", ".staging-mine", ".v-mine", "persons")}
    fill(warehouse, "b")
    export_file(warehouse, out)
    export_file(warehouse, out)
    store = ExportStore(out, EXPORT_TABLES)
    store.claim()
    store.clean(grace=0)
    assert {name: snapshot(out / name) for name in user} == user
    assert read_whole(out) == expected("b")  # persons is read from its version, not from the user's folder


def test_the_unversioned_layout_is_adopted(tmp_path):
    """An export written before versions (real table folders, a plain contract, leftovers) is taken over."""
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "export"
    fill(warehouse, "a")
    export_file(warehouse, out, ["papers"])
    version = (out / "current").resolve()
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    os.rename(version / "papers", legacy / "papers")
    contract = json.loads((version / "_contract.json").read_text())
    contract["tables"]["papers"]["path"] = "papers"
    (legacy / "_contract.json").write_text(json.dumps(contract))
    (legacy / ".export.lock").write_text("")
    leftover = legacy / f".staging-{'0' * 32}"
    leftover.mkdir()
    os.link(next((legacy / "papers").rglob("*.parquet")), leftover / "part-0.parquet")
    fill(warehouse, "b")
    export_file(warehouse, legacy)
    assert (legacy / "papers").is_symlink() and (legacy / "_contract.json").is_symlink()
    assert not leftover.exists()
    assert read_whole(legacy) == expected("b")
    assert all(c.ok for c in export_check(legacy))
    (legacy / "stranger.txt").write_text("x")  # manifest present now: a stranger is left alone, not refused
    export_file(warehouse, legacy)
    assert (legacy / "stranger.txt").read_text() == "x"


def test_the_unversioned_layout_with_a_stranger_is_refused(tmp_path):
    out = tmp_path / "export"
    (out / "papers").mkdir(parents=True)
    (out / "papers" / "part-0.parquet").write_text("not parquet")
    (out / "_contract.json").write_text(json.dumps({"format": "parquet", "tables": {}}))
    fill(tmp_path / "w.duckdb", "a")
    with pytest.raises(ExportError, match="papers/"):
        export_file(tmp_path / "w.duckdb", out)
    assert (out / "papers" / "part-0.parquet").read_text() == "not parquet"


def test_export_check_finds_missing_files_wrong_rows_and_orphans(tmp_path):
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "export"
    fill(warehouse, "a")
    con = duckdb.connect(str(warehouse))
    con.execute("DELETE FROM persons WHERE person_id IN ('a-1', 'a-2')")  # two talent records lose their person
    con.close()
    export_file(warehouse, out)
    checks = {c.name: c for c in export_check(out)}
    assert not checks["export_talent_records_without_person"].ok
    assert checks["export_talent_records_without_person"].value == 2
    assert checks["export_rows:persons"].ok and checks["export_pointer"].ok
    version = (out / "current").resolve()
    next((version / "papers").rglob("*.parquet")).unlink()
    contract = json.loads((version / "_contract.json").read_text())
    contract["tables"]["persons"]["rows"] += 1
    (version / "_contract.json").write_text(json.dumps(contract))
    checks = {c.name: c for c in export_check(out)}
    assert not checks["export_table:papers"].ok and "missing" in checks["export_table:papers"].detail
    assert not checks["export_rows:papers"].ok
    assert not checks["export_rows:persons"].ok
    assert not export_check(tmp_path / "nothing")[0].ok
