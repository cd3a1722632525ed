"""Evaluation pieces: B³ arithmetic, deterministic perturbation, a small golden end-to-end run."""

from __future__ import annotations

from pathlib import Path

from etl.people.evaluation import b_cubed, evaluate, perturbed
from etl.people.labelled_authorships import load_openreview_authorships
from etl.people.perturb import KINDS, perturb_name, variant
from etl.people.records import load_model

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "people" / "openreview_sample"


def test_b_cubed_known_values() -> None:
    truth = {"1": "A", "2": "A", "3": "B"}
    assert b_cubed({"1": "x", "2": "x", "3": "y"}, truth) == (1.0, 1.0, 1.0)
    p, r, _ = b_cubed({"1": "x", "2": "x", "3": "x"}, truth)
    assert round(p, 4) == round((2 / 3 * 2 + 1 / 3) / 3, 4)
    assert r == 1.0


def test_perturbations() -> None:
    assert variant("Laura Leal-Taixé", "fold_accents") == "Laura Leal-Taixe"
    assert variant("Mihaela van der Schaar", "last_first") == "van der Schaar, Mihaela"
    assert variant("Xiu-Shen Wei", "initials") == "X.-S. Wei"
    assert variant("Daniel M. Roy", "drop_middle") == "Daniel Roy"
    assert len(KINDS) == 5
    assert perturb_name("Daniel M. Roy", "k1") == perturb_name("Daniel M. Roy", "k1")


def test_golden_sample_beats_baseline() -> None:
    rows = load_openreview_authorships(SAMPLE)
    model = load_model()
    clean, _, model_hash = evaluate(rows, "clean", model)
    varied, _, _ = evaluate(perturbed(rows), "perturbed", model)
    assert len(model_hash) == 16
    resolver, baseline = varied
    assert resolver.f1 >= 0.95
    assert resolver.f1 > baseline.f1
    assert clean[0].precision > clean[1].precision  # homonyms: names alone merge them
