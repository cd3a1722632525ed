"""The HTML report: self-contained, every figure with n and coverage, and it renders in headless Chromium.

The Chromium tests need Debian's ``chromium`` package. In CI (``CI=true``) a missing browser is a failure,
because .ci/run installs it; on a developer machine without it they skip.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from talent.commands import study as study_commands
from warehouse.migrate import migrate
from warehouse.report import PALETTE, QUESTIONS, TIER_COLOURS, render_report, write_markdown

from .marts_models import STUDY_VIEWS, run_marts
from .test_study_views import INPUT_DDL

# the models the report reads besides the study views: MacroPolo anchors, bootstrap intervals (the interval
# macros come with the views)
REPORT_MODELS = (*STUDY_VIEWS, "macropolo_comparison", "fractional_share_intervals")

COUNTRIES = ("US", "CN", "GB", "CA", "DE", "FR", "IN", "KR", "JP", "CH", "IL", "AU")
WEIGHTS = (40, 25, 6, 5, 4, 3, 5, 3, 3, 2, 2, 2)
INSTITUTIONS = [(f"inst_{i}", f"Institution {i}", COUNTRIES[i % len(COUNTRIES)]) for i in range(40)]


def synthetic_population(con: duckdb.DuckDBPyConnection, persons: int = 600, seed: int = 7) -> None:
    """A reproducible population over three NeurIPS years with every study input table filled."""
    rng = random.Random(seed)
    con.execute(INPUT_DDL)
    talent, education, authorships, affiliations = [], [], [], []
    for i in range(persons):
        pid = f"p{i}"
        origin = rng.choices(COUNTRIES, WEIGHTS)[0]
        grad = origin if rng.random() < 0.5 else rng.choices(COUNTRIES, WEIGHTS)[0]
        # PhDs end 2014-2023 (no rng draw, so the rest of the population is unchanged): by 2022 most have
        # graduated, the rest are still enrolled, as the stay rates need both.
        phd_end = 2014 + i % 10
        education += [(pid, "undergrad", origin, phd_end - 9, phd_end - 5), (pid, "phd", grad, phd_end - 5, phd_end)]
        for year in (2019, 2020, 2022):
            if rng.random() < 0.4:
                continue
            work = grad if rng.random() < 0.6 else rng.choices(COUNTRIES, WEIGHTS)[0]
            inst = rng.choice([x for x in INSTITUTIONS if x[2] == work] or INSTITUTIONS)[0]
            tier = rng.choices(("oral", "spotlight", "poster"), (1, 3, 12))[0]
            known = rng.random() < 0.93
            talent.append((year, pid, tier, origin if rng.random() < 0.8 else None, grad if rng.random() < 0.8
                           else None, work if known else None, inst if known else None))
            paper = f"{year}-{i}"
            authorships.append((year, paper, 1, pid))
            affiliations.append((year, paper, 1, inst if known else None, work if known else None, 1.0))
    # every ninth person of 2022 published only in the Datasets & Benchmarks track (no rng draw)
    bulk_insert(con, "talent_records", [
        ("neurips", y, p, p.upper(), t, o, g, w, inst, "academia", "syn", 0.9, *track_columns(y, p, t), False)
        for y, p, t, o, g, w, inst in talent])
    bulk_insert(con, "person_education", [
        (p, stage, None, None, c, start, end, "syn", "syn", 0.9, True, None, start, None, end, 0)
        for p, stage, c, start, end in education])
    bulk_insert(con, "authorship_persons", [("neurips", *row) for row in authorships])
    bulk_insert(con, "authorship_affiliations", [("neurips", *row, 0.9, "syn") for row in affiliations])
    bulk_insert(con, "institutions", [(*row, "education", None, "syn") for row in INSTITUTIONS])


def track_columns(year: int, person_id: str, tier: str) -> tuple:
    """(track, tracks, main_track_tier) of a synthetic record: 2022 has Datasets & Benchmarks-only persons."""
    if year == 2022 and int(person_id[1:]) % 9 == 0:
        return "datasets_and_benchmarks", ["datasets_and_benchmarks"], None
    return "main", ["main"], tier


def bulk_insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert many rows at once through Arrow (executemany is row by row: far too slow for 10x populations)."""
    names = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    arrow = pa.table({
        name: pa.array(list(values), type={"INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
                                           "VARCHAR[]": pa.list_(pa.string())}.get(types[name], pa.string()))
        for name, values in zip(names, columns, strict=True)
    })
    con.register("_bulk", arrow)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _bulk")
    finally:
        con.unregister("_bulk")


@pytest.fixture(scope="module")
def report_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "w.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    synthetic_population(con)
    run_marts(con, *REPORT_MODELS)
    con.close()
    return path


@pytest.fixture(scope="module")
def report_html(report_warehouse, tmp_path_factory) -> Path:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path)
    study_commands.register(parser.add_subparsers(dest="command"))
    out = tmp_path_factory.mktemp("html") / "report.html"
    args = parser.parse_args(["--warehouse", str(report_warehouse), "report", "--out", str(out)])
    assert args.handler(args) == 0
    return out


FIGURES = ("headline", "macropolo", "work-by-tier", "origin-by-tier", "grad-by-tier", "flows", "stay-rates",
           "outside-origin", "institutions", "year-over-year", "coverage-bias", "review")


def test_report_is_self_contained_and_every_figure_states_n_and_coverage(report_html):
    text = report_html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing fetched from a network
    assert "<script" not in text and "@import" not in text and "url(" not in text
    for key in FIGURES:
        section = re.search(rf'<section class="figure" id="{key}">(.*?)</section>', text, re.S)
        assert section, key
        caption = re.search(r'<p class="caption">(.*?)</p>', section.group(1), re.S).group(1)
        assert re.search(r"n = \d+", caption), (key, caption)
        assert "coverage" in caption, (key, caption)
    assert text.count('class="link"') >= 5 and text.count('class="node"') >= 6  # the Sankey has a body
    assert "2019" in text and "2022" in text


def test_report_without_study_views_says_why(tmp_path):
    con = duckdb.connect()
    migrate(con)
    text = render_report(con)
    assert "No study data yet" in text and "talent_records" in text


def test_markdown_guide_runs_every_question(report_warehouse, tmp_path):
    target = tmp_path / "analysts.md"
    target.write_text("# Guide\n\nintro kept\n\n<!-- BEGIN GENERATED: talent report --markdown -->\nold\n"
                      "<!-- END GENERATED -->\n\noutro kept\n")
    con = duckdb.connect(str(report_warehouse), read_only=True)
    try:
        write_markdown(con, target)
    finally:
        con.close()
    text = target.read_text()
    assert "intro kept" in text and "outro kept" in text and "\nold\n" not in text
    for question in QUESTIONS:
        assert question.query(2022) in text  # the latest complete year of the synthetic population
    assert text.count("| ---|") == 0 and text.count("|---|") >= len(QUESTIONS) + 1  # + the state of the data
    assert "_(no rows)_" not in text


# --- headless Chromium ----------------------------------------------------------------------------------


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is not installed; .ci/run must `apt-get install -y chromium` for the report tests")
    pytest.skip("chromium not installed (apt-get install chromium); required in CI")


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    command = [
        chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def decode_png(data: bytes) -> np.ndarray:
    """RGB(A) pixels of an 8-bit PNG (no pillow in the venv): inflate, then undo the per-row filters."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
    assert depth == 8 and colour_type in (2, 6)
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:
            row = np.cumsum(line.reshape(width, bpp), axis=0, dtype=np.uint8).reshape(stride)
        elif kind == 2:
            row = line + prior
        else:
            row = np.zeros(stride, dtype=np.uint8)
            a_line = line.astype(np.int32)
            up = prior.astype(np.int32)
            for i in range(stride):
                left = int(row[i - bpp]) if i >= bpp else 0
                upper_left = int(up[i - bpp]) if i >= bpp else 0
                if kind == 3:
                    row[i] = (a_line[i] + (left + up[i]) // 2) & 0xFF
                else:
                    p = left + up[i] - upper_left
                    pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
                    pred = left if pa <= pb and pa <= pc else (up[i] if pb <= pc else upper_left)
                    row[i] = (a_line[i] + pred) & 0xFF
        out[y] = row
        prior = row
    return out.reshape(height, width, bpp)[:, :, :3]


def colour_pixels(pixels: np.ndarray, hex_colour: str) -> int:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return int(np.all(np.abs(pixels.astype(int) - rgb) <= 2, axis=2).sum())


def test_report_renders_in_headless_chromium(report_html, tmp_path):
    shot = tmp_path / "report.png"
    result = chromium([f"--screenshot={shot}", "--window-size=1200,5200", "--hide-scrollbars",
                       report_html.resolve().as_uri()], tmp_path / "profile")
    assert shot.exists(), result.stderr[-2000:]
    pixels = decode_png(shot.read_bytes())
    assert pixels.shape[0] == 5200 and pixels.shape[1] == 1200
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # not a blank page
    for colour in (TIER_COLOURS["oral"], TIER_COLOURS["poster"], PALETTE[2], PALETTE[4]):
        assert colour_pixels(pixels, colour) > 200, colour  # tier bars, stay-rate and outside-origin bars drawn


def test_report_dom_has_the_svg_charts(report_html, tmp_path):
    result = chromium(["--dump-dom", report_html.resolve().as_uri()], tmp_path / "profile")
    dom = result.stdout
    assert "<svg" in dom, result.stderr[-2000:]
    assert len(re.findall(r'<svg class="chart', dom)) >= 8
    assert len(re.findall(r'<path class="link"', dom)) >= 5
    assert len(re.findall(r'<rect class="bar"', dom)) >= 30


def test_stay_rate_figure_counts_finished_graduates_and_states_the_enrolled(report_html):
    text = report_html.read_text(encoding="utf-8")
    section = re.search(r'<section class="figure" id="stay-rates">(.*?)</section>', text, re.S).group(1)
    caption = re.search(r'<p class="caption">(.*?)</p>', section, re.S).group(1)
    assert "ended by the conference year" in caption
    enrolled = int(re.search(r"(\d+) persons still enrolled", caption).group(1))
    assert enrolled > 0  # synthetic PhDs ending after 2022 are students, not graduates
    assert re.search(r"n=\d+", section)  # n per bar


def test_report_figures_are_main_track_with_the_all_tracks_n_beside(report_html, report_warehouse):
    con = duckdb.connect(str(report_warehouse), read_only=True)
    try:
        main_n, all_n = con.execute("""SELECT max(n) FILTER (WHERE track = 'main'), max(n) FILTER (WHERE track = 'all')
                                       FROM study_work_country WHERE year = 2022 AND tier = 'all'""").fetchone()
    finally:
        con.close()
    assert main_n < all_n  # the synthetic 2022 has Datasets & Benchmarks-only persons
    text = report_html.read_text(encoding="utf-8")
    headline = re.search(r'<section class="figure" id="headline">(.*?)</section>', text, re.S).group(1)
    row_2022 = re.search(r"<tr><td>neurips</td><td>2022</td><td>(\d+)</td><td>(\d+)</td>", headline)
    assert row_2022 and (int(row_2022.group(1)), int(row_2022.group(2))) == (main_n, all_n)
    work = re.search(r'<section class="figure" id="work-by-tier">(.*?)</section>', text, re.S).group(1)
    assert f"all: n = {main_n}," in work and "main track" in work
    assert all("track = 'main'" in q.sql for q in QUESTIONS if q.key != "macropolo")  # the view is main track
