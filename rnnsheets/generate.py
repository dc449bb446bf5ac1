"""The library behind ``rnnsheets generate``: draw, solve and write a build folder."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import load_settings
from .errors import InputError
from .latex import compile_many
from .pdfcut import slice_pdf
from .pdfcut import stamp as _stamp
from .render import render_document
from .roster import read_roster
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


#: The most variants one build may hold.
MAX_VARIANTS = 5000


def make_request(seed: int, config: Path | None = None, spec: Path | None = None,
                 overrides: dict | None = None, variants: int | None = None,
                 roster: Path | None = None) -> Request:
    """Settings, plan and variants from the config file, the options, a spec and a roster."""
    settings = load_settings(config, overrides)
    plan = load_spec(spec) if spec is not None else None
    req = Request(seed, settings, plan)
    if roster is not None:
        if variants is not None:
            raise InputError("--variants", "give --variants or --roster, not both")
        students = read_roster(roster)
        if len(students) > MAX_VARIANTS:
            raise InputError(str(roster), f"{len(students)} students; at most {MAX_VARIANTS}")
        req.variant_ids = tuple(sid for sid, _ in students)
        req.names = tuple(name for _, name in students)
    elif variants is not None:
        if not 1 <= variants <= MAX_VARIANTS:
            raise InputError("--variants", f"expected a number from 1 to {MAX_VARIANTS}, "
                             f"found {variants}")
        req.variant_ids = tuple(str(i) for i in range(1, variants + 1))
    return req


def draw_all(req: Request, progress: Callable[[int], None] | None = None) -> list[Variant]:
    """Every variant of the request, drawn and solved."""
    names = req.names or ("",) * len(req.variant_ids)
    out = []
    for vid, name in zip(req.variant_ids, names):
        out.append(draw_variant(req.seed, vid, req.settings, req.plan, name))
        if progress is not None:
            progress(1)
    return out


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


class _KeyInAnotherProcess:
    """Renders the key on the second core while this process does the rest.

    The child is forked with the variants already in memory, so only the finished
    text travels back. Small builds, and systems without fork, render in-process.
    """

    MIN_VARIANTS = 64
    _job: tuple | None = None

    def __init__(self, variants: list[Variant], settings: dict) -> None:
        self.args = (variants, settings)
        self.pool = None
        self.future = None

    def __enter__(self):
        if len(self.args[0]) >= self.MIN_VARIANTS and "fork" in mp.get_all_start_methods():
            _KeyInAnotherProcess._job = self.args
            self.pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"))
            self.future = self.pool.submit(_render_forked_key)
        return self

    def result(self) -> str:
        if self.future is not None:
            return self.future.result()
        return render_document(*self.args, key=True)

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        _KeyInAnotherProcess._job = None


def _render_forked_key() -> str:
    variants, settings = _KeyInAnotherProcess._job
    return render_document(variants, settings, key=True)


def build_files(req: Request, variants: list[Variant], pdf: bool = True,
                progress: Callable[[int], None] | None = None) -> dict[str, bytes]:
    """Everything a build folder holds: answers.json, the two .tex sources, their PDFs,
    and for a class set each variant's own PDFs under ``variants/<id>/``."""
    with _KeyInAnotherProcess(variants, req.settings) as key:
        sources = {"worksheet": render_document(variants, req.settings, key=False)}
        files = {"answers.json": answers_json(req, variants)}
        sources["key"] = key.result()
    files.update({f"{name}.tex": src.encode("utf-8") for name, src in sources.items()})
    if not pdf:
        return files
    def finished(name: str, built) -> None:  # cut one document while TeX runs the other
        files[f"{name}.pdf"] = built.pdf
        if len(variants) > 1:
            md5 = hashlib.md5(files[f"{name}.tex"]).hexdigest().upper()
            for v, pages in zip(variants, slice_pdf(built.pdf, built.spans), strict=True):
                files[f"variants/{v.id}/{name}.pdf"] = _stamp(pages, md5, v.code)

    compile_many(sources, progress=progress, finished=finished)
    return dict(sorted(files.items()))
