"""A safe, reproducible pdflatex (or lualatex) build in a temporary folder.

No shell escape, TeX file access limited to the build folder (``openin_any=p``,
``openout_any=p``), stdin closed, a timeout, a fixed date and an empty trailer
id, so the same source gives the same PDF bytes on the same TeX Live.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError
from .forked import die_with_parent
from .layout import Layout, read_log
from .output import remove_stale
from .scripts import LUALATEX, PACKAGES

TEX_PACKAGES = ("latexmk texlive-latex-base texlive-latex-recommended texlive-pictures "
                "lmodern")
#: The date written into every PDF (1 January 2024): PDFs must not depend on the clock.
SOURCE_DATE_EPOCH = "1704067200"
TIMEOUT = 120.0


ENGINES = ("pdflatex", "lualatex")


def engine(source: str) -> str:
    """The TeX engine a source asks for: lualatex where its first line says so (letters
    beyond Latin), else pdflatex."""
    return "lualatex" if source.startswith(LUALATEX) else "pdflatex"


def executable(name: str = "pdflatex") -> str:
    """The engine's executable, or a BuildError naming the packages to install."""
    exe = shutil.which(name)
    if exe is None:
        packages = TEX_PACKAGES + (" " + PACKAGES if name == "lualatex" else "")
        why = " (for letters beyond Latin)" if name == "lualatex" else ""
        raise BuildError(f"{name} not found{why}; install TeX Live (Debian/Ubuntu: sudo "
                         f"apt-get install {packages}), or use --no-pdf")
    return exe


def tex_environment() -> dict[str, str]:
    """The environment of a TeX run: paranoid file access and a fixed date."""
    env = dict(os.environ)
    env.update({
        "openin_any": "p", "openout_any": "p", "shell_escape": "f",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "FORCE_SOURCE_DATE": "1",
        "TEXINPUTS": ".:", "max_print_line": "10000",
    })
    return env


@dataclass
class Built:
    """A compiled document: its PDF, what TeX said of its layout, and its source."""

    pdf: bytes
    layout: Layout = field(default_factory=Layout)
    source: str = ""


#: A document's source: its text, or its pieces in order (streamed to TeX as they come).
Source = str | Iterator[str]


def compile_many(sources: dict[str, Source], timeout: float = TIMEOUT,
                 progress: Callable[[int], None] | None = None,
                 finished: Callable[[str, Built], None] | None = None,
                 first_ahead: bool = False,
                 cancel: threading.Event | None = None) -> dict[str, Built]:
    """Compile each ``{name: latex source}``, side by side, in a temporary folder.

    A source given in pieces is typeset as it comes: TeX starts at once and reads the
    pieces through a pipe while they are made, and the whole ``<name>.tex`` is written
    before the last piece is passed on (the source's last lines read it back). Such a
    source is a pdfLaTeX one. An error raised while making the pieces stops every run
    and is raised here. ``first_ahead``: the first document is the longest, so it runs
    on a core of its own, and the others never slow it.

    ``cancel``: set, every run is stopped and a BuildError raised.
    ``progress(n)`` is called as each document finishes typesetting n more variants;
    ``finished(name, built)`` as soon as each document is done, while others still run.
    """
    streamed = [name for name, source in sources.items() if not isinstance(source, str)]
    warm = _adopt(streamed if first_ahead and len(streamed) == len(sources) else [])
    env = tex_environment()
    with warm.folder if warm else tex_folder() as tmp:
        folder = Path(tmp)
        procs: dict[str, subprocess.Popen] = {}
        feeds: dict[str, _Feed] = {}
        readers = []
        # The first document has a core of its own; the others, and this process, share
        # the rest (left to the scheduler, three busy processes on two cores slow all).
        cores = _cores(len(sources)) if first_ahead and len(sources) > 1 else []
        # (warm runs: this process has shared out the cores since it started them)
        mine = warm.affinity if warm else _pin(cores[1:])
        first = next(iter(sources))
        try:
            for n, (name, source) in enumerate(sources.items()):
                if isinstance(source, str):
                    (folder / f"{name}.tex").write_text(source, encoding="utf-8")
                    proc = start_run(folder, name, engine(source), cores, n, env)
                elif warm:
                    proc = warm.procs[name]
                else:
                    proc = start_run(folder, name, None, cores, n, env)
                procs[name] = proc
                reader = threading.Thread(target=_follow, args=(proc, progress), daemon=True)
                reader.start()
                readers.append(reader)
                if not isinstance(source, str):
                    feeds[name] = _Feed(folder, name, source, proc,
                                        warm.ahead.get(name) if warm else None)
            if warm:
                clean_up()
            deadline = time.monotonic() + timeout
            built: dict[str, Built] = {}
            while len(built) < len(procs):
                for feed in feeds.values():
                    if feed.error is not None:
                        raise feed.error
                if cancel is not None and cancel.is_set():
                    raise BuildError("TeX stopped: the build stopped")
                if time.monotonic() > deadline:
                    name = next(n for n in procs if n not in built)
                    raise BuildError(f"{name}.tex: TeX did not finish within {timeout:.0f} s "
                                     "(stopped)")
                for name, proc in procs.items():
                    if name in built or proc.poll() is None:
                        continue
                    feed = feeds.get(name)
                    if feed is not None:
                        feed.join()
                        if feed.error is not None:
                            raise feed.error
                    built[name] = collected(folder, name, proc)
                    built[name].source = feed.text if feed is not None else sources[name]
                    if name == first:  # nothing left to keep out of its way
                        _pin(mine)
                        mine = set()
                    if finished is not None:
                        finished(name, built[name])
                running = [p for n, p in procs.items() if n not in built]
                if running:  # woken at once when the longest run ends
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        running[0].wait(0.01)
            return {name: built[name] for name in sources}
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    stop_run(proc)
            for feed in feeds.values():
                feed.stop()
            for reader in readers:
                reader.join(timeout=5)
            _pin(mine)


#: The name TeX reads a streamed source from (its job name stays the document's).
STREAM = "-stream.tex"


def tex_folder(clean: bool = True) -> tempfile.TemporaryDirectory:
    """A fresh temporary folder for TeX runs (``clean``: what killed runs left removed
    first, see :func:`clean_up`)."""
    if clean:
        clean_up()
    return tempfile.TemporaryDirectory(prefix=f"tex.rnnsheets-{os.getpid()}-",
                                       dir=tempfile.gettempdir())


def clean_up() -> None:
    """Remove the TeX folders killed runs left (one pass over the temporary folder)."""
    remove_stale(Path(tempfile.gettempdir()), "tex", older_style="rnnsheets-tex-")


def start_run(folder: Path, name: str, exe: str | None, cores: Sequence[int] = (),
              n: int = 0, env: dict[str, str] | None = None,
              follow: bool = True) -> subprocess.Popen:
    """TeX running ``<name>.tex`` in ``folder``, with ``exe`` (an engine's name; None:
    pdfLaTeX on a named pipe made here, from which a streamed source is read), as the
    ``n``-th document of a batch: the first on the first of ``cores``, the others on
    the rest at a lower priority (no cores: where the scheduler puts them). ``follow``:
    its terminal output is read (by :func:`_follow`), else thrown away."""
    main = f"{name}.tex"
    if exe is None:
        os.mkfifo(folder / f"{name}{STREAM}")
        exe, main = "pdflatex", f"{name}{STREAM}"
    cores = list(cores)
    return subprocess.Popen(
        [executable(exe), "-no-shell-escape", "-halt-on-error", "-no-parse-first-line",
         "-interaction=nonstopmode", "-file-line-error", f"-jobname={name}", main],
        cwd=folder, env=env or tex_environment(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if follow else subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, text=True, encoding="utf-8", errors="replace",
        preexec_fn=functools.partial(_child, cores[:1] if n == 0 else cores[1:],
                                     10 if cores and n else 0))


def collected(folder: Path, name: str, proc: subprocess.Popen) -> Built:
    """What a finished TeX run made: its PDF and layout, or a BuildError with its first
    error."""
    if proc.returncode != 0 or not (folder / f"{name}.pdf").exists():
        error = first_error(folder, name)
        if "fontspec Error" in error:
            error += f" (Debian/Ubuntu: sudo apt-get install {PACKAGES})"
        raise BuildError(f"{name}.tex: LaTeX failed: {error}")
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    return Built((folder / f"{name}.pdf").read_bytes(), read_log(log))


class _Ahead:
    """A source's first characters, sent to a waiting TeX run in a thread of its own."""

    def __init__(self, path: Path, proc: subprocess.Popen, text: str) -> None:
        self.text, self._fd, self._error = text, None, None
        self._thread = threading.Thread(target=self._send, args=(path, proc), daemon=True)
        self._thread.start()

    def _send(self, path: Path, proc: subprocess.Popen) -> None:
        try:
            fd = _open_pipe(path, proc)
            if fd is not None:
                os.write(fd, self.text.encode("utf-8"))  # a preamble fits the pipe
            self._fd = fd
        except OSError as e:
            self._error = e

    def pipe(self) -> int | None:
        """The pipe's writing end, the text sent (None if TeX stopped)."""
        self._thread.join()
        if self._error is not None and not isinstance(self._error, BrokenPipeError):
            raise self._error
        return self._fd


@dataclass
class _Warm:
    folder: tempfile.TemporaryDirectory
    procs: dict[str, subprocess.Popen]
    affinity: set[int]  # this process's cores before they were shared out
    ahead: dict[str, _Ahead] = field(default_factory=dict)


_warm: _Warm | None = None


def warm(preamble: Callable[[], str], names: tuple[str, ...] = ("key", "worksheet")) -> None:
    """Start pdfLaTeX for documents that will be streamed (``names``, the longest first)
    and send each ``preamble()``, before anything else is ready: TeX loads its format and
    reads the preamble while rnnsheets starts. A later :func:`compile_many` of exactly
    these streamed documents takes them over (checking that each source begins with the
    preamble); anything else stops them (as does :func:`cool`)."""
    global _warm
    cool()
    if shutil.which("pdflatex") is None:
        return
    folder = tex_folder(clean=False)  # cleaned up once the build's TeX runs are fed
    env, cores = tex_environment(), _cores(len(names))
    procs = {name: start_run(Path(folder.name), name, None, cores, n, env)
             for n, name in enumerate(names)}
    # the library loads on the other cores, never slowing the first run
    _warm = _Warm(folder, procs, _pin(cores[1:]))
    text = preamble()
    _warm.ahead = {name: _Ahead(Path(folder.name) / f"{name}{STREAM}", proc, text)
                   for name, proc in procs.items()}


def cool() -> None:
    """Stop TeX runs :func:`warm` started and nothing took over."""
    global _warm
    if _warm is not None:
        for proc in _warm.procs.values():
            stop_run(proc)
        for ahead in _warm.ahead.values():
            with contextlib.suppress(OSError):
                if (fd := ahead.pipe()) is not None:
                    os.close(fd)
        _warm.folder.cleanup()
        _pin(_warm.affinity)
        _warm = None


def _adopt(names: list[str]) -> _Warm | None:
    """The warm runs, if they are exactly the streamed documents ``names``, in order."""
    global _warm
    taken = _warm
    _warm = None
    if taken is not None and list(taken.procs) == names \
            and all(p.poll() is None for p in taken.procs.values()):
        return taken
    if taken is not None:
        _warm = taken
        cool()
    return None


class _Feed:
    """Passes a source's pieces to TeX through a named pipe.

    One thread makes the pieces as fast as it can; another writes whatever is ready in
    one go. (A single thread would wait for the interpreter after every write while
    other threads compute, and TeX would wait on it.) ``ahead``: the source's first
    characters, already sent to TeX by :func:`warm` (checked, then left out)."""

    def __init__(self, folder: Path, name: str, pieces: Iterator[str],
                 proc: subprocess.Popen, ahead: _Ahead | None = None) -> None:
        self.folder, self.name, self.pieces, self.proc = folder, name, pieces, proc
        self.ahead = ahead
        self.error: BaseException | None = None
        self.text = ""
        self._all: list[str] = []  # every piece, for the .tex
        self._made: list[str] = []  # what is still to go to TeX
        self._all_made = False
        self._ready = threading.Condition()
        self._stopped = False
        self._threads = [threading.Thread(target=self._guarded, args=(f,), daemon=True)
                         for f in (self._make, self._write)]
        for t in self._threads:
            t.start()

    def _guarded(self, work) -> None:
        try:
            work()
        except BrokenPipeError:
            pass  # TeX stopped; its log says why
        except BaseException as e:  # noqa: BLE001  (raised again by compile_many)
            self.error = self.error or e
            self._stopped = True
            with self._ready:
                self._ready.notify_all()
            stop_run(self.proc)

    def _make(self) -> None:
        skip = self.ahead.text if self.ahead else ""
        for piece in self.pieces:
            if self._stopped:
                return
            self._all.append(piece)
            if skip:
                n = min(len(skip), len(piece))
                if piece[:n] != skip[:n]:
                    raise BuildError(f"{self.name}.tex: its preamble differs from the one "
                                     "TeX was given ahead")
                skip, piece = skip[n:], piece[n:]
                if not piece:
                    continue
            with self._ready:
                self._made.append(piece)
                self._ready.notify_all()
        with self._ready:
            self._all_made = True
            self._ready.notify_all()

    def _write(self) -> None:
        fd = self.ahead.pipe() if self.ahead else self._open()
        if fd is None:
            return
        with os.fdopen(fd, "w", encoding="utf-8") as pipe:
            sent = 0
            while True:
                with self._ready:
                    while not self._stopped and not self._all_made \
                            and len(self._made) - 1 <= sent:
                        self._ready.wait()
                    if self._stopped:
                        return
                    done, upto = self._all_made, len(self._made) - 1
                # the last piece is held back: it reads the whole file, written first
                pipe.write("".join(self._made[sent:upto]))
                pipe.flush()
                sent = upto
                if done:
                    break
            self.text = "".join(self._all)
            (self.folder / f"{self.name}.tex").write_text(self.text, encoding="utf-8")
            pipe.write(self._made[-1] if self._made else "")

    def _open(self) -> int | None:
        return _open_pipe(self.folder / f"{self.name}{STREAM}", self.proc,
                          lambda: self._stopped)

    def join(self) -> None:
        for t in self._threads:
            t.join()

    def stop(self) -> None:
        self._stopped = True
        with self._ready:
            self._ready.notify_all()
        for t in self._threads:
            t.join(timeout=5)


def _open_pipe(path: Path, proc: subprocess.Popen, stopped=lambda: False) -> int | None:
    """A named pipe's writing end, once TeX has opened it (None if TeX stopped first)."""
    while not stopped() and proc.poll() is None:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            if e.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            time.sleep(0.002)
            continue
        os.set_blocking(fd, True)
        return fd
    return None


def _cores(runs: int) -> list[int]:
    """The cores to share out between ``runs`` TeX runs and this process: those it may run
    on, where they are too few for one each and there are at least two (else none: the
    scheduler has room for all)."""
    try:
        cores = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return []
    return cores if 1 < len(cores) <= runs else []


def _pin(cores: list[int] | set[int]) -> set[int]:
    """Run every thread of this process on ``cores`` (none: leave them as they are); the
    cores they ran on before, to pin them back with."""
    if not cores:
        return set()
    before = os.sched_getaffinity(0)
    try:
        threads = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        threads = [0]
    for tid in threads:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(tid, cores)
    return before


def _child(cores: list[int], nice: int) -> None:
    """In a TeX run: die with rnnsheets, run on ``cores`` (if given), and ``nice``: after
    this process, which feeds the first document's TeX, on the cores they share."""
    die_with_parent()
    if cores:
        os.sched_setaffinity(0, cores)
    if nice:
        os.nice(nice)


def _follow(proc: subprocess.Popen, progress: Callable[[int], None] | None) -> None:
    """Drain a TeX run's terminal output, reporting each finished variant."""
    for line in proc.stdout:
        if progress is not None and line.startswith("rnnsheets-variant-end"):
            progress(1)


def stop_run(proc: subprocess.Popen) -> None:
    """Stop a TeX run and whatever it started."""
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


_FILE_LINE = re.compile(r"^(?:\./)?(?P<file>[^:\s]+\.tex):(?P<line>\d+): (?P<msg>.*)$")


def first_error(folder: Path, name: str) -> str:
    """The first error of a TeX log, with the offending source line."""
    log = folder / f"{name}.log"
    if not log.exists():
        return "no log written"
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    for i, line in enumerate(lines):
        m = _FILE_LINE.match(line)
        if m or line.startswith("! "):
            msg = m.group("msg") if m else line[2:]
            where = f"line {m.group('line')}" if m else ""
            context = next((lines[k].strip() for k in range(i + 1, min(i + 12, len(lines)))
                            if re.match(r"^l\.\d+ ", lines[k])), "")
            return "; ".join(x for x in (where, msg, context) if x)
    return lines[-1] if lines else "empty log"
