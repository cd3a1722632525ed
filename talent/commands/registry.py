"""``talent registry build | update | verify-seed | verify-sites | vendor``: the institution registry.

The registry is built and cached by :mod:`etl.registry`; its tables reach the warehouse through
:func:`warehouse.pipeline.write_registry`, a write session like every other writer (it waits for the
writer lock and swaps a finished copy in).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from talent.commands._args import command_group

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = command_group(subparsers, "registry", "institution registry (ROR, Hipo, swot, AI-lab seed)")
    build = sub.add_parser("build", help="build the registry and write its tables into the warehouse")
    build.add_argument("--no-warehouse", action="store_true", help="only build and cache, write no tables")
    build.set_defaults(handler=run_build)
    update = sub.add_parser("update", help="replace the vendored ROR records with a full ROR dump, rebuild")
    update.add_argument("--ror-dump", required=True, help="path or URL of a ROR dump (.zip or .json)")
    update.set_defaults(handler=run_update)
    verify = sub.add_parser("verify-seed", help="check ai_labs_seed.csv against NeurIPS evidence")
    verify.set_defaults(handler=run_verify_seed)
    sites = sub.add_parser("verify-sites", help="refresh single_site_labs.csv's NeurIPS evidence counts")
    sites.set_defaults(handler=run_verify_sites)
    vendor = sub.add_parser("vendor", help="copy registry inputs from shared/data into data/registries")
    vendor.add_argument("--shared-data", type=Path, default=Path("../shared/data"))
    vendor.set_defaults(handler=run_vendor)


def build_and_write(warehouse: Path, no_warehouse: bool = False) -> int:
    from etl.registry.build import counts_by_source
    from etl.registry.store import load_or_build
    from warehouse.pipeline import write_registry

    registry = load_or_build(rebuild=True)
    log.info("institutions by source: %s", counts_by_source(registry))
    if no_warehouse:
        return 0
    counts = write_registry(warehouse, registry)
    log.info("wrote %s into %s", counts, warehouse)
    return 0


def run_build(args: argparse.Namespace) -> int:
    return build_and_write(args.warehouse, args.no_warehouse)


def run_update(args: argparse.Namespace) -> int:
    from etl.registry.ror_dump import update_from_dump

    try:
        update_from_dump(args.ror_dump)
    except (OSError, ValueError) as exc:
        print(f"registry update: {exc}", file=sys.stderr)
        return 2
    return build_and_write(args.warehouse)


def run_verify_seed(args: argparse.Namespace) -> int:
    from etl.registry.evidence import write_verified_seed

    log.info("wrote %s", write_verified_seed())
    return 0


def run_verify_sites(args: argparse.Namespace) -> int:
    from etl.registry.curated_sites import write_evidence_columns

    log.info("wrote %s", write_evidence_columns())
    return 0


def run_vendor(args: argparse.Namespace) -> int:
    from etl.registry.vendor import vendor

    if not args.shared_data.is_dir():
        print(f"{args.shared_data} is not a directory", file=sys.stderr)
        return 2
    for name, n in vendor(args.shared_data).items():
        log.info("%s: %d rows", name, n)
    return 0
