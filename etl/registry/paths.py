"""Where registry inputs and the built-registry cache live."""

from __future__ import annotations

import os
from pathlib import Path

from etl.paths import DATA_DIR, SHARED_DATA_DIR

REGISTRY_DATA_DIR = DATA_DIR / "registries"
DEFAULT_GOLD_DIR = SHARED_DATA_DIR / "gold" / "affiliations"


def cache_dir() -> Path:
    """Cache for built registries; TALENT_CACHE_DIR overrides (tests point it at a tmp dir if needed)."""
    env = os.environ.get("TALENT_CACHE_DIR")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "talent-tracker"
    return base
