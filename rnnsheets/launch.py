"""The ``rnnsheets`` command: a build's TeX runs are started first, then the command line.

Loading the library takes about 0.2 s, and TeX about 0.1 s to load its format: started
before the library is loaded, TeX is ready when the first source piece comes. Whether a
command will typeset is guessed from its words; a wrong guess costs nothing but the
runs, which are stopped (the command line alone decides what is built).
"""

from __future__ import annotations

import os
import sys


def typesets(args: list[str]) -> bool:
    """Whether a command line looks like a build with PDFs (``generate`` without
    ``--no-pdf``, and with pdf among its formats if it names them)."""
    if not args or args[0] != "generate" or {"--no-pdf", "--help", "-h"} & set(args):
        return False
    for i, arg in enumerate(args):
        if arg == "--format":
            return i + 1 < len(args) and "pdf" in args[i + 1].lower()
        if arg.startswith("--format="):
            return "pdf" in arg.lower()
    return True


def _preamble() -> str:
    from .templating import tex_preamble  # Jinja loads while TeX starts

    return tex_preamble()


def main() -> None:
    """Run the command line, with TeX warmed up for a build with PDFs; then leave at once
    (every file is written and closed: tearing down a class set's objects would only
    add time)."""
    warmed = typesets(sys.argv[1:])
    if warmed:
        from .latex import warm

        warm(_preamble)
    try:
        from .cli import main as command_line

        command_line()
        status = 0
    except SystemExit as e:
        status = e.code
    finally:
        if warmed:
            from .latex import cool

            cool()
    if status is not None and not isinstance(status, int):
        print(status, file=sys.stderr)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status or 0)
