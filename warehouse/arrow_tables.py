"""Writing a computed Arrow table into the warehouse as a whole table, the one way every stage does it.

Python models compute rows (with the pure resolvers of ``etl``) and hand DuckDB an Arrow table; the table is
(re)created in one statement, so a reader never sees half of it. Table names are checked to be plain
identifiers: they are the only thing interpolated into the SQL.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from warehouse.sql import identifier

_VIEW_NAME = "_incoming_arrow"


def replace_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, select: str = "*") -> None:
    """``CREATE OR REPLACE TABLE name AS SELECT select FROM table``; ``select`` is our own SQL, never input."""
    identifier(name)
    con.register(_VIEW_NAME, table)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {select} FROM {_VIEW_NAME}")  # noqa: S608
    finally:
        con.unregister(_VIEW_NAME)
