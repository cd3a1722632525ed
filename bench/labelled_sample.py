"""Draw a seeded random sample of real authorships for hand labelling, then score the labels.

The guide's rule: before trusting a figure, label a random sample yourselves and quote its accuracy with a
95% interval. This script does the mechanical half, so the figure can be rerun by anyone with the same
labelled file:

    .venv/bin/python bench/labelled_sample.py draw --warehouse warehouse/talent.duckdb --n 200 --seed 9 \\
        --out /tmp/work_sample.csv
    # a person fills label_country (ISO alpha-2 the printed string implies; '?' where it implies none)
    .venv/bin/python bench/labelled_sample.py score --in /tmp/work_sample.csv

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


def draw(warehouse: Path, n: int, seed: int, out: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        has_test_flag = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'papers' "
                                    "AND column_name = 'test_data'").fetchall()[0][0]
        sql = DRAW_SQL if has_test_flag else DRAW_SQL.replace("AND coalesce(p.test_data, false)", "AND false")
        rows = con.execute(sql, {"seed": str(seed), "n": n}).fetchall()
    finally:
        con.close()
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, row in enumerate(rows, 1):
            writer.writerow([index, *row, "", ""])
    print(f"{len(rows)} authorships -> {out} (seed {seed})")
    return 0


def score(path: Path, column: str) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labelled = [row for row in rows if row["label_country"].strip() and row["label_country"].strip() != "?"]
    if not labelled:
        print("no labelled rows", file=sys.stderr)
        return 2
    correct = sum(1 for row in labelled if (row[column] or "").upper() == row["label_country"].strip().upper())
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
        if (row[column] or "").upper() != row["label_country"].strip().upper():
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
    s = sub.add_parser("score")
    s.add_argument("--in", dest="path", type=Path, required=True)
    s.add_argument("--column", default="record_work_country", choices=("record_work_country", "authorship_country"))
    args = parser.parse_args(argv)
    if args.command == "draw":
        return draw(args.warehouse, args.n, args.seed, args.out)
    return score(args.path, args.column)


if __name__ == "__main__":
    raise SystemExit(main())
