"""persons_core, authorship_persons, authorship_profile_links: who each authorship is, with stable person ids.

Grain: one row per person / per authorship / per authorship carrying an OpenReview id. Person resolution
(``etl.people.person_rows``, strong keys: OpenReview profile id, ORCID, DBLP pid from the landed profiles)
runs over every authorship at every build; ids stay put because this build hands back the previous build's
authorship → person map (``person_id_map``, migration 010) and stores its own. The analyst view ``persons``
(core/persons.sql) adds name corrections.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from etl.people.integrity import KEPT
from etl.people.person_rows import Authorship, ProfileLink, person_rows, resolve_authorships, vet_authorships
from etl.people.records import Model
from warehouse.arrow_tables import replace_table
from warehouse.build import BuildReport
from warehouse.context import BuildContext

log = logging.getLogger(__name__)

AUTHORSHIP_SQL = """
SELECT a.conference, a.year, a.paper_id, a.author_position, a.author_name, a.raw_affiliation,
       a.email_domain,
       CASE WHEN a.author_source_id LIKE '~%' THEN a.author_source_id END AS requested_id,
       p.profile_id, p.orcid, p.dblp_pid, p.preferred_name, n.names AS listed_names
FROM core_authorships a
LEFT JOIN stg_authorship_profiles p USING (conference, year, paper_id, author_position)
LEFT JOIN (SELECT profile_id, flatten(list(names)) AS names FROM stg_openreview_profiles
           WHERE status = 'found' GROUP BY profile_id) n ON n.profile_id = p.profile_id
ORDER BY a.conference, a.year, a.paper_id, a.author_position
"""


def read_profile_links(con: duckdb.DuckDBPyConnection) -> tuple[list[Authorship], list[ProfileLink]]:
    """Every authorship with its vetted profile, and the judgement of each that carries an OpenReview id."""
    return vet_authorships(con.execute(AUTHORSHIP_SQL).fetchall())


def write_profile_links(con: duckdb.DuckDBPyConnection, links: list[ProfileLink]) -> None:
    """``authorship_profile_links``: each authorship's OpenReview ids and whether its profile was kept."""
    replace_table(con, "authorship_profile_links", pa.table({
        "conference": pa.array([link.key[0] for link in links], pa.string()),
        "year": pa.array([link.key[1] for link in links], pa.int32()),
        "paper_id": pa.array([link.key[2] for link in links], pa.string()),
        "author_position": pa.array([link.key[3] for link in links], pa.int32()),
        "requested_id": pa.array([link.requested_id for link in links], pa.string()),
        "profile_id": pa.array([link.profile_id for link in links], pa.string()),
        "profile_kept": pa.array([link.reason in KEPT if link.profile_id else None for link in links], pa.bool_()),
        "reason": pa.array([link.reason for link in links], pa.string()),
        "openreview_id": pa.array([link.openreview_id for link in links], pa.string()),
    }))


def previous_ids(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Person ids of the last build (``person_id_map`` comes from migration 010, which every warehouse gets)."""
    return dict(con.execute("SELECT row_id, person_id FROM person_id_map").fetchall())


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


def build_persons(con: duckdb.DuckDBPyConnection, model: Model | None = None) -> dict[str, Any]:
    """Create ``authorship_persons``, ``persons_core`` and ``authorship_profile_links``; update
    ``person_id_map``. ``model``: the people model (None: the default). Returns run figures."""
    authorships, links = read_profile_links(con)
    write_profile_links(con, links)
    mapping, figures = resolve_authorships(authorships, links, previous_ids(con), model)
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
    remember_ids(con, mapping)
    log.info("persons: %s", figures)
    return figures


def run(con: duckdb.DuckDBPyConnection, ctx: BuildContext, report: BuildReport) -> None:
    report.notes["persons"] = build_persons(con, ctx.people_model)
