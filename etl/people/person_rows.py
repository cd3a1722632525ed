"""Authorships → persons, with ids that survive rebuilds (pure: rows in, rows out).

Every build re-runs the colleague's resolver (:func:`etl.people.resolve_persons`) over all authorships,
so a better model or new papers can merge or split people. Ids stay put because the previous build's
authorship → person map (``person_id_map``, created by migration 010) is handed back as
``previous_ids`` by the warehouse model ``warehouse/models/core/persons_core.py``; analyst corrections keyed
by person id therefore keep applying after a re-crawl.

Strong keys: an OpenReview ``~`` id is replaced by the profile id the API answered with (an old
username and the current one are one person) when ``stg_authorship_profiles`` accepts that profile, and
the profile's ORCID and DBLP pid join it — but only when the profile names the author
(``etl.people.integrity.judge_link``): a profile whose names share no token with the printed name is
someone else's, and its id, ORCID, DBLP pid and name are dropped (the id printed on the paper is kept when
it names the author). Every judgement lands in ``authorship_profile_links``; readers of profile data for an
authorship should take it only ``WHERE profile_kept``. Two different OpenReview profile ids (or ORCID iDs)
are never one person; the build checks it and logs an error naming any person that still carries several.

Ids the virtual site derives from the printed name (``virtual:…``, one per spelling, shared by namesakes)
are never strong keys: only ``~`` ids are.

An authorship printed without a name (``author_name`` empty) is still an authorship of the paper: when its
OpenReview profile gives a name, that name is resolved; otherwise it is its own person, with an id derived
from the authorship key (stable across rebuilds), counted in the run figures as ``unnamed_authorships``.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from etl.people.ids import derived_id
from etl.people.integrity import KEPT, judge_link
from etl.people.records import AuthorRow, Model
from etl.people.resolve import resolve_with_report

log = logging.getLogger(__name__)

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


@dataclass(frozen=True, slots=True)
class ProfileLink:
    """How one authorship's OpenReview ids were judged (``etl.people.integrity.judge_link``)."""

    key: tuple[str, int, str, int]
    requested_id: str | None
    profile_id: str | None
    reason: str | None  # for the answered profile; None when no profile answered
    openreview_id: str | None  # the id resolution uses: the profile's, else the paper's own, else none


def vet_profile(name: str, requested_id: str | None, profile_id: str | None, listed: list[str]
                ) -> tuple[str | None, str | None, bool]:
    """(reason for the profile, id to resolve with, keep the profile's data?).

    A profile whose names share no token with the printed name is someone else's (issue 9: a mirror
    pairing bug made ``~Jackson_Albert_Killian1`` answer for Milind Tambe): its id, ORCID, DBLP pid and
    name are dropped. The id printed on the paper is still the author's own when it names them.
    """
    reason = judge_link(name, profile_id, listed) if profile_id else None
    if reason in KEPT:
        return reason, profile_id, True
    own = requested_id if requested_id and judge_link(name, requested_id) in KEPT else None
    return reason, own, False


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


def vet_authorships(rows: list[tuple]) -> tuple[list[Authorship], list[ProfileLink]]:
    """Every authorship (those printed without a name included: ``name`` is then '') with its vetted profile,
    and the judgement of each authorship that carries an OpenReview id. ``rows``: conference, year, paper_id,
    position, printed name, affiliation, email domain, requested ``~`` id, answered profile id, ORCID, DBLP pid,
    preferred name and the profile's listed names."""
    authorships: list[Authorship] = []
    links: list[ProfileLink] = []
    for (conference, year, paper_id, position, name, affiliation, domain, requested, profile, orcid, dblp,
         preferred, listed) in rows:
        name = name or ""
        reason, openreview_id, keep = vet_profile(name, requested, profile,
                                                  [n for n in (listed or []) + [preferred] if n])
        if not keep:
            orcid = dblp = preferred = None
        authorships.append(Authorship(conference, year, paper_id, position, name, affiliation, domain,
                                      openreview_id, orcid, dblp, preferred))
        if requested or profile:
            links.append(ProfileLink((conference, year, paper_id, position), requested, profile, reason,
                                     openreview_id))
    return authorships, links


def resolve_authorships(authorships: list[Authorship], links: list[ProfileLink], before: dict[str, str],
                        model: Model | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """Authorship key → person id (previous ids handed back; ``model`` None: the default people model), and
    the run figures."""
    refused = [link for link in links if link.profile_id and link.reason not in KEPT]
    for link in refused[:20]:
        log.warning("persons: profile %s refused for %s (its names share no token with the printed name)",
                    link.profile_id, "/".join(map(str, link.key)))
    named = [a for a in authorships if a.resolvable_name]
    unnamed = [a for a in authorships if not a.resolvable_name]
    mapping, report = resolve_with_report((a.author_row() for a in named), model, previous_ids=before)
    for authorship in unnamed:
        mapping[authorship.key] = unnamed_person_id(authorship)
    if unnamed:
        log.warning("persons: %d authorships have no printed name and no profile name; each is its own person",
                    len(unnamed))
    several = persons_with_several_ids(authorships, mapping)
    for person, kinds in several.items():
        log.error("persons: %s carries several strong ids %s (two people merged)", person, kinds)
    kept = sum(1 for key, person in mapping.items() if before.get(key) == person)
    figures = {**report.to_dict(), "ids_kept_from_previous_build": kept, "previous_rows": len(before),
               "unnamed_authorships": len(unnamed), "persons_with_several_profile_ids": len(several),
               "profiles_refused_no_shared_token": len(refused)}
    if several:
        figures["persons_with_several_profile_ids_sample"] = dict(list(several.items())[:10])
    return mapping, figures
