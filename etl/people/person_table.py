"""Warehouse step: authorships → persons, with ids that survive rebuilds.

Every build re-runs the colleague's resolver (:func:`etl.people.resolve_persons`) over all authorships,
so a better model or new papers can merge or split people. Ids stay put because the previous build's
authorship → person map (``person_id_map``, created by migration 010) is handed back as
``previous_ids``; analyst corrections keyed by person id therefore keep applying after a re-crawl.

Strong keys: an OpenReview ``~`` id is replaced by the profile id the API answered with (an old
username and the current one are one person) when ``stg_authorship_profiles`` accepts that profile, and
the profile's ORCID and DBLP pid join it. Two different OpenReview profile ids (or ORCID iDs) are never one
person; the build checks it and logs an error naming any person that still carries several.

An authorship printed without a name (``author_name`` empty) is still an authorship of the paper: when its
OpenReview profile gives a name, that name is resolved; otherwise it is its own person, with an id derived
from the authorship key (stable across rebuilds), counted in the run figures as ``unnamed_authorships``.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from etl.duckdb_tables import replace_table
from etl.people.ids import derived_id
from etl.people.records import AuthorRow
from etl.people.resolve import resolve_with_report

log = logging.getLogger(__name__)

AUTHORSHIP_SQL = """
SELECT a.conference, a.year, a.paper_id, a.author_position, a.author_name, a.raw_affiliation,
       a.email_domain,
       CASE WHEN a.author_source_id LIKE '~%' THEN coalesce(p.profile_id, a.author_source_id) END AS openreview_id,
       p.orcid, p.dblp_pid, p.preferred_name
FROM core_authorships a
LEFT JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
ORDER BY a.conference, a.year, a.paper_id, a.author_position
"""


def row_id(conference: str, year: int, paper_id: str, position: int) -> str:
    """Authorship key used in person_id_map and passed to the resolver."""
    return f"{conference}/{year}/{paper_id}/{position}"


@dataclass(slots=True)
class Authorship:
    conference: str
    year: int
    paper_id: str
    author_position: int
    name: str
    affiliation: str | None
    email_domain: str | None
    openreview_id: str | None
    orcid: str | None
    dblp: str | None
    profile_name: str | None

    @property
    def resolvable_name(self) -> str | None:
        """The printed name, else the linked profile's preferred name; None when neither exists."""
        return (self.name or "").strip() or (self.profile_name or "").strip() or None

    @property
    def key(self) -> str:
        return row_id(self.conference, self.year, self.paper_id, self.author_position)

    def author_row(self) -> AuthorRow:
        return AuthorRow(
            id=self.key,
            # paper ids are unique per source, not across conferences and years
            paper_id=f"{self.conference}/{self.year}/{self.paper_id}",
            author_position=self.author_position,
            name=self.resolvable_name or "",
            affiliation=self.affiliation,
            email_domain=self.email_domain,
            year=self.year,
            openreview_id=self.openreview_id,
            orcid=self.orcid,
            dblp=self.dblp,
        )


def read_authorships(con: duckdb.DuckDBPyConnection) -> list[Authorship]:
    """Every authorship, those printed without a name included (``name`` is then '')."""
    return [Authorship(*row[:4], row[4] or "", *row[5:]) for row in con.execute(AUTHORSHIP_SQL).fetchall()]


def unnamed_person_id(authorship: Authorship) -> str:
    """Deterministic id of the one-authorship person behind a nameless authorship."""
    return derived_id(f"unnamed:{authorship.key}")


def persons_with_several_ids(authorships: list[Authorship], mapping: dict[str, str]
                             ) -> dict[str, dict[str, list[str]]]:
    """Persons carrying two or more OpenReview profile ids or ORCID iDs: person -> kind -> sorted values.

    Resolution treats them as cannot-links, so this should be empty; the build logs an error otherwise.
    """
    seen: dict[str, dict[str, set[str]]] = {}
    for a in authorships:
        for kind, value in (("openreview_id", a.openreview_id), ("orcid", a.orcid)):
            if value:
                seen.setdefault(mapping[a.key], {}).setdefault(kind, set()).add(value)
    return {person: {kind: sorted(values) for kind, values in kinds.items() if len(values) > 1}
            for person, kinds in sorted(seen.items()) if any(len(v) > 1 for v in kinds.values())}


def previous_ids(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Person ids of the last build (``person_id_map`` comes from migration 010, which every warehouse
    gets: ``warehouse.migrate`` fills gaps in the numbering)."""
    return dict(con.execute("SELECT row_id, person_id FROM person_id_map").fetchall())


def _most_common(values: list[Any]) -> Any:
    """Most frequent non-empty value; ties go to the longest, then the smallest (deterministic)."""
    counts = Counter(value for value in values if value)
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], -len(str(value)), str(value)))


def person_rows(authorships: list[Authorship], mapping: dict[str, str]) -> dict[str, list]:
    """One row per person: a display name, strong keys, paper counts and active years."""
    grouped: dict[str, list[Authorship]] = {}
    for authorship in authorships:
        grouped.setdefault(mapping[authorship.key], []).append(authorship)
    columns: dict[str, list] = {name: [] for name in (
        "person_id", "name", "openreview_id", "orcid", "dblp", "n_papers", "first_year", "last_year")}
    for person_id in sorted(grouped):
        rows = grouped[person_id]
        columns["person_id"].append(person_id)
        columns["name"].append(_most_common([r.profile_name for r in rows]) or _most_common([r.name for r in rows]))
        columns["openreview_id"].append(_most_common([r.openreview_id for r in rows]))
        columns["orcid"].append(_most_common([r.orcid for r in rows]))
        columns["dblp"].append(_most_common([r.dblp for r in rows]))
        columns["n_papers"].append(len({(r.conference, r.year, r.paper_id) for r in rows}))
        columns["first_year"].append(min(r.year for r in rows))
        columns["last_year"].append(max(r.year for r in rows))
    return columns


def remember_ids(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> None:
    """Upsert this build's authorship → person map; rows of authorships no longer present are kept."""
    now = datetime.now(UTC)
    table = pa.table({"row_id": list(mapping), "person_id": list(mapping.values())})
    con.register("_people_ids", table)
    try:
        con.execute(
            """INSERT INTO person_id_map
               SELECT row_id, person_id, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ FROM _people_ids
               ON CONFLICT (row_id) DO UPDATE SET
                   first_assigned_at = CASE WHEN person_id_map.person_id = excluded.person_id
                                            THEN person_id_map.first_assigned_at ELSE excluded.first_assigned_at END,
                   person_id = excluded.person_id,
                   last_seen_at = excluded.last_seen_at""",
            [now, now],
        )
    finally:
        con.unregister("_people_ids")


def build_persons(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Create ``authorship_persons`` and ``persons_core``; update ``person_id_map``. Returns run figures."""
    authorships = read_authorships(con)
    before = previous_ids(con)
    named = [a for a in authorships if a.resolvable_name]
    unnamed = [a for a in authorships if not a.resolvable_name]
    mapping, report = resolve_with_report((a.author_row() for a in named), previous_ids=before)
    for authorship in unnamed:
        mapping[authorship.key] = unnamed_person_id(authorship)
    if unnamed:
        log.warning("persons: %d authorships have no printed name and no profile name; each is its own person",
                    len(unnamed))
    several = persons_with_several_ids(authorships, mapping)
    for person, kinds in several.items():
        log.error("persons: %s carries several strong ids %s (two people merged)", person, kinds)
    replace_table(con, "authorship_persons", pa.table({
        "conference": pa.array([a.conference for a in authorships], pa.string()),
        "year": pa.array([a.year for a in authorships], pa.int32()),
        "paper_id": pa.array([a.paper_id for a in authorships], pa.string()),
        "author_position": pa.array([a.author_position for a in authorships], pa.int32()),
        "person_id": pa.array([mapping[a.key] for a in authorships], pa.string()),
    }))
    columns = person_rows(authorships, mapping)
    replace_table(con, "persons_core", pa.table({
        "person_id": pa.array(columns["person_id"], pa.string()),
        "name": pa.array(columns["name"], pa.string()),
        "openreview_id": pa.array(columns["openreview_id"], pa.string()),
        "orcid": pa.array(columns["orcid"], pa.string()),
        "dblp": pa.array(columns["dblp"], pa.string()),
        "n_papers": pa.array(columns["n_papers"], pa.int32()),
        "first_year": pa.array(columns["first_year"], pa.int32()),
        "last_year": pa.array(columns["last_year"], pa.int32()),
    }))
    kept = sum(1 for key, person in mapping.items() if before.get(key) == person)
    remember_ids(con, mapping)
    figures = {**report.to_dict(), "ids_kept_from_previous_build": kept, "previous_rows": len(before),
               "unnamed_authorships": len(unnamed), "persons_with_several_profile_ids": len(several)}
    if several:
        figures["persons_with_several_profile_ids_sample"] = dict(list(several.items())[:10])
    log.info("persons: %s", figures)
    return figures
