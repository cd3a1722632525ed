"""The stable CSV contract of ``talent affiliations resolve``.

IN: ``id, affiliation, email_domain`` (email_domain may be empty or absent).
OUT: one row per good input row — ``id, institution_ids, institution_names, country_codes, types,
confidence, method`` — lists ';'-separated in the order the affiliations appear, an empty element for
an affiliation that did not resolve, and all empty when nothing resolved (never a guess).

A malformed row (no id, a duplicate id, a wrong number of fields, a NUL byte) is reported on stderr with
its line number, id and problem, and skipped; the rest still resolves. A file that cannot be trusted as a
whole (header without id/affiliation, a quote left open, bytes that are not UTF-8, a field over 64k
characters) is refused with the lines named, and nothing is written (see :mod:`etl.batch_io`).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from etl.affiliations.resolver import AffiliationResolver, ResolvedAffiliation
from etl.batch_io import BOM, BatchInputError, parse_csv, require_columns

IN_COLUMNS = ("id", "affiliation", "email_domain")
OUT_COLUMNS = ("id", "institution_ids", "institution_names", "country_codes", "types", "confidence", "method")


@dataclass(frozen=True, slots=True)
class InputRow:
    """One data line of the input, numbered as the user sees it in their file (errors name it)."""

    line: int
    id: str
    affiliation: str
    email_domain: str


class InputError(BatchInputError):
    """The input as a whole cannot be read (missing header columns, broken quoting, bad bytes)."""


def parse_input(text: str, label: str = "input") -> tuple[list[InputRow], list[str]]:
    """Good rows of an input CSV and one message per malformed row (line, id, problem).

    Raises :class:`InputError` when the file as a whole cannot be trusted (see :mod:`etl.batch_io`):
    nothing is resolved or written then.
    """
    try:
        header, records = parse_csv(text, label)
        col = require_columns(header, ("id", "affiliation"), label)
    except BatchInputError as exc:
        raise InputError(exc.problems) from None
    rows: list[InputRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for record in records:
        fields, line = record.fields, record.line
        if not fields or all(not f.strip() for f in fields):
            continue
        row_id = fields[col["id"]].strip() if len(fields) > col["id"] else ""
        if len(fields) != len(header):
            problems.append(f"line {line} id={row_id or '?'}: skipped, {len(fields)} fields where the header "
                            f"has {len(header)}")
            continue
        if not row_id:
            problems.append(f"line {line}: skipped, empty id")
            continue
        if row_id in seen:
            problems.append(f"line {line} id={row_id}: skipped, duplicate id")
            continue
        if "\x00" in "".join(fields):
            problems.append(f"line {line} id={row_id}: skipped, NUL byte in a field")
            continue
        seen.add(row_id)
        domain = fields[col["email_domain"]].strip() if "email_domain" in col else ""
        rows.append(InputRow(line, row_id, fields[col["affiliation"]], domain))
    return rows, problems


def read_rows(fh: TextIO, errors: TextIO = sys.stderr) -> Iterator[InputRow]:
    """Good rows of an input CSV; malformed ones are reported to ``errors`` and skipped."""
    rows, problems = parse_input(fh.read().removeprefix(BOM))
    for problem in problems:
        print(problem, file=errors)
    yield from rows


def output_row(row_id: str, results: list[ResolvedAffiliation]) -> dict[str, str]:
    """The OUT columns for one input; lists keep affiliation order, empty where unresolved."""
    if not any(r.institution_id or r.country_code for r in results):
        return {"id": row_id, **{c: "" for c in OUT_COLUMNS[1:]}}
    return {
        "id": row_id,
        "institution_ids": ";".join(r.institution_id or "" for r in results),
        "institution_names": ";".join((r.name or "").replace(";", ",") for r in results),
        "country_codes": ";".join(r.country_code or "" for r in results),
        "types": ";".join(r.type or "" for r in results),
        "confidence": ";".join(f"{r.confidence:.3f}" if (r.institution_id or r.country_code) else ""
                               for r in results),
        "method": ";".join(r.method if (r.institution_id or r.country_code) else "" for r in results),
    }


def resolve_csv(resolver: AffiliationResolver, fh_in: TextIO, fh_out: TextIO, errors: TextIO = sys.stderr,
                rollup: bool = False) -> tuple[int, int]:
    """Resolve every good row of ``fh_in`` into ``fh_out``; return (rows written, rows resolved)."""
    rows = list(read_rows(fh_in, errors))  # the whole input is checked before a byte is written
    return write_output(resolver, rows, fh_out, errors, rollup)


def write_output(resolver: AffiliationResolver, rows: list[InputRow], fh_out: TextIO, errors: TextIO = sys.stderr,
                 rollup: bool = False) -> tuple[int, int]:
    """Write the OUT rows of checked input rows; return (rows written, rows resolved)."""
    writer = csv.DictWriter(fh_out, fieldnames=OUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = resolved = 0
    for row in rows:
        try:
            results = resolver.resolve(row.affiliation, row.email_domain or None, rollup=rollup)
        except Exception as exc:  # one bad string must not stop 100k others
            print(f"line {row.line} id={row.id}: skipped, resolver error {exc!r}", file=errors)
            continue
        out = output_row(row.id, results)
        writer.writerow(out)
        written += 1
        resolved += bool(out["institution_ids"].strip(";"))
    return written, resolved
