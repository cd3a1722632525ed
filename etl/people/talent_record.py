"""One talent record per person × conference-year, each value with its evidence; unknown stays None.

* ``undergrad_country`` — the origin proxy: the country of an undergraduate *degree* entry that counts
  for that year (the earliest, among the best-evidenced); ``grad_country`` — the PhD's country, else the
  master's (begun by that year, so finished ones too). Only entries that are degrees
  (``is_degree``: an education stage at a degree-granting institution, never a student position at a
  company or an internship) and that count for the year (``counts_from_year``/``counts_to_year``: a dated
  entry from its start on, an undated one only for the conference-year it was observed for) are read —
  the rule lives in ``etl.people.history`` and is stored in ``person_education``.
* ``work_country`` / ``work_institution_id`` at the conference: the paper's resolved affiliation first
  (for 2019/2020 what the paper printed; for OpenReview years a profile snapshot of the entry covering
  the year — ``work_origin`` says which), else the institution of the email domain the paper lists for
  the author; else the history entry dated to that year; else an undated profile position, only for the
  conference-year it was observed for (low confidence).
* ``sector`` from the work institution's type; ``tier`` the highest tier of the person's papers that year;
  ``track`` 'main' when any of them is a main-track paper (``tracks`` lists all), ``main_track_tier`` the
  highest tier among the main-track ones.

Several candidates may count for a field: the precedence rule of ``etl.people.history`` (dated > undated;
explicit country > domain > resolver; stated degree > position; then earliest start, confidence) picks one,
and the field's evidence says which (``rule``, ``why``) and lists the candidates it beat with another country.

Work from the paper: the (institution, country) with the most weight over the person's papers that year. When
the top weight is shared by entries in *different countries* ("UvA / Qualcomm") nothing is picked: the
work country and institution stay NULL with evidence ``method: "tie"`` listing every tied candidate, and
the study views' fractional counts (built from every affiliation's weight) carry both countries. A tie
within one country keeps the country and leaves the institution NULL. No tie is broken by institution id.

Every evidence entry names its ``origin`` (paper, conference_site, openreview_profile_snapshot,
email_domain_on_paper, openreview_profile_history, orcid, analyst_correction) and the year the value is
observed for. ``confidence`` is the mean confidence of the country fields that are known (0.0 when none
is): how sure the values we *state* are, which is what a reviewer should look at first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from etl.people.corrections import Correction
from etl.people.history import (
    BOUNDS_UNDATED,
    COUNTRY_NONE,
    EVIDENCE_POSITION,
    PRECEDENCE_RULE,
    bounds_of,
    counts_for_years,
    counts_in,
    precedence_key,
)
from scrapers.items import TIER_RANK

SECTOR_OF_TYPE = {
    "education": "academia",
    "company": "industry",
    "government": "government",
}
OTHER_SECTOR_TYPES = frozenset({"facility", "nonprofit", "healthcare", "archive", "funder", "other"})
DATED_HISTORY_FACTOR = 0.9
UNDATED_HISTORY_FACTOR = 0.5


def sector_of(institution_type: str | None) -> str | None:
    if not institution_type:
        return None
    kind = institution_type.lower()
    if kind in SECTOR_OF_TYPE:
        return SECTOR_OF_TYPE[kind]
    return "other" if kind in OTHER_SECTOR_TYPES else None


@dataclass(frozen=True, slots=True)
class PaperAffiliation:
    paper_id: str
    author_position: int
    institution_id: str | None
    country_code: str | None
    institution_type: str | None
    weight: float
    confidence: float
    method: str
    source: str = "authorship_affiliations"
    origin: str | None = None  # paper | conference_site | openreview_profile_snapshot | email_domain_on_paper
    observed_year: int | None = None  # year the source states the affiliation for


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A person_education row."""

    stage: str
    institution_id: str | None
    country_code: str | None
    institution_type: str | None
    start_year: int | None
    end_year: int | None
    source: str
    method: str
    confidence: float
    source_key: str
    is_degree: bool = False
    observed_year: int | None = None
    counts_from_year: int | None = None
    counts_to_year: int | None = None
    bounds: str | None = None  # stated | observed | undated (None: read from an older table → from the years)
    finished_from_year: int | None = None
    country_source: str = COUNTRY_NONE
    degree_evidence: str = EVIDENCE_POSITION

    @property
    def dating(self) -> str:
        return self.bounds or bounds_of(self.start_year, self.end_year, None)

    def precedence(self) -> tuple:
        return (*precedence_key(self.dating, self.country_source, self.degree_evidence, self.start_year,
                                self.confidence), self.source, self.source_key)


def history_row(stage: str, institution_id: str | None, country_code: str | None, institution_type: str | None,
                start_year: int | None, end_year: int | None, source: str, method: str, confidence: float,
                source_key: str, *, is_degree: bool, observed_year: int | None = None, bounds: str | None = None,
                finished_from_year: int | None = None, country_source: str = COUNTRY_NONE,
                degree_evidence: str = EVIDENCE_POSITION) -> HistoryRow:
    """A HistoryRow whose counting years follow the one rule of ``etl.people.history``."""
    first, last = counts_for_years(start_year, end_year, observed_year)
    dating = bounds_of(start_year, end_year, bounds)
    if finished_from_year is None and dating == "stated":
        finished_from_year = end_year
    return HistoryRow(stage, institution_id, country_code, institution_type, start_year, end_year, source, method,
                      confidence, source_key, is_degree, observed_year, first, last, dating, finished_from_year,
                      country_source, degree_evidence)


ORIGIN_OF_SOURCE = {"openreview_profile": "openreview_profile_history", "orcid": "orcid",
                    "homepage": "homepage_statement"}
MAIN_TRACK = "main"


@dataclass(slots=True)
class TalentRecord:
    conference: str
    year: int
    person_id: str
    name: str | None
    tier: str | None = None
    undergrad_country: str | None = None
    grad_country: str | None = None
    work_country: str | None = None
    work_institution_id: str | None = None
    sector: str | None = None
    track: str | None = None
    tracks: list[str] = field(default_factory=list)
    main_track_tier: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    field_confidence: dict[str, float] = field(default_factory=dict)

    @property
    def confidence(self) -> float:
        known = [self.field_confidence.get(name, 0.0) for name in ("undergrad_country", "grad_country",
                                                                    "work_country") if getattr(self, name)]
        return round(sum(known) / len(known), 3) if known else 0.0

    @property
    def work_origin(self) -> str | None:
        return self.evidence.get("work_country", {}).get("origin") if self.work_country else None

    @property
    def work_observed_year(self) -> int | None:
        """Year the source states the work value for: the paper's or snapshot's year, or the conference year
        a history entry's dates (or its observation) cover."""
        if not self.work_country:
            return None
        evidence = self.evidence.get("work_country", {})
        return evidence.get("holds_for_year", evidence.get("observed_year"))

    def evidence_json(self) -> str:
        return json.dumps(self.evidence, sort_keys=True, ensure_ascii=False)


def highest_tier(tiers: list[str | None]) -> str | None:
    known = [tier for tier in tiers if tier in TIER_RANK]
    return max(known, key=TIER_RANK.__getitem__) if known else None


def record_track(tracks: list[str | None]) -> str | None:
    """'main' when any paper of the person-year is main track, else the one other track (or None)."""
    known = sorted({t for t in tracks if t})
    if MAIN_TRACK in known:
        return MAIN_TRACK
    return known[0] if known else None


def _history_evidence(row: HistoryRow, year: int, method_prefix: str = "") -> dict[str, Any]:
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


def _education_evidence(row: HistoryRow, candidates: list[HistoryRow], year: int) -> dict[str, Any]:
    evidence = _history_evidence(row, year)
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


def build_record(conference: str, year: int, person_id: str, name: str | None, tiers: list[str | None],
                 affiliations: list[PaperAffiliation], history: list[HistoryRow],
                 email_affiliations: list[PaperAffiliation] | None = None,
                 tracks: list[str | None] | None = None) -> TalentRecord:
    """``tracks`` (when given) pairs with ``tiers``: the track of each of the person's papers that year."""
    record = TalentRecord(conference, year, person_id, name, tier=highest_tier(tiers))
    if record.tier:
        record.evidence["tier"] = {"source": "papers", "origin": "papers", "observed_year": year,
                                   "method": "highest tier of the year's papers"}
    if tracks is not None:
        record.track = record_track(tracks)
        record.tracks = sorted({t for t in tracks if t})
        record.main_track_tier = highest_tier([tier for tier, track in zip(tiers, tracks, strict=True)
                                               if track == MAIN_TRACK])
    undergrad = pick_education(history, ("undergrad",), year)
    if undergrad:
        record.undergrad_country = undergrad.country_code
        record.evidence["undergrad_country"] = _education_evidence(
            undergrad, education_candidates(history, "undergrad", year), year)
        record.field_confidence["undergrad_country"] = undergrad.confidence
    grad = pick_education(history, ("phd", "masters"), year)
    if grad:
        record.grad_country = grad.country_code
        record.evidence["grad_country"] = _education_evidence(
            grad, education_candidates(history, grad.stage, year), year)
        record.field_confidence["grad_country"] = grad.confidence
    _set_work(record, affiliations, email_affiliations or [], history)
    return record


def _tie_evidence(tie: Tie) -> dict[str, Any]:
    return {"source": tie.candidates[0][0].source, "origin": tie.candidates[0][0].origin,
            "observed_year": tie.candidates[0][0].observed_year, "method": "tie",
            "note": "top paper affiliations of equal weight; not broken by institution id",
            "candidates": [{"institution_id": row.institution_id, "country_code": row.country_code,
                            "weight": round(weight, 3), "paper_id": row.paper_id, "method": row.method}
                           for row, weight in tie.candidates]}


def _set_work(record: TalentRecord, affiliations: list[PaperAffiliation], email_affiliations: list[PaperAffiliation],
              history: list[HistoryRow]) -> None:
    picked = pick_paper_affiliation(affiliations) or pick_paper_affiliation(email_affiliations)
    if isinstance(picked, Tie):
        evidence = _tie_evidence(picked)
        record.work_country = picked.country_code
        record.evidence["work_country"] = evidence
        if record.work_country:
            record.field_confidence["work_country"] = min(row.confidence for row, _ in picked.candidates)
        record.evidence["work_institution_id"] = evidence
        return
    if picked:
        row, weight = picked
        evidence = {"source": row.source, "origin": row.origin, "observed_year": row.observed_year,
                    "method": row.method, "paper_id": row.paper_id,
                    "author_position": row.author_position, "weight": round(weight, 3)}
        record.work_country, record.work_institution_id = row.country_code, row.institution_id
        record.field_confidence["work_country"] = row.confidence
        institution_type = row.institution_type
    else:
        at = pick_history_at(history, record.year)
        if at is None:
            return
        entry, kind = at
        factor = DATED_HISTORY_FACTOR if kind == "dated" else UNDATED_HISTORY_FACTOR
        evidence = _history_evidence(entry, record.year, f"history-{kind}:")
        record.work_country, record.work_institution_id = entry.country_code, entry.institution_id
        record.field_confidence["work_country"] = round(entry.confidence * factor, 3)
        institution_type = entry.institution_type
    record.evidence["work_country"] = evidence
    if record.work_institution_id:
        record.evidence["work_institution_id"] = evidence
    record.sector = sector_of(institution_type) if record.work_institution_id else None
    if record.sector:
        record.evidence["sector"] = {**evidence, "institution_type": institution_type}


WORK_DEPENDENTS = ("work_institution_id", "sector")
CORRECTION_CONFIDENCE = 1.0


def apply_corrections(record: TalentRecord, corrections: list[Correction]) -> list[Correction]:
    """Apply the person's valid corrections (all-years first, then this year's); return those applied.

    A corrected ``work_country`` that differs from the automatic one also clears ``work_institution_id``
    and ``sector`` (they described the automatic institution, in another country) unless the analyst
    corrected them too; the evidence says they were cleared and why.
    """
    applicable = [c for c in sorted(corrections, key=lambda c: (c.year is not None, c.line_no))
                  if not c.problem and c.person_id == record.person_id
                  and (c.year is None or c.year == record.year)]
    automatic_work_country = record.work_country
    applied = []
    for correction in applicable:
        previous = getattr(record, correction.field)
        setattr(record, correction.field, correction.value)
        record.evidence[correction.field] = {
            "source": "analyst_correction", "origin": "analyst_correction", "observed_year": correction.year,
            "holds_for_year": record.year,
            "method": "analyst_correction", "note": correction.note,
            "line": correction.line_no, "replaced": previous, "confidence": CORRECTION_CONFIDENCE,
        }
        if correction.field.endswith("_country"):
            record.field_confidence[correction.field] = CORRECTION_CONFIDENCE
        applied.append(correction)
    country_fix = [c for c in applied if c.field == "work_country"]
    corrected_fields = {c.field for c in applied}
    if country_fix and record.work_country != automatic_work_country:
        for name in WORK_DEPENDENTS:
            previous = getattr(record, name)
            if name in corrected_fields or previous is None:
                continue
            setattr(record, name, None)
            record.evidence[name] = {
                "source": "analyst_correction", "origin": "analyst_correction",
                "method": "cleared: work_country corrected",
                "note": country_fix[-1].note, "line": country_fix[-1].line_no, "replaced": previous,
                "confidence": CORRECTION_CONFIDENCE,
            }
    return applied
