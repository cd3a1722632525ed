"""Copy the registry inputs from ``../shared/data`` into ``data/registries/``, compressed and trimmed.

The project must build and test on a fresh clone without ``../shared``, so everything the registry
build reads lives in the repository. ROR is trimmed to the fields the resolver uses (about a third of
the size); the other sources are copied as they are. The NeurIPS aff ↔ aff_domain pairs are reduced to
counts: they are the evidence behind the verified AI-lab seed and the domain/alias mining. The 2019/2020
proceedings' printed institutions are reduced to counts too: field evidence for the curated single-site
labs (:mod:`etl.registry.curated_sites`), whose authors published before OpenReview profiles.

Run once when the shared inputs change:  python -m etl.registry.vendor /work/shared/data
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import logging
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl.registry.paths import REGISTRY_DATA_DIR

log = logging.getLogger(__name__)

ROR_FILE = "ror_records.jsonl.gz"
ROR_STUBS_FILE = "ror_stubs.jsonl.gz"
HIPO_FILE = "hipo_universities.json.gz"
SWOT_FILE = "swot_domains.jsonl.gz"
EVIDENCE_FILE = "neurips_aff_domain_pairs.csv.gz"
SEED_FILE = "ai_labs_seed.csv"
INSTITUTION_COUNTS_FILE = "neurips_institution_counts.csv.gz"


def trim_ror_record(record: dict) -> dict | None:
    """Keep the fields the registry uses; drop withdrawn records (they are duplicates or errors)."""
    if record.get("status") == "withdrawn":
        return None
    return {
        "id": record["id"],
        "name": record["name"],
        "aliases": record.get("aliases") or [],
        "acronyms": record.get("acronyms") or [],
        "labels": [[lab["value"], lab.get("lang")] for lab in record.get("labels") or []],
        "types": record.get("types") or [],
        "country_code": record.get("country_code"),
        "city": record.get("city"),
        "domains": record.get("domains") or [],
        "links": record.get("links") or [],
        "relationships": [[rel["type"], rel["id"]] for rel in record.get("relationships") or []
                          if rel["type"] in ("parent", "child", "successor", "predecessor")],
        "status": record.get("status"),
    }


def write_jsonl_gz(path: Path, rows: Iterable[dict]) -> int:
    """Write rows as gzip JSON lines with a fixed mtime, so re-vendoring gives identical bytes."""
    count = 0
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8")
        for row in rows:
            text.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
        text.flush()
        text.detach()
    return count


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> Path:
    """Write a curated CSV (header, then rows; ``\n`` line ends) the way it is committed."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def iter_aff_domain_pairs(openreview_files: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """Yield (aff, aff_domain) per author from OpenReview author files (';'-separated per author)."""
    for path in openreview_files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                paper = json.loads(line)
                affs = (paper.get("aff") or "").split(";")
                domains = (paper.get("aff_domain") or "").split(";")
                if len(affs) != len(domains):
                    continue  # misaligned lists: the pairing would be a guess
                for aff, domain in zip(affs, domains, strict=True):
                    aff, domain = aff.strip(), domain.strip().lower()
                    if aff and domain:
                        yield aff, domain


def iter_proceedings_institutions(metadata_files: Iterable[Path]) -> Iterator[str]:
    """Yield each authorship's printed institution from NeurIPS proceedings metadata (2019/2020)."""
    for path in metadata_files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            papers = json.load(fh)
        for paper in papers:
            for author in paper.get("authors") or []:
                institution = (author.get("institution") or "").strip()
                if institution:
                    yield institution


def write_counts_csv_gz(path: Path, header: list[str], counts: Counter) -> int:
    """Write ``(key…, n)`` rows, most frequent first, gzip with a fixed mtime (identical bytes on re-vendoring)."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            writer.writerow([*(key if isinstance(key, tuple) else (key,)), n])
        text.flush()
        text.detach()
    return len(counts)


def vendor(shared_data: Path, out_dir: Path = REGISTRY_DATA_DIR) -> dict[str, int]:
    """Copy and trim every registry input; return row counts per written file."""
    src = shared_data / "registries"
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def ror_rows() -> Iterator[dict]:
        with gzip.open(src / "ror" / "ror-records-union.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                trimmed = trim_ror_record(json.loads(line))
                if trimmed:
                    yield trimmed

    counts[ROR_FILE] = write_jsonl_gz(out_dir / ROR_FILE, ror_rows())

    def stub_rows() -> Iterator[dict]:
        with gzip.open(src / "ror" / "ror-relationship-stubs.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                stub = json.loads(line)
                yield {"id": stub["id"], "name": stub["name"],
                       "referenced_by_countries": sorted({r["country_code"] for r in stub["referenced_by"]})}

    counts[ROR_STUBS_FILE] = write_jsonl_gz(out_dir / ROR_STUBS_FILE, stub_rows())

    with gzip.open(src / "hipo" / "world_universities_and_domains.json.gz", "rt", encoding="utf-8") as fh:
        hipo = json.load(fh)
    counts[HIPO_FILE] = write_jsonl_gz(out_dir / HIPO_FILE, hipo)
    shutil.copyfile(src / "swot" / "swot_domains.jsonl.gz", out_dir / SWOT_FILE)
    for name in ("stoplist.txt", "abused.txt", "tlds.txt"):
        shutil.copyfile(src / "swot" / name, out_dir / f"swot_{name}")
    shutil.copyfile(src / "hipo" / "LICENSE.txt", out_dir / "LICENSE.hipo.txt")
    shutil.copyfile(src / "swot" / "LICENSE.txt", out_dir / "LICENSE.swot.txt")
    shutil.copyfile(src / "ror" / "LICENSE-NOTE.txt", out_dir / "LICENSE.ror.txt")
    shutil.copyfile(src / "ai_labs_seed.csv", out_dir / SEED_FILE)

    files = sorted((shared_data / "neurips").glob("20*/openreview_authors.jsonl.gz"))
    pairs = Counter(iter_aff_domain_pairs(files))
    counts[EVIDENCE_FILE] = write_counts_csv_gz(out_dir / EVIDENCE_FILE, ["aff", "aff_domain", "n_authors"], pairs)
    metadata = sorted((shared_data / "neurips").glob("20*/proceedings_metadata.json.gz"))
    counts[INSTITUTION_COUNTS_FILE] = write_counts_csv_gz(
        out_dir / INSTITUTION_COUNTS_FILE, ["institution", "n_authorships"],
        Counter(iter_proceedings_institutions(metadata)))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared_data", type=Path, help="path to shared/data")
    parser.add_argument("--out", type=Path, default=REGISTRY_DATA_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    for name, n in vendor(args.shared_data, args.out).items():
        log.info("%s: %d rows", name, n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
