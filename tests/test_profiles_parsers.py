"""Profile and ORCID parsers on saved bodies: the official ORCID v3.0 sample and a profile answer.

Fixtures sit one level deeper than the harvest parsers' (``tests/fixtures/<source>/<endpoint>/<case>/``:
body, meta.json, expected.json) so ``tests/fixtures/parse_fixture.py`` does not need to know them.
``python -m tests.test_profiles_parsers --rerecord`` rewrites their expected.json.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from scrapers.parsing.common import ParseError
from scrapers.parsing.orcid import parse_orcid_record, parse_orcid_section
from scrapers.parsing.profiles import (
    absent_profile_data,
    dblp_pid,
    match_requested,
    normalise_orcid,
    parse_profiles_page,
    profile_data,
    scrub_emails,
    year_of,
)

FIXTURES = Path(__file__).parent / "fixtures"
ORCID_CASE = FIXTURES / "orcid" / "record" / "official_sample"
PROFILE_CASE = FIXTURES / "openreview_profiles" / "search" / "logged_in_with_alias"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def parse_orcid_case() -> dict:
    meta = json.loads((ORCID_CASE / "meta.json").read_text(encoding="utf-8"))
    return parse_orcid_record((ORCID_CASE / "body.json").read_bytes(), meta["orcid"])


def parse_profile_case() -> dict:
    meta = json.loads((PROFILE_CASE / "meta.json").read_text(encoding="utf-8"))
    page = parse_profiles_page((PROFILE_CASE / "body.json").read_bytes())
    matched, unmatched = match_requested(page.profiles, meta["request_body"]["ids"])
    return {"found": {wanted: profile_data(profile, wanted) for wanted, profile in matched.items()},
            "look_up_alone": unmatched}


CASES = {ORCID_CASE: parse_orcid_case, PROFILE_CASE: parse_profile_case}


@pytest.mark.parametrize("case", list(CASES), ids=lambda case: case.relative_to(FIXTURES).as_posix())
def test_fixture_matches_expected(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(CASES[case]())) == expected


def test_orcid_official_sample_fields() -> None:
    data = parse_orcid_case()
    assert data["orcid"] == "0000-0002-7319-2192"
    assert data["name"] == "Three releasecandidate1"
    education = data["educations"][0]
    assert education["role_title"] == "role-title"
    assert education["department"] == "department-name"
    assert education["start"] == {"year": 1948, "month": 2, "day": 2}
    assert education["organization"]["country"] == "AF"
    assert education["organization"]["disambiguation_source"] == "FUNDREF"
    assert data["employments"], "the sample has employments"


def test_orcid_section_endpoint_matches_record_section() -> None:
    document = json.loads((ORCID_CASE / "body.json").read_text(encoding="utf-8"))
    section = json.dumps(document["activities-summary"]["employments"])
    assert parse_orcid_section(section, "employments") == parse_orcid_case()["employments"]


def test_orcid_partial_and_null_dates() -> None:
    body = json.dumps({"affiliation-group": [{"summaries": [{"education-summary": {
        "role-title": "BSc", "start-date": {"year": {"value": "2015"}, "month": None, "day": None},
        "end-date": None, "organization": {"name": "X", "address": {"country": "GB"}}}}]}]})
    [entry] = parse_orcid_section(body, "educations")
    assert entry["start"] == {"year": 2015, "month": None, "day": None}
    assert entry["end"] is None
    assert entry["organization"]["disambiguated_id"] is None


def test_profile_found_under_old_username_and_ghost_left_for_single_lookup() -> None:
    data = parse_profile_case()
    assert data["look_up_alone"] == ["~Ghost_Person1"]
    profile = data["found"]["~Ada_B_Example1"]
    assert profile["profile_id"] == "~Ada_Example1"
    assert profile["history"][1] == {
        "position": "PhD student", "start": 2016, "end": 2021, "bounds": "stated",
        "institution": {"name": "University of Toronto", "domain": "utoronto.ca", "country": "CA", "city": None,
                        "department": "Computer Science"}}
    assert profile["orcid"] == "0000-0000-0042-0014"
    assert profile["dblp_pid"] == "12/3456-7"


def test_email_addresses_never_survive_profile_parsing() -> None:
    data = parse_profile_case()
    text = json.dumps(data)
    assert not EMAIL.search(text), EMAIL.search(text)
    profile = data["found"]["~Ada_B_Example1"]
    assert profile["email_domains"] == ["cs.example.edu", "example.org"]
    assert profile["history"][0]["institution"]["name"] == "Example Labs (contact examplelabs.com)"
    assert "relations" not in profile  # advisors' emails live there: never read


def test_absent_profiles_are_recorded_with_status() -> None:
    assert absent_profile_data("~X_Y1", "hidden", "HTTP 403")["status"] == "hidden"
    with pytest.raises(ValueError):
        absent_profile_data("~X_Y1", "found", "no")


@pytest.mark.parametrize(("value", "expected"), [
    ("0000-0002-7319-2192", "0000-0002-7319-2192"), ("https://orcid.org/0000-0000-0042-0014", "0000-0000-0042-0014"),
    ("0000-0002-7319-2193", None), ("", None), (None, None)])
def test_orcid_ids_are_checked(value: str | None, expected: str | None) -> None:
    assert normalise_orcid(value) == expected


def test_small_helpers() -> None:
    assert dblp_pid("https://dblp.org/pid/31/8315") == "31/8315"
    assert dblp_pid("https://dblp.org/") is None
    assert year_of("2019-09") == 2019 and year_of(None) is None and year_of(True) is None
    assert scrub_emails({"a": ["x y.z@q.org"]}) == {"a": ["x q.org"]}
    with pytest.raises(ParseError):
        parse_profiles_page(b"<html>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rerecord", action="store_true", help="rewrite expected.json of every case")
    args = parser.parse_args()
    for case, parse in CASES.items():
        output = json.dumps(parse(), indent=2, ensure_ascii=False) + "\n"
        path = case / "expected.json"
        if args.rerecord:
            path.write_text(output, encoding="utf-8")
        print(("re-recorded " if args.rerecord else ("ok   " if path.exists() and path.read_text() == output
                                                       else "DIFF ")) + str(case.relative_to(FIXTURES)))


if __name__ == "__main__":
    main()
