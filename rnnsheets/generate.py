"""The library behind ``rnnsheets generate``: draw, solve and write a build folder."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import load_settings
from .errors import InputError
from .latex import compile_many
from .render import render_document
from .sheet import Planned, Variant, answers_document, draw_variant
from .spec import load_spec


@dataclass
class Request:
    """What to build: seed, variants, settings and where the exercises come from."""

    seed: int
    settings: dict
    plan: list[Planned] | None = None
    variant_ids: tuple[str, ...] = ("1",)
    names: tuple[str, ...] = ()


def make_request(seed: int, config: Path | None = None, spec: Path | None = None,
                 overrides: dict | None = None) -> Request:
    """Settings and plan from the config file, the options and an optional spec file."""
    settings = load_settings(config, overrides)
    plan = load_spec(spec) if spec is not None else None
    return Request(seed, settings, plan)


def draw_all(req: Request) -> list[Variant]:
    """Every variant of the request, drawn and solved."""
    names = req.names or ("",) * len(req.variant_ids)
    return [draw_variant(req.seed, vid, req.settings, req.plan, name)
            for vid, name in zip(req.variant_ids, names)]


def answers_json(req: Request, variants: list[Variant]) -> bytes:
    """answers.json as bytes: stable key order, UTF-8, one trailing newline."""
    doc = answers_document(req.seed, variants, req.settings["sheet"])
    return (dumps(doc) + "\n").encode("utf-8")


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


def build_files(req: Request, variants: list[Variant], pdf: bool = True) -> dict[str, bytes]:
    """Everything a build folder holds: answers.json, the two .tex sources, and their PDFs."""
    sources = {"worksheet": render_document(variants, req.settings, key=False),
               "key": render_document(variants, req.settings, key=True)}
    files = {"answers.json": answers_json(req, variants)}
    files.update({f"{name}.tex": src.encode("utf-8") for name, src in sources.items()})
    if pdf:
        pdfs = compile_many(sources)
        files.update({f"{name}.pdf": data for name, data in pdfs.items()})
    return files


def write_files(out: Path, files: dict[str, bytes]) -> None:
    """Write files into ``out``, each atomically (a temporary file, then a rename)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}", "is a file, expected a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except PermissionError:
        raise InputError(f"--out {out}", "is not writable") from None
