"""institutions (+ names, domains) from the registry, and authorship_affiliations from the resolver.

Grain of authorship_affiliations: one row per (authorship, affiliation), weight 1/N over an author's N
affiliations. Each distinct (raw string, email domain) pair is resolved once.
"""

from __future__ import annotations

import duckdb

from etl.affiliations.warehouse import resolve_authorship_affiliations
from etl.registry import write_registry_tables
from warehouse.build import BuildReport


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    report.notes["registry"] = write_registry_tables(con)
    report.notes["affiliations"] = resolve_authorship_affiliations(con)
