"""OpenReview authorships with each author's profile id held back as the truth to score resolution against.

In the NeurIPS 2021/2022 OpenReview author files each authorship carries the author's profile id
(``~First_Last1``). Loading them is shared by the evaluation (``talent eval authors``), the name prior
(counts over the same names) and the benchmarks; it sits apart from :mod:`etl.people.evaluation` so the
name prior, which the resolver reads, does not depend on the evaluation that runs the resolver.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.papercopilot_authors import pair_author_slots
from etl.paths import REPO_ROOT, SHARED_DATA_DIR
from etl.people.records import AuthorRow

DATA_DIR_CANDIDATES = (SHARED_DATA_DIR / "neurips", REPO_ROOT / "mirror" / "data")
YEARS = (2021, 2022)
AUTHORS_FILE = "openreview_authors.jsonl.gz"


@dataclass(frozen=True, slots=True)
class LabelledRow:
    row: AuthorRow
    truth: str | None  # OpenReview profile id, None when the author id is an email


def default_data_dir() -> Path:
    for candidate in DATA_DIR_CANDIDATES:
        if all((candidate / str(y) / AUTHORS_FILE).exists() for y in YEARS):
            return candidate
    raise FileNotFoundError(
        "no NeurIPS 2021/2022 openreview_authors.jsonl.gz under " + " or ".join(map(str, DATA_DIR_CANDIDATES))
    )


def load_openreview_authorships(data_dir: Path, years: Iterable[int] = YEARS) -> list[LabelledRow]:
    """One row per author position of each forum, ids withheld into ``truth``.

    Affiliation and domain are the author's own: the profile columns follow ``or_profile`` order, so they
    are paired by id (:mod:`etl.papercopilot_authors`), never by index; an unpaired author has neither.
    """
    out: list[LabelledRow] = []
    for year in years:
        with gzip.open(data_dir / str(year) / AUTHORS_FILE, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                slots, _unpaired = pair_author_slots(record)
                for pos, slot in enumerate(slots):
                    if not slot.name.strip():
                        continue
                    row = AuthorRow(
                        id=f"{year}/{record['id']}/{pos + 1}",
                        paper_id=f"{year}/{record['id']}",
                        author_position=pos + 1,
                        name=slot.name,
                        affiliation=slot.get("aff") or None,
                        email_domain=slot.get("aff_domain") or None,
                        year=year,
                    )
                    truth = slot.authorid if slot.authorid.startswith("~") else None
                    out.append(LabelledRow(row, truth))
    return out
