"""Work split with a forked child: half here, half there, the child's half sent back."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


def _libc():
    # The C library this process already has (find_library would run ldconfig: 10 ms in
    # every child started).
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def die_with_parent() -> None:
    """In a child process (TeX, a renderer): be killed when rnnsheets dies, even by
    SIGKILL (Linux)."""
    with contextlib.suppress(AttributeError):  # no prctl (not Linux): TeX has a timeout
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def side_by_side(here: Callable[[], T], there: Callable[[], U]) -> tuple[T, U, bool]:
    """``here()`` in this process while ``there()`` runs in a forked child (which has all
    this process holds, so only its result, pickled, travels back). Returns both results
    and whether the child gave its own; if it failed, or there is no fork on this
    system, ``there()`` is run here after all."""
    if not hasattr(os, "fork"):
        return here(), there(), False
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its result, sent back whole, then gone
        try:
            die_with_parent()
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(there(), protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(0)
    os.close(write)
    mine = here()
    with os.fdopen(read, "rb") as pipe:
        sent = pipe.read()
    os.waitpid(pid, 0)
    try:
        return mine, pickle.loads(sent), True
    except (pickle.UnpicklingError, EOFError, ValueError):
        return mine, there(), False
