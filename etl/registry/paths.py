"""Where registry inputs and the built-registry cache live."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
REGISTRY_DATA_DIR = REPO_ROOT / "data" / "registries"
DEFAULT_GOLD_DIR = REPO_ROOT.parent / "shared" / "data" / "gold" / "affiliations"


def cache_dir() -> Path:
    """Cache for built registries; TALENT_CACHE_DIR overrides (tests point it at a tmp dir if needed)."""
    env = os.environ.get("TALENT_CACHE_DIR")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "talent-tracker"
    return base
