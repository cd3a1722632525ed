"""Name-frequency prior for the rarity weight, bundled as ``name_prior.json.gz``.

Rarity is estimated from first-name and surname frequencies. From the input alone that fails on small
inputs (three rows say nothing about how common "Ommer" is), so counts over the distinct spellings of the
NeurIPS 2021+2022 OpenReview authors are added to the input's own counts. Only name frequencies are
kept, no identities. Rebuild:

    .venv/bin/python -m etl.people.name_prior [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

from etl.people.labelled_authorships import default_data_dir, load_openreview_authorships
from etl.people.normalise import parse_name

PRIOR_PATH = Path(__file__).with_name("name_prior.json.gz")


@lru_cache(maxsize=4)
def load_prior(path: Path = PRIOR_PATH) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def build_prior(names: list[str]) -> dict:
    distinct = {parse_name(n) for n in names}
    distinct = {n for n in distinct if n.given and not n.is_initial_only}
    return {
        "about": "Counts over distinct folded spellings (not persons) of NeurIPS 2021+2022 OpenReview author "
        "names (../shared/data/neurips/202[12]/openreview_authors.jsonl.gz, from papercopilot/openreview). "
        "Rebuild: python -m etl.people.name_prior",
        "total": len(distinct),
        "first": dict(sorted(Counter(n.first for n in distinct).items())),
        "initial": dict(sorted(Counter(n.first_initial for n in distinct).items())),
        "surname": dict(sorted(Counter(n.surname_key for n in distinct).items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = load_openreview_authorships(args.data_dir or default_data_dir())
    prior = build_prior([lr.row.name for lr in rows])
    with gzip.GzipFile(PRIOR_PATH, "wb", mtime=0) as fh:
        fh.write(json.dumps(prior, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    print(f"wrote {PRIOR_PATH}: {prior['total']} spellings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
