"""Career stage of a position title (OpenReview ``position``, ORCID role title).

Stages: undergrad, masters, phd, postdoc, faculty, industry, other. The table
``position_stages.csv`` beside this module is the reviewed mapping of every position string seen in the
NeurIPS 2021 and 2022 OpenReview data (with counts); it has three stage columns because many titles
mean different things by employer: a "Research Scientist" at a company is industry, at a university
it is research staff (other), and with the employer unknown only the corporate-only titles
("Applied Scientist", "SDE") are called industry. Titles not in the table (ORCID role titles, new
strings) go through the same keyword rules that drafted the table. ``position_stages_histories.csv`` lists,
the same way, every position string of the vendored dated careers (``mirror/data/openreview_histories``:
snapshots of the same profiles at other venues, 2021–2026) that the NeurIPS table does not hold.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

STAGES: tuple[str, ...] = ("undergrad", "masters", "phd", "postdoc", "faculty", "industry", "other")
TABLE_PATH = Path(__file__).with_name("position_stages.csv")
HISTORIES_TABLE_PATH = Path(__file__).with_name("position_stages_histories.csv")
TABLE_COLUMNS = ("position", "count_2021", "count_2022", "stage", "stage_academic", "stage_company")
# ROR organisation types that employ people the way companies do.
COMPANY_TYPES = frozenset({"company"})


def position_key(position: str) -> str:
    """Lookup key: case, spacing and trailing punctuation do not change a title's meaning."""
    return re.sub(r"\s+", " ", position.casefold()).strip(" .,;")


def _any(patterns: str, text: str) -> bool:
    return re.search(patterns, text) is not None


_COMPANY_NAMES = (
    r"\b(google|amazon|deepmind|tencent|samsung|ibm research|intel|qualcomm|twitter|alibaba|bosch|"
    r"microsoft|facebook|meta ai|nvidia|baidu|huawei|bytedance)\b"
)
_ORG_NAMES = r"\b(university|universit|laborator|bureau|institute of|umbc)\b"
_CORPORATE_ONLY = (
    r"\b(engineer|enginneer|engineeer|software|developer|sde|swe|applied|staff|principa?le?|pricipal|"
    r"principlal|technical|ceo|cto|vp|vice president|founder|co-founder|founding|chief|manager|architect|"
    r"data scientist|consultant|resident|residency|employee|executive|product|president|partner|expert|"
    r"industry|industrial|prediction|solution|algorithm|quantitative|distinguished (scientist|engineer)|"
    r"fellow, |ibm fellow|google fellow|intel fellow|technical fellow|lead)\b"
)


def classify_title(position: str) -> tuple[str, str, str]:
    """Keyword rules: (stage when employer type unknown, at an academic employer, at a company)."""
    t = position_key(position)
    if not t:
        return "other", "other", "other"
    if _any(r"\b(high school|high schooler|medical student|md student|jd|mba student|law professor)\b", t):
        return ("faculty",) * 3 if "professor" in t else ("other",) * 3
    if _any(r"\b(ph\.? ?d|doctoral|doctorate|graduate student|grad student)\b", t) and not _any(
        r"post ?-?doc|predoc|\bph\.?d\.? in\b", t
    ):
        return ("phd",) * 3
    if _any(r"\bph\.?d\.? in\b", t):
        return ("other",) * 3
    if _any(r"\b(master|ms|msc|m\.s\.|mphil|meng|postmaster)\b", t) and _any(r"student|\bmphil\b|postmaster", t):
        return ("masters",) * 3
    if t in {"mphil"}:
        return ("masters",) * 3
    if _any(r"\b(undergrad|undergraduate|bachelor|b\.?sc|b\.a\.?sc|ba student|bs student)\b", t):
        return ("undergrad",) * 3
    if _any(r"post ?-?doc|postdoctoral|post doctoral", t):
        return ("postdoc",) * 3
    if _any(r"\b(student|visiting student)\b", t):
        return ("other",) * 3
    if _any(r"\bintern(ship)?\b|\(intern\)", t):
        return ("other",) * 3
    if _any(_COMPANY_NAMES, t):
        return ("industry",) * 3
    if _any(_ORG_NAMES, t):
        return ("other",) * 3
    if _any(
        r"\b(professor|prof|lecturer|lectuer|reader|faculty|emeritus|adjunct|instructor|pi|"
        r"principal investigator|chair|tenured researcher|directeur de recherche|director of research cnrs|"
        r"group leader|research group leader|young investigator)\b",
        t,
    ):
        return "faculty", "faculty", "faculty" if _any(r"prof|lect|faculty|emeritus", t) else "industry"
    if _any(r"\b(research fellow|research associate|junior research associate|fellowship)\b", t) and not _any(
        r"\bsenior\b", t
    ):
        return "postdoc", "postdoc", "industry"
    if _any(_CORPORATE_ONLY, t):
        return "industry", "other", "industry"
    return "other", "other", "industry"


def _read_table(path: Path) -> dict[str, tuple[str, str, str]]:
    table: dict[str, tuple[str, str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for record in csv.DictReader(fh):
            stages = (record["stage"], record["stage_academic"], record["stage_company"])
            bad = [s for s in stages if s not in STAGES]
            if bad:
                raise ValueError(f"{path}: position {record['position']!r} has unknown stage(s) {bad}")
            table[position_key(record["position"])] = stages
    return table


@lru_cache(maxsize=1)
def load_table(path: Path = TABLE_PATH) -> dict[str, tuple[str, str, str]]:
    """The reviewed table; with the default path also the dated careers' strings (the NeurIPS rows win)."""
    table = _read_table(path)
    if path == TABLE_PATH and HISTORIES_TABLE_PATH.exists():
        for key, stages in _read_table(HISTORIES_TABLE_PATH).items():
            table.setdefault(key, stages)
    return table


def stage_for(position: str, institution_type: str | None = None) -> str:
    """Stage of a position title; ``institution_type`` is a ROR type ("company", "education", ...)."""
    stages = load_table().get(position_key(position or "")) or classify_title(position or "")
    if institution_type is None:
        return stages[0]
    return stages[2] if institution_type.casefold() in COMPANY_TYPES else stages[1]
