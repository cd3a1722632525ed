"""Assemble the report: headline, figures, coverage bias, comparisons — one self-contained HTML file.

Why one file with an inline stylesheet and no script: the report must open offline, years later, from an
e-mail attachment. The conference-year every figure describes is the latest *complete* one
(``data.conference_years``), never ``max(year)``; the headline lists every year with why any is left out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.migrate import current_version
from warehouse.report.comparisons import macropolo_section, review_section
from warehouse.report.coverage_bias import coverage_bias
from warehouse.report.data import TRACK, conference_years, has_study_views, rows_of, study_min_n, wilson
from warehouse.report.figures import (
    Context,
    figure,
    institutions_section,
    outside_origin_section,
    sankey_section,
    stay_rates_section,
    tier_shares_section,
    year_over_year_section,
)
from warehouse.report.text import esc, share_text, share_with_interval


def headline_section(ctx: Context) -> str:
    rows = rows_of(ctx.con, """
        SELECT conference, year, track, tier, country_code, n_persons, share, n, n_known, coverage
        FROM study_work_country WHERE tier IN ('all', 'oral')
        ORDER BY conference, year, n_persons DESC, country_code""")
    outside = {(r["conference"], r["year"]): r for r in rows_of(ctx.con, """
        SELECT conference, year, n_outside, share_outside, n_known FROM study_outside_origin
        WHERE track = ? AND tier = 'all' AND origin_country = 'all'""", [TRACK])}
    cover = {(r["conference"], r["year"]): r for r in rows_of(ctx.con, """
        SELECT conference, year, count(*) AS n, count(origin_country) AS origin, count(grad_country) AS grad
        FROM study_population WHERE track = ? AND tier = 'all' GROUP BY ALL""", [TRACK])}
    body, total = [], 0
    for key in ctx.years.all:
        main = [r for r in rows if (r["conference"], r["year"]) == key and r["track"] == TRACK and r["tier"] == "all"]
        every = next((r for r in rows if (r["conference"], r["year"]) == key and r["track"] == "all"
                      and r["tier"] == "all"), None)
        oral = next((r for r in rows if (r["conference"], r["year"]) == key and r["track"] == TRACK
                     and r["tier"] == "oral"), None)
        c = cover.get(key, {"n": 0, "origin": 0, "grad": 0})
        n = c["n"]
        total += n if key in ctx.years.complete else 0
        n_known = main[0]["n_known"] if main else 0
        top = ", ".join(f"{r['country_code']} {share_with_interval(r['share'], *_ci(r))}" for r in main[:3]) or "–"
        o = outside.get(key)
        out = (f"{share_with_interval(o['share_outside'], *_ci_outside(o))} (n_known = {o['n_known']})"
               + (f" — {ctx.small(o['n_known'])}" if ctx.small(o["n_known"]) else "")) if o else "–"
        status = "" if key in ctx.years.complete else f" (left out: {esc(ctx.years.excluded.get(key, ''))})"
        cls = "" if key in ctx.years.complete else ' class="excluded"'
        body.append(f"<tr{cls}>" + "".join(f"<td>{v}</td>" for v in (
            esc(key[0]), f"{key[1]}{status}", n, every["n"] if every else n, oral["n"] if oral else 0,
            f"{n_known} ({share_text(n_known / n if n else None)})", top,
            f"{c['origin']} ({share_text(c['origin'] / n if n else None)})",
            f"{c['grad']} ({share_text(c['grad'] / n if n else None)})", out)) + "</tr>")
    header = ("Conference", "Year", "Persons (n, main track)", "Persons (all tracks)", "Oral persons",
              "Work country known (coverage)", "Top work countries (Wilson 95% CI)", "Origin known (coverage)",
              "Graduate known (coverage)", "Working outside origin (95% CI)")
    table = ('<table class="headline"><thead><tr>' + "".join(f"<th>{h}</th>" for h in header)
             + f"</tr></thead><tbody>{''.join(body)}</tbody></table>")
    caption = (f"n = {total} person-years over {len(ctx.years.complete)} complete conference-year(s); per row, n = "
               "persons with a main-track paper that year (all tracks, Datasets & Benchmarks included, beside it), "
               "n_known = persons with the value known, coverage = n_known / n; shares are among persons with a "
               f"known value. Figures below describe {esc(ctx.conference)} {ctx.year}, the latest complete "
               f"conference-year ({esc(ctx.years.rule)}).")
    return figure("Headline", table, caption, "headline")


def _ci(row: dict) -> tuple[float | None, float | None]:
    ci = wilson(row["n_persons"], row["n_known"])
    return ci.low, ci.high


def _ci_outside(row: dict) -> tuple[float | None, float | None]:
    ci = wilson(row["n_outside"], row["n_known"])
    return ci.low, ci.high


def stylesheet() -> str:
    return (resources.files("warehouse") / "report_assets" / "report.css").read_text(encoding="utf-8")


def build_sections(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not has_study_views(con):
        return ['<section class="figure" id="missing"><h2>No study data yet</h2><p>The study views need '
                "<code>talent_records</code> (the people models); run <code>talent build</code> once they exist."
                "</p></section>"]
    years = conference_years(con)
    if not years.complete:
        return ['<section class="figure" id="missing"><h2>No complete conference-year yet</h2><p>'
                + esc("; ".join(f"{c} {y}: {why}" for (c, y), why in years.excluded.items()) or "talent_records is "
                      "empty.") + "</p></section>"]
    conference, year = years.latest
    ctx = Context(con, years, conference, year, study_min_n(con))
    bias_html, ctx.bias_notes = coverage_bias(con, conference, year,
                                              [y for c, y in years.complete if c == conference], ctx.min_n)
    return [
        headline_section(ctx),
        macropolo_section(ctx),
        tier_shares_section(ctx, "study_work_country", "work_country", "Work country by tier", "work-by-tier"),
        tier_shares_section(ctx, "study_origin_country", "origin_country", "Origin (undergraduate) country by tier",
                            "origin-by-tier"),
        tier_shares_section(ctx, "study_grad_country", "grad_country", "Graduate-school country by tier",
                            "grad-by-tier"),
        year_over_year_section(ctx),
        sankey_section(ctx),
        stay_rates_section(ctx),
        outside_origin_section(ctx),
        institutions_section(ctx),
        bias_html,
        review_section(ctx),
    ]


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = "\n".join(build_sections(con))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Global AI talent tracker — NeurIPS</title>
<style>{stylesheet()}</style></head>
<body><header><h1>Global AI talent tracker</h1>
<p>Where NeurIPS researchers come from, where they trained and where they work. Generated {generated} from
warehouse schema version {current_version(con)}. Every figure is the main track and gives n (persons counted),
n_known (with the value known) and coverage; every share carries its 95% interval; a figure on fewer persons
than the minimum n is drawn grey with the reason beside it.</p></header>
<main>{sections}</main></body></html>
"""


def write_report(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(render_report(con), encoding="utf-8")
    temporary.replace(path)
    return path
