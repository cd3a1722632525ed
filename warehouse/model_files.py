"""Model files: where the build finds its models, what their yml may say, and the order they run in.

A model is a stem under ``warehouse/models/{staging,core,marts}/``: ``<stem>.sql`` (plain SQL) or ``<stem>.py``
(a ``run(con, ctx, report)`` function) beside ``<stem>.yml`` (its objects, their documentation and checks,
and the stems it ``depends_on``). The order comes from ``depends_on`` alone, never from file names, so a
reader follows the data by reading the yml, and a missing or circular dependency is an error naming the
file. Column descriptions that recur across models are written once in ``models/glossary.yml``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MODELS_DIR = Path(__file__).resolve().parent / "models"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML has it: same result, faster
LAYERS = ("staging", "core", "marts")
KINDS = ("table", "view", "macro")
MODEL_KEYS = {"depends_on", "objects"}
OBJECT_KEYS = {"name", "kind", "description", "grain", "columns"}
COLUMN_KEYS = {"name", "description", "tests"}
COLUMN_TESTS = {"not_null"}


class ModelFileError(ValueError):
    """A model file or its yml is wrong (unknown key, missing description, unknown dependency, cycle)."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    description: str
    tests: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelObject:
    name: str
    kind: str
    description: str
    grain: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()


@dataclass(frozen=True, slots=True)
class Model:
    stem: str
    layer: str
    code: Path  # the .sql or .py file
    yml: Path
    depends_on: tuple[str, ...] = ()
    objects: tuple[ModelObject, ...] = field(default_factory=tuple)

    @property
    def is_python(self) -> bool:
        return self.code.suffix == ".py"

    @property
    def module(self) -> str:
        return f"warehouse.models.{self.layer}.{self.stem}"


def load_glossary(models_dir: Path = MODELS_DIR) -> dict[str, str]:
    path = models_dir / "glossary.yml"
    if not path.is_file():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - a safe loader or {}
    if set(data) - {"columns"}:
        raise ModelFileError(f"{path}: unknown keys {sorted(set(data) - {'columns'})}")
    return {str(name): str(text).strip() for name, text in (data.get("columns") or {}).items()}


def _unknown(path: Path, where: str, given: dict[str, Any], allowed: set[str]) -> None:
    extra = set(given) - allowed
    if extra:
        raise ModelFileError(f"{path}: {where}: unknown keys {sorted(extra)} (allowed: {sorted(allowed)})")


def _column(path: Path, obj: str, raw: dict[str, Any], glossary: dict[str, str]) -> Column:
    _unknown(path, f"{obj} column", raw, COLUMN_KEYS)
    name = raw.get("name")
    description = str(raw.get("description") or glossary.get(str(name), "")).strip()
    if not name or not description:
        raise ModelFileError(f"{path}: {obj}.{name}: no description here and none in glossary.yml")
    tests = tuple(raw.get("tests") or ())
    if set(tests) - COLUMN_TESTS:
        raise ModelFileError(f"{path}: {obj}.{name}: unknown tests {sorted(set(tests) - COLUMN_TESTS)}")
    return Column(str(name), description, tests)


def _object(path: Path, raw: dict[str, Any], glossary: dict[str, str]) -> ModelObject:
    _unknown(path, f"object {raw.get('name')}", raw, OBJECT_KEYS)
    name, kind = raw.get("name"), raw.get("kind")
    if not name or kind not in KINDS:
        raise ModelFileError(f"{path}: object {name!r}: needs a name and a kind among {KINDS}")
    description = str(raw.get("description") or "").strip()
    if not description:
        raise ModelFileError(f"{path}: object {name}: no description")
    columns = tuple(_column(path, name, column, glossary) for column in raw.get("columns") or ())
    grain = tuple(raw.get("grain") or ())
    if kind != "macro" and not grain:  # every table and view states the columns unique together
        raise ModelFileError(f"{path}: object {name}: no grain (the columns unique together)")
    missing = set(grain) - {column.name for column in columns}
    if missing:
        raise ModelFileError(f"{path}: object {name}: grain names undocumented columns {sorted(missing)}")
    return ModelObject(str(name), kind, description, grain, columns)


def load_model(code: Path, layer: str, glossary: dict[str, str]) -> Model:
    yml = code.with_suffix(".yml")
    if not yml.is_file():
        raise ModelFileError(f"{code}: no {yml.name} beside it (every model documents its objects)")
    data = yaml.load(yml.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - a safe loader or {}
    _unknown(yml, "model", data, MODEL_KEYS)
    objects = tuple(_object(yml, raw, glossary) for raw in data.get("objects") or ())
    if not objects:
        raise ModelFileError(f"{yml}: lists no objects")
    return Model(code.stem, layer, code, yml, tuple(data.get("depends_on") or ()), objects)


def discover(models_dir: Path = MODELS_DIR) -> list[Model]:
    """Every model of the three folders, validated, in build order (the package's own folder is read once per
    process: its files do not change under a running build)."""
    return list(_discover_packaged()) if models_dir == MODELS_DIR else _discover(models_dir)


@cache
def _discover_packaged() -> tuple[Model, ...]:
    return tuple(_discover(MODELS_DIR))


def _discover(models_dir: Path) -> list[Model]:
    glossary = load_glossary(models_dir)
    models: dict[str, Model] = {}
    for layer in LAYERS:
        folder = models_dir / layer
        if not folder.is_dir():
            continue
        for code in sorted(folder.iterdir()):
            if code.suffix not in (".sql", ".py") or code.name.startswith("_"):
                continue
            model = load_model(code, layer, glossary)
            if model.stem in models:
                raise ModelFileError(f"{code}: stem {model.stem!r} also used by {models[model.stem].code}")
            models[model.stem] = model
    for yml in sorted(models_dir.glob("*/*.yml")):
        if yml.parent.name in LAYERS and yml.stem not in models:
            raise ModelFileError(f"{yml}: no .sql or .py model beside it")
    return build_order(list(models.values()))


def build_order(models: list[Model]) -> list[Model]:
    """Topological order by ``depends_on``; ties by layer (staging < core < marts), then stem."""
    by_stem = {model.stem: model for model in models}
    for model in models:
        unknown = [stem for stem in model.depends_on if stem not in by_stem]
        if unknown:
            raise ModelFileError(f"{model.yml}: depends_on names unknown models {unknown}")
    waiting = {model.stem: set(model.depends_on) for model in models}
    dependants: dict[str, list[str]] = {model.stem: [] for model in models}
    for model in models:
        for stem in model.depends_on:
            dependants[stem].append(model.stem)

    def rank(stem: str) -> tuple[int, str]:
        return LAYERS.index(by_stem[stem].layer), stem

    ready = [rank(stem) for stem, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[Model] = []
    while ready:
        _, stem = heapq.heappop(ready)
        ordered.append(by_stem[stem])
        for other in dependants[stem]:
            waiting[other].discard(stem)
            if not waiting[other]:
                heapq.heappush(ready, rank(other))
    if len(ordered) < len(models):
        stuck = sorted(str(by_stem[stem].yml) for stem, needs in waiting.items() if needs)
        raise ModelFileError("depends_on cycle among: " + ", ".join(stuck))
    return ordered
