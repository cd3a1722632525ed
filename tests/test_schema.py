"""Schema management: every object documented (from the model yml files), in-place upgrades keep data, lock
handling is clean."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.build import build
from warehouse.db import WarehouseLockedError, connect
from warehouse.migrate import available_migrations, current_version, latest_version, migrate
from warehouse.model_checks import actual_columns
from warehouse.model_files import discover

from .test_study_views import INPUT_DDL

# Objects DuckDB or a session makes that no one can comment: none so far besides temporary ones.
ALLOWED_UNDOCUMENTED: frozenset[str] = frozenset()


def undocumented(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every non-internal, non-temporary table, view or column of the main schema without a comment."""
    found = [
        f"table {name}"
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary "
            "AND schema_name = 'main' AND coalesce(comment, '') = ''"
        ).fetchall()
    ]
    found += [
        f"view {name}"
        for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary "
            "AND schema_name = 'main' AND coalesce(comment, '') = ''"
        ).fetchall()
    ]
    found += [
        f"column {table}.{column}"
        for table, column in con.execute(
            "SELECT c.table_name, c.column_name FROM duckdb_columns() c "
            "LEFT JOIN duckdb_tables() t ON t.table_oid = c.table_oid "
            "LEFT JOIN duckdb_views() v ON v.view_oid = c.table_oid "
            "WHERE NOT c.internal AND c.schema_name = 'main' AND coalesce(c.comment, '') = '' "
            "AND NOT coalesce(t.temporary, v.temporary, false) ORDER BY 1, 2"
        ).fetchall()
    ]
    return [item for item in found if item.split()[1].split(".")[0] not in ALLOWED_UNDOCUMENTED]


def add_missing_study_inputs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create (empty) the people/affiliation tables the build has not made yet, in their documented shape."""
    existing = {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
    created = []
    for statement in INPUT_DDL.split(";"):
        if not statement.strip():
            continue
        name = statement.split("TABLE", 1)[1].split("(", 1)[0].strip()
        if name not in existing:
            con.execute(statement)
            created.append(name)
    return created


def explain(gaps: list[str]) -> str:
    """Group gaps by object so the failure says whose model to fix."""
    by_object: dict[str, list[str]] = {}
    for gap in gaps:
        kind, name = gap.split(" ", 1)
        obj, _, column = name.partition(".")
        by_object.setdefault(obj, []).append(column or f"({kind} comment)")
    return "objects without COMMENT ON: " + "; ".join(f"{o}: {', '.join(c)}" for o, c in sorted(by_object.items()))


def test_harvest_warehouse_documents_every_object(harvest):
    con = duckdb.connect(str(harvest.warehouse), read_only=True)
    try:
        gaps = undocumented(con)
        assert gaps == [], explain(gaps)
    finally:
        con.close()


def migration_tables() -> set[str]:
    return {name.lower() for migration in available_migrations()
            for name in re.findall(r"CREATE TABLE (\w+)", migration.sql)} | {"schema_version"}


def test_study_views_and_people_tables_document_themselves_after_a_build(warehouse_copy):
    con = connect(warehouse_copy)
    try:
        build(con)
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'study_%'").fetchone()[0] == 9
        gaps = undocumented(con)
        assert gaps == [], explain(gaps)
        # the yml files document every object and column the build made, and nothing it did not make
        documented = {obj.name: obj for model in discover() for obj in model.objects if obj.kind != "macro"}
        made = {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary UNION "
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND NOT temporary"
        ).fetchall()}
        assert made - migration_tables() == set(documented)
        for name, obj in sorted(documented.items()):
            assert actual_columns(con, name) == [column.name for column in obj.columns], name
            comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = $1 UNION ALL "
                                  "SELECT comment FROM duckdb_views() WHERE view_name = $1", [name]).fetchone()[0]
            assert comment == obj.description
            assert dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? "
                                    "AND schema_name = 'main'", [name]).fetchall()) == {
                column.name: column.description for column in obj.columns}, name
    finally:
        con.close()


def _old_warehouse(path: Path) -> None:
    """A file as version 1 of the code left it: only migration 001 applied, with raw rows."""
    con = duckdb.connect(str(path))
    first = available_migrations()[0]
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL)")
    con.execute(first.sql)
    con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [first.version, first.name])
    con.execute("INSERT INTO raw_crawls VALUES ('c1', 'openreview', 'c1.jsonl', 'abc', NULL, 2, 2, 0, now())")
    con.execute("INSERT INTO raw_records (crawl_id, source, record_type, record_key, content_sha256, source_url, "
                "fetched_at, body_sha256, data, loaded_at) VALUES ('c1', 'openreview', 'paper', 'neurips/2022/x', "
                "'h1', 'http://x', now(), 'b1', '{\"title\": \"kept\"}', now())")
    con.close()


def test_old_warehouse_upgrades_in_place_and_keeps_raw_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_warehouse(path)
    con = connect(path)
    try:
        assert current_version(con) == 1
        applied = migrate(con)
        assert applied and applied[-1] == latest_version() and 1 not in applied
        assert current_version(con) == latest_version()
        assert con.execute("SELECT crawl_id FROM raw_crawls").fetchall() == [("c1",)]
        assert con.execute("SELECT data ->> 'title' FROM raw_records").fetchall() == [("kept",)]
        assert migrate(con) == []  # idempotent
        raw_gaps = [item for item in undocumented(con) if "raw_" in item or "schema_version" in item]
        assert raw_gaps == []
    finally:
        con.close()


def test_newer_warehouse_is_refused(tmp_path):
    con = connect(tmp_path / "new.duckdb")
    try:
        migrate(con)
        con.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
        with pytest.raises(RuntimeError, match="newer than this code knows"):
            migrate(con)
    finally:
        con.close()


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')
print('ready', flush=True)
sys.stdin.read()
con.close()
"""


class Holder:
    """A child process holding the warehouse open until the context ends."""

    def __init__(self, path: Path, mode: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )

    def __enter__(self) -> Holder:
        assert self.proc.stdout.readline().strip() == "ready"
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=20)


@pytest.fixture
def small_warehouse(tmp_path) -> Path:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    migrate(con)
    con.close()
    return path


def test_locked_warehouse_waits_then_fails_cleanly(small_warehouse, caplog):
    with Holder(small_warehouse, "rw"), caplog.at_level("WARNING", logger="warehouse.db"):
        started = time.monotonic()
        with pytest.raises(WarehouseLockedError) as excinfo:
            connect(small_warehouse, wait_seconds=1.5)
        waited = time.monotonic() - started
    assert 1.0 <= waited < 15
    message = str(excinfo.value)
    assert str(small_warehouse) in message and "still locked by another process" in message
    assert "close other sessions" in message
    assert "is locked by another process; retrying" in caplog.text


def test_lock_released_while_waiting_lets_the_load_proceed(small_warehouse):
    holder = Holder(small_warehouse, "rw").__enter__()
    # release the lock after ~1 s from another thread while connect() is retrying
    import threading

    threading.Timer(1.0, holder.__exit__).start()
    con = connect(small_warehouse, wait_seconds=20)
    try:
        assert current_version(con) == latest_version()
    finally:
        con.close()


def test_analysts_read_concurrently_while_no_load_runs(small_warehouse):
    with Holder(small_warehouse, "ro"):
        con = connect(small_warehouse, read_only=True, wait_seconds=2)
        try:
            assert current_version(con) == latest_version()
        finally:
            con.close()
