"""The resolver's name index, cached as a pickle beside the registry it was built from.

Building the index (every name key, the token blocks for fuzzy search) takes seconds; the cache key is the
registry's input hash plus the code the index depends on, so editing either rebuilds it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.affiliations.candidates import NameIndex
from etl.pickle_cache import read_cached, write_cached
from etl.registry.model import Registry
from etl.registry.paths import cache_dir as default_cache_dir

_HERE = Path(__file__).parent
# The code a pickled name index depends on: editing any of it rebuilds the index.
_INDEX_CODE_FILES = (_HERE / "candidates.py", _HERE / "normalise.py", _HERE.parent / "name_keys.py")


def index_cache_path(registry: Registry, cache_dir: Path | None = None) -> Path:
    code = b"".join(path.read_bytes() for path in _INDEX_CODE_FILES)
    key = hashlib.sha256(registry.input_hash.encode() + code).hexdigest()[:16]
    return (cache_dir or default_cache_dir()) / f"name-index-{key}.pickle"


def load_index(registry: Registry, cache_dir: Path | None = None) -> NameIndex:
    """The name index for a registry, cached next to the registry pickle (``cache_dir``, default
    :func:`etl.registry.paths.cache_dir`). A registry without an input hash is never cached."""
    path = index_cache_path(registry, cache_dir)
    if registry.input_hash:
        cached = read_cached(path)
        if cached is not None:
            return cached
    index = NameIndex(registry)
    if registry.input_hash:
        write_cached(index, path)
    return index
