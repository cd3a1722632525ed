"""Give a test's small hand-made warehouse every input a model declares, in its real shape.

A model reads each input its yml declares and never asks whether it exists (the build makes it earlier in
dependency order), so a test that runs one model on its own rows first makes the others: the real upstream
models run on a migrated connection (their raw tables empty, so staging views and ``core_authorships`` come
out empty, in the shape a build gives them), and a Python model's table the test wants empty is written from
that model's own column types.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from etl.people import education_rows
from etl.registry.model import Registry
from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport, run_model
from warehouse.context import BuildContext
from warehouse.migrate import migrate
from warehouse.models.core import authorship_affiliations
from warehouse.models.core.institutions import write_registry_tables

# core_authorships and the models it reads, in dependency order (empty: no paper landed)
CORE_AUTHORSHIPS = ("stg_latest_records", "stg_paper_records", "stg_primary_sources", "presentation_matches",
                    "core_authorships")
AUTHORSHIP_COLUMNS = ("conference", "year", "paper_id", "author_position", "author_name", "raw_affiliation",
                      "author_source_id", "email_domain")


def run_models(con: duckdb.DuckDBPyConnection, *stems: str) -> None:
    """Migrate ``con`` and run the real models ``stems`` on it, in the order given (checks included)."""
    migrate(con)
    report, ctx = BuildReport(), BuildContext()
    for stem in stems:
        run_model(con, stem, report, ctx)


def insert_authorships(con: duckdb.DuckDBPyConnection, rows: list[tuple],
                       columns: tuple[str, ...] = AUTHORSHIP_COLUMNS) -> None:
    """Rows into the real ``core_authorships`` (columns not named stay NULL)."""
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO core_authorships ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def empty_registry_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``institutions``, ``institution_names``, ``institution_domains`` as the institutions model writes them,
    from a registry with no institution."""
    write_registry_tables(con, Registry({}, [], {}))


def empty_table(con: duckdb.DuckDBPyConnection, name: str, columns: Iterable[tuple[str, pa.DataType]]) -> None:
    """Table ``name`` with these (column, arrow type) pairs, as its Python model writes it, and no row."""
    replace_table(con, name, pa.table({column: pa.array([], kind) for column, kind in columns}))


def empty_authorship_affiliations(con: duckdb.DuckDBPyConnection) -> None:
    """``authorship_affiliations`` with the model's columns and no row (no affiliation resolved)."""
    empty_table(con, "authorship_affiliations", authorship_affiliations.TYPES.items())


def empty_person_education(con: duckdb.DuckDBPyConnection) -> None:
    """``person_education`` with the model's columns and no row (no history entry linked)."""
    empty_table(con, "person_education", education_rows.COLUMNS)
