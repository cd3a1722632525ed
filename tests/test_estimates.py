"""Interval maths against published values, the small-n flag, the person bootstrap, and a simulation showing the
stratified (design-weighted) estimator is unbiased and its 95% intervals cover the truth about 95% of the time.

Published values: Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
methods", Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score, no continuity correction): 81/263 →
0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718. 0/10 → 0–0.2775 and 5/10 →
0.2366–0.7634 are the standard textbook cases. Each is also recomputed by hand below from the closed form, without
calling the module under test.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest

from warehouse import estimates
from warehouse.build import BuildReport
from warehouse.estimates import (
    below_min_n,
    bootstrap_share_intervals,
    min_n,
    stratified_share,
    wilson_interval,
)

from .marts_models import run_marts

Z95 = 1.959963984540054  # standard-normal 97.5% quantile

PUBLISHED_WILSON = [  # successes, n, low, high (4 decimals, as printed)
    (0, 10, 0.0, 0.2775),
    (5, 10, 0.2366, 0.7634),
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


def wilson_by_hand(successes: int, n: int) -> tuple[float, float]:
    """(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), written out independently."""
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


@pytest.mark.parametrize(("successes", "n", "low", "high"), PUBLISHED_WILSON)
def test_wilson_matches_published_values(successes, n, low, high):
    interval = wilson_interval(successes, n)
    assert interval.estimate == pytest.approx(successes / n)
    assert round(interval.low, 4) == pytest.approx(low, abs=1e-9)
    assert round(interval.high, 4) == pytest.approx(high, abs=1e-9)
    hand_low, hand_high = wilson_by_hand(successes, n)
    assert interval.low == pytest.approx(max(hand_low, 0.0), abs=1e-12)
    assert interval.high == pytest.approx(hand_high, abs=1e-12)


def test_wilson_edges_and_bad_input():
    assert wilson_interval(10, 10).high == 1.0
    assert wilson_interval(10, 10).low == pytest.approx(1 - 0.2775, abs=5e-5)
    empty = wilson_interval(0, 0)
    assert (empty.estimate, empty.low, empty.high) == (None, None, None)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)


def test_wilson_sql_macros_agree_with_python(tmp_path):
    """The SQL macros the study views call give the same bounds as the Python function."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    run_marts(con, "estimate_macros")
    # the macros' constants are Python's z and z² to the last bit (estimate_macros.sql writes them out)
    z, z2 = con.execute("SELECT interval_z(), interval_z_squared()").fetchone()
    assert (float(z), float(z2)) == (estimates.z_value(), estimates.z_value() ** 2)
    for successes, n, low, high in PUBLISHED_WILSON:
        sql_low, sql_high, small = con.execute(
            "SELECT wilson_low(?, ?), wilson_high(?, ?), below_min_n(?)", [successes, n, successes, n, n]
        ).fetchone()
        assert round(sql_low, 4) == pytest.approx(low, abs=1e-9)
        assert round(sql_high, 4) == pytest.approx(high, abs=1e-9)
        assert small == (n < 30)
    assert con.execute("SELECT wilson_low(0, 0), wilson_high(0, 0), below_min_n(NULL)").fetchone() == (
        None, None, True)
    assert con.execute("SELECT value FROM study_settings WHERE name = 'min_n'").fetchone() == ("30",)


def test_min_n_setting(monkeypatch):
    monkeypatch.delenv(estimates.MIN_N_ENV, raising=False)
    assert min_n() == 30
    assert below_min_n(29) and not below_min_n(30) and below_min_n(None) and below_min_n(0)
    monkeypatch.setenv(estimates.MIN_N_ENV, "50")
    assert min_n() == 50 and below_min_n(49) and not below_min_n(50)
    assert not below_min_n(10, minimum=5)
    monkeypatch.setenv(estimates.MIN_N_ENV, "zero")
    with pytest.raises(ValueError, match="TALENT_MIN_N"):
        min_n()
    monkeypatch.setenv(estimates.MIN_N_ENV, "0")
    with pytest.raises(ValueError):
        min_n()


def test_min_n_setting_reaches_the_sql_flag(tmp_path, monkeypatch):
    monkeypatch.setenv(estimates.MIN_N_ENV, "5")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    run_marts(con, "estimate_macros")
    assert con.execute("SELECT below_min_n(4), below_min_n(5), study_min_n()").fetchone() == (True, False, 5)


def test_bootstrap_is_seeded_and_matches_the_analytic_width():
    """For whole counting (one-hot rows) the bootstrap interval of a proportion is close to the normal one."""
    rng = np.random.default_rng(1)
    values = (rng.random(2000) < 0.3).astype(float)
    matrix = np.column_stack([values, 1 - values])
    first = bootstrap_share_intervals(matrix, seed=7)
    again = bootstrap_share_intervals(matrix, seed=7)
    other = bootstrap_share_intervals(matrix, seed=8)
    assert first == again
    assert first != other
    p = values.mean()
    analytic_half = Z95 * math.sqrt(p * (1 - p) / len(values))
    assert first[0].estimate == pytest.approx(p)
    assert first[0].low < p < first[0].high
    assert (first[0].high - first[0].low) / 2 == pytest.approx(analytic_half, rel=0.15)
    # the two columns are complements: their intervals mirror each other
    assert first[1].low == pytest.approx(1 - first[0].high, abs=1e-12)


def test_bootstrap_fractional_persons_widen_nothing_they_should_not():
    """Everyone split 0.5/0.5 identically: no person-to-person variation, so the interval is a point."""
    matrix = np.full((100, 2), 0.5)
    (a, b) = bootstrap_share_intervals(matrix, replicates=200)
    assert (a.estimate, a.low, a.high) == pytest.approx((0.5, 0.5, 0.5))
    assert b.n == 100
    assert bootstrap_share_intervals(np.zeros((0, 3)))[0].estimate is None
    with pytest.raises(ValueError):
        bootstrap_share_intervals(np.array([[1.5]]))


def test_bootstrap_covers_a_fractional_truth():
    """Persons drawn from a population with a known expected fractional share: the interval covers it in
    roughly 95% of 200 samples (a loose band: 200 replications have a Monte-Carlo error of about 1.5 points)."""
    rng = np.random.default_rng(11)
    kinds = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.25, 0.75]])
    probabilities = np.array([0.3, 0.4, 0.2, 0.1])
    truth = probabilities @ kinds[:, 0]
    covered = 0
    for replication in range(200):
        sample = kinds[rng.choice(4, size=300, p=probabilities)]
        (share, _other) = bootstrap_share_intervals(sample, replicates=400, seed=replication)
        covered += share.low <= truth <= share.high
    assert 0.89 <= covered / 200 <= 0.99


def test_stratified_equals_the_textbook_estimator_when_all_known():
    """Everyone known: R = sum (N_h/N) p_h and V = sum (N_h/N)^2 (1 - f_h) s_h^2 / n_h, computed by hand."""
    strata = ["a"] * 4 + ["b"] * 5
    values = [1, 1, 0, 0, 1, 0, 0, 0, 0]
    sizes = {"a": 40, "b": 200}
    result = stratified_share(strata, values, None, sizes)
    p_a, p_b = 2 / 4, 1 / 5
    s2_a, s2_b = 4 / 3 * p_a * (1 - p_a), 5 / 4 * p_b * (1 - p_b)
    expected = (40 * p_a + 200 * p_b) / 240
    variance = (40 / 240) ** 2 * (1 - 4 / 40) * s2_a / 4 + (200 / 240) ** 2 * (1 - 5 / 200) * s2_b / 5
    assert result.estimate == pytest.approx(expected)
    assert result.standard_error == pytest.approx(math.sqrt(variance))
    assert result.low == pytest.approx(max(0.0, expected - Z95 * math.sqrt(variance)))
    assert (result.n_sampled, result.n_known, result.population, result.strata) == (9, 9, 240, 2)


def test_stratified_census_has_no_sampling_error():
    result = stratified_share(["a", "a", "b"], [1, 0, 1], [True, True, True], {"a": 2, "b": 1})
    assert result.estimate == pytest.approx(2 / 3)
    assert result.standard_error == 0.0


def test_stratified_input_errors():
    with pytest.raises(ValueError, match="population size"):
        stratified_share(["a", "c"], [1, 0], None, {"a": 10})
    with pytest.raises(ValueError, match="unknown value"):
        stratified_share(["a"], [1], [False], {"a": 10})
    with pytest.raises(ValueError, match="more sampled"):
        stratified_share(["a", "a"], [1, 0], None, {"a": 1})
    nothing = stratified_share(["a"], [0], [False], {"a": 10})
    assert nothing.estimate is None and nothing.n_sampled == 1 and nothing.n_known == 0


# A synthetic conference-year: strata tier x track with unequal sizes, shares and known-rates.
SIM_STRATA = {  # stratum: (N_h, true share of the value among known, probability the value is known)
    ("oral", "main"): (150, 0.55, 0.95),
    ("spotlight", "main"): (600, 0.40, 0.90),
    ("poster", "main"): (4000, 0.25, 0.80),
    ("oral", "datasets_and_benchmarks"): (25, 0.60, 0.90),
    ("poster", "datasets_and_benchmarks"): (500, 0.15, 0.70),
}
SIM_PER_STRATUM = 60
SIM_REPLICATIONS = 1000


def synthetic_population(rng: np.random.Generator) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    population = {}
    for stratum, (size, share, known_rate) in SIM_STRATA.items():
        known = rng.random(size) < known_rate
        value = known & (rng.random(size) < share)
        population[stratum] = (value.astype(float), known.astype(float))
    return population


def test_stratified_estimator_is_unbiased_and_covers_95_percent():
    rng = np.random.default_rng(20260101)
    population = synthetic_population(rng)
    truth = sum(v.sum() for v, _ in population.values()) / sum(k.sum() for _, k in population.values())
    sizes = {stratum: len(v) for stratum, (v, _) in population.items()}
    # Draw every replication's sample at once: a random permutation per stratum and replication, first n_h kept.
    draws = {}
    for stratum, (value, known) in population.items():
        n_h = min(SIM_PER_STRATUM, len(value))
        picks = np.argsort(rng.random((SIM_REPLICATIONS, len(value))), axis=1)[:, :n_h]
        draws[stratum] = (value[picks], known[picks])
    labels = [stratum for stratum in population for _ in range(min(SIM_PER_STRATUM, sizes[stratum]))]
    estimates_, errors, covered = [], [], 0
    for r in range(SIM_REPLICATIONS):
        values = np.concatenate([draws[s][0][r] for s in population])
        known = np.concatenate([draws[s][1][r] for s in population])
        result = stratified_share(labels, values, known.astype(bool), sizes)
        estimates_.append(result.estimate)
        errors.append(result.standard_error)
        covered += result.low <= truth <= result.high
    estimates_ = np.array(estimates_)
    monte_carlo_error = estimates_.std(ddof=1) / math.sqrt(SIM_REPLICATIONS)
    # unbiased: the mean estimate is within 3 Monte-Carlo standard errors of the truth
    assert abs(estimates_.mean() - truth) < 3 * monte_carlo_error
    # the standard error is honest: on average it matches the spread of the estimates (within 10%)
    assert np.mean(errors) == pytest.approx(estimates_.std(ddof=1), rel=0.10)
    assert 0.93 <= covered / SIM_REPLICATIONS <= 0.97
    # and an unweighted mean of the sample would be biased here (strata are over-/under-sampled on purpose)
    unweighted = np.mean([
        np.concatenate([draws[s][0][r] for s in population]).sum()
        / np.concatenate([draws[s][1][r] for s in population]).sum()
        for r in range(SIM_REPLICATIONS)
    ])
    assert abs(unweighted - truth) > 10 * monte_carlo_error


def test_fractional_share_intervals_table(tmp_path):
    """The build's bootstrap table: one row per group and value, share = the mean of persons' shares, seeded."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE pop (conference VARCHAR, year INTEGER, track VARCHAR, tier VARCHAR, person_id VARCHAR)")
    con.execute("CREATE TABLE shares (conference VARCHAR, year INTEGER, person_id VARCHAR, dimension VARCHAR, "
                "value VARCHAR, share DOUBLE)")
    for i in range(60):  # fictional persons: 30 US, 20 split US/GB, 10 GB
        person = f"F{i:02d}"
        con.execute("INSERT INTO pop VALUES ('neurips', 2031, 'all', 'all', ?)", [person])
        split = [("US", 1.0)] if i < 30 else [("US", 0.5), ("GB", 0.5)] if i < 50 else [("GB", 1.0)]
        for value, share in split:
            con.execute("INSERT INTO shares VALUES ('neurips', 2031, ?, 'work_country', ?, ?)", [person, value, share])
    con.execute("CREATE VIEW study_population AS SELECT * FROM pop")
    con.execute("CREATE VIEW study_person_shares AS SELECT * FROM shares")
    report = BuildReport()
    run_marts(con, "fractional_share_intervals", report=report)
    query = ("SELECT value, n_known_fractional, share_fractional, share_fractional_low, share_fractional_high, "
             "small_n FROM fractional_share_intervals ORDER BY value")
    rows = con.execute(query).fetchall()
    assert [row[0] for row in rows] == ["GB", "US"] and report.notes["fractional_share_intervals"] == {"rows": 2}
    gb, us = rows
    assert us[1] == 60 and us[2] == pytest.approx((30 + 10) / 60) and gb[2] == pytest.approx((10 + 10) / 60)
    assert us[3] < us[2] < us[4] and gb[3] < gb[2] < gb[4]
    assert us[3] == pytest.approx(1 - gb[4]) and us[5] is False
    run_marts(con, "fractional_share_intervals")
    assert con.execute(query).fetchall() == rows  # seeded: a rebuild gives the same bounds
