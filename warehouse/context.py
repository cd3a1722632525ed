"""Everything a build reads besides the raw tables, gathered once by the command that starts the build.

Models used to find their inputs themselves (an environment variable for corrections, a process-wide
cached resolver, a model file beside the code), so two builds in one process could silently differ and
no build recorded what it had read. A ``BuildContext`` is made once (``from_environment`` is the only
place the environment is read), handed to every model, and its ``input_hashes`` are stored in
``build_runs`` with the build's timings and row counts, so a figure traces back to the inputs that made it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.paths import DATA_DIR
from etl.people.corrections import DEFAULT_PATH as CORRECTIONS_FILE
from warehouse.estimates import MIN_N_DEFAULT, min_n

if TYPE_CHECKING:
    from etl.affiliations.resolver import AffiliationResolver
    from etl.people.records import Model
    from etl.registry.model import Registry

CORRECTIONS_ENV = "TALENT_CORRECTIONS"
CACHE_ENV = "TALENT_CACHE_DIR"
DEFAULT_CORRECTIONS = CORRECTIONS_FILE
DEFAULT_PEOPLE_MODEL = Path(__file__).resolve().parents[1] / "etl" / "people" / "model.json"
REGISTRY_DIR = DATA_DIR / "registries"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "talent-tracker"


def file_hash(path: Path) -> str | None:
    """SHA-256 (first 16 hex digits) of a file, or None when it does not exist."""
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(slots=False)
class BuildContext:
    """The inputs of one build. Heavy inputs (registry, resolver, people model) load on first use, once."""

    corrections_path: Path = DEFAULT_CORRECTIONS
    people_model_path: Path = DEFAULT_PEOPLE_MODEL
    registry_dir: Path = REGISTRY_DIR
    cache_dir: Path = field(default_factory=_default_cache_dir)
    warehouse_path: Path | None = None
    min_n: int = MIN_N_DEFAULT  # persons below which a figure is flagged small_n (TALENT_MIN_N)

    @classmethod
    def from_environment(cls, warehouse_path: Path | None = None, corrections_path: Path | None = None,
                         people_model_path: Path | None = None) -> BuildContext:
        """The context a command line gets: explicit arguments first, then ``TALENT_CORRECTIONS``,
        ``TALENT_CACHE_DIR`` and ``TALENT_MIN_N``, then the repository's defaults."""
        env_corrections = os.environ.get(CORRECTIONS_ENV)
        env_cache = os.environ.get(CACHE_ENV)
        return cls(
            corrections_path=Path(corrections_path or env_corrections or DEFAULT_CORRECTIONS),
            people_model_path=Path(people_model_path or DEFAULT_PEOPLE_MODEL),
            cache_dir=Path(env_cache) if env_cache else _default_cache_dir(),
            warehouse_path=warehouse_path,
            min_n=min_n(),
        )

    @cached_property
    def registry(self) -> Registry:
        return self.resolver.registry  # the one the resolver was built over: loaded once per build

    @cached_property
    def resolver(self) -> AffiliationResolver:
        from etl.affiliations.resolver import load_resolver
        return load_resolver(self.registry_dir, self.cache_dir)  # cached per (registry, cache) in the process

    @cached_property
    def people_model(self) -> Model:
        from etl.people.records import load_model
        return load_model(self.people_model_path)

    def input_hashes(self) -> dict[str, Any]:
        """What the build read, as hashes a later run can compare (None: the file is absent)."""
        from etl.registry.store import input_hash
        return {
            "people_model": self.people_model.hash,
            "registry": input_hash(self.registry_dir),
            "corrections": file_hash(self.corrections_path),
            "corrections_path": str(self.corrections_path),
            "min_n": self.min_n,
        }
