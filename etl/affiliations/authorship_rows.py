"""Authorship affiliation rows: each authorship's raw string (and email domain) resolved into weighted rows.

Grain of the rows: one per (authorship, affiliation) — an author with N affiliations gets N rows of weight
1/N, so summing weights counts each authorship once; ``affiliation_no`` numbers them 1..N in the order the
parts appear in the string (two parts resolving to the same institution stay two rows). Unresolved
affiliations keep a row with NULL institution (and the country when the string names one), so coverage is
visible in SQL; the distinct unresolved strings are counted for review. Each distinct (raw string, email
domain) pair is resolved once. Pure: rows in, rows out; the warehouse model
``warehouse/models/core/authorship_affiliations.py`` reads and writes the tables.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from etl.affiliations.resolver import AffiliationResolver, ResolvedAffiliation

log = logging.getLogger(__name__)

COLUMNS = ("conference", "year", "paper_id", "author_position", "institution_id", "country_code", "weight",
           "confidence", "method", "affiliation_no")
AuthorshipString = tuple[str, int, str, int, str | None, str | None]  # key, raw affiliation, email domain


@dataclass(slots=True)
class AffiliationRows:
    columns: dict[str, list]  # COLUMNS -> values, one row per (authorship, affiliation)
    unresolved: dict[str, int]  # raw string resolving to no institution -> authorships carrying it
    distinct_strings: int
    authorships: int


def resolve_affiliation_rows(rows: Iterable[AuthorshipString], resolver: AffiliationResolver) -> AffiliationRows:
    """Resolve (conference, year, paper_id, author_position, raw_affiliation, email_domain) rows."""
    by_string: dict[tuple[str, str | None], list] = {}
    cols: dict[str, list] = {k: [] for k in COLUMNS}
    unresolved: dict[str, int] = {}
    sites: list[tuple[int, ResolvedAffiliation]] = []  # rows whose company site is an ambiguous city
    n_rows = 0
    for conference, year, paper_id, position, raw, domain in rows:
        n_rows += 1
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
        for affiliation_no, r in enumerate(results, 1):
            if r.site_countries:
                sites.append((len(cols["conference"]), r))
            for name, value in zip(COLUMNS, (conference, year, paper_id, position, r.institution_id,
                                             r.country_code, weight, r.confidence, r.method, affiliation_no),
                                   strict=True):
                cols[name].append(value)
    settle_sites(cols, sites)
    return AffiliationRows(cols, unresolved, len(by_string), n_rows)


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
