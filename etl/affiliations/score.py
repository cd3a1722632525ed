"""Stage 4 — score: how well does a candidate institution fit everything else the string says?

A candidate starts from how it was found (an exact display name beats an acronym; fuzzy scores scale
down) and is then checked against the context: countries and single-country cities mentioned in the
string, the author's email domain, and how often the institution appears among NeurIPS authors (a
small prior that separates the MIT in Cambridge, Massachusetts from the other MITs).

A country mention that contradicts an education or research candidate is close to disqualifying —
that is what keeps "Tsinghua University, Hsinchu" away from Tsinghua in Beijing. Companies are
multinational: their country is taken from the mention instead ("Google, Zürich, Switzerland" → CH).
A curated site or single-site lab (etl.registry.curated_sites) already is one place: a city in its own
name ("Samsung AI Center Cambridge") does not move it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.affiliations.candidates import NameIndex
from etl.affiliations.sites import NO_SITE, Site
from etl.registry.curated_sites import CURATED_SITE_SOURCE

KIND_BASE = {0: 1.0, 1: 1.0, 2: 0.97, 3: 0.95, 4: 0.93, 5: 0.92, 6: 0.9}
COUNTRY_CONFLICT = 0.45
CITY_CONFLICT = 0.25
COUNTRY_AGREES = 0.03
DOMAIN_AGREES = 0.08
PRIOR_WEIGHT = 0.012
INACTIVE = 0.04
STUB = 0.02
MULTINATIONAL = frozenset({"company"})
# A name alone does not carry an institution nobody in the field publishes from past contrary evidence:
# the author's email domain in another country ("Ecole Normale Superieure" @ens.fr is not Burundi's),
# or a field institution abroad whose name the string abbreviates ("Institute of Science and
# Technology" for IST Austria, not Nepal's).
UNKNOWN_IN_FIELD_CONFLICT = 0.45


@dataclass(slots=True)
class Context:
    """What the affiliation string and the author's email say besides the institution's name."""

    countries: list[str] = field(default_factory=list)
    city_countries: list[str] = field(default_factory=list)
    domain_owner: str | None = None
    domain_family: frozenset[str] = frozenset()
    domain_country: str | None = None
    site: Site = NO_SITE  # where the string places a company (etl.affiliations.sites)


@dataclass(slots=True)
class Scored:
    institution_id: str
    score: float
    country_code: str | None
    country_from_mention: bool = False


def family(index: NameIndex, institution_id: str | None) -> frozenset[str]:
    """The institution, its ancestors, and its direct children (for domain agreement)."""
    if not institution_id:
        return frozenset()
    out = {institution_id}
    current = institution_id
    for _ in range(6):
        parent = index.info.get(current, (None, None, None, None, ""))[3]
        if not parent or parent in out:
            break
        out.add(parent)
        current = parent
    return frozenset(out)


def score_candidate(index: NameIndex, institution_id: str, base: float, ctx: Context, key: str = "") -> Scored:
    name, country, inst_type, parent, source = index.info[institution_id]
    score = base
    country_out = country
    from_mention = False
    if ctx.countries:
        if country in ctx.countries:
            score += COUNTRY_AGREES
        elif inst_type in MULTINATIONAL or country is None:
            country_out, from_mention = ctx.countries[-1], True
        else:
            score -= COUNTRY_CONFLICT
    elif inst_type in MULTINATIONAL and ctx.site.country and source != CURATED_SITE_SOURCE:
        if ctx.site.country != country:  # "Google Brain (Zurich)": the site, not the headquarters
            country_out, from_mention = ctx.site.country, True
    elif ctx.city_countries and country and country not in ctx.city_countries and inst_type not in MULTINATIONAL:
        score -= CITY_CONFLICT
    if not index.evidence.get(institution_id) and inst_type not in MULTINATIONAL and country and \
            institution_id not in ctx.domain_family and not ctx.countries:
        abroad = index.extensions.get(key)
        if (ctx.domain_country and ctx.domain_country != country) or (abroad and country not in abroad):
            score -= UNKNOWN_IN_FIELD_CONFLICT
    if ctx.domain_owner and (institution_id in ctx.domain_family
                             or ctx.domain_owner in family(index, institution_id)):
        score += DOMAIN_AGREES
    score += PRIOR_WEIGHT * index.prior.get(institution_id, 0.0)
    if source == "ror-inactive":
        score -= INACTIVE
    elif source == "ror-stub":
        score -= STUB
    return Scored(institution_id, score, country_out, from_mention)
