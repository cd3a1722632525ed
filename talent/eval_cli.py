"""``talent eval …``: accuracy evaluations, each registered by the module it measures."""

from __future__ import annotations

import argparse
import importlib

EVALUATED_MODULES = ("etl.affiliations.cli", "etl.people.cli")


def register(sub: argparse._SubParsersAction) -> None:
    evaluate = sub.add_parser("eval", help="measure accuracy against labelled data")
    eval_sub = evaluate.add_subparsers(dest="eval_command", required=True, metavar="WHAT")
    for name in EVALUATED_MODULES:
        importlib.import_module(name).register_eval(eval_sub)
