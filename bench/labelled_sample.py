"""Draw a seeded random sample of real authorships for hand labelling, then score the labels.

The guide's rule: before trusting a figure, label a random sample yourselves and quote its accuracy with a
95% interval. This script does the mechanical half, so the figure can be rerun by anyone with the same
labelled file:

    .venv/bin/python bench/labelled_sample.py draw --warehouse warehouse/talent.duckdb --n 200 --seed 9 \\
        --out /tmp/work_sample.csv
    # a person fills label_country (ISO alpha-2 the printed string implies; '?' where it implies none)
    .venv/bin/python bench/labelled_sample.py score --in /tmp/work_sample.csv [--warehouse OTHER.duckdb]

``draw`` samples authorships of real conferences only (never a test-data paper) and shows, beside the printed
string and email domain, the pipeline's work country for that person-year (``talent_records``) and for the
authorship itself (``authorship_affiliations``, heaviest weight). ``score`` reports accuracy with a Wilson
95% interval on the rows whose label is a country, and separately how often the pipeline left NULL there.
Labelled files hold real affiliation strings: keep them out of the repository.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warehouse.estimates import wilson_interval  # noqa: E402

COLUMNS = ("sample_id", "conference", "year", "paper_id", "author_position", "author_name", "raw_affiliation",
           "email_domain", "affiliation_source", "record_work_country", "record_work_institution",
           "authorship_country", "label_country", "label_note")

DRAW_SQL = """
WITH real_authorships AS (
    SELECT a.* FROM core_authorships a
    WHERE a.conference <> 'talentfixture'
      AND NOT EXISTS (SELECT 1 FROM papers p WHERE p.conference = a.conference AND p.year = a.year
                      AND p.paper_id = a.paper_id AND coalesce(p.test_data, false))
), top_affiliation AS (
    SELECT conference, year, paper_id, author_position,
           string_agg(DISTINCT country_code, '+' ORDER BY country_code) FILTER (WHERE weight = max_weight)
               AS authorship_country
    FROM (SELECT *, max(weight) OVER (PARTITION BY conference, year, paper_id, author_position) AS max_weight
          FROM authorship_affiliations WHERE country_code IS NOT NULL)
    GROUP BY ALL
)
SELECT a.conference, a.year, a.paper_id, a.author_position, a.author_name, a.raw_affiliation, a.email_domain,
       a.affiliation_source, t.work_country, i.name, ta.authorship_country
FROM real_authorships a
LEFT JOIN authorship_persons ap USING (conference, year, paper_id, author_position)
LEFT JOIN talent_records t ON t.person_id = ap.person_id AND t.conference = a.conference AND t.year = a.year
LEFT JOIN institutions i ON i.institution_id = t.work_institution_id
LEFT JOIN top_affiliation ta USING (conference, year, paper_id, author_position)
ORDER BY hash(concat_ws('/', a.conference, a.year, a.paper_id, a.author_position, $seed))
LIMIT $n
"""


EDUCATION_COLUMNS = ("sample_id", "conference", "year", "person_id", "name", "field", "value", "stage",
                     "position_title", "institution_name", "source", "source_key", "start_year", "end_year", "bounds",
                     "label_correct", "label_note")

EDUCATION_SQL = """
WITH chosen AS (
    SELECT t.conference, t.year, t.person_id, t.name, f.field,
           CASE f.field WHEN 'undergrad_country' THEN t.undergrad_country ELSE t.grad_country END AS value,
           t.evidence -> f.field AS ev
    FROM talent_records t, (VALUES ('undergrad_country'), ('grad_country')) f(field)
    WHERE NOT coalesce(t.test_data, false)
)
SELECT c.conference, c.year, c.person_id, c.name, c.field, c.value, ev ->> 'stage', e.position_title,
       coalesce(e.institution_name, ev ->> 'institution_id'),
       ev ->> 'source', ev ->> 'source_key', ev ->> 'start_year', ev ->> 'end_year', ev ->> 'bounds'
FROM chosen c
LEFT JOIN person_education e ON e.person_id = c.person_id AND e.source_key = (ev ->> 'source_key')
     AND e.stage = (ev ->> 'stage') AND e.institution_id IS NOT DISTINCT FROM (ev ->> 'institution_id')
     AND e.start_year IS NOT DISTINCT FROM TRY_CAST(ev ->> 'start_year' AS INTEGER)
WHERE value IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY c.conference, c.year, c.person_id, c.field ORDER BY e.position_title) = 1
ORDER BY hash(concat_ws('/', c.conference, c.year, c.person_id, c.field, $seed))
LIMIT $n
"""


def _query(warehouse: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """Rows of ``sql`` on a read-only warehouse; a warehouse older than papers.test_data reads as all real."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        has_test_flag = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'papers' "
                                    "AND column_name = 'test_data'").fetchall()[0][0]
        if not has_test_flag:
            sql = sql.replace("AND coalesce(p.test_data, false)", "AND false")
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _write_sheet(out: Path, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for index, row in enumerate(rows, 1):
            writer.writerow([index, *row, "", ""])


def draw_education(warehouse: Path, n: int, seed: int, out: Path) -> int:
    """A seeded sample of the education values of talent records, each with the entry it came from."""
    rows = _query(warehouse, EDUCATION_SQL, {"seed": str(seed), "n": n})
    _write_sheet(out, EDUCATION_COLUMNS, rows)
    print(f"{len(rows)} education values -> {out} (seed {seed})")
    return 0


def score_education(path: Path) -> int:
    """Precision of hand-checked education values: label_correct is yes / no (blank rows are not counted)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["label_correct"].strip().lower() in ("yes", "no")]
    if not rows:
        print("no labelled rows", file=sys.stderr)
        return 2
    correct = sum(1 for row in rows if row["label_correct"].strip().lower() == "yes")
    interval = wilson_interval(correct, len(rows))
    print(f"{len(rows)} checked education values: precision {correct / len(rows):.3f} "
          f"(95% Wilson {interval.low:.3f}-{interval.high:.3f})")
    for row in rows:
        if row["label_correct"].strip().lower() == "no":
            print(f"  #{row['sample_id']} {row['field']}={row['value']} from {row['position_title']!r} at "
                  f"{row['institution_name']!r}: {row['label_note']}")
    return 0


def draw(warehouse: Path, n: int, seed: int, out: Path) -> int:
    rows = _query(warehouse, DRAW_SQL, {"seed": str(seed), "n": n})
    _write_sheet(out, COLUMNS, rows)
    print(f"{len(rows)} authorships -> {out} (seed {seed})")
    return 0


KEY = ("conference", "year", "paper_id", "author_position")


def _predictions(warehouse: Path) -> dict[tuple[str, ...], dict[str, str]]:
    """The pipeline's values for every authorship of ``warehouse``, by key (to re-score old labels)."""
    sql = DRAW_SQL.replace("ORDER BY hash(concat_ws('/', a.conference, a.year, a.paper_id, a.author_position, "
                           "$seed))\nLIMIT $n", "")
    return {tuple(str(v) for v in row[:4]): {"record_work_country": row[8] or "", "authorship_country": row[10] or ""}
            for row in _query(warehouse, sql)}


def _label_set(label: str) -> frozenset[str]:
    """The countries a label names; empty when the printed string does not settle them all ('?', 'CA+?')."""
    parts = [part.strip().upper() for part in label.split("+") if part.strip()]
    return frozenset() if not parts or "?" in parts else frozenset(parts)


def _is_correct(predicted: str, label: frozenset[str], column: str) -> bool:
    """A person-year's one work country is right when it is one of the string's countries (two affiliations
    in two countries are both true); an authorship's countries must be exactly the string's."""
    values = frozenset(part for part in (predicted or "").upper().split("+") if part)
    if column == "record_work_country":
        return len(values) == 1 and values <= label
    return values == label


def score(path: Path, column: str, warehouse: Path | None = None, years: set[str] | None = None) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if not years or row["year"] in years]
    if warehouse is not None:  # labels describe the printed string, so they re-score any later build
        predictions = _predictions(warehouse)
        for row in rows:
            row.update(predictions.get(tuple(row[k] for k in KEY), {"record_work_country": "",
                                                                     "authorship_country": ""}))
    labelled = [row for row in rows if _label_set(row["label_country"])]
    if not labelled:
        print("no labelled rows", file=sys.stderr)
        return 2
    correct = sum(1 for row in labelled if _is_correct(row[column], _label_set(row["label_country"]), column))
    null = sum(1 for row in labelled if not row[column])
    wrong = len(labelled) - correct - null
    interval = wilson_interval(correct, len(labelled))
    answered = len(labelled) - null
    answered_interval = wilson_interval(correct, answered) if answered else None
    print(f"{len(rows)} rows; {len(labelled)} whose printed string implies a country; column {column}")
    print(f"accuracy {correct / len(labelled):.3f} (95% Wilson {interval.low:.3f}-{interval.high:.3f}); "
          f"wrong {wrong}, NULL {null}")
    if answered_interval:
        print(f"precision where a country was given {correct / answered:.3f} "
              f"(95% Wilson {answered_interval.low:.3f}-{answered_interval.high:.3f})")
    for row in labelled:
        if not _is_correct(row[column], _label_set(row["label_country"]), column):
            print(f"  #{row['sample_id']} {row['raw_affiliation']!r}: {row[column] or 'NULL'} vs {row['label_country']}"
                  f" {row['label_note']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--warehouse", type=Path, default=Path("warehouse/talent.duckdb"))
    d.add_argument("--n", type=int, default=200)
    d.add_argument("--seed", type=int, default=9)
    d.add_argument("--out", type=Path, required=True)
    de = sub.add_parser("draw-education")
    de.add_argument("--warehouse", type=Path, default=Path("warehouse/talent.duckdb"))
    de.add_argument("--n", type=int, default=50)
    de.add_argument("--seed", type=int, default=10)
    de.add_argument("--out", type=Path, required=True)
    se = sub.add_parser("score-education")
    se.add_argument("--in", dest="path", type=Path, required=True)
    s = sub.add_parser("score")
    s.add_argument("--in", dest="path", type=Path, required=True)
    s.add_argument("--column", default="record_work_country", choices=("record_work_country", "authorship_country"))
    s.add_argument("--warehouse", type=Path, help="re-score the labels against this warehouse's values")
    s.add_argument("--years", help="comma-separated years to keep (e.g. to compare with a build lacking one)")
    args = parser.parse_args(argv)
    if args.command == "draw":
        return draw(args.warehouse, args.n, args.seed, args.out)
    if args.command == "draw-education":
        return draw_education(args.warehouse, args.n, args.seed, args.out)
    if args.command == "score-education":
        return score_education(args.path)
    years = set(args.years.split(",")) if args.years else None
    return score(args.path, args.column, args.warehouse, years)


if __name__ == "__main__":
    raise SystemExit(main())
