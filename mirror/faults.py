"""Scripted upstream misbehaviour, so retry, back-off and parser-robustness code can be tested for real.

A rule matches requests by a regex searched in the request target (path and query string) and fires for
its first ``times`` matches (``None``: every match). Rules are consulted in order; the first live
matching rule wins, so "three 503s, then a 429" is two rules on the same path.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

FaultKind = Literal["429", "503", "slow", "truncate", "malformed"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


@dataclass(slots=True)
class FaultRule:
    path: str
    kind: FaultKind
    times: int | None = 1
    retry_after: float | None = None  # seconds; 429 always sends Retry-After (default 1), 503 only if set
    delay: float = 1.0  # seconds, for "slow"
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.kind = str(self.kind)  # type: ignore[assignment]  # JSON may send 429 as a number
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {self.kind!r} is not one of {', '.join(FAULT_KINDS)}")
        # Rules arrive as JSON over HTTP too: check types here, not when a request trips on them.
        if self.times is not None and (isinstance(self.times, bool) or not isinstance(self.times, int)):
            raise ValueError(f"fault times must be a whole number or null, got {self.times!r}")
        for name in ("retry_after", "delay"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ValueError(f"fault {name} must be a number of seconds, got {value!r}")
        if self.times is not None and self.times < 0:
            raise ValueError(f"fault times must be >= 0 or None, got {self.times}")
        try:
            self._pattern = re.compile(self.path)
        except re.error as exc:
            raise ValueError(f"fault path {self.path!r} is not a valid regex: {exc}") from exc

    def matches(self, target: str) -> bool:
        return self._pattern.search(target) is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_pattern", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        known = {"path", "kind", "times", "retry_after", "delay"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault rule fields: {sorted(unknown)}")
        return cls(**data)

    @classmethod
    def parse(cls, spec: str) -> FaultRule:
        """CLI form ``kind=429,path=^/notes,times=3,retry_after=2`` (``times=all`` = every match) or JSON."""
        if spec.lstrip().startswith("{"):
            return cls.from_dict(json.loads(spec))
        data: dict[str, Any] = {}
        for part in spec.split(","):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"fault rule part {part!r} is not key=value (in {spec!r})")
            key = key.strip()
            if key == "times":
                data[key] = None if value in ("all", "none", "") else int(value)
            elif key in ("retry_after", "delay"):
                data[key] = float(value)
            else:
                data[key] = value
        return cls.from_dict(data)


class FaultPlan:
    """Thread-safe list of rules with the number of firings each has left."""

    def __init__(self, rules: list[FaultRule] | tuple[FaultRule, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._rules: list[tuple[FaultRule, list[int | None]]] = []
        self.replace(rules)

    def replace(self, rules: list[FaultRule] | tuple[FaultRule, ...]) -> None:
        with self._lock:
            self._rules = [(rule, [rule.times]) for rule in rules]

    def clear(self) -> None:
        self.replace(())

    def take(self, target: str) -> FaultRule | None:
        """The rule that fires for this request, if any, counting the firing."""
        with self._lock:
            for rule, remaining in self._rules:
                left = remaining[0]
                if (left is None or left > 0) and rule.matches(target):
                    if left is not None:
                        remaining[0] = left - 1
                    return rule
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**rule.to_dict(), "remaining": remaining[0]} for rule, remaining in self._rules]

    @classmethod
    def coerce(cls, faults: FaultPlan | list[FaultRule] | tuple[FaultRule, ...] | None) -> FaultPlan:
        return faults if isinstance(faults, FaultPlan) else cls(list(faults or ()))
