"""Institution registry: ROR ids first, our own stable ids where ROR's union dump has no record.

Public API: :func:`build_registry`, :func:`load_registry` (cached), :func:`write_registry_tables`.
"""

from etl.registry.build import build_registry
from etl.registry.model import Institution, InstitutionDomain, InstitutionName, Registry
from etl.registry.store import load_registry, registry_arrow_tables, write_registry_tables

__all__ = ["Institution", "InstitutionDomain", "InstitutionName", "Registry", "build_registry",
           "load_registry", "registry_arrow_tables", "write_registry_tables"]
