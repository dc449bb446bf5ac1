"""The LaTeX sources: worksheet.tex and key.tex, each compiling on its own."""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..forked import die_with_parent
from ..render import render_document
from ..report import Report
from ..sheet import Variant
from .texcheck import answer_prints, compare_tex

NAME = "tex"


def start(job) -> None:
    """Begin the key's render on the second core (a class set), so that it overlaps with
    whatever the caller does next (answers.json, the worksheet, the questions)."""
    if "tex-key" not in job.cache:
        job.cache["tex-key"] = _KeyInAnotherProcess(job.variants, job.settings,
                                                    job.cache.get("made"))


def order(job) -> tuple[str, str]:
    """The documents in the order their sources are ready soonest: the key first, unless
    it renders in another process (then the worksheet renders here meanwhile)."""
    start(job)
    return ("worksheet", "key") if job.cache["tex-key"].elsewhere else ("key", "worksheet")


def source(job, name: str) -> str:
    """One document's source, rendered once per job."""
    done = job.cache.setdefault("tex", {})
    if name not in done:
        start(job)
        if name == "worksheet":
            done[name] = render_document(job.variants, job.settings, key=False,
                                         made=job.cache.get("made"))
        else:
            key = job.cache["tex-key"]
            try:
                done[name] = key.result()
            finally:
                key.close()
    return done[name]


def sources(job) -> dict[str, str]:
    """{"worksheet": ..., "key": ...}, rendered once per job."""
    return {name: source(job, name) for name in order(job)}


def files(job) -> dict[str, bytes]:
    """worksheet.tex and key.tex."""
    return {f"{name}.tex": src.encode("utf-8") for name, src in sources(job).items()}


def verify(folder: Path, job, report: Report) -> None:
    """Every number worksheet.tex and key.tex print, against a fresh render."""
    for name in ("worksheet", "key"):
        tex = Path(folder) / f"{name}.tex"
        if not tex.exists() and not tex.is_symlink():
            report.notes.append(f"{tex}: not present, not checked")
            continue
        fresh = sources(job)
        leaks = {} if name == "key" else answer_prints(job.variants)
        compare_tex(tex, fresh[name], leaks, report)


class _KeyInAnotherProcess:
    """Renders the key in a forked child while this process goes on.

    The child is forked with the variants already in memory, so only the finished
    text travels back. Small builds, builds whose pieces are made already (``made``, see
    :mod:`rnnsheets.shards`) and systems without fork render in-process.
    """

    MIN_VARIANTS = 64
    _job: tuple | None = None

    def __init__(self, variants: list[Variant], settings: dict, made: dict | None = None
                 ) -> None:
        self.args, self.made = (variants, settings), made
        self.pool = None
        self.future = None
        if made is None and len(variants) >= self.MIN_VARIANTS \
                and "fork" in mp.get_all_start_methods():
            _KeyInAnotherProcess._job = self.args
            # a killed build must not leave its renderer behind, blocked on a full pipe
            self.pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"),
                                            initializer=die_with_parent)
            self.future = self.pool.submit(_render_forked_key)

    @property
    def elsewhere(self) -> bool:
        """Whether the key renders in another process."""
        return self.future is not None

    def result(self) -> str:
        if self.future is not None:
            return self.future.result()
        return render_document(*self.args, key=True, made=self.made)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        _KeyInAnotherProcess._job = None


def _render_forked_key() -> str:
    variants, settings = _KeyInAnotherProcess._job
    return render_document(variants, settings, key=True)
