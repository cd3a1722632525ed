"""``talent models``: the build's models in dependency order, and the upstream of one object."""

from __future__ import annotations

import json

from talent.cli import main


def _json_rows(capsys, *args: str) -> list[dict]:
    assert main(["models", "--json", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_every_model_follows_the_models_it_reads(capsys):
    rows = _json_rows(capsys)
    seen: set[str] = set()
    for row in rows:
        assert set(row["depends_on"]) <= seen, f"{row['model']} listed before its inputs"
        seen.add(row["model"])
    assert {"stg_latest_records", "talent_records", "study_stay_rates"} <= seen


def test_object_narrows_to_its_model_and_everything_upstream(capsys):
    rows = _json_rows(capsys, "--object", "study_stay_rates")
    stems = [row["model"] for row in rows]
    assert stems[-1] == "study_stay_rates"
    assert rows[-1]["file"] == "warehouse/models/marts/study_stay_rates.sql"
    assert {"study_population", "talent_records", "person_education", "stg_latest_records"} <= set(stems)
    assert "study_flows" not in stems  # a sibling mart is not upstream
    assert "macropolo_comparison" not in stems


def test_unknown_object_is_refused_by_name(capsys):
    assert main(["models", "--object", "no_such_view"]) == 2
    assert "no model creates 'no_such_view'" in capsys.readouterr().out
