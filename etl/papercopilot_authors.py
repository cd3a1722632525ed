"""Read one papercopilot OpenReview author row into per-author slots, each with its own profile fields.

In the papercopilot author files (NeurIPS 2021/2022 and every ``openreview_positions`` venue-year) the
columns ``author`` and ``authorids`` follow the paper's author order, but the profile fields (``aff``,
``aff_domain``, ``position``, ``homepage``, ``dblp``, ``orcid``, ``google_scholar``, ``linkedin``,
``gender``) follow ``or_profile``: each author's canonical profile id, with aliased authors moved to the
end. Pairing the two by index gave about 10% of 2022 author slots a coauthor's affiliation, and unioning ids
by position chained different people into one profile. This module is the one place that pairs them:

1. ``authorids[i]`` with the ``or_profile`` entry equal to it;
2. then, among the leftovers, with the entry whose id *name part* (``~Trevor_Darrell2`` → ``trevor darrell``,
   accents folded, digits and punctuation dropped) is equal;
3. then with the leftover entry that shares a name token with the printed name or the id (``~Delvin_Ce_Zhang1``
   ↔ ``~Ce_Zhang3``), when exactly one leftover does;
4. then, when exactly one author and one entry are left, with each other: ``or_profile`` is meant to be a
   permutation of the paper's authors, so the last one left is that author's canonical id
   (``~Ruslan_Salakhutdinov1`` ↔ ``~Russ_Salakhutdinov1``) — unless the entry spells another author's
   printed name (the files hold a few such slips: ``~Chaobing_Song1`` left over beside Xufeng Cai).

Passes 3 and 4 never give an author an entry that spells a coauthor's name.

An author still unpaired gets no profile fields (NULL beats a coauthor's values), and is counted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

PROFILE_FIELDS: tuple[str, ...] = (
    "aff", "aff_domain", "position", "homepage", "dblp", "orcid", "google_scholar", "linkedin", "gender",
)


@dataclass(frozen=True, slots=True)
class AuthorSlot:
    """One author of one paper: the printed name and submission id, with the profile fields paired to them."""

    name: str
    authorid: str
    or_profile: str  # "" when no or_profile entry could be paired with this author
    paired_by: str  # "exact" | "name" | "token" | "last_left" | "" (unpaired)
    profile: Mapping[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.profile.get(column, "")


def _cells(row: Mapping[str, object], column: str) -> list[str]:
    raw = row.get(column)
    return [cell.strip() for cell in str(raw).split(";")] if raw else []


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def id_name_tokens(value: str) -> tuple[str, ...]:
    """Name tokens of a profile id (``~Daniel_M._Roy1`` → ``('daniel', 'm', 'roy')``); none for an email."""
    if not value.startswith("~"):
        return ()
    stem = re.sub(r"\d+$", "", value[1:])
    return tuple(token for token in re.split(r"[^a-z]+", _fold(stem)) if token)


def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(token for token in re.split(r"[^a-z]+", _fold(name)) if token)


def _key(value: str) -> str:
    return "".join(id_name_tokens(value))


def pair_author_slots(row: Mapping[str, object]) -> tuple[list[AuthorSlot], int]:
    """The row's authors in paper order with their own profile fields, and how many stayed unpaired."""
    names = _cells(row, "author")
    authorids = _cells(row, "authorids")
    entries = _cells(row, "or_profile")
    columns = {column: _cells(row, column) for column in PROFILE_FIELDS}
    authorids += [""] * (len(names) - len(authorids))

    left = set(range(len(entries)))
    chosen: dict[int, tuple[int, str]] = {}  # author index -> (or_profile index, rule)

    def take(author: int, entry: int, rule: str) -> None:
        chosen[author] = (entry, rule)
        left.discard(entry)

    by_id: dict[str, list[int]] = {}
    for index, value in enumerate(entries):
        if value:
            by_id.setdefault(value, []).append(index)
    for author, value in enumerate(authorids[: len(names)]):
        candidates = [index for index in by_id.get(value, []) if index in left] if value else []
        if candidates:
            take(author, candidates[0], "exact")

    def unpaired() -> list[int]:
        return [author for author in range(len(names)) if author not in chosen]

    for author in unpaired():
        key = _key(authorids[author])
        matches = [index for index in left if key and _key(entries[index]) == key]
        if len(matches) == 1:
            take(author, matches[0], "name")

    def someone_else(entry: int, author: int) -> bool:
        """The entry's id spells another author's printed name: never that author's alias."""
        tokens = set(id_name_tokens(entries[entry]))
        return any(other != author and tokens and tokens == set(name_tokens(names[other]))
                   for other in range(len(names)))

    def tokens_of(author: int) -> set[str]:
        mine = set(id_name_tokens(authorids[author])) | set(name_tokens(names[author]))
        return {token for token in mine if len(token) > 1}

    for author in unpaired():
        matches = [index for index in left
                   if tokens_of(author) & set(id_name_tokens(entries[index])) and not someone_else(index, author)]
        if len(matches) == 1:
            entry_tokens = set(id_name_tokens(entries[matches[0]]))
            if not any(tokens_of(other) & entry_tokens for other in unpaired() if other != author):
                take(author, matches[0], "token")

    rest = unpaired()
    if len(rest) == 1 and len(left) == 1 and not someone_else(next(iter(left)), rest[0]):
        take(rest[0], next(iter(left)), "last_left")

    slots = []
    for author, name in enumerate(names):
        entry, rule = chosen.get(author, (-1, ""))
        profile = {}
        if entry >= 0:  # a column whose cell count differs (a value holding ';') cannot be paired: left out
            profile = {column: values[entry] for column, values in columns.items()
                       if len(values) == len(entries) and values[entry]}
        slots.append(AuthorSlot(
            name=name,
            authorid=authorids[author] if author < len(authorids) else "",
            or_profile=entries[entry] if entry >= 0 else "",
            paired_by=rule,
            profile=profile,
        ))
    return slots, len(unpaired())
