"""Which candidate a talent record's field takes, and the evidence that says why.

Education: the first degree entry by the precedence rule of :mod:`etl.people.history` that counts for the
year. Work: the (institution, country) with the most weight over the person's papers that year, a
:class:`Tie` when entries in different countries share the top weight, else the history entry valid in
that year. The record itself (:mod:`etl.people.talent_record`) only assembles what these pick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from etl.people.history import BOUNDS_UNDATED, PRECEDENCE_RULE, counts_in
from etl.people.talent_inputs import HistoryRow, PaperAffiliation

ORIGIN_OF_SOURCE = {"openreview_profile": "openreview_profile_history", "orcid": "orcid",
                    "homepage": "homepage_statement"}


def history_evidence(row: HistoryRow, year: int, method_prefix: str = "") -> dict[str, Any]:
    dated = row.start_year is not None or row.end_year is not None
    return {"source": row.source, "origin": ORIGIN_OF_SOURCE.get(row.source, row.source),
            "method": method_prefix + row.method, "source_key": row.source_key,
            "institution_id": row.institution_id, "stage": row.stage, "start_year": row.start_year,
            "end_year": row.end_year, "observed_year": row.observed_year, "bounds": row.dating,
            "finished_from_year": row.finished_from_year, "country_source": row.country_source,
            "degree_evidence": row.degree_evidence,
            "holds_for_year": year if dated or row.observed_year == year else None}


def why_picked(row: HistoryRow, candidates: list[HistoryRow]) -> str:
    """One line an analyst can read: the picked candidate's evidence tier and how many it was chosen from."""
    dating = "dated" if row.dating != BOUNDS_UNDATED else "undated"
    text = (f"{dating} ({row.dating} bounds), country {row.country_source}, {row.degree_evidence.replace('_', ' ')}"
            f"; first of {len(candidates)} candidate(s) by: {PRECEDENCE_RULE}")
    return text


def education_evidence(row: HistoryRow, candidates: list[HistoryRow], year: int) -> dict[str, Any]:
    evidence = history_evidence(row, year)
    evidence["rule"] = PRECEDENCE_RULE
    evidence["why"] = why_picked(row, candidates)
    evidence["candidates"] = len(candidates)
    beaten = [{"country_code": r.country_code, "source": r.source, "source_key": r.source_key,
               "bounds": r.dating, "country_source": r.country_source, "degree_evidence": r.degree_evidence}
              for r in candidates if r is not row and r.country_code != row.country_code]
    if beaten:
        evidence["other_countries"] = beaten[:5]
    return evidence


def education_candidates(history: list[HistoryRow], stage: str, year: int) -> list[HistoryRow]:
    """Degree rows of ``stage`` with a country that count in ``year``, best first by the precedence rule."""
    return sorted((r for r in history if r.stage == stage and r.is_degree and r.country_code
                   and counts_in(r.counts_from_year, r.counts_to_year, year)), key=HistoryRow.precedence)


def pick_education(history: list[HistoryRow], stages: tuple[str, ...], year: int) -> HistoryRow | None:
    """The first degree entry by the precedence rule, of the first stage in ``stages`` that has one counting in
    ``year`` (undergraduate: the earliest start among the best-evidenced; graduate: PhD, else master's)."""
    for stage in stages:
        candidates = education_candidates(history, stage, year)
        if candidates:
            return candidates[0]
    return None


@dataclass(frozen=True, slots=True)
class Tie:
    """Top paper affiliations of equal weight: the country is known only when they all share it."""

    candidates: list[tuple[PaperAffiliation, float]]

    @property
    def country_code(self) -> str | None:
        countries = {row.country_code for row, _ in self.candidates}
        return countries.pop() if len(countries) == 1 else None


def _affiliation_totals(affiliations: list[PaperAffiliation]
                        ) -> tuple[dict[tuple[str | None, str | None], float],
                                   dict[tuple[str | None, str | None], PaperAffiliation]]:
    totals: dict[tuple[str | None, str | None], float] = {}
    best_row: dict[tuple[str | None, str | None], PaperAffiliation] = {}
    for row in affiliations:
        if not row.country_code:
            continue
        key = (row.institution_id, row.country_code)
        totals[key] = totals.get(key, 0.0) + row.weight
        if key not in best_row or row.confidence > best_row[key].confidence:
            best_row[key] = row
    return totals, best_row


def pick_paper_affiliation(affiliations: list[PaperAffiliation]
                           ) -> tuple[PaperAffiliation, float] | Tie | None:
    """The (institution, country) with the most weight over the person's papers that year; a :class:`Tie`
    when several share the top weight (module docstring: never broken by institution id). A string resolved
    only to a country drops out of a tie with an institution in that same country (it says less about the
    same place); in another country it stays in the tie."""
    totals, best_row = _affiliation_totals(affiliations)
    if not totals:
        return None
    top = max(round(total, 6) for total in totals.values())
    tied = [key for key, total in totals.items() if round(total, 6) == top]
    with_institution = [key for key in tied if key[0] is not None]
    tied = [key for key in tied if key[0] is not None or not with_institution
            or key[1] not in {k[1] for k in with_institution}]
    if len(tied) == 1:
        return best_row[tied[0]], totals[tied[0]]
    tied.sort(key=lambda k: (k[1] or "", k[0] or ""))  # a stable listing order only, never a choice
    return Tie([(best_row[key], totals[key]) for key in tied])


def pick_history_at(history: list[HistoryRow], year: int) -> tuple[HistoryRow, str] | None:
    """The history entry valid in ``year``: dated entries first (latest start), else an undated entry
    observed for exactly that year (a current position read for another year says nothing about this one)."""
    dated = [r for r in history if r.country_code and r.start_year is not None and r.start_year <= year
             and (r.end_year is None or r.end_year >= year)]
    if dated:
        row = min(dated, key=lambda r: (-(r.start_year or 0), -r.confidence, r.source, r.source_key))
        return row, "dated"
    undated = [r for r in history if r.country_code and r.start_year is None and r.end_year is None
               and r.observed_year == year]
    if undated:
        return min(undated, key=lambda r: (-r.confidence, r.source, r.source_key)), "undated"
    return None
