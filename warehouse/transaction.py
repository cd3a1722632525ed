"""``transaction(con)``: a batch of writes lands whole or not at all, written once for every writer.

Migrations, loads and review imports each append several tables that must agree (a crawl's records and its
``raw_crawls`` row; a sample and its strata and persons); a failure half-way rolls all of them back and the
error goes on to the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``BEGIN`` … ``COMMIT``; any exception inside the block (or from the commit) rolls back and re-raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
