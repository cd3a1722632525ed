"""A profile is attached only to an author it names; namesakes are not merged on name and institution alone.

Real rows (issue 9, finding 2), as the mirror serves them before its or_profile fix: NeurIPS 2022 paper
eN2lQxjWL05 lists Milind Tambe with his own id ``~Milind_Tambe1``, but the id answered with the profile
``~Jackson_Albert_Killian1`` (a coauthor's, chained by index pairing), whose listed name had become
"Milind Tambe". Tsinghua's Peng Cui (2019 paper a2186aa7…, 2020 e430ad64…, 2022 ``~Peng_Cui1``) and the MS
student ``~Peng_Cui6`` (2020 paper c74c4bf0… with Jun Zhu, 2022 7fGIR2oIHTl with Jun Zhu) were one person.
Everything else here is fictional.
"""

from __future__ import annotations

from importlib import resources

import duckdb
import pytest

from etl.people.integrity import (
    ID_NAME,
    NO_SHARED_TOKEN,
    OTHER_SCRIPT,
    PROFILE_NAME,
    judge_link,
    name_tokens,
    persons_with_foreign_profile,
    profile_id_name,
)
from etl.people.person_rows import vet_profile
from etl.people.records import AuthorRow
from etl.people.resolve import resolve_persons
from warehouse.models.core.persons_core import build_persons


@pytest.mark.parametrize(("printed", "profile_id"), [
    ("Iurii Quellmark", "~Yury_Quellmark1"),  # transliteration
    ("Russ Vandermolen", "~Ruslan_Vandermolen1"),  # short form
    ("Ostrava Aleksandr", "~Alexandr_Ostrava2"),  # reordered, ks/x
    ("X.-S. Quen", "~Xiu-Shen_Quen1"),  # initials and a hyphenated given name: the surname carries it
    ("Quen Xiushen", "~Xiu-Shen_Quen1"),
    ("Tóbiás Ferrand", "~Tobias_Ferrand1"),  # accents
    ("Quanli Ferrand", "~FerrandQuanli1"),  # an id written in camel case
    ("Lekan Vandermolu", "~Olalekan_Vandermolu2"),  # a short form inside the long one
    ("Zhixing Dou", "~Zhixing_Du3"),  # ou/u
    ("Jiequn Xau", "~X_Jq1"),  # an id of initials only: every part of the printed name begins with one
])
def test_spelling_variants_share_a_token(printed: str, profile_id: str) -> None:
    assert judge_link(printed, profile_id) == ID_NAME


def test_an_initial_alone_is_not_a_shared_token() -> None:
    assert "j" not in name_tokens("J. Quellmark")
    assert judge_link("J. Quellmark", "~Jonas_Ferrand1") == NO_SHARED_TOKEN
    assert judge_link("Jonas Quellmark", "~Q_Tm1") == NO_SHARED_TOKEN  # initials must match every part


def test_profile_id_name() -> None:
    assert profile_id_name("~Jackson_A._Killian1") == "Jackson A. Killian"
    assert profile_id_name("virtual:802278885") == ""


def test_the_chained_profile_is_refused_even_when_it_lists_the_printed_name() -> None:
    """The bad pairing rewrote the profile's listed name; the id's own name cannot be rewritten."""
    assert judge_link("Milind Tambe", "~Jackson_Albert_Killian1", ["Milind Tambe"]) == NO_SHARED_TOKEN
    reason, openreview_id, keep = vet_profile("Milind Tambe", "~Milind_Tambe1", "~Jackson_Albert_Killian1",
                                              ["Milind Tambe"])
    assert (reason, openreview_id, keep) == (NO_SHARED_TOKEN, "~Milind_Tambe1", False)


def test_a_listed_name_the_id_agrees_with_explains_a_link() -> None:
    # fictional: printed under a nickname and a new surname the profile lists beside its id's name
    listed = ["Wilhelmina Ostrava", "Willa Quellmark-Ostrava"]
    assert judge_link("Willa Quellmark", "~Wilhelmina_Ostrava1", listed) == PROFILE_NAME
    assert judge_link("Willa Quellmark", "~Wilhelmina_Ostrava1", ["Willa Quellmark"]) == NO_SHARED_TOKEN


def test_names_in_different_scripts_are_kept_as_explained() -> None:
    assert judge_link("奎小明", "~Xiaoming_Kui7") == OTHER_SCRIPT


def test_a_paper_id_that_does_not_name_the_author_is_not_used() -> None:
    assert vet_profile("Ada Quellmark", "~Jonas_Ferrand1", None, []) == (None, None, False)


# --- warehouse: core_authorships + profile staging -> build_persons -------------------------------------
TAMBE_PAPER = [  # 2022 eN2lQxjWL05, as the mirror lists it
    ("neurips", 2022, "eN2lQxjWL05", 1, "Sanket Shah", "Harvard University", "~Sanket_Shah2"),
    ("neurips", 2022, "eN2lQxjWL05", 2, "Kai Wang", "Harvard University", "~Kai_Wang5"),
    ("neurips", 2022, "eN2lQxjWL05", 3, "Bryan Wilder", "Ohio State University", "~Bryan_Wilder1"),
    ("neurips", 2022, "eN2lQxjWL05", 4, "Andrew Perrault", "Google", "~Andrew_Perrault1"),
    ("neurips", 2022, "eN2lQxjWL05", 5, "Milind Tambe", "Carnegie Mellon University", "~Milind_Tambe1"),
]
TAMBE_PROFILES = [  # requested id -> answered profile, as the pre-fix mirror answered
    ("~Sanket_Shah2", "~Sanket_Shah2", "Sanket Shah", None, "18/3552"),
    ("~Kai_Wang5", "~Kai_Wang5", "Kai Wang", "0000-0002-2446-987X", "78/2022-40"),
    ("~Bryan_Wilder1", "~Jackson_Albert_Killian1", "Milind Tambe", "0000-0001-8555-1327", "236/4482"),
    ("~Andrew_Perrault1", "~Jackson_Albert_Killian1", "Milind Tambe", "0000-0001-8555-1327", "236/4482"),
    ("~Milind_Tambe1", "~Jackson_Albert_Killian1", "Milind Tambe", "0000-0001-8555-1327", "236/4482"),
]
PENG_CUI_PAPERS = [
    ("neurips", 2019, "a2186aa7", 1, "Jianxin Ma", "Alibaba Group", "virtual:665769693"),
    ("neurips", 2019, "a2186aa7", 2, "Chang Zhou", "Alibaba Group", "virtual:23649763"),
    ("neurips", 2019, "a2186aa7", 3, "Peng Cui", "Tsinghua University", "virtual:802278885"),
    ("neurips", 2019, "a2186aa7", 4, "Hongxia Yang", "Alibaba Group", "virtual:395099293"),
    ("neurips", 2019, "a2186aa7", 5, "Wenwu Zhu", "Tsinghua University", "virtual:149893352"),
    ("neurips", 2020, "c74c4bf0", 1, "Peng Cui", "Tsinghua University", "virtual:802278885"),
    ("neurips", 2020, "c74c4bf0", 2, "Wenbo Hu", "Tsinghua University / RealAI", "virtual:287587479"),
    ("neurips", 2020, "c74c4bf0", 3, "Jun Zhu", "Tsinghua University", "virtual:450249709"),
    ("neurips", 2020, "e430ad64", 1, "Hao Zou", "Tsinghua University", "virtual:205878879"),
    ("neurips", 2020, "e430ad64", 2, "Peng Cui", "Tsinghua University", "virtual:802278885"),
    ("neurips", 2020, "e430ad64", 3, "Bo Li", "Tsinghua University", "virtual:960799726"),
    ("neurips", 2020, "e430ad64", 4, "Zheyan Shen", "Tsinghua University", "virtual:378462714"),
    ("neurips", 2020, "e430ad64", 5, "Jianxin Ma", "Alibaba Group", "virtual:665769693"),
    ("neurips", 2020, "e430ad64", 6, "Hongxia Yang", "Alibaba Group", "virtual:395099293"),
    ("neurips", 2020, "e430ad64", 7, "Yue He", "Tsinghua University", "virtual:55650117"),
    ("neurips", 2022, "7fGIR2oIHTl", 1, "Peng Cui", "Tsinghua University", "~Peng_Cui6"),
    ("neurips", 2022, "7fGIR2oIHTl", 2, "Yang Yue", "Tsinghua University", "~Yang_Yue4"),
    ("neurips", 2022, "7fGIR2oIHTl", 3, "Zhijie Deng", "Tsinghua University", "~Zhijie_Deng1"),
    ("neurips", 2022, "7fGIR2oIHTl", 4, "Jun Zhu", "Tsinghua University", "~Jun_Zhu2"),
    ("neurips", 2022, "caH1x1ZBLDR", 1, "Jiashuo Liu", "Tsinghua University", "~Jiashuo_Liu1"),
    ("neurips", 2022, "caH1x1ZBLDR", 2, "Jiayun Wu", "Computer Science, Tsinghua University", "~Jiayun_Wu1"),
    ("neurips", 2022, "caH1x1ZBLDR", 3, "Bo Li", "Tsinghua University", "~Bo_Li29"),
    ("neurips", 2022, "caH1x1ZBLDR", 4, "Peng Cui", "Tsinghua University", "~Peng_Cui1"),
]


def warehouse(authorships: list[tuple], profiles: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((resources.files("warehouse") / "migrations" / "010_person_ids.sql").read_text(encoding="utf-8"))
    con.execute("""CREATE TABLE core_authorships (conference VARCHAR, year INTEGER, paper_id VARCHAR,
                   author_position INTEGER, author_name VARCHAR, raw_affiliation VARCHAR,
                   author_source_id VARCHAR, email_domain VARCHAR)""")
    con.executemany("INSERT INTO core_authorships VALUES (?, ?, ?, ?, ?, ?, ?, NULL)", authorships)
    con.execute("""CREATE TABLE stg_openreview_profiles (requested_id VARCHAR, profile_id VARCHAR, status VARCHAR,
                   preferred_name VARCHAR, names VARCHAR[], orcid VARCHAR, dblp_pid VARCHAR)""")
    if profiles:
        con.executemany("INSERT INTO stg_openreview_profiles VALUES (?, ?, 'found', ?, [?], ?, ?)",
                        [(r, p, n, n, o, d) for r, p, n, o, d in profiles])
    # the staging view's own rule: a profile under another id is taken when a listed name matches
    con.execute("""CREATE VIEW stg_authorship_profiles AS
                   SELECT a.conference, a.year, a.paper_id, a.author_position, p.profile_id, p.orcid, p.dblp_pid,
                          p.preferred_name
                   FROM core_authorships a JOIN stg_openreview_profiles p ON p.requested_id = a.author_source_id
                   WHERE p.profile_id = p.requested_id OR list_contains(p.names, a.author_name)""")
    return con


def person_row(con: duckdb.DuckDBPyConnection, paper: str, position: int) -> tuple:
    return con.execute("""SELECT pc.person_id, pc.openreview_id, pc.orcid, pc.dblp FROM authorship_persons ap
                          JOIN persons_core pc USING (person_id) WHERE paper_id = ? AND author_position = ?""",
                       [paper, position]).fetchone()


def test_tambe_keeps_his_own_id_and_not_killians_profile() -> None:
    con = warehouse(TAMBE_PAPER, TAMBE_PROFILES)
    figures = build_persons(con)
    assert figures["profiles_refused_no_shared_token"] == 1
    _, openreview_id, orcid, dblp = person_row(con, "eN2lQxjWL05", 5)
    assert (openreview_id, orcid, dblp) == ("~Milind_Tambe1", None, None)
    assert con.execute("""SELECT requested_id, profile_id, profile_kept, reason FROM authorship_profile_links
                          WHERE author_position = 5""").fetchall() == [
        ("~Milind_Tambe1", "~Jackson_Albert_Killian1", False, NO_SHARED_TOKEN)]
    assert persons_with_foreign_profile(con).figures()["persons_with_foreign_profile"] == 0


def test_the_check_finds_a_person_built_with_someone_elses_profile() -> None:
    """What an unguarded build wrote (the baseline demo warehouse): Tambe's person carried Killian's id."""
    con = warehouse(TAMBE_PAPER, TAMBE_PROFILES)
    build_persons(con)
    con.execute("UPDATE persons_core SET openreview_id = '~Jackson_Albert_Killian1' WHERE person_id = ?",
                [person_row(con, "eN2lQxjWL05", 5)[0]])
    found = persons_with_foreign_profile(con)
    assert [(f.printed_names, f.profile_id) for f in found.unexplained] == [
        (("Milind Tambe",), "~Jackson_Albert_Killian1")]
    assert found.explained == []
    assert found.persons_with_profile == 5


def test_explained_links_are_reported_apart() -> None:
    con = warehouse([("neurips", 2022, "f1", 1, "奎小明", None, "~Xiaoming_Kui7")],
                    [("~Xiaoming_Kui7", "~Xiaoming_Kui7", "Xiaoming Kui", None, None)])
    build_persons(con)
    found = persons_with_foreign_profile(con)
    assert found.unexplained == []
    assert [f.reason for f in found.explained] == [OTHER_SCRIPT]


def test_peng_cui_namesakes_stay_two_people() -> None:
    con = warehouse(PENG_CUI_PAPERS, [("~Peng_Cui1", "~Peng_Cui1", "Peng Cui", None, "31/891-1"),
                                      ("~Peng_Cui6", "~Peng_Cui6", "Peng Cui", None, "31/891-7")])
    build_persons(con)
    professor = {person_row(con, paper, pos)[0] for paper, pos in
                 [("a2186aa7", 3), ("e430ad64", 2), ("caH1x1ZBLDR", 4)]}
    student = {person_row(con, paper, pos)[0] for paper, pos in [("c74c4bf0", 1), ("7fGIR2oIHTl", 1)]}
    assert len(professor) == 1 and len(student) == 1 and professor != student
    assert person_row(con, "a2186aa7", 3)[1] == "~Peng_Cui1"
    assert person_row(con, "c74c4bf0", 1)[1] == "~Peng_Cui6"


def test_a_name_derived_site_id_is_never_a_profile_id() -> None:
    """The virtual site's author ids are hashes of the printed name: every Peng Cui shares one."""
    con = warehouse(PENG_CUI_PAPERS, [])
    build_persons(con)
    carried = con.execute("""SELECT DISTINCT pc.openreview_id FROM authorship_persons ap JOIN persons_core pc
                             USING (person_id) JOIN core_authorships a USING (conference, year, paper_id,
                             author_position) WHERE a.year < 2022""").fetchall()
    assert all(value is None or value.startswith("~") for (value,) in carried)


def test_unkeyed_namesakes_at_one_institution_collapse_only_with_a_coauthor() -> None:
    """Fictional: two Ada Quellmarks at one institute, each with an OpenReview id in a later year."""
    def row(rid: str, paper: str, pos: int, name: str, year: int, openreview_id: str | None = None) -> AuthorRow:
        return AuthorRow(id=rid, paper_id=paper, author_position=pos, name=name, affiliation="Varn Institute",
                         year=year, openreview_id=openreview_id)

    rows = [
        row("a1", "p1", 1, "Ada Quellmark", 2019), row("a2", "p1", 2, "Tobias Ferrand", 2019),
        row("b1", "p2", 1, "Ada Quellmark", 2020), row("b2", "p2", 2, "Mina Ostrava", 2020),
        row("c1", "p3", 1, "Ada Quellmark", 2022, "~Ada_Quellmark1"), row("c2", "p3", 2, "Tobias Ferrand", 2022),
        row("d1", "p4", 1, "Ada Quellmark", 2022, "~Ada_Quellmark2"), row("d2", "p4", 2, "Mina Ostrava", 2022),
    ]
    m = resolve_persons(rows)
    assert m["a1"] == m["c1"] and m["b1"] == m["d1"] and m["a1"] != m["b1"]
