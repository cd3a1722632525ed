"""Parquet exports read back with pyarrow and pandas: row counts, types, metadata, contract, safety."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from talent.commands import study as study_commands
from warehouse.db import connect
from warehouse.export import CONTRACT_NAME, EXPORT_TABLES, FILE_NAME, ExportError, export
from warehouse.migrate import latest_version, migrate

from .test_schema import add_missing_study_inputs
from .test_study_views import AUTHORSHIPS, EDUCATION, TALENT

PARTITIONING = ds.partitioning(pa.schema([("conference", pa.string()), ("year", pa.int32())]), flavor="hive")
PAPER_COLUMNS = "conference VARCHAR, year INTEGER, paper_id VARCHAR"


def papers_warehouse(path: str = ":memory:", columns: str = PAPER_COLUMNS) -> duckdb.DuckDBPyConnection:
    """A migrated warehouse with one empty ``papers`` table: the smallest warehouse ``export`` accepts."""
    con = duckdb.connect(path)
    migrate(con)
    con.execute(f"CREATE TABLE papers ({columns})")
    return con


@pytest.fixture
def full_warehouse(warehouse_copy) -> Path:
    """The harvest plus small people tables (where the build has none yet), so every table exports."""
    con = connect(warehouse_copy)
    try:
        created = add_missing_study_inputs(con)
        if "talent_records" in created:
            con.executemany(
                "INSERT INTO talent_records VALUES ('neurips', 2022, ?, ?, ?, ?, ?, ?, ?, 'academia', 'test', 0.9)",
                [(pid, pid.upper(), tier, u, g, w, inst) for pid, tier, u, g, w, inst in TALENT],
            )
        if "authorship_persons" in created:
            con.executemany("INSERT INTO authorship_persons VALUES ('neurips', 2022, ?, ?, ?)", AUTHORSHIPS)
        if "person_education" in created:
            con.executemany("INSERT INTO person_education VALUES (?, ?, NULL, NULL, ?, NULL, NULL, 't', 't', 0.9)",
                            EDUCATION)
        objects = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
        if "persons" not in objects:
            con.execute("CREATE TABLE persons (person_id VARCHAR, name VARCHAR, openreview_id VARCHAR, "
                        "orcid VARCHAR, dblp VARCHAR, n_papers INTEGER, first_year INTEGER, last_year INTEGER)")
            con.execute("INSERT INTO persons VALUES ('p1', 'P1', NULL, NULL, NULL, 1, 2022, 2022)")
    finally:
        con.close()
    return warehouse_copy


def warehouse_arrow(con: duckdb.DuckDBPyConnection, table: str) -> pa.Table:
    return con.sql(f'SELECT * FROM "{table}"').to_arrow_table()


def read_back(out: Path, table: str, partitioned: bool) -> pa.Table:
    if partitioned:
        return ds.dataset(out / table, format="parquet", partitioning=PARTITIONING).to_table()
    return pq.read_table(out / table)


def digest(out: Path) -> dict[str, str]:
    """Files of the published version (what ``current`` points at), by path inside it."""
    root = (out / "current").resolve()
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.parquet"))}


def test_every_table_round_trips_with_equal_rows_and_types(full_warehouse, tmp_path):
    out = tmp_path / "export"
    con = connect(full_warehouse, read_only=True)
    try:
        result = export(con, out)
        assert [t.table for t in result.tables] == list(EXPORT_TABLES)
        assert all(t.status == "exported" for t in result.tables), [t.message for t in result.tables]
        contract = json.loads((out / CONTRACT_NAME).read_text())
        assert contract["schema_version"] == latest_version()
        for table in EXPORT_TABLES:
            expected = warehouse_arrow(con, table)
            entry = contract["tables"][table]
            partitioned = entry["partitioning"] is not None
            assert partitioned == ({"conference", "year"} <= set(expected.column_names))
            got = read_back(out, table, partitioned)
            # row counts: warehouse == pyarrow == pandas == contract
            assert got.num_rows == expected.num_rows == entry["rows"], table
            frame = pd.read_parquet(out / table)
            assert len(frame) == expected.num_rows, table
            # types: every column with the warehouse's arrow type, and the contract agrees
            for field in expected.schema:
                assert got.schema.field(field.name).type == field.type, (table, field.name)
                column = next(c for c in entry["columns"] if c["name"] == field.name)
                assert column["arrow_type"] == str(field.type)
            warehouse_frame = expected.to_pandas()
            for name in expected.column_names:
                if partitioned and name in ("conference", "year"):
                    assert frame[name].astype(warehouse_frame[name].dtype).sort_values().tolist() == \
                        warehouse_frame[name].sort_values().tolist()
                else:
                    assert frame[name].dtype == warehouse_frame[name].dtype, (table, name)
            # same rows, not just as many
            order = [c for c in expected.column_names]
            keys = [(c, "ascending") for c in order if not pa.types.is_list(expected.schema.field(c).type)]
            assert got.select(order).sort_by(keys).equals(expected.sort_by(keys)), table  # (arrow sorts no lists)
    finally:
        con.close()


def test_files_carry_provenance_compression_and_comments(full_warehouse, tmp_path):
    out = tmp_path / "export"
    con = connect(full_warehouse, read_only=True)
    try:
        export(con, out, ["papers", "persons"])
        crawl_2022 = {r[0] for r in con.execute(
            "SELECT crawl_id FROM core_papers WHERE year = 2022").fetchall()}
    finally:
        con.close()
    path = out / "papers" / "conference=neurips" / "year=2022" / FILE_NAME
    meta = pq.read_schema(path).metadata
    assert int(meta[b"talent.schema_version"]) == latest_version()
    assert set(json.loads(meta[b"talent.crawl_ids"])) == crawl_2022
    assert json.loads(meta[b"talent.partition"]) == {"conference": "neurips", "year": 2022}
    assert pq.read_schema(path).field("title").metadata[b"comment"] == b"Title as published."
    parquet = pq.ParquetFile(path)
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert "conference" not in parquet.schema_arrow.names  # hive: the path holds the partition columns
    assert b"talent.crawl_ids" in pq.read_schema(out / "persons" / FILE_NAME).metadata
    names = {p.name for p in out.rglob("*.parquet")}
    assert names == {FILE_NAME}
    contract = json.loads((out / CONTRACT_NAME).read_text())
    papers = contract["tables"]["papers"]
    assert papers["comment"].startswith("Accepted papers")
    assert {c["name"]: c["comment"] for c in papers["columns"]}["tier"].startswith("oral, spotlight")
    assert papers["partitioning"] == {"flavor": "hive", "columns": ["conference", "year"]}
    assert sorted(f["year"] for f in papers["files"]) == [2019, 2020, 2022]


def test_reexport_is_deterministic_and_merges_the_contract(full_warehouse, tmp_path):
    out = tmp_path / "export"
    con = connect(full_warehouse, read_only=True)
    try:
        export(con, out)
        first = digest(out)
        assert first and len(first) == len(list((out / "current").resolve().rglob("*.parquet")))
        before = json.loads((out / CONTRACT_NAME).read_text())
        result = export(con, out, ["papers"])
        assert digest(out) == first  # a new version, the same bytes
        contract = json.loads((out / CONTRACT_NAME).read_text())
        assert contract["version"] == result.version != before["version"]
        assert set(contract["tables"]) == set(EXPORT_TABLES)  # tables not asked for are carried over
        for table, entry in contract["tables"].items():
            assert entry["path"] == f"{result.version}/{table}"
            assert entry["rows"] == before["tables"][table]["rows"]
            assert all(f["path"].startswith(f"{result.version}/{table}/") for f in entry["files"])
        assert {t.table: t.status for t in result.tables}["persons"] == "kept"
    finally:
        con.close()
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_absent_tables_are_skipped_with_a_message(harvest, tmp_path):
    out = tmp_path / "export"
    con = connect(harvest.warehouse, read_only=True)
    try:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
        result = export(con, out)
    finally:
        con.close()
    for table in result.tables:
        if table.table in present:
            assert table.status == "exported"
        else:
            assert table.status == "skipped" and "not in the warehouse yet" in table.message
            assert not (out / table.table).exists()
    contract = json.loads((out / CONTRACT_NAME).read_text())
    assert set(contract["skipped"]) == {t.table for t in result.tables if t.status == "skipped"}


def test_removed_partition_disappears_on_reexport(tmp_path):
    con = papers_warehouse(str(tmp_path / "w.duckdb"))
    con.execute("INSERT INTO papers VALUES ('neurips', 2019, 'a'), ('neurips', 2020, 'b')")
    out = tmp_path / "export"
    export(con, out, ["papers"])
    con.execute("DELETE FROM papers WHERE year = 2019")
    export(con, out, ["papers"])
    assert sorted(p.name for p in (out / "papers" / "conference=neurips").iterdir()) == ["year=2020"]
    con.close()


@pytest.mark.parametrize("conference", ["../../escaped", "..", "a/b", ".hidden", "x" * 80, ""])
def test_partition_values_that_would_escape_are_refused(tmp_path, conference):
    con = papers_warehouse()
    con.execute("INSERT INTO papers VALUES ('neurips', 2019, 'a'), (?, 2020, 'b')", [conference])
    out = tmp_path / "deep" / "export"
    with pytest.raises(ExportError, match="unsafe partition value"):
        export(con, out, ["papers"])
    assert not (out / "papers").exists()  # nothing written before every value was checked
    assert sorted(p.name for p in tmp_path.rglob("*")) == [".export.lock", ".talent-export.json", "deep", "export"]


@pytest.mark.parametrize(("conference", "year"), [(None, 2020), ("neurips", None)])
def test_null_partition_values_are_refused_naming_the_table(tmp_path, conference, year):
    con = papers_warehouse()
    con.execute("INSERT INTO papers VALUES ('neurips', 2019, 'a'), (?, ?, 'b')", [conference, year])
    out = tmp_path / "export"
    column = "conference" if conference is None else "year"
    with pytest.raises(ExportError, match=f"papers: rows with NULL {column}"):
        export(con, out, ["papers"])
    assert not (out / "papers").exists()  # nothing written, no conference=None/ directory


def test_unknown_table_names_are_refused(tmp_path):
    con = duckdb.connect()
    with pytest.raises(ExportError, match="not exportable"):
        export(con, tmp_path / "out", ["../raw_records"])
    with pytest.raises(ExportError, match="not exportable"):
        export(con, tmp_path / "out", ["raw_records"])


def test_cli_export_prints_what_it_did(full_warehouse, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path)
    study_commands.register(parser.add_subparsers(dest="command"))
    out = tmp_path / "cli-export"
    args = parser.parse_args(["--warehouse", str(full_warehouse), "export", "--out", str(out), "--tables", "papers"])
    assert args.handler(args) == 0
    text = capsys.readouterr().out
    assert "papers: 6" in text and "exported 1 table(s)" in text
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "--tables", "raw_records"])


def test_replaced_versions_stay_for_readers_then_go(tmp_path):
    from warehouse.export.store import ExportStore

    con = papers_warehouse()
    con.execute("INSERT INTO papers VALUES ('neurips', 2019, 'a')")
    out = tmp_path / "export"
    first = export(con, out, ["papers"]).version
    second = export(con, out, ["papers"]).version
    third = export(con, out, ["papers"]).version
    versions = sorted(p.name for p in out.glob(".v-*"))
    assert versions == sorted([first, second, third])  # within the grace period a reader may still be in one
    store = ExportStore(out, EXPORT_TABLES)
    store.claim()
    assert store.clean(grace=3600) == []
    assert store.clean(grace=0) == [first]  # the last replaced version stays until the next export
    assert sorted(p.name for p in out.glob(".v-*")) == sorted([second, third])
    assert (out / "current").resolve().name == third
    assert pq.read_table(out / "papers").num_rows == 1
    assert json.loads((out / ".talent-export.json").read_text())["versions"].keys() == {second, third}
