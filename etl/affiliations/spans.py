"""Which exact name spans of an affiliation to keep: longest first, never overlapping, no plain words.

Candidates (:mod:`etl.affiliations.candidates`) lists every span that equals a registry name; most of
them are not what the author meant ("Research", "PA", "Singapore" alone, a lab name that fits labs
everywhere beside a specific one). This stage keeps the spans that can name an institution.
"""

from __future__ import annotations

from etl.affiliations.candidates import COMPANY_EXTRA, FIELD_NAME_MIN_EVIDENCE, NameIndex, Span, Token
from etl.affiliations.normalise import GENERIC_WORDS
from etl.countries import country_code
from etl.name_keys import PLACE_CODES


def select_spans(index: NameIndex, tokens: list[Token], spans: list[Span]) -> list[Span]:
    """Longest non-overlapping spans; one-word spans only where they cannot be a plain word."""
    chosen: list[Span] = []
    taken: set[int] = set()
    part_sizes: dict[int, int] = {}
    for t in tokens:
        part_sizes[t.part] = part_sizes.get(t.part, 0) + 1
    # "Mila / U. Montreal": a word between slashes stands alone as much as a word between commas
    # ("and" is left out: "Science and Engineering" is one name)
    alone = {i for i, t in enumerate(tokens)
             if (i == 0 or tokens[i - 1].part != t.part or tokens[i - 1].key == "/")
             and (i == len(tokens) - 1 or tokens[i + 1].part != t.part or tokens[i + 1].key == "/")}
    has_specific = any(not _generic(tokens, s) and (s.end - s.start > 1 or tokens[s.start].raw.isupper())
                       for s in spans)
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if any(i in taken for i in range(span.start, span.end)):
            continue
        if span.end - span.start == 1 and not _single_word_ok(index, tokens[span.start], span, span.start in alone):
            continue
        if span.end - span.start < len(tokens) and has_specific and _generic(tokens, span):
            continue  # "Computer Vision Lab, TU Dresden": the lab name fits labs everywhere
        chosen.append(span)
        taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)

def _generic(tokens: list[Token], span: Span) -> bool:
    return all(t.key in GENERIC_WORDS for t in tokens[span.start:span.end])

def _field_acronym(index: NameIndex, span: Span) -> bool:
    """An ISO code the field writes for an institution: "MSR" is Microsoft Research (a curated name
    of an institution with field evidence), not Montserrat. Country mentions are read separately,
    so a string that names a country still places it."""
    iid, rank = span.entries[0]
    return rank == 0 and index.evidence.get(iid, 0) >= FIELD_NAME_MIN_EVIDENCE

def _single_word_ok(index: NameIndex, token: Token, span: Span, alone: bool) -> bool:
    raw = token.raw
    if len(token.key) < 2:
        return False
    if any(c >= "\u3040" for c in raw):  # CJK names are written without spaces
        return True
    if token.key in COMPANY_EXTRA or token.key in GENERIC_WORDS:
        return False  # "Ltd", "LTD.", "Research": a suffix or a generic word alone names nobody
    shouty = raw.isupper() or (sum(c.isupper() for c in raw) >= 2 and not raw.istitle())
    if shouty:  # an acronym, unless it is a place code or a country ("PA", "USA", "UK")
        if len(raw) < 3 or token.key in PLACE_CODES:
            return False
        return country_code(raw) is None or _field_acronym(index, span)
    best_rank = span.entries[0][1]
    if country_code(raw) is not None:  # "Singapore" is the country, not ROR's "Ltd (Singapore)"
        return False
    return alone and best_rank <= 5  # not a bare acronym, unless evidence backs it ("Inria")
