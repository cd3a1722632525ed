"""Built objects cached as pickles under a key of their inputs (the registry, the name index).

Both take seconds to build and well under one to load. A cache file is written to a temporary name and
moved into place, so a reader never sees half a file; an unreadable one is reported and rebuilt.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def read_cached(path: Path) -> Any | None:
    """The object pickled at ``path``; None when there is none or it cannot be read (then it is rebuilt)."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (pickle.UnpicklingError, EOFError, AttributeError) as exc:
        log.warning("cache %s unreadable (%s); rebuilding", path, exc)
        return None


def write_cached(obj: object, path: Path) -> None:
    """Pickle ``obj`` to ``path`` atomically (temporary file in the same folder, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
