"""Person resolution: homonyms, variants, the same-paper rule, strong keys and stable ids."""

from __future__ import annotations

import random

from etl.people import AuthorRow, resolve_persons, resolve_records
from etl.people.normalise import parse_name, registrable_domain


def row(rid: str, paper: str, pos: int, name: str, domain: str | None = None, year: int = 2022, **kw) -> AuthorRow:
    return AuthorRow(
        id=rid, paper_id=paper, author_position=pos, name=name, affiliation=None, email_domain=domain, year=year, **kw
    )


def same(mapping: dict[str, str], *ids: str) -> bool:
    return len({mapping[i] for i in ids}) == 1


def test_parse_name_variants_agree() -> None:
    forms = ["Xiu-Shen Wei", "Xiushen Wei", "Wei, Xiu-Shen", "WEI, Xiushen"]
    assert {parse_name(f).full_key for f in forms} == {"xiushen|wei"}
    assert parse_name("van der Maaten, Laurens") == parse_name("Laurens van der Maaten")
    assert parse_name("Björn Ommer") == parse_name("Bjorn Ommer")
    assert parse_name("Shaofeng H.-C. Jiang").given == ("shaofeng", "h", "c")
    assert registrable_domain("cs.ucr.edu") == registrable_domain("ucr.edu") == "ucr.edu"
    assert registrable_domain("cs.ox.ac.uk") == "ox.ac.uk"
    assert registrable_domain("edu.cn") == ""


def test_homonyms_at_different_institutions_are_split() -> None:
    rows = [
        row("a1", "p1", 1, "Wei Wang", "ucla.edu"),
        row("a2", "p1", 2, "Carlo Rossi", "ucla.edu"),
        row("b1", "p2", 1, "Wei Wang", "tsinghua.edu.cn"),
        row("b2", "p2", 2, "Lin Zhou", "tsinghua.edu.cn"),
        row("c1", "p3", 1, "Wei Wang", "ucla.edu", year=2021),
        row("c2", "p3", 2, "Carlo Rossi", "ucla.edu", year=2021),
    ]
    m = resolve_persons(rows)
    assert m["a1"] != m["b1"]
    assert same(m, "a1", "c1")


def test_spelling_variants_are_merged() -> None:
    rows = [
        row("1", "p1", 1, "Xiu-Shen Wei", "nju.edu.cn"),
        row("2", "p2", 1, "Xiushen Wei", "nju.edu.cn"),
        row("3", "p3", 1, "Wei, Xiu-Shen", "nju.edu.cn"),
        row("4", "p4", 1, "X.-S. Wei", "nju.edu.cn"),
        row("5", "p5", 1, "Björn Ommer", "uni-heidelberg.de"),
        row("6", "p6", 1, "Bjorn Ommer", "uni-heidelberg.de"),
        row("7", "p7", 1, "Ommer, Björn", None),
        row("8", "p8", 1, "B. Ommer", "uni-heidelberg.de"),
        row("9", "p9", 1, "Daniel M. Roy", "utoronto.ca"),
        row("10", "p10", 1, "Daniel Roy", "utoronto.ca"),
        row("11", "p11", 1, "Amit Roy-Chowdhury", "ucr.edu"),
        row("12", "p12", 1, "Amit Roy Chowdhury", "cs.ucr.edu"),
    ]
    m = resolve_persons(rows)
    assert same(m, "1", "2", "3", "4")
    assert same(m, "5", "6", "7", "8")
    assert same(m, "9", "10")
    assert same(m, "11", "12")
    assert m["1"] != m["5"] != m["9"]


def test_two_authors_of_one_paper_are_never_one_person() -> None:
    rows = [
        row("1", "p1", 1, "Wei Wang", "ucla.edu"),
        row("2", "p1", 2, "Wei Wang", "ucla.edu"),
        row("3", "p2", 1, "W. Wang", "ucla.edu"),
        row("4", "p2", 2, "Wang, Wei", "ucla.edu"),
    ]
    m = resolve_persons(rows)
    assert m["1"] != m["2"]
    assert m["3"] != m["4"]


def test_ambiguous_initial_stays_apart_from_both_candidates() -> None:
    rows = [
        row("1", "p1", 1, "Juho Lee", "kaist.ac.kr"),
        row("2", "p2", 1, "Jaeho Lee", "kaist.ac.kr"),
        row("3", "p3", 1, "J. Lee", "kaist.ac.kr"),
    ]
    m = resolve_persons(rows)
    assert m["1"] != m["2"]
    assert not (same(m, "3", "1") and same(m, "3", "2"))


def test_strong_keys_decide_identity() -> None:
    rows = [
        row("1", "p1", 1, "Jon Smith", "mit.edu", orcid="0000-0001-0000-0001"),
        row("2", "p2", 1, "Jonathan Q. Smith", "google.com", orcid="0000-0001-0000-0001"),
        row("3", "p3", 1, "Jon Smith", "mit.edu", orcid="0000-0002-0000-0002"),
    ]
    m = resolve_persons(rows)
    assert same(m, "1", "2")
    assert m["1"] != m["3"]


def _corpus() -> list[AuthorRow]:
    return [
        row("1", "p1", 1, "Yoshua Bengio", "umontreal.ca", 2019),
        row("2", "p1", 2, "Aaron Courville", "umontreal.ca", 2019),
        row("3", "p2", 1, "Bengio, Yoshua", "mila.quebec", 2020),
        row("4", "p2", 2, "A. Courville", "umontreal.ca", 2020),
        row("5", "p3", 1, "Wei Wang", "ucla.edu", 2021),
        row("6", "p4", 1, "Wei Wang", "tsinghua.edu.cn", 2021),
    ]


def test_ids_are_stable_across_reruns_and_input_order() -> None:
    rows = _corpus()
    first = resolve_persons(rows)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert resolve_persons(shuffled) == first
    assert resolve_persons(rows) == first


def test_ids_survive_new_rows() -> None:
    rows = _corpus()
    first = resolve_persons(rows)
    later = [*rows, row("7", "p5", 1, "Yoshua Bengio", "mila.quebec", 2022)]
    second = resolve_persons(later)
    assert {k: second[k] for k in first} == first
    assert second["7"] == first["1"]
    # An earlier paper would move the canonical member; the previous map keeps the id anyway.
    earlier = [*rows, row("0", "p0", 1, "Yoshua Bengio", "umontreal.ca", 2015)]
    assert resolve_persons(earlier)["1"] != first["1"]
    kept = resolve_persons(earlier, previous_ids=first)
    assert {k: kept[k] for k in first} == first
    assert kept["0"] == first["1"]


def test_resolve_records_accepts_arrow_and_dicts() -> None:
    import pyarrow as pa

    records = [
        {
            "id": "1",
            "paper_id": "p1",
            "author_position": 1,
            "name": "Ada Lovelace",
            "affiliation": "",
            "email_domain": "ox.ac.uk",
            "year": 2020,
        },
        {
            "id": "2",
            "paper_id": "p2",
            "author_position": 1,
            "name": "Lovelace, Ada",
            "affiliation": None,
            "email_domain": "ox.ac.uk",
            "year": 2021,
        },
    ]
    table = resolve_records(pa.Table.from_pylist(records))
    assert table.column_names == ["id", "person_id"]
    ids = table.column("person_id").to_pylist()
    assert ids[0] == ids[1]
    assert resolve_records(records).to_pylist() == table.to_pylist()
