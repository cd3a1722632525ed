"""Compare the study objects of two warehouses row for row: the proof that a restructuring left every figure alone.

    .venv/bin/python bench/compare_views.py OLD.duckdb NEW.duckdb [--objects a,b] [--all]

By default every table and view present in both files whose name starts with ``study_``, ``macropolo``,
``review_`` or ``anchor_``, or contains ``estimate`` or ``interval``; ``--all`` takes every table and view
present in both; ``--objects`` names them. Each object is read from each file (with that file's own macros, so
a view is evaluated as its warehouse defines it) and compared with EXCEPT ALL in both directions over the
common columns; floats are compared exactly. Prints one line per object (rows old/new, identical yes/no, and
for a difference the rows only in one side, columns missing on either side and, where both sides have the
same number of rows, the largest absolute difference per float column after sorting), then exits 1 on any
difference, 0 otherwise. Both files are opened read-only.

Float sums are not bit-stable in DuckDB: a parallel ``sum`` adds in whatever order its threads finish, so the
same view read twice from the same file can differ in the last bits (seen on the demo warehouse: 1e-13 on a
fractional count). An object whose only differences are such float noise — every non-float column equal as a
multiset of rows, every float within ``--tolerance`` (default 1e-9; 0 for strict) — is reported
"yes (float rounding, max |diff| ...)" and does not fail the run; anything else does.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

DEFAULT_PATTERN = re.compile(r"^(study_|macropolo|review_|anchor_)|estimate|interval")
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


@dataclass(slots=True)
class Comparison:
    name: str
    rows_old: int
    rows_new: int
    only_old: int = 0
    only_new: int = 0
    missing_columns: list[str] = field(default_factory=list)  # "-col" only old, "+col" only new
    column_order_differs: bool = False
    max_abs_difference: dict[str, float] = field(default_factory=dict)
    float_noise_only: bool = False  # rows differ only in floats, each within the tolerance

    @property
    def exact(self) -> bool:
        return not (self.only_old or self.only_new or self.missing_columns or self.column_order_differs)

    @property
    def identical(self) -> bool:
        return self.exact or self.float_noise_only

    def detail(self) -> str:
        parts = []
        if self.only_old or self.only_new:
            parts.append(f"{self.only_old} row(s) only old, {self.only_new} only new")
        if self.missing_columns:
            parts.append("columns " + " ".join(self.missing_columns))
        if self.column_order_differs:
            parts.append("column order differs")
        parts += [f"max |diff| {column} = {value:.3g}" for column, value in self.max_abs_difference.items() if value]
        return "; ".join(parts)


def objects_of(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
        "UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND NOT temporary"
    ).fetchall()}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_object(con: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    return con.sql(f"SELECT * FROM {quoted(name)}").to_arrow_table()  # noqa: S608 - names from the catalog


def compare(name: str, old: pa.Table, new: pa.Table, tolerance: float = 0.0) -> Comparison:
    """EXCEPT ALL both ways over the common columns (in the old file's order)."""
    result = Comparison(name, old.num_rows, new.num_rows)
    common = [column for column in old.column_names if column in new.column_names]
    result.missing_columns = ([f"-{c}" for c in old.column_names if c not in common]
                              + [f"+{c}" for c in new.column_names if c not in common])
    result.column_order_differs = not result.missing_columns and old.column_names != new.column_names
    con = duckdb.connect()
    con.register("old_rows", old.select(common))
    con.register("new_rows", new.select(common))
    columns = ", ".join(quoted(column) for column in common)
    result.only_old = con.execute(
        f"SELECT count(*) FROM (SELECT {columns} FROM old_rows EXCEPT ALL SELECT {columns} FROM new_rows)"  # noqa: S608
    ).fetchone()[0]
    result.only_new = con.execute(
        f"SELECT count(*) FROM (SELECT {columns} FROM new_rows EXCEPT ALL SELECT {columns} FROM old_rows)"  # noqa: S608
    ).fetchone()[0]
    if (result.only_old or result.only_new) and old.num_rows == new.num_rows:
        result.max_abs_difference = float_differences(con, common)
        result.float_noise_only = (not result.missing_columns and not result.column_order_differs
                                   and bool(result.max_abs_difference)
                                   and same_without_floats(con, common, list(result.max_abs_difference))
                                   and all(value <= tolerance for value in result.max_abs_difference.values()))
    con.close()
    return result


def same_without_floats(con: duckdb.DuckDBPyConnection, common: list[str], floats: list[str]) -> bool:
    """The rows agree as a multiset once the float columns are left out."""
    columns = ", ".join(quoted(c) for c in common if c not in floats) or "1"
    return not any(con.execute(
        f"SELECT count(*) FROM (SELECT {columns} FROM {a} EXCEPT ALL SELECT {columns} FROM {b})"  # noqa: S608
    ).fetchone()[0] for a, b in (("old_rows", "new_rows"), ("new_rows", "old_rows")))


def float_differences(con: duckdb.DuckDBPyConnection, common: list[str]) -> dict[str, float]:
    """Largest |old - new| per float column, pairing rows by their order over every column (keys first)."""
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE old_rows)").fetchall())
    floats = [c for c in common if types.get(c, "").upper() in FLOAT_TYPES]
    if not floats:
        return {}
    order = ", ".join(quoted(c) for c in [*[c for c in common if c not in floats], *floats])
    numbered = "SELECT *, row_number() OVER (ORDER BY {order}) AS row_no FROM {table}"
    selects = ", ".join(f"max(abs(o.{quoted(c)} - n.{quoted(c)}))" for c in floats)
    row = con.execute(
        f"SELECT {selects} FROM ({numbered.format(order=order, table='old_rows')}) o "  # noqa: S608
        f"JOIN ({numbered.format(order=order, table='new_rows')}) n USING (row_no)"
    ).fetchone()
    return {column: float(value or 0.0) for column, value in zip(floats, row, strict=True)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--objects", help="comma-separated table/view names (default: the study objects)")
    parser.add_argument("--all", action="store_true", help="every table and view present in both files")
    parser.add_argument("--tolerance", type=float, default=1e-9,
                        help="largest float difference taken as rounding noise (default 1e-9; 0: strict)")
    args = parser.parse_args(argv)
    old_con = duckdb.connect(str(args.old), read_only=True)
    new_con = duckdb.connect(str(args.new), read_only=True)
    in_old, in_new = objects_of(old_con), objects_of(new_con)
    absent: list[str] = []
    if args.objects:
        names = [name.strip() for name in args.objects.split(",") if name.strip()]
    else:
        names = sorted(name for name in in_old & in_new if args.all or DEFAULT_PATTERN.search(name))
        absent = sorted(name for name in in_old ^ in_new if args.all or DEFAULT_PATTERN.search(name))
        for name in absent:  # an object only one file has is a difference
            print(f"{name}: only in {'old' if name in in_old else 'new'}")
    failures, noisy = 0, 0
    width = max((len(name) for name in names), default=10)
    print(f"{'object':<{width}}  {'rows old':>10}  {'rows new':>10}  identical")
    for name in names:
        if name not in in_old or name not in in_new:
            print(f"{name:<{width}}  {'-' if name not in in_old else '':>10}  {'-' if name not in in_new else '':>10}"
                  "  no (missing)")
            failures += 1
            continue
        result = compare(name, read_object(old_con, name), read_object(new_con, name), args.tolerance)
        if result.exact:
            verdict = "yes"
        elif result.identical:
            noisy += 1
            verdict = "yes (float rounding, " + ", ".join(
                f"max |diff| {c} = {v:.2g}" for c, v in result.max_abs_difference.items() if v) + ")"
        else:
            failures += 1
            verdict = f"no ({result.detail()})"
        print(f"{name:<{width}}  {result.rows_old:>10,}  {result.rows_new:>10,}  {verdict}")
    if not args.objects:
        failures += len(absent)
    rounding = f" ({noisy} within float rounding, tolerance {args.tolerance:g})" if noisy else ""
    print(f"{failures} difference(s) among {len(names)} object(s)" if failures
          else f"all {len(names)} identical{rounding}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
