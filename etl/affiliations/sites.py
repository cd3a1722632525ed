"""Sites of multinational labs: "Google Brain (Zurich)", "Huawei Noah's Ark Lab, London", "Alibaba Group US".

A company is in many countries; the one an affiliation means is the site the string names, not the
headquarters. The scorer already takes a country named in the string; this module finds the other
ways a string names a site:

* a country written as a short form inside the name ("Alibaba Group US", "Alibaba Group U.S. Inc.");
* a US state or Canadian province code as its own part ("Google, Venice, CA" is in the US, not Italy);
* a city outside the matched institution names, when the registry places that city in one country or
  overwhelmingly in one ("Zurich", "London", "Paris", "Tel Aviv");
* a named area that is one country's, written like a city ("JD.com Silicon Valley Research Center",
  "Baidu Bay Area"): :data:`SITE_AREAS`, since no registry record has such an area as its city;
* a region word ("NAVER LABS Europe"): the company's site in that region, never its headquarters. The
  resolver places it only where the curated sites (:mod:`etl.registry.curated_sites`) know the
  company's one site there, and leaves the country empty otherwise.

A city that names several countries about equally ("Cambridge": 86 registry institutions in the US, 84
in GB) is returned as candidates; :func:`warehouse.models.core.authorship_affiliations.resolve_authorship_affiliations`
settles it with the coauthors' countries on the same site.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.affiliations.candidates import NameIndex, Token

US_STATE_CODES = frozenset({
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks", "ky", "la",
    "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny", "nc", "nd", "oh", "ok",
    "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy", "dc"})
CA_PROVINCE_CODES = frozenset({"on", "qc", "bc", "ab", "mb", "sk", "ns", "nb", "pe", "nl"})
_SHORT_COUNTRY_RAW = {"US": "US", "USA": "US", "UK": "GB"}
# Region words a company name carries for one of its sites, and the countries each covers.
EUROPE = frozenset({
    "AD", "AL", "AT", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
    "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS",
    "SE", "SI", "SK", "SM", "UA", "VA", "XK"})
REGIONS: dict[str, frozenset[str]] = {"europe": EUROPE}
# Areas the field names a site by, each inside one country, that are no registry city; read exactly as
# a city is (a site word, never the company's headquarters).
SITE_AREAS: dict[str, tuple[str, ...]] = {"silicon valley": ("US",), "bay area": ("US",)}


@dataclass(frozen=True, slots=True)
class Site:
    """Where a string places a company: one country, or the countries an ambiguous city may be in."""

    country: str | None = None
    candidates: tuple[str, ...] = ()
    city: str | None = None
    region: str | None = None  # a key of REGIONS ("europe"), when the string names no city or country


NO_SITE = Site()


def find_site(index: NameIndex, tokens: list[Token], skip: set[int]) -> Site:
    """The site named by the tokens outside the matched institution spans (``skip``)."""
    code = _region_code(tokens)
    if code:
        return Site(code)
    for i, token in enumerate(tokens):
        if i in skip or i == 0:
            continue
        if token.raw in _SHORT_COUNTRY_RAW:
            return Site(_SHORT_COUNTRY_RAW[token.raw])
        if token.raw == "U" and i + 1 < len(tokens) and tokens[i + 1].raw == "S":
            return Site("US")  # "U.S."
    city, countries = _city(index, tokens, skip)
    if not countries:
        region = next((t.key for i, t in enumerate(tokens) if i not in skip and i > 0 and t.key in REGIONS), None)
        return Site(region=region) if region else NO_SITE
    if len(countries) == 1:
        return Site(countries[0], city=city)
    return Site(None, countries, city)


def _region_code(tokens: list[Token]) -> str | None:
    """A state or province code standing alone as a comma part, written in capitals ("…, CA")."""
    parts: dict[int, list[Token]] = {}
    for t in tokens:
        parts.setdefault(t.part, []).append(t)
    for part_tokens in list(parts.values())[1:]:
        words = [t for t in part_tokens if t.key not in ("usa", "us") and not t.raw.isdigit()]  # "CA 90291"
        if len(words) != 1 or not words[0].raw.isupper() or len(words[0].raw) != 2:
            continue
        if words[0].key in US_STATE_CODES:
            return "US"
        if words[0].key in CA_PROVINCE_CODES:
            return "CA"
    return None


def _city(index: NameIndex, tokens: list[Token], skip: set[int]) -> tuple[str | None, tuple[str, ...]]:
    n = len(tokens)
    for i in range(n):
        if i in skip or not tokens[i].raw[:1].isupper():
            continue
        best: tuple[str | None, tuple[str, ...]] = (None, ())
        key = tokens[i].key
        j = i
        while True:
            hit = index.site_cities.get(key) or SITE_AREAS.get(key)
            if hit:
                best = (key, hit)
            j += 1
            if j >= n or j in skip or j - i >= 3:
                break
            key += " " + tokens[j].key
        if best[1]:
            return best
    return None, ()
