"""answers.json: the one place that writes and reads it (schema, layout, encoding)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .entries import flatten
from .errors import InputError
from .exercises import REGISTRY, Exercise
from .numbers import encode
from .sheet import Variant
from .timing import part_minutes
from .userfiles import read_bytes

SCHEMA = 2
NAME = "answers.json"
#: The largest answers.json check reads (a 5000-variant build writes about 40 MB).
MAX_BYTES = 200_000_000
#: The title-block settings recorded, so a build can be rendered again.
SHEET_FIELDS = ("title", "course", "date", "decimals")


def exercise_json(ex: Exercise, questions=None) -> dict:
    """An exercise as it stands in answers.json (``questions``: its questions as asked,
    worked out here if not given)."""
    if questions is None:
        questions = REGISTRY[ex.kind].questions(ex)
    return {
        "kind": ex.kind,
        "params": encode(ex.params),
        "answers": encode(ex.answers),
        "exact": ex.exact,
        "decimals": ex.decimals if asks_decimals(ex) else None,
        "forms": ex.forms,
        "tolerances": ex.tolerances,
        "minutes": part_minutes(questions),
    }


def asks_decimals(ex: Exercise) -> bool:
    """Whether some entry may be given as a rounded decimal (else every answer is whole)."""
    return any(f != "exact" for _, f in flatten(ex.forms) if f is not None)


def variant_json(v: Variant) -> dict:
    """A variant as it stands in answers.json."""
    out = {"id": v.id, "seed": v.seed, "code": v.code}
    if v.name:
        out["name"] = v.name
    out["exercises"] = [exercise_json(e, q) for e, q in zip(v.exercises, v.questions())]
    return out


def variant_text(v: Variant) -> str:
    """A variant's entry in answers.json, as it stands there (indented)."""
    return dumps(variant_json(v), 2)


def to_bytes(seed: int, variants: Sequence[Variant], sheet: dict,
             made: dict | None = None) -> bytes:
    """answers.json as bytes: stable key order, UTF-8, one trailing newline. (``made``:
    entries :func:`variant_text` made already, keyed by ("answers", index).)"""
    made = made or {}
    head = dumps({"schema": SCHEMA, "generator": f"rnnsheets {__version__}", "seed": seed,
                  "sheet": {k: sheet[k] for k in SHEET_FIELDS}})
    entries = ",\n".join("    " + (made.get(("answers", i)) or variant_text(variants[i]))
                         for i in range(len(variants)))
    return f'{head[:-2]},\n  "variants": [\n{entries}\n  ]\n}}\n'.encode()


def dumps(value, indent: int = 0) -> str:
    """JSON with objects indented and arrays of numbers (or of rows) kept on one line."""
    pad = "  " * indent
    if isinstance(value, dict) and value:
        items = [f'{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        items = [f"{pad}  {dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return _leaf(value)


_leaf = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every leaf


def load(folder: Path) -> dict:
    """answers.json of a build folder, checked for its outline."""
    path = Path(folder) / NAME
    if not path.exists() and not path.is_symlink():
        raise InputError(str(path), "no such file (is this a build folder?)")
    data = read_bytes(path, "the answers.json of a build", MAX_BYTES)
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON at line {e.lineno}: {e.msg}") from None
    except (ValueError, RecursionError) as e:
        raise InputError(str(path), f"not usable JSON: {str(e)[:80]}") from None
    return outline(doc, path)


def outline(doc, path: Path) -> dict:
    """An answers.json document checked for the schema and the fields its readers use, or
    an error naming the first that is not as expected."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{path}: schema", f"expected {SCHEMA}")
    if not isinstance(doc.get("variants"), list):
        raise InputError(f"{path}: variants", "expected a list of variants")
    _outline(doc, path)
    return doc


def _outline(doc: dict, path: Path) -> None:
    """The fields check reads, each of the type it needs, or an error naming the first."""
    def need(ok: bool, where: str, what: str) -> None:
        if not ok:
            raise InputError(f"{path}: {where}", f"expected {what}")

    need(isinstance(doc.get("seed", 0), int) and not isinstance(doc.get("seed"), bool),
         "seed", "a whole number")
    sheet = doc.get("sheet", {})
    need(isinstance(sheet, dict) and all(isinstance(sheet.get(k, ""), str)
                                         for k in ("title", "course", "date")),
         "sheet", "a table of title, course and date (text) and decimals")
    d = sheet.get("decimals", 4)
    need(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 10, "sheet.decimals",
         "a whole number from 1 to 10")
    for i, v in enumerate(doc["variants"]):
        at = f"variants[{i}]"
        need(isinstance(v, dict), at, "a table with id, seed, code and exercises")
        need(isinstance(v.get("id"), str), f"{at}.id", "text")
        need(isinstance(v.get("code"), str), f"{at}.code", "text")
        need(isinstance(v.get("name", ""), str), f"{at}.name", "text")
        need(isinstance(v.get("seed"), int) and not isinstance(v.get("seed"), bool),
             f"{at}.seed", "a whole number")
        need(isinstance(v.get("exercises"), list), f"{at}.exercises", "a list of exercises")
        for n, e in enumerate(v["exercises"]):
            where = f"{at}.exercises[{n}]"
            need(isinstance(e, dict), where, "a table with kind, params and answers")
            need(isinstance(e.get("kind"), str), f"{where}.kind", "text")
            need(isinstance(e.get("params"), dict), f"{where}.params", "a table")
            need(isinstance(e.get("answers"), dict), f"{where}.answers", "a table")
            d = e.get("decimals")
            need(d is None or (isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 10),
                 f"{where}.decimals", "null or a whole number from 1 to 10")
            need(isinstance(e.get("tolerances"), dict), f"{where}.tolerances",
                 "a table of the same shape as answers")
            need(isinstance(e.get("forms"), dict), f"{where}.forms",
                 "a table of the same shape as answers")
