"""The ROR-id scoring rules of the evaluation: succession, our own ids, exact-id figures beside."""

from types import SimpleNamespace

from etl.affiliations import gold
from etl.affiliations.evaluate import same_organisation, score_ror
from etl.affiliations.resolver import ResolvedAffiliation, load_resolver


class StubResolver:
    """Answers fixed ids per string; index carries names and ROR succession."""

    def __init__(self, answers, successors):
        self.answers = answers
        self.index = SimpleNamespace(info={}, successors=successors)

    def resolve(self, text):
        return [ResolvedAffiliation(text, iid, None, None, None, 1.0, "stub") for iid in self.answers[text]]


def test_succession_matches_in_both_directions_and_transitively():
    successors = {"upmc": ("sorbonne",), "old": ("mid",), "mid": ("new",)}
    assert same_organisation(successors, "upmc", "sorbonne")
    assert same_organisation(successors, "sorbonne", "upmc")
    assert same_organisation(successors, "old", "new")
    assert not same_organisation(successors, "upmc", "new")


def test_own_ids_count_as_wrong_predictions_and_succession_as_right():
    resolver = StubResolver({"UPMC": ["upmc"], "San Luis": ["tt:universidad-nacional-de-san-luis-ar"]},
                            {"upmc": ("sorbonne",)})
    cases = [gold.RorCase("s2aff", "UPMC", frozenset({"sorbonne"})),
             gold.RorCase("s2aff", "San Luis", frozenset({"sanluis"}))]
    inside = score_ror(resolver, cases, {"sorbonne", "sanluis", "upmc"})["inside"]
    assert (inside.predicted, inside.predicted_correct, inside.gold, inside.gold_found) == (2, 1, 2, 1)
    assert inside.exact_hits == 0 and len(inside.errors) == 1


def test_registry_knows_ror_succession():
    successors = load_resolver().index.successors
    assert "02en5vm52" in successors["01yvrd251"]  # Université Pierre-et-Marie-Curie → Sorbonne Université
