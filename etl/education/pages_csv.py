"""Homepage pages (JSON Lines) → degree statements (CSV rows): the file side of ``talent education extract``.

IN: JSON Lines, one page a line: ``{"id": ..., "url": ..., "html": ...}``.
OUT: one row per statement — ``id, stage, institution_name, institution_id, country_code, start_year,
end_year, confidence, evidence`` — ``stage`` in undergrad|masters|phd, empty id/country where the school
did not resolve (never a guess); a page that states no degree has no row. A bad line (not JSON, no id, no
html string) is reported with its line number and skipped, so one broken page never costs the rest.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from etl.batch_io import BOM, split_lines

OUT_COLUMNS = ("id", "stage", "institution_name", "institution_id", "country_code", "start_year", "end_year",
               "confidence", "evidence")


def read_pages(fh: TextIO | str, errors: TextIO) -> Iterator[tuple[str, str]]:
    """(id, html) of each good line; a bad line is reported with its number and skipped.

    ``fh`` is an open file or the whole text (already strictly decoded, see :func:`etl.batch_io.read_text`);
    lines are split on ``\\n`` only, so a raw U+2028 inside a JSON string does not cut a page in two.
    """
    text = fh if isinstance(fh, str) else fh.read()
    for number, raw in split_lines(text.removeprefix(BOM)):
        if not raw.strip():
            continue
        try:
            page = json.loads(raw)
        except ValueError as exc:
            print(f"line {number}: not JSON ({exc.__class__.__name__}: {exc}); skipped", file=errors)
            continue
        if not isinstance(page, dict):
            print(f"line {number}: not a JSON object; skipped", file=errors)
            continue
        page_id = page.get("id")
        if page_id is None or str(page_id).strip() == "" or isinstance(page_id, dict | list):
            print(f"line {number}: no id; skipped", file=errors)
            continue
        html = page.get("html")
        if not isinstance(html, str):
            print(f"line {number} (id {page_id}): html is missing or not a string; skipped", file=errors)
            continue
        yield str(page_id), html


def extract_file(fh_in: TextIO | str, fh_out: TextIO, errors: TextIO) -> tuple[int, int]:
    """Write the statements of every page in ``fh_in`` to ``fh_out``; returns (pages, rows)."""
    from etl.education.homepage_extract import extract_statements
    from etl.education.institutions import default_resolver

    resolver = default_resolver()
    writer = csv.writer(fh_out, lineterminator="\n")
    writer.writerow(OUT_COLUMNS)
    pages = rows = 0
    for page_id, html in read_pages(fh_in, errors):
        pages += 1
        try:
            statements = extract_statements(html, resolver)
        except Exception as exc:  # noqa: BLE001 - one pathological page must not cost the rest
            print(f"id {page_id}: extraction failed ({exc.__class__.__name__}: {exc}); skipped", file=errors)
            continue
        for st in statements:
            writer.writerow([page_id, st.stage, st.institution_name, st.institution_id or "", st.country_code or "",
                             st.start_year or "", st.end_year or "", f"{st.confidence:.3f}", st.evidence])
            rows += 1
    return pages, rows
