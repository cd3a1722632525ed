"""Opening the warehouse: one place that knows about locks, read-only mode, creation and atomic writes.

DuckDB lets one process write a file at a time, and a read-only session holds a lock a writer must wait
for. Loads and builds therefore never write the warehouse file in place: ``write_session`` copies it to
a private building file, writes there, checkpoints, and swaps it in with ``os.replace``. Readers keep the
file they opened (the old inode) until they reconnect, a build never waits for them, and a build killed
at any point leaves the warehouse exactly as it was (its building file is removed by the next writer).
Writers queue on a small lock file beside the warehouse, so two loads never race.

Only ``talent load``, ``talent build`` and ``talent demo`` may create a warehouse (``create=True``): a
mistyped ``--warehouse`` path is an error, never a new empty warehouse.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_delay, wait_exponential

logger = logging.getLogger(__name__)

BUILDING_MARK = ".building-"


class WarehouseLockedError(RuntimeError):
    """The warehouse file (or its writer lock) stayed taken by another process for the whole wait."""


class WarehouseMissingError(FileNotFoundError):
    """No warehouse at the given path, and the command may not create one."""


def _is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def missing_message(path: Path) -> str:
    return (f"no warehouse at {path}: check --warehouse (only `talent load`, `talent build` and `talent demo` "
            "create one)")


def connect(
    path: Path | str, read_only: bool = False, wait_seconds: float = 60.0, create: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse in place, waiting up to ``wait_seconds`` for another process's lock to go.

    Writers should prefer ``write_session``; this is for reading and for tools that write in place.
    ``create=False`` refuses a path with no warehouse (a read-only open always does).
    """
    path = Path(path)
    if not path.exists() and (read_only or not create):
        raise WarehouseMissingError(missing_message(path))
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
        mode = "read" if read_only else "write"
        raise WarehouseLockedError(
            f"could not open {path} to {mode}: still locked by another process after {wait_seconds:.0f} s "
            f"(a session holding it read-only or read-write). `talent load` and `talent build` never wait for "
            "readers (they write a copy and swap it in); close other sessions to open the file in place."
        ) from exc
    raise AssertionError("unreachable")


def building_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{BUILDING_MARK}{os.getpid()}")


def stale_building_files(path: Path) -> list[Path]:
    """Building files left by killed writers (their content never reached the warehouse)."""
    return sorted(path.parent.glob(f".{path.name}{BUILDING_MARK}*"))


@contextmanager
def writer_lock(path: Path, wait_seconds: float = 600.0) -> Iterator[None]:
    """One writer at a time per warehouse, queued on ``<warehouse>.writer.lock`` (released if killed)."""
    lock_path = path.with_name(path.name + ".writer.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        deadline = time.monotonic() + wait_seconds
        warned = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseLockedError(
                        f"another load or build of {path} has been running for over {wait_seconds:.0f} s"
                    ) from None
                if not warned:
                    logger.warning("another load or build of %s is running; waiting for it to finish", path)
                    warned = True
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def write_session(path: Path | str, create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the warehouse that replaces it atomically when the block ends.

    An exception (or a kill) inside the block leaves the warehouse untouched. Migrations run on the copy.
    """
    from warehouse.migrate import migrate

    path = Path(path)
    if not path.exists() and not create:
        raise WarehouseMissingError(missing_message(path))
    with writer_lock(path):
        for stale in stale_building_files(path):
            logger.warning("removing %s, left by a load or build that did not finish", stale)
            stale.unlink(missing_ok=True)
            Path(f"{stale}.wal").unlink(missing_ok=True)
        staging = building_path(path)
        if path.exists():
            if Path(f"{path}.wal").exists():  # written in place and not checkpointed: fold the log in first
                con = connect(path)
                con.execute("CHECKPOINT")
                con.close()
            shutil.copyfile(path, staging)
        con = duckdb.connect(str(staging))
        try:
            migrate(con)
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            staging.unlink(missing_ok=True)
            Path(f"{staging}.wal").unlink(missing_ok=True)
            raise
        con.close()
        os.replace(staging, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
