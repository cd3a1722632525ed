"""Model files: discovery, dependency order, yml comments and checks, build_runs, and the rules every model keeps."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import duckdb
import pytest

from warehouse.build import BuildReport, build, execute_model
from warehouse.context import BuildContext
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.model_checks import ModelCheckError
from warehouse.model_files import MODELS_DIR, Model, ModelFileError, discover

# --- a tiny fake model folder -------------------------------------------------------------------------------


def write_model(root: Path, layer: str, stem: str, sql: str, yml: str) -> None:
    folder = root / layer
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.sql").write_text(sql, encoding="utf-8")
    (folder / f"{stem}.yml").write_text(yml, encoding="utf-8")


def view_yml(name: str, depends_on: list[str], grain: str = "k", extra: str = "") -> str:
    return (f"depends_on: {json.dumps(depends_on)}\nobjects:\n  - name: {name}\n    kind: view\n"
            f"    description: One row per k.\n    grain: [{grain}]\n    columns:\n"
            f"      - name: k\n        description: The key.\n        tests: [not_null]\n{extra}")


@pytest.fixture
def fake_models(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    root.mkdir()
    (root / "glossary.yml").write_text("columns:\n  v: A value every fake view carries.\n", encoding="utf-8")
    value = "      - name: v\n"
    write_model(root, "marts", "m_final", "CREATE OR REPLACE VIEW m_final AS SELECT k, v FROM c_middle;",
                view_yml("m_final", ["c_middle"], extra=value))
    write_model(root, "core", "c_middle", "CREATE OR REPLACE VIEW c_middle AS SELECT k, v FROM z_first;",
                view_yml("c_middle", ["z_first"], extra=value))
    # named to sort last, but everything depends on it: the order comes from depends_on, never from names
    write_model(root, "staging", "z_first", "CREATE OR REPLACE VIEW z_first AS SELECT 1 AS k, 'x' AS v;",
                view_yml("z_first", [], extra=value))
    write_model(root, "staging", "a_alone", "CREATE OR REPLACE VIEW a_alone AS SELECT 1 AS k;",
                view_yml("a_alone", []))
    return root


def test_models_run_in_dependency_order_not_name_order(fake_models: Path) -> None:
    assert [model.stem for model in discover(fake_models)] == ["a_alone", "z_first", "c_middle", "m_final"]


def test_a_dependency_cycle_is_an_error_naming_the_files(fake_models: Path) -> None:
    (fake_models / "staging" / "z_first.yml").write_text(view_yml("z_first", ["m_final"], extra="      - name: v\n"))
    with pytest.raises(ModelFileError, match="cycle") as excinfo:
        discover(fake_models)
    for stem in ("z_first", "c_middle", "m_final"):
        assert f"{stem}.yml" in str(excinfo.value)
    assert "a_alone" not in str(excinfo.value)


def test_unknown_dependency_key_and_missing_description_are_errors(fake_models: Path) -> None:
    yml = fake_models / "staging" / "a_alone.yml"
    yml.write_text(view_yml("a_alone", ["nowhere"]))
    with pytest.raises(ModelFileError, match=r"a_alone\.yml: depends_on names unknown models \['nowhere'\]"):
        discover(fake_models)
    yml.write_text(view_yml("a_alone", []).replace("kind: view", "kind: view\n    colour: red"))
    with pytest.raises(ModelFileError, match="unknown keys"):
        discover(fake_models)
    yml.write_text(view_yml("a_alone", [], extra="      - name: w\n"))
    with pytest.raises(ModelFileError, match="a_alone.w: no description here and none in glossary.yml"):
        discover(fake_models)


def test_a_table_or_view_without_a_grain_is_an_error(fake_models: Path) -> None:
    yml = fake_models / "staging" / "a_alone.yml"
    yml.write_text(view_yml("a_alone", []).replace("    grain: [k]\n", ""))
    with pytest.raises(ModelFileError, match=r"a_alone\.yml: object a_alone: no grain"):
        discover(fake_models)
    # a reason instead of a grain is no longer accepted: every table and view states its unique key
    yml.write_text(view_yml("a_alone", []).replace("    grain: [k]\n", "    no_grain_reason: duplicates\n"))
    with pytest.raises(ModelFileError, match="unknown keys"):
        discover(fake_models)


def run_all(con: duckdb.DuckDBPyConnection, models: list[Model]) -> BuildReport:
    report = BuildReport()
    for model in models:
        execute_model(con, model, BuildContext(), report)
    return report


def test_comments_come_from_the_yml_and_the_glossary(fake_models: Path) -> None:
    con = duckdb.connect()
    report = run_all(con, discover(fake_models))
    assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'm_final'").fetchone()[0] == \
        "One row per k."
    comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'm_final'"
                                ).fetchall())
    assert comments == {"k": "The key.", "v": "A value every fake view carries."}
    assert report.checks.run == report.checks.passed == 4 * 2 + 4  # columns + grain per view, not_null per view


def test_a_broken_grain_names_model_object_and_keys(fake_models: Path) -> None:
    (fake_models / "staging" / "z_first.sql").write_text(
        "CREATE OR REPLACE VIEW z_first AS SELECT * FROM (VALUES (1, 'a'), (1, 'b'), (2, 'c'), (2, 'd')) t(k, v);")
    con = duckdb.connect()
    with pytest.raises(ModelCheckError) as excinfo:
        run_all(con, discover(fake_models))
    error = excinfo.value
    assert (error.model, error.object, error.keys) == ("z_first", "z_first", [(1,), (2,)])
    assert "grain unique (k)" in error.check
    assert "model z_first: z_first: check grain unique (k) failed for (1,), (2,)" in str(error)


def test_a_null_key_fails_not_null(fake_models: Path) -> None:
    (fake_models / "staging" / "a_alone.sql").write_text("CREATE OR REPLACE VIEW a_alone AS SELECT NULL::INT AS k;")
    with pytest.raises(ModelCheckError, match=r"model a_alone: a_alone: check not_null \(k\) failed"):
        run_all(duckdb.connect(), discover(fake_models))


def test_an_undocumented_column_fails_the_build(fake_models: Path) -> None:
    (fake_models / "staging" / "a_alone.sql").write_text("CREATE OR REPLACE VIEW a_alone AS SELECT 1 AS k, 2 AS w;")
    with pytest.raises(ModelCheckError, match="columns documented") as excinfo:
        run_all(duckdb.connect(), discover(fake_models))
    assert excinfo.value.keys == [("w",)]


# --- the real models ----------------------------------------------------------------------------------------

def test_a_build_records_its_inputs_row_counts_and_checks(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        migrate(con)
        ctx = BuildContext.from_environment(corrections_path=tmp_path / "none.csv")
        report = build(con, ctx)
        row = con.execute("SELECT input_hashes, row_counts, seconds_by_model, checks_run, checks_passed, "
                          "package_versions, code_version FROM build_runs").fetchall()
    finally:
        con.close()
    assert len(row) == 1
    hashes, counts, seconds, checks_run, checks_passed, packages, code = row[0]
    hashes, counts, seconds = json.loads(hashes), json.loads(counts), json.loads(seconds)
    assert hashes["people_model"] and hashes["registry"]
    assert hashes["corrections"] is None and hashes["corrections_path"] == str(tmp_path / "none.csv")
    assert counts["core_papers"] == 0 and counts["institutions"] > 0
    assert list(seconds) == [model.stem for model in discover()]
    assert checks_run == checks_passed == report.checks.run > 0
    assert json.loads(packages)["duckdb"] == duckdb.__version__ and code.startswith("talent-tracker")


SQL_WORDS = re.compile(r"\b(SELECT|FROM|JOIN|CREATE|INSERT)\b")


def sql_text(model: Model) -> str:
    """The SQL a model runs: the .sql file without comments, or a .py model's SQL string constants."""
    text = model.code.read_text(encoding="utf-8")
    if not model.is_python:
        return re.sub(r"--[^\n]*", " ", text)
    tree = ast.parse(text)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr)}
    return " ".join(node.value for node in ast.walk(tree)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and SQL_WORDS.search(node.value))


def test_models_read_only_what_they_declare() -> None:
    models = discover()
    owner = {obj.name: model.stem for model in models for obj in model.objects}
    undeclared = []
    for model in models:
        own = {obj.name for obj in model.objects} | {c.name for obj in model.objects for c in obj.columns}
        for token in sorted(set(re.findall(r"[a-z_][a-z0-9_]*", sql_text(model).lower()))):
            stem = owner.get(token)
            if stem and token not in own and stem not in model.depends_on:
                undeclared.append(f"{model.code.name} reads {token} (model {stem}) without depends_on")
    assert undeclared == []


def test_no_model_branches_on_whether_a_table_exists() -> None:
    """Inputs are made earlier in dependency order (or empty by a migration): a model just reads them."""
    offenders = [str(path.relative_to(MODELS_DIR)) for path in sorted(MODELS_DIR.glob("*/*.py"))
                 if re.search(r"\btable_exists\b", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_comment_on_in_model_code() -> None:
    offenders = [str(path.relative_to(MODELS_DIR)) for path in sorted(MODELS_DIR.glob("*/*"))
                 if path.suffix in (".sql", ".py") and "COMMENT ON" in path.read_text(encoding="utf-8").upper()]
    assert offenders == []


def test_every_table_and_view_has_a_grain() -> None:
    for model in discover():
        for obj in model.objects:
            assert obj.kind == "macro" or obj.grain, obj.name
