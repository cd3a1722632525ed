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

The candidates and their evidence are picked in :mod:`etl.people.talent_picks` from the rows of
:mod:`etl.people.talent_inputs`. Every evidence entry names its ``origin`` (paper, conference_site,
openreview_profile_snapshot, email_domain_on_paper, openreview_profile_history, orcid, analyst_correction)
and the year the value is observed for. ``confidence`` is the mean confidence of the country fields that
are known (0.0 when none is): how sure the values we *state* are, which is what a reviewer should look at first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from etl.people.corrections import Correction
from etl.people.talent_inputs import HistoryRow, PaperAffiliation
from etl.people.talent_picks import (
    Tie,
    education_candidates,
    education_evidence,
    history_evidence,
    pick_education,
    pick_history_at,
    pick_paper_affiliation,
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
        record.evidence["undergrad_country"] = education_evidence(
            undergrad, education_candidates(history, "undergrad", year), year)
        record.field_confidence["undergrad_country"] = undergrad.confidence
    grad = pick_education(history, ("phd", "masters"), year)
    if grad:
        record.grad_country = grad.country_code
        record.evidence["grad_country"] = education_evidence(
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
        evidence = history_evidence(entry, record.year, f"history-{kind}:")
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
