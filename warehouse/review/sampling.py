"""Drawing a review sample: strata (tier x track), a seeded draw, and the design stored for the estimates.

Strata are tier x track (the person's highest tier that year; ``main`` when they have a main-track paper, else
``other``); ``per_stratum`` persons per stratum, drawn with a seeded generator from the persons sorted by id, so
the same warehouse, year, size and seed always draw the same persons. The design (N_h, n_h, seed) is stored in
``review_samples`` / ``review_sample_strata`` / ``review_sample_persons`` (migration 032) and in a JSON sidecar
beside the worksheet (``warehouse.review.worksheet``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from warehouse.transaction import transaction

TIERS = ("oral", "spotlight", "poster")
NO_TIER = "none"
MAIN_TRACK = "main"
OTHER_TRACK = "other"


class ReviewError(ValueError):
    """A sample or an import that cannot go ahead; ``problems`` lists every reason (line numbers first)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  {problem}" for problem in self.problems)
        super().__init__(message + detail)


@dataclass(slots=True)
class Sample:
    sample_id: str
    conference: str
    year: int
    per_stratum: int
    seed: int
    strata: dict[tuple[str, str], tuple[int, int]]  # (tier, track) -> (N_h, n_h)
    persons: list[tuple[str, str, str]] = field(default_factory=list)  # (person_id, tier, track) in draw order

    @property
    def population(self) -> int:
        return sum(size for size, _ in self.strata.values())

    def design(self) -> dict[str, object]:
        """The sidecar: everything needed to reproduce the draw and weight the answers."""
        return {
            "sample_id": self.sample_id, "conference": self.conference, "year": self.year,
            "per_stratum": self.per_stratum, "seed": self.seed, "population": self.population,
            "sampled": len(self.persons),
            "strata": [
                {"tier": tier, "track": track, "population_size": size, "sample_size": drawn,
                 "design_weight": size / drawn if drawn else None}
                for (tier, track), (size, drawn) in sorted(self.strata.items())
            ],
            "method": "stratified simple random sample without replacement (numpy default_rng(seed), persons "
                      "sorted by person_id within each stratum, strata in sorted order)",
        }


STRATA_SQL = f"""
WITH pop AS (
    SELECT * FROM study_population WHERE conference = $conference AND year = $year
),
everyone AS (SELECT DISTINCT person_id FROM pop WHERE track = 'all' AND tier = 'all'),
tiers AS (
    SELECT person_id, min(CASE tier {" ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(TIERS))} END) AS rank
    FROM pop WHERE track = 'all' AND tier <> 'all' GROUP BY person_id
),
main AS (SELECT DISTINCT person_id FROM pop WHERE track = '{MAIN_TRACK}')
SELECT e.person_id,
       coalesce(CASE t.rank {" ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(TIERS))} END, '{NO_TIER}') AS tier,
       CASE WHEN m.person_id IS NOT NULL THEN '{MAIN_TRACK}' ELSE '{OTHER_TRACK}' END AS track
FROM everyone e LEFT JOIN tiers t USING (person_id) LEFT JOIN main m USING (person_id)
ORDER BY e.person_id
"""  # noqa: S608 - constants of this module only


def stratify(con: duckdb.DuckDBPyConnection, conference: str, year: int) -> dict[tuple[str, str], list[str]]:
    """Persons of the conference-year by stratum (tier x track), each list sorted by person id."""
    strata: dict[tuple[str, str], list[str]] = {}
    for person_id, tier, track in con.execute(STRATA_SQL, {"conference": conference, "year": year}).fetchall():
        strata.setdefault((tier, track), []).append(person_id)
    return strata


def draw_sample(
    con: duckdb.DuckDBPyConnection, conference: str, year: int, per_stratum: int, seed: int
) -> Sample:
    """Draw ``per_stratum`` persons from each stratum (a smaller stratum is taken whole), reproducibly."""
    if per_stratum < 2:
        raise ReviewError(f"--per-stratum must be at least 2 (a stratum needs 2 persons for a variance), "
                          f"got {per_stratum}")
    strata = stratify(con, conference, year)
    if not strata:
        raise ReviewError(f"no persons for {conference} {year} in study_population: build the warehouse first")
    rng = np.random.default_rng(seed)
    chosen: list[tuple[str, str, str]] = []
    sizes: dict[tuple[str, str], tuple[int, int]] = {}
    for key in sorted(strata):
        members = strata[key]
        take = min(per_stratum, len(members))
        picks = rng.choice(len(members), size=take, replace=False)
        chosen.extend((members[i], *key) for i in sorted(picks.tolist()))
        sizes[key] = (len(members), take)
    digest = hashlib.sha256("\n".join(p for p, _, _ in chosen).encode()).hexdigest()[:8]
    sample_id = f"{conference}{year}-seed{seed}-n{per_stratum}-{digest}"
    return Sample(sample_id, conference, year, per_stratum, seed, sizes, chosen)


def record_sample(con: duckdb.DuckDBPyConnection, sample: Sample, worksheet: Path | None) -> bool:
    """Store the design; returns False when this exact sample was recorded before (it is kept as it was)."""
    if con.execute("SELECT count(*) FROM review_samples WHERE sample_id = ?", [sample.sample_id]).fetchone()[0]:
        return False
    with transaction(con):
        con.execute(
            "INSERT INTO review_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sample.sample_id, sample.conference, sample.year, sample.per_stratum, sample.seed, sample.population,
             len(sample.persons), datetime.now(UTC), str(worksheet) if worksheet else None],
        )
        con.executemany(
            "INSERT INTO review_sample_strata VALUES (?, ?, ?, ?, ?)",
            [[sample.sample_id, tier, track, size, drawn] for (tier, track), (size, drawn) in sample.strata.items()],
        )
        con.executemany(
            "INSERT INTO review_sample_persons VALUES (?, ?, ?, ?, ?)",
            [[sample.sample_id, person, tier, track, order]
             for order, (person, tier, track) in enumerate(sample.persons, start=1)],
        )
    return True
