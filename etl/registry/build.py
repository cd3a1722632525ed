"""Merge ROR, ROR stubs, the verified AI-lab seed, Hipo, swot and NeurIPS evidence into one registry.

Order matters and is deliberate: ROR first (its ids are primary), then the seed (curated companies and
labs, some missing from the ROR union), then the curated single-site labs and named company sites
(:mod:`etl.registry.curated_sites`, only those NeurIPS authors name), then Hipo and swot, which attach
to an existing institution when a domain or an exact name + country says it is the same one, and
otherwise become institutions of our own with stable ``tt:<slug>-<cc>`` ids. NeurIPS aff ↔ aff_domain
evidence comes last: it adds domains and aliases only where it agrees with what the registry already
knows.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlparse

import pycountry
from rapidfuzz import fuzz

from etl.affiliations.normalise import name_key
from etl.countries import country_code
from etl.registry import sources
from etl.registry.clean_names import swot_names, without_addresses
from etl.registry.model import Institution, InstitutionDomain, InstitutionName, Registry, parent_chain
from etl.registry.paths import REGISTRY_DATA_DIR

log = logging.getLogger(__name__)

_TYPE_ORDER = ("education", "company", "facility", "healthcare", "government", "nonprofit", "archive",
               "other", "funder")
_COUNTRY_SUFFIX = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
_PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&.\-]{1,11})\)")
_CLAIM_RANK = {"ai-labs-seed": 0, "curated-site": 0, "ror": 1, "hipo": 2, "swot": 2, "neurips-evidence": 2,
               "ror-link": 3, "ror-inactive": 3}
_UNIVERSITY_TYPES = frozenset({"education", "other", "funder"})  # ROR types ENS-PSL "funder, other"
_CITY_LINKS = frozenset({"de", "of", "in", "at", "di", "du", "des", "la", "zu", "am"})
# Holding companies that parent roll-up never climbs into (Google and DeepMind stay distinct).
HOLDING_COMPANIES: frozenset[str] = frozenset({"02e9yx751"})  # Alphabet


def slug(text: str) -> str:
    key = name_key(text)
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if not ascii_slug:  # names in other scripts: a short hash keeps the id stable and readable
        ascii_slug = "h" + hashlib.sha1(key.encode()).hexdigest()[:10]
    return ascii_slug[:60]


def own_id(name: str, country: str | None) -> str:
    """Stable id for an institution ROR does not (or the union dump does not) hold."""
    return f"tt:{slug(name)}-{(country or 'xx').lower()}"


def primary_type(types: Iterable[str]) -> str | None:
    types = list(types)
    for wanted in _TYPE_ORDER:
        if wanted in types:
            return wanted
    return types[0] if types else None


# ccTLDs sold worldwide as vanity domains (prowler.io is in Cambridge, not the Indian Ocean)
VANITY_TLDS = frozenset({"io", "ai", "co", "me", "tv", "ly", "fm", "to", "sh", "ws", "cc", "so", "gg", "im",
                         "ac", "vc", "is", "la", "md", "ms", "nu", "tk", "xyz", "app", "dev"})


def tld_country(domain: str) -> str | None:
    """Country implied by a domain's top level: ccTLDs and the US-only .edu; None for .com/.org/…"""
    tld = domain.rsplit(".", 1)[-1].lower()
    if tld in VANITY_TLDS:
        return None
    if tld == "edu":
        return "US"
    if tld == "uk":
        return "GB"
    if len(tld) == 2:
        country = pycountry.countries.get(alpha_2=tld.upper())
        return country.alpha_2 if country else None
    return None


def host_of(url: str) -> str | None:
    try:
        host = urlparse(url if "//" in url else "http://" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().removeprefix("www.")
    return host if "." in host else None


def _similar(a: str, b: str) -> bool:
    """May a shared web host (weak evidence) merge these two names?

    Yes, unless the ROR side is a university *system* ("Purdue University System" shares purdue.edu
    with Purdue University) and the names differ.
    """
    if "system" not in name_key(b).split():
        return True
    return fuzz.token_sort_ratio(name_key(a), name_key(split_country_suffix(b)[0])) >= 88


def split_country_suffix(name: str) -> tuple[str, str | None]:
    """"Google (United States)" → ("Google", "US"); other parentheses are left alone."""
    match = _COUNTRY_SUFFIX.match(name)
    if match:
        code = country_code(match.group(2))
        if code:
            return match.group(1), code
    return name, None


class RegistryBuilder:
    """Accumulates institutions, names and domains while sources are merged in."""

    def __init__(self, refused: frozenset[str]) -> None:
        self.institutions: dict[str, Institution] = {}
        self.names: list[InstitutionName] = []
        self._name_seen: set[tuple[str, str]] = set()
        self._name_rank: dict[tuple[str, str], int] = {}
        self.domain_claims: dict[str, dict[str, str]] = defaultdict(dict)  # domain → {id: source}
        self.refused = refused
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.successors: dict[str, set[str]] = defaultdict(set)
        self.alias_evidence: dict[tuple[str, str], int] = {}  # (id, name key) → authors, from evidence
        self._stems: dict[tuple[str, str, str], set[str]] | None = None  # see same_by_name_at_city
        self.site_regions: dict[str, str] = {}  # curated sites that are their company's one site in a region

    # -- primitives -------------------------------------------------------------------------------
    def add_institution(self, inst: Institution) -> None:
        clean = without_addresses(inst.name)
        if clean != inst.name:
            inst = Institution(inst.institution_id, clean or inst.institution_id, inst.country_code, inst.type,
                               inst.parent_id, inst.source, inst.city)
        self.institutions[inst.institution_id] = inst

    def add_name(self, institution_id: str, name: str, kind: str, lang: str | None = None) -> None:
        name = without_addresses(name).strip()  # nothing we store keeps a full e-mail address (issue 9)
        key = name_key(name)
        if not key or (institution_id, key) in self._name_seen:
            self.note_rank(institution_id, key, kind)
            return
        self._name_seen.add((institution_id, key))
        self.names.append(InstitutionName(institution_id, name, kind, lang))
        self.by_key[key].add(institution_id)
        self.note_rank(institution_id, key, kind)

    def note_rank(self, institution_id: str, key: str, kind: str) -> None:
        from etl.affiliations.candidates import KIND_RANK

        rank = KIND_RANK.get(kind, 3)
        if rank < self._name_rank.get((institution_id, key), 9):
            self._name_rank[(institution_id, key)] = rank

    def name_rank(self, institution_id: str, key: str) -> int:
        """Best kind rank (candidates.KIND_RANK) of a name key for an institution; 9 when absent."""
        return self._name_rank.get((institution_id, key), 9)

    def claim_domain(self, domain: str, institution_id: str, source: str) -> None:
        domain = domain.strip().lower().removeprefix("www.")
        if domain and "." in domain and domain not in self.refused:
            self.domain_claims[domain].setdefault(institution_id, source)

    def same_by_name(self, name: str, country: str | None) -> str | None:
        """An existing institution with exactly this name key in this country, if exactly one."""
        hits = [i for i in self.by_key.get(name_key(name), ()) if self.institutions[i].country_code == country]
        return hits[0] if len(hits) == 1 else None

    def same_by_name_at_city(self, name: str, country: str | None) -> str | None:
        """The ROR university a "<name> de <city>" is, when ROR spells it without the city.

        Hipo's "Ecole Normale Supérieure de Paris" (ens.fr) is ROR's "École Normale Supérieure - PSL" in
        Paris, which lists no domain: same name stem, same city, same country, and exactly one such
        record. Without this the two stayed apart, ens.fr went to the Hipo copy and the ROR record (the
        one other sources link to) had no domain.
        """
        if self._stems is None:
            self._stems = defaultdict(set)
            claimed = {iid for claims in self.domain_claims.values() for iid, src in claims.items() if src == "ror"}
            for inst in self.institutions.values():
                if inst.source == "ror" and inst.type in _UNIVERSITY_TYPES and inst.city and inst.country_code \
                        and inst.institution_id not in claimed:
                    stem = re.split(r"\s+[-–—]\s+", inst.name)[0]
                    self._stems[(name_key(stem), name_key(inst.city), inst.country_code)].add(inst.institution_id)
        words = name_key(name).split()
        for size in (1, 2):
            if len(words) <= size + 1:
                continue
            city, stem = " ".join(words[-size:]), words[:-size]
            if stem[-1] in _CITY_LINKS:
                stem = stem[:-1]
            hits = self._stems.get((" ".join(stem), city, country or ""), set())
            if len(hits) == 1:
                return next(iter(hits))
        return None

    def ancestors(self, institution_id: str) -> list[str]:
        return parent_chain(self.institutions, institution_id)

    def resolved_domains(self) -> dict[str, InstitutionDomain]:
        """One institution per domain.

        Claims are ranked by source (verified seed > ROR domain field > Hipo/swot/evidence > ROR web
        links); within the best-ranked claims the sole claimant wins, or the one every other claimant
        descends from. Anything else is ambiguous and the domain stays unresolved.
        """
        out: dict[str, InstitutionDomain] = {}
        for domain, claims in self.domain_claims.items():
            implied = tld_country(domain)
            ranked = sorted((_CLAIM_RANK.get(src, 3) + self._tld_mismatch(implied, iid), iid)
                            for iid, src in claims.items() if iid in self.institutions)
            if not ranked:
                continue
            best = {iid for rank, iid in ranked if rank == ranked[0][0]}
            roots = [i for i in best if not any(a in best for a in self.ancestors(i))]
            if len(roots) == 1:
                out[domain] = InstitutionDomain(domain, roots[0], claims[roots[0]])
        return out

    def _tld_mismatch(self, implied: str | None, institution_id: str) -> int:
        """Demote a claim whose domain's country contradicts the claimant's (ROR lists neu.edu for
        Northeastern University in Shenyang); companies are exempt, they register anywhere."""
        inst = self.institutions[institution_id]
        if implied and inst.country_code and implied != inst.country_code and inst.type != "company":
            return 2
        return 0

    def domain_owner(self, domain: str, domains: dict[str, InstitutionDomain]) -> str | None:
        """Longest-suffix owner of a domain, never a refused one."""
        parts = domain.lower().split(".")
        for i in range(len(parts) - 1):
            suffix = ".".join(parts[i:])
            if suffix in self.refused:
                return None
            hit = domains.get(suffix)
            if hit:
                return hit.institution_id
        return None


def add_ror(builder: RegistryBuilder, records: Iterable[dict]) -> None:
    pending_links: list[tuple[str, str, str | None]] = []
    hosts_of: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        rid = rec["id"]
        for rel_type, rel_id in rec["relationships"]:
            if rel_type == "successor":
                builder.successors[rid].add(rel_id)
            elif rel_type == "predecessor":
                builder.successors[rel_id].add(rid)
        parent = next((rel_id for rel_type, rel_id in rec["relationships"] if rel_type == "parent"), None)
        builder.add_institution(Institution(rid, rec["name"], rec.get("country_code"),
                                            primary_type(rec["types"]), parent,
                                            "ror" if rec.get("status") == "active" else "ror-inactive",
                                            rec.get("city")))
        builder.add_name(rid, rec["name"], "display")
        bare, _ = split_country_suffix(rec["name"])
        if bare != rec["name"]:
            builder.add_name(rid, bare, "stripped")
        for alias in rec["aliases"]:
            builder.add_name(rid, alias, "alias")
        for acronym in rec["acronyms"]:
            builder.add_name(rid, acronym, "acronym")
        for value, lang in rec["labels"]:
            builder.add_name(rid, value, "label", lang)
        for domain in rec["domains"]:
            builder.claim_domain(domain, rid, "ror" if rec.get("status") == "active" else "ror-inactive")
        for link in rec["links"]:
            host = host_of(link)
            if host:
                pending_links.append((host, rid, parent))
                hosts_of[rid].add(host)
        hosts_of[rid].update(d.lower().removeprefix("www.") for d in rec["domains"])
    for host, rid, parent in pending_links:  # web hosts only where no ROR domain field claims the host
        parent_inst = builder.institutions.get(parent) if parent else None
        own_type = builder.institutions[rid].type
        if parent_inst and parent_inst.type == "education" and (
                own_type != "education" or not hosts_of[parent]
                or any(host == h or host.endswith("." + h) for h in hosts_of[parent])):
            continue  # a university's units publish on the university's host (cs.ucl.ac.uk …); a
            # university inside a system (Texas A&M in the TAMU System) has a host of its own
        if host not in builder.domain_claims:
            builder.claim_domain(host, rid, "ror-link")
    # parents that point outside the registry are kept only if a stub fills them in later


def add_ror_stubs(builder: RegistryBuilder, stubs: Iterable[dict]) -> None:
    """Institutions the union dump only names (IBM, NTT, …): name and the country in their name."""
    for stub in stubs:
        if stub["id"] in builder.institutions:
            continue
        bare, country = split_country_suffix(stub["name"])
        if country is None and len(stub["referenced_by_countries"]) == 1:
            country = stub["referenced_by_countries"][0]
        builder.add_institution(Institution(stub["id"], stub["name"], country, None, None, "ror-stub"))
        builder.add_name(stub["id"], stub["name"], "display")
        if bare != stub["name"]:
            builder.add_name(stub["id"], bare, "stripped")


def add_seed(builder: RegistryBuilder, rows: list[dict]) -> None:
    """Curated AI companies and labs: ROR id when ROR has one, our own id otherwise."""
    ids: dict[str, str] = {}
    for row in rows:
        rid = row["ror_id"].strip() or own_id(row["canonical_name"], row["country_code"])
        ids[row["canonical_name"]] = rid
    for row in rows:
        rid = ids[row["canonical_name"]]
        existing = builder.institutions.get(rid)
        parent = ids.get(row["parent_canonical"]) if row["parent_canonical"] else None
        if parent is None and existing:
            parent = existing.parent_id
        builder.add_institution(Institution(
            rid, existing.name if existing and existing.source == "ror" else row["canonical_name"],
            row["country_code"] or (existing.country_code if existing else None),
            row["type"] or (existing.type if existing else None), parent,
            existing.source if existing and existing.source == "ror" else "ai-labs-seed",
            existing.city if existing else None))
        builder.add_name(rid, row["canonical_name"], "seed")
        for alias in filter(None, (a.strip() for a in row["aliases"].split("|"))):
            builder.add_name(rid, alias, "seed")
        for domain in filter(None, (d.strip() for d in row["email_domains"].split("|"))):
            builder.claim_domain(domain, rid, "ai-labs-seed")


def add_hipo(builder: RegistryBuilder, universities: Iterable[dict], domains_now: dict) -> None:
    for uni in universities:
        country = uni.get("alpha_two_code") or None
        name = uni["name"].strip()
        uni_domains = [d.lower() for d in uni.get("domains") or []]
        match = next((domains_now[d].institution_id for d in uni_domains if d in domains_now
                      and builder.institutions[domains_now[d].institution_id].country_code == country
                      and (_CLAIM_RANK.get(domains_now[d].source, 3) <= 1 or _similar(
                          name, builder.institutions[domains_now[d].institution_id].name))), None)
        match = match or builder.same_by_name(name, country) or builder.same_by_name_at_city(name, country)
        if match is None:
            match = own_id(name, country)
            if match not in builder.institutions:
                builder.add_institution(Institution(match, name, country, "education", None, "hipo",
                                                    uni.get("state-province")))
        builder.add_name(match, name, "hipo")
        for acronym in _PAREN_ACRONYM.findall(name):
            builder.add_name(match, acronym, "acronym")
        stripped = _PAREN_ACRONYM.sub("", name).strip()
        if stripped != name:
            builder.add_name(match, stripped, "hipo")
        for domain in uni_domains:
            builder.claim_domain(domain, match, "hipo")


def add_swot(builder: RegistryBuilder, entries: Iterable[dict], domains_now: dict) -> None:
    """Academic email domains: attach to a known institution, or add one where the TLD gives a country."""
    for entry in entries:
        domain = entry["domain"].lower()
        if entry.get("group") or domain in builder.refused or not entry.get("names"):
            continue
        if builder.domain_owner(domain, domains_now):
            continue
        country = tld_country(domain)
        names = swot_names(entry["names"])  # the names, not the request letter that follows them
        long_names = [n for n in names if not (n.isupper() and len(n) <= 8)]
        if not long_names:
            continue
        match = next((m for m in (builder.same_by_name(n, country) for n in long_names) if m), None)
        if match is None:
            if country is None:
                continue  # a name and a .com/.org domain, no country: not enough to be useful
            match = own_id(long_names[0], country)
            if match not in builder.institutions:
                builder.add_institution(Institution(match, long_names[0], country, "education", None, "swot"))
        for name in names:
            builder.add_name(match, name, "swot" if name in long_names else "acronym")
        builder.claim_domain(domain, match, "swot")


GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})
_TU = re.compile(r"^Technische\s+Universit(?:ät|aet)\s+(\S.*)$")
_UNI_CITY = re.compile(r"^(.*?)[\s-]Universit(?:ät|aet)\s+(\S+)$")
# adjectives that say which kind of university it is: "Freie Universität Berlin" is not "Universität Berlin"
_UNIVERSITY = re.compile(r"universit", re.IGNORECASE)
_APPLIED = re.compile(r"applied|fachhochschule|hochschule|kunst|musik|music|arts?\b", re.IGNORECASE)
_KIND_WORDS = frozenset({"privat", "technische", "freie", "katholische", "evangelische", "medizinische", "padagogische",
                         "private", "deutsche", "internationale", "offene", "fern", "tierarztliche", "leuphana"})


def add_short_forms(builder: RegistryBuilder) -> int:
    """The short forms German-speaking authors write for a university, from its own ROR names.

    "TU München" for "Technische Universität München"; "Universität Bonn" for "Rheinische
    Friedrich-Wilhelms-Universität Bonn" when Bonn is the record's own city and the words dropped name a
    person or region, not a kind of university ("Freie Universität Berlin" gives nothing). A short form
    two universities could take, one another institution already holds, or a "Universität <City>" in a
    city with more than one university, is added to none. Kind
    ``short-form`` keeps them apart from the names ROR lists.
    """
    names_of: dict[str, list[str]] = defaultdict(list)
    for entry in builder.names:
        if entry.kind in ("display", "alias", "label"):
            names_of[entry.institution_id].append(entry.name)
    proposals: dict[str, dict[str, str]] = defaultdict(dict)  # key → {institution id: spelling}
    universities_in: Counter[tuple[str, str]] = Counter()  # "Universität Berlin" names none of Berlin's
    for inst in builder.institutions.values():
        if inst.source == "ror" and inst.type == "education" and inst.city and _UNIVERSITY.search(inst.name) \
                and not _APPLIED.search(inst.name):
            universities_in[(name_key(inst.city), inst.country_code or "")] += 1
    for iid, inst in builder.institutions.items():
        if inst.source != "ror" or inst.type != "education" or inst.country_code not in GERMAN_SPEAKING:
            continue
        for name in names_of.get(iid, ()):
            tu = _TU.match(name.strip())
            if tu:
                short = f"TU {tu.group(1)}"
                proposals[name_key(short)].setdefault(iid, short)
            uni = _UNI_CITY.match(name.strip())
            if uni and inst.city and name_key(uni.group(2)) == name_key(inst.city) \
                    and universities_in[(name_key(inst.city), inst.country_code)] == 1 \
                    and not set(name_key(uni.group(1)).split()) & _KIND_WORDS:
                short = f"Universität {uni.group(2)}"
                proposals[name_key(short)].setdefault(iid, short)
    added = 0
    for key, by_id in proposals.items():
        if len(by_id) != 1:
            continue
        iid, short = next(iter(by_id.items()))
        if builder.by_key.get(key, set()) - {iid}:
            continue
        builder.add_name(iid, short, "short-form")
        added += 1
    log.info("registry: %d German short forms", added)
    return added


def build_registry(data_dir: Path = REGISTRY_DATA_DIR) -> Registry:
    """Build the registry from the vendored inputs (no cache; see :func:`etl.registry.store.load_registry`)."""
    from etl.registry.curated_sites import add_curated_sites, read_curated_sites, read_institution_counts
    from etl.registry.evidence import add_evidence  # evidence needs the builder's lookups

    refused = sources.refused_domains(data_dir)
    builder = RegistryBuilder(refused)
    add_ror(builder, sources.read_ror(data_dir))
    add_ror_stubs(builder, sources.read_ror_stubs(data_dir))
    add_seed(builder, sources.read_seed(data_dir))
    pairs = sources.read_aff_domain_pairs(data_dir)
    add_curated_sites(builder, read_curated_sites(data_dir), pairs, read_institution_counts(data_dir))
    add_hipo(builder, sources.read_hipo(data_dir), builder.resolved_domains())
    add_swot(builder, sources.read_swot(data_dir), builder.resolved_domains())
    add_short_forms(builder)
    evidence_counts = add_evidence(builder, pairs)
    _countries_from_domains(builder)
    # parents outside the registry would dangle: drop them
    for iid, inst in list(builder.institutions.items()):
        if inst.parent_id and inst.parent_id not in builder.institutions:
            builder.institutions[iid] = Institution(inst.institution_id, inst.name, inst.country_code,
                                                    inst.type, None, inst.source, inst.city)
    registry = Registry(builder.institutions, builder.names, builder.resolved_domains(),
                        evidence_counts, refused,
                        successors={old: tuple(sorted(new)) for old, new in builder.successors.items()
                                    if old != new and old in builder.institutions},
                        alias_evidence=builder.alias_evidence, site_regions=builder.site_regions)
    log.info("registry: %d institutions, %d names, %d domains", len(registry.institutions),
             len(registry.names), len(registry.domains))
    return registry


def _countries_from_domains(builder: RegistryBuilder) -> None:
    """Give an institution without a country the one its own domains' ccTLDs agree on.

    ROR stubs only carry the countries of the records that reference them ("Chinese University of
    Hong Kong, Shenzhen": CN and HK); the domain its authors write (cuhk.edu.cn) settles it.
    """
    owned: dict[str, set[str]] = defaultdict(set)
    for entry in builder.resolved_domains().values():
        implied = tld_country(entry.domain)
        if implied and not entry.domain.endswith(".edu"):
            owned[entry.institution_id].add(implied)
    for iid, inst in list(builder.institutions.items()):
        if inst.country_code is None and len(owned.get(iid, ())) == 1:
            builder.institutions[iid] = Institution(inst.institution_id, inst.name, next(iter(owned[iid])),
                                                    inst.type, inst.parent_id, inst.source, inst.city)


def counts_by_source(registry: Registry) -> dict[str, int]:
    return dict(Counter(i.source for i in registry.institutions.values()))
