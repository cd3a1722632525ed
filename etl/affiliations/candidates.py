"""Stage 3 — candidates: which registry institutions could an affiliation mean?

Three sources of candidates, cheapest first:

* **exact spans** — every token span of the affiliation that equals a registry name key (display
  name, alias, acronym, label, …). A prefix set stops the span walk as soon as no key can start that
  way, so a 30-token string costs a few dozen dict lookups, not a scan.
* **email domain** — the longest suffix of the author's domain that the registry owns; webmail, swot
  stoplist domains and bare public suffixes are refused.
* **fuzzy, blocked** — for parts with no exact span: names that share one of the part's rarest
  tokens (a token index; tokens in thousands of names such as "university" never block), scored with
  rapidfuzz. Never a pass over every registry name.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from etl.affiliations.normalise import has_cjk
from etl.name_keys import ABBREVIATIONS, fold, name_key, subdivisions
from etl.registry.model import KIND_RANK, Registry

MAX_SPAN_TOKENS = 14
BLOCK_MAX_DF = 800  # a token in more names than this is too common to block on
MAX_FUZZY_CANDIDATES = 250

_WORD = re.compile(r"[^\W_]+|/", re.UNICODE)
_APOSTROPHES = re.compile(r"['’`´]")


@dataclass(frozen=True, slots=True)
class Token:
    key: str        # normalised token (see normalise.name_key)
    raw: str        # as written, for the acronym case check
    part: int       # index of the comma-separated part it came from


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int        # exclusive
    key: str
    entries: tuple[tuple[str, int], ...]  # (institution_id, kind rank)


def tokenise(parts: list[str]) -> list[Token]:
    """Tokens of the comma-separated parts, normalised like registry names, with their part index."""
    tokens: list[Token] = []
    for index, part in enumerate(parts):
        text = _APOSTROPHES.sub("", part).replace("&", " and ")
        if text.isascii():  # fast path: folding is lower-casing, one token per raw word
            tokens.extend(Token(ABBREVIATIONS.get(w, w) if w != "/" else w, raw, index)
                          for raw in _WORD.findall(text) for w in (raw.lower(),))
            continue
        for raw in _WORD.findall(text):
            if raw == "/":
                tokens.append(Token("/", raw, index))
                continue
            folded = fold(raw)
            for piece in _WORD.findall(folded):
                tokens.append(Token(ABBREVIATIONS.get(piece, piece), raw, index))
    return tokens


# Words a "distinctive short name" drops: "Stanford" for Stanford University, "Walmart" for Walmart Labs.
SHORT_DROP = frozenset({"university", "of", "the", "institute", "college", "school", "at", "and", "in",
                        "research", "laboratory", "ai", "incorporated", "corporation", "company", "limited",
                        "llc", "group", "artificial", "intelligence", "center"})
# Short names that say what an institution is, not which one ("Technical University", "State College").
SHORT_REFUSED = frozenset({"technical", "technological", "federal", "national", "state", "free", "open",
                           "catholic", "royal", "new", "central", "polytechnic", "normal", "medical",
                           "american", "international", "public", "private", "city", "global", "european",
                           "science", "technology", "applied", "community", "graduate", "business", "art",
                           "arts", "engineering", "agricultural", "christian", "islamic", "teachers"})
SHORT_KINDS = frozenset({"display", "stripped", "seed", "hipo", "alias", "evidence"})
SHORT_TYPES = frozenset({"education", "company"})
SHORT_MIN_EVIDENCE = 5


def short_key(key: str) -> str:
    """A name key without the generic words of :data:`SHORT_DROP`."""
    return " ".join(t for t in key.split() if t not in SHORT_DROP)


def short_names(registry: Registry, places: set[str]) -> dict[str, tuple[str, frozenset[str]]]:
    """Distinctive short name → the one education/company institution it can mean (and its name words).

    From every display/alias/seed name: the name without generic words ("stanford", "walmart"), and
    the words before its first "university"/"institute"/"college" ("hebrew" of "Hebrew University of
    Jerusalem"). Names without generic words beat prefixes; a short name several institutions share
    goes to the one NeurIPS authors name by far most often (≥ 5 authors and 5× the next), else to none.
    A short name that is a place (a city of any registry institution, a country) only ever stands for
    an institution whose own display name it is once generic words go ("Princeton University"), never
    for a prefix ("Beijing University of Posts and Telecommunications" is not "Beijing").
    """
    from etl.countries import country_code

    other_types: dict[str, set[str]] = defaultdict(set)  # facilities, hospitals, branches: competitors
    words_of: dict[str, set[str]] = defaultdict(set)
    full: dict[str, set[str]] = defaultdict(set)
    full_display: dict[str, set[str]] = defaultdict(set)
    prefix: dict[str, set[str]] = defaultdict(set)
    types = {i.institution_id for i in registry.institutions.values()
             if i.type in SHORT_TYPES and i.source != "ror-inactive"}

    def usable(short: str) -> bool:
        tokens = short.split()
        return (1 <= len(tokens) <= 3 and len(short) >= 4 and not set(tokens) <= SHORT_REFUSED
                and not has_cjk(short))

    suffixed = {i.institution_id for i in registry.institutions.values() if i.type == "company"
                and re.search(r"\([^()]+\)\s*$", i.name) and not registry.evidence_counts.get(i.institution_id)}
    for entry in registry.names:
        if entry.kind not in SHORT_KINDS:
            continue
        words = name_key(re.sub(r"\s*\([^()]*\)\s*$", "", entry.name)).split()
        short = " ".join(t for t in words if t not in SHORT_DROP)
        cut = next((i for i, t in enumerate(words) if t in ("university", "institute", "college")), 0)
        if entry.institution_id not in types or entry.institution_id in suffixed:
            # other types, and companies' national branches without evidence ("Yahoo (Spain)")
            other_types[short].add(entry.institution_id)
            if cut:
                other_types[" ".join(words[:cut])].add(entry.institution_id)
            continue
        words_of[entry.institution_id].update(words)
        if usable(short):
            full[short].add(entry.institution_id)
            if entry.kind in ("display", "stripped", "seed"):
                full_display[short].add(entry.institution_id)
        if cut and usable(" ".join(words[:cut])) and entry.kind in ("display", "stripped", "seed", "hipo"):
            prefix[" ".join(words[:cut])].add(entry.institution_id)
    evidence = registry.evidence_counts
    out: dict[str, str] = {}
    for short in set(full) | set(prefix):
        place = short in places or country_code(short) is not None
        ids = full_display.get(short) if place else (full.get(short) or prefix.get(short))
        if not ids:
            continue
        others = other_types.get(short, set()) - ids
        ranked = sorted(ids | others, key=lambda i: -evidence.get(i, 0))
        top = evidence.get(ranked[0], 0)
        second = evidence.get(ranked[1], 0) if len(ranked) > 1 else 0
        if ranked[0] in others:
            continue  # "Courant" is the Courant Institute (a facility-like stub), not NYU
        if (top >= SHORT_MIN_EVIDENCE and top >= 5 * second) or (len(ranked) == 1 and not place):
            out[short] = (ranked[0], frozenset(words_of[ranked[0]]))
    return out


FIELD_NAME_MIN_EVIDENCE = 5  # authors: enough for a word to be the field's name for an institution
EXTENSION_MIN_EVIDENCE = 3
SITE_CITY_DOMINANCE = 3.0
_EXTENSION_KINDS = frozenset({"display", "alias", "label", "seed", "evidence", "hipo", "stripped"})


def site_cities(registry: Registry) -> dict[str, tuple[str, ...]]:
    """City name key → the countries it may be in, most registry institutions first.

    One country when it is the only one or has :data:`SITE_CITY_DOMINANCE` times the next ("London":
    GB 660, CA 27); several when it is really ambiguous ("Cambridge": US 86, GB 84) — for those the
    warehouse asks the coauthors (see :mod:`etl.affiliations.sites`).
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for inst in registry.institutions.values():
        if inst.city and inst.country_code and inst.source in ("ror", "ror-inactive"):
            counts[name_key(inst.city)][inst.country_code] += 1
    out: dict[str, tuple[str, ...]] = {}
    for city, by_country in counts.items():
        if len(city) <= 3:
            continue
        ranked = sorted(by_country.items(), key=lambda kv: -kv[1])
        top = ranked[0][1]
        out[city] = tuple(c for c, n in ranked if n * SITE_CITY_DOMINANCE > top)
    return out


def company_branches(registry: Registry) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Companies' national records by name root: "Meta (United Kingdom)" is Meta's GB branch."""
    roots: dict[str, str] = {}
    by_root: dict[tuple[str, str], list[str]] = defaultdict(list)
    for inst in registry.institutions.values():
        if inst.type != "company" or not inst.country_code or inst.source == "ror-inactive":
            continue
        root = name_key(re.sub(r"\s*\([^()]*\)\s*$", "", inst.name))
        if root:
            roots[inst.institution_id] = root
            by_root[(root, inst.country_code)].append(inst.institution_id)
    return roots, {k: v[0] for k, v in by_root.items() if len(v) == 1}


def evidenced_extensions(registry: Registry) -> dict[str, frozenset[str]]:
    """Name key → countries of field-evidenced institutions whose names start with it and go on.

    "ecole normale superieure" → {FR} ("… de Paris", "… Paris-Saclay", "… de Lyon"), "institute of science
    and technology" → {AT}: a bare prefix in this field most likely abbreviates one of those, not the
    homonym nobody here publishes from (Burundi's École Normale Supérieure, Nepal's IST).
    """
    out: dict[str, set[str]] = defaultdict(set)
    for entry in registry.names:
        if entry.kind not in _EXTENSION_KINDS:
            continue
        if registry.evidence_counts.get(entry.institution_id, 0) < EXTENSION_MIN_EVIDENCE:
            continue
        country = registry.institutions[entry.institution_id].country_code
        if not country:
            continue
        words = name_key(entry.name).split()
        for i in range(2, min(len(words), MAX_SPAN_TOKENS)):
            out[" ".join(words[:i])].add(country)
    return {k: frozenset(v) for k, v in out.items()}


# Words a string may add to a company's short name ("Amazon Research", "Uber AI Labs").
COMPANY_EXTRA = frozenset({"research", "laboratory", "ai", "artificial", "intelligence", "group",
                           "incorporated", "corporation", "company", "limited", "llc", "center", "the"})


class NameIndex:
    """Exact keys, their prefixes, a token index for fuzzy blocking, and per-institution facts."""

    def __init__(self, registry: Registry) -> None:
        exact: dict[str, dict[str, int]] = defaultdict(dict)
        for entry in registry.names:
            key = name_key(entry.name)
            if not key:
                continue
            rank = KIND_RANK.get(entry.kind, 3)
            known = exact[key].get(entry.institution_id)
            if known is None or rank < known:
                exact[key][entry.institution_id] = rank
        self.exact: dict[str, tuple[tuple[str, int], ...]] = {
            k: tuple(sorted(v.items(), key=lambda kv: kv[1])) for k, v in exact.items()}
        self.prefixes: set[str] = set()
        self.cjk_keys: set[str] = set()
        for key in self.exact:
            words = key.split()
            for i in range(1, min(len(words), MAX_SPAN_TOKENS) + 1):
                self.prefixes.add(" ".join(words[:i]))
            if has_cjk(key):
                self.cjk_keys.add(key)
        # fuzzy blocking: token → ids of names (non-acronym) containing it
        self.fuzzy_keys: list[str] = [k for k in self.exact if len(k) > 5 and " " in k]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.fuzzy_keys):
            for token in set(key.split()):
                postings[token].append(i)
        self.postings = {t: tuple(ids) for t, ids in postings.items()}
        # institution facts, flattened for speed
        self.info: dict[str, tuple[str, str | None, str | None, str | None, str]] = {
            i.institution_id: (i.name, i.country_code, i.type, i.parent_id, i.source)
            for i in registry.institutions.values()}
        self.prior = {iid: math.log10(1 + n) for iid, n in registry.evidence_counts.items()}
        self.successors: dict[str, tuple[str, ...]] = dict(registry.successors)
        self.domains = {d.domain: d.institution_id for d in registry.domains.values()}
        self.refused = registry.refused_domains
        # cities that name one country only: a mention is country evidence
        city_countries: dict[str, set[str]] = defaultdict(set)
        for inst in registry.institutions.values():
            if inst.city and inst.country_code and inst.source in ("ror", "ror-inactive"):
                city_countries[name_key(inst.city)].add(inst.country_code)
        # …unless the field writes that word for an institution elsewhere: to NeurIPS authors "Mila" is
        # the Quebec institute (49 authors with its domain), not the Algerian town
        self.evidence: dict[str, int] = dict(registry.evidence_counts)
        self.city_country = {c: next(iter(cs)) for c, cs in city_countries.items()
                             if len(cs) == 1 and len(c) > 3 and not self._field_name_abroad(exact, c, cs)}
        self.site_cities = site_cities(registry)
        self.branch_root, self.branches = company_branches(registry)
        self.extensions = evidenced_extensions(registry)
        self.city_prefixes = {" ".join(c.split()[:i]) for c in self.city_country
                              for i in range(1, len(c.split()) + 1)}
        self.regions = {r for r in subdivisions() if " " in r}
        self.places = {name_key(i.city) for i in registry.institutions.values() if i.city} | subdivisions()
        self.short = short_names(registry, self.places)
        # acronyms the registry spells in mixed case ("UvA"): who writes "UvA" means that holder, not
        # the University of Virginia, whose acronym is "UVA"
        cased: dict[str, set[str]] = defaultdict(set)
        for entry in registry.names:
            raw = entry.name.strip()
            if " " not in raw and not raw.isupper() and sum(c.isupper() for c in raw) >= 2 and not raw.istitle():
                cased[raw].add(entry.institution_id)
        self.cased: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in cased.items()}

    def _field_name_abroad(self, exact: dict[str, dict[str, int]], key: str, countries: set[str]) -> bool:
        return any(self.evidence.get(iid, 0) >= FIELD_NAME_MIN_EVIDENCE
                   and self.info.get(iid, ("", None))[1] not in countries for iid in exact.get(key, {}))

    # -- exact spans ------------------------------------------------------------------------------
    def spans(self, tokens: list[Token]) -> list[Span]:
        """Every token span whose text is a registry name key (CJK runs matched by substring)."""
        found: list[Span] = []
        n = len(tokens)
        for i in range(n):
            first = tokens[i].key
            if first in ("the", "/", "and", "of"):
                continue
            if has_cjk(first):
                found.extend(self._cjk_spans(i, first))
                continue
            prefix = first
            j = i
            while prefix in self.prefixes:
                entries = self.exact.get(prefix)
                if entries:
                    found.append(Span(i, j + 1, prefix, entries))
                j += 1
                if j >= n or j - i >= MAX_SPAN_TOKENS:
                    break
                prefix = prefix + " " + tokens[j].key
        return found

    def _cjk_spans(self, i: int, token: str) -> list[Span]:
        for length in range(len(token), 1, -1):
            for start in range(0, len(token) - length + 1):
                sub = token[start:start + length]
                entries = self.exact.get(sub)
                if entries:
                    return [Span(i, i + 1, sub, entries)]
        return []

    # -- email domains ----------------------------------------------------------------------------
    def domain_owner(self, domain: str | None) -> str | None:
        """Institution owning the longest registered suffix of ``domain``; None for refused domains."""
        if not domain:
            return None
        domain = domain.strip().lower().lstrip("@").removeprefix("www.")
        if "@" in domain:
            domain = domain.rsplit("@", 1)[1]
        parts = domain.split(".")
        for i in range(len(parts) - 1):
            suffix = ".".join(parts[i:])
            if suffix in self.refused:
                return None
            owner = self.domains.get(suffix)
            if owner:
                return owner
        return None

    # -- cities -----------------------------------------------------------------------------------
    def city_mentions(self, tokens: list[Token], skip: set[int]) -> list[str]:
        """Countries of single-country cities named outside the matched institution spans."""
        out: list[str] = []
        n = len(tokens)
        for i in range(n):
            if i in skip or not tokens[i].raw[:1].isupper():  # "mobile robotics" is not Mobile, AL
                continue
            prefix = tokens[i].key
            j = i
            best = None
            while prefix in self.city_prefixes:
                if prefix in self.city_country:
                    best = self.city_country[prefix]
                j += 1
                if j >= n or j in skip:
                    break
                prefix += " " + tokens[j].key
            if best and best not in out:
                out.append(best)
        return out

    # -- fuzzy ------------------------------------------------------------------------------------
    def fuzzy(self, part_key: str, cutoff: float) -> list[tuple[str, float]]:
        """(institution_id, score 0–100) for names sharing a rare token with the part, best first."""
        words = [w for w in dict.fromkeys(part_key.split()) if w in self.postings]
        rare = sorted((w for w in words if len(self.postings[w]) <= BLOCK_MAX_DF),
                      key=lambda w: len(self.postings[w]))[:3]
        if not rare:
            return []
        ids: set[int] = set()
        for w in rare:
            ids.update(self.postings[w])
            if len(ids) > MAX_FUZZY_CANDIDATES:
                break
        keys = self.fuzzy_keys
        choices = [keys[i] for i in ids]
        hits = process.extract(part_key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
                               limit=5)
        out: list[tuple[str, float]] = []
        for key, score, _ in hits:
            for iid, _rank in self.exact[key]:
                out.append((iid, score))
        return out
