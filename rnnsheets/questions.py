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
from decimal import Decimal
from fractions import Fraction

from . import numfmt
from .timing import Work

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
    field: str = ""  # its place in the exercise's answers, where not its name

    @property
    def path(self) -> str:
        """Its label in the exercise's answers (``entries``), e.g. ``expansions[0].n_terms``."""
        return self.field or self.name


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
    height of the writing box on the worksheet, from the work the question asks.
    """

    id: str
    prompt: str
    answers: tuple[Answer, ...]
    solution: tuple[Step, ...]
    hint: str = ""
    figures: tuple[Figure, ...] = field(default=())
    choice: Choice | None = None
    asked: str = ""  # what to type, in words: filled in from the exercise's answer policy
    work: Work = Work()  # what it takes by hand, for the time model and the room to write

    @property
    def room(self) -> str:
        """The height of the writing box on the worksheet."""
        return self.work.room



def asked_form(forms: set[str], decimals: int, fractions: bool = True) -> str:
    """What to type for entries of the given forms (``exercises.FORMS``), in a student's
    words; ``fractions``: the format reads 1/3 (an LMS number field does not)."""
    rounded = f"rounded to {decimals} decimals"
    if "decimals" in forms:
        return rounded if fractions else f"as a decimal number {rounded}"
    if "exact_or_decimal" in forms:
        return (f"exactly, as a decimal or a fraction such as 1/7; round a value with more "
                f"than {decimals} decimals to {decimals}" if fractions else
                f"as a decimal number: exactly, or {rounded} if it has more")
    return "as a whole number"


def precision(form: str, tol: float) -> str:
    """One box's precision in a few characters: what it accepts."""
    return "exact" if tol <= 1e-9 else "±" + decimal(tol)


def decimal(x) -> str:
    """The value as a decimal string (never 1e-05 notation, which not every LMS reads):
    exact if it ends, else a double's 15 significant digits."""
    if isinstance(x, Fraction):
        return numfmt.exact_decimal(x) or _positional(float(x))
    if isinstance(x, int):
        return str(x)
    return _positional(float(x))


def _positional(x: float) -> str:
    # 15 significant digits: what a double holds for sure, so 0.1 + 0.2 reads 0.3
    text = format(Decimal(f"{x:.15g}"), "f")
    return text[:-2] if text.endswith(".0") else text
