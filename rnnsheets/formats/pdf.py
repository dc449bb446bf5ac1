"""PDFs: the combined worksheet and key, and for a class set each variant's own, cut
from the combined ones (one long pdflatex run is far cheaper than many short ones).
How check proves them is :mod:`.pdfcheck`."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from .. import layout
from ..latex import TIMEOUT, compile_many
from ..render import needs_lualatex, render_stream
from ..report import Report
from . import tex

NAME = "pdf"
WAITS = True  # on TeX: other work can run meanwhile


def start(job) -> None:
    """Begin typesetting, in a thread of its own: TeX starts before anything else is made
    (answers.json and the other formats are made while it runs)."""
    if "pdf" not in job.cache:
        job.cache["pdf"] = _Typesetting(job)


def files(job) -> dict[str, bytes]:
    """The .tex sources and their PDFs (combined, and per variant for a class set)."""
    start(job)
    return job.cache["pdf"].result()


class _Typesetting:
    """Both documents streamed to TeX as they render, the key (the longer) first, so TeX
    starts at once and drawing, rendering and typesetting overlap. A document that turns
    out to need LuaLaTeX (letters beyond Latin) is rendered whole and typeset again."""

    def __init__(self, job) -> None:
        self.job, self.cancel, self.started = job, threading.Event(), threading.Event()
        self.out: dict[str, bytes] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        # Nothing else competes for the interpreter until the key's first variant is
        # rendered: the key's TeX run, the longest, waits for it.
        self.started.wait()

    def _run(self) -> None:
        job = self.job
        try:
            try:
                # (an error in the key's pieces passes through _opening, which sets started)
                key = _opening(_latin(render_stream(job.variants, job.settings, True)),
                               self.started)
                sheet = _after(_latin(render_stream(job.variants, job.settings, False)),
                               self.started)
                self.out = _typeset(job, {"key": key, "worksheet": sheet}, self.cancel,
                                    first_ahead=True)
            except _NeedsLuaLaTeXError:
                self.out = _typeset(job, {name: tex.source(job, name)
                                          for name in tex.order(job)}, self.cancel)
        except BaseException as e:  # noqa: BLE001  (raised again by result())
            self.error = e
        finally:
            self.started.set()

    def result(self) -> dict[str, bytes]:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.out

    def close(self) -> None:
        """Stop TeX if the build stopped before its PDFs were wanted."""
        self.cancel.set()
        self.thread.join()


class _NeedsLuaLaTeXError(Exception):
    """A streamed document holds letters only LuaLaTeX prints."""


def _opening(pieces, done: threading.Event):
    """The pieces; ``done`` is set once the first variant's are out (or they end)."""
    try:
        for piece in pieces:
            yield piece
            if not done.is_set() and "rnnsheets-variant-end 1" in piece:
                done.set()
    finally:
        done.set()


def _after(pieces, first: threading.Event):
    """The pieces, once ``first`` is set."""
    first.wait()
    yield from pieces


def _latin(pieces):
    for piece in pieces:
        if needs_lualatex(piece):
            raise _NeedsLuaLaTeXError
        yield piece


def _typeset(job, sources: dict, cancel: threading.Event, first_ahead: bool = False
             ) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    variants = job.variants

    def finished(name: str, built) -> None:  # cut one document while TeX runs the other
        from ..pdfcut import cut_all  # qpdf: loaded while TeX runs, not before it starts

        out[f"{name}.tex"] = built.source.encode("utf-8")
        out[f"{name}.pdf"] = built.pdf
        if len(variants) > 1:
            md5 = hashlib.md5(out[f"{name}.tex"]).hexdigest().upper()
            last = sum(n.endswith(".pdf") and "/" not in n for n in out) == len(sources)
            cuts = cut_all(built.pdf, md5, [v.code for v in variants], parallel=last)
            for v, cut in zip(variants, cuts, strict=True):
                out[f"variants/{v.id}/{name}.pdf"] = cut

    built = compile_many(sources, timeout=TIMEOUT + 0.2 * len(variants),
                         progress=job.progress, finished=finished, first_ahead=first_ahead,
                         cancel=cancel)
    out[layout.NAME] = layout.to_bytes({name: built[name].layout
                                        for name in ("worksheet", "key")})
    return out


def start_check(folder: Path, cache: dict, full: bool = False) -> None:
    """Start typesetting what check compares the PDFs with (see :mod:`.pdfcheck`)."""
    from .pdfcheck import start_check as start  # check only: a build never loads it

    start(folder, cache, full)


def verify(folder: Path, job, report: Report) -> None:
    """Each PDF was built from its current .tex and shows what typesetting it again
    shows (see :mod:`.pdfcheck`)."""
    from .pdfcheck import verify as check_pdfs

    check_pdfs(folder, job, report)
