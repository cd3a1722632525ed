"""When no exact name is found: a fuzzy match of a part, then an institution's distinctive short name.

Both are weaker than any registry name and pass the decision thresholds of :mod:`etl.affiliations.decide`
(``ACCEPT_FUZZY``, ``ACCEPT_EXACT``) only with the context's support.
"""

from __future__ import annotations

from etl.affiliations import decide
from etl.affiliations.candidates import COMPANY_EXTRA, NameIndex, short_key
from etl.affiliations.normalise import is_address_part, is_subunit_part, strip_noise
from etl.affiliations.score import Context, Scored, family, score_candidate
from etl.countries import country_mentions
from etl.name_keys import PLACE_CODES, name_key

SHORT_BASE = 0.85  # a short name is weaker than any registry name


def short_name(index: NameIndex, parts: list[str], ctx: Context) -> list[tuple[Scored, frozenset[str], str]]:
    """A part that is an institution's distinctive short name ("Stanford", "Walmart Labs")."""
    # only the leading part, and only when the rest is address, city or country ("Stanford, CA")
    first, rest = parts[0], parts[1:]
    for part in rest:
        key = strip_noise(name_key(part))
        if key and not (is_address_part(key) or key in index.places or country_mentions(part)
                        or key in PLACE_CODES):
            return []
    full = strip_noise(name_key(first))
    key = short_key(full)
    hit = index.short.get(key) if key and len(key.split()) <= 3 else None
    if not hit or hit[0] not in index.info or is_subunit_part(full):
        return []
    iid, name_words = hit
    dropped = set(full.split()) - set(key.split())
    allowed = name_words | (COMPANY_EXTRA if index.info[iid][2] == "company" else frozenset({"the"}))
    if not dropped <= allowed:
        return []  # "Oregon Research Institute" is not the University of Oregon
    if key in index.places and key != full:
        return []  # "Moscow University", "Beijing 100871": a place and more, not a short name
    best = decide.best_of([score_candidate(index, iid, SHORT_BASE, ctx, full)], decide.ACCEPT_EXACT)
    return [(best, family(index, best.institution_id), "short-name")] if best else []

def fuzzy(index: NameIndex, parts: list[str], ctx: Context) -> list[tuple[Scored, frozenset[str], str]]:
    out: list[tuple[Scored, frozenset[str], str]] = []
    for part in parts:
        key = strip_noise(name_key(part))
        if len(key) < 6 or is_address_part(key) or is_subunit_part(key) or country_mentions(part) \
                and len(key.split()) <= 3:
            continue
        scored = [score_candidate(index, iid, score / 100.0 - 0.04, ctx, key)
                  for iid, score in index.fuzzy(key, cutoff=86)]
        best = decide.best_of(scored, decide.ACCEPT_FUZZY)
        if best:
            out.append((best, family(index, best.institution_id), "fuzzy"))
    return out
