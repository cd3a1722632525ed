"""After each model runs: its yml becomes the objects' comments, and its grain and not_null checks run.

Comments live in the database (an analyst's ``DESCRIBE`` explains itself) but are written in one place, the
model's yml, so code holds no ``COMMENT ON``. A check that fails stops the build with the model, object,
check and the first offending keys, so a broken grain is found where it breaks, not in a figure downstream.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _check_grain(con: duckdb.DuckDBPyConnection, model: Model, obj: ModelObject) -> None:
    keys = ", ".join(identifier(column) for column in obj.grain)
    duplicates = con.execute(
        f"SELECT {keys} FROM {identifier(obj.name)} GROUP BY ALL HAVING count(*) > 1 "  # noqa: S608
        f"ORDER BY ALL LIMIT {SAMPLE}").fetchall()
    if duplicates:
        raise ModelCheckError(model.stem, obj.name, f"grain unique ({', '.join(obj.grain)})", duplicates)


def _check_not_null(con: duckdb.DuckDBPyConnection, model: Model, obj: ModelObject, columns: list[str]) -> None:
    """All not_null columns of an object in one scan (a view is evaluated once, not once per column)."""
    counts = con.execute("SELECT " + ", ".join(  # noqa: S608 - identifiers checked
        f"count(*) FILTER (WHERE {identifier(column)} IS NULL)" for column in columns)
        + f" FROM {identifier(obj.name)}").fetchall()[0]
    failing = [column for column, n in zip(columns, counts, strict=True) if n]
    if failing:
        keys = ", ".join(identifier(name) for name in obj.grain or [c.name for c in obj.columns])
        nulls = con.execute(
            f"SELECT {keys} FROM {identifier(obj.name)} WHERE {identifier(failing[0])} IS NULL "  # noqa: S608
            f"ORDER BY ALL LIMIT {SAMPLE}").fetchall()
        raise ModelCheckError(model.stem, obj.name, f"not_null ({failing[0]})", nulls)


def run_checks(con: duckdb.DuckDBPyConnection, model: Model, tally: CheckTally) -> None:
    """The object is of its declared kind with every column documented, grain unique, not_null columns filled;
    raises on the first failure."""
    for obj in model.objects:
        if obj.kind == "macro":
            continue
        checks = [lambda o=obj: _check_columns(con, model, o)]
        if obj.grain:
            checks.append(lambda o=obj: _check_grain(con, model, o))
        for check in checks:
            tally.run += 1
            check()
            tally.passed += 1
        not_null = [column.name for column in obj.columns if "not_null" in column.tests]
        if not_null:
            tally.run += len(not_null)
            _check_not_null(con, model, obj, not_null)
            tally.passed += len(not_null)
