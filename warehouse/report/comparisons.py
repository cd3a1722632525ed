"""Our estimates against other measurements: MacroPolo's published anchors and the hand-reviewed samples.

Why in the report: a share is only as good as what it can be checked against. ``macropolo_comparison`` (model
075) puts each published MacroPolo figure beside our estimate and its Wilson interval, and
``macropolo_definitions`` says how the two definitions differ; ``review_estimates`` (model 076) puts the
design-weighted estimate from a hand-reviewed stratified sample beside the automatic one — their difference is
the automatic pipeline's measured bias. Without a reviewed sample the report says so and how to start one.
"""

from __future__ import annotations

from warehouse.report.data import TRACK, rows_of
from warehouse.report.figures import Context, figure
from warehouse.report.svg import anchor_chart
from warehouse.report.text import esc, share_text, share_with_interval, small_n_reason
from warehouse.sql import table_exists

MEASURES = {"work_country": "work country", "origin_country": "origin (undergraduate)"}
SHORT_MEASURES = {"work_country": "work", "origin_country": "origin"}


def macropolo_section(ctx: Context) -> str:
    title = "MacroPolo's published figures beside ours"
    if not table_exists(ctx.con, "macropolo_comparison"):
        return figure(title, "<p>The comparison view (macropolo_comparison) is not built in this warehouse.</p>",
                      "n = 0, coverage –", "macropolo")
    rows = rows_of(ctx.con, "SELECT * FROM macropolo_comparison ORDER BY year, measure DESC, "
                            "published_share DESC, region")
    lines, points = [], []
    for r in rows:
        built = r["n"] is not None
        small = small_n_reason(r["n_known"], ctx.min_n) if built and (r["n_known"] or 0) < ctx.min_n else ""
        ours = share_with_interval(r["share"], r["share_low"], r["share_high"]) if built else "year not built"
        diff = "–" if r["difference"] is None else f"{100 * r['difference']:+.1f}"
        inside = {True: "yes", False: "no"}.get(r["published_within_interval"], "–")
        cls = ' class="small-n"' if small or not built else ""
        coverage = "–" if not built else (f"{r['n']}, {r['n_known']} ({share_text(r['coverage'])})"
                                          + (f" — {small}" if small else ""))
        lines.append(f"<tr{cls}><td>{r['year']}</td><td>{esc(MEASURES.get(r['measure'], r['measure']))}</td>"
                     f"<td>{esc(r['region_label'])}</td><td>{share_text(r['published_share'])}</td><td>{ours}</td>"
                     f"<td>{diff}</td><td>{inside}</td><td>{coverage}</td>"
                     f"<td>{esc(r['report_title'] or '')}, edition {esc(r['edition'] or '')}, "
                     f"{esc(r['section'] or '')}{', p. ' + esc(r['page']) if r['page'] else ''}</td></tr>")
        if built:
            label = f"{r['year']} {SHORT_MEASURES.get(r['measure'], r['measure'])}: {r['region_label']}"
            points.append((label, r["share"], r["share_low"], r["share_high"], r["published_share"], small))
    table = ("<table class=\"anchors\"><thead><tr><th>Year</th><th>Measure</th><th>Region</th><th>Published</th>"
             "<th>Ours (Wilson 95% CI)</th><th>Ours − published (points)</th><th>Published inside our CI</th>"
             "<th>n, n_known (coverage)</th><th>Source</th></tr></thead><tbody>" + "".join(lines) + "</tbody></table>")
    chart = anchor_chart(points, label_px=200) if points else ""
    definitions = definitions_table(ctx) if table_exists(ctx.con, "macropolo_definitions") else ""
    bases = {(r["year"], r["measure"]): r for r in rows if r["n"] is not None}
    base_text = "; ".join(f"{y} {SHORT_MEASURES.get(m, m)}: n = {r['n']}, n_known = {r['n_known']}, coverage "
                          f"{share_text(r['coverage'])}" for (y, m), r in sorted(bases.items()))
    caption = ("Main track, all tiers, whole counting of persons (the anchors' base), NeurIPS of the anchor's year; "
               "dot and whisker = our share and its Wilson 95% interval, red diamond = the published figure. "
               "n = main-track persons of the year, n_known = with the measure known, coverage = n_known / n. "
               "The definitions differ (below): a difference is not by itself an error of either. "
               + (base_text + "." if base_text else "No anchor year is built here: n = 0."))
    legend = ('<div class="legend"><span class="key"><i style="background:#1e3a8a"></i>ours (95% CI)</span>'
              '<span class="key"><i style="border:1.6px solid #dc2626;background:none"></i>published</span></div>')
    return figure(title, legend + chart + table + definitions, caption, "macropolo")


def definitions_table(ctx: Context) -> str:
    rows = rows_of(ctx.con, "SELECT topic, macropolo, this_warehouse, consequence FROM macropolo_definitions "
                            "ORDER BY topic")
    body = "".join(f"<tr><td>{esc(r['topic'])}</td><td>{esc(r['macropolo'])}</td><td>{esc(r['this_warehouse'])}</td>"
                   f"<td>{esc(r['consequence'])}</td></tr>" for r in rows)
    return ("<h3>How the definitions differ</h3><table class=\"definitions\"><thead><tr><th>Topic</th><th>MacroPolo"
            "</th><th>This warehouse</th><th>What it means for the comparison</th></tr></thead><tbody>"
            + body + "</tbody></table>")


def review_section(ctx: Context) -> str:
    title = "Reviewed sample vs automatic pipeline"
    how = (f"<code>talent review sample --year {ctx.year} --per-stratum 20 --seed 1 --out review/</code> draws a "
           "stratified random sample (tier × track) and writes its worksheet; fill the reviewer columns and load it "
           "with <code>talent review import review/&lt;sample&gt;.csv --reviewer NAME</code>.")
    rows: list[dict] = []
    if table_exists(ctx.con, "review_estimates"):
        from warehouse.review import review_estimate_rows

        rows = [r for r in review_estimate_rows(ctx.con, ctx.conference, ctx.year) if r["track"] == TRACK]
    if not rows:
        body = (f"<p class=\"empty\">No sample of {esc(ctx.conference)} {ctx.year} has been reviewed yet, so the "
                f"automatic pipeline's bias is not measured. To start one: {how}</p>")
        return figure(title, body, f"{esc(ctx.conference)} {ctx.year}, main track: n = 0 reviewed persons, "
                                   "coverage –.", "review")
    latest = rows[0]["sample_id"]
    rows = [r for r in rows if r["sample_id"] == latest and (r["reviewed_share"] or r["automatic_share"])]
    lines = []
    for r in rows:
        small = r["reviewed_small_n"]
        reason = f" — {small_n_reason(r['n_reviewed_known'], ctx.min_n)}" if small else ""
        diff = "–" if r["difference"] is None else f"{100 * r['difference']:+.1f}"
        cls = ' class="small-n"' if small else ""
        lines.append(
            f"<tr{cls}><td>{esc(r['field'])}</td><td>{esc(r['value'])}</td>"
            f"<td>{share_with_interval(r['reviewed_share'], r['reviewed_low'], r['reviewed_high'])}{esc(reason)}</td>"
            f"<td>{share_with_interval(r['automatic_share'], r['automatic_low'], r['automatic_high'])}</td>"
            f"<td>{diff}</td></tr>")
    first = rows[0] if rows else {}
    table = ("<table class=\"review\"><thead><tr><th>Field</th><th>Value</th><th>Reviewed, design-weighted (95% CI)"
             "</th><th>Automatic (Wilson 95% CI)</th><th>Automatic − reviewed (points)</th></tr></thead><tbody>"
             + "".join(lines) + "</tbody></table>")
    caption = (f"{esc(ctx.conference)} {ctx.year}, main track, sample {esc(latest)}: n = {first.get('n_sampled', 0)} "
               f"sampled, {first.get('n_reviewed', 0)} reviewed; automatic n = {first.get('automatic_n', 0)} "
               f"persons (coverage = automatic n_known / n per field). A positive difference: the automatic "
               f"pipeline over-states the value. Another sample: {how}")
    return figure(title, table, caption, "review")
