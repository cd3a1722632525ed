"""Sample and review: a stratified random sample of a conference-year's persons, traced by hand.

Why: however good the automatic sources get, some fields stay unknown for many persons, and the persons we know
about are not a random sample of everyone. MacroPolo answered that by hand-tracing a random sample of authors;
this module gives an analyst the same method with the statistics done right.

* :func:`draw_sample` — strata are tier x track (the person's highest tier that year; ``main`` when they have a
  main-track paper, else ``other``); ``per_stratum`` persons per stratum, drawn with a seeded generator from the
  persons sorted by id, so the same warehouse, year, size and seed always draw the same persons. The design
  (N_h, n_h, seed) is stored in ``review_samples`` / ``review_sample_strata`` / ``review_sample_persons``
  (migration 032) and in a JSON sidecar beside the worksheet.
* :func:`write_worksheet` — one CSV row per person (UTF-8 with BOM and a header row, so a spreadsheet opens it
  as is): every link we know, the automatic values with their evidence, and empty reviewer columns.
* :func:`import_worksheet` — validates the whole file first (every bad row named with its line number; country
  codes checked against ISO 3166 with pycountry), then appends to ``reviews`` in one transaction: nothing is
  half-loaded, nothing is overwritten, and the build never touches these tables.
* :func:`create_review_views` — runs the model ``warehouse/models/marts/review_estimates.sql``:
  ``review_latest`` and ``review_estimates``, per sample, population (all persons or main track), field and
  value, the design-weighted estimate from the reviewed persons (the ratio estimator of
  ``warehouse.estimates.stratified_share``, written in SQL so it follows every import at once) beside the
  automatic whole-counting share, each with its 95% interval, and their difference.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pycountry

from etl.countries import country_code

TIERS = ("oral", "spotlight", "poster")
NO_TIER = "none"
MAIN_TRACK = "main"
OTHER_TRACK = "other"
# worksheet field -> (reviewer institution column, reviewer country column, study_population column)
REVIEW_FIELDS = {
    "undergrad": ("review_undergrad_institution", "review_undergrad_country", "origin_country"),
    "grad": ("review_grad_institution", "review_grad_country", "grad_country"),
    "work": ("review_work_institution", "review_work_country", "work_country"),
}
NOTE_COLUMN = "review_note"
REVIEW_COLUMNS = tuple(column for pair in REVIEW_FIELDS.values() for column in pair[:2]) + (NOTE_COLUMN,)
WORKSHEET_COLUMNS = (
    "sample_id", "person_id", "name", "conference", "year", "stratum_tier", "stratum_track", "design_weight",
    "openreview", "homepage", "dblp", "scholar", "orcid", "papers", "printed_affiliations",
    "auto_undergrad_country", "auto_undergrad_evidence", "auto_grad_country", "auto_grad_evidence",
    "auto_work_country", "auto_work_institution", "auto_work_evidence", "auto_confidence",
    *REVIEW_COLUMNS,
)
WORKSHEET_ENCODING = "utf-8-sig"  # a BOM makes spreadsheet programs read UTF-8 names correctly


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
    con.execute("BEGIN TRANSACTION")
    try:
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
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def _table_columns(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'", [name]
    ).fetchall()}


def _evidence_text(evidence: object, key: str) -> str:
    """``source method (source_key; institution id)`` for one field of talent_records.evidence."""
    data = json.loads(evidence) if isinstance(evidence, str) else (evidence or {})
    item = data.get(key) if isinstance(data, dict) else None
    if not isinstance(item, dict):
        return ""
    parts = [str(item.get(name)) for name in ("source", "method") if item.get(name)]
    extra = [f"{name}={item[name]}" for name in ("source_key", "paper_id", "institution_id", "stage")
             if item.get(name)]
    return " ".join(parts) + (f" ({'; '.join(extra)})" if extra else "")


def _url(prefix: str, value: str | None) -> str:
    if not value:
        return ""
    return value if value.startswith(("http://", "https://")) else prefix + value


def worksheet_rows(con: duckdb.DuckDBPyConnection, sample: Sample) -> list[dict[str, object]]:
    """One dict per sampled person, in draw order, with links, automatic values and empty review columns."""
    con.execute("CREATE OR REPLACE TEMP TABLE review_draw (person_id VARCHAR, tier VARCHAR, track VARCHAR, "
                "draw_order INTEGER)")
    con.executemany("INSERT INTO review_draw VALUES (?, ?, ?, ?)",
                    [[p, t, k, i] for i, (p, t, k) in enumerate(sample.persons, start=1)])
    person_columns = _table_columns(con, "persons")
    has_links = bool(_table_columns(con, "stg_latest_records"))
    has_papers = bool(_table_columns(con, "authorship_persons")) and bool(_table_columns(con, "authorships"))
    has_institutions = "name" in _table_columns(con, "institutions")
    optional = {name: (f"p.{name}" if name in person_columns else "NULL") for name in ("openreview_id", "dblp",
                                                                                       "orcid", "name")}
    links = """LEFT JOIN (
        SELECT data -> 'data' ->> 'profile_id' AS profile_id, any_value(data -> 'data' ->> 'homepage') AS homepage,
               any_value(data -> 'data' ->> 'gscholar') AS gscholar
        FROM stg_latest_records
        WHERE source = 'openreview_profiles' AND record_type = 'profile' AND (data -> 'data' ->> 'status') = 'found'
        GROUP BY ALL) l ON l.profile_id = p.openreview_id""" if has_links and "openreview_id" in person_columns \
        else "LEFT JOIN (SELECT NULL AS homepage, NULL AS gscholar WHERE false) l ON true"
    papers = """LEFT JOIN (
        SELECT ap.person_id, string_agg(DISTINCT pa.title, ' | ' ORDER BY pa.title) AS papers,
               string_agg(DISTINCT a.raw_affiliation, ' | ' ORDER BY a.raw_affiliation) AS printed
        FROM authorship_persons ap
        JOIN authorships a USING (conference, year, paper_id, author_position)
        LEFT JOIN papers pa USING (conference, year, paper_id)
        WHERE ap.conference = $conference AND ap.year = $year
        GROUP BY ap.person_id) w ON w.person_id = d.person_id""" if has_papers \
        else "LEFT JOIN (SELECT NULL AS papers, NULL AS printed WHERE false) w ON true"
    institution = ("LEFT JOIN institutions i ON i.institution_id = s.work_institution_id" if has_institutions
                   else "LEFT JOIN (SELECT NULL AS institution_id, NULL AS name WHERE false) i ON true")
    query = f"""
    SELECT d.person_id, {optional['name']} AS name, d.tier, d.track, {optional['openreview_id']} AS openreview_id,
           l.homepage, {optional['dblp']} AS dblp, l.gscholar, {optional['orcid']} AS orcid, w.papers, w.printed,
           s.origin_country, s.grad_country, s.work_country, s.work_institution_id, i.name AS institution_name,
           t.evidence, t.confidence
    FROM review_draw d
    LEFT JOIN persons p ON p.person_id = d.person_id
    {links}
    {papers}
    LEFT JOIN study_population s ON s.person_id = d.person_id AND s.conference = $conference AND s.year = $year
        AND s.track = 'all' AND s.tier = 'all'
    {institution}
    LEFT JOIN (
        SELECT person_id, evidence, confidence FROM talent_records WHERE conference = $conference AND year = $year
        QUALIFY row_number() OVER (PARTITION BY person_id
                                   ORDER BY confidence DESC NULLS LAST, work_country NULLS LAST, tier) = 1
    ) t ON t.person_id = d.person_id
    ORDER BY d.draw_order
    """  # noqa: S608 - only fragments of this module; values are parameters
    weights = {key: size / drawn for key, (size, drawn) in sample.strata.items()}
    rows = []
    for (person_id, name, tier, track, openreview_id, homepage, dblp, scholar, orcid, paper_titles, printed,
         origin, grad, work, institution_id, institution_name, evidence, confidence) in con.execute(
            query, {"conference": sample.conference, "year": sample.year}).fetchall():
        row: dict[str, object] = {
            "sample_id": sample.sample_id, "person_id": person_id, "name": name or "",
            "conference": sample.conference, "year": sample.year, "stratum_tier": tier, "stratum_track": track,
            "design_weight": f"{weights[(tier, track)]:.4f}",
            "openreview": _url("https://openreview.net/profile?id=", openreview_id),
            "homepage": homepage or "", "dblp": _url("https://dblp.org/pid/", dblp), "scholar": scholar or "",
            "orcid": _url("https://orcid.org/", orcid), "papers": paper_titles or "",
            "printed_affiliations": printed or "",
            "auto_undergrad_country": origin or "", "auto_undergrad_evidence": _evidence_text(evidence,
                                                                                               "undergrad_country"),
            "auto_grad_country": grad or "", "auto_grad_evidence": _evidence_text(evidence, "grad_country"),
            "auto_work_country": work or "",
            "auto_work_institution": f"{institution_name} ({institution_id})" if institution_name else
            (institution_id or ""),
            "auto_work_evidence": _evidence_text(evidence, "work_country"),
            "auto_confidence": "" if confidence is None else f"{confidence:.2f}",
        }
        row.update({column: "" for column in REVIEW_COLUMNS})
        rows.append(row)
    con.execute("DROP TABLE IF EXISTS review_draw")
    return rows


def write_worksheet(con: duckdb.DuckDBPyConnection, sample: Sample, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<sample_id>.csv`` and its ``<sample_id>.design.json`` sidecar into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    worksheet = out_dir / f"{sample.sample_id}.csv"
    sidecar = out_dir / f"{sample.sample_id}.design.json"
    rows = worksheet_rows(con, sample)
    with worksheet.open("w", encoding=WORKSHEET_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=WORKSHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    design = sample.design() | {
        "worksheet": worksheet.name,
        "instructions": (
            "Fill the review_* columns for each person you trace: institution as found and its country (ISO "
            "3166 alpha-2 code or English name). Leave a country empty when you could not find it, and say so in "
            "review_note. A row with every review_* column empty counts as not reviewed. Then run "
            "`talent review import FILE --reviewer NAME`."
        ),
    }
    sidecar.write_text(json.dumps(design, indent=2) + "\n", encoding="utf-8")
    return worksheet, sidecar


# ----------------------------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ReviewRow:
    line_no: int
    sample_id: str
    person_id: str
    values: dict[str, str | None]  # REVIEW_COLUMNS -> value (countries as alpha-2)


def normalise_country(text: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a reviewer's country (code or English name), or None when not a country."""
    code = country_code(text)
    if code is None and len(text.strip()) == 2:
        code = text.strip().upper()
    if code is None or pycountry.countries.get(alpha_2=code) is None:
        return None
    return code


def validate_worksheet(
    con: duckdb.DuckDBPyConnection, path: Path
) -> tuple[list[ReviewRow], int, list[str]]:
    """(rows to load, rows left blank, problems) — every problem names its line; nothing is loaded here."""
    problems: list[str] = []
    try:
        handle = path.open(encoding=WORKSHEET_ENCODING, newline="")
    except OSError as exc:
        raise ReviewError(f"cannot read {path}: {exc}") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in ("sample_id", "person_id", *REVIEW_COLUMNS) if column not in header]
        if missing:
            raise ReviewError(f"{path}: line 1: the header lacks {', '.join(missing)} (is this a review worksheet?)")
        records = [(reader.line_num, record) for record in reader]
    drawn = {(sample, person) for sample, person in con.execute(
        "SELECT sample_id, person_id FROM review_sample_persons").fetchall()}
    samples = {sample for (sample,) in con.execute("SELECT sample_id FROM review_samples").fetchall()}
    rows: list[ReviewRow] = []
    blank = 0
    seen: dict[tuple[str, str], int] = {}
    for line_no, record in records:
        if None in record:  # more cells than header columns
            problems.append(f"line {line_no}: {len(record[None])} cell(s) beyond the header's columns")
            continue
        sample_id = (record.get("sample_id") or "").strip()
        person_id = (record.get("person_id") or "").strip()
        cells = {column: (record.get(column) or "").strip() for column in REVIEW_COLUMNS}
        if not any(cells.values()):
            blank += 1
            continue
        if sample_id not in samples:
            problems.append(f"line {line_no}: sample_id {sample_id!r} is not a recorded review sample")
            continue
        if (sample_id, person_id) not in drawn:
            problems.append(f"line {line_no}: person_id {person_id!r} was not drawn in sample {sample_id}")
            continue
        if (sample_id, person_id) in seen:
            problems.append(f"line {line_no}: person {person_id} appears again (first on line "
                            f"{seen[(sample_id, person_id)]})")
            continue
        seen[(sample_id, person_id)] = line_no
        values: dict[str, str | None] = {}
        for stage, (institution_column, country_column, _) in REVIEW_FIELDS.items():
            institution, country = cells[institution_column], cells[country_column]
            values[institution_column] = institution or None
            if not country:
                if institution:
                    problems.append(f"line {line_no}: {country_column} is empty but {institution_column} is "
                                    f"{institution!r}: give the {stage} institution's country")
                values[country_column] = None
                continue
            code = normalise_country(country)
            if code is None:
                problems.append(f"line {line_no}: {country_column} {country!r} is not an ISO 3166 country code "
                                "or name")
            values[country_column] = code
        values[NOTE_COLUMN] = cells[NOTE_COLUMN] or None
        rows.append(ReviewRow(line_no, sample_id, person_id, values))
    return rows, blank, problems


def import_worksheet(con: duckdb.DuckDBPyConnection, path: Path, reviewer: str) -> tuple[int, int]:
    """Validate the whole worksheet, then append its reviewed rows; returns (rows loaded, rows left blank)."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise ReviewError("--reviewer must name who reviewed")
    rows, blank, problems = validate_worksheet(con, path)
    if problems:
        raise ReviewError(f"{path}: {len(problems)} problem(s); nothing was loaded", problems)
    reviewed_at = datetime.now(UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany(
            "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[row.sample_id, row.person_id, *(row.values[column] for column in REVIEW_COLUMNS), reviewer,
              reviewed_at, str(path), row.line_no] for row in rows],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(rows), blank


# ----------------------------------------------------------------------------------------------- views

POPULATION_FIELDS = tuple(column for _, _, column in REVIEW_FIELDS.values())
# The models that (re)create the review views on an existing warehouse: the interval macros they call, then
# review_latest and review_estimates (warehouse/models/marts/review_estimates.sql holds their SQL and why).
REVIEW_VIEW_MODELS = ("study_settings", "estimate_macros", "review_estimates")


def create_review_views(con: duckdb.DuckDBPyConnection) -> bool:
    """Create review_latest and review_estimates (with the macros they use) on a built warehouse."""
    from warehouse.build import BuildReport, run_model

    report = BuildReport()
    for stem in REVIEW_VIEW_MODELS:
        run_model(con, stem, report)
    return True


def review_estimate_rows(con: duckdb.DuckDBPyConnection, conference: str, year: int,
                     fields: Iterable[str] = POPULATION_FIELDS) -> list[dict[str, object]]:
    """Rows of review_estimates for one conference-year (newest sample first), as dicts for the report."""
    wanted = list(fields)
    cursor = con.execute(
        """SELECT e.* FROM review_estimates e JOIN review_samples s USING (sample_id)
           WHERE e.conference = ? AND e.year = ? AND list_contains(?, e.field)
           ORDER BY s.created_at DESC, e.track, e.field, e.reviewed_share DESC NULLS LAST, e.value""",
        [conference, year, wanted],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
