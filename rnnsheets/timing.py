"""How long a student needs: each question counts its hand operations, rates turn them
into minutes.

The rates were fitted to an instructor's timings of the earlier default sheet (relu, two
hidden units, two steps; part 4 with the expansions for N = 1, 2, 3, all four gradients
and the W entry) worked by hand with a basic calculator: part 1 took 8-10 minutes,
part 2 about 10, part 3 12-15, part 4's expansions and general case 10-12, its
gradients 15-25, its W entry 3; 60-75 in all. With these rates that sheet models at
9.5, 12, 12, 11.6, 21 and 3 minutes, 69 in all (tests/test_timing.py recomputes them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

#: Minutes per operation.
RATES = {
    "read": 1.0,      # reading a question and setting up its working
    "mac": 0.2,       # a multiply-add (or a lone sum) of the sheet's numbers, by hand
    "lookup": 0.05,   # a value copied or picked: a column for a one-hot input, a count
    "func": 0.35,     # a calculator evaluation: tanh, the sigmoid, exp, ln, logit
    "write": 0.1,     # a number written down, as an answer or a kept intermediate
    "term": 0.15,     # a factor of a chain-rule product written in symbols
    "explain": 1.0,   # a sentence of explanation
}
#: Reading a part's introduction and its given numbers.
PART_READING = 1.0

#: Lines of handwriting per operation, for the room a question's box gives: about five
#: numbers or six chain-rule factors to a line, three multiply-adds (written out, as
#: products of the sheet's numbers), a sentence and a half per explanation.
LINES = {"read": 1.0, "mac": 1 / 3, "lookup": 1 / 16, "func": 1 / 5, "write": 1 / 5,
         "term": 1 / 6, "explain": 1.5}
#: A line of handwriting with vectors written as columns, and the box's least and most
#: height (most: most of a page, with the question above it).
LINE_CM, ROOM_CM = 1.0, (2.5, 21.0)


@dataclass(frozen=True)
class Work:
    """What a question asks a student to do, counted by operation (see RATES)."""

    read: int = 1
    mac: int = 0
    lookup: int = 0
    func: int = 0
    write: int = 0
    term: int = 0
    explain: int = 0

    def __add__(self, other: Work) -> Work:
        return Work(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                       for f in fields(self)})

    @functools.cached_property
    def minutes(self) -> float:
        """The modelled minutes for this work."""
        return sum(getattr(self, name) * rate for name, rate in RATES.items())

    @functools.cached_property
    def room(self) -> str:
        """The height of the box to write this work in, e.g. "6.2cm"."""
        cm = LINE_CM * sum(getattr(self, name) * n for name, n in LINES.items())
        return f"{min(max(cm, ROOM_CM[0]), ROOM_CM[1]):.1f}cm"


def part_minutes(questions) -> float:
    """A part's minutes: its introduction, then each question's work; to the half minute."""
    total = PART_READING + sum(q.work.minutes for q in questions)
    return round(total * 2) / 2
