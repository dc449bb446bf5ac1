"""``rnnsheets grade``: mark a class's answers against a build's key, with follow-through
credit and named misconceptions, and write the gradebook, feedback and report.

``key`` reads the build's answer policy, ``responses`` (one level up) the files
students and assistants hand in, ``mark`` judges each entry, ``pages`` and ``plots``
write what comes out; the folder is published atomically (``output.publish``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import responses
from ..errors import InputError
from ..output import publish
from . import key, pages
from .mark import MISSING, UNREADABLE, Graded, mark_sheet

#: The default output folder, inside the build.
FOLDER = "grading"


@dataclass
class Outcome:
    """What a grading run did."""

    out: Path
    graded: list[Graded]
    notes: list[str] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(m.verdict == verdict for g in self.graded for p in g.parts for m in p.marks)


def grade(build: Path, paths: Sequence[Path], out: Path | None = None,
          credit: float = 1.0) -> Outcome:
    """Mark every response in ``paths`` against the build's key and publish the results
    in ``out`` (default BUILD/grading), replacing only what rnnsheets wrote there."""
    if not 0 <= credit <= 1:
        raise InputError("--credit", f"expected a fraction from 0 to 1, found {credit}")
    if not paths:
        raise InputError("RESPONSES", "expected at least one CSV or JSON file of answers")
    build = Path(build)
    out = Path(out) if out is not None else build / FOLDER
    doc, sheets = key.load(build)
    by_id = {s.id: s for s in sheets}
    by_id.update({s.code: s for s in sheets if s.code not in by_id})
    asked = {s.id: [e.column.id for p in s.parts for e in p.entries] for s in sheets}
    reading = responses.read(paths, {c for cols in asked.values() for c in cols})
    if not reading.responses:
        raise InputError(str(paths[0]) if len(paths) == 1 else "RESPONSES",
                         "no student's answers: expected a row per student after the header")
    result = Outcome(out, [], list(reading.notes))
    first: dict[str, str] = {}
    missing: dict[str, set[str]] = {}
    for r in reading.responses:
        sheet = by_id.get(r.variant)
        if sheet is None:
            result.notes.append(f"{r.source}: id {r.variant!r} is no variant of this build; "
                                "skipped")
            continue
        if sheet.id in first:
            result.notes.append(f"{r.source}: variant {sheet.id} answered again (first in "
                                f"{first[sheet.id]}); skipped")
            continue
        first[sheet.id] = r.source
        result.graded.append(mark_sheet(sheet, r.cells, credit, sheet.name or r.name,
                                        r.source))
        file = r.source.rsplit(": row ", 1)[0]
        missing.setdefault(file, set()).update(c for c in asked[sheet.id] if c not in r.cells)
    for file, cols in missing.items():
        if cols:
            shown = ", ".join(sorted(cols)[:3]) + (", ..." if len(cols) > 3 else "")
            result.notes.append(f"{file}: {len(cols)} answer column(s) missing ({shown}); "
                                "those answers score 0")
    title = doc.get("sheet", {}).get("title", "")
    publish(out, pages.files(result.graded, result.notes, credit, title))
    return result


__all__ = ["FOLDER", "MISSING", "UNREADABLE", "Outcome", "grade"]
