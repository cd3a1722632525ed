"""``talent status``: what an operator checks first — what was loaded, how big, how complete, what failed.

Read-only and cheap: counts and a handful of rows, never a rebuild, so it can run beside analysts' sessions.
Every section reports tables that are not there yet as absent instead of failing, because the warehouse
grows area by area (harvest, then affiliations, then people). ``--check`` runs named checks (``CHECKS``)
and exits non-zero when one fails: a partial or inconsistent warehouse is never read in silence.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from warehouse.checks import Check
from warehouse.export.check import export_check
from warehouse.migrate import current_version

__all__ = ["CHECKS", "Check", "Status", "check_exports", "collect_status", "print_status", "run_checks"]

# Fields of talent_records whose coverage matters to the study (allow-list for the SQL below).
TALENT_FIELDS: tuple[str, ...] = (
    "tier", "undergrad_country", "grad_country", "work_country", "work_institution_id", "sector",
)


@dataclass(slots=True)
class Status:
    schema_version: int
    crawls: list[dict] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    coverage: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    load_errors: list[dict] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


def _objects(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "SELECT table_name, 'table' FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
        "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal "
        "ORDER BY 1"
    ).fetchall()
    return dict(rows)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def crawls(con: duckdb.DuckDBPyConnection) -> list[dict]:
    # timestamps as text: the Python client needs pytz for TIMESTAMPTZ values, which we do not ship
    return _dicts(con, """
        -- a crawl file loaded again after it grew (resume) has one row per load: its last load counts
        SELECT crawl_id, any_value(source) AS source, count(DISTINCT file_name) AS files,
               sum(lines_in_file) FILTER (WHERE latest) AS lines,
               sum(records_added) AS records_added, sum(bad_lines) FILTER (WHERE latest) AS bad_lines,
               arg_max(manifest ->> 'finish_reason', loaded_at) AS finish_reason,
               strftime(max(loaded_at), '%Y-%m-%d %H:%M:%S%z') AS loaded_at
        FROM (SELECT *, loaded_at = max(loaded_at) OVER (PARTITION BY crawl_id, file_name) AS latest
              FROM raw_crawls)
        GROUP BY crawl_id ORDER BY crawl_id""")


def row_counts(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name in objects:  # names come from the catalog, quoted
        counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
    return counts


def talent_coverage(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Share of talent_records rows with each field known, per conference-year and overall."""
    known = ", ".join(
        f"count({f}) FILTER (WHERE trim(CAST({f} AS VARCHAR)) <> '') / count(*) AS {f}" for f in TALENT_FIELDS
    )
    sql = (
        f"SELECT coalesce(conference, 'all') AS conference, coalesce(CAST(year AS VARCHAR), 'all') AS year, "  # noqa: S608
        f"count(*) AS rows, count(DISTINCT person_id) AS persons, {known} FROM talent_records "
        "GROUP BY GROUPING SETS ((conference, year), ()) ORDER BY conference = 'all', conference, year"
    )
    return _dicts(con, sql)


def affiliation_coverage(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Share of authorships with an institution / a country resolved, per conference-year."""
    return _dicts(con, """
        SELECT a.conference, CAST(a.year AS VARCHAR) AS year, count(*) AS authorships,
               count(*) FILTER (WHERE r.has_institution) / count(*) AS institution_resolved,
               count(*) FILTER (WHERE r.has_country) / count(*) AS country_known
        FROM authorships a
        LEFT JOIN (SELECT conference, year, paper_id, author_position,
                          bool_or(institution_id IS NOT NULL) AS has_institution,
                          bool_or(country_code IS NOT NULL) AS has_country
                   FROM authorship_affiliations GROUP BY ALL) r
          USING (conference, year, paper_id, author_position)
        GROUP BY ALL ORDER BY ALL""")


def collect_status(con: duckdb.DuckDBPyConnection, n_errors: int = 10) -> Status:
    objects = _objects(con)
    status = Status(schema_version=current_version(con))
    status.absent = [name for name in ("raw_crawls", "authorship_affiliations", "talent_records")
                     if name not in objects]
    if "raw_crawls" in objects:
        status.crawls = crawls(con)
    status.row_counts = row_counts(con, objects)
    if "talent_records" in objects:
        status.coverage += [{"table": "talent_records", **row} for row in talent_coverage(con)]
    if "authorship_affiliations" in objects and "authorships" in objects:
        status.coverage += [{"table": "authorship_affiliations", **row} for row in affiliation_coverage(con)]
    if "raw_rejects" in objects:
        status.rejects = _dicts(con, """
            SELECT strftime(seen_at, '%Y-%m-%d %H:%M:%S%z') AS seen_at, crawl_id, source, status, url, reason
            FROM raw_rejects ORDER BY raw_rejects.seen_at DESC LIMIT ?""", [n_errors])
    if "raw_load_errors" in objects:
        status.load_errors = _dicts(con, """
            SELECT strftime(loaded_at, '%Y-%m-%d %H:%M:%S%z') AS loaded_at, file_name, line_no, problem
            FROM raw_load_errors ORDER BY raw_load_errors.loaded_at DESC, line_no LIMIT ?""", [n_errors])
    return status


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1%}"
    return "" if value is None else str(value)


def _table(title: str, rows: list[dict]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in rows[0]:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row.values()))
    return table


def print_status(status: Status, as_json: bool = False, console: Console | None = None) -> None:
    if as_json:
        print(json.dumps(asdict(status), default=str))
        return
    console = console or Console(width=160, highlight=False)
    console.print(f"warehouse schema version {status.schema_version}")
    for name in status.absent:
        console.print(f"[yellow]{name}: not built yet[/yellow]")
    if status.crawls:
        console.print(_table(f"Crawls loaded ({len(status.crawls)})", status.crawls))
    console.print(_table("Row counts", [{"object": k, "rows": v} for k, v in status.row_counts.items()]))
    for source in ("talent_records", "authorship_affiliations"):
        rows = [{k: v for k, v in row.items() if k != "table"} for row in status.coverage if row["table"] == source]
        if rows:
            console.print(_table(f"Coverage: {source} (share known)", rows))
    if status.rejects:
        console.print(_table(f"Last {len(status.rejects)} rejected responses (raw_rejects)", status.rejects))
    else:
        console.print("no rejected responses recorded")
    if status.load_errors:
        console.print(_table(f"Last {len(status.load_errors)} load errors (raw_load_errors)", status.load_errors))
    else:
        console.print("no load errors recorded")


# ---------------------------------------------------------------------------------------------------
# ``talent status --check``: named checks an operator (or cron) runs after a load, build or export.


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def check_schema_version(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> list[Check]:
    from warehouse.migrate import latest_version

    version, latest = current_version(con), latest_version()
    return [Check("schema_version", version, f"= {latest}", version == latest,
                  "" if version == latest else "run `talent build` to migrate" if version < latest
                  else "written by newer code")]


def check_built_after_load(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> list[Check]:
    """Raw rows loaded after the last finished build (a build that never ran or was interrupted)."""
    if "raw_crawls" not in objects or not _scalar(con, "SELECT count(*) FROM raw_crawls"):
        return [Check("built_after_last_load", "no loads", "a load and a build", False, "run `talent load`")]
    if "build_log" not in objects or not _scalar(con, "SELECT count(*) FROM build_log"):
        return [Check("built_after_last_load", "never built", "last build after last load", False,
                      "run `talent build`")]
    behind = _scalar(con, """SELECT count(*) FROM raw_crawls
                             WHERE loaded_at > (SELECT max(finished_at) FROM build_log)""")
    return [Check("built_after_last_load", f"{behind} file(s) loaded since", "0", behind == 0,
                  "" if behind == 0 else "run `talent build`")]


def check_last_build_warnings(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> list[Check]:
    if "build_log" not in objects:
        return []
    row = con.execute("SELECT warnings FROM build_log ORDER BY finished_at DESC LIMIT 1").fetchone()
    warnings = json.loads(row[0]) if row else []
    return [Check("last_build_warnings", len(warnings), "0", not warnings, "; ".join(warnings))]


# (name, child table, parent table, join columns): every child row must have its parent. (A paper without
# authorships is not an orphan: the proceedings list one NeurIPS 2019 paper with no authors.)
ORPHAN_CHECKS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("authorships_without_paper", "core_authorships", "core_papers", ("conference", "year", "paper_id")),
    ("affiliations_without_authorship", "authorship_affiliations", "core_authorships",
     ("conference", "year", "paper_id", "author_position")),
    ("talent_records_without_person", "talent_records", "persons", ("person_id",)),
    ("education_without_person", "person_education", "persons", ("person_id",)),
)


def check_orphans(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> list[Check]:
    checks = []
    for name, child, parent, columns in ORPHAN_CHECKS:
        if child not in objects or parent not in objects:
            continue
        on = " AND ".join(f"p.{c} = c.{c}" for c in columns)
        orphans = _scalar(con, f"SELECT count(*) FROM {child} c WHERE NOT EXISTS "  # noqa: S608 - names above
                               f"(SELECT 1 FROM {parent} p WHERE {on})")
        checks.append(Check(name, orphans, "0", orphans == 0))
    return checks


def check_primary_sources_complete(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> list[Check]:
    """Each conference-year's papers equal what its primary source holds (no partial core table)."""
    if "core_papers" not in objects or "stg_primary_sources" not in objects:
        return []
    short = con.execute("""SELECT s.conference || ' ' || s.year || ': ' || coalesce(n, 0) || ' of ' || s.papers
                           FROM stg_primary_sources s
                           LEFT JOIN (SELECT conference, year, count(*) AS n FROM core_papers GROUP BY ALL) c
                             USING (conference, year)
                           WHERE coalesce(n, 0) <> s.papers ORDER BY 1""").fetchall()
    return [Check("core_papers_match_primary_source", len(short), "0", not short, "; ".join(r[0] for r in short))]


PROFILE_FAN_IN_LIMIT = 5  # a real person has a handful of old usernames; the or_profile mix-up gave 194


def check_true_records(con: duckdb.DuckDBPyConnection, objects: dict[str, str]) -> list[Check]:
    """Issue 9's audit as checks: every figure must be 0 (the profile fan-in at most a handful)."""
    from etl.affiliations import integrity as affiliations
    from etl.people import integrity as people
    from warehouse import integrity as records

    checks = []
    if "authorship_affiliations" in objects and "institutions" in objects:
        checks += [
            Check("institutions_without_country", affiliations.institutions_without_country(con), "0",
                  affiliations.institutions_without_country(con) == 0, "resolved institutions with no country"),
            Check("affiliation_rows_without_country", affiliations.affiliation_rows_without_country(con), "0",
                  affiliations.affiliation_rows_without_country(con) == 0),
        ]
    if "persons_core" in objects:
        foreign = people.persons_with_foreign_profile(con)
        examples = "; ".join(f"{item.person_id} {item.printed_names[:1]} <- {item.profile_id}"
                             for item in foreign.unexplained[:3])
        checks.append(Check("persons_with_foreign_profile", len(foreign.unexplained), "0",
                            not foreign.unexplained,
                            f"profile names share no token with the person's; {len(foreign.explained)} explained"
                            + (f"; e.g. {examples}" if examples else "")))
    if "stg_openreview_profiles" in objects:
        fan_in, profile = con.execute(
            "SELECT count(DISTINCT requested_id) AS n, profile_id FROM stg_openreview_profiles "
            "WHERE status = 'found' GROUP BY profile_id ORDER BY n DESC, profile_id LIMIT 1").fetchone() or (0, None)
        checks.append(Check("max_requested_ids_per_profile", fan_in, f"<= {PROFILE_FAN_IN_LIMIT}",
                            fan_in <= PROFILE_FAN_IN_LIMIT, f"profile {profile}" if profile else ""))
    if "talent_records" in objects:
        checks += [Check(name, value, "0", value == 0) for name, value in records.figures(con).items()]
    return checks


CHECKS = [check_schema_version, check_built_after_load, check_last_build_warnings, check_orphans,
          check_primary_sources_complete, check_true_records]


def run_checks(con: duckdb.DuckDBPyConnection, warehouse_path: Path | None = None) -> list[Check]:
    """Every check in ``CHECKS`` (add a function there to add a check), plus leftovers of killed writers."""
    objects = _objects(con)
    checks = [check for function in CHECKS for check in function(con, objects)]
    if warehouse_path is not None:
        from warehouse.db import stale_building_files

        stale = stale_building_files(warehouse_path)
        checks.append(Check("interrupted_builds", len(stale), "0", not stale,
                            "; ".join(f"{p.name} (removed by the next load or build)" for p in stale)))
    return checks


def check_exports(con: duckdb.DuckDBPyConnection, exports: Path) -> list[Check]:
    """An export folder is whole: a readable contract, no staging leftovers, every table's files holding
    the rows the contract promises, the warehouse's schema version, and no talent record without its
    person. Table paths are read from the contract, so the layout stays the exporter's to choose."""
    contract_path = exports / "_contract.json"
    try:
        contract = json.loads(contract_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Check("export_contract", "unreadable", "a readable _contract.json", False, str(exc))]
    checks = [Check("export_contract", "readable", "a readable _contract.json", True)]
    leftovers = sorted(p.name for p in exports.iterdir() if p.name.startswith((".staging-", ".trash-")))
    checks.append(Check("export_leftovers", len(leftovers), "0", not leftovers, ", ".join(leftovers)))
    version = current_version(con)
    checks.append(Check("export_schema_version", contract.get("schema_version"), f"= {version}",
                        contract.get("schema_version") == version))
    files: dict[str, str] = {}
    for table, spec in sorted((contract.get("tables") or {}).items()):
        folder = exports / spec.get("path", table)
        files[table] = f"{folder}/**/*.parquet"
        try:
            rows = con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                               [files[table]]).fetchone()[0]
        except duckdb.Error as exc:
            checks.append(Check(f"export_rows:{table}", "unreadable", str(spec.get("rows")), False, str(exc)[:200]))
            continue
        checks.append(Check(f"export_rows:{table}", rows, str(spec.get("rows")), rows == spec.get("rows")))
    if "talent_records" in files and "persons" in files:
        orphans = con.execute(
            """SELECT count(*) FROM read_parquet(?, hive_partitioning = true) t
               WHERE t.person_id IS NOT NULL AND t.person_id NOT IN
                     (SELECT person_id FROM read_parquet(?, hive_partitioning = true))""",
            [files["talent_records"], files["persons"]]).fetchone()[0]
        checks.append(Check("export_talent_records_without_person", orphans, "0", orphans == 0))
    known = {check.name for check in checks}
    return checks + [check for check in export_check(exports) if check.name not in known]
