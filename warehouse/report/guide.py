"""The analysts' guide: the study's questions as short queries, and ``docs/analysts.md`` generated from them.

Why generated: a hand-kept guide drifted from the warehouse (queries on columns that had moved, results of an
older build). ``QUESTIONS`` is the single list of questions; ``talent report --markdown docs/analysts.md`` (or
``python -m warehouse.report WAREHOUSE docs/analysts.md``) rewrites the block between the markers with
each query and the result it gives, and ``--check`` exits 1 when the file differs from what the warehouse gives,
so CI or a reviewer can tell a stale guide. ``{year}`` in a query is the latest *complete* conference-year
(``warehouse.report.data.conference_years``), written into the query so every query runs as printed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.report.data import conference_years, has_study_views, rows_of, study_min_n
from warehouse.report.text import share_text

BEGIN = "<!-- BEGIN GENERATED: talent report --markdown -->"
END = "<!-- END GENERATED -->"


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    question: str
    sql: str
    note: str = ""

    def query(self, year: int) -> str:
        return self.sql.replace("{year}", str(int(year)))


INTERVAL = ("round(wilson_low(n_persons, n_known), 3) AS low, round(wilson_high(n_persons, n_known), 3) AS high,\n"
            "       n, n_known, round(coverage, 3) AS coverage, below_min_n(n_known) AS small_n")

QUESTIONS: tuple[Question, ...] = (
    Question(
        "work_country",
        "Where do NeurIPS researchers work? (share by country with its 95% interval, 2019 and 2022, main track)",
        "SELECT year, country_code, n_persons, round(share, 3) AS share,\n"
        f"       {INTERVAL}\n"
        "FROM study_work_country WHERE conference = 'neurips' AND year IN (2019, 2022)\n"
        "  AND track = 'main' AND tier = 'all'\n"
        "ORDER BY year, n_persons DESC, country_code LIMIT 12",
        "share = among persons with a known work country (Wilson 95% interval low–high); coverage = n_known / n; "
        "small_n = fewer persons than the minimum n (study_settings).",
    ),
    Question(
        "origin_country",
        "Where did they do their undergraduate degree (origin)? Oral main-track authors, latest complete year",
        "SELECT year, country_code, n_persons, round(share, 3) AS share,\n"
        f"       {INTERVAL}\n"
        "FROM study_origin_country WHERE conference = 'neurips' AND track = 'main' AND tier = 'oral'\n"
        "  AND year = {year}\n"
        "ORDER BY n_persons DESC, country_code LIMIT 10",
    ),
    Question(
        "grad_country",
        "Where did they go to graduate school? (main track, all tiers, latest complete year)",
        "SELECT year, country_code, n_persons, round(share, 3) AS share,\n"
        f"       {INTERVAL}\n"
        "FROM study_grad_country WHERE conference = 'neurips' AND track = 'main' AND tier = 'all'\n"
        "  AND year = {year}\n"
        "ORDER BY n_persons DESC, country_code LIMIT 10",
    ),
    Question(
        "work_institution",
        "Which institutions employ the most researchers? (top 10, main track, all tiers, latest complete year)",
        "SELECT rank, institution_name, country_code, n_persons, round(n_fractional, 1) AS n_frac,\n"
        "       round(share, 3) AS share, round(coverage, 3) AS coverage\n"
        "FROM study_work_institution_top25 WHERE conference = 'neurips' AND track = 'main' AND tier = 'all'\n"
        "  AND year = {year}\n"
        "ORDER BY rank LIMIT 10",
    ),
    Question(
        "flows",
        "Which origin → graduate school → work paths are most common? (main track, all tiers, latest complete year)",
        "SELECT origin_country, grad_country, work_country, n_persons, round(n_fractional, 1) AS n_frac,\n"
        "       n_known, round(coverage, 3) AS coverage, below_min_n(n_known) AS small_n\n"
        "FROM study_flows WHERE conference = 'neurips' AND track = 'main' AND tier = 'all' AND year = {year}\n"
        "ORDER BY n_persons DESC, n_fractional DESC, origin_country, grad_country, work_country LIMIT 10",
    ),
    Question(
        "stay_rates",
        "Of those who finished graduate school (PhD, else master's) in a country by the conference year, what "
        "share work there? Students still enrolled are counted apart (n_enrolled). "
        "(main track, all tiers, latest complete year)",
        "SELECT grad_country, n_grad, n_stayed, round(stay_rate, 3) AS stay_rate,\n"
        "       round(wilson_low(n_stayed, n_grad), 3) AS low, round(wilson_high(n_stayed, n_grad), 3) AS high,\n"
        "       below_min_n(n_grad) AS small_n, n_enrolled, n, n_known\n"
        "FROM study_stay_rates WHERE conference = 'neurips' AND track = 'main' AND tier = 'all'\n"
        "  AND year = {year}\n"
        "ORDER BY n_grad DESC, n_enrolled DESC, grad_country LIMIT 10",
    ),
    Question(
        "outside_origin",
        "What share work outside their origin country? (main track, every year and tier)",
        "SELECT year, tier, n_known, n_outside, round(share_outside, 3) AS share_outside,\n"
        "       round(wilson_low(n_outside, n_known), 3) AS low, round(wilson_high(n_outside, n_known), 3) AS high,\n"
        "       below_min_n(n_known) AS small_n, n, round(coverage, 3) AS coverage\n"
        "FROM study_outside_origin WHERE conference = 'neurips' AND track = 'main' AND origin_country = 'all'\n"
        "ORDER BY year, tier",
    ),
    Question(
        "macropolo",
        "How do our estimates compare with MacroPolo's published figures?",
        "SELECT year, measure, region, round(published_share, 3) AS published, round(share, 3) AS ours,\n"
        "       round(share_low, 3) AS low, round(share_high, 3) AS high, n, n_known, small_n\n"
        "FROM macropolo_comparison ORDER BY year, measure DESC, published DESC, region",
        "Definitions differ (census vs sample, site vs headquarters): `SELECT * FROM macropolo_definitions`.",
    ),
)


def markdown_table(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return "_(no rows)_"
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def data_state(con: duckdb.DuckDBPyConnection) -> str:
    """Per conference-year: persons, coverage per field, and whether the year is complete (and why not)."""
    years = conference_years(con)
    rows = rows_of(con, """
        SELECT conference, year, count(*) FILTER (WHERE track = 'main') AS n_main,
               count(*) FILTER (WHERE track = 'all') AS n_all,
               count(work_country) FILTER (WHERE track = 'main') AS work,
               count(grad_country) FILTER (WHERE track = 'main') AS grad,
               count(origin_country) FILTER (WHERE track = 'main') AS origin
        FROM study_population WHERE tier = 'all' GROUP BY ALL ORDER BY conference, year""")
    lines = ["| conference | year | persons (main) | persons (all tracks) | work country | graduate country | "
             "origin country | complete |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        key = (r["conference"], r["year"])
        status = "yes" if key in years.complete else f"no: {years.excluded.get(key, '?')}"
        cov = [share_text(r[f] / r["n_main"] if r["n_main"] else None) for f in ("work", "grad", "origin")]
        lines.append(f"| {r['conference']} | {r['year']} | {r['n_main']} | {r['n_all']} | " + " | ".join(cov)
                     + f" | {status} |")
    return (f"Coverage = share of main-track persons with the field known. Minimum n: {study_min_n(con)} persons "
            f"(`study_settings`). Complete years: {years.rule}; the latest, used for `{{year}}` below, is "
            f"{years.latest[1] if years.latest else '–'}.\n\n" + "\n".join(lines) + "\n")


def render_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The state of the data, then each question with its query and the result it gives on this warehouse."""
    if not has_study_views(con):
        return "_(study views not built in this warehouse)_\n"
    latest = conference_years(con).latest
    year = latest[1] if latest else 0
    parts = ["### State of the data\n", data_state(con)]
    for q in QUESTIONS:
        sql = q.query(year)
        parts.append(f"### {q.question}\n\n```sql\n{sql};\n```\n")
        parts.append(markdown_table(con, sql))
        if q.note:
            parts.append(f"\n{q.note}")
        parts.append("\n")
    return "\n".join(parts)


def updated_text(con: duckdb.DuckDBPyConnection, text: str | None) -> str:
    """``text`` with its generated block replaced (appended when it has none)."""
    block = f"{BEGIN}\n\n{render_markdown(con)}\n{END}"
    if text is None:
        return f"# Analysts' guide\n\n{block}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        return head + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_markdown(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Replace the generated block of ``path`` (between the markers) with fresh queries and results."""
    text = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(updated_text(con, text), encoding="utf-8")
    return path


def is_current(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """True when ``path`` already holds what this warehouse generates."""
    text = path.read_text(encoding="utf-8")
    return updated_text(con, text) == text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("path", type=Path, nargs="?", default=Path("docs/analysts.md"))
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is not what the warehouse gives")
    args = parser.parse_args(argv)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        if args.check:
            current = is_current(con, args.path)
            print(f"{args.path}: {'matches' if current else 'differs from'} {args.warehouse}")
            return 0 if current else 1
        write_markdown(con, args.path)
        print(f"wrote {args.path} from {args.warehouse}")
        return 0
    finally:
        con.close()

