"""Load the registry fast (pickle cache keyed by input hashes); the warehouse model ``core/institutions`` writes it.

Building from the vendored sources takes several seconds; a cached build loads in well under one. The
cache key is a hash of every input file and of the registry code itself, so editing either rebuilds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from etl.registry.model import Registry
from etl.registry.paths import REGISTRY_DATA_DIR, cache_dir

log = logging.getLogger(__name__)

_CODE_FILES = ("build.py", "clean_names.py", "evidence.py", "sources.py", "model.py", "curated_sites.py")
# affiliation-stage modules the build imports (name keys, name-kind ranks)
_AFFILIATION_CODE_FILES = ("normalise.py", "candidates.py")


def input_hash(data_dir: Path = REGISTRY_DATA_DIR) -> str:
    """Hash of the vendored inputs plus the code that turns them into a registry."""
    digest = hashlib.sha256()
    code_dir = Path(__file__).parent
    paths = sorted(p for p in data_dir.iterdir() if p.is_file()) + [code_dir / f for f in _CODE_FILES]
    paths.extend(code_dir.parent / "affiliations" / f for f in _AFFILIATION_CODE_FILES)
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _atomic_pickle(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load_or_build(data_dir: Path = REGISTRY_DATA_DIR, rebuild: bool = False) -> Registry:
    """The registry for these inputs: from the cache when it matches, built (and cached) otherwise."""
    from etl.registry.build import build_registry

    key = input_hash(data_dir)
    path = cache_dir() / f"registry-{key}.pickle"
    if path.exists() and not rebuild:
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("registry cache %s unreadable (%s); rebuilding", path, exc)
    registry = build_registry(data_dir)
    registry.input_hash = key
    _atomic_pickle(registry, path)
    log.info("registry cached at %s", path)
    return registry


@cache
def load_registry(data_dir: Path = REGISTRY_DATA_DIR) -> Registry:
    """Process-wide cached registry (see :func:`load_or_build`)."""
    return load_or_build(data_dir)
