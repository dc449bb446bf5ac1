"""Numbers, vectors and matrices as LaTeX math, shared by every output format."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

from . import numfmt


def number(x, places: int, slashed: bool = False) -> str:
    """Exact decimals in full, endless fractions as \\tfrac (or p/q), floats to ``places``."""
    if isinstance(x, Fraction) and numfmt.terminating_digits(x) is None:
        sign = "-" if x < 0 else ""
        if slashed:
            return f"{sign}{abs(x.numerator)}/{x.denominator}"
        return rf"{sign}\tfrac{{{abs(x.numerator)}}}{{{x.denominator}}}"
    return numfmt.plain(x, places)


def approx(x, places: int) -> str:
    """The decimal approximation of an endless fraction; other numbers as they print."""
    if isinstance(x, Fraction) and numfmt.terminating_digits(x) is None:
        return numfmt.rounded(x, numfmt.approx_places(x))
    return number(x, places)


def number_approx(x, places: int) -> str:
    """A number, with ``\\approx`` its decimal after an endless fraction."""
    text = number(x, places)
    if isinstance(x, Fraction) and numfmt.terminating_digits(x) is None:
        return rf"{text} \approx {approx(x, places)}"
    return text


def bmatrix(rows: Sequence[Sequence[str]]) -> str:
    """Cells (already LaTeX) as a bracketed matrix."""
    return r"\begin{bmatrix}" + r" \\ ".join(" & ".join(r) for r in rows) + r"\end{bmatrix}"


def column(v: Sequence, places: int) -> str:
    """A column vector."""
    return bmatrix([[number(e, places, slashed=True)] for e in v])


def row(v: Sequence, places: int) -> str:
    """A row vector."""
    return bmatrix([[number(e, places, slashed=True) for e in v]])


def matrix(m: Sequence[Sequence], places: int) -> str:
    """A matrix, rows as given."""
    return bmatrix([[number(e, places, slashed=True) for e in r] for r in m])


def value(v, places: int) -> str:
    """A scalar, column vector or matrix, whichever v is."""
    if isinstance(v, list) and v and isinstance(v[0], list):
        return matrix(v, places)
    if isinstance(v, list):
        return column(v, places)
    return number_approx(v, places)


_PARTIAL = re.compile(r"^d(\w+?)(?:_(\d+))?/d(\w+?)(?:_(-?\d+))?$")


def partial(text: str) -> str:
    """Shorthand like ``do_2/dh_1`` as a fraction of partials."""
    m = _PARTIAL.match(text)
    if not m:
        raise ValueError(f"not a partial: {text}")
    top = m.group(1) + (f"_{{{m.group(2)}}}" if m.group(2) else "")
    bottom = m.group(3) + (f"_{{{m.group(4)}}}" if m.group(4) else "")
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def chain(factors: Sequence[str]) -> str:
    """A chain-rule term: its partials side by side."""
    return r"\,".join(partial(f) for f in factors)
