"""Evaluate the resolver against the gold sets (``talent eval affiliations``).

* papercopilot: country exact-set accuracy over covered authors, and coverage (share of authors we
  give any country). The gold folds Hong Kong, Macau and Taiwan into China, so predictions are folded
  the same way here — only here.
* S2AFF and ROR API sets: micro precision/recall of ROR ids, separately for strings whose gold ids
  are all inside our registry (precision is meaningful) and strings with a gold id outside it (that
  measures coverage of the registry, not the resolver). ROR API rows with no gold id count how often
  we name an institution where the annotators found none.

  Two rules make the comparison fair in both directions:

  - an institution of our own (``tt:`` id) named for a string counts as a predicted id, and a wrong
    one: the string has a ROR id and we named something else (a wrong match, or a Hipo/swot entry that
    failed to merge into its ROR record). Leaving it out would hide wrong answers from precision.
  - ids joined by ROR's own succession relations (``successor``/``predecessor``: renames, mergers,
    splits) name the same organisation at different times, so a gold id matches a predicted id when
    one succeeds the other. The gold sets were labelled against older ROR releases ("Université Pierre
    et Marie Curie" is labelled Sorbonne Université in some rows, the inactive UPMC record in others).
    The figures under exact id equality are reported too (``*_exact_ids``).

Every figure is recomputed from the gold files; nothing is tuned on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from etl.affiliations import gold
from etl.affiliations.resolver import AffiliationResolver
from etl.countries import fold_greater_china


@dataclass
class ErrorCase:
    dataset: str
    affiliation: str
    expected: str
    predicted: str
    confidence: float
    method: str


@dataclass
class CountryScore:
    n: int = 0
    covered: int = 0
    correct: int = 0
    errors: list[ErrorCase] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.covered if self.covered else 0.0

    @property
    def coverage(self) -> float:
        return self.covered / self.n if self.n else 0.0


@dataclass
class RorScore:
    n: int = 0
    predicted_correct: int = 0  # predicted ids matching a gold id of their string
    gold_found: int = 0  # gold ids matched by a predicted id of their string
    exact_hits: int = 0  # |predicted ∩ gold|, exact id equality
    predicted: int = 0
    gold: int = 0
    errors: list[ErrorCase] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def precision_exact_ids(self) -> float:
        return self.exact_hits / self.predicted if self.predicted else 0.0

    @property
    def recall_exact_ids(self) -> float:
        return self.exact_hits / self.gold if self.gold else 0.0


def score_countries(resolver: AffiliationResolver, cases: Iterable[gold.CountryCase]) -> CountryScore:
    score = CountryScore()
    for case in cases:
        results = resolver.resolve(case.affiliation, case.email_domain)
        predicted = {fold_greater_china(r.country_code) for r in results if r.country_code}
        score.n += 1
        if not predicted:
            continue
        score.covered += 1
        if predicted == case.countries:
            score.correct += 1
        else:
            conf = min((r.confidence for r in results if r.country_code), default=0.0)
            score.errors.append(ErrorCase(case.dataset, f"{case.affiliation} <{case.email_domain}>",
                                          ";".join(sorted(case.countries)), ";".join(sorted(predicted)),
                                          conf, ";".join(r.method for r in results)))
    return score


def predicted_ids(resolver: AffiliationResolver, affiliation: str) -> tuple[set[str], float, str]:
    """Institution ids named by an affiliation: each affiliation's institution plus related ones it
    names (an institute and its parent organisation). Our own ``tt:`` ids are included: against a
    ROR-labelled string they are wrong answers."""
    results = resolver.resolve(affiliation)
    ids: set[str] = set()
    for r in results:
        if r.institution_id:
            ids.update((r.institution_id, *r.also_ids))
    conf = max((r.confidence for r in results), default=0.0)
    return ids, conf, ";".join(r.method for r in results)


def succession(successors: dict[str, tuple[str, ...]], institution_id: str) -> set[str]:
    """The id and every id that continues it through ROR successor links (transitively)."""
    seen = {institution_id}
    stack = [institution_id]
    while stack:
        for nxt in successors.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def same_organisation(successors: dict[str, tuple[str, ...]], a: str, b: str) -> bool:
    """Equal ids, or one succeeds the other in ROR (UPMC → Sorbonne Université)."""
    return a == b or b in succession(successors, a) or a in succession(successors, b)


def score_ror(resolver: AffiliationResolver, cases: Iterable[gold.RorCase], registry_ids: set[str]
              ) -> dict[str, RorScore]:
    """Scores keyed 'inside' (all gold ids in the registry), 'outside', and 'no_gold'."""
    scores = {"inside": RorScore(), "outside": RorScore(), "no_gold": RorScore()}
    successors = resolver.index.successors
    for case in cases:
        bucket = ("no_gold" if not case.ror_ids else
                  "inside" if case.ror_ids <= registry_ids else "outside")
        score = scores[bucket]
        ids, conf, method = predicted_ids(resolver, case.affiliation)
        score.n += 1
        score.predicted += len(ids)
        score.gold += len(case.ror_ids)
        score.exact_hits += len(ids & case.ror_ids)
        wrong = {p for p in ids if not any(same_organisation(successors, p, g) for g in case.ror_ids)}
        score.predicted_correct += len(ids) - len(wrong)
        score.gold_found += sum(any(same_organisation(successors, p, g) for p in ids) for g in case.ror_ids)
        if wrong:
            names = lambda xs: ";".join(f"{x} {resolver.index.info.get(x, ('?',))[0]}" for x in sorted(xs))  # noqa: E731
            score.errors.append(ErrorCase(case.dataset, case.affiliation, names(case.ror_ids), names(ids),
                                          conf, method))
    return scores


def evaluate(resolver: AffiliationResolver, gold_dir: Path) -> dict:
    """All figures as one dict (also the JSON line the CLI prints)."""
    registry_ids = set(resolver.index.info)
    report: dict = {"gold_dir": str(gold_dir)}
    errors: list[ErrorCase] = []
    countries = score_countries(resolver, gold.load_papercopilot(gold_dir))
    report["papercopilot"] = {"authors": countries.n, "coverage": round(countries.coverage, 4),
                              "accuracy": round(countries.accuracy, 4)}
    errors += countries.errors
    for dataset, cases in (("s2aff", gold.load_s2aff(gold_dir)), ("ror_api", gold.load_ror_api(gold_dir))):
        scores = score_ror(resolver, cases, registry_ids)
        report[dataset] = {bucket: {"strings": s.n, "precision": round(s.precision, 4),
                                    "recall": round(s.recall, 4), "predicted_ids": s.predicted,
                                    "gold_ids": s.gold, "precision_exact_ids": round(s.precision_exact_ids, 4),
                                    "recall_exact_ids": round(s.recall_exact_ids, 4)}
                             for bucket, s in scores.items() if s.n}
        for s in scores.values():
            errors += s.errors
    errors.sort(key=lambda e: -e.confidence)
    report["worst_errors"] = [e.__dict__ for e in errors[:50]]
    return report


def render(report: dict) -> str:
    """A plain-text table of the headline figures."""
    lines = [f"{'set':<28}{'strings':>9}{'coverage/recall':>17}{'accuracy/precision':>20}"
             f"{'recall/precision, exact ids':>30}"]
    pc = report["papercopilot"]
    lines.append(f"{'papercopilot countries':<28}{pc['authors']:>9}{pc['coverage']:>17.4f}{pc['accuracy']:>20.4f}")
    for dataset in ("s2aff", "ror_api"):
        for bucket, s in report[dataset].items():
            lines.append(f"{dataset + ' ' + bucket:<28}{s['strings']:>9}{s['recall']:>17.4f}{s['precision']:>20.4f}"
                         f"{s['recall_exact_ids']:>21.4f} {s['precision_exact_ids']:>8.4f}")
    lines.append("")
    lines.append("50 worst errors (highest confidence first):")
    for e in report["worst_errors"]:
        lines.append(f"  [{e['dataset']}] {e['affiliation'][:90]!r}")
        lines.append(f"      expected {e['expected'][:80]} | got {e['predicted'][:80]}"
                     f" ({e['method']}, {e['confidence']})")
    return "\n".join(lines)


def to_json_line(report: dict) -> str:
    slim = {k: v for k, v in report.items() if k != "worst_errors"}
    return json.dumps(slim, sort_keys=True)
