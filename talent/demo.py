"""``talent demo``: the whole offline pipeline on the local mirror, with progress and a summary.

Start the mirror on loopback → crawl NeurIPS 2019, 2020 (proceedings + virtual feed) and 2022
(OpenReview + virtual feed) through the real spiders → load and build the warehouse (institutions,
affiliations, persons) → crawl the authors' OpenReview profiles and their ORCID records → load and
rebuild (education, talent records, study views) → Parquet exports and the HTML report → print what was
harvested, how much is known, and what it cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mirror.server import MirrorServer
from talent.crawl import CrawlRun, mirror_settings, run_crawl
from warehouse.build import BuildReport
from warehouse.context import BuildContext
from warehouse.db import connect
from warehouse.export import export
from warehouse.pipeline import load_and_build
from warehouse.report import write_markdown, write_report

# (year, spider) in crawl order; the expected records let the progress bars show a total.
DEMO_PLAN: tuple[tuple[int, str, int], ...] = (
    (2019, "neurips_proceedings", 1428),
    (2019, "neurips_virtual", 1427),
    (2020, "neurips_proceedings", 1899),
    (2020, "neurips_virtual", 1899),
    (2021, "openreview", 2334),
    (2021, "neurips_virtual", 2334),
    (2022, "openreview", 2834),
    (2022, "neurips_virtual", 2834),
)


@dataclass(slots=True)
class DemoResult:
    crawls: list[CrawlRun]
    build: BuildReport
    seconds: float


def run_crawls(base_url: str, landing_dir: Path, console: Console, log_file: Path | None) -> list[CrawlRun]:
    runs: list[CrawlRun] = []
    settings = mirror_settings(base_url)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} records"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        for year, spider, expected in DEMO_PLAN:
            task = progress.add_task(f"crawl {spider:<20} {year}", total=expected)
            run = run_crawl(
                spider,
                {"year": str(year), "conference": "neurips"},
                landing_dir,
                settings=settings,
                on_progress=lambda n, task=task: progress.update(task, completed=n),
                log_file=log_file,
            )
            progress.update(task, completed=run.records, total=max(expected, run.records))
            if run.returncode != 0:
                raise RuntimeError(f"crawl {spider} {year} failed (exit {run.returncode}); see {log_file}")
            runs.append(run)
    return runs


def summary_table(warehouse: Path, runs: list[CrawlRun]) -> Table:
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            """SELECT p.conference, p.year, count(*) AS papers,
                      count(*) FILTER (WHERE tier = 'oral') AS oral,
                      count(*) FILTER (WHERE tier = 'spotlight') AS spotlight,
                      count(*) FILTER (WHERE tier = 'poster') AS poster,
                      (SELECT count(*) FROM authorships a WHERE a.conference = p.conference AND a.year = p.year)
               FROM papers p GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
    finally:
        con.close()
    requests: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for run in runs:
        if "year" not in run.arguments:  # profile crawls are not per year
            continue
        year = int(run.arguments["year"])
        requests[year] = requests.get(year, 0) + int(run.stats.get("downloader/request_count", 0))
        seconds[year] = seconds.get(year, 0.0) + run.seconds
    table = Table(title="Harvested from the mirror")
    for column in ("conference", "year", "papers", "authorships", "oral", "spotlight", "poster", "requests", "crawl s"):
        table.add_column(column, justify="right")
    for conference, year, papers, oral, spotlight, poster, authorships in rows:
        table.add_row(
            conference,
            str(year),
            f"{papers:,}",
            f"{authorships:,}",
            str(oral),
            str(spotlight),
            f"{poster:,}",
            f"{requests.get(year, 0):,}",
            f"{seconds.get(year, 0.0):.1f}",
        )
    return table


def profile_ids(warehouse: Path, path: Path) -> int:
    """Write the OpenReview profile ids of every harvested author, one per line, for the profile crawl."""
    con = connect(warehouse, read_only=True)
    try:
        ids = [
            row[0]
            for row in con.execute(
                "SELECT DISTINCT author_source_id FROM authorships WHERE author_source_id LIKE '~%' ORDER BY 1"
            ).fetchall()
        ]
    finally:
        con.close()
    path.write_text("".join(f"{profile_id}\n" for profile_id in ids), encoding="utf-8")
    return len(ids)


def run_profile_crawls(
    base_url: str, landing_dir: Path, ids_file: Path, console: Console, log_file: Path | None
) -> list[CrawlRun]:
    settings = mirror_settings(base_url)
    plan = (
        ("openreview_profiles", {"ids_file": str(ids_file)}),
        ("orcid", {"profiles_landing": str(landing_dir / "openreview_profiles")}),
    )
    runs = []
    for spider, arguments in plan:
        with console.status(f"crawl {spider} …"):
            run = run_crawl(spider, arguments, landing_dir, settings=settings, log_file=log_file)
        if run.returncode != 0:
            raise RuntimeError(f"crawl {spider} failed (exit {run.returncode}); see {log_file}")
        console.print(
            f"crawl {spider:<20} {run.records:>6,} records, "
            f"{int(run.stats.get('downloader/request_count', 0)):,} requests, {run.seconds:.1f} s"
        )
        runs.append(run)
    return runs


def coverage_table(warehouse: Path) -> Table:
    """How much the warehouse knows per conference-year: persons and the share with each field known."""
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            """SELECT year, count(*) AS persons,
                      avg((work_country IS NOT NULL)::INT), avg((grad_country IS NOT NULL)::INT),
                      avg((undergrad_country IS NOT NULL)::INT)
               FROM talent_records GROUP BY year ORDER BY year"""
        ).fetchall()
    finally:
        con.close()
    table = Table(title="Talent records (share of persons with the field known)")
    for column in ("year", "persons", "work country", "graduate country", "undergrad country"):
        table.add_column(column, justify="right")
    for year, persons, work, grad, undergrad in rows:
        table.add_row(str(year), f"{persons:,}", f"{work:.1%}", f"{grad:.1%}", f"{undergrad:.1%}")
    return table


def run_offline_demo(warehouse: Path, workdir: Path, console: Console, ctx: BuildContext) -> DemoResult:
    """Both builds (papers, then profiles) read the same inputs: the one ``ctx`` the command made."""
    started = time.perf_counter()
    landing_dir = workdir / "landing"
    log_file = workdir / "crawl.log"
    workdir.mkdir(parents=True, exist_ok=True)
    with MirrorServer() as mirror:
        console.print(f"mirror serving the upstream layout at {mirror.base_url}")
        runs = run_crawls(mirror.base_url, landing_dir, console, log_file)
        with console.status(f"loading {len(runs)} crawls into {warehouse} and building …"):
            _, build_report = load_and_build(warehouse, [run.landing_file for run in runs], ctx)
        for (conference, year), titles in sorted(build_report.unmatched_feed.items()):
            console.print(
                f"[yellow]{conference} {year}: {len(titles)} presentation(s) matched no paper "
                "(listed in presentation_unmatched)[/yellow]"
            )
        ids_file = workdir / "profile_ids.txt"
        console.print(f"{profile_ids(warehouse, ids_file):,} OpenReview profile ids to look up")
        profile_runs = run_profile_crawls(mirror.base_url, landing_dir, ids_file, console, log_file)
    with console.status("loading profiles and rebuilding (education, talent records, study views) …"):
        _, build_report = load_and_build(warehouse, [run.landing_file for run in profile_runs], ctx)
    runs += profile_runs
    exports_dir, report_path = workdir / "exports", workdir / "report.html"
    con = connect(warehouse, read_only=True)
    try:
        with console.status("exporting Parquet and writing the report …"):
            exported = export(con, exports_dir)
            write_report(con, report_path)
            write_markdown(con, workdir / "analysts.md")  # this warehouse's answers to docs/analysts.md
    finally:
        con.close()
    n_tables = sum(1 for table in exported.tables if table.status == "exported")
    result = DemoResult(runs, build_report, time.perf_counter() - started)
    console.print(summary_table(warehouse, runs))
    console.print(coverage_table(warehouse))
    for warning in build_report.warnings:
        console.print(f"[yellow]build warning:[/yellow] {warning}")
    console.print(f"warehouse: {warehouse}   exports: {exports_dir} ({n_tables} tables)   report: {report_path}")
    console.print(f"done in {result.seconds:.1f} s; crawl logs in {log_file}")
    return result
