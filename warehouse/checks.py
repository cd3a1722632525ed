"""``Check``: one named check's result, shared by ``talent status --check`` and the export checks.

It sits below both ``warehouse.status`` (warehouse checks) and ``warehouse.export.check`` (export checks), so
neither imports the other to name its results.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Check:
    """One named check: the value measured, the target it must meet, and whether it does."""

    name: str  # e.g. ``schema_version``, ``export_rows:papers``
    value: object  # what was measured
    target: str  # what it must be, as text (``0``, ``= 36``)
    ok: bool
    detail: str = ""  # why it failed, or what an operator does next


def print_checks(checks: list[Check], as_json: bool = False) -> None:
    if as_json:
        print(json.dumps([asdict(check) for check in checks], default=str))
        return
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        detail = f"  ({check.detail})" if check.detail else ""
        print(f"{mark} {check.name}: {check.value} (target {check.target}){detail}")
    failed = sum(not check.ok for check in checks)
    print(f"{len(checks) - failed} of {len(checks)} checks passed")
