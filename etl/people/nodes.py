"""Stage 1b: collapse rows that are certainly one person into nodes before any pair is scored.

Rows sharing a strong key are one node, unless they carry two different exclusive keys (two OpenReview
ids or two ORCID iDs: homonyms share a DBLP pid, and such rows must stay apart). Rows without strong keys
with the same folded spelling at the same institution domain (or, lacking a domain, the same affiliation
string) are one node too: comparing them pair by pair would only confirm it, and at 200k rows the pair
count is what costs time.

Except for a spelling the data shows two people hold (two OpenReview ids or ORCID iDs print it): then
name and institution are not enough, and the rows must share a coauthor as well. Tsinghua had two Peng
Cuis in 2020 (a professor and, in another group, the 2022 MS student ``~Peng_Cui6``); a node is never
split again, so collapsing their unkeyed 2019/2020 rows handed the professor's papers to whichever 2022
profile the student's rows linked to. Left as separate nodes, each row links by its own coauthors and the
clustering's cannot-link (two OpenReview ids) keeps the two people apart. A node never holds two rows of
one paper (two authors of one paper are never one person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from etl.people.normalise import NameParts, affiliation_key, parse_name, registrable_domain
from etl.people.records import EXCLUSIVE_KEY_FIELDS, AuthorRow, conflicting_keys, key_kind


@dataclass(slots=True)
class Node:
    """A group of rows resolved together, with the evidence the comparisons read."""

    index: int
    rows: list[int] = field(default_factory=list)
    names: set[NameParts] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    affiliations: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)
    coauthors: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    strong_keys: set[str] = field(default_factory=set)


def coarse_key(parts: NameParts) -> str:
    return f"{parts.surname_last}|{parts.first_initial}"


def coauthor_keys(parsed: Sequence[NameParts]) -> list[str | None]:
    """A key per row for recognising it as someone's coauthor, or None when it identifies nobody.

    The coarse key ("wang|x") survives initials and hyphen variants, but among Chinese and Korean names
    it is shared by dozens of people, so it is used only where the data shows one full given name behind
    it; elsewhere the full spelling is the key, and an initial-only spelling gives no key at all.
    """
    fulls: dict[str, set[str]] = {}
    for parts in parsed:
        if not parts.is_initial_only and parts.given_joined:
            fulls.setdefault(coarse_key(parts), set()).add(parts.given_joined)
    keys: list[str | None] = []
    for parts in parsed:
        coarse = coarse_key(parts)
        if len(fulls.get(coarse, ())) <= 1:
            keys.append(coarse)
        elif parts.is_initial_only or not parts.given_joined:
            keys.append(None)
        else:
            keys.append(f"{parts.surname_key}|{parts.given_joined}")
    return keys


def known_namesakes(rows: Sequence[AuthorRow], parsed: Sequence[NameParts]) -> set[str]:
    """Spellings the data shows are held by several people: two OpenReview ids or ORCID iDs."""
    holders: dict[str, set[str]] = {}
    for row, parts in zip(rows, parsed, strict=True):
        exclusive = {k for k in row.strong_keys() if key_kind(k) in EXCLUSIVE_KEY_FIELDS}
        if exclusive:
            holders.setdefault(parts.full_key, set()).update(exclusive)
    return {name for name, keys in holders.items() if len(keys) > 1}


def build_nodes(rows: Sequence[AuthorRow]) -> tuple[list[Node], list[NameParts]]:
    """Return nodes (in a deterministic order) and the parsed name of every row, by row index."""
    cache: dict[str, NameParts] = {}
    parsed: list[NameParts] = []
    for row in rows:
        parts = cache.get(row.name)
        if parts is None:
            parts = cache[row.name] = parse_name(row.name)
        parsed.append(parts)

    co_keys = coauthor_keys(parsed)
    by_paper: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_paper.setdefault(row.paper_id, []).append(i)

    namesakes = known_namesakes(rows, parsed)
    nodes: list[Node] = []
    node_of_key: dict[tuple[str, ...], list[int]] = {}
    strong_owner: dict[str, int] = {}
    # Sort so node numbering, and therefore tie-breaking downstream, does not depend on input order.
    order = sorted(range(len(rows)), key=lambda i: (rows[i].year or 0, rows[i].paper_id, rows[i].author_position))
    for i in order:
        row = rows[i]
        parts = parsed[i]
        domain = registrable_domain(row.email_domain)
        aff = affiliation_key(row.affiliation)
        target: Node | None = None
        for key in row.strong_keys():
            owner = strong_owner.get(key)
            if (owner is not None and row.paper_id not in nodes[owner].papers
                    and not conflicting_keys(row.strong_keys(), nodes[owner].strong_keys)):
                target = nodes[owner]
                break
        row_coauthors = {co_keys[j] for j in by_paper[row.paper_id] if j != i and co_keys[j] is not None}
        if target is None and not row.strong_keys() and (domain or aff):
            collapse_key = ("d", parts.full_key, domain) if domain else ("a", parts.full_key, aff)
            for candidate in node_of_key.get(collapse_key, ()):
                node = nodes[candidate]
                if row.paper_id not in node.papers and (
                        parts.full_key not in namesakes or row_coauthors & node.coauthors):
                    target = node
                    break
            if target is None:
                node_of_key.setdefault(collapse_key, []).append(len(nodes))
        if target is None:
            target = Node(index=len(nodes))
            nodes.append(target)
        target.rows.append(i)
        target.names.add(parts)
        if domain:
            target.domains.add(domain)
        if aff:
            target.affiliations.add(aff)
        target.papers.add(row.paper_id)
        if row.year is not None:
            target.years.add(row.year)
        for key in row.strong_keys():
            strong_owner.setdefault(key, target.index)
            target.strong_keys.add(key)
        target.coauthors |= row_coauthors
    return nodes, parsed
