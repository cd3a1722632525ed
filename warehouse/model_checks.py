"""After each model runs: its yml becomes the objects' comments, and its grain and not_null checks run.

Comments live in the database (an analyst's ``DESCRIBE`` explains itself) but are written in one place, the
model's yml, so code holds no ``COMMENT ON``. A check that fails stops the build with the model, object,
check and the first offending keys, so a broken grain is found where it breaks, not in a figure downstream.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from warehouse.model_files import Model, ModelObject
from warehouse.sql import identifier, sql_literal, table_exists

SAMPLE = 5


class ModelCheckError(RuntimeError):
    """A model's object breaks a declared check; ``keys`` are up to five offending key tuples."""

    def __init__(self, model: str, obj: str, check: str, keys: list[tuple]) -> None:
        self.model, self.object, self.check, self.keys = model, obj, check, keys
        shown = ", ".join(str(key) for key in keys[:SAMPLE])
        super().__init__(f"model {model}: {obj}: check {check} failed for {shown}")


@dataclass(slots=True)
class CheckTally:
    run: int = 0
    passed: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows of each checked object, counted by the same scan


def _macro_kind(con: duckdb.DuckDBPyConnection, name: str) -> str:
    rows = con.execute("SELECT DISTINCT function_type FROM duckdb_functions() WHERE function_name = ? "
                       "AND schema_name = 'main'", [name]).fetchall()
    return "MACRO TABLE" if rows and rows[0][0] == "table_macro" else "MACRO"


def apply_comments(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    """``COMMENT ON`` every object and column the yml documents (glossary texts already filled in)."""
    for obj in model.objects:
        name = identifier(obj.name)
        kind = _macro_kind(con, name) if obj.kind == "macro" else obj.kind.upper()
        try:
            con.execute(f"COMMENT ON {kind} {name} IS {sql_literal(obj.description)}")
        except duckdb.CatalogException as exc:
            raise ModelCheckError(model.stem, obj.name, f"{obj.kind} created ({exc})", []) from exc
        for column in obj.columns:
            try:
                con.execute(f"COMMENT ON COLUMN {name}.{identifier(column.name)} IS "
                            f"{sql_literal(column.description)}")
            except duckdb.BinderException as exc:
                raise ModelCheckError(model.stem, obj.name, f"documented column exists ({exc})",
                                      [(column.name,)]) from exc


def actual_columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return [column for (column,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
        "ORDER BY column_index", [name]).fetchall()]


def _check_columns(con: duckdb.DuckDBPyConnection, model: Model, obj: ModelObject) -> None:
    if not table_exists(con, obj.name, views=obj.kind == "view") or (
            obj.kind == "view" and table_exists(con, obj.name, views=False)):
        raise ModelCheckError(model.stem, obj.name, f"is a {obj.kind}", [])
    documented = {column.name for column in obj.columns}
    undocumented = [column for column in actual_columns(con, obj.name) if column not in documented]
    if undocumented:
        raise ModelCheckError(model.stem, obj.name, "columns documented", [(column,) for column in undocumented])


def _scan(con: duckdb.DuckDBPyConnection, obj: ModelObject, not_null: list[str]) -> tuple[int, int, list[int]]:
    """One pass over the object (a view is evaluated once): its rows, its distinct grain keys (rows when it
    declares no grain) and the NULLs of each not_null column."""
    keys = ", ".join(identifier(column) for column in obj.grain)
    distinct = f"count(DISTINCT row({keys}))" if obj.grain else "count(*)"
    nulls = "".join(f", count(*) FILTER (WHERE {identifier(column)} IS NULL)" for column in not_null)
    row = con.execute(f"SELECT count(*), {distinct}{nulls} FROM {identifier(obj.name)}").fetchall()[0]  # noqa: S608
    return row[0], row[1], list(row[2:])


def _grain_failure(con: duckdb.DuckDBPyConnection, model: Model, obj: ModelObject) -> ModelCheckError:
    keys = ", ".join(identifier(column) for column in obj.grain)
    duplicates = con.execute(
        f"SELECT {keys} FROM {identifier(obj.name)} GROUP BY ALL HAVING count(*) > 1 "  # noqa: S608
        f"ORDER BY ALL LIMIT {SAMPLE}").fetchall()
    return ModelCheckError(model.stem, obj.name, f"grain unique ({', '.join(obj.grain)})", duplicates)


def _not_null_failure(con: duckdb.DuckDBPyConnection, model: Model, obj: ModelObject, column: str) -> ModelCheckError:
    keys = ", ".join(identifier(name) for name in obj.grain or [c.name for c in obj.columns])
    nulls = con.execute(
        f"SELECT {keys} FROM {identifier(obj.name)} WHERE {identifier(column)} IS NULL "  # noqa: S608
        f"ORDER BY ALL LIMIT {SAMPLE}").fetchall()
    return ModelCheckError(model.stem, obj.name, f"not_null ({column})", nulls)


def run_checks(con: duckdb.DuckDBPyConnection, model: Model, tally: CheckTally) -> None:
    """The object is of its declared kind with every column documented, grain unique, not_null columns filled;
    raises on the first failure. Grain, not_null and the row count come from one scan of the object."""
    for obj in model.objects:
        if obj.kind == "macro":
            continue
        tally.run += 1
        _check_columns(con, model, obj)
        tally.passed += 1
        not_null = [column.name for column in obj.columns if "not_null" in column.tests]
        rows, distinct_keys, null_counts = _scan(con, obj, not_null)
        tally.rows[obj.name] = rows
        if obj.grain:
            tally.run += 1
            if distinct_keys != rows:
                raise _grain_failure(con, model, obj)
            tally.passed += 1
        tally.run += len(not_null)
        for column, nulls in zip(not_null, null_counts, strict=True):
            if nulls:
                raise _not_null_failure(con, model, obj, column)
        tally.passed += len(not_null)
