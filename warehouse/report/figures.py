"""The study's figures: shares by tier, flows, stay rates, outside origin, institutions, year over year.

Every figure is the main track of the latest *complete* conference-year (``data.conference_years``), states n,
n_known and coverage, draws each share with its Wilson 95% interval (the fractional shares with the bootstrap
interval of ``fractional_share_intervals``), and is greyed with its reason when it rests on fewer persons than
the minimum n. Where the value is known for a non-random subset, the coverage-bias note sits beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from warehouse.report.data import TRACK, ConferenceYears, rows_of, wilson
from warehouse.report.sankey import sankey_chart
from warehouse.report.svg import PALETTE, Bar, colour_map, grouped_bar_chart, hbar_chart, line_chart
from warehouse.report.text import esc, institution_label, share_text, share_with_interval, small_n_reason
from warehouse.sql import table_exists

TIER_COLOURS = {"all": "#1e3a8a", "oral": "#dc2626", "spotlight": "#ea580c", "poster": "#0891b2"}
TIER_ORDER = ("all", "oral", "spotlight", "poster")


@dataclass(slots=True)
class Context:
    con: duckdb.DuckDBPyConnection
    years: ConferenceYears
    conference: str
    year: int
    min_n: int
    bias_notes: dict[str, str] = field(default_factory=dict)  # study field -> note beside its figures

    def small(self, n: int | None) -> str:
        """The reason a figure on ``n`` persons is greyed ('' when it is not)."""
        return small_n_reason(n, self.min_n) if (n or 0) < self.min_n else ""


def figure(title: str, body: str, caption: str, key: str, small: str = "", note: str = "") -> str:
    """A figure section; ``small`` greys the whole body and writes the reason beside it."""
    if small:
        body = (f'<p class="small-n-reason">Below the minimum n: {esc(small)} — drawn grey, not a finding.</p>'
                f'<div class="small-n">{body}</div>')
    note_html = f'<p class="bias-note">{note}</p>' if note else ""
    return (f'<section class="figure{" small-n-figure" if small else ""}" id="{esc(key)}"><h2>{esc(title)}</h2>'
            f'{note_html}{body}<p class="caption">{caption}</p></section>')


def counts_text(n: int | None, n_known: int | None) -> str:
    coverage = (n_known or 0) / n if n else None
    return f"n = {n or 0}, n_known = {n_known or 0}, coverage {share_text(coverage)}"


def tier_shares_section(ctx: Context, view: str, dimension: str, title: str, key: str) -> str:
    # ``view`` and ``dimension`` are fixed names passed by render.build_sections
    rows = rows_of(ctx.con, f"SELECT tier, country_code, n_persons, share, n, n_known FROM {view} "  # noqa: S608
                   "WHERE conference = ? AND year = ? AND track = ? AND country_code IS NOT NULL "
                   "ORDER BY tier, country_code", [ctx.conference, ctx.year, TRACK])
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0, coverage –", key)
    tiers = [t for t in TIER_ORDER if any(r["tier"] == t for r in rows)]
    stats = {t: next(r for r in rows if r["tier"] == t) for t in tiers}
    overall = sorted((r for r in rows if r["tier"] == "all"), key=lambda r: (-r["n_persons"], r["country_code"]))
    labels = [r["country_code"] for r in overall[:10]]
    series = {}
    for t in tiers:
        values = {}
        for r in rows:
            if r["tier"] == t:
                ci = wilson(r["n_persons"], r["n_known"])
                values[r["country_code"]] = (r["share"], ci.low, ci.high)
        series[t] = values
    small = {t: ctx.small(stats[t]["n_known"]) for t in tiers if ctx.small(stats[t]["n_known"])}
    legend = " ".join(
        f'<span class="key{" small-n" if t in small else ""}"><i style="background:'
        f'{"#e5e7eb" if t in small else TIER_COLOURS[t]}"></i>{esc(t)}'
        + (f' <span class="reason">({esc(small[t])})</span>' if t in small else "") + "</span>"
        for t in tiers)
    chart = grouped_bar_chart(labels, series, TIER_COLOURS, small)
    fractional = fractional_table(ctx, dimension, overall[:10])
    caption = (f"{esc(ctx.conference)} {ctx.year}, main track, top {len(labels)} countries; whisker = Wilson 95% "
               "interval. " + "; ".join(f"{esc(t)}: {counts_text(stats[t]['n'], stats[t]['n_known'])}"
                                       for t in tiers) + ".")
    return figure(title, f'<div class="legend">{legend}</div>{chart}{fractional}', caption, key,
                  ctx.small(stats["all"]["n_known"]) if "all" in stats else "", ctx.bias_notes.get(dimension, ""))


def fractional_table(ctx: Context, dimension: str, whole_rows: list[dict]) -> str:
    """Whole and fractional shares (tier all) side by side, each with its interval."""
    if not table_exists(ctx.con, "fractional_share_intervals") or not whole_rows:
        return ""
    boot = {r["value"]: r for r in rows_of(ctx.con, """
        SELECT value, share_fractional, share_fractional_low, share_fractional_high, n_known_fractional, small_n
        FROM fractional_share_intervals
        WHERE conference = ? AND year = ? AND track = ? AND tier = 'all' AND dimension = ?""",
        [ctx.conference, ctx.year, TRACK, dimension])}
    lines = []
    for r in whole_rows:
        ci = wilson(r["n_persons"], r["n_known"])
        b = boot.get(r["country_code"])
        frac = share_with_interval(b["share_fractional"], b["share_fractional_low"], b["share_fractional_high"]) \
            if b else "–"
        cls = ' class="small-n"' if b and b["small_n"] else ""
        lines.append(f"<tr{cls}><td>{esc(r['country_code'])}</td><td>{r['n_persons']}</td>"
                     f"<td>{share_with_interval(r['share'], ci.low, ci.high)}</td><td>{frac}</td></tr>")
    return ('<table class="shares"><thead><tr><th>Country</th><th>Persons</th><th>Share, whole counting '
            "(Wilson 95% CI)</th><th>Share, fractional counting (bootstrap 95% CI)</th></tr></thead><tbody>"
            + "".join(lines) + "</tbody></table>")


def sankey_section(ctx: Context) -> str:
    rows = rows_of(ctx.con, """
        SELECT origin_country, grad_country, work_country, n_persons, n, n_known, coverage
        FROM study_flows WHERE conference = ? AND year = ? AND track = ? AND tier = 'all' AND n_persons > 0
        ORDER BY n_persons DESC, origin_country, grad_country, work_country""", [ctx.conference, ctx.year, TRACK])
    title = "Flows: origin → graduate school → work"
    if not rows:
        return figure(title, "<p>No person has all three countries known yet.</p>", "n = 0, coverage –", "flows")
    top: list[list[str]] = []
    for column in ("origin_country", "grad_country", "work_country"):
        totals: dict[str, int] = {}
        for r in rows:
            totals[r[column]] = totals.get(r[column], 0) + r["n_persons"]
        top.append(sorted(totals, key=lambda k: (-totals[k], k))[:7])
    columns = ("origin_country", "grad_country", "work_country")
    flows = [tuple(r[c] if r[c] in top[i] else "Other" for i, c in enumerate(columns)) + (r["n_persons"],)
             for r in rows]
    ordered = sorted({c for column in top for c in column}, key=lambda c: (c not in top[2], c))
    first = rows[0]
    caption = (f"{esc(ctx.conference)} {ctx.year}, main track, all tiers, whole counts; the 7 largest countries per "
               f"column, the rest as Other. {counts_text(first['n'], first['n_known'])} (all three countries "
               "known).")
    notes = " ".join(ctx.bias_notes.get(k, "") for k in ("origin_country", "grad_country")).strip()
    return figure(title, sankey_chart(flows, colour_map(ordered)), caption, "flows", ctx.small(first["n_known"]),
                  notes)


def stay_rates_section(ctx: Context) -> str:
    params = [ctx.conference, ctx.year, TRACK]
    rows = rows_of(ctx.con, """
        SELECT grad_country, n_grad, n_stayed, stay_rate, n, n_known, coverage FROM study_stay_rates
        WHERE conference = ? AND year = ? AND track = ? AND tier = 'all' AND n_grad > 0
        ORDER BY n_grad DESC, grad_country LIMIT 12""", params)
    enrolled = rows_of(ctx.con, """
        SELECT coalesce(sum(n_enrolled), 0) AS n_enrolled, coalesce(sum(n_status_unknown), 0) AS n_unknown,
               max(n) AS n, max(n_known) AS n_known
        FROM study_stay_rates WHERE conference = ? AND year = ? AND track = ? AND tier = 'all'""", params)[0]
    title = "Stay rates: graduates working in the country of their graduate school"
    rule = ("A graduate is a person whose graduate stage (PhD, else master's) ended by the conference year; "
            f"{enrolled['n_enrolled']} persons still enrolled (stage ongoing or without an end year) and "
            f"{enrolled['n_unknown']} with no dated graduate stage are not counted.")
    if not rows:
        return figure(title, "<p>No data: no graduate with a known end year and work country.</p>",
                      f"{esc(ctx.conference)} {ctx.year}: {counts_text(enrolled['n'], 0)}. {esc(rule)}",
                      "stay-rates", ctx.small(0))
    bars = []
    for r in rows:
        ci = wilson(r["n_stayed"], r["n_grad"])
        small = ctx.small(r["n_grad"])
        bars.append(Bar(r["grad_country"], r["stay_rate"], ci.low, ci.high, "" if small else f"n={r['n_grad']}",
                        small, value_text=share_with_interval(r["stay_rate"], ci.low, ci.high)))
    caption = (f"{esc(ctx.conference)} {ctx.year}, main track, all tiers, the {len(rows)} graduate countries with "
               "most graduates; bar = share of that country's graduates (work country known, n per bar) who work "
               f"there, whisker = Wilson 95% interval. {esc(rule)} {counts_text(rows[0]['n'], rows[0]['n_known'])} "
               "(graduates with graduate and work country known).")
    return figure(title, hbar_chart(bars, PALETTE[2], max_value=1.0, label_px=60), caption, "stay-rates",
                  ctx.small(rows[0]["n_known"]), ctx.bias_notes.get("grad_country", ""))


def outside_origin_section(ctx: Context) -> str:
    rows = rows_of(ctx.con, """
        SELECT origin_country, n_outside, share_outside, n_known, n, coverage FROM study_outside_origin
        WHERE conference = ? AND year = ? AND track = ? AND tier = 'all' AND n_known > 0
        ORDER BY origin_country = 'all' DESC, n_known DESC, origin_country LIMIT 11""",
        [ctx.conference, ctx.year, TRACK])
    title = "Working outside their origin country"
    if not rows:
        return figure(title, "<p>No data: no person with origin and work country known.</p>",
                      "n = 0, coverage –", "outside-origin", ctx.small(0), ctx.bias_notes.get("origin_country", ""))
    bars = []
    for r in rows:
        ci = wilson(r["n_outside"], r["n_known"])
        small = ctx.small(r["n_known"])
        bars.append(Bar("All origins" if r["origin_country"] == "all" else r["origin_country"], r["share_outside"],
                        ci.low, ci.high, "" if small else f"n={r['n_known']}", small,
                        value_text=share_with_interval(r["share_outside"], ci.low, ci.high)))
    total = rows[0]
    caption = (f"{esc(ctx.conference)} {ctx.year}, main track, all tiers; bar = share of persons from that origin "
               "country working in another country (n per bar: origin and work country known), whisker = Wilson "
               f"95% interval. {counts_text(total['n'], total['n_known'])}.")
    return figure(title, hbar_chart(bars, PALETTE[4], max_value=1.0, label_px=90), caption, "outside-origin",
                  ctx.small(total["n_known"]), ctx.bias_notes.get("origin_country", ""))


def institutions_section(ctx: Context) -> str:
    rows = rows_of(ctx.con, """
        SELECT rank, institution_id, institution_name, country_code, n_persons, share, n, n_known
        FROM study_work_institution_top25 WHERE conference = ? AND year = ? AND track = ? AND tier = 'all'
          AND n_persons > 0
        ORDER BY rank LIMIT 15""", [ctx.conference, ctx.year, TRACK])
    title = "Top institutions by researchers employed"
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0, coverage –", "institutions")
    label_px = 330
    bars = []
    for r in rows:
        label, full = institution_label(r["institution_name"], r["institution_id"], r["country_code"], label_px)
        ci = wilson(r["n_persons"], r["n_known"])
        bars.append(Bar(label, r["share"], ci.low, ci.high, f"{r['n_persons']} persons", "", full_label=full,
                        value_text=share_with_interval(r["share"], ci.low, ci.high)))
    caption = (f"{esc(ctx.conference)} {ctx.year}, main track, all tiers: share of persons with a known work "
               "institution who work there (whole counts), whisker = Wilson 95% interval; hover a cut name for the "
               f"full one. {counts_text(rows[0]['n'], rows[0]['n_known'])}.")
    return figure(title, hbar_chart(bars, PALETTE[0], label_px=label_px, plot_px=220), caption, "institutions",
                  ctx.small(rows[0]["n_known"]), ctx.bias_notes.get("work_country", ""))


def year_over_year_section(ctx: Context) -> str:
    complete = sorted(y for c, y in ctx.years.complete if c == ctx.conference)
    rows = [r for r in rows_of(ctx.con, """
        SELECT year, country_code, n_persons, share, n, n_known, coverage FROM study_work_country
        WHERE conference = ? AND track = ? AND tier = 'all' AND country_code IS NOT NULL
        ORDER BY year, country_code""", [ctx.conference, TRACK]) if r["year"] in complete]
    title = "Year over year: where researchers work"
    if not rows:
        return figure(title, "<p>No data.</p>", "n = 0, coverage –", "year-over-year")
    years = sorted({r["year"] for r in rows})
    top = [r["country_code"] for r in sorted((r for r in rows if r["year"] == years[-1]),
                                            key=lambda r: (-r["n_persons"], r["country_code"]))[:6]]
    series: dict[str, dict[int, tuple]] = {c: {} for c in top}
    for r in rows:
        if r["country_code"] in series:
            ci = wilson(r["n_persons"], r["n_known"])
            series[r["country_code"]][r["year"]] = (r["share"], ci.low, ci.high)
    per_year = {r["year"]: r for r in rows}
    header = "".join(f"<th>{y}</th>" for y in years)
    body = "".join(
        f"<tr><td>{esc(c)}</td>" + "".join(
            f"<td>{share_with_interval(*series[c][y]) if y in series[c] else '–'}</td>" for y in years) + "</tr>"
        for c in top)
    body += '<tr class="n"><td>n, n_known (coverage)</td>' + "".join(
        f"<td>{per_year[y]['n']}, {per_year[y]['n_known']} ({share_text(per_year[y]['coverage'])})</td>"
        for y in years) + "</tr>"
    table = f'<table class="yoy"><thead><tr><th>Work country</th>{header}</tr></thead><tbody>{body}</tbody></table>'
    caption = (f"{esc(ctx.conference)}, main track, all tiers, complete conference-years on a calendar axis: share "
               "of persons with a known work country for the 6 largest countries of the latest year, whisker = "
               "Wilson 95% interval. " + "; ".join(
                   f"{y}: {counts_text(per_year[y]['n'], per_year[y]['n_known'])}" for y in years) + ".")
    small = [f"{y}: {ctx.small(per_year[y]['n_known'])}" for y in years if ctx.small(per_year[y]["n_known"])]
    chart = line_chart(series, colour_map(top), years[0], years[-1])
    return figure(title, chart + table, caption, "year-over-year", "; ".join(small),
                  ctx.bias_notes.get("work_country", ""))
