"""Warehouse hook: resolve the ``authorships`` view into ``authorship_affiliations``.

Grain of ``authorship_affiliations``: one row per (authorship, affiliation) — an author with N
affiliations gets N rows of weight 1/N, so summing weights counts each authorship once. Unresolved
affiliations keep a row with NULL institution (and the country when the string names one), so
coverage is visible in SQL; the distinct unresolved strings go to ``unresolved_affiliations`` for
review. Each distinct raw string is resolved once.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

import duckdb
import pyarrow as pa

from etl.affiliations.resolver import AffiliationResolver, ResolvedAffiliation, load_resolver
from etl.duckdb_tables import replace_table

log = logging.getLogger(__name__)

_COMMENTS = {
    "authorship_affiliations": "One row per authorship affiliation; weight 1/N over the N "
                               "affiliations; institution_id NULL when unresolved.",
    "unresolved_affiliations": "Distinct raw affiliation strings that resolved to no institution, "
                               "with how many authorships carry them: the review queue.",
}


def resolve_authorship_affiliations(con: duckdb.DuckDBPyConnection,
                                    resolver: AffiliationResolver | None = None) -> dict[str, int]:
    """Create or replace ``authorship_affiliations`` and ``unresolved_affiliations`` from ``authorships``."""
    resolver = resolver or load_resolver()
    # core_authorships also carries the email domain (from OpenReview author ids, or an address typed
    # into the affiliation field); the contract view `authorships` does not, so prefer the core table.
    has_core = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'core_authorships'"
    ).fetchone()[0]
    source = "core_authorships" if has_core else "(SELECT *, NULL AS email_domain FROM authorships)"
    rows = con.execute(
        "SELECT conference, year, paper_id, author_position, raw_affiliation, email_domain "  # noqa: S608
        f"FROM {source}"
    ).fetchall()
    by_string: dict[tuple[str, str | None], list] = {}
    cols: dict[str, list] = {k: [] for k in ("conference", "year", "paper_id", "author_position",
                                             "institution_id", "country_code", "weight", "confidence",
                                             "method")}
    unresolved: dict[str, int] = {}
    sites: list[tuple[int, ResolvedAffiliation]] = []  # rows whose company site is an ambiguous city
    for conference, year, paper_id, position, raw, domain in rows:
        raw = raw or ""
        key = (raw, domain)
        results = by_string.get(key)
        if results is None:
            results = by_string[key] = resolver.resolve(raw, email_domain=domain)
        if not results:
            continue
        if raw.strip() and not any(r.institution_id for r in results):
            unresolved[raw] = unresolved.get(raw, 0) + 1
        weight = 1.0 / len(results)
        for r in results:
            if r.site_countries:
                sites.append((len(cols["conference"]), r))
            cols["conference"].append(conference)
            cols["year"].append(year)
            cols["paper_id"].append(paper_id)
            cols["author_position"].append(position)
            cols["institution_id"].append(r.institution_id)
            cols["country_code"].append(r.country_code)
            cols["weight"].append(weight)
            cols["confidence"].append(r.confidence)
            cols["method"].append(r.method)
    settle_sites(cols, sites)
    table = pa.table({
        "conference": pa.array(cols["conference"], pa.string()),
        "year": pa.array(cols["year"], pa.int32()),
        "paper_id": pa.array(cols["paper_id"], pa.string()),
        "author_position": pa.array(cols["author_position"], pa.int32()),
        "institution_id": pa.array(cols["institution_id"], pa.string()),
        "country_code": pa.array(cols["country_code"], pa.string()),
        "weight": pa.array(cols["weight"], pa.float64()),
        "confidence": pa.array(cols["confidence"], pa.float64()),
        "method": pa.array(cols["method"], pa.string()),
    })
    review = pa.table({"raw_affiliation": pa.array(list(unresolved), pa.string()),
                       "n_authorships": pa.array(list(unresolved.values()), pa.int64())})
    for name, arrow in (("authorship_affiliations", table), ("unresolved_affiliations", review)):
        replace_table(con, name, arrow)
        con.execute(f"COMMENT ON TABLE {name} IS '{_COMMENTS[name]}'")
    log.info("authorship_affiliations: %d rows from %d authorships (%d distinct strings, %d unresolved)",
             table.num_rows, len(rows), len(by_string), len(unresolved))
    return {"authorship_affiliations": table.num_rows, "unresolved_affiliations": review.num_rows,
            "distinct_strings": len(by_string)}


SITE_VOTE_DOMINANCE = 2.0


def settle_sites(cols: dict[str, list], sites: list[tuple[int, ResolvedAffiliation]]) -> int:
    """Give company sites in ambiguous cities the country their coauthors share; return rows moved.

    "Samsung AI Center Cambridge" may be in GB or the US. All rows naming the same company in the same
    city vote together: each paper's other affiliations in one of the candidate countries count with
    their weights (the company's own rows do not). A country with twice the next one's votes wins;
    otherwise the row keeps what the resolver gave (the company's own country).
    """
    if not sites:
        return 0
    by_paper: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(zip(cols["conference"], cols["year"], cols["paper_id"], strict=True)):
        by_paper[key].append(i)
    groups: dict[tuple[str | None, str | None], list[tuple[int, ResolvedAffiliation]]] = defaultdict(list)
    for row, result in sites:
        groups[(result.institution_id, result.site_city)].append((row, result))
    moved = 0
    for (institution_id, _city), members in groups.items():
        candidates = set(members[0][1].site_countries)
        votes: Counter[str] = Counter()
        for row, _result in members:
            key = (cols["conference"][row], cols["year"][row], cols["paper_id"][row])
            for other in by_paper[key]:
                country = cols["country_code"][other]
                if (cols["author_position"][other] != cols["author_position"][row] and country in candidates
                        and cols["institution_id"][other] != institution_id):
                    votes[country] += cols["weight"][other]
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] < SITE_VOTE_DOMINANCE * ranked[1][1]):
            continue
        for row, _result in members:
            if cols["country_code"][row] != ranked[0][0]:
                cols["country_code"][row] = ranked[0][0]
                cols["method"][row] += "+site-coauthors"
                moved += 1
    log.info("company sites in ambiguous cities: %d groups, %d rows moved by coauthors", len(groups), moved)
    return moved
