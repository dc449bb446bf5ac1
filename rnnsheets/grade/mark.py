"""Marking one student's answers: the key's tolerance first, then follow-through (the
kind's solve again from the student's own earlier values), then the kind's named
mistakes, each a perturbed solve from those same values."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import rounding
from ..carry import carrying
from ..entries import entries, is_number
from ..errors import InputError
from ..exercises import Mistake
from ..rounding import Bound
from .key import Entry, Part, Sheet

#: How far a typed number may be from a bound and still be read as on it (float noise),
#: as sheet.html's checker allows.
SLACK = 1e-12
#: A verdict on one entry: within the key's tolerance, right from the student's own
#: earlier values (follow-through), neither, or not a number.
RIGHT, CARRIED, WRONG, UNREADABLE, MISSING = "right", "carried", "wrong", "unreadable", "missing"


@dataclass
class Mark:
    """The verdict on one entry a student gave."""

    entry: Entry
    typed: str | None  # None: the response file has no such column
    value: Fraction | None
    verdict: str
    credit: float
    expected: object = None  # right given the student's earlier values (carried, wrong)
    mistakes: tuple[Mistake, ...] = ()


@dataclass
class PartMarks:
    part: Part
    marks: list[Mark]

    @property
    def score(self) -> float:
        return sum(m.credit for m in self.marks)

    @property
    def first_wrong(self) -> Mark | None:
        """The first step, in the order the kind computes them, that is wrong even from the
        student's own earlier values."""
        wrong = [m for m in self.marks if m.verdict == WRONG]
        return min(wrong, key=lambda m: self.part.order.get(m.entry.column.path, 0),
                   default=None)

    @property
    def mistakes(self) -> list[Mistake]:
        """The misconceptions named on this part, once each."""
        return list(dict.fromkeys(x for m in self.marks for x in m.mistakes))


@dataclass
class Graded:
    """One student's marked sheet."""

    sheet: Sheet
    name: str
    source: str
    parts: list[PartMarks] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(p.score for p in self.parts)

    @property
    def maximum(self) -> int:
        return sum(len(p.marks) for p in self.parts)


_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2012": "-"})
_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_DECIMAL = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$")
_RATIO = re.compile(r"^[-+]?\d+/\d+$")
#: The longest cell read as a number (any more is not something typed by hand).
LONGEST = 100


def read_number(text: str) -> Fraction | None:
    """A number as people type it (0.25, -1.5, 1/3, 2e-5, a decimal comma 0,25, a
    Unicode minus), exactly; None for anything else (words, 1/0, nothing)."""
    t = "".join(text.translate(_DASHES).split())
    if _COMMA.match(t):
        t = t.replace(",", ".")
    if len(t) > LONGEST or not (_DECIMAL.match(t) or _RATIO.match(t)):
        return None
    try:
        return Fraction(t)
    except (ValueError, ZeroDivisionError):
        return None


def mark_sheet(sheet: Sheet, cells: dict[str, str], credit: float, name: str = "",
               source: str = "") -> Graded:
    """Every part of one student's sheet, marked (``cells``: column id -> text typed)."""
    out = Graded(sheet, name, source)
    for part in sheet.parts:
        out.parts.append(mark_part(part, cells, credit))
    return out


def mark_part(part: Part, cells: dict[str, str], credit: float) -> PartMarks:
    """One part: each entry against the key, follow-through from the student's values for
    those that miss it, and the named mistakes for those still wrong."""
    marks = []
    for e in part.entries:
        typed = cells.get(e.column.id)
        value = read_number(typed) if typed is not None else None
        if typed is None:
            marks.append(Mark(e, None, None, MISSING, 0.0))
        elif value is None:
            marks.append(Mark(e, typed, None, UNREADABLE, 0.0))
        elif _near(value, e.key, e.tol):
            marks.append(Mark(e, typed, value, RIGHT, 1.0))
        else:
            marks.append(Mark(e, typed, value, WRONG, 0.0))
    wrong = [m for m in marks if m.verdict == WRONG]
    if wrong:
        _follow_through(part, marks, wrong, credit)
    return PartMarks(part, marks)


def _follow_through(part: Part, marks: list[Mark], wrong: list[Mark], credit: float) -> None:
    given = {m.entry.column.name: m.value for m in marks if m.value is not None}
    again = _solve(part, part.params, given, careful=True)
    if again is None:
        return
    room = {}
    for m in wrong:
        bound = again.get(m.entry.column.name)
        if bound is None:
            continue
        m.expected = bound.v
        own = 0.0 if m.entry.form == "exact" else rounding.tolerance(bound, part.places)
        room[id(m)] = max(m.entry.tol, own)
        if _near(m.value, bound.v, room[id(m)]):
            m.verdict, m.credit = CARRIED, credit
    still = [m for m in wrong if m.verdict == WRONG and id(m) in room]
    for mistake in part.module.MISTAKES if still else ():
        params = mistake.perturb(part.params)
        if params is None:
            continue
        model = _solve(part, params, given, careful=True)
        if model is None:
            continue
        for m in still:
            v = model.get(m.entry.column.name)
            if v is None or _near(v.v, m.entry.key, m.entry.tol):
                continue  # the mistake does not change this entry
            own = 0.0 if m.entry.form == "exact" else rounding.tolerance(v, part.places)
            if _near(m.value, v.v, max(m.entry.tol, own)):
                m.mistakes = (*m.mistakes, mistake)


def _solve(part: Part, params: dict, given: dict, careful: bool) -> dict[str, Bound] | None:
    """The kind's solve going on from the student's values: {entry name: value as a Bound
    (with its error bound when ``careful``)}; None if it cannot run from them."""
    k = part.module
    try:
        with carrying(given) as carry, np.errstate(all="ignore"):
            if careful:
                with rounding.careful(part.places):
                    answers = k.solve(params)
            else:
                answers = k.solve(params)
    except (ArithmeticError, ValueError, InputError):  # e.g. a probability of 0 under a log
        return None
    found = dict(entries(part.kind, answers, leaf=lambda x: is_number(x) or
                         isinstance(x, (Bound, np.floating, np.integer))))
    out = {}
    for e in part.entries:
        name = e.column.name
        v = carry.computed[name] if name in carry.computed else found.get(e.column.path)
        if v is not None:
            out[name] = rounding.lift(v)
    return out


def _near(x, y, tol: float) -> bool:
    """|x - y| <= tol, with float noise allowed; never for a value that is not finite."""
    try:
        d = abs(float(x) - float(y))
    except (OverflowError, TypeError, ValueError):
        return False
    return math.isfinite(d) and d <= tol + SLACK
