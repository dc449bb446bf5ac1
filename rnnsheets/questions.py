"""What a solved exercise asks, as data every output format renders the same way.

A kind turns a solved exercise into a :class:`Statement` (what is given) and
:class:`Question` objects: the prompt, the answers asked, and the worked
solution as ordered :class:`Step` records (what is computed, the expression,
the value). The PDF key, ``sheet.html``, Moodle and Canvas all print those same
steps, so a key and a quiz cannot disagree.

Text fields are plain words with inline math in ``\\( \\)``; expressions are LaTeX math.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from . import numfmt

#: User text (words, names) inside a question's text is wrapped in these private-use
#: characters, which user text may not hold, so no format reads it as math or markup.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PIECES = re.compile("\ue000([^\ue001]*)\ue001|\\\\\\((.+?)\\\\\\)", re.S)


def literal(text: str) -> str:
    """User text, marked to be printed as it is in every format."""
    return f"{_OPEN}{text}{_CLOSE}"


def words(tokens) -> str:
    """User words, each marked literal, separated by spaces."""
    return " ".join(literal(t) for t in tokens)


def pieces(text: str) -> Iterator[tuple[str, str]]:
    """A question's text as ("text" | "math" | "literal", piece) in order: words to
    print, inline math (from \\( \\)), and user text to print as it is."""
    last = 0
    for m in _PIECES.finditer(text):
        if m.start() > last:
            yield "text", text[last:m.start()]
        yield ("literal", m.group(1)) if m.group(2) is None else ("math", m.group(2))
        last = m.end()
    if last < len(text):
        yield "text", text[last:]


@dataclass(frozen=True)
class Figure:
    """An unrolled RNN over ``steps`` (step numbers), with a chain-rule term's path if any."""

    steps: tuple[int, ...]
    output: int | None = None
    step: int | None = None
    caption: str = ""


@dataclass(frozen=True)
class Statement:
    """The given part of an exercise: sentences (math in \\( \\)), display math, a figure."""

    text: str
    given: tuple[str, ...]
    figure: Figure | None = None


@dataclass(frozen=True)
class Step:
    """One step of a worked solution.

    ``text`` says what is computed (words, may be empty); ``expr`` is the LaTeX
    expression (empty for a step in words only); ``value`` its result (a number,
    vector or matrix), printed after ``=`` by each format; ``form`` how a list
    value prints (``column``, ``row`` or ``matrix``; a list of lists is a matrix),
    or ``sum`` when ``value`` is a list of LaTeX terms added up, one per line.
    A step with no text continues the block of the step before it, on a line of
    its own, or ``beside`` it where the page is wide enough (paper).
    """

    text: str = ""
    expr: str = ""
    value: object = None
    form: str = "column"
    beside: bool = False


@dataclass(frozen=True)
class Answer:
    """One asked quantity: its entry name (``h_0``, ``T``), value and label (LaTeX math).

    The value is a number, a vector (list) or a matrix (list of rows)."""

    name: str
    value: object
    label: str = ""


@dataclass(frozen=True)
class Choice:
    """A question answered by choosing every right option (e.g. the terms of an expansion)."""

    options: tuple[str, ...]  # LaTeX math, in the order shown
    right: frozenset[int]


@dataclass(frozen=True)
class Question:
    """One item of the sheet.

    ``answers`` are what a student gives; none for a question answered in words and
    symbols only (``choice``, if set, makes it gradable on screen).
    ``hint`` is printed under the question (a footnote on paper); ``room`` the
    height of the writing box on the worksheet.
    """

    id: str
    prompt: str
    answers: tuple[Answer, ...]
    solution: tuple[Step, ...]
    hint: str = ""
    figures: tuple[Figure, ...] = field(default=())
    choice: Choice | None = None
    room: str = "3cm"



def asked_form(exact: bool, decimals: int, fractions: bool = True) -> str:
    """What to type, in a student's words, for an exercise's answers (``fractions``: the
    format reads 1/3; an LMS number field does not)."""
    if exact and fractions:
        return ("exact: a fraction such as 1/3, or a decimal (all its digits, or 3 places "
                "if it never ends)")
    if exact:
        return ("as a decimal number: the exact value, or at least 3 decimals if it never "
                "ends (type 0.333 for 1/3)")
    return (f"rounded to {decimals} decimals" if fractions
            else f"as a decimal number rounded to {decimals} decimals")


def tolerance(x, exact: bool, recorded) -> float:
    """Absolute tolerance for grading one entry.

    Inexact answers: the exercise's recorded tolerance. Exact answers: half a unit
    in the last decimal they print (at least three decimals), so a typed decimal
    that rounds to the printed one is accepted.
    """
    if not exact:
        return float(recorded)
    x = Fraction(x)
    places = numfmt.terminating_digits(x)
    if places is None:
        places = numfmt.approx_places(x)
    return 0.5 * 10.0 ** -max(places, 3)


def decimal(x) -> str:
    """The value as a decimal string: exact if it ends, else the nearest double's digits."""
    if isinstance(x, Fraction):
        return numfmt.exact_decimal(x) or repr(float(x))
    if isinstance(x, int):
        return str(x)
    return repr(float(x))
