"""``talent report``: the study's answers as one self-contained HTML file, and the analysts' query guide.

The report must open offline, years later, from an e-mail attachment: so no CDN, no script, no fonts to
fetch — every chart is inline SVG drawn here from the study views, styled by an inline stylesheet. Every
figure states the persons it counts (n) and the share with a known value (coverage), because a share
without its coverage misleads.

``QUESTIONS`` is the single list of the study's questions with their one short query each; the HTML report
and ``docs/analysts.md`` (``talent report --markdown docs/analysts.md``) are both generated from it, so the
guide always shows queries that run and the results they give.

Every figure is the **main track** (``track = 'main'`` in the study views): the persons with a main-track
paper that year, as in MacroPolo's 2022 base; NeurIPS 2022 also had a Datasets & Benchmarks track whose
authors are a different population. The headline gives the all-tracks n beside it.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.migrate import current_version

PALETTE = (
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#65a30d", "#7c3aed",
)
OTHER_COLOUR = "#9ca3af"
TIER_COLOURS = {"all": "#1e3a8a", "oral": "#dc2626", "spotlight": "#ea580c", "poster": "#0891b2"}
TIER_ORDER = ("all", "oral", "spotlight", "poster")
TRACK = "main"  # the track every figure shows (see module docstring)


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    question: str
    sql: str
    note: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question(
        "work_country",
        "Where do NeurIPS researchers work? (share by country, 2019 and 2022, main track, all tiers)",
        "SELECT year, country_code, n_persons, round(share, 3) AS share, round(share_fractional, 3) AS share_frac,\n"
        "       n, round(coverage, 3) AS coverage\n"
        "FROM study_work_country WHERE conference = 'neurips' AND year IN (2019, 2022)\n"
        "  AND track = 'main' AND tier = 'all'\n"
        "ORDER BY year, n_persons DESC LIMIT 12",
        "share = among persons with a known work country; coverage = n_known / n.",
    ),
    Question(
        "origin_country",
        "Where did they do their undergraduate degree (origin)? Top-tier (oral) main-track authors, latest year",
        "SELECT year, country_code, n_persons, round(share, 3) AS share, n, round(coverage, 3) AS coverage\n"
        "FROM study_origin_country WHERE track = 'main' AND tier = 'oral'\n"
        "  AND year = (SELECT max(year) FROM study_population)\n"
        "ORDER BY n_persons DESC LIMIT 10",
    ),
    Question(
        "grad_country",
        "Where did they go to graduate school? (main track, all tiers, latest year)",
        "SELECT year, country_code, n_persons, round(share, 3) AS share, n, round(coverage, 3) AS coverage\n"
        "FROM study_grad_country WHERE track = 'main' AND tier = 'all'\n"
        "  AND year = (SELECT max(year) FROM study_population)\n"
        "ORDER BY n_persons DESC LIMIT 10",
    ),
    Question(
        "work_institution",
        "Which institutions employ the most researchers? (top 10, main track, all tiers, latest year)",
        "SELECT rank, institution_name, country_code, n_persons, round(n_fractional, 1) AS n_frac,\n"
        "       round(coverage, 3) AS coverage\n"
        "FROM study_work_institution_top25 WHERE track = 'main' AND tier = 'all'\n"
        "  AND year = (SELECT max(year) FROM study_population)\n"
        "ORDER BY rank LIMIT 10",
    ),
    Question(
        "flows",
        "Which origin → graduate school → work paths are most common? (main track, all tiers, latest year)",
        "SELECT origin_country, grad_country, work_country, n_persons, round(n_fractional, 1) AS n_frac,\n"
        "       n_known, round(coverage, 3) AS coverage\n"
        "FROM study_flows WHERE track = 'main' AND tier = 'all' AND year = (SELECT max(year) FROM study_population)\n"
        "ORDER BY n_persons DESC LIMIT 10",
    ),
    Question(
        "stay_rates",
        "Of those who finished graduate school (PhD, else master's) in a country by the conference year, what "
        "share work there? Students still enrolled are counted apart (n_enrolled). "
        "(main track, all tiers, latest year)",
        "SELECT grad_country, n_grad, n_stayed, round(stay_rate, 3) AS stay_rate,\n"
        "       round(stay_rate_fractional, 3) AS stay_rate_frac,\n"
        "       round(coverage_in_country, 3) AS coverage_in_country,\n"
        "       n_enrolled, n_enrolled_in_country, n, n_known\n"
        "FROM study_stay_rates WHERE track = 'main' AND tier = 'all'\n"
        "  AND year = (SELECT max(year) FROM study_population)\n"
        "ORDER BY n_grad DESC, n_enrolled DESC, grad_country LIMIT 10",
    ),
    Question(
        "outside_origin",
        "What share work outside their origin country? (main track, every year and tier)",
        "SELECT year, tier, n_known, n_outside, round(share_outside, 3) AS share_outside,\n"
        "       round(share_outside_fractional, 3) AS share_outside_frac, n, round(coverage, 3) AS coverage\n"
        "FROM study_outside_origin WHERE track = 'main' AND origin_country = 'all'\n"
        "ORDER BY year, tier",
    ),
)


# --- data -----------------------------------------------------------------------------------------------


def has_study_views(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'study_outside_origin' AND schema_name = 'main'"
    ).fetchone()[0])


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def conference_years(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return [tuple(r) for r in con.execute(
        "SELECT DISTINCT conference, year FROM study_population ORDER BY conference, year").fetchall()]


def headline(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return rows_of(con, """
        WITH work AS (
            SELECT conference, year, any_value(n) AS n, any_value(n_known) AS n_known,
                   any_value(coverage) AS coverage,
                   string_agg(country_code || ' ' || round(100 * share) || '%', ', '
                              ORDER BY n_persons DESC, country_code) FILTER (WHERE rk <= 3) AS top_work
            FROM (SELECT *, row_number() OVER (PARTITION BY conference, year ORDER BY n_persons DESC,
                                               country_code) AS rk
                  FROM study_work_country WHERE track = 'main' AND tier = 'all')
            GROUP BY ALL
        ),
        orals AS (SELECT DISTINCT conference, year, n AS n_oral FROM study_work_country
                  WHERE track = 'main' AND tier = 'oral'),
        origin AS (SELECT DISTINCT conference, year, coverage AS origin_coverage
                   FROM study_origin_country WHERE track = 'main' AND tier = 'all'),
        grad AS (SELECT DISTINCT conference, year, coverage AS grad_coverage
                 FROM study_grad_country WHERE track = 'main' AND tier = 'all'),
        outside AS (SELECT conference, year, share_outside, n_known AS outside_n_known
                    FROM study_outside_origin WHERE track = 'main' AND tier = 'all' AND origin_country = 'all'),
        every_track AS (SELECT DISTINCT conference, year, n AS n_all_tracks FROM study_work_country
                        WHERE track = 'all' AND tier = 'all')
        SELECT conference, year, n, n_all_tracks, n_oral, coverage AS work_coverage, top_work, origin_coverage,
               grad_coverage, share_outside, outside_n_known
        FROM work LEFT JOIN orals USING (conference, year) LEFT JOIN origin USING (conference, year)
        LEFT JOIN grad USING (conference, year) LEFT JOIN outside USING (conference, year)
        LEFT JOIN every_track USING (conference, year)
        ORDER BY conference, year""")


# --- SVG primitives -------------------------------------------------------------------------------------


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def colour_map(labels: list[str]) -> dict[str, str]:
    colours = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels) if label != "Other"}
    colours["Other"] = OTHER_COLOUR
    return colours


def hbar_chart(items: list[tuple[str, float, str]], colour: str, max_value: float | None = None,
               value_format=pct, width: int = 640) -> str:
    """Horizontal bars: (label, value, note) each; the note (e.g. n=…) is printed after the value."""
    bar_h, gap, left, right = 18, 6, 190, 150
    height = len(items) * (bar_h + gap) + 10
    top = max_value or max((v for _, v, _ in items), default=1) or 1
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, note) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        length = max(0.0, (width - left - right) * (value or 0) / top)
        parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{esc(label)}</text>')
        parts.append(f'<rect class="bar" x="{left}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 5:.1f}" y="{y + 13}">{esc(value_format(value))} '
                     f'<tspan class="note">{esc(note)}</tspan></text>')
    parts.append("</svg>")
    return "".join(parts)


def grouped_bar_chart(labels: list[str], series: dict[str, dict[str, float]], colours: dict[str, str],
                      width: int = 760) -> str:
    """Vertical grouped bars: one group per label, one bar per series (e.g. per tier), shares 0–1."""
    left, bottom, top_pad, height = 40, 40, 16, 280
    plot_h = height - bottom - top_pad
    group_w = (width - left - 10) / max(1, len(labels))
    bar_w = max(3.0, (group_w - 8) / max(1, len(series)))
    top = max((v for s in series.values() for v in s.values()), default=0.0)
    top = max(0.05, math.ceil(top * 10) / 10)
    parts = [f'<svg class="chart grouped" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(0, 6):
        value = top * tick / 5
        y = top_pad + plot_h - plot_h * tick / 5
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">{pct(value)}</text>')
    for gi, label in enumerate(labels):
        x0 = left + gi * group_w + 4
        for si, (name, values) in enumerate(series.items()):
            value = values.get(label, 0.0) or 0.0
            h = plot_h * value / top
            x = x0 + si * bar_w
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                         f'height="{h:.1f}" fill="{colours[name]}"><title>{esc(name)} {esc(label)}: '
                         f'{pct(value, 1)}</title></rect>')
        parts.append(f'<text x="{x0 + group_w / 2 - 4:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                     f'{esc(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(years: list[int], series: dict[str, dict[int, float]], colours: dict[str, str],
               width: int = 760) -> str:
    """Shares over years, one line per series, a dot and a label at each point."""
    left, right, top_pad, bottom, height = 44, 60, 14, 30, 260
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((v for s in series.values() for v in s.values()), default=0.0)
    top = max(0.05, math.ceil(top * 10) / 10)

    def x_of(year: int) -> float:
        return left + (plot_w * years.index(year) / max(1, len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return top_pad + plot_h - plot_h * value / top

    parts = [f'<svg class="chart lines" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(0, 6):
        y = y_of(top * tick / 5)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">{pct(top * tick / 5)}'
                     "</text>")
    for year in years:
        parts.append(f'<text x="{x_of(year):.1f}" y="{height - 8}" text-anchor="middle">{year}</text>')
    for name, values in series.items():
        points = [(x_of(y), y_of(values[y])) for y in years if values.get(y) is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline class="line" points="{path}" fill="none" stroke="{colours[name]}" '
                         'stroke-width="2.5"/>')
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colours[name]}"/>')
        if points:
            x, y = points[-1]
            parts.append(f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" fill="{colours[name]}">{esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def sankey_chart(flows: list[tuple[str, str, str, float]], colours: dict[str, str], width: int = 760,
                 height: int = 420) -> str:
    """Three-column Sankey (origin → graduate → work); links coloured by their origin-side node."""
    columns: list[dict[str, float]] = [{}, {}, {}]
    links: list[dict[tuple[str, str], float]] = [{}, {}]
    for origin, grad, work, value in flows:
        for column, key in zip(columns, (origin, grad, work), strict=True):
            column[key] = column.get(key, 0.0) + value
        links[0][(origin, grad)] = links[0].get((origin, grad), 0.0) + value
        links[1][(grad, work)] = links[1].get((grad, work), 0.0) + value
    total = sum(columns[0].values()) or 1.0
    node_w, pad, top_pad, label_w = 14, 6, 22, 46
    xs = [label_w, (width - node_w) / 2, width - node_w - label_w]
    usable = height - top_pad - 10
    positions: list[dict[str, list[float]]] = []  # name -> [y, height, out_offset, in_offset]
    for column in columns:
        n_nodes = len(column)
        scale = (usable - pad * max(0, n_nodes - 1)) / total
        y = top_pad
        placed = {}
        for name in sorted(column, key=lambda k: (k == "Other", -column[k], k)):
            h = max(1.0, column[name] * scale)
            placed[name] = [y, h, 0.0, 0.0]
            y += h + pad
        positions.append(placed)
    parts = [f'<svg class="chart sankey" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, title in enumerate(("Origin (undergraduate)", "Graduate school", "Work")):
        anchor = ("start", "middle", "end")[i]
        x = (0, width / 2, width)[i]
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="{anchor}" class="axis">{title}</text>')
    for step in (0, 1):
        source_nodes, target_nodes = positions[step], positions[step + 1]
        ordered = sorted(links[step].items(), key=lambda kv: (source_nodes[kv[0][0]][0], target_nodes[kv[0][1]][0]))
        for (source, target), value in ordered:
            thickness = max(0.5, value * (source_nodes[source][1] / columns[step][source]))
            s = source_nodes[source]
            t = target_nodes[target]
            t_thick = max(0.5, value * (t[1] / columns[step + 1][target]))
            x0, x1 = xs[step] + node_w, xs[step + 1]
            y0, y1 = s[0] + s[2], t[0] + t[3]
            s[2] += thickness
            t[3] += t_thick
            xm = (x0 + x1) / 2
            parts.append(
                f'<path class="link" d="M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} '
                f'L{x1:.1f},{y1 + t_thick:.1f} C{xm:.1f},{y1 + t_thick:.1f} {xm:.1f},{y0 + thickness:.1f} '
                f'{x0:.1f},{y0 + thickness:.1f} Z" fill="{colours.get(source, OTHER_COLOUR)}" fill-opacity="0.45">'
                f"<title>{esc(source)} → {esc(target)}: {value:g}</title></path>"
            )
    for i, placed in enumerate(positions):
        for name, (y, h, _, _) in placed.items():
            parts.append(f'<rect class="node" x="{xs[i]:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
                         f'fill="{colours.get(name, OTHER_COLOUR)}"><title>{esc(name)}: {columns[i][name]:g}</title>'
                         "</rect>")
            label_x = xs[i] - 4 if i == 0 else xs[i] + node_w + 4
            anchor = "end" if i == 0 else "start"
            if h >= 9:
                parts.append(f'<text x="{label_x:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="{anchor}">'
                             f"{esc(name)}</text>")
    parts.append("</svg>")
    return "".join(parts)


# --- sections -------------------------------------------------------------------------------------------


def figure(title: str, body: str, caption: str, key: str) -> str:
    return (f'<section class="figure" id="{esc(key)}"><h2>{esc(title)}</h2>{body}'
            f'<p class="caption">{caption}</p></section>')


def headline_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = headline(con)
    header = ("Conference", "Year", "Persons (n, main track)", "Persons (all tracks)", "Oral persons",
              "Work country coverage", "Top work countries",
              "Origin coverage", "Graduate coverage", "Working outside origin")
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in (
            r["conference"], r["year"], r["n"], r["n_all_tracks"] or r["n"], r["n_oral"] or 0,
            pct(r["work_coverage"], 1), r["top_work"] or "–",
            pct(r["origin_coverage"], 1), pct(r["grad_coverage"], 1),
            f"{pct(r['share_outside'], 1)} (n={r['outside_n_known'] or 0})",
        )) + "</tr>"
        for r in rows
    )
    table = ("<table class=\"headline\"><thead><tr>" + "".join(f"<th>{h}</th>" for h in header)
             + f"</tr></thead><tbody>{body}</tbody></table>")
    caption = (f"n = {sum(r['n'] for r in rows)} person-years over {len(rows)} conference-year(s); per row, n = "
               "persons with a main-track paper that year (tier all; all tracks, Datasets & Benchmarks "
               "included, beside it) and coverage = share of them with the value known; "
               "shares are among persons with a known value.")
    return figure("Headline", table, caption, "headline")


def tier_shares_section(con: duckdb.DuckDBPyConnection, view: str, title: str, conference: str, year: int,
                        key: str) -> str:
    # ``view`` is one of the fixed names passed by build_sections below
    rows = rows_of(con, f"SELECT tier, country_code, share, n, n_known, coverage FROM {view} "  # noqa: S608
                   "WHERE conference = ? AND year = ? AND track = 'main' AND country_code IS NOT NULL",
                   [conference, year])
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0", key)
    tiers = [t for t in TIER_ORDER if any(r["tier"] == t for r in rows)]
    overall = sorted((r for r in rows if r["tier"] == "all"), key=lambda r: (-r["share"], r["country_code"]))
    labels = [r["country_code"] for r in overall[:10]]
    series = {t: {r["country_code"]: r["share"] for r in rows if r["tier"] == t} for t in tiers}
    legend = " ".join(
        f'<span class="key"><i style="background:{TIER_COLOURS[t]}"></i>{esc(t)}</span>' for t in tiers
    )
    stats = {t: next(r for r in rows if r["tier"] == t) for t in tiers}
    caption = f"{esc(conference)} {year}, main track, top {len(labels)} countries. " + "; ".join(
        f"{esc(t)}: n = {stats[t]['n']}, coverage {pct(stats[t]['coverage'], 1)}" for t in tiers
    ) + "."
    chart = grouped_bar_chart(labels, series, TIER_COLOURS)
    return figure(title, f'<div class="legend">{legend}</div>{chart}', caption, key)


def sankey_section(con: duckdb.DuckDBPyConnection, conference: str, year: int) -> str:
    rows = rows_of(con, """
        SELECT origin_country, grad_country, work_country, n_persons, n, n_known, coverage
        FROM study_flows WHERE conference = ? AND year = ? AND track = 'main' AND tier = 'all'
          AND n_persons > 0""", [conference, year])
    title = "Flows: origin → graduate school → work"
    if not rows:
        return figure(title, "<p>No person has all three countries known yet.</p>", "n = 0", "flows")
    top: list[list[str]] = []
    for column in ("origin_country", "grad_country", "work_country"):
        totals: dict[str, int] = {}
        for r in rows:
            totals[r[column]] = totals.get(r[column], 0) + r["n_persons"]
        top.append(sorted(totals, key=lambda k: (-totals[k], k))[:7])
    flows = [
        tuple(r[c] if r[c] in top[i] else "Other" for i, c in enumerate(("origin_country", "grad_country",
                                                                           "work_country"))) + (r["n_persons"],)
        for r in rows
    ]
    ordered = sorted({c for column in top for c in column}, key=lambda c: (c not in top[2], c))
    colours = colour_map(ordered)
    first = rows[0]
    caption = (f"{esc(conference)} {year}, main track, all tiers, whole counts; the 7 largest countries per "
               f"column, the rest as Other. n = {first['n']} persons, {first['n_known']} with all three countries "
               "known "
               f"(coverage {pct(first['coverage'], 1)}).")
    return figure(title, sankey_chart(flows, colours), caption, "flows")


def stay_rates_section(con: duckdb.DuckDBPyConnection, conference: str, year: int) -> str:
    rows = rows_of(con, """
        SELECT grad_country, n_grad, n_stayed, stay_rate, n, n_known, coverage FROM study_stay_rates
        WHERE conference = ? AND year = ? AND track = 'main' AND tier = 'all' AND n_grad > 0
        ORDER BY n_grad DESC, grad_country LIMIT 12""", [conference, year])
    enrolled = rows_of(con, """
        SELECT coalesce(sum(n_enrolled), 0) AS n_enrolled, coalesce(sum(n_status_unknown), 0) AS n_unknown,
               max(n) AS n
        FROM study_stay_rates WHERE conference = ? AND year = ? AND track = 'main' AND tier = 'all'""",
        [conference, year])[0]
    title = "Stay rates: graduates working in the country of their graduate school"
    rule = ("A graduate is a person whose graduate stage (PhD, else master's) ended by the conference year; "
            f"{enrolled['n_enrolled']} persons still enrolled (stage ongoing or without an end year) and "
            f"{enrolled['n_unknown']} with no dated graduate stage are not counted.")
    if not rows:
        return figure(title, "<p>No data: no graduate with a known end year and work country.</p>",
                      f"{esc(conference)} {year}: n = {enrolled['n'] or 0} persons, coverage 0%. {esc(rule)}",
                      "stay-rates")
    items = [(r["grad_country"], r["stay_rate"], f"n={r['n_grad']}") for r in rows]
    caption = (f"{esc(conference)} {year}, main track, all tiers, the {len(rows)} graduate countries with most "
               "graduates; "
               f"bar = share of that country's graduates (work country known, n per bar) who work there. "
               f"{esc(rule)} n = {rows[0]['n']} persons, {rows[0]['n_known']} graduates with graduate and work "
               f"country known (coverage {pct(rows[0]['coverage'], 1)}).")
    return figure(title, hbar_chart(items, PALETTE[2], max_value=1.0), caption, "stay-rates")


def institutions_section(con: duckdb.DuckDBPyConnection, conference: str, year: int) -> str:
    rows = rows_of(con, """
        SELECT rank, coalesce(institution_name, institution_id) AS name, country_code, n_persons, share, n, n_known,
               coverage
        FROM study_work_institution_top25 WHERE conference = ? AND year = ? AND track = 'main' AND tier = 'all'
          AND n_persons > 0
        ORDER BY rank LIMIT 15""", [conference, year])
    title = "Top institutions by researchers employed"
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0", "institutions")
    items = [(f"{r['name'][:30]} ({r['country_code'] or '?'})", float(r["n_persons"]), f"{pct(r['share'], 1)}")
             for r in rows]
    caption = (f"{esc(conference)} {year}, main track, all tiers, persons per work institution (whole counts; "
               "label: share "
               f"of persons with a known institution). n = {rows[0]['n']} persons, {rows[0]['n_known']} with a "
               f"known institution (coverage {pct(rows[0]['coverage'], 1)}).")
    chart = hbar_chart(items, PALETTE[0], value_format=lambda v: f"{v:.0f}", width=700)
    return figure(title, chart, caption, "institutions")


def outside_origin_section(con: duckdb.DuckDBPyConnection, conference: str, year: int) -> str:
    rows = rows_of(con, """
        SELECT origin_country, share_outside, n_known, n, coverage FROM study_outside_origin
        WHERE conference = ? AND year = ? AND track = 'main' AND tier = 'all' AND n_known > 0
        ORDER BY origin_country = 'all' DESC, n_known DESC, origin_country LIMIT 11""", [conference, year])
    title = "Working outside their origin country"
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0", "outside-origin")
    items = [("All origins" if r["origin_country"] == "all" else r["origin_country"], r["share_outside"],
              f"n={r['n_known']}") for r in rows]
    caption = (f"{esc(conference)} {year}, main track, all tiers; bar = share of persons from that origin "
               "country working in "
               f"another country (n per bar: origin and work country known). n = {rows[0]['n']} persons, "
               f"coverage {pct(rows[0]['coverage'], 1)}.")
    return figure(title, hbar_chart(items, PALETTE[4], max_value=1.0), caption, "outside-origin")


def year_over_year_section(con: duckdb.DuckDBPyConnection, conference: str) -> str:
    rows = rows_of(con, """
        SELECT year, country_code, share, n, coverage FROM study_work_country
        WHERE conference = ? AND track = 'main' AND tier = 'all' AND country_code IS NOT NULL""", [conference])
    title = "Year over year: where researchers work"
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0", "year-over-year")
    years = sorted({r["year"] for r in rows})
    latest = max(years)
    top = [r["country_code"] for r in sorted((r for r in rows if r["year"] == latest),
                                            key=lambda r: (-r["share"], r["country_code"]))[:6]]
    series = {c: {r["year"]: r["share"] for r in rows if r["country_code"] == c} for c in top}
    colours = colour_map(top)
    per_year = {r["year"]: r for r in rows}
    header = "".join(f"<th>{y}</th>" for y in years)
    body = "".join(
        f"<tr><td>{esc(c)}</td>" + "".join(f"<td>{pct(series[c].get(y), 1)}</td>" for y in years) + "</tr>"
        for c in top
    )
    body += "<tr class=\"n\"><td>n (coverage)</td>" + "".join(
        f"<td>{per_year[y]['n']} ({pct(per_year[y]['coverage'], 1)})</td>" for y in years) + "</tr>"
    table = f'<table class="yoy"><thead><tr><th>Work country</th>{header}</tr></thead><tbody>{body}</tbody></table>'
    caption = (f"{esc(conference)}, main track, all tiers: share of persons with a known work country, for "
               "the 6 largest "
               "countries of the latest year. " + "; ".join(
                   f"{y}: n = {per_year[y]['n']}, coverage {pct(per_year[y]['coverage'], 1)}" for y in years) + ".")
    return figure(title, line_chart(years, series, colours) + table, caption, "year-over-year")


def stylesheet() -> str:
    return (resources.files("warehouse") / "report_assets" / "report.css").read_text(encoding="utf-8")


def build_sections(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not has_study_views(con):
        return ['<section class="figure" id="missing"><h2>No study data yet</h2><p>The study views need '
                "<code>talent_records</code> (the people models); run <code>talent build</code> once they exist."
                "</p></section>"]
    years = conference_years(con)
    if not years:
        return ['<section class="figure" id="missing"><h2>No persons yet</h2><p>talent_records is empty.</p>'
                "</section>"]
    conference, year = years[-1]
    return [
        headline_section(con),
        tier_shares_section(con, "study_work_country", "Work country by tier", conference, year, "work-by-tier"),
        tier_shares_section(con, "study_origin_country", "Origin (undergraduate) country by tier", conference,
                            year, "origin-by-tier"),
        tier_shares_section(con, "study_grad_country", "Graduate-school country by tier", conference, year,
                            "grad-by-tier"),
        sankey_section(con, conference, year),
        stay_rates_section(con, conference, year),
        outside_origin_section(con, conference, year),
        institutions_section(con, conference, year),
        year_over_year_section(con, conference),
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
warehouse schema version {current_version(con)}. Every figure gives n (persons counted) and coverage (share with
the value known).</p></header>
<main>{sections}</main></body></html>
"""


def write_report(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(render_report(con), encoding="utf-8")
    temporary.replace(path)
    return path


# --- analysts' guide ------------------------------------------------------------------------------------


def markdown_table(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return "_(no rows)_"
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """Each question with its query and the result it gives on this warehouse."""
    available = has_study_views(con)
    parts = []
    for q in QUESTIONS:
        parts.append(f"### {q.question}\n\n```sql\n{q.sql};\n```\n")
        parts.append(markdown_table(con, q.sql) if available else "_(study views not built in this warehouse)_")
        if q.note:
            parts.append(f"\n{q.note}")
        parts.append("\n")
    return "\n".join(parts)


def write_markdown(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Replace the generated block of ``path`` (between the markers) with fresh queries and results."""
    begin, end = "<!-- BEGIN GENERATED: talent report --markdown -->", "<!-- END GENERATED -->"
    block = f"{begin}\n\n{render_markdown(con)}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Analysts' guide\n\n{begin}\n{end}\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path
