"""Small SQL helpers every warehouse module shares, so each is written (and reviewed) once.

``table_exists`` answers for tables and views in the main schema; ``sql_literal`` quotes a constant for the
few statements DuckDB does not parameterise (``COMMENT ON``). Neither is ever given user input unchecked.
"""

from __future__ import annotations

import re

import duckdb

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def table_exists(con: duckdb.DuckDBPyConnection, name: str, *, views: bool = True) -> bool:
    """Whether ``name`` is a non-temporary table (or, with ``views``, a view) of the main schema."""
    query = ("SELECT count(*) FROM duckdb_tables() WHERE table_name = $1 AND schema_name = 'main' "
             "AND NOT temporary")
    if views:
        query += " UNION ALL SELECT count(*) FROM duckdb_views() WHERE view_name = $1 AND schema_name = 'main' " \
                 "AND NOT temporary"
    return any(n for (n,) in con.execute(query, [name]).fetchall())


def sql_literal(text: str) -> str:
    """A SQL string literal, for statements that take no parameters (``COMMENT ON``)."""
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """``name`` if it is a plain lower-case identifier; anything else is refused, never quoted through."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name
