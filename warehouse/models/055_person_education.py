"""person_education — grain: one row per (person, profile history entry or ORCID affiliation).

Education and career stages of each person from OpenReview profile histories and ORCID records, each
entry staged (etl.people.stages) and its institution resolved (ORCID ROR id, else the affiliation resolver).
"""

from __future__ import annotations

import duckdb

from etl.people.history_table import build_person_education
from warehouse.build import BuildReport


def run(con: duckdb.DuckDBPyConnection, report: BuildReport) -> None:
    report.notes["person_education"] = build_person_education(con)
