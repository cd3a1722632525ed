"""The stable CSV contract of ``talent affiliations resolve``.

IN: ``id, affiliation, email_domain`` (email_domain may be empty or absent).
OUT: one row per good input row — ``id, institution_ids, institution_names, country_codes, types,
confidence, method`` — lists ';'-separated in the order the affiliations appear, an empty element for
an affiliation that did not resolve, and all empty when nothing resolved (never a guess).

A malformed row (no id, a duplicate id, a wrong number of fields, undecodable text) is reported on
stderr with its line number, id and problem, and skipped; the rest still resolves.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from etl.affiliations.resolver import AffiliationResolver, ResolvedAffiliation

IN_COLUMNS = ("id", "affiliation", "email_domain")
OUT_COLUMNS = ("id", "institution_ids", "institution_names", "country_codes", "types", "confidence", "method")


@dataclass(frozen=True, slots=True)
class InputRow:
    line: int
    id: str
    affiliation: str
    email_domain: str


class InputError(ValueError):
    """The input as a whole cannot be read (missing header columns)."""


def read_rows(fh: TextIO, errors: TextIO = sys.stderr) -> Iterator[InputRow]:
    """Good rows of an input CSV; malformed ones are reported to ``errors`` and skipped."""
    reader = csv.reader(fh)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    missing = [c for c in ("id", "affiliation") if c not in header]
    if missing:
        raise InputError(f"input header lacks column(s) {', '.join(missing)}; got {header}")
    col = {name: header.index(name) for name in IN_COLUMNS if name in header}
    seen: set[str] = set()
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            print(f"line {reader.line_num}: skipped, unreadable CSV ({exc})", file=errors)
            continue
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        row_id = fields[col["id"]].strip() if len(fields) > col["id"] else ""
        if len(fields) != len(header):
            print(f"line {line} id={row_id or '?'}: skipped, {len(fields)} fields where the header has "
                  f"{len(header)}", file=errors)
            continue
        if not row_id:
            print(f"line {line}: skipped, empty id", file=errors)
            continue
        if row_id in seen:
            print(f"line {line} id={row_id}: skipped, duplicate id", file=errors)
            continue
        if "\x00" in "".join(fields):
            print(f"line {line} id={row_id}: skipped, NUL byte in a field", file=errors)
            continue
        seen.add(row_id)
        domain = fields[col["email_domain"]].strip() if "email_domain" in col else ""
        yield InputRow(line, row_id, fields[col["affiliation"]], domain)


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
    writer = csv.DictWriter(fh_out, fieldnames=OUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = resolved = 0
    for row in read_rows(fh_in, errors):
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
