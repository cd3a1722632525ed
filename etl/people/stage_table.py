"""Rebuild ``position_stages.csv`` from the real OpenReview position strings.

    .venv/bin/python -m etl.people.stage_table [--data-dir DIR] > etl/people/position_stages.csv
    .venv/bin/python -m etl.people.stage_table --histories > etl/people/position_stages_histories.csv

``--histories`` lists instead every position of the vendored dated careers
(``mirror/data/openreview_histories.jsonl.gz``) that the NeurIPS table lacks, with its entry count.
Every distinct ``position`` value of the NeurIPS 2021 and 2022 author files is listed with its count per
year and its stages: the keyword rules of ``stages.classify_title`` draft them, ``OVERRIDES`` holds the
reviewed exceptions. Review the diff of the CSV after a rebuild: it is the mapping the pipeline uses.

A student title at a company ("PhD student" with Microsoft or Bosch as the institution) is an
industrial placement or internship, not a degree at that company, so its ``stage_company`` is ``other``
(``company_stage``); which university awards the degree is not in the entry.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from etl.people.career_snapshots import bundled_histories
from etl.people.history import EDUCATION_STAGES
from etl.people.labelled_authorships import AUTHORS_FILE, default_data_dir
from etl.people.stages import TABLE_COLUMNS, TABLE_PATH, _read_table, classify_title, position_key

YEARS = (2021, 2022)
# Reviewed exceptions to the keyword rules: (stage, stage_academic, stage_company).
OVERRIDES: dict[str, tuple[str, str, str]] = {
    "Research Scientist (FAIR)": ("industry", "industry", "industry"),
    "Research Scientist (prev: PostDoc)": ("other", "other", "industry"),
    "IBM Director, MIT-IBM Watson AI Lab": ("industry", "industry", "industry"),
    "Adjunct Scientist": ("other", "other", "industry"),
    "Research Scientist (tenured)": ("other", "other", "industry"),
}


def company_stage(stages: tuple[str, str, str]) -> tuple[str, str, str]:
    """No education stage at a company: a student there is placed, not enrolled (see module docstring)."""
    stage, academic, company = stages
    return stage, academic, "other" if company in EDUCATION_STAGES else company


def position_counts(data_dir: Path) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {}
    for year in YEARS:
        counter: Counter[str] = Counter()
        with gzip.open(data_dir / str(year) / AUTHORS_FILE, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                n = len(str(record.get("author") or "").split(";"))
                for value in str(record.get("position") or "").split(";")[:n]:
                    counter[value.strip()] += 1
        counts[year] = counter
    return counts


HISTORIES_COLUMNS = ("position", "count_histories", "stage", "stage_academic", "stage_company")


def history_position_counts() -> Counter[str]:
    """Entries per position string in the vendored dated careers (the '+' cells are already split there)."""
    return Counter(entry.position for entries in bundled_histories().values() for entry in entries)


def write_histories_table() -> int:
    known = {position_key(value) for value in _read_table(TABLE_PATH)}
    counts = history_position_counts()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HISTORIES_COLUMNS)
    for value in sorted(counts, key=lambda v: (-counts[v], v)):
        if position_key(value) in known:
            continue
        stages = company_stage(OVERRIDES.get(value) or classify_title(value))
        writer.writerow([value, counts[value], *stages])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--histories", action="store_true", help="the dated careers' strings the table lacks")
    args = parser.parse_args(argv)
    if args.histories:
        return write_histories_table()
    counts = position_counts(args.data_dir or default_data_dir())
    values = set().union(*counts.values())
    order = sorted(values, key=lambda v: (-sum(c[v] for c in counts.values()), v))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(TABLE_COLUMNS)
    for value in order:
        stages = company_stage(OVERRIDES.get(value) or classify_title(value))
        writer.writerow([value, *(counts[y][value] for y in YEARS), *stages])
    return 0


if __name__ == "__main__":
    sys.exit(main())
