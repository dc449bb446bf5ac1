"""Output drivers, side by side over the same solved exercises.

A driver is a module with ``NAME`` and ``files(job) -> {relative path: bytes}``.
A new format is one module here and one line in :data:`DRIVERS`; the core never changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import ModuleType

from ..errors import InputError
from ..sheet import Variant


@dataclass
class Job:
    """What every driver reads: the seed, the settings, the solved variants."""

    seed: int
    settings: dict
    variants: list[Variant]
    progress: object = None
    cache: dict = field(default_factory=dict)  # work shared between drivers (e.g. .tex sources)

    def close(self) -> None:
        """Stop any work still running for the job (e.g. a render in another process)."""
        for value in self.cache.values():
            if hasattr(value, "close"):
                value.close()


from . import html, moodle, pdf, qti, tex  # noqa: E402  (drivers import Job)

DRIVERS: dict[str, ModuleType] = {m.NAME: m for m in (pdf, tex, moodle, qti, html)}


def parse_formats(text: str) -> tuple[str, ...]:
    """A comma list of format names, checked; pdf implies its tex sources."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    if not names:
        raise InputError("--format", f"expected a comma list of {', '.join(DRIVERS)}")
    for n in names:
        if n not in DRIVERS:
            raise InputError("--format", f"unknown format {n!r}; expected a comma list of "
                             + ", ".join(DRIVERS))
    if "pdf" in names and "tex" in names:
        names = tuple(n for n in names if n != "tex")
    return names


def build(job: Job, formats: tuple[str, ...], also=None) -> dict[str, bytes]:
    """The files of every requested format, and those ``also()`` makes, which runs while
    the work drivers start early (a driver's optional ``start(job)``) goes on."""
    extra: dict[str, bytes] = {}
    failed: list[Exception] = []

    def make_extra() -> None:
        try:
            extra.update(also())
        except Exception as e:  # noqa: BLE001  (raised again in the caller's thread)
            failed.append(e)

    # Beside a driver that waits on other programs (TeX), ``also`` runs in a thread: its
    # Python work fills that wait. Elsewhere a thread would only slow both down.
    waits = any(getattr(DRIVERS[name], "WAITS", False) for name in formats)
    side = threading.Thread(target=make_extra, daemon=True) if also and waits else None
    try:
        for name in formats:
            if hasattr(DRIVERS[name], "start"):
                DRIVERS[name].start(job)
        if side is not None:
            side.start()
        elif also is not None:  # after the starts: a key rendering elsewhere overlaps it
            make_extra()
        files: dict[str, bytes] = {}
        for name in formats:
            files.update(DRIVERS[name].files(job))
        if side is not None:
            side.join()
        if failed:
            raise failed[0]
        return {**extra, **files}
    finally:
        job.close()
