"""Interval estimates for the study's shares: pure statistics, no warehouse access.

Why this module exists: a share drawn from 3 persons and one drawn from 3,000 look the same on a chart unless
each carries its uncertainty. Three kinds of share occur in the study, and each needs its own interval:

* a **proportion of persons** (whole counting: each person has one value or none) — the Wilson score interval,
  which stays inside [0, 1] and behaves at 0/n and n/n where the textbook normal interval collapses;
* a **fractionally counted share** (a person split 0.5 US + 0.5 GB) — the persons are the sampling units, so
  the interval comes from a **person-level bootstrap**: resample persons with replacement, recompute the share;
* a share estimated from a **stratified random sample** reviewed by hand (strata = tier x track) — the
  design-weighted (Horvitz-Thompson style, weights N_h / n_h) ratio estimator with its linearised standard
  error and a normal 95% interval, which is how a reviewed sample generalises to the whole conference-year.

A figure from fewer than ``min_n()`` persons (default 30; setting ``TALENT_MIN_N``) is flagged, never drawn
as if solid. The same Wilson formula is installed as SQL macros (``warehouse/models/marts/estimate_macros.sql``) so
views and Python agree; ``tests/test_estimates.py`` checks both against published values.
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

CONFIDENCE = 0.95
MIN_N_DEFAULT = 30
MIN_N_ENV = "TALENT_MIN_N"
BOOTSTRAP_REPLICATES = 1000
BOOTSTRAP_SEED = 20190610  # fixed so a rebuild reproduces every bootstrap interval exactly


def z_value(confidence: float = CONFIDENCE) -> float:
    """Two-sided standard-normal quantile: 1.959964 for 95%."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def min_n() -> int:
    """The minimum number of persons behind a figure before it is shown as solid (setting ``TALENT_MIN_N``)."""
    raw = os.environ.get(MIN_N_ENV, "").strip()
    if not raw:
        return MIN_N_DEFAULT
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{MIN_N_ENV} must be a whole number of persons, got {raw!r}") from exc
    if value < 1:
        raise ValueError(f"{MIN_N_ENV} must be at least 1, got {value}")
    return value


def below_min_n(n: int | float | None, minimum: int | None = None) -> bool:
    """True when a figure rests on fewer persons than the minimum (None or 0 persons is always below)."""
    threshold = min_n() if minimum is None else minimum
    return n is None or n < threshold


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with its confidence interval; ``n`` is the number of persons (or sampled persons)."""

    estimate: float | None
    low: float | None
    high: float | None
    n: int
    method: str

    @property
    def width(self) -> float | None:
        return None if self.low is None or self.high is None else self.high - self.low


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> Interval:
    """Wilson score interval for ``successes`` of ``n`` persons (Wilson 1927; Newcombe 1998, method 3).

    With no persons there is no estimate: every field is None rather than a made-up 0.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return Interval(None, None, None, 0, "wilson")
    z = z_value(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Exact bounds at the edges (the formula gives them up to rounding).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(p, low, high, n, "wilson")


def bootstrap_share_intervals(
    shares: np.ndarray,
    confidence: float = CONFIDENCE,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
) -> list[Interval]:
    """Person-level percentile bootstrap for fractionally counted shares.

    ``shares`` is a persons x values matrix: row i holds person i's fractional shares of each value (summing to
    1 over a person's known values; only persons with a known value belong here). The share of value j is the
    column mean. Persons are resampled with replacement; since persons with identical rows are exchangeable,
    resampling n persons is drawing multinomial counts over the distinct rows — exact, and fast for 10,000
    persons because a country dimension has only a few hundred distinct rows.
    """
    matrix = np.asarray(shares, dtype=float)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2:
        raise ValueError(f"shares must be a persons x values matrix, got shape {matrix.shape}")
    n, k = matrix.shape
    if n == 0:
        return [Interval(None, None, None, 0, "bootstrap") for _ in range(k)]
    if replicates < 10:
        raise ValueError(f"need at least 10 bootstrap replicates, got {replicates}")
    if np.any(matrix < 0) or np.any(matrix > 1 + 1e-9):
        raise ValueError("fractional shares must lie in [0, 1]")
    patterns, counts = np.unique(matrix, axis=0, return_counts=True)
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(n, counts / n, size=replicates)  # replicates x distinct rows
    replicate_shares = drawn @ patterns / n  # replicates x values
    alpha = (1 - confidence) / 2
    lows, highs = np.quantile(replicate_shares, [alpha, 1 - alpha], axis=0)
    estimates = matrix.mean(axis=0)
    return [
        Interval(float(estimates[j]), float(lows[j]), float(highs[j]), n, "bootstrap")
        for j in range(k)
    ]


@dataclass(frozen=True, slots=True)
class StratifiedEstimate:
    """A design-weighted share from a stratified sample, with what an analyst needs to judge it."""

    estimate: float | None
    standard_error: float | None
    low: float | None
    high: float | None
    n_sampled: int  # persons reviewed in the sample
    n_known: int  # of them, persons whose value the reviewer found
    population: int  # persons in the sampled strata (sum of N_h)
    strata: int

    def as_interval(self) -> Interval:
        return Interval(self.estimate, self.low, self.high, self.n_known, "stratified")


def stratified_share(
    strata: Sequence[Hashable],
    values: Sequence[float],
    known: Sequence[bool] | None,
    population_sizes: Mapping[Hashable, int],
    confidence: float = CONFIDENCE,
) -> StratifiedEstimate:
    """Design-weighted share of a value among persons whose value is known, from a stratified random sample.

    Each sampled person i in stratum h has weight w_h = N_h / n_h; ``values[i]`` is 1 when the person has the
    value (or their fractional share of it), ``known[i]`` whether the reviewer found the field at all. The
    estimate is the ratio R = sum w y / sum w k (equal to the stratified mean sum (N_h/N) ybar_h when everyone
    is known). Its variance is the linearised (Taylor) variance of a ratio under stratified sampling without
    replacement: with residuals e = y - R k, V(R) = sum_h N_h^2 (1 - n_h/N_h) s2_eh / n_h / K^2, where s2_eh is
    the within-stratum sample variance of e and K = sum w k. A stratum with one sampled person contributes no
    variance estimate (s2 undefined): it is counted as 0 and the caller should sample at least 2 per stratum.
    """
    labels = list(strata)
    y = np.asarray(values, dtype=float)
    k = np.ones_like(y) if known is None else np.asarray(known, dtype=float)
    if not (len(labels) == len(y) == len(k)):
        raise ValueError("strata, values and known must have one entry per sampled person")
    if np.any(y > k + 1e-9):
        raise ValueError("a person with an unknown value cannot hold a share of it")
    present = sorted(set(labels), key=str)
    missing = [h for h in present if h not in population_sizes]
    if missing:
        raise ValueError(f"no population size for strata {missing}")
    total_population = sum(int(population_sizes[h]) for h in present)
    n_known = int(k.sum())
    empty = StratifiedEstimate(None, None, None, None, len(y), n_known, total_population, len(present))
    if len(y) == 0 or n_known == 0:
        return empty
    index = {h: i for i, h in enumerate(present)}
    codes = np.array([index[h] for h in labels])
    sizes_sampled = np.bincount(codes, minlength=len(present)).astype(float)
    sizes_population = np.array([population_sizes[h] for h in present], dtype=float)
    if np.any(sizes_sampled > sizes_population):
        raise ValueError("a stratum has more sampled persons than its population size")
    weights = (sizes_population / sizes_sampled)[codes]
    known_total = float(np.sum(weights * k))
    ratio = float(np.sum(weights * y)) / known_total
    residual = y - ratio * k
    stratum_sum = np.bincount(codes, weights=residual, minlength=len(present))
    stratum_sq = np.bincount(codes, weights=residual * residual, minlength=len(present))
    with np.errstate(invalid="ignore", divide="ignore"):
        within = (stratum_sq - stratum_sum**2 / sizes_sampled) / (sizes_sampled - 1)
    within = np.where(sizes_sampled > 1, np.maximum(within, 0.0), 0.0)
    finite = 1 - sizes_sampled / sizes_population
    variance = float(np.sum(sizes_population**2 * finite * within / sizes_sampled)) / known_total**2
    se = math.sqrt(variance)
    z = z_value(confidence)
    return StratifiedEstimate(
        ratio, se, max(0.0, ratio - z * se), min(1.0, ratio + z * se), len(y), n_known, total_population,
        len(present),
    )
