"""Exercises as questions for on-screen formats (Moodle, Canvas, HTML).

Each exercise kind turns a solved exercise into a :class:`Statement` (what is
given) and :class:`Question` objects (what is asked, its value and its worked
solution as LaTeX math lines). Output drivers only read these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import numfmt


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
class Question:
    """One asked quantity. ``value`` is a number, a vector (list) or a matrix (list of rows),
    or None for a question answered in words and symbols only."""

    id: str
    prompt: str
    value: object
    solution: tuple[str, ...]
    figures: tuple[Figure, ...] = field(default=())
    note: str = ""


def cells(value) -> list[tuple[str, object]]:
    """The entries of a value with their index suffix: "", "[i]" or "[i][j]"."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [(f"[{i}][{j}]", v) for i, r in enumerate(value) for j, v in enumerate(r)]
    if isinstance(value, list):
        return [(f"[{i}]", v) for i, v in enumerate(value)]
    return [("", value)]


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
