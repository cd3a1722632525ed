"""authorship_affiliations and unresolved_affiliations: every authorship's affiliation string resolved.

Grain of authorship_affiliations: one row per (authorship, affiliation_no), weight 1/N over an author's N
affiliations (``etl.affiliations.authorship_rows``); unresolved_affiliations: one row per distinct raw
string that resolved to no institution, the review queue. The resolver comes from the ``BuildContext``.
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa

from etl.affiliations.authorship_rows import resolve_affiliation_rows
from etl.affiliations.resolver import AffiliationResolver
from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext

log = logging.getLogger(__name__)

TYPES = {"conference": pa.string(), "year": pa.int32(), "paper_id": pa.string(), "author_position": pa.int32(),
         "institution_id": pa.string(), "country_code": pa.string(), "weight": pa.float64(),
         "confidence": pa.float64(), "method": pa.string(), "affiliation_no": pa.int32()}


def resolve_authorship_affiliations(con: duckdb.DuckDBPyConnection, resolver: AffiliationResolver
                                    ) -> dict[str, int]:
    """Create or replace ``authorship_affiliations`` and ``unresolved_affiliations``; rows written."""
    # the email domain comes from OpenReview author ids, or an address typed into the affiliation field
    rows = con.execute(
        "SELECT conference, year, paper_id, author_position, raw_affiliation, email_domain FROM core_authorships"
    ).fetchall()
    resolved = resolve_affiliation_rows(rows, resolver)
    table = pa.table({name: pa.array(resolved.columns[name], kind) for name, kind in TYPES.items()})
    review = pa.table({"raw_affiliation": pa.array(list(resolved.unresolved), pa.string()),
                       "n_authorships": pa.array(list(resolved.unresolved.values()), pa.int64())})
    replace_table(con, "authorship_affiliations", table)
    replace_table(con, "unresolved_affiliations", review)
    log.info("authorship_affiliations: %d rows from %d authorships (%d distinct strings, %d unresolved)",
             table.num_rows, resolved.authorships, resolved.distinct_strings, len(resolved.unresolved))
    return {"authorship_affiliations": table.num_rows, "unresolved_affiliations": review.num_rows,
            "distinct_strings": resolved.distinct_strings}


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    report.notes["affiliations"] = resolve_authorship_affiliations(con, ctx.resolver)
