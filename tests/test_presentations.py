"""Matching feed entries (tiers) to papers, on real 2019 titles that differ between the two sources."""

from etl.presentations import PaperRef, match_presentations, normalise_title


def test_normalise_title_ignores_case_accents_punctuation():
    assert (
        normalise_title("(Nearly) Efficient Algorithms — Graph Matching!")
        == "nearly efficient algorithms graph matching"
    )
    assert normalise_title("Café\ufeff Models") == "cafe models"


def test_shared_id_then_exact_then_fuzzy_then_authors():
    papers = [
        PaperRef("aaaa", "Some Title", (), ("Ada Lovelace",)),
        PaperRef("0118a063b4aae95277f0bc1752c75abf", "Multi-resolution Multi-task Gaussian Processes"),
        PaperRef("p3", "Nonconvex Low-Rank Tensor Completion from Noisy Data", (), ("Changxiao Cai", "Gen Li")),
        PaperRef(
            "p4",
            "Text-Based Interactive Recommendation via Constraint-Augmented Reinforcement Learning",
            (),
            ("Ruiyi Zhang", "Tong Yu", "Yilin Shen", "Hongxia Jin", "Changyou Chen"),
        ),
    ]
    feed = [
        PaperRef("f1", "Renamed", ("/paper_files/paper/2019/hash/0118a063b4aae95277f0bc1752c75abf-Abstract.html",)),
        PaperRef("f2", "SOME title."),
        PaperRef("f3", "Nonconvex Low-Rank Symmetric Tensor Completion from Noisy Data"),
        PaperRef(
            "f4",
            "Reward Constrained Interactive Recommendation with Natural Language Feedback",
            (),
            ("Ruiyi Zhang", "Tong Yu", "Yilin Shen", "Hongxia Jin", "Changyou Chen"),
        ),
        PaperRef("f5", "A Paper Nobody Wrote"),
    ]
    matches, unmatched = match_presentations(papers, feed)
    by_feed = {m.feed_paper_id: (m.paper_id, m.method) for m in matches}
    assert by_feed == {
        "f1": ("0118a063b4aae95277f0bc1752c75abf", "shared_id"),
        "f2": ("aaaa", "title_exact"),
        "f3": ("p3", "title_fuzzy"),
        "f4": ("p4", "same_authors"),
    }
    assert [entry.paper_id for entry in unmatched] == ["f5"]


def test_ambiguous_titles_are_not_guessed():
    papers = [PaperRef("a", "Deep Learning"), PaperRef("b", "Deep Learning")]
    matches, unmatched = match_presentations(papers, [PaperRef("f", "Deep Learning")])
    assert matches == [] and len(unmatched) == 1
