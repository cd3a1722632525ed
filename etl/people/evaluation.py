"""Measure person resolution against OpenReview profile ids (``talent eval authors``).

Ground truth: in the NeurIPS 2021/2022 OpenReview author files each authorship carries the author's
profile id (``~First_Last1``). The resolver never sees it (nor DBLP/ORCID, which come from the same
profile); it sees name, affiliation, affiliation domain, year and paper (hence coauthors). Rows whose
author id is an email have no truth: they are still resolved (they can attract or block merges) but are
EXCLUDED from scoring.

Caveats worth stating beside any figure:
* the affiliation values were copied from profiles crawled later, so one profile mostly shows one
  institution in both years — institution evidence is more consistent here than in real sources
  (though ~1,200 profiles do show several domains);
* some people hold two profiles (``~Dawn_Song1`` and ``~Dawn_Song2``); the truth splits them, so a correct
  merge counts against precision.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from etl.people.labelled_authorships import LabelledRow
from etl.people.normalise import fold
from etl.people.perturb import perturb_name
from etl.people.records import AuthorRow, Model
from etl.people.resolve import resolve_with_report


def perturbed(rows: Sequence[LabelledRow], rate: float = 0.3, seed: str = "talent") -> list[LabelledRow]:
    out = []
    for lr in rows:
        name, _kind = perturb_name(lr.row.name, lr.row.id, rate, seed)
        out.append(LabelledRow(replace(lr.row, name=name), lr.truth))
    return out


def b_cubed(predicted: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float, float]:
    """B³ precision, recall, F1 over the rows that have truth (both clusterings restricted to them)."""
    cells: Counter[tuple[str, str]] = Counter()
    for row_id, t in truth.items():
        cells[(predicted[row_id], t)] += 1
    pred_size: Counter[str] = Counter()
    true_size: Counter[str] = Counter()
    for (p, t), n in cells.items():
        pred_size[p] += n
        true_size[t] += n
    total = sum(cells.values())
    precision = sum(n * n / pred_size[p] for (p, _), n in cells.items()) / total
    recall = sum(n * n / true_size[t] for (_, t), n in cells.items()) / total
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def baseline_key(name: str) -> str:
    """Names-only baseline: exact match on the folded, lower-cased, punctuation-free full name."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(name)))


def baseline_resolve(rows: Iterable[AuthorRow]) -> dict[str, str]:
    return {r.id: baseline_key(r.name) for r in rows}


@dataclass(slots=True)
class EvalResult:
    dataset: str
    method: str
    precision: float
    recall: float
    f1: float
    persons: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "method": self.method,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "persons": self.persons,
            "seconds": round(self.seconds, 2),
        }


def evaluate(
    labelled: Sequence[LabelledRow], dataset: str, model: Model
) -> tuple[list[EvalResult], dict[str, str], str]:
    truth = {lr.row.id: lr.truth for lr in labelled if lr.truth}
    rows = [lr.row for lr in labelled]
    started = time.perf_counter()
    predicted, report = resolve_with_report(rows, model)
    resolver_seconds = time.perf_counter() - started
    started = time.perf_counter()
    base = baseline_resolve(rows)
    base_seconds = time.perf_counter() - started
    results = [
        EvalResult(dataset, "resolver", *b_cubed(predicted, truth), len(set(predicted.values())), resolver_seconds),
        EvalResult(dataset, "names-only baseline", *b_cubed(base, truth), len(set(base.values())), base_seconds),
    ]
    return results, predicted, report.model_hash
