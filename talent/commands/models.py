"""``talent models``: the build's models in the order it runs them, so an operator or a newcomer can follow a
figure from its view back to the SQL file and the inputs it reads, without opening the warehouse.

Reads only ``warehouse/models/**`` (the same discovery and ordering as the build, so the list cannot drift
from what a build does); ``--object NAME`` narrows to the model that creates NAME and everything upstream.
"""

from __future__ import annotations

import argparse
import json

from etl.paths import REPO_ROOT
from warehouse.model_files import Model, discover


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser("models", help="list the build's models in dependency order (file, inputs, objects)")
    models.add_argument("--object", metavar="NAME", help="only the model creating NAME and the models it reads from")
    models.add_argument("--json", action="store_true", help="one JSON object per model instead of a table")
    models.set_defaults(handler=run_models)


def upstream(models: list[Model], name: str) -> list[Model]:
    """The model that creates ``name`` and every model it depends on, in build order."""
    by_stem = {model.stem: model for model in models}
    owner = next((model for model in models if any(obj.name == name for obj in model.objects)), None)
    if owner is None:
        raise KeyError(name)
    wanted, stack = set(), [owner.stem]
    while stack:
        stem = stack.pop()
        if stem not in wanted:
            wanted.add(stem)
            stack.extend(by_stem[stem].depends_on)
    return [model for model in models if model.stem in wanted]


def _path(model: Model) -> str:
    try:
        return str(model.code.relative_to(REPO_ROOT))
    except ValueError:  # an installed package outside a checkout
        return str(model.code)


def run_models(args: argparse.Namespace) -> int:
    models = discover()
    if args.object:
        try:
            models = upstream(models, args.object)
        except KeyError:
            print(f"error: no model creates {args.object!r} (see `talent models` for every object)")
            return 2
    for model in models:
        row = {"layer": model.layer, "model": model.stem, "file": _path(model),
               "depends_on": list(model.depends_on), "objects": [obj.name for obj in model.objects]}
        if args.json:
            print(json.dumps(row))
        else:
            inputs = ", ".join(model.depends_on) or "(no model inputs)"
            print(f"{model.layer:<8} {row['file']:<58} <- {inputs}")
    return 0
