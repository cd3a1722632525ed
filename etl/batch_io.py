"""Safe file handling for the batch CLIs (``affiliations resolve``, ``authors resolve``, ``education extract``).

A batch command run from cron must never lose data in silence: not the input (``--out`` pointing at it,
directly or through a link), not an earlier output (a bad header found after the output was truncated),
not rows (an unbalanced quote swallowing the rest of a CSV, undecodable bytes turned into U+FFFD). So
every command follows the same order, with the helpers here:

1. :func:`check_paths` — refuse a missing input, an output that is the input (same inode), a folder,
   or a special file, before anything is opened for writing;
2. :func:`read_text` — the whole input decoded strictly as UTF-8 (a BOM accepted by every command
   alike); a bad byte is an error naming its line, never a replacement character;
3. :func:`parse_csv` — records with the line each starts on; a field that spans lines, a quote left
   open, or a field past :data:`MAX_FIELD_CHARS` stops the run with the line numbers;
4. :func:`atomic_output` — the output goes to a temporary file in the same folder and is renamed over
   the target only when the command finished, so a failed run leaves the previous output untouched.

Problems that make the file as a whole unreadable raise :class:`BatchInputError` (the command prints
it and exits 2, writing nothing); problems of one row are the command's business (reported by line
and skipped, as each command's contract says).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

BOM = "\ufeff"
MAX_FIELD_CHARS = 65_536  # an affiliation, a name, an id: a field this long is a broken file, not data
MAX_REPORTED = 20  # problems listed before "and N more"
EXIT_REFUSED = 2


class BatchInputError(ValueError):
    """The input or the paths cannot be used: nothing is written. ``str()`` is the message to print."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:MAX_REPORTED]
        more = len(self.problems) - len(shown)
        super().__init__("\n".join(shown) + (f"\n… and {more} more" if more > 0 else ""))


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One CSV record and the physical line it starts on (1-based, the header is line 1)."""

    line: int
    fields: list[str]


# -- paths ----------------------------------------------------------------------------------------------
def check_paths(source: Path, target: Path, others: Sequence[tuple[str, Path]] = ()) -> None:
    """Refuse unusable paths before anything is read or written.

    ``others`` are further inputs the command reads (``("--previous", path)``): each must exist and be
    a file. The target may be one of them (``--previous out.csv --out out.csv`` updates in place: the
    previous file is read whole before the new one is renamed over it), but never the main input.
    """
    problems: list[str] = []
    for option, path in (("--in", source), *others):
        if not path.exists():
            problems.append(f"{option} {path}: no such file")
        elif path.is_dir():
            problems.append(f"{option} {path}: is a folder, not a file")
    if target.is_dir():
        problems.append(f"--out {target}: is a folder; give the path of a file to write")
    elif target.exists() and not stat.S_ISREG(target.stat().st_mode):
        problems.append(f"--out {target}: is not a regular file; refusing to replace it")
    elif source.exists() and _same_file(source, target):
        problems.append(f"--out {target} is the input file {source} (same file); refusing to overwrite it")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        problems.append(f"--out {target}: {parent} is a file, not a folder")
    if problems:
        raise BatchInputError(problems)


def _same_file(a: Path, b: Path) -> bool:
    """Same inode (hard link, symlink, another spelling of the path), or the same resolved path."""
    try:
        if b.exists() and os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return a.resolve() == b.resolve()


# -- reading --------------------------------------------------------------------------------------------
def read_text(path: Path, option: str = "--in") -> str:
    """The file decoded as UTF-8, a leading BOM dropped; undecodable bytes are an error naming the line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BatchInputError(f"{option} {path}: cannot read ({exc.strerror or exc})") from None
    return decode_utf8(data, str(path))


def decode_utf8(data: bytes, label: str) -> str:
    """Strict UTF-8 (BOM optional). Lists every line holding a byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start:exc.start + 1].hex()
                problems.append(f"{label}: line {number}: byte 0x{bad} at column {exc.start + 1} is not UTF-8 "
                                "(save the file as UTF-8)")
        raise BatchInputError(problems or [f"{label}: not UTF-8"]) from None
    return text.removeprefix(BOM)


def parse_csv(text: str, label: str, max_field: int = MAX_FIELD_CHARS) -> tuple[list[str], list[CsvRecord]]:
    """Header and records of a CSV, each with its first line number; the file is refused when broken.

    None of the batch inputs has a value that spans lines, so a field holding a line break means a quote
    was left open and the following lines were swallowed into it: that is an error naming the lines,
    never a row quietly merged into another.
    """
    stream = io.StringIO(text, newline="")
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, len(text) + 1))  # our own limit below names the line
    problems: list[str] = []
    records: list[CsvRecord] = []
    try:
        reader = csv.reader(stream, strict=True)
        start = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise BatchInputError(f"{label}: line {start}: unreadable CSV ({exc}); an unbalanced quote? "
                                      "nothing written") from None
            end = reader.line_num
            for position, value in enumerate(fields, start=1):
                if "\n" in value or "\r" in value:
                    problems.append(f"{label}: line {start}: field {position} runs over lines {start}-{end} "
                                    "(an unbalanced quote?)")
                    break
                if len(value) > max_field:
                    problems.append(f"{label}: line {start}: field {position} is {len(value):,} characters "
                                    f"(limit {max_field:,})")
                    break
            records.append(CsvRecord(start, fields))
            start = end + 1
    finally:
        csv.field_size_limit(previous_limit)
    if problems:
        raise BatchInputError([*problems, f"{label}: nothing written"])
    if not records:
        raise BatchInputError(f"{label}: empty file, no header")
    header = [h.strip().lower() for h in records[0].fields]
    return header, records[1:]


def require_columns(header: list[str], required: Sequence[str], label: str) -> dict[str, int]:
    """Column positions; a missing required column (or a repeated one) refuses the file."""
    missing = [c for c in required if c not in header]
    if missing:
        raise BatchInputError(f"{label}: line 1: header lacks column(s) {', '.join(missing)}; got "
                              f"{', '.join(header) or '(nothing)'}")
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise BatchInputError(f"{label}: line 1: column(s) {', '.join(repeated)} appear more than once")
    return {name: i for i, name in enumerate(header)}


def split_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of a text file, split on ``\\n`` only (JSON may hold U+2028 raw)."""
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


# -- writing --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[TextIO]:
    """A text handle on a temporary file beside ``target``, renamed over it when the block succeeds.

    On any error (or Ctrl-C) the temporary file is removed and ``target`` keeps what it had before.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BatchInputError(f"--out {target}: cannot write there ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
