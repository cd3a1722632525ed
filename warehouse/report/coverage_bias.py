"""Coverage bias: are the persons whose origin / graduate / work country we know like the ones we do not know?

Why: a share is computed among persons with the value known. If those persons differ from the rest on what we
know of everyone (tier, track, work country, sector, year), the share describes that subset, not the
conference. For each field this compares the two groups on each characteristic (share with it among the known
vs among the unknown, each with its Wilson interval, and a two-proportion z statistic); a difference with
|z| > 1.96 and at least ``MIN_POINTS`` percentage points makes the field "known for a non-random subset", and
the report writes that beside every figure of the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from warehouse.report.data import TRACK, rows_of, wilson
from warehouse.report.text import esc, share_text, share_with_interval
from warehouse.sql import table_exists

FIELDS = {"origin_country": "origin (undergraduate) country", "grad_country": "graduate-school country",
          "work_country": "work country"}
Z_CRITICAL = 1.96
MIN_POINTS = 0.02  # a difference below 2 points is not worth a warning even when a large n makes it significant


@dataclass(frozen=True, slots=True)
class Comparison:
    characteristic: str
    k_known: int
    n_known: int
    k_unknown: int
    n_unknown: int

    @property
    def difference(self) -> float | None:
        if not self.n_known or not self.n_unknown:
            return None
        return self.k_known / self.n_known - self.k_unknown / self.n_unknown

    @property
    def z(self) -> float | None:
        """Two-proportion z statistic (pooled); None when a group is empty or nobody/everybody has it."""
        if not self.n_known or not self.n_unknown:
            return None
        pooled = (self.k_known + self.k_unknown) / (self.n_known + self.n_unknown)
        se = math.sqrt(pooled * (1 - pooled) * (1 / self.n_known + 1 / self.n_unknown))
        return None if se == 0 else (self.difference or 0.0) / se

    @property
    def differs(self) -> bool:
        return self.z is not None and abs(self.z) > Z_CRITICAL and abs(self.difference or 0) >= MIN_POINTS


def person_rows(con, conference: str, year: int) -> list[dict]:
    """Every person of the conference-year (all tracks) with what we know of everyone."""
    has_sector = table_exists(con, "talent_records") and bool(con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'talent_records' AND column_name = 'sector'"
    ).fetchall()[0][0])
    sector = ("(SELECT person_id, min(sector) AS sector FROM talent_records WHERE conference = $c AND year = $y "
              "GROUP BY person_id)" if has_sector else "(SELECT NULL::VARCHAR AS person_id, NULL AS sector)")
    return rows_of(con, f"""
        WITH base AS (SELECT person_id, origin_country, grad_country, work_country FROM study_population
                      WHERE conference = $c AND year = $y AND track = 'all' AND tier = 'all'),
        tiers AS (SELECT person_id, min(tier) AS tier FROM study_population
                  WHERE conference = $c AND year = $y AND track = 'all' AND tier <> 'all' GROUP BY person_id),
        main AS (SELECT DISTINCT person_id FROM study_population
                 WHERE conference = $c AND year = $y AND track = '{TRACK}')
        SELECT b.*, t.tier, m.person_id IS NOT NULL AS main_track, s.sector
        FROM base b LEFT JOIN tiers t USING (person_id) LEFT JOIN main m USING (person_id)
        LEFT JOIN {sector} s USING (person_id)
        ORDER BY b.person_id""", {"c": conference, "y": year})  # noqa: S608 - fixed fragments only


def characteristics(persons: list[dict], field: str) -> list[tuple[str, callable]]:
    """(name, predicate) pairs; a predicate returns None for a person it cannot judge (left out of both groups).

    Tier, track and (for the education fields) work country are known for everyone. The sector is known only
    with the work institution, so it is compared among persons with a sector, and never for the work country
    itself: a field is not used to explain its own coverage.
    """
    out = [(f"tier {t}", lambda p, t=t: p["tier"] == t) for t in ("oral", "spotlight", "poster")]
    out.append(("main track", lambda p: bool(p["main_track"])))
    if field != "work_country":
        for code in ("US", "CN"):
            out.append((f"works in {code}", lambda p, code=code: p["work_country"] == code))
        out.append(("work country unknown", lambda p: p["work_country"] is None))
    if field != "work_country":
        sectors = sorted({p["sector"] for p in persons if p["sector"]})
        out += [(f"sector {s} (of persons with a sector)", lambda p, s=s: None if p["sector"] is None
                 else p["sector"] == s) for s in sectors[:4]]
    return out


def compare(persons: list[dict], field: str) -> list[Comparison]:
    out = []
    for name, test in characteristics(persons, field):
        known = [v for p in persons if p[field] is not None and (v := test(p)) is not None]
        unknown = [v for p in persons if p[field] is None and (v := test(p)) is not None]
        if any(known) or any(unknown):  # a characteristic nobody has tells nothing
            out.append(Comparison(name, sum(known), len(known), sum(unknown), len(unknown)))
    return out


def note_for(field: str, comparisons: list[Comparison]) -> str:
    """The sentence written beside the field's figures ('' when no characteristic differs)."""
    differing = sorted((c for c in comparisons if c.differs), key=lambda c: -abs(c.difference or 0))
    if not differing:
        return ""
    parts = [f"{esc(c.characteristic)} {100 * (c.difference or 0):+.1f} points" for c in differing[:3]]
    return (f"<b>Non-random coverage:</b> the {FIELDS[field]} is known for a non-random subset — persons with it "
            f"known differ from the rest ({'; '.join(parts)}; see Coverage bias). Read its shares as describing "
            "that subset.")


def year_coverage(con, conference: str, field: str, years: list[int]) -> dict[int, tuple[int, int]]:
    rows = rows_of(con, f"""SELECT year, count(*) AS n, count({field}) AS n_known FROM study_population
                           WHERE conference = ? AND track = '{TRACK}' AND tier = 'all' GROUP BY year""",  # noqa: S608
                   [conference])
    return {r["year"]: (r["n_known"], r["n"]) for r in rows if r["year"] in years}


def coverage_bias(con, conference: str, year: int, years: list[int], min_n: int) -> tuple[str, dict[str, str]]:
    """(section HTML, field -> note) for the conference-year; ``years`` are the complete years to compare."""
    persons = person_rows(con, conference, year)
    notes, tables = {}, []
    for field, noun in FIELDS.items():
        comparisons = compare(persons, field)
        notes[field] = note_for(field, comparisons)
        lines = []
        for c in comparisons:
            k_ci, u_ci = wilson(c.k_known, c.n_known), wilson(c.k_unknown, c.n_unknown)
            small = c.n_known < min_n or c.n_unknown < min_n
            cls = "differs" if c.differs else ("small-n" if small else "")
            z = "–" if c.z is None else f"{c.z:+.1f}"
            diff = "–" if c.difference is None else f"{100 * c.difference:+.1f}"
            lines.append(f'<tr class="{cls}"><td>{esc(c.characteristic)}</td>'
                         f"<td>{share_with_interval(k_ci.estimate, k_ci.low, k_ci.high)}</td>"
                         f"<td>{share_with_interval(u_ci.estimate, u_ci.low, u_ci.high)}</td>"
                         f"<td>{diff}</td><td>{z}</td></tr>")
        by_year = year_coverage(con, conference, field, years)
        year_text = "; ".join(f"{y}: {share_text(k / n if n else None)} of n = {n}"
                              for y, (k, n) in sorted(by_year.items()))
        n_known = sum(p[field] is not None for p in persons)
        n_unknown = len(persons) - n_known
        verdict = notes[field] or (f"No characteristic differs by {100 * MIN_POINTS:.0f}+ points with |z| > "
                                   f"{Z_CRITICAL}: no sign that the {noun} is known for a non-random subset.")
        tables.append(
            f'<h3>{esc(noun.capitalize())}</h3><p class="bias-verdict">{verdict}</p>'
            f'<table class="bias"><thead><tr><th>Characteristic (known for everyone)</th>'
            f"<th>Among persons with it known (n = {n_known})</th><th>Among persons without (n = {n_unknown})</th>"
            "<th>Difference (points)</th><th>z</th></tr></thead><tbody>" + "".join(lines) + "</tbody></table>"
            f'<p class="year-coverage">Coverage of the {noun} by year (main track): {year_text or "–"}.</p>')
    caption = (f"{esc(conference)} {year}, every track, all tiers (track is one of the characteristics): n = "
               f"{len(persons)} persons; coverage of each field by year below its table. Shares with Wilson 95% "
               "intervals; a row is marked when the groups differ "
               f"by at least {100 * MIN_POINTS:.0f} points with |z| > {Z_CRITICAL} (two-proportion z test). Grey rows: "
               f"a group below the minimum n ({min_n}).")
    body = "".join(tables)
    section = (f'<section class="figure" id="coverage-bias"><h2>Coverage bias: who has a value known</h2>{body}'
               f'<p class="caption">{caption}</p></section>')
    return section, notes
