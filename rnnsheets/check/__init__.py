"""``rnnsheets check``: prove that a published build, or a hand-made key, is right.

A build folder's answers.json is solved again from its params (``answers``); then
each output driver checks what it wrote (numbers in the .tex, PDFs against their
.tex, the answers in each quiz file), so a new format brings its own check. A spec
file with answers is a hand-made key, audited by ``handkey``.
"""

from __future__ import annotations

from pathlib import Path

from .. import answersfile
from ..errors import InputError
from ..formats import DRIVERS, Job
from ..report import Report
from .answers import recheck_variant
from .handkey import audit_spec


def check(path: Path, full: bool = False) -> Report:
    """Check a build folder, or audit a spec file whose exercises carry answers. ``full``:
    typeset a class set's PDFs again whole, not a sample of their variants."""
    path = Path(path)
    if path.is_dir():
        return check_build(path, full)
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    return audit_spec(path)


def check_build(folder: Path, full: bool = False) -> Report:
    """Answers against the mathematics, then every output against a fresh render."""
    report = Report(counts={"variants": 0, "exercises": 0, "answers": 0})
    doc = answersfile.load(folder)
    sheet = {"title": "", "course": "", "date": "", "decimals": 4, **doc.get("sheet", {})}
    job = Job(doc.get("seed", 0), {"sheet": sheet}, [])
    try:
        # Work on other programs (TeX) starts first and runs while answers.json is solved
        # again and the other outputs are read; the drivers that wait on it check last.
        for driver in DRIVERS.values():
            if hasattr(driver, "start_check"):
                driver.start_check(folder, job.cache, full)
        job.variants = [recheck_variant(v, i, report) for i, v in enumerate(doc["variants"])]
        for driver in sorted(DRIVERS.values(), key=lambda d: getattr(d, "WAITS", False)):
            driver.verify(folder, job, report)
    finally:
        job.close()  # stops what still runs where check ends early
    return report


__all__ = ["Report", "audit_spec", "check", "check_build"]
