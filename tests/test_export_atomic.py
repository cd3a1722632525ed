"""A reader process never sees a mix of old and new rows while a partition is re-exported.

The writer alternates two generations of one partition that differ in every row (the title names the
generation) and in row count; the reader reads the partition in a tight loop with pyarrow and pandas and
counts any read that mixes generations, has the wrong row count for its generation, or fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import duckdb

from warehouse.export import export

from .test_export import PAPER_COLUMNS, papers_warehouse

READER = r"""
import json, sys, time
from pathlib import Path
import pandas as pd
import pyarrow.parquet as pq

partition, stop, expected = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
reads = mixed = wrong_count = 0
errors, seen = [], {}
print("ready", flush=True)
while not stop.exists():
    try:
        if reads % 2:
            titles = pd.read_parquet(partition, columns=["title"])["title"].tolist()
        else:
            titles = pq.read_table(partition, columns=["title"]).column("title").to_pylist()
    except Exception as exc:  # a failed read is a failure of atomicity too
        errors.append(repr(exc)[:200])
        continue
    reads += 1
    generations = {t.split(":")[0] for t in titles}
    if len(generations) != 1:
        mixed += 1
        continue
    generation = generations.pop()
    seen[generation] = seen.get(generation, 0) + 1
    if len(titles) != expected[generation]:
        wrong_count += 1
print(json.dumps({"reads": reads, "mixed": mixed, "wrong_count": wrong_count, "errors": errors, "seen": seen}))
"""

ROWS = {"gen-a": 40_000, "gen-b": 30_000}


def fill(con: duckdb.DuckDBPyConnection, generation: str) -> None:
    con.execute("DELETE FROM papers WHERE year = 2022")
    con.execute(
        "INSERT INTO papers SELECT 'neurips', 2022, 'p' || i, ? || ':' || i FROM range(?) t(i)",
        [generation, ROWS[generation]],
    )


def test_reader_sees_old_or_new_partition_never_a_mix(tmp_path):
    con = papers_warehouse(str(tmp_path / "w.duckdb"), PAPER_COLUMNS + ", title VARCHAR")
    con.execute("INSERT INTO papers VALUES ('neurips', 2019, 'old', 'gen-x:0')")
    out = tmp_path / "export"
    fill(con, "gen-a")
    export(con, out, ["papers"])
    partition = out / "papers" / "conference=neurips" / "year=2022"
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(partition), str(stop), json.dumps(ROWS)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        exports = 0
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline or exports < 20:
            fill(con, "gen-b" if exports % 2 == 0 else "gen-a")
            export(con, out, ["papers"])
            exports += 1
    finally:
        stop.touch()
        output, _ = reader.communicate(timeout=60)
        con.close()
    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["errors"] == []
    assert summary["mixed"] == 0
    assert summary["wrong_count"] == 0
    assert summary["reads"] >= 20
    assert set(summary["seen"]) == {"gen-a", "gen-b"}, summary  # the reader really saw re-exports
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
