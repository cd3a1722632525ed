"""institutions, institution_names, institution_domains — the registry the resolver matches against, as tables.

Grain: one row per institution (ROR id, or tt:<slug>-<cc>) / per (institution, name, kind, lang) / per domain.
The registry (``etl.registry``) is built from vendored sources and cached; the build takes it from the
``BuildContext``, whose ``input_hashes`` record which registry inputs made these tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext

if TYPE_CHECKING:
    from etl.registry.model import Registry


def registry_arrow_tables(registry: Registry) -> dict[str, pa.Table]:
    """The three registry tables as Arrow tables."""
    insts = list(registry.institutions.values())
    institutions = pa.table({
        "institution_id": [i.institution_id for i in insts],
        "name": [i.name for i in insts],
        "country_code": [i.country_code for i in insts],
        "type": [i.type for i in insts],
        "parent_id": [i.parent_id for i in insts],
        "source": [i.source for i in insts],
        "city": [i.city for i in insts],
    })
    names = pa.table({
        "institution_id": [n.institution_id for n in registry.names],
        "name": [n.name for n in registry.names],
        "kind": [n.kind for n in registry.names],
        "lang": [n.lang for n in registry.names],
    })
    doms = list(registry.domains.values())
    domains = pa.table({
        "domain": [d.domain for d in doms],
        "institution_id": [d.institution_id for d in doms],
        "source": [d.source for d in doms],
    })
    return {"institutions": institutions, "institution_names": names, "institution_domains": domains}


def write_registry_tables(con: duckdb.DuckDBPyConnection, registry: Registry) -> dict[str, int]:
    """Create or replace ``institutions``, ``institution_names`` and ``institution_domains``; rows per table."""
    counts: dict[str, int] = {}
    for table_name, table in registry_arrow_tables(registry).items():
        replace_table(con, table_name, table)
        counts[table_name] = table.num_rows
    return counts


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    report.notes["registry"] = write_registry_tables(con, ctx.registry)
