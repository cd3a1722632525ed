"""Builds and readers: a killed load or build changes nothing readers see; readers never block a build."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from talent.cli import main
from tests.test_fault_suite_load import _record, _write
from warehouse.db import stale_building_files, write_session


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small(tmp_path) -> Path:
    landing = tmp_path / "landing"
    _write(landing / "openreview", "20260101T000000Z-openreview-aaaa", [_record(f"p{i}") for i in range(5)])
    warehouse = tmp_path / "w.duckdb"
    assert main(["load", str(landing), "--warehouse", str(warehouse)]) == 0
    return warehouse


def test_a_build_killed_mid_way_changes_nothing_and_the_next_one_cleans_up(small):
    before = _sha(small)
    script = (
        "import os, sys\n"
        "from warehouse.db import write_session\n"
        "with write_session(sys.argv[1]) as con:\n"
        "    con.execute('DELETE FROM raw_records')\n"
        "    con.execute('CREATE TABLE half_built AS SELECT 1 AS x')\n"
        "    con.execute('CHECKPOINT')\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(small)], check=False, timeout=60)
    assert result.returncode == -9
    assert _sha(small) == before and stale_building_files(small)
    con = duckdb.connect(str(small), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw_records").fetchone()[0] == 5
    finally:
        con.close()
    with write_session(small) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half_built'").fetchone()[0] == 0
    assert stale_building_files(small) == []


def test_a_failing_build_leaves_the_warehouse_as_it_was(small):
    before = _sha(small)
    with pytest.raises(RuntimeError), write_session(small) as con:
        con.execute("DROP TABLE core_papers")
        raise RuntimeError("model failed")
    assert _sha(small) == before and stale_building_files(small) == []


def test_a_read_only_analyst_session_does_not_block_a_build(small, capsys):
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         "con = duckdb.connect(sys.argv[1], read_only=True)\n"
         "print(con.execute('SELECT count(*) FROM core_papers').fetchone()[0], flush=True)\n"
         "time.sleep(60)\n", str(small)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "5"  # the session is open and holds its lock
        started = time.monotonic()
        assert main(["build", "--warehouse", str(small)]) == 0
        assert time.monotonic() - started < 30  # no 60 s wait, no error blaming a read-write session
        assert "rebuilt" in capsys.readouterr().out
    finally:
        reader.kill()
        reader.wait()
