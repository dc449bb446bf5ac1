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


def check(path: Path) -> Report:
    """Check a build folder, or audit a spec file whose exercises carry answers."""
    path = Path(path)
    if path.is_dir():
        return check_build(path)
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    return audit_spec(path)


def check_build(folder: Path) -> Report:
    """Answers against the mathematics, then every output against a fresh render."""
    report = Report(counts={"variants": 0, "exercises": 0, "answers": 0})
    doc = answersfile.load(folder)
    variants = [recheck_variant(v, i, report) for i, v in enumerate(doc["variants"])]
    sheet = {"title": "", "course": "", "date": "", "decimals": 4, **doc.get("sheet", {})}
    job = Job(doc.get("seed", 0), {"sheet": sheet}, variants)
    for driver in DRIVERS.values():
        driver.verify(folder, job, report)
    return report


__all__ = ["Report", "audit_spec", "check", "check_build"]
