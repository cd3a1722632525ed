"""Is this OpenReview profile this author's? A name check that guards every profile link (issue 9).

A profile id reaches an authorship three ways: printed on the paper (OpenReview ``authorids``), answered
by the API under another id (a merged account), or through a person the resolver built. Each way has
failed: the mirror paired profile fields with author ids by index, so ``~Milind_Tambe1`` answered as
``~Jackson_Albert_Killian1`` and that profile even listed "Milind Tambe" among its names. A profile whose
names share no token with the printed name is someone else's, and its education and employment would
become another person's facts.

The check is deliberately lenient about spelling and strict about identity: tokens agree across accents,
transliteration ("Iurii"/"Yury", "Aleksandr"/"Alexander", "Dou"/"Du"), short forms ("Russ"/"Ruslan",
"Lekan"/"Olalekan"), joined or hyphenated given names ("Xiu-Shen"/"Xiushen", "~HuXiaowan1"), any order; an
initial alone never counts, but an id made only of initials ("~X_Jh1") names the author whose name parts
begin with exactly those letters (Jiehui Xu).
The profile's names are its id's own name part (``~Jackson_Albert_Killian1`` → Jackson Albert Killian,
which a bad pairing cannot rewrite) and the names it lists, a listed name counting only when it agrees
with the id's name: a listed name that shares nothing with the id is the symptom of the pairing bug, not
an alias. Where the two names are in different scripts (a Han-character name against a romanised id) no
token can be compared: the link is kept and reported as explained.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
from rapidfuzz.distance import Levenshtein

from etl.people.normalise import fold

# Why a link was judged as it was; the first three keep the link.
ID_NAME = "id_name"  # the printed name shares a token with the profile id's own name
PROFILE_NAME = "profile_name"  # ... with a name the profile lists and its id agrees with
OTHER_SCRIPT = "other_script"  # no comparable (Latin-letter) tokens on one side
NO_SHARED_TOKEN = "no_shared_token"  # someone else's profile: the link is refused
KEPT = frozenset({ID_NAME, PROFILE_NAME, OTHER_SCRIPT})
EXPLAINED = frozenset({PROFILE_NAME, OTHER_SCRIPT})

_NOT_LETTER = re.compile(r"[^a-z]+")
_TRANSLIT = (("sch", "sh"), ("tch", "ch"), ("ph", "f"), ("kh", "h"), ("ks", "x"), ("cs", "x"), ("w", "v"),
             ("y", "i"), ("ou", "u"))
_DOUBLE = re.compile(r"(.)\1+")


def profile_id_name(profile_id: str | None) -> str:
    """The name an OpenReview id was made from: "~Jackson_A._Killian1" → "Jackson A. Killian"."""
    if not profile_id or not profile_id.startswith("~"):
        return ""
    name = re.sub(r"\d+$", "", profile_id[1:]).replace("_", " ")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).strip()  # "~HuXiaowan1" → "Hu Xiaowan"


def name_tokens(name: str | None) -> frozenset[str]:
    """Folded name parts of two letters or more, plus adjacent parts joined ("tie yan" → "tieyan")."""
    if not name:
        return frozenset()
    parts = [p for p in _NOT_LETTER.split(fold(name).replace("'", "").replace("\u2019", "")) if p]
    tokens = {p for p in parts if len(p) > 1}
    tokens |= {a + b for a, b in zip(parts, parts[1:], strict=False) if len(a) > 1 and len(b) > 1}
    return frozenset(tokens)


def _transliterated(token: str) -> str:
    for old, new in _TRANSLIT:
        token = token.replace(old, new)
    return _DOUBLE.sub(r"\1", token)


def tokens_agree(a: str, b: str) -> bool:
    """One name part in two spellings: equal, equal after transliteration ("dou"/"du"), a short form of at
    least four letters inside the other ("russ"/"ruslan", "lekan"/"olalekan"), or one edit apart when both
    have six letters or more."""
    if a == b:
        return True
    ta, tb = _transliterated(a), _transliterated(b)
    if ta == tb:
        return True
    short, long_ = sorted((ta, tb), key=len)
    if len(short) >= 4 and short in long_:  # "russ"/"ruslan", "lekan"/"olalekan"
        return True
    return min(len(ta), len(tb)) >= 6 and Levenshtein.distance(ta, tb) <= 1


def share_token(a: Iterable[str], b: Iterable[str]) -> bool:
    b = list(b)
    return any(tokens_agree(x, y) for x in a for y in b)


def initials(name: str | None) -> tuple[str, ...]:
    """First letters of every name part, when the name is initials only ("X Jh" → x, j); else ()."""
    parts = [p for p in _NOT_LETTER.split(fold(name or "")) if p]
    return tuple(p[0] for p in parts) if parts and all(len(p) <= 2 for p in parts) else ()


def initials_agree(initials_only: str | None, full: str | None) -> bool:
    """An id made of initials ("~X_Jh1") names an author whose parts begin with those letters, any order."""
    letters = initials(initials_only)
    starts = sorted(p[0] for p in _NOT_LETTER.split(fold(full or "")) if len(p) > 1)
    return len(letters) >= 2 and sorted(letters) == starts


def judge_link(printed: str | None, profile_id: str | None, listed_names: Sequence[str | None] = ()) -> str:
    """Reason code for linking the author printed as ``printed`` to ``profile_id`` (see module doc)."""
    printed_tokens = name_tokens(printed)
    id_tokens = name_tokens(profile_id_name(profile_id))
    if not printed_tokens or not id_tokens:
        return OTHER_SCRIPT
    if share_token(printed_tokens, id_tokens) or initials_agree(profile_id_name(profile_id), printed):
        return ID_NAME
    for listed in listed_names:
        tokens = name_tokens(listed)
        if share_token(printed_tokens, tokens) and share_token(tokens, id_tokens):
            return PROFILE_NAME
    return NO_SHARED_TOKEN


@dataclass(frozen=True, slots=True)
class ForeignProfile:
    """A person whose profile's names share no token with any name printed for them."""

    person_id: str
    printed_names: tuple[str, ...]
    profile_id: str
    profile_names: tuple[str, ...]
    reason: str


@dataclass(slots=True)
class ForeignProfiles:
    """Persons with a profile id whose names do not match theirs: refused-grade and explained apart."""

    persons_with_profile: int = 0
    unexplained: list[ForeignProfile] = field(default_factory=list)
    explained: list[ForeignProfile] = field(default_factory=list)

    def figures(self) -> dict[str, int]:
        return {"persons_with_profile": self.persons_with_profile,
                "persons_with_foreign_profile": len(self.unexplained),
                "persons_with_foreign_profile_explained": len(self.explained)}


_RANK = {ID_NAME: 0, PROFILE_NAME: 1, OTHER_SCRIPT: 2, NO_SHARED_TOKEN: 3}

PERSON_PROFILE_SQL = """
SELECT pc.person_id, pc.openreview_id,
       list(DISTINCT a.author_name ORDER BY a.author_name) FILTER (WHERE coalesce(a.author_name, '') <> '')
FROM persons_core pc
JOIN authorship_persons ap USING (person_id)
JOIN core_authorships a USING (conference, year, paper_id, author_position)
WHERE pc.openreview_id IS NOT NULL
GROUP BY ALL ORDER BY pc.person_id
"""

PROFILE_NAMES_SQL = """
SELECT profile_id, list(DISTINCT n) FILTER (WHERE n IS NOT NULL)
FROM (SELECT profile_id, unnest(list_append(coalesce(names, []), preferred_name)) AS n
      FROM stg_openreview_profiles WHERE status = 'found')
GROUP BY profile_id
"""


def _relation_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute(
        "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = $1) "
        "+ (SELECT count(*) FROM duckdb_views() WHERE view_name = $1)", [name]).fetchall()[0][0] > 0


def persons_with_foreign_profile(con: duckdb.DuckDBPyConnection) -> ForeignProfiles:
    """Persons whose profile (``persons_core.openreview_id``) shares no name token with any name printed
    for them; ``explained`` holds those kept for a stated reason (a listed name the id agrees with, or
    names in different scripts). Works on any warehouse with persons; empty when there are none."""
    result = ForeignProfiles()
    if not all(_relation_exists(con, t) for t in ("persons_core", "authorship_persons", "core_authorships")):
        return result
    listed: dict[str, list[str]] = {}
    if _relation_exists(con, "stg_openreview_profiles"):
        listed = {pid: names or [] for pid, names in con.execute(PROFILE_NAMES_SQL).fetchall()}
    for person_id, profile_id, printed in con.execute(PERSON_PROFILE_SQL).fetchall():
        result.persons_with_profile += 1
        printed = tuple(printed or ())
        names = tuple(sorted(listed.get(profile_id, [])))
        reason = min((judge_link(p, profile_id, names) for p in printed), key=_RANK.__getitem__,
                     default=OTHER_SCRIPT)
        if reason == ID_NAME:
            continue
        item = ForeignProfile(person_id, printed, profile_id, names, reason)
        (result.explained if reason in EXPLAINED else result.unexplained).append(item)
    return result
