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
        return numfmt.rounded(x, numfmt.approx_places(x, places))  # as the sheet rounds
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


def _cells(values: Sequence, places: int) -> list[str]:
    """Entries of one vector or matrix, all in one form: if any exact entry is a fraction
    that never ends, every exact entry is written p/q (1/4, not 0.25 beside 1/3)."""
    as_fractions = any(isinstance(e, Fraction) and numfmt.terminating_digits(e) is None
                       for e in values)
    return [f"{'-' if e < 0 else ''}{abs(e.numerator)}/{e.denominator}"
            if as_fractions and isinstance(e, Fraction) and e.denominator != 1
            else number(e, places, slashed=True) for e in values]


def column(v: Sequence, places: int) -> str:
    """A column vector."""
    return bmatrix([[c] for c in _cells(v, places)])


def row(v: Sequence, places: int) -> str:
    """A row vector."""
    return bmatrix([_cells(v, places)])


def matrix(m: Sequence[Sequence], places: int) -> str:
    """A matrix, rows as given."""
    flat = _cells([e for r in m for e in r], places)
    width = len(m[0]) if m else 0
    return bmatrix([flat[i:i + width] for i in range(0, len(flat), width)])


_PARTIAL = re.compile(r"^d(\w+?)(?:_(-?\d+))?/d(\w+?)(?:_(-?\d+))?$")


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


def step_value(step, places: int) -> str:
    """A step's value as LaTeX, in the step's form (``approx``: decimal approximations)."""
    v = step.value
    if step.form == "approx":
        if isinstance(v, list) and v and isinstance(v[0], list):
            return bmatrix([[approx(e, places) for e in r] for r in v])
        if isinstance(v, list):
            return bmatrix([[approx(e, places)] for e in v])
        return approx(v, places)
    if isinstance(v, list) and v and isinstance(v[0], list):
        return matrix(v, places)
    if isinstance(v, list):
        return row(v, places) if step.form == "row" else column(v, places)
    return number_approx(v, places)


def step_lines(step, places: int) -> list[str]:
    """A step as display-math lines: ``expr = value``, or a sum one term per line."""
    if step.form == "sum":
        terms = list(step.value)
        return [f"{step.expr} = {terms[0]}", *(f"+ {t}" for t in terms[1:])]
    if step.value is None:
        return [step.expr] if step.expr else []
    relation = r"\approx" if step.form == "approx" else "="
    return [f"{step.expr} {relation} {step_value(step, places)}" if step.expr
            else step_value(step, places)]


def blocks(steps) -> list[tuple[str, list]]:
    """Steps grouped for display: each step with text opens a block; steps without
    text join the block before them."""
    out: list[tuple[str, list]] = []
    for s in steps:
        if s.text or not out:
            out.append((s.text, []))
        if s.expr or s.value is not None:
            out[-1][1].append(s)
    return out


def display_tex(steps, places: int) -> str:
    """One block's steps as LaTeX display math for the PDF key: a line per step (a step
    ``beside`` the one before shares its line), a sum aligned one term per line."""
    rows: list[list[str]] = []
    out = []

    def flush() -> None:  # a row of several wraps where the page is too narrow for it
        out.extend(r"\[" + r[0] + r"\]" if len(r) == 1 else
                   r"\begin{mathrow}" + r",\nextmath ".join(r) + r"\end{mathrow}" for r in rows)
        rows.clear()

    for s in steps:
        if s.form == "sum":
            flush()
            terms = list(s.value)
            body = rf"{s.expr} &= {terms[0]}" + "".join(rf" \\ &\quad + {t}" for t in terms[1:])
            out.append(r"\begin{align*}" + body + r"\end{align*}")
        elif s.beside and rows:
            rows[-1] += step_lines(s, places)
        else:
            rows.append(step_lines(s, places))
    flush()
    return "\n".join(out)
