"""Narrow a name several institutions share to the ones the evidence supports.

An acronym ("USC", "TTIC") or a full name shared across countries ("University of Georgia") is given to
one holder only when the string or email domain places it, or when NeurIPS authors publish from it and
not (nearly as much) from the others; otherwise all holders go on to the scorer and the ambiguity rule.
"""

from __future__ import annotations

from etl.affiliations.candidates import NameIndex, Span, Token
from etl.affiliations.score import Context, family

# An acronym many institutions go by is given to one only on evidence: authors of this field publish
# from it (and from none of the others nearly as much), or the string or email domain places it.
ACRONYM_DOMINANCE = 5
ACRONYM_MIN_EVIDENCE = 3  # authors: fewer is a stray spelling, not a field's institution


def evidenced(index: NameIndex, tokens: list[Token], span: Span, ctx: Context) -> list[tuple[str, int]]:
    """The span's candidates; an acronym several institutions share is narrowed by evidence.

    First to those the string or email domain places (country, city, domain); else to those NeurIPS
    authors publish from, the one with :data:`ACRONYM_DOMINANCE` times the next alone. "USC" is
    listed for Southern California (102 authors), South Carolina (2) and the Sunshine Coast (0):
    only the first stands. "TTIC" is the Chicago institute (ttic.edu), not the French cornea lab
    nobody here publishes from. An acronym only one institution has, or none of whose holders has
    evidence, is left to the scorer as before.
    """
    entries = [(iid, rank) for iid, rank in span.entries if iid in index.info]
    if len({iid for iid, _r in entries}) < 2:
        return entries
    single = span.end - span.start == 1
    raw = tokens[span.start].raw
    shouty = raw.isupper() or (sum(c.isupper() for c in raw) >= 2 and not raw.istitle())
    if not (single and shouty) and not all(rank >= 5 for _i, rank in entries):
        return _field_homonym(index, entries, ctx)
    backed = [(iid, rank) for iid, rank in entries if _placed(index, iid, ctx)]
    if backed:
        return backed
    counts = sorted(((index.evidence.get(iid, 0), iid) for iid, _rank in entries
                     if index.evidence.get(iid, 0) >= ACRONYM_MIN_EVIDENCE
                     and (not ctx.countries or index.info[iid][1] in ctx.countries)), reverse=True)
    if len(counts) == 1 or counts and counts[0][0] >= ACRONYM_DOMINANCE * counts[1][0]:
        return [(iid, rank) for iid, rank in entries if iid == counts[0][1]]
    kept = [(iid, rank) for iid, rank in entries if iid in {i for _n, i in counts}] if counts else entries
    if single and not raw.isupper():
        # evidence left several: "UvA" is spelled exactly as one holder's acronym (Amsterdam), not as
        # the others' ("UVA", Virginia) — the registry's own spelling breaks the tie
        spelled = [(iid, rank) for iid, rank in kept if iid in index.cased.get(raw, ())]
        if spelled and len({i for i, _r in spelled}) < len({i for i, _r in kept}):
            return spelled
    return kept

def _field_homonym(index: NameIndex, entries: list[tuple[str, int]], ctx: Context) -> list[tuple[str, int]]:
    """A full name shared across countries, where NeurIPS authors publish from one holder only.

    "University of Georgia" is the one in Athens, Georgia (authors write uga.edu), not the one in
    Tbilisi nobody in the field publishes from. Only when the string, its email domain and its
    cities say nothing, the holders go by the name equally well (same name rank), and exactly one of
    them has field evidence; otherwise the scorer and the ambiguity rule decide as before.
    """
    if ctx.countries or ctx.city_countries or ctx.domain_owner:
        return entries
    best_rank = min(rank for _i, rank in entries)
    top = [(iid, rank) for iid, rank in entries if rank == best_rank]
    if len({index.info[iid][1] for iid, _r in top}) < 2:
        return entries
    evidenced = [(iid, rank) for iid, rank in top if index.evidence.get(iid, 0) > 0]
    if len(evidenced) != 1:
        return entries
    return evidenced + [(iid, rank) for iid, rank in entries if rank > best_rank
                        and index.info[iid][1] == index.info[evidenced[0][0]][1]]

def _placed(index: NameIndex, institution_id: str, ctx: Context) -> bool:
    """Does the email domain, or the string's country or city for a field institution, place it?"""
    country = index.info[institution_id][1]
    in_field = index.evidence.get(institution_id, 0) >= ACRONYM_MIN_EVIDENCE
    return (institution_id in ctx.domain_family or (ctx.domain_owner is not None and ctx.domain_owner
                                                    in family(index, institution_id))
            or (in_field and country is not None
                and (country in ctx.countries or country in ctx.city_countries)))
