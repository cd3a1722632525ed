"""Person resolution end to end: normalise -> nodes -> block -> compare -> score -> cluster -> ids.

``resolve_persons`` is the Python API; ``resolve_records`` accepts what DuckDB hands back (a list of dicts
or a pyarrow Table, e.g. ``con.sql("select ...").arrow()``) and returns an Arrow table (id, person_id) that
DuckDB can query directly.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from etl.people.block import FreeBits, NodeBits, candidate_pairs
from etl.people.cluster import cluster, drop_ambiguous_initial_links
from etl.people.compare import compare
from etl.people.ids import assign_ids
from etl.people.name_prior import load_prior
from etl.people.nodes import build_nodes
from etl.people.records import AuthorRow, Model, load_model
from etl.people.score import NameRarity, score

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RunReport:
    """What one run did, with the hash of the model that did it."""

    model_hash: str
    rows: int
    nodes: int
    candidate_pairs: int
    scored_pairs: int
    links: int
    persons: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one run.

    Resolution allocates millions of small objects (name parts, sets, tuples) and frees almost none
    until it ends, so every collection walks a heap that only grows: at 10x the synthetic population
    half the run time went to collections that found nothing. The stages build no reference cycles;
    reference counting frees what they drop, and the collector resumes (and catches up) afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def resolve_with_report(
    rows: Iterable[AuthorRow],
    config: dict[str, Any] | str | Path | Model | None = None,
    previous_ids: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], RunReport]:
    with cyclic_gc_paused():
        return _resolve(rows, config, previous_ids)


def _resolve(
    rows: Iterable[AuthorRow],
    config: dict[str, Any] | str | Path | Model | None,
    previous_ids: Mapping[str, str] | None,
) -> tuple[dict[str, str], RunReport]:
    started = time.perf_counter()
    model = config if isinstance(config, Model) else load_model(config)
    rows = list(rows)
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise ValueError(f"row {row.id!r}: duplicate id")
        seen.add(row.id)

    nodes, _parsed = build_nodes(rows)
    prior = load_prior() if model["rarity"].get("use_bundled_prior") else None
    rarity = NameRarity((n for node in nodes for n in node.names), prior)
    # A node's rarity is that of its most specific spelling; a pair is as ambiguous as its commoner node.
    node_bits = [max((rarity.bits(p) for p in node.names if not p.is_initial_only), default=0.0) for node in nodes]
    node_initial_bits = [max(rarity.initial_bits(p) for p in node.names) for node in nodes]
    # The rarity a node brings to a comparison at full-name levels and at level "initial" (as scored
    # below): blocking skips pairs that this, without shared evidence, cannot link.
    gate_bits = NodeBits(full=node_bits, initial=node_initial_bits)
    fuzzy_min = model["first_name_fuzzy_min"]
    aff_min = model["affiliation_fuzzy_min"]
    threshold = model["link_threshold"]
    edges: list[tuple[float, int, int]] = []
    n_candidates = n_scored = 0
    for i, j in candidate_pairs(nodes, gate_bits, FreeBits.from_model(model)):
        n_candidates += 1
        comparison = compare(nodes[i], nodes[j], fuzzy_min, aff_min)
        if comparison is None:
            continue
        n_scored += 1
        if comparison.name_level == "initial":
            bits = min(node_initial_bits[i], node_initial_bits[j])
        else:
            bits = min(node_bits[i], node_bits[j])
        s = score(comparison, bits, model)
        if s >= threshold:
            edges.append((s, i, j))

    edges = drop_ambiguous_initial_links(nodes, edges, model["initial_ambiguity_margin"])
    node_clusters = cluster(nodes, edges, fuzzy_min)
    row_clusters = [[r for n in members for r in nodes[n].rows] for members in node_clusters]
    mapping = assign_ids(rows, row_clusters, previous_ids)
    report = RunReport(
        model_hash=model.hash,
        rows=len(rows),
        nodes=len(nodes),
        candidate_pairs=n_candidates,
        scored_pairs=n_scored,
        links=len(edges),
        persons=len(row_clusters),
        seconds=round(time.perf_counter() - started, 3),
    )
    log.info("resolved %s", report.to_dict())
    return mapping, report


def resolve_persons(
    rows: Iterable[AuthorRow],
    config: dict[str, Any] | str | Path | Model | None = None,
    previous_ids: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Map each row id to a person id. ``previous_ids`` (row id -> person id) keeps old ids stable."""
    mapping, _ = resolve_with_report(rows, config, previous_ids)
    return mapping


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def row_from_mapping(record: Mapping[str, Any]) -> AuthorRow:
    """Build an AuthorRow from a dict with the CLI's column names; raises ValueError naming the problem."""
    row_id = _opt_str(record.get("id"))
    if row_id is None:
        raise ValueError("missing id")
    paper_id = _opt_str(record.get("paper_id"))
    if paper_id is None:
        raise ValueError("missing paper_id")
    name = _opt_str(record.get("name"))
    if name is None:
        raise ValueError("missing name")
    try:
        position = int(str(record.get("author_position")).strip())
    except ValueError:
        raise ValueError(f"author_position {record.get('author_position')!r} is not an integer") from None
    year_raw = _opt_str(record.get("year"))
    try:
        year = int(float(year_raw)) if year_raw is not None else None
    except ValueError:
        raise ValueError(f"year {year_raw!r} is not a number") from None
    return AuthorRow(
        id=row_id,
        paper_id=paper_id,
        author_position=position,
        name=name,
        affiliation=_opt_str(record.get("affiliation")),
        email_domain=_opt_str(record.get("email_domain")),
        year=year,
        openreview_id=_opt_str(record.get("openreview_id")),
        orcid=_opt_str(record.get("orcid")),
        dblp=_opt_str(record.get("dblp")),
    )


def resolve_records(
    records: Sequence[Mapping[str, Any]] | Any,
    config: dict[str, Any] | str | Path | Model | None = None,
    previous_ids: Mapping[str, str] | None = None,
) -> Any:
    """DuckDB-friendly wrapper: list of dicts or pyarrow Table in, pyarrow Table (id, person_id) out."""
    import pyarrow as pa

    if isinstance(records, pa.Table):
        records = records.to_pylist()
    rows = [row_from_mapping(r) for r in records]
    mapping = resolve_persons(rows, config, previous_ids)
    ids = [r.id for r in rows]
    return pa.table({"id": ids, "person_id": [mapping[i] for i in ids]})
