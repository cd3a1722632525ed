"""``talent review`` moved to :mod:`talent.review_commands` (export, sample, import); this module keeps the
old import path working for ``talent/cli.py``'s command list until it names the new module directly."""

from talent.review_commands import EXPORT_COLUMNS, evidence_sources, export_least_certain, register

__all__ = ["EXPORT_COLUMNS", "evidence_sources", "export_least_certain", "register"]
