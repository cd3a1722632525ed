"""Where the repository's own data lives: the one place that computes the repository root.

Code reads its vendored inputs (registries, corrections, reference tables, fixtures) relative to the
checkout, so a fresh clone works without configuration. Every module asks here instead of counting
``parents[...]`` itself, which breaks silently when a module moves.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
SHARED_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
