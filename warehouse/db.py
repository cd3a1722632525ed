"""Opening the warehouse: one place that knows about the file lock, read-only mode and migrations.

DuckDB lets one process write a file at a time. A load that finds the file locked (an analyst's
read-write session, another load) waits and retries with a clear message, then fails cleanly instead
of crashing half-way.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_delay, wait_exponential

logger = logging.getLogger(__name__)


class WarehouseLockedError(RuntimeError):
    """The warehouse file stayed locked by another process for the whole wait."""


def _is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect(path: Path | str, read_only: bool = False, wait_seconds: float = 60.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to ``wait_seconds`` for another process's lock to go."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `talent load` (or `talent demo`) first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)

    def log_wait(state) -> None:  # noqa: ANN001 - tenacity's RetryCallState
        logger.warning("warehouse %s is locked by another process; retrying (attempt %d)", path, state.attempt_number)

    try:
        for attempt in Retrying(
            retry=retry_if_exception(_is_lock_error),
            stop=stop_after_delay(wait_seconds),
            wait=wait_exponential(multiplier=0.2, max=5),
            before_sleep=log_wait,
        ):
            with attempt:
                return duckdb.connect(str(path), read_only=read_only)
    except RetryError as exc:
        raise WarehouseLockedError(
            f"warehouse {path} is still locked by another process after {wait_seconds:.0f} s; "
            "close other sessions that opened it read-write and try again"
        ) from exc
    raise AssertionError("unreachable")
