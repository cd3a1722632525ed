"""Stage 1 — normalise: the parts of an affiliation that are not institutions.

Departments, street addresses and postcodes are recognised here, so later stages skip them or use them
only as context; words generic enough to name many places at once are listed here too. The name key
itself (folding, abbreviations), which the registry shares, is :mod:`etl.name_keys`.
"""

from __future__ import annotations

import re

# Words that describe what a unit does, not which institution it is: a span made only of these
# ("Computer Vision Laboratory", "Institute for Theoretical Physics") names many places at once.
GENERIC_WORDS: frozenset[str] = frozenset({
    "the", "of", "and", "for", "in", "at", "de", "la", "le", "des", "du", "di", "del", "der", "und",
    "fur", "a", "an", "on", "institute", "institutes", "laboratory", "center", "research", "school",
    "college", "department", "faculty", "division", "unit", "group", "program", "science", "technology",
    "engineering", "computer", "computing", "vision", "software", "systems", "system", "theoretical",
    "applied", "advanced", "studies", "study", "physics", "mathematics", "mathematical", "chemistry",
    "biology", "medicine", "medical", "health", "clinical", "information", "intelligence", "artificial",
    "learning", "machine", "data", "national", "state", "key", "international", "central", "general",
    "public", "graduate", "academy", "society", "foundation", "automation", "robotics", "electrical",
    "electronic", "electronics", "mechanical", "civil", "environmental", "sciences", "statistics",
    "economics", "business", "management", "communication", "communications", "network", "networks",
    "biomedical", "molecular", "cell", "cellular", "genetics", "neuroscience", "cognitive", "brain",
    "image", "processing", "signal", "energy", "materials", "material", "nuclear", "space", "astronomy",
    "astrophysics", "earth", "marine", "ocean", "agricultural", "agriculture", "food", "life", "social",
    "human", "humanities", "law", "education", "innovation", "experimental", "quantum", "optics",
    "photonics", "high", "theory",
})

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# Words that open a sub-unit of an institution: the part is context, not the institution.
_SUBUNIT_START = re.compile(
    r"^(department|departments|school|faculty|division|section|chair|group|unit|program|programme"
    r"|graduate school|college of|key laboratory|state key laboratory|laboratory|center for|center of"
    r"|centre for|institute for|institute of|institute fur|institute de|research center|research group"
    r"|dipartimento|departamento"
    r"|departement|fachbereich|lehrstuhl|fakultat|facultad|faculte|ecole doctorale|team|project|the department"
    r"|the school|cluster|excellence cluster|centre de|centro de|servicio|service|unite|umr|cnrs umr)\b"
)
_SUBUNIT_NAMES = re.compile(
    r"\b(department|dept|faculty|school of|division of|laboratory|lab|group|chair of|program in)\b"
)
# Address noise: postcodes, street numbers, PO boxes, roads, districts.
_ADDRESS = re.compile(
    r"(\bp ?o ?box\b|\bpostfach\b|\bbox \d|\b\d{3,}\b|\b\d+[a-z]?\s+\w+\s+(street|st|road|rd|avenue|ave|blvd"
    r"|boulevard|drive|dr|lane|way|strasse|str|place|square)\b|\b(street|road|avenue|boulevard|strasse|"
    r"district|building|bldg|floor|room|suite|campus|mail stop|ms)\b\s*\d*|\bzip\b|\bcedex\b)"
)
_POSTCODE_PART = re.compile(r"^[a-z]{0,2}\s?\d[\d\s-]{2,}[a-z]?$|^[a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2}$")
_US_STATE_ZIP = re.compile(r"^[a-z]{2}\s?\d{5}(-\d{4})?$")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def is_subunit_part(part_key: str) -> bool:
    """True when a comma-separated part names a department, school, lab or similar sub-unit."""
    return bool(_SUBUNIT_START.match(part_key))


def is_address_part(part_key: str) -> bool:
    """True when a part is a postcode, a street address or a box number: context, never an institution."""
    if not part_key:
        return True
    if _POSTCODE_PART.match(part_key) or _US_STATE_ZIP.match(part_key):
        return True
    if part_key.isdigit():
        return True
    return bool(_ADDRESS.search(part_key)) and not re.search(r"\b(university|institute|college)\b", part_key)


def strip_noise(part_key: str) -> str:
    """Drop postcodes and street numbers inside a part ("beijing 100084" → "beijing")."""
    cleaned = re.sub(r"\b\d[\d-]*\b", " ", part_key)
    return " ".join(cleaned.split())
