"""What a domain name alone says: the country its top level implies, the host of a web link.

The registry's merge steps use it to place institutions whose sources give no country and to demote
domain claims a ccTLD contradicts.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pycountry

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
