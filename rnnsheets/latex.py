"""A safe, reproducible pdflatex (or lualatex) build in a temporary folder.

No shell escape, TeX file access limited to the build folder (``openin_any=p``,
``openout_any=p``), stdin closed, a timeout, a fixed date and an empty trailer
id, so the same source gives the same PDF bytes on the same TeX Live.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError
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
    """A compiled document: its PDF and what TeX said of its layout."""

    pdf: bytes
    layout: Layout = field(default_factory=Layout)


def compile_many(sources: dict[str, str | Callable[[], str]], timeout: float = TIMEOUT,
                 progress: Callable[[int], None] | None = None,
                 finished: Callable[[str, Built], None] | None = None) -> dict[str, Built]:
    """Compile each ``{name: latex source}``, side by side, in a temporary folder. A source
    may be a function giving it: each run starts as soon as its source is there, in order.

    ``progress(n)`` is called as each document finishes typesetting n more variants;
    ``finished(name, built)`` as soon as each document is done, while others still run.
    """
    env = tex_environment()
    tmp_root = Path(tempfile.gettempdir())
    remove_stale(tmp_root, "tex", older_style="rnnsheets-tex-")  # what killed runs left
    with tempfile.TemporaryDirectory(prefix=f"tex.rnnsheets-{os.getpid()}-",
                                     dir=tmp_root) as tmp:
        folder = Path(tmp)
        procs: dict[str, subprocess.Popen] = {}
        readers = []
        try:
            for name, source in sources.items():
                source = source() if callable(source) else source
                (folder / f"{name}.tex").write_text(source, encoding="utf-8")
                procs[name] = proc = subprocess.Popen(
                    [executable(engine(source)), "-no-shell-escape", "-halt-on-error",
                     "-interaction=nonstopmode", "-file-line-error", f"{name}.tex"],
                    cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, start_new_session=True, text=True,
                    encoding="utf-8", errors="replace", preexec_fn=die_with_parent)
                reader = threading.Thread(target=_follow, args=(proc, progress), daemon=True)
                reader.start()
                readers.append(reader)
            deadline = time.monotonic() + timeout
            built: dict[str, Built] = {}
            while len(built) < len(procs):
                if time.monotonic() > deadline:
                    name = next(n for n in procs if n not in built)
                    raise BuildError(f"{name}.tex: TeX did not finish within {timeout:.0f} s "
                                     "(stopped)")
                for name, proc in procs.items():
                    if name in built or proc.poll() is None:
                        continue
                    if proc.returncode != 0 or not (folder / f"{name}.pdf").exists():
                        error = first_error(folder, name)
                        if "fontspec Error" in error:
                            error += f" (Debian/Ubuntu: sudo apt-get install {PACKAGES})"
                        raise BuildError(f"{name}.tex: LaTeX failed: {error}")
                    log = (folder / f"{name}.log").read_text(encoding="utf-8",
                                                              errors="replace")
                    built[name] = Built((folder / f"{name}.pdf").read_bytes(), read_log(log))
                    if finished is not None:
                        finished(name, built[name])
                time.sleep(0.01)
            return {name: built[name] for name in sources}
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    _kill(proc)
            for reader in readers:
                reader.join(timeout=5)


def die_with_parent() -> None:
    """In a child process (TeX, a renderer): be killed when rnnsheets dies, even by
    SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere TeX still stops at its timeout


def _follow(proc: subprocess.Popen, progress: Callable[[int], None] | None) -> None:
    """Drain a TeX run's terminal output, reporting each finished variant."""
    for line in proc.stdout:
        if progress is not None and line.startswith("rnnsheets-variant-end"):
            progress(1)


def _kill(proc: subprocess.Popen) -> None:
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
