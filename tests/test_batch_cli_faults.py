"""Hostile inputs to the batch CLIs (issue 14 item 6), run through the real ``talent`` entry point.

Each case checks the exit code, the message (naming the line where there is one), and that the input and
any earlier output survive byte for byte. The people and affiliations in these files are fictional.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from etl.batch_io import BatchInputError, atomic_output, decode_utf8, parse_csv
from talent.cli import main

AFF_HEADER = "id,affiliation,email_domain\n"
AUTHORS_HEADER = "id,paper_id,author_position,name,affiliation,email_domain,year\n"
OLD_OUTPUT = b"id,person_id\nold,kept\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def aff_input(path: Path, body: str = "a1,Seoul National University,\na2,Tsinghua University,\n") -> Path:
    path.write_text(AFF_HEADER + body, encoding="utf-8")
    return path


def authors_input(path: Path, body: str = "") -> Path:
    path.write_text(AUTHORS_HEADER
                    + "r1,p1,1,Quill Examplar,Fictional University,fictional.example,2021\n"
                    + "r2,p1,2,Wren Placeholder,Fictional University,fictional.example,2021\n" + body,
                    encoding="utf-8")
    return path


def pages_input(path: Path) -> Path:
    pages = [{"id": "p1", "url": "http://p1.test-data.example/",
              "html": "<p>I received my B.S. from Peking University in 2015.</p>"},
             {"id": "p2", "url": "http://p2.test-data.example/",
              "html": "<p>I received my Ph.D. from Stanford University in 2020.</p>"}]
    path.write_text("".join(json.dumps(page, ensure_ascii=False) + "\n" for page in pages), encoding="utf-8")
    return path


def resolve_cmd(src: Path, out: Path, kind: str) -> list[str]:
    return {"affiliations": ["affiliations", "resolve"], "authors": ["authors", "resolve"],
            "education": ["education", "extract"]}[kind] + ["--in", str(src), "--out", str(out)]


def make_input(tmp_path: Path, kind: str) -> Path:
    if kind == "affiliations":
        return aff_input(tmp_path / "in.csv")
    if kind == "authors":
        return authors_input(tmp_path / "in.csv")
    return pages_input(tmp_path / "pages.jsonl")


KINDS = ("affiliations", "authors", "education")


# -- paths ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_out_equal_to_in_is_refused(tmp_path, capsys, kind):
    src = make_input(tmp_path, kind)
    before = src.read_bytes()
    code, err = run(capsys, *resolve_cmd(src, src, kind))
    assert code == 2 and "is the input file" in err
    assert src.read_bytes() == before


@pytest.mark.parametrize("link", ["symlink", "hardlink", "dotted"])
def test_out_reaching_the_input_another_way_is_refused(tmp_path, capsys, link):
    src = aff_input(tmp_path / "in.csv")
    before = src.read_bytes()
    out = tmp_path / "out.csv"
    if link == "symlink":
        out.symlink_to(src)
    elif link == "hardlink":
        os.link(src, out)
    else:
        (tmp_path / "sub").mkdir()
        out = tmp_path / "sub" / ".." / "in.csv"
    code, err = run(capsys, *resolve_cmd(src, out, "affiliations"))
    assert code == 2 and "same file" in err
    assert src.read_bytes() == before


@pytest.mark.parametrize("kind", KINDS)
def test_output_that_is_a_folder_is_refused(tmp_path, capsys, kind):
    src = make_input(tmp_path, kind)
    folder = tmp_path / "results"
    folder.mkdir()
    code, err = run(capsys, *resolve_cmd(src, folder, kind))
    assert code == 2 and "is a folder" in err
    assert list(folder.iterdir()) == []


def test_output_under_a_file_is_refused(tmp_path, capsys):
    src = aff_input(tmp_path / "in.csv")
    code, err = run(capsys, *resolve_cmd(src, src / "out.csv", "affiliations"))
    assert code == 2 and "is a file, not a folder" in err


def test_missing_input_is_one_line(tmp_path, capsys):
    code, err = run(capsys, *resolve_cmd(tmp_path / "nope.csv", tmp_path / "out.csv", "affiliations"))
    assert code == 2 and "no such file" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def test_missing_previous_is_refused_before_writing(tmp_path, capsys):
    src = authors_input(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    out.write_bytes(OLD_OUTPUT)
    code, err = run(capsys, *resolve_cmd(src, out, "authors"), "--previous", str(tmp_path / "gone.csv"))
    assert code == 2 and "--previous" in err and "no such file" in err
    assert out.read_bytes() == OLD_OUTPUT


def test_previous_that_is_not_an_output_is_refused(tmp_path, capsys):
    src = authors_input(tmp_path / "in.csv")
    previous = tmp_path / "prev.csv"
    previous.write_text("id,name\nr1,x\n", encoding="utf-8")
    code, err = run(capsys, *resolve_cmd(src, tmp_path / "out.csv", "authors"), "--previous", str(previous))
    assert code == 2 and "line 1: header lacks column(s) person_id" in err


# -- the input as a whole ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["affiliations", "authors"])
def test_bad_header_keeps_the_existing_output(tmp_path, capsys, kind):
    src = tmp_path / "in.csv"
    src.write_text("identifier,text\nx,Fictional University\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_bytes(OLD_OUTPUT)
    code, err = run(capsys, *resolve_cmd(src, out, kind))
    assert code == 2 and "line 1: header lacks column(s)" in err
    assert out.read_bytes() == OLD_OUTPUT
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("kind", ["affiliations", "authors"])
def test_unbalanced_quote_mid_file_names_the_line(tmp_path, capsys, kind):
    src = tmp_path / "in.csv"
    if kind == "affiliations":
        src.write_text(AFF_HEADER + 'a1,Fictional University,\na2,"Open Quote Institute,\na3,Third One,\n'
                       'a4,"Closed, Here",\na5,Fifth,\n', encoding="utf-8")
    else:
        authors_input(src, 'r3,p2,1,"Open Quote,Nowhere,,2022\nr4,p2,2,Next Person,Nowhere,,2022\n'
                           'r5,p2,3,"Closer",Nowhere,,2022\n')
    out = tmp_path / "out.csv"
    out.write_bytes(OLD_OUTPUT)
    code, err = run(capsys, *resolve_cmd(src, out, kind))
    line = 3 if kind == "affiliations" else 4
    assert code == 2 and f"line {line}: " in err and "unbalanced quote" in err
    assert out.read_bytes() == OLD_OUTPUT


def test_quote_left_open_at_the_end_names_the_line(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(AFF_HEADER + "a1,Fictional University,\na2,\"Never Closed,\n", encoding="utf-8")
    code, err = run(capsys, *resolve_cmd(src, tmp_path / "out.csv", "affiliations"))
    assert code == 2 and "line 3: unreadable CSV" in err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_bytes_that_are_not_utf8_name_the_line(tmp_path, capsys, kind):
    src = make_input(tmp_path, kind)
    good = src.read_bytes()
    lines = good.split(b"\n")
    lines[1] = lines[1].replace(b"University", b"Universit\xe9")  # Latin-1, not UTF-8
    src.write_bytes(b"\n".join(lines))
    out = tmp_path / "out.csv"
    out.write_bytes(OLD_OUTPUT)
    code, err = run(capsys, *resolve_cmd(src, out, kind))
    assert code == 2 and "line 2: byte 0xe9" in err and "not UTF-8" in err
    assert out.read_bytes() == OLD_OUTPUT


def test_a_one_megabyte_field_is_refused_with_its_line(tmp_path, capsys):
    src = aff_input(tmp_path / "in.csv", "a1,Fictional University,\na2," + "x" * 1_048_576 + ",\n")
    out = tmp_path / "out.csv"
    out.write_bytes(OLD_OUTPUT)
    code, err = run(capsys, *resolve_cmd(src, out, "affiliations"))
    assert code == 2 and "line 3: field 2 is 1,048,576 characters" in err
    assert out.read_bytes() == OLD_OUTPUT


def test_a_one_megabyte_field_in_authors_is_refused(tmp_path, capsys):
    src = authors_input(tmp_path / "in.csv", "r3,p2,1," + "n" * 1_048_576 + ",X,,2022\n")
    code, err = run(capsys, *resolve_cmd(src, tmp_path / "out.csv", "authors"))
    assert code == 2 and "line 4: field 4 is 1,048,576 characters" in err


# -- rows ---------------------------------------------------------------------------------------------------
def test_year_inf_is_a_named_row_problem_not_a_traceback(tmp_path, capsys, caplog):
    src = authors_input(tmp_path / "in.csv", "r3,p2,1,Third Person,X,,inf\nr4,p2,2,Fourth Person,X,,nan\n"
                                             "r5,p3,1,Fifth Person,X,,1e400\n")
    out = tmp_path / "out.csv"
    code, _err = run(capsys, *resolve_cmd(src, out, "authors"))
    assert code == 0
    for line, value in ((4, "inf"), (5, "nan"), (6, "1e400")):
        assert f"line {line} (id 'r{line - 1}'): year '{value}'" in caplog.text
    with out.open(encoding="utf-8") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == ["r1", "r2"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_bom_is_accepted_by_every_cli(tmp_path, capsys, kind):
    src = make_input(tmp_path, kind)
    src.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    out = tmp_path / "out.csv"
    code, err = run(capsys, *resolve_cmd(src, out, kind))
    assert code == 0, err
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and rows[0]["id"] in ("a1", "r1", "p1")
    if kind == "affiliations":
        assert [r["country_codes"] for r in rows] == ["KR", "CN"]


def test_a_good_run_replaces_the_old_output_and_leaves_no_temporary_file(tmp_path, capsys):
    src = aff_input(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    out.write_bytes(OLD_OUTPUT)
    code, _err = run(capsys, *resolve_cmd(src, out, "affiliations"))
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith("id,institution_ids")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_rows_skipped_are_named_and_the_rest_written(tmp_path, capsys):
    src = aff_input(tmp_path / "in.csv", "a1,Seoul National University,\n,No Id University,\n"
                                         "a1,Duplicate,\na4,Tsinghua University,\n")
    out = tmp_path / "out.csv"
    code, err = run(capsys, *resolve_cmd(src, out, "affiliations"))
    assert code == 0
    assert "line 3: skipped, empty id" in err and "line 4 id=a1: skipped, duplicate id" in err
    with out.open(encoding="utf-8") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == ["a1", "a4"]


# -- the helpers themselves --------------------------------------------------------------------------------
def test_atomic_output_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(OLD_OUTPUT)
    with pytest.raises(RuntimeError), atomic_output(target) as fh:
        fh.write("id,person_id\nhalf")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == OLD_OUTPUT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_decode_lists_every_bad_line():
    with pytest.raises(BatchInputError) as caught:
        decode_utf8(b"ok\n\xff bad\nfine\nagain \xc3\n", "f.csv")
    assert [p.split(": ")[1] for p in caught.value.problems] == ["line 2", "line 4"]


def test_parse_csv_reports_the_first_line_of_each_record():
    header, records = parse_csv('id,affiliation\r\na,one\r\n\r\nb,"two"\r\n', "f.csv")
    assert header == ["id", "affiliation"]
    assert [(r.line, r.fields) for r in records] == [(2, ["a", "one"]), (3, []), (4, ["b", "two"])]
    with pytest.raises(BatchInputError, match="line 3: field 2 runs over lines 3-4"):
        parse_csv(io.StringIO('id,affiliation\na,one\nb,"two\nc,three"\n').getvalue(), "f.csv")
