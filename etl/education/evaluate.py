"""Precision and recall of the homepage extractor per stage, on labelled pages.

The unit is what the study uses: (page, stage, country). A predicted country is right when the page states
that stage in that country; a page's stated stage is recalled when any predicted row of that stage carries
its country. Rows without a country are not predictions of a country (they cost neither precision nor
recall), which is how the held-out evaluation reads an empty ``country_code``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.education.homepage_extract import STAGES, Statement
from etl.paths import REPO_ROOT

DEFAULT_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "homepages" / "test-data"


@dataclass(frozen=True, slots=True)
class LabelledPage:
    case: str
    url: str
    html: str
    expected: tuple[dict, ...]


@dataclass(frozen=True, slots=True)
class StageScore:
    stage: str
    true_positives: int
    predicted: int
    stated: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.stated if self.stated else 1.0


def load_pages(folder: Path = DEFAULT_FIXTURES) -> list[LabelledPage]:
    """Every ``<case>/page.html`` + ``expected.json`` under ``folder``."""
    pages = []
    for case in sorted(p for p in folder.iterdir() if (p / "page.html").is_file()):
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        pages.append(LabelledPage(case.name, expected["url"], (case / "page.html").read_text(encoding="utf-8"),
                                  tuple(expected["statements"])))
    return pages


def score(results: Iterable[tuple[LabelledPage, list[Statement]]]) -> dict[str, StageScore]:
    counts = {stage: [0, 0, 0] for stage in STAGES}
    for page, statements in results:
        for stage in STAGES:
            stated = {s["country_code"] for s in page.expected if s["stage"] == stage and s["country_code"]}
            predicted = {s.country_code for s in statements if s.stage == stage and s.country_code}
            counts[stage][0] += len(predicted & stated)
            counts[stage][1] += len(predicted)
            counts[stage][2] += len(stated)
    return {stage: StageScore(stage, *values) for stage, values in counts.items()}
