"""``--spec`` files: an instructor's own exercises, in JSON or TOML."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from .config import read_toml, toml_message
from .errors import InputError
from .exercises import REGISTRY
from .sheet import Planned


def read_data(path: Path) -> dict:
    """A JSON or TOML file as a dict (by extension; otherwise JSON if it looks like JSON)."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        return read_toml(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder, expected a JSON or TOML file") from None
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"cannot read: not UTF-8 text (byte 0x{e.object[e.start]:02x} "
                         f"at position {e.start})") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    if path.suffix.lower() != ".json" and not text.lstrip().startswith("{"):
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InputError(str(path), f"not valid TOML: {toml_message(e, text)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON at line {e.lineno}, column {e.colno}: "
                         f"{e.msg}") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "expected a JSON object at the top level")
    return data


def load_spec(path: Path) -> list[Planned]:
    """The exercises of a spec file, each with its params and its location for errors."""
    data = read_data(path)
    items = data.get("exercises")
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: exercises", "expected a non-empty list of exercises, "
                         'each {"kind": ..., "params": {...}}')
    plan = []
    for i, item in enumerate(items):
        where = f"{path}: exercises[{i}]"
        if not isinstance(item, dict):
            raise InputError(where, "expected a table with kind and params")
        kind = item.get("kind")
        if kind not in REGISTRY:
            raise InputError(f"{where}.kind", f"unknown exercise kind {kind!r}; expected one of "
                             + ", ".join(REGISTRY))
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise InputError(f"{where}.params", "expected a table of params")
        plan.append(Planned(kind, params, f"{where}.params"))
    return plan
