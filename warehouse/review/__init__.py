"""Sample and review: a stratified random sample of a conference-year's persons, traced by hand.

Why: however good the automatic sources get, some fields stay unknown for many persons, and the persons we know
about are not a random sample of everyone. MacroPolo answered that by hand-tracing a random sample of authors;
this package gives an analyst the same method with the statistics done right, in the order an analyst meets it:

* ``sampling`` — :func:`draw_sample` (strata tier x track, a seeded draw) and :func:`record_sample` (the design
  in ``review_samples`` / ``review_sample_strata`` / ``review_sample_persons``, migration 032).
* ``worksheet`` — :func:`write_worksheet`: one CSV row per person with every link we know, the automatic
  values with their evidence and empty reviewer columns, plus a JSON sidecar with the design.
* ``worksheet_import`` — :func:`import_worksheet`: validates the whole file first (every bad row named with its
  line number), then appends to ``reviews`` in one transaction.
* ``estimate_views`` — :func:`create_review_views`: ``review_latest`` and ``review_estimates``, the
  design-weighted estimate beside the automatic share, each with its 95% interval, and their difference.
"""

from __future__ import annotations

from warehouse.review.estimate_views import (
    POPULATION_FIELDS,
    create_review_views,
    review_estimate_rows,
)
from warehouse.review.sampling import ReviewError, Sample, draw_sample, record_sample, stratify
from warehouse.review.worksheet import (
    REVIEW_COLUMNS,
    REVIEW_FIELDS,
    WORKSHEET_COLUMNS,
    WORKSHEET_ENCODING,
    worksheet_rows,
    write_worksheet,
)
from warehouse.review.worksheet_import import ReviewRow, import_worksheet, normalise_country, validate_worksheet

__all__ = [
    "POPULATION_FIELDS", "REVIEW_COLUMNS", "REVIEW_FIELDS", "WORKSHEET_COLUMNS", "WORKSHEET_ENCODING", "ReviewError",
    "ReviewRow", "Sample", "create_review_views", "draw_sample", "import_worksheet", "normalise_country",
    "record_sample", "review_estimate_rows", "stratify", "validate_worksheet",
    "worksheet_rows", "write_worksheet",
]
