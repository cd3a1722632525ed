"""Input rows and the resolver model shared by every resolution stage.

The model (weights and thresholds) is data, kept in ``model.json`` beside this file, so a change of
weights is a reviewed diff and every run can name the exact settings that produced it (``model_hash``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_MODEL_PATH = Path(__file__).with_name("model.json")
STRONG_KEY_FIELDS: tuple[str, ...] = ("openreview_id", "orcid", "dblp")
# Keys that name exactly one person: two different values are a hard cannot-link (like two authors of one
# paper). A DBLP pid is not one of them: homonyms share a DBLP page, so it links but never forbids.
EXCLUSIVE_KEY_FIELDS: tuple[str, ...] = ("openreview_id", "orcid")


@dataclass(frozen=True, slots=True)
class AuthorRow:
    """One authorship: author ``author_position`` of paper ``paper_id``.

    ``id`` must be unique across the input. Strong keys, when a source gives them, decide identity
    on their own: two rows with the same ORCID are one person whatever their names say.
    """

    id: str
    paper_id: str
    author_position: int
    name: str
    affiliation: str | None = None
    email_domain: str | None = None
    year: int | None = None
    openreview_id: str | None = None
    orcid: str | None = None
    dblp: str | None = None

    def strong_keys(self) -> tuple[str, ...]:
        """Prefixed keys ("orcid:0000-...") so ids from different registries never collide."""
        keys = []
        for field_name in STRONG_KEY_FIELDS:
            value = getattr(self, field_name)
            if value and value.strip():
                keys.append(f"{field_name}:{value.strip()}")
        return tuple(keys)


def key_kind(key: str) -> str:
    """"orcid" of "orcid:0000-..."."""
    return key.partition(":")[0]


def conflicting_keys(a: set[str] | tuple[str, ...], b: set[str] | tuple[str, ...]) -> bool:
    """True when ``a`` and ``b`` hold different values of one exclusive key kind (two OpenReview ids,
    two ORCID iDs): such rows are two people whatever else links them."""
    for kind in EXCLUSIVE_KEY_FIELDS:
        values_a = {k for k in a if key_kind(k) == kind}
        values_b = {k for k in b if key_kind(k) == kind}
        if values_a and values_b and values_a != values_b:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Model:
    """The resolver's weights, read from JSON; ``hash`` identifies the exact settings of a run."""

    params: dict[str, Any]
    hash: str

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


def load_model(config: dict[str, Any] | str | Path | None = None) -> Model:
    """Load the default model, a JSON file, or a dict already in memory (tests, tuning)."""
    if config is None:
        config = DEFAULT_MODEL_PATH
    params = json.loads(Path(config).read_text(encoding="utf-8")) if isinstance(config, (str, Path)) else dict(config)
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return Model(params=params, hash=hashlib.sha256(canonical.encode()).hexdigest()[:16])
