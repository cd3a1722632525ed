"""SYNTHETIC populations at k× NeurIPS 2022, for growth benchmarks — never real data.

Everything made here is marked synthetic: the conference is ``synthetic`` (so it can never mix with a
real conference-year in the warehouse), paper ids start ``syn``, titles start ``[SYNTHETIC]``, and
landing files are named ``…-synthetic-x<k>-…``.

How it keeps the real structure: the accepted 2022 papers (``mirror/data/2022``) are replicated k times.
Each replica keeps every paper's team size, tier and author order, so the team-size distribution,
papers-per-person distribution and coauthor graph are the real ones; 10% of authorships are rewired to
the same real person's copy in another replica, so replicas collaborate instead of forming k islands.
Each synthetic person gets a first name and a surname drawn independently from the real first-name and
surname frequencies (so same-name collisions grow with the population, as they do in reality), and
keeps the real person's affiliation string on each paper (the real affiliation distribution, including
its missing values).

Two outputs: :func:`feed_document` is the virtual-site feed JSON the mirror can serve at
``/static/virtual/data/synthetic-2022-orals-posters.json`` (crawled by ``neurips_virtual`` with
``conference=synthetic``); :func:`write_landing` writes the same records directly as a landing file,
parsed by the same parser, for load/resolve/build benchmarks without a crawl. It lives in the mirror
because it is made from the mirror's data and served by it; nothing below the command line imports it.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mirror.papers_2022 import accepted_papers_2022

CONFERENCE = "synthetic"
YEAR = 2022
REWIRE_SHARE = 0.10


def feed_path(year: int = YEAR) -> str:
    return f"/static/virtual/data/{CONFERENCE}-{year}-orals-posters.json"


@dataclass(slots=True)
class Population:
    """A synthetic conference-year: feed results (virtual-site shape) plus counts for reports."""

    scale: float
    seed: int
    results: list[dict[str, Any]]
    persons: int

    @property
    def papers(self) -> list[dict[str, Any]]:
        return self.results

    @property
    def authorships(self) -> int:
        return sum(len(result["authors"]) for result in self.results)

    @property
    def tag(self) -> str:
        return f"x{self.scale:g}"


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", parts[0] if parts else "")


class _Sampler:
    """Draws from an empirical frequency table with a seeded generator."""

    def __init__(self, counts: Counter[str]) -> None:
        self.values = sorted(counts)
        self.cumulative: list[int] = []
        total = 0
        for value in self.values:
            total += counts[value]
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> str:
        from bisect import bisect_right

        return self.values[bisect_right(self.cumulative, rng.randrange(self.cumulative[-1]))]


def _real_papers() -> list[Any]:
    return [paper for paper in accepted_papers_2022() if paper.authors]


def _stable_int(text: str) -> int:
    return int(hashlib.blake2b(text.encode(), digest_size=6).hexdigest(), 16)


def generate(scale: float, seed: int = 2022) -> Population:
    """``round(scale × 2,834)`` synthetic papers; deterministic for a given scale and seed."""
    real = _real_papers()
    first_names: Counter[str] = Counter()
    surnames: Counter[str] = Counter()
    for paper in real:
        for author in paper.authors:
            given, family = _split_name(author.name)
            if given:
                first_names[given] += 1
            surnames[family] += 1
    draw_first, draw_surname = _Sampler(first_names), _Sampler(surnames)
    n_papers = max(1, round(scale * len(real)))
    replicas = math.ceil(n_papers / len(real))
    rng = random.Random(f"{seed}/{scale:g}")
    names: dict[tuple[int, str], str] = {}
    results: list[dict[str, Any]] = []
    for index in range(n_papers):
        replica, paper = divmod(index, len(real))
        paper = real[paper]
        authors = []
        for author in paper.authors:
            person_replica = rng.randrange(replicas) if replicas > 1 and rng.random() < REWIRE_SHARE else replica
            key = (person_replica, author.authorid or author.name)
            name = names.get(key)
            if name is None:
                person_rng = random.Random(f"{seed}/{key[0]}/{key[1]}")
                name = names[key] = f"{draw_first.draw(person_rng)} {draw_surname.draw(person_rng)}"
            authors.append({
                "id": _stable_int(f"{key[0]}/{key[1]}"),
                "fullname": name,
                "institution": author.aff or None,
            })
        uid = f"syn{index:07d}"
        results.append({
            "id": index + 1,
            "uid": uid,
            "name": f"[SYNTHETIC] {paper.listed_title} ({replica})",
            "authors": authors,
            "decision": "Accept",
            "eventtype": "Oral" if paper.tier == "oral" else "Poster",
            "virtualsite_url": f"/virtual/{YEAR}/{CONFERENCE}/{uid}",
            "synthetic": True,
        })
    return Population(scale=scale, seed=seed, results=results, persons=len(names))


def feed_document(population: Population) -> dict[str, Any]:
    return {"count": len(population.results), "results": population.results, "synthetic": True}


def feed_bytes(population: Population) -> bytes:
    return json.dumps(feed_document(population), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_landing(population: Population, landing_dir: Path, source: str = "neurips_virtual") -> Path:
    """Write the population as one landing file, exactly as ``neurips_virtual`` would land the feed."""
    from scrapers.parsing.virtual_feed import parse_virtual_feed

    body = feed_bytes(population)
    parsed = parse_virtual_feed(body, CONFERENCE, YEAR)
    stamp = datetime.now(UTC)
    crawl_id = f"{stamp.strftime('%Y%m%dT%H%M%SZ')}-{CONFERENCE}-{population.tag}-{population.seed}"
    folder = landing_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{crawl_id}.jsonl"
    body_sha = hashlib.sha256(body).hexdigest()
    fetched_at = stamp.isoformat()
    with path.open("w", encoding="utf-8") as handle:
        for paper in parsed.papers:
            line = {
                "crawl_id": crawl_id,
                "source": source,
                "record_type": paper.record_type,
                "record_key": paper.record_key,
                "source_url": f"synthetic:{feed_path()}",
                "fetched_at": fetched_at,
                "body_sha256": body_sha,
                "data": paper.to_dict(),
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path
