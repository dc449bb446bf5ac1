"""``--spec`` files: an instructor's own exercises, in JSON or TOML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import answersfile
from .errors import InputError
from .exercises import REGISTRY
from .sheet import Planned
from .userfiles import parse_toml, read_text


def read_data(path: Path) -> dict:
    """A JSON or TOML file as a dict (by extension; otherwise JSON if it looks like JSON)."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        return parse_toml(path, read_text(path, "a JSON or TOML file"))
    text = read_text(path, "a JSON or TOML file")
    if path.suffix.lower() != ".json" and not text.lstrip().startswith("{"):
        return parse_toml(path, text)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON at line {e.lineno}, column {e.colno}: "
                         f"{e.msg}") from None
    except (ValueError, RecursionError) as e:  # an integer of thousands of digits, deep nesting
        raise InputError(str(path), f"not usable JSON: {str(e)[:80]}") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "expected a JSON object at the top level")
    return data


def _no_duplicates(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    if twice is not None:
        raise ValueError(f"the key {twice!r} is given twice in one object")
    return dict(pairs)


@dataclass
class Rebuild:
    """A build's own answers.json given as a spec: every variant as it was."""

    seed: int
    sheet: dict  # the title block and decimals it was built with
    variants: list[tuple[str, str, list[Planned]]]  # (id, name, exercises)


def load_spec(path: Path) -> list[Planned] | Rebuild:
    """The exercises of a spec file, each with its params and its location for errors; or,
    for a build's answers.json, every variant to build again exactly."""
    data = read_data(path)
    if "variants" in data and "exercises" not in data:
        return _rebuild(path, data)
    return _plan(path, data)


def _rebuild(path: Path, data: dict) -> Rebuild:
    doc = answersfile.outline(data, path)
    variants = []
    for i, v in enumerate(doc["variants"]):
        plan = _plan(path, v, f"variants[{i}].")
        variants.append((v["id"], v.get("name", ""), plan))
    return Rebuild(doc.get("seed", 0), doc.get("sheet", {}), variants)


def _plan(path: Path, data: dict, at: str = "") -> list[Planned]:
    items = data.get("exercises")
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: {at}exercises", "expected a non-empty list of exercises, "
                         'each {"kind": ..., "params": {...}}')
    plan = []
    for i, item in enumerate(items):
        where = f"{path}: {at}exercises[{i}]"
        if not isinstance(item, dict):
            raise InputError(where, "expected a table with kind and params")
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in REGISTRY:
            raise InputError(f"{where}.kind", f"unknown exercise kind {kind!r}; expected one of "
                             + ", ".join(REGISTRY))
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise InputError(f"{where}.params", "expected a table of params")
        plan.append(Planned(kind, params, f"{where}.params"))
    return plan
