"""Institution registry: ROR ids first, our own stable ids where ROR's union dump has no record.

Public API: :func:`build_registry`, :func:`load_registry` (cached). The warehouse writes it as tables
(``warehouse/models/core/institutions.py``).
"""

from etl.registry.build import build_registry
from etl.registry.model import Institution, InstitutionDomain, InstitutionName, Registry
from etl.registry.store import load_registry

__all__ = ["Institution", "InstitutionDomain", "InstitutionName", "Registry", "build_registry",
           "load_registry"]
