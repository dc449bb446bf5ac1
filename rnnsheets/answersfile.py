"""answers.json: the one place that writes and reads it (schema, layout, encoding)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import InputError
from .exercises import Exercise
from .numbers import encode
from .sheet import Variant

SCHEMA = 1
NAME = "answers.json"
#: The title-block settings recorded, so a build can be rendered again.
SHEET_FIELDS = ("title", "course", "date")


def exercise_json(ex: Exercise) -> dict:
    """An exercise as it stands in answers.json."""
    return {
        "kind": ex.kind,
        "params": encode(ex.params),
        "answers": encode(ex.answers),
        "exact": ex.exact,
        "decimals": None if ex.exact else ex.decimals,
        "tolerance": encode(ex.tolerance),
    }


def variant_json(v: Variant) -> dict:
    """A variant as it stands in answers.json."""
    out = {"id": v.id, "seed": v.seed, "code": v.code}
    if v.name:
        out["name"] = v.name
    out["exercises"] = [exercise_json(e) for e in v.exercises]
    return out


def document(seed: int, variants: Sequence[Variant], sheet: dict) -> dict:
    """The content of answers.json."""
    return {
        "schema": SCHEMA,
        "generator": f"rnnsheets {__version__}",
        "seed": seed,
        "sheet": {k: sheet[k] for k in SHEET_FIELDS},
        "variants": [variant_json(v) for v in variants],
    }


def to_bytes(seed: int, variants: Sequence[Variant], sheet: dict) -> bytes:
    """answers.json as bytes: stable key order, UTF-8, one trailing newline."""
    return (dumps(document(seed, variants, sheet)) + "\n").encode("utf-8")


def dumps(value, indent: int = 0) -> str:
    """JSON with objects indented and arrays of numbers (or of rows) kept on one line."""
    pad = "  " * indent
    if isinstance(value, dict) and value:
        items = [f'{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        items = [f"{pad}  {dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def load(folder: Path) -> dict:
    """answers.json of a build folder, checked for its outline."""
    path = Path(folder) / NAME
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "no such file (is this a build folder?)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON at line {e.lineno}: {e.msg}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{path}: schema", f"expected {SCHEMA}")
    if not isinstance(doc.get("variants"), list):
        raise InputError(f"{path}: variants", "expected a list of variants")
    return doc
