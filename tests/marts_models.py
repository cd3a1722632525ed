"""Run mart models on a test's own small input tables: the named models and the mart models they depend on.

The staging and core inputs (talent_records, person_education, ...) are the test's tables; the marts a test
names are run with ``warehouse.build.execute_model`` in build order, so their yml comments and checks apply as
in a full build. A mart the named ones depend on is left out when the test made its main object (the one named like the
model) itself: a small ``study_population`` table, say.
"""

from __future__ import annotations

import duckdb

from warehouse.build import BuildReport, execute_model
from warehouse.context import BuildContext
from warehouse.model_files import discover

STUDY_VIEWS = ("study_population", "study_person_shares", "study_origin_country", "study_grad_country",
               "study_work_country", "study_work_institution_top25", "study_flows", "study_stay_rates",
               "study_outside_origin")


def existing_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() "
        "UNION SELECT function_name FROM duckdb_functions() WHERE NOT internal").fetchall()}


def run_marts(con: duckdb.DuckDBPyConnection, *stems: str, report: BuildReport | None = None) -> BuildReport:
    report = report or BuildReport()
    models = discover()
    by_stem = {model.stem: model for model in models}
    given = existing_names(con)
    wanted: set[str] = set()
    pending = list(stems)
    while pending:
        stem = pending.pop()
        model = by_stem[stem]
        if stem in wanted or model.layer != "marts":
            continue
        if stem not in stems and stem in given:
            continue  # the test made this input itself
        wanted.add(stem)
        pending.extend(model.depends_on)
    ctx = BuildContext.from_environment()
    for model in models:
        if model.stem in wanted:
            execute_model(con, model, ctx, report)
    return report


def run_study_views(con: duckdb.DuckDBPyConnection, report: BuildReport | None = None) -> BuildReport:
    """Every study_* view with the macros and settings they use."""
    return run_marts(con, *STUDY_VIEWS, report=report)
