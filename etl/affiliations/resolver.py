"""The affiliation resolver: raw string (+ email domain) → institutions, countries, types.

Runs the stages in order — normalise → split → candidates → spans → narrowing → score → decide, with
fallbacks when no exact name is found — and caches results per distinct (string, domain), since the same
affiliations recur thousands of times in author lists. The company-site and campus rules (which country a
multinational's or a university's name stands for) stay here, beside the decision they change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.affiliations import decide
from etl.affiliations.candidates import NameIndex, Span, Token, tokenise
from etl.affiliations.fallbacks import fuzzy, short_name
from etl.affiliations.index_cache import load_index
from etl.affiliations.narrowing import evidenced
from etl.affiliations.score import KIND_BASE, MULTINATIONAL, Context, Scored, family, score_candidate
from etl.affiliations.sites import NO_SITE, REGIONS, Site, find_site
from etl.affiliations.spans import select_spans
from etl.affiliations.split import comma_parts, soft_split_points, split_hard
from etl.countries import country_mentions
from etl.name_keys import name_key
from etl.registry.curated_sites import CURATED_SITE_SOURCE
from etl.registry.model import HOLDING_COMPANIES, Registry
from etl.registry.paths import REGISTRY_DATA_DIR
from etl.registry.store import load_or_build, load_registry

log = logging.getLogger(__name__)

_BARE_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$")
_KIND_METHOD = {0: "exact-name", 1: "exact-name", 2: "exact-alias", 3: "exact-alias", 4: "exact-alias",
                5: "acronym", 6: "acronym"}
_WEB_NAME = re.compile(r"\b[\w-]+\.(?:ai|com|io|org|net|co|tech)\b", re.IGNORECASE)
_UNPLACED = "<unplaced>"  # a site named by region with no one known country (see _named_site)
_REGION_WORD = re.compile(r"\b(" + "|".join(REGIONS) + r")\b", re.IGNORECASE)


def _region_word(text: str) -> str | None:
    """A region word after the first word of ``text`` ("Sony Europe B.V." → "europe"), else None."""
    match = _REGION_WORD.search(text, text.find(" ") + 1) if " " in text else None
    return match.group(1).lower() if match else None


@dataclass(frozen=True, slots=True)
class ResolvedAffiliation:
    """One affiliation of one author. ``institution_id`` is None when unresolved (never a guess)."""

    text: str
    institution_id: str | None
    name: str | None
    country_code: str | None
    type: str | None
    confidence: float
    method: str
    # other institutions the same affiliation names, e.g. the parent in "ICT, Chinese Acad. of Sci."
    also_ids: tuple[str, ...] = ()
    # a company site in a city several countries share ("Microsoft Research Cambridge"): the countries
    # it may be in; the warehouse settles it from the coauthors (etl.affiliations.sites)
    site_countries: tuple[str, ...] = ()
    site_city: str | None = None


class AffiliationResolver:
    """Resolves affiliation strings against a registry. Build once; call :meth:`resolve` many times."""

    def __init__(self, registry: Registry, index: NameIndex | None = None, cache_size: int = 200_000):
        self.registry = registry
        self.index = index or NameIndex(registry)
        self.curated_sites = self._curated_sites_by_company()
        self.campuses = self._campuses_by_parent()
        self._resolve_cached = lru_cache(maxsize=cache_size)(self._resolve)

    # -- public API -------------------------------------------------------------------------------
    def resolve(self, affiliation: str | None, email_domain: str | None = None,
                rollup: bool = False) -> list[ResolvedAffiliation]:
        """Resolve one author's affiliation string; one result per affiliation it lists, in order."""
        results = self._resolve_cached(affiliation or "", (email_domain or "").strip().lower())
        return [self.roll_up(r) for r in results] if rollup else list(results)

    def clear_cache(self) -> None:
        self._resolve_cached.cache_clear()

    def _top_company(self, institution_id: str) -> str:
        """The institution's top ancestor below holding companies (the roll-up target)."""
        current = institution_id
        for _ in range(8):
            parent = self.index.info[current][3]
            if not parent or parent in HOLDING_COMPANIES or parent not in self.index.info:
                break
            current = parent
        return current

    def _curated_sites_by_company(self) -> dict[str, list[tuple[str, str, str | None]]]:
        """Company id → its curated sites (id, country, city key) — etl.registry.curated_sites."""
        out: dict[str, list[tuple[str, str, str | None]]] = {}
        for inst in self.registry.institutions.values():
            if inst.source == CURATED_SITE_SOURCE and inst.parent_id and inst.country_code \
                    and inst.institution_id in self.index.info:
                out.setdefault(self._top_company(inst.institution_id), []).append(
                    (inst.institution_id, inst.country_code, name_key(inst.city) if inst.city else None))
        return out

    def _campuses_by_parent(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(parent id, city key) → the parent's units in that city ("University of Nottingham", "ningbo")."""
        out: dict[tuple[str, str], list[str]] = {}
        for inst in self.registry.institutions.values():
            if inst.parent_id and inst.city and inst.country_code and inst.institution_id in self.index.info:
                out.setdefault((inst.parent_id, name_key(inst.city)), []).append(inst.institution_id)
        return {k: tuple(v) for k, v in out.items()}

    def roll_up(self, result: ResolvedAffiliation) -> ResolvedAffiliation:
        """Replace an institution by its top ancestor, stopping below holding companies (Alphabet).

        Google Research is Google already (an alias); Google (Canada) rolls up to Google; Google
        DeepMind stays itself, its parent Alphabet being a holding. The country stays the one the
        affiliation is in.
        """
        if not result.institution_id:
            return result
        current = self._top_company(result.institution_id)
        if current == result.institution_id:
            return result
        name, _country, inst_type, _parent, _source = self.index.info[current]
        return ResolvedAffiliation(result.text, current, name, result.country_code, inst_type,
                                   result.confidence, result.method + "+rollup", result.also_ids)

    # -- pipeline ---------------------------------------------------------------------------------
    def _resolve(self, affiliation: str, email_domain: str) -> tuple[ResolvedAffiliation, ...]:
        bare = _BARE_DOMAIN.match(affiliation.strip().lower())
        if bare and any(c.isalpha() for c in bare.group(1).rsplit(".", 1)[-1]):
            site = self.index.domain_owner(bare.group(1))  # "stanford.edu" typed as the affiliation
            if site:
                result = self._from_domain(site, affiliation, [])
                return (ResolvedAffiliation(result.text, result.institution_id, result.name,
                                            result.country_code, result.type, 0.8, "domain-string"),)
        owner = self.index.domain_owner(email_domain) if email_domain else None
        owner_family = family(self.index, owner)
        results: list[ResolvedAffiliation] = []
        for segment in split_hard(affiliation):
            results.extend(self._resolve_segment(segment, owner, owner_family))
        unresolved = [i for i, r in enumerate(results) if r.institution_id is None]
        unplaced = any(r.method == "unresolved-site-unplaced" for r in results)
        # "Sony Europe B.V." @sony.com: the company's domain names its headquarters, not the site the string
        # names, so the domain does not fill in what the region word left open
        if owner and not unplaced and (not results or len(unresolved) == 1 and len(results) == 1):
            results = [self._from_domain(owner, results[0].text if results else "", results)]
        return tuple(results)

    def _from_domain(self, owner: str, text: str, previous: list[ResolvedAffiliation]
                     ) -> ResolvedAffiliation:
        name, country, inst_type, _parent, source = self.index.info[owner]
        region = _region_word(text) if inst_type in MULTINATIONAL and source != CURATED_SITE_SOURCE else None
        if region:  # "Sony Europe B.V." @sony.com: the site in that region, never the headquarters
            site_id = self._named_site(owner, Site(region=region))
            if site_id == _UNPLACED:
                return ResolvedAffiliation(text, None, None, None, None, 0.0, "unresolved-site-unplaced")
            name, country, inst_type, _parent, _source = self.index.info[site_id]
            return ResolvedAffiliation(text, site_id, name, country, inst_type, 0.85, "email-domain+named-site")
        mentioned = previous[0].country_code if previous else None
        if mentioned and mentioned != country and (inst_type == "company" or country is None):
            country = mentioned
        if country is None:  # an institution without a country is never a resolution
            return ResolvedAffiliation(text, None, None, None, None, 0.0, "unresolved-no-country")
        return ResolvedAffiliation(text, owner, name, country, inst_type, 0.85, "email-domain")

    def _resolve_segment(self, segment: str, owner: str | None, owner_family: frozenset[str]
                         ) -> list[ResolvedAffiliation]:
        parts = comma_parts(segment)
        tokens = tokenise(parts)
        spans = select_spans(self.index, tokens, self.index.spans(tokens))
        separators = [i for i, t in enumerate(tokens) if t.key in ("and", "/") or t.raw == "&"]
        points = soft_split_points(separators, [(s.start, s.end) for s in spans]) if separators else []
        if not points:
            return [self._decide(segment, parts, tokens, spans, owner, owner_family)]
        out: list[ResolvedAffiliation] = []
        bounds = [0, *points, len(tokens)]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            start = lo if lo == 0 else lo + 1
            sub_tokens = tokens[start:hi]
            sub_spans = [Span(s.start - start, s.end - start, s.key, s.entries)
                         for s in spans if s.start >= start and s.end <= hi]
            text = " ".join(t.raw for t in sub_tokens)
            out.append(self._decide(text, [text], sub_tokens, sub_spans, owner, owner_family,
                                    outer=country_mentions(segment)))
        return out

    def _context(self, text: str, tokens: list[Token], spans: list[Span], owner: str | None,
                 owner_family: frozenset[str]) -> Context:
        inside = {i for s in spans for i in range(s.start, s.end)}
        web = {w.lower() for m in _WEB_NAME.finditer(text) for w in re.findall(r"\w+", m.group(0))}
        if web:  # "Shannon.AI" is a company's web name, not the Irish town
            inside |= {i for i, t in enumerate(tokens) if t.raw.lower() in web}
        countries = country_mentions(text)
        cities = self.index.city_mentions(tokens, inside | self._region_words(tokens)) if not countries else []
        site = find_site(self.index, tokens, self._site_skip(tokens, spans, inside)) if not countries else NO_SITE
        owner_info = self.index.info.get(owner) if owner else None
        domain_country = owner_info[1] if owner_info and owner_info[2] not in MULTINATIONAL else None
        return Context(countries, cities, owner, owner_family, domain_country, site)

    def _decide(self, text: str, parts: list[str], tokens: list[Token], spans: list[Span],
                owner: str | None, owner_family: frozenset[str], outer: list[str] | None = None
                ) -> ResolvedAffiliation:
        ctx = self._context(text, tokens, spans, owner, owner_family)
        placing = Context(ctx.countries + (outer or []), ctx.city_countries, owner, owner_family)
        matches: list[tuple[Scored, frozenset[str], str]] = []
        for span in spans:
            campus = self._campus(tokens, span)  # "University of Nottingham Ningbo": the campus, not the parent
            span = campus or span
            entries = [span.entries[0]] if campus else evidenced(self.index, tokens, span, placing)
            own = self._own_name_context(tokens, span, ctx)
            scored = [score_candidate(self.index, iid, KIND_BASE[rank],
                                      own if own and self._conflicts(iid, ctx) else ctx, span.key)
                      for iid, rank in entries]
            best = decide.best_of(scored, decide.ACCEPT_EXACT)
            if best:
                rank = dict(span.entries)[best.institution_id]
                matches.append((best, family(self.index, best.institution_id),
                                _KIND_METHOD[rank] + ("+campus" if campus else "")))
        named = [m for m in matches if m[2] != "acronym"]
        if named:  # "German Aerospace Center (DLR)": the acronym only repeats the name, never adds
            matches = named + [m for m in matches if m[2] == "acronym"
                               and any(m[0].institution_id in f or n.institution_id in m[1] for n, f, _ in named)]
        if not matches:
            matches = fuzzy(self.index, parts, ctx)
        if not matches:
            matches = short_name(self.index, parts, ctx)
        if not matches:
            if len(ctx.countries) == 1:
                return ResolvedAffiliation(text, None, None, ctx.countries[0], None, 0.5, "country-mention")
            abroad = {c for s in spans for c in self.index.extensions.get(s.key, ())
                      if all(not self.index.evidence.get(i) for i, _r in s.entries)}
            if not ctx.countries and not ctx.city_countries and len(abroad) == 1:
                # "École Normale Supérieure" alone: the field's ENS are all French, whichever it is
                return ResolvedAffiliation(text, None, None, next(iter(abroad)), None, 0.5, "name-prefix-country")
            if not ctx.countries and len(ctx.city_countries) == 1:
                return ResolvedAffiliation(text, None, None, ctx.city_countries[0], None, 0.4, "city-mention")
            return ResolvedAffiliation(text, None, None, None, None, 0.0, "unresolved")
        primary = decide.choose_primary([(m, f) for m, f, _ in matches])
        best, _fam, method = matches[primary]
        name, _country, inst_type, _parent, source = self.index.info[best.institution_id]
        if inst_type in MULTINATIONAL and source != CURATED_SITE_SOURCE and not best.country_from_mention:
            site_id = self._named_site(best.institution_id, ctx.site)
            if site_id == _UNPLACED:  # "<Company> Europe" without a known European site: not the HQ
                return ResolvedAffiliation(text, None, None, None, None, 0.0, "unresolved-site-unplaced")
            if site_id:
                best = Scored(site_id, best.score, self.index.info[site_id][1])
                method += "+named-site"
                name, _country, inst_type, _parent, source = self.index.info[site_id]
        if best.country_code is None:  # an institution without a country is never a resolution
            return ResolvedAffiliation(text, None, None, None, None, 0.0, "unresolved-no-country")
        site_countries: tuple[str, ...] = ()
        if inst_type in MULTINATIONAL and source != CURATED_SITE_SOURCE and not best.country_from_mention \
                and ctx.site.candidates:
            site_countries = ctx.site.candidates
        elif best.country_from_mention and ctx.site.country == best.country_code:
            method += "+site"
        if best.country_from_mention and inst_type in MULTINATIONAL:
            best = self._branch(best)
        if owner and best.institution_id in owner_family | family(self.index, owner) or (
                owner and owner in family(self.index, best.institution_id)):
            method += "+domain"
        if best.country_from_mention:
            method += "+country-mention"
        primary_family = matches[primary][1]
        also = tuple(dict.fromkeys(  # only institutions related to the main one: a parent or a unit of it
            m.institution_id for i, (m, fam, _k) in enumerate(matches)
            if i != primary and m.institution_id != best.institution_id
            and (m.institution_id in primary_family or best.institution_id in fam)))
        name = self.index.info[best.institution_id][0]
        return ResolvedAffiliation(text, best.institution_id, name, best.country_code, inst_type,
                                   round(min(best.score, 1.0), 3), method, also, site_countries,
                                   ctx.site.city if site_countries else None)

    def _conflicts(self, institution_id: str, ctx: Context) -> bool:
        """Would the string's country mentions count against this university or lab (never a company)?"""
        _name, country, inst_type, _parent, _source = self.index.info[institution_id]
        return inst_type not in MULTINATIONAL and country is not None and country not in ctx.countries

    def _own_name_context(self, tokens: list[Token], span: Span, ctx: Context) -> Context | None:
        """The context without the countries written only inside the span's own name, when there are such.

        "Chinese University of Hong Kong, Shenzhen" names Hong Kong as part of the campus's name, not as
        where the campus is: the mention outside the name is what may contradict a candidate.
        """
        if not ctx.countries:
            return None
        rest = " ".join(t.raw for i, t in enumerate(tokens) if not span.start <= i < span.end)
        outside = country_mentions(rest) if rest else []
        if set(outside) == set(ctx.countries):
            return None
        return Context(outside, [], ctx.domain_owner, ctx.domain_family, ctx.domain_country, ctx.site)

    def _campus(self, tokens: list[Token], span: Span) -> Span | None:
        """The campus in another country a place word right after a university's name names, or None.

        "The Chinese University of Hong Kong, Shenzhen", "… (Shenzhen)", "… Shenzhen campus" is the
        mainland campus (CN), not the university in Hong Kong; "University of Nottingham Ningbo" is the
        Ningbo campus. Only where the registry has the campus: its exact name (the span's name and the
        place, as ROR writes "Chinese University of Hong Kong, Shenzhen") or a unit of the matched
        institution whose city is that place. Companies are left to the site logic (etl.affiliations.sites).
        """
        ids = [iid for iid, _r in span.entries if iid in self.index.info]
        if not ids or any(self.index.info[iid][2] in MULTINATIONAL for iid in ids):
            return None
        home = {self.index.info[iid][1] for iid in ids}
        rank = min(r for _i, r in span.entries)
        for size in (2, 1):
            end = span.end + size
            if end > len(tokens):
                continue
            place = " ".join(t.key for t in tokens[span.end:end])
            if place not in self.index.places and place not in self.index.site_cities:
                continue
            found = {iid for key in (f"{span.key} {place}", f"{span.key} {place} campus")
                     for iid, _r in self.index.exact.get(key, ())}
            found |= {c for iid in ids for c in self.campuses.get((iid, place), ())}
            found = {c for c in found if self.index.info[c][1] and self.index.info[c][1] not in home}
            if len(found) == 1:
                if end < len(tokens) and tokens[end].key == "campus":
                    end += 1
                return Span(span.start, end, f"{span.key} {place}", ((found.pop(), rank),))
        return None

    def _named_site(self, institution_id: str, site: Site) -> str | None:
        """The company's curated site the string names, :data:`_UNPLACED`, or None (nothing to change).

        A region word ("Europe") picks the curated site that is the company's one site in that region
        (``Registry.site_regions``): one country → that site; none or several → :data:`_UNPLACED`, since
        the headquarters' country would be a guess. A city picks the curated site in that city ("Samsung
        AI Center, Cambridge" → the UK one, where the registry's Cambridges alone would leave US or GB to
        the coauthors).
        """
        if not site.region and not site.city:
            return None
        sites = self.curated_sites.get(self._top_company(institution_id), [])
        if site.region:
            in_region = [s for s in sites if self.registry.site_regions.get(s[0]) == site.region
                         and s[1] in REGIONS[site.region]]
            return in_region[0][0] if len({s[1] for s in in_region}) == 1 else _UNPLACED
        in_city = [s for s in sites if s[2] == site.city]
        return in_city[0][0] if len(in_city) == 1 else None

    def _region_words(self, tokens: list[Token]) -> set[int]:
        """Tokens of multi-word state or province names: "North Carolina" holds no town of Carolina (PR)."""
        out: set[int] = set()
        for i in range(len(tokens)):
            for size in (3, 2):
                if i + size <= len(tokens) and " ".join(t.key for t in tokens[i:i + size]) in self.index.regions:
                    out.update(range(i, i + size))
        return out

    def _site_skip(self, tokens: list[Token], spans: list[Span], inside: set[int]) -> set[int]:
        """Tokens a site cannot be read from: other institutions' names and a company's own first word.

        A company's alias may carry its site ("Samsung AI Center Cambridge", "Alibaba Group US"), but
        never in its first word ("Toyota Research Institute" is not in Toyota City).
        """
        skip = set(inside)
        for span in spans:
            if span.key in self.index.site_cities:
                skip.difference_update(range(span.start, span.end))  # "London" is a place first
            elif any(self.index.info.get(iid, ("", None, None))[2] in MULTINATIONAL for iid, _r in span.entries):
                skip.difference_update(range(span.start + 1, span.end))
        return skip

    def _branch(self, best: Scored) -> Scored:
        """The company's own record in the site's country, when the registry has one.

        ROR keeps national records ("Meta (United Kingdom)", "Nvidia (United Kingdom)"): "Nvidia, Reading,
        UK" is that record, not the US one with a UK country.
        """
        root = self.index.branch_root.get(best.institution_id)
        branch = self.index.branches.get((root, best.country_code)) if root else None
        if branch and branch != best.institution_id:
            return Scored(branch, best.score, best.country_code, True)
        return best


# -- loading ---------------------------------------------------------------------------------------
def resolver_for(registry: Registry, cache_dir: Path | None = None) -> AffiliationResolver:
    """A new resolver over ``registry``, its name index cached under ``cache_dir`` (default: the
    registry cache, :func:`etl.registry.paths.cache_dir`). A build context makes its own this way."""
    return AffiliationResolver(registry, load_index(registry, cache_dir))


@lru_cache(maxsize=4)
def load_resolver(registry_dir: Path = REGISTRY_DATA_DIR, cache_dir: Path | None = None) -> AffiliationResolver:
    """Process-wide resolver per (registry inputs, cache folder), for callers without a build context.

    With no arguments: the vendored registry, cached where :func:`etl.registry.paths.cache_dir` says and
    shared with :func:`etl.registry.store.load_registry`, as before.
    """
    registry = load_registry(registry_dir) if cache_dir is None else load_or_build(registry_dir, cache_dir=cache_dir)
    return resolver_for(registry, cache_dir)
