"""The short forms German-speaking authors write for a university ("TU München", "Universität Bonn").

ROR lists the full names only; the short forms are derived from them, and kept only where exactly one
university can take them (see :func:`add_short_forms`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict

from etl.name_keys import name_key
from etl.registry.builder import RegistryBuilder

log = logging.getLogger(__name__)

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
