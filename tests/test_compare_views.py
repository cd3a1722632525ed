"""bench/compare_views.py, the proof that a restructuring left the figures alone: it must tell identical
objects, float-sum noise and real differences apart, and fail on the last."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "compare_views.py"
spec = importlib.util.spec_from_file_location("compare_views", SCRIPT)
compare_views = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = compare_views  # dataclasses look their module up while the script loads
spec.loader.exec_module(compare_views)


def warehouse(path: Path, share: float = 0.25, extra_column: bool = False) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE study_settings (name VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO study_settings VALUES ('min_n', '30')")
    con.execute("CREATE TABLE shares (country_code VARCHAR, n INTEGER, share DOUBLE)")
    con.execute("INSERT INTO shares VALUES ('US', 3, 0.75), ('CN', 1, ?)", [share])
    con.execute("CREATE MACRO doubled(x) AS 2 * x")  # a view reads its own file's macros
    extra = ", 1 AS extra" if extra_column else ""
    con.execute(f"CREATE VIEW study_countries AS SELECT country_code, doubled(n) AS n2, share{extra} FROM shares")
    con.execute("CREATE TABLE unrelated (x INTEGER)")
    con.close()
    return path


def test_identical_warehouses_pass(tmp_path, capsys):
    old, new = warehouse(tmp_path / "old.duckdb"), warehouse(tmp_path / "new.duckdb")
    assert compare_views.main([str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "study_countries" in out and "study_settings" in out and "unrelated" not in out
    assert "all 2 identical" in out


def test_float_noise_is_reported_and_tolerated_unless_strict(tmp_path, capsys):
    old, new = warehouse(tmp_path / "old.duckdb"), warehouse(tmp_path / "new.duckdb", share=0.25 + 1e-16)
    assert compare_views.main([str(old), str(new), "--objects", "study_countries"]) == 0
    assert "yes (float rounding, max |diff| share = 1.1e-16)" in capsys.readouterr().out
    assert compare_views.main([str(old), str(new), "--objects", "study_countries", "--tolerance", "0"]) == 1


@pytest.mark.parametrize("change", [{"share": 0.3}, {"extra_column": True}])
def test_a_changed_figure_or_column_fails(tmp_path, capsys, change):
    old, new = warehouse(tmp_path / "old.duckdb"), warehouse(tmp_path / "new.duckdb", **change)
    assert compare_views.main([str(old), str(new), "--all"]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("study_countries"))
    assert " no (" in line
