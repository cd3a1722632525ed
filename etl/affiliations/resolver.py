"""The affiliation resolver: raw string (+ email domain) → institutions, countries, types.

Runs the stages in order — normalise → split → candidates → score → decide — and caches results per
distinct (string, domain), since the same affiliations recur thousands of times in author lists.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.affiliations import decide
from etl.affiliations.candidates import COMPANY_EXTRA, NameIndex, Span, Token, short_key, tokenise
from etl.affiliations.normalise import (
    GENERIC_WORDS,
    PLACE_CODES,
    is_address_part,
    is_subunit_part,
    name_key,
    strip_noise,
)
from etl.affiliations.score import KIND_BASE, Context, Scored, family, score_candidate
from etl.affiliations.split import comma_parts, soft_split_points, split_hard
from etl.countries import country_code, country_mentions
from etl.registry.build import HOLDING_COMPANIES
from etl.registry.model import Registry
from etl.registry.paths import cache_dir

log = logging.getLogger(__name__)

SHORT_BASE = 0.85  # a short name is weaker than any registry name
_BARE_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$")
_KIND_METHOD = {0: "exact-name", 1: "exact-name", 2: "exact-alias", 3: "exact-alias", 4: "exact-alias",
                5: "acronym", 6: "acronym"}


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


class AffiliationResolver:
    """Resolves affiliation strings against a registry. Build once; call :meth:`resolve` many times."""

    def __init__(self, registry: Registry, index: NameIndex | None = None, cache_size: int = 200_000):
        self.registry = registry
        self.index = index or NameIndex(registry)
        self._resolve_cached = lru_cache(maxsize=cache_size)(self._resolve)

    # -- public API -------------------------------------------------------------------------------
    def resolve(self, affiliation: str | None, email_domain: str | None = None,
                rollup: bool = False) -> list[ResolvedAffiliation]:
        """Resolve one author's affiliation string; one result per affiliation it lists, in order."""
        results = self._resolve_cached(affiliation or "", (email_domain or "").strip().lower())
        return [self.roll_up(r) for r in results] if rollup else list(results)

    def clear_cache(self) -> None:
        self._resolve_cached.cache_clear()

    def roll_up(self, result: ResolvedAffiliation) -> ResolvedAffiliation:
        """Replace an institution by its top ancestor, stopping below holding companies (Alphabet).

        Google Research is Google already (an alias); Google (Canada) rolls up to Google; Google
        DeepMind stays itself, its parent Alphabet being a holding. The country stays the one the
        affiliation is in.
        """
        if not result.institution_id:
            return result
        current = result.institution_id
        for _ in range(8):
            parent = self.index.info[current][3]
            if not parent or parent in HOLDING_COMPANIES or parent not in self.index.info:
                break
            current = parent
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
        if owner and (not results or len(unresolved) == 1 and len(results) == 1):
            results = [self._from_domain(owner, results[0].text if results else "", results)]
        return tuple(results)

    def _from_domain(self, owner: str, text: str, previous: list[ResolvedAffiliation]
                     ) -> ResolvedAffiliation:
        name, country, inst_type, _parent, _source = self.index.info[owner]
        mentioned = previous[0].country_code if previous else None
        if mentioned and mentioned != country and (inst_type == "company" or country is None):
            country = mentioned
        return ResolvedAffiliation(text, owner, name, country, inst_type, 0.85, "email-domain")

    def _resolve_segment(self, segment: str, owner: str | None, owner_family: frozenset[str]
                         ) -> list[ResolvedAffiliation]:
        parts = comma_parts(segment)
        tokens = tokenise(parts)
        spans = self._select_spans(tokens, self.index.spans(tokens))
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
            out.append(self._decide(text, [text], sub_tokens, sub_spans, owner, owner_family))
        return out

    def _select_spans(self, tokens: list[Token], spans: list[Span]) -> list[Span]:
        """Longest non-overlapping spans; one-word spans only where they cannot be a plain word."""
        chosen: list[Span] = []
        taken: set[int] = set()
        part_sizes: dict[int, int] = {}
        for t in tokens:
            part_sizes[t.part] = part_sizes.get(t.part, 0) + 1
        has_specific = any(not self._generic(tokens, s) and (s.end - s.start > 1 or tokens[s.start].raw.isupper())
                           for s in spans)
        for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
            if any(i in taken for i in range(span.start, span.end)):
                continue
            if span.end - span.start == 1 and not self._single_word_ok(tokens[span.start], span, part_sizes):
                continue
            if span.end - span.start < len(tokens) and has_specific and self._generic(tokens, span):
                continue  # "Computer Vision Lab, TU Dresden": the lab name fits labs everywhere
            chosen.append(span)
            taken.update(range(span.start, span.end))
        return sorted(chosen, key=lambda s: s.start)

    @staticmethod
    def _generic(tokens: list[Token], span: Span) -> bool:
        return all(t.key in GENERIC_WORDS for t in tokens[span.start:span.end])

    @staticmethod
    def _single_word_ok(token: Token, span: Span, part_sizes: dict[int, int]) -> bool:
        raw = token.raw
        if len(token.key) < 2:
            return False
        if any(c >= "\u3040" for c in raw):  # CJK names are written without spaces
            return True
        shouty = raw.isupper() or (sum(c.isupper() for c in raw) >= 2 and not raw.istitle())
        if shouty:  # an acronym, unless it is a place code or a country ("PA", "USA", "UK")
            return len(raw) >= 3 and token.key not in PLACE_CODES and country_code(raw) is None
        alone = part_sizes.get(token.part, 0) == 1
        best_rank = span.entries[0][1]
        return alone and best_rank <= 5  # not a bare acronym, unless evidence backs it ("Inria")

    def _context(self, text: str, tokens: list[Token], spans: list[Span], owner: str | None,
                 owner_family: frozenset[str]) -> Context:
        inside = {i for s in spans for i in range(s.start, s.end)}
        countries = country_mentions(text)
        cities = self.index.city_mentions(tokens, inside) if not countries else []
        return Context(countries, cities, owner, owner_family)

    def _decide(self, text: str, parts: list[str], tokens: list[Token], spans: list[Span],
                owner: str | None, owner_family: frozenset[str]) -> ResolvedAffiliation:
        ctx = self._context(text, tokens, spans, owner, owner_family)
        matches: list[tuple[Scored, frozenset[str], str]] = []
        for span in spans:
            scored = [score_candidate(self.index, iid, KIND_BASE[rank], ctx) for iid, rank in span.entries
                      if iid in self.index.info]
            best = decide.best_of(scored, decide.ACCEPT_EXACT)
            if best:
                rank = dict(span.entries)[best.institution_id]
                matches.append((best, family(self.index, best.institution_id), _KIND_METHOD[rank]))
        named = [m for m in matches if m[2] != "acronym"]
        if named:  # "German Aerospace Center (DLR)": the acronym only repeats the name, never adds
            matches = named + [m for m in matches if m[2] == "acronym"
                               and any(m[0].institution_id in f or n.institution_id in m[1] for n, f, _ in named)]
        if not matches:
            matches = self._fuzzy(parts, ctx)
        if not matches:
            matches = self._short_name(parts, ctx)
        if not matches:
            if len(ctx.countries) == 1:
                return ResolvedAffiliation(text, None, None, ctx.countries[0], None, 0.5, "country-mention")
            if not ctx.countries and len(ctx.city_countries) == 1:
                return ResolvedAffiliation(text, None, None, ctx.city_countries[0], None, 0.4, "city-mention")
            return ResolvedAffiliation(text, None, None, None, None, 0.0, "unresolved")
        primary = decide.choose_primary([(m, f) for m, f, _ in matches])
        best, _fam, method = matches[primary]
        name, _country, inst_type, _parent, _source = self.index.info[best.institution_id]
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
        return ResolvedAffiliation(text, best.institution_id, name, best.country_code, inst_type,
                                   round(min(best.score, 1.0), 3), method, also)

    def _short_name(self, parts: list[str], ctx: Context) -> list[tuple[Scored, frozenset[str], str]]:
        """A part that is an institution's distinctive short name ("Stanford", "Walmart Labs")."""
        # only the leading part, and only when the rest is address, city or country ("Stanford, CA")
        first, rest = parts[0], parts[1:]
        for part in rest:
            key = strip_noise(name_key(part))
            if key and not (is_address_part(key) or key in self.index.places or country_mentions(part)
                            or key in PLACE_CODES):
                return []
        full = strip_noise(name_key(first))
        key = short_key(full)
        hit = self.index.short.get(key) if key and len(key.split()) <= 3 else None
        if not hit or hit[0] not in self.index.info or is_subunit_part(full):
            return []
        iid, name_words = hit
        dropped = set(full.split()) - set(key.split())
        allowed = name_words | (COMPANY_EXTRA if self.index.info[iid][2] == "company" else frozenset({"the"}))
        if not dropped <= allowed:
            return []  # "Oregon Research Institute" is not the University of Oregon
        if key in self.index.places and key != full:
            return []  # "Moscow University", "Beijing 100871": a place and more, not a short name
        best = decide.best_of([score_candidate(self.index, iid, SHORT_BASE, ctx)], decide.ACCEPT_EXACT)
        return [(best, family(self.index, best.institution_id), "short-name")] if best else []

    def _fuzzy(self, parts: list[str], ctx: Context) -> list[tuple[Scored, frozenset[str], str]]:
        out: list[tuple[Scored, frozenset[str], str]] = []
        for part in parts:
            key = strip_noise(name_key(part))
            if len(key) < 6 or is_address_part(key) or is_subunit_part(key) or country_mentions(part) \
                    and len(key.split()) <= 3:
                continue
            scored = [score_candidate(self.index, iid, score / 100.0 - 0.04, ctx)
                      for iid, score in self.index.fuzzy(key, cutoff=86)]
            best = decide.best_of(scored, decide.ACCEPT_FUZZY)
            if best:
                out.append((best, family(self.index, best.institution_id), "fuzzy"))
        return out


# -- loading ---------------------------------------------------------------------------------------
def _index_cache_path(registry: Registry) -> Path:
    code = b"".join((Path(__file__).parent / f).read_bytes() for f in ("candidates.py", "normalise.py"))
    key = hashlib.sha256(registry.input_hash.encode() + code).hexdigest()[:16]
    return cache_dir() / f"name-index-{key}.pickle"


def load_index(registry: Registry) -> NameIndex:
    """The name index for a registry, cached next to the registry pickle."""
    path = _index_cache_path(registry)
    if registry.input_hash and path.exists():
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (pickle.UnpicklingError, EOFError, AttributeError):
            log.warning("name index cache %s unreadable; rebuilding", path)
    index = NameIndex(registry)
    if registry.input_hash:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return index


@lru_cache(maxsize=1)
def load_resolver() -> AffiliationResolver:
    """Process-wide resolver over the cached registry."""
    from etl.registry.store import load_registry

    registry = load_registry()
    return AffiliationResolver(registry, load_index(registry))
