"""Load the registry fast (pickle cache keyed by input hashes); the warehouse model ``core/institutions`` writes it.

Building from the vendored sources takes several seconds; a cached build loads in well under one. The
cache key is a hash of every input file and of the registry code itself, so editing either rebuilds.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from etl.pickle_cache import read_cached, write_cached
from etl.registry.build import build_registry
from etl.registry.model import Registry
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.paths import cache_dir as default_cache_dir

log = logging.getLogger(__name__)

_CODE_FILES = ("build.py", "builder.py", "clean_names.py", "curated_sites.py", "domain_acronyms.py", "domains.py",
               "evidence.py", "evidence_merge.py", "model.py", "short_forms.py", "sources.py")
# the name keys registry names are stored under (shared with the affiliation resolver)
_SHARED_CODE_FILES = ("name_keys.py",)


def input_hash(data_dir: Path = REGISTRY_DATA_DIR) -> str:
    """Hash of the vendored inputs plus the code that turns them into a registry."""
    digest = hashlib.sha256()
    code_dir = Path(__file__).parent
    paths = sorted(p for p in data_dir.iterdir() if p.is_file()) + [code_dir / f for f in _CODE_FILES]
    paths.extend(code_dir.parent / f for f in _SHARED_CODE_FILES)
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_or_build(data_dir: Path = REGISTRY_DATA_DIR, rebuild: bool = False,
                  cache_dir: Path | None = None) -> Registry:
    """The registry for these inputs: from the cache when it matches, built (and cached) otherwise.

    ``cache_dir`` defaults to :func:`etl.registry.paths.cache_dir` (``TALENT_CACHE_DIR`` or the user cache).
    """
    key = input_hash(data_dir)
    path = (cache_dir or default_cache_dir()) / f"registry-{key}.pickle"
    cached = None if rebuild else read_cached(path)
    if cached is not None:
        return cached
    registry = build_registry(data_dir)
    registry.input_hash = key
    write_cached(registry, path)
    log.info("registry cached at %s", path)
    return registry


@cache
def load_registry(data_dir: Path = REGISTRY_DATA_DIR) -> Registry:
    """Process-wide cached registry (see :func:`load_or_build`)."""
    return load_or_build(data_dir)
