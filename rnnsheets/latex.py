"""A safe, reproducible pdflatex build in a temporary folder.

No shell escape, TeX file access limited to the build folder (``openin_any=p``,
``openout_any=p``), stdin closed, a timeout, a fixed date and an empty trailer
id, so the same source gives the same PDF bytes on the same TeX Live.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .errors import BuildError

TEX_PACKAGES = ("latexmk texlive-latex-base texlive-latex-recommended texlive-pictures "
                "lmodern")
#: The date written into every PDF (1 January 2024): PDFs must not depend on the clock.
SOURCE_DATE_EPOCH = "1704067200"
TIMEOUT = 120.0


def pdflatex() -> str:
    """The pdflatex executable, or a BuildError naming the packages to install."""
    exe = shutil.which("pdflatex")
    if exe is None:
        raise BuildError("pdflatex not found; install TeX Live (Debian/Ubuntu: sudo apt-get "
                         f"install {TEX_PACKAGES}), or use --no-pdf")
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


def compile_many(sources: dict[str, str], timeout: float = TIMEOUT) -> dict[str, bytes]:
    """PDF bytes for each ``{name: latex source}``, built side by side in a temporary folder."""
    exe = pdflatex()
    env = tex_environment()
    with tempfile.TemporaryDirectory(prefix="rnnsheets-tex-") as tmp:
        folder = Path(tmp)
        procs = {}
        try:
            for name, source in sources.items():
                (folder / f"{name}.tex").write_text(source, encoding="utf-8")
                procs[name] = subprocess.Popen(
                    [exe, "-no-shell-escape", "-halt-on-error", "-interaction=nonstopmode",
                     "-file-line-error", f"{name}.tex"],
                    cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.monotonic() + timeout
            for name, proc in procs.items():
                try:
                    proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise BuildError(f"{name}.tex: TeX did not finish within {timeout:.0f} s "
                                     "(stopped)") from None
            for name, proc in procs.items():
                if proc.returncode != 0 or not (folder / f"{name}.pdf").exists():
                    raise BuildError(f"{name}.tex: LaTeX failed: {first_error(folder, name)}")
            return {name: (folder / f"{name}.pdf").read_bytes() for name in sources}
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    _kill(proc)


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
