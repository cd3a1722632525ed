"""Numbered schema migrations (``migrations/NNN_name.sql``), applied in order, each in a transaction.

``schema_version`` records what ran, so an existing warehouse upgrades in place without losing data and
a newer file is never opened by older code that would misread it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from warehouse.sql import table_exists
from warehouse.transaction import transaction

MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    folder = resources.files("warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.version)


def latest_version() -> int:
    return available_migrations()[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    if not table_exists(con, "schema_version"):
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration this file has not had yet, in number order; returns the versions applied."""
    con.execute(
        """CREATE TABLE IF NOT EXISTS schema_version (
               version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"""
    )
    con.execute("COMMENT ON TABLE schema_version IS 'Migrations applied to this warehouse file, newest last.'")
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    newest = latest_version()
    if done and max(done) > newest:
        raise RuntimeError(
            f"warehouse schema version {max(done)} is newer than this code knows ({newest}): upgrade talent-tracker"
        )
    applied = []
    for migration in available_migrations():
        if migration.version in done:  # gaps are filled: migrations numbered by area may land out of order
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [migration.version, migration.name])
        applied.append(migration.version)
    return applied
