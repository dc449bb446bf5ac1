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
        text = numfmt.rounded(x, numfmt.approx_places(x, places))  # as the sheet rounds
        if x and not text.strip("-0."):  # too small for its decimals: 2.126 x 10^{-14}
            mantissa, exponent = f"{float(x):.3e}".split("e")
            return rf"{mantissa} \times 10^{{{int(exponent)}}}"
        return text
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


def matrix_cells(m: Sequence[Sequence], places: int) -> list[list[str]]:
    """A matrix's entries as LaTeX, rows as given, all in one form (see :func:`_cells`)."""
    flat = _cells([e for r in m for e in r], places)
    width = len(m[0]) if m else 0
    return [flat[i:i + width] for i in range(0, len(flat), width)]


def matrix(m: Sequence[Sequence], places: int) -> str:
    """A matrix, rows as given."""
    return bmatrix(matrix_cells(m, places))


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


#: The widest a matrix may print in the key before its columns go in blocks, in points
#: (the key's solutions are about 430 pt wide; a block keeps room for its label).
BLOCK_WIDTH = 330.0
#: Widths of what numbers print, in points of 11 pt math (digits are 5.5 pt).
_GLYPH = {"-": 8.6, ".": 3.1, "/": 5.5, " ": 3.7}


def estimate(cell: str) -> float:
    """A generous estimate of a number's printed width in points (11 pt math)."""
    return sum(_GLYPH.get(c, 5.5) for c in cell)


def blocks_of_columns(rows: Sequence[Sequence[str]],
                      width: float = BLOCK_WIDTH) -> list[list[list[str]]]:
    """A matrix's cells cut into blocks of whole columns, each at most ``width`` points
    wide by :func:`estimate` (one block when it all fits; at least a column a block)."""
    widths = [max(estimate(r[j]) for r in rows) + 11 for j in range(len(rows[0]))]
    cuts, used = [0], 12.0
    for j, w in enumerate(widths):
        if used + w > width and j > cuts[-1]:
            cuts.append(j)
            used = 12.0
        used += w
    cuts.append(len(widths))
    return [[list(r[a:b]) for r in rows] for a, b in zip(cuts, cuts[1:])]


def labelled_blocks(rows: Sequence[Sequence[str]],
                    width: float = BLOCK_WIDTH) -> list[tuple[str, list[list[str]]]]:
    """:func:`blocks_of_columns` with each block's label ("columns 1--4"; "" when the
    matrix is one block)."""
    parts = blocks_of_columns(rows, width)
    if len(parts) == 1:
        return [("", parts[0])]
    out, first = [], 1
    for block in parts:
        last = first + len(block[0]) - 1
        out.append((f"column {first}" if first == last else f"columns {first}--{last}", block))
        first = last + 1
    return out


def wide_bmatrix(rows: Sequence[Sequence[str]]) -> list[str]:
    """A bracketed matrix as display pieces: itself, or blocks of columns each labelled
    with the columns it holds, when it is too wide for a line."""
    return [rf"\underset{{\text{{{label}}}}}{{{bmatrix(block)}}}" if label else bmatrix(block)
            for label, block in labelled_blocks(rows)]


def _value_pieces(step, places: int) -> list[str]:
    """A step's value as display pieces (several only for a matrix in blocks)."""
    v = step.value
    if isinstance(v, list) and v and (isinstance(v[0], list) or step.form == "row"):
        rows = v if isinstance(v[0], list) else [v]
        return wide_bmatrix([[approx(e, places) for e in r] for r in rows]
                            if step.form == "approx" else matrix_cells(rows, places))
    return [step_value(step, places)]


_NESTING = re.compile(r"\\begin\{|\\end\{|[{}]| = ")
#: How each token changes the depth: ``\begin{`` opens an environment and its name's
#: brace, ``\end{`` closes the environment and opens its name's brace.
_DEPTH = {"\\begin{": 2, "\\end{": 0, "{": 1, "}": -1}


def _members(expr: str) -> list[str]:
    """An expression's members between its top-level `` = `` signs (outside braces and
    environments), so that a chain too wide for a line can wrap before an ``=``."""
    out, depth, start = [], 0, 0
    for m in _NESTING.finditer(expr):
        token = m.group()
        if token == " = ":
            if depth == 0:
                out.append(expr[start:m.start()])
                start = m.end()
        else:
            depth += _DEPTH[token]
    return [*out, expr[start:]]


def step_pieces(step, places: int) -> list[str]:
    """A step as display pieces for the PDF key, split where a line may wrap: before each
    ``=`` of a chain but the first (a label never ends a line alone), and between the
    blocks of a wide matrix."""
    values = [] if step.value is None else _value_pieces(step, places)
    if not step.expr:
        return values
    relation = r"\approx" if step.form == "approx" else "="
    head, *rest = _members(step.expr)
    rest = [f"= {m}" for m in rest]
    if values:
        rest += [f"{relation} {values[0]}", *values[1:]]
    return [f"{head} {rest[0]}", *rest[1:]] if rest else [head]


def display_tex(steps, places: int) -> str:
    """One block's steps as LaTeX display math for the PDF key: a row per step (a step
    ``beside`` the one before shares its row), a sum aligned one term per line. A row
    wraps between steps and inside a step (see :func:`step_pieces`) where the line is too
    narrow, and the sheet's ``mathrow`` shrinks any piece still wider than the line."""
    rows: list[list[list[str]]] = []
    out = []

    def flush() -> None:
        out.extend(r"\begin{mathrow}" + r",\nextmath ".join(r"\nextrel ".join(p) for p in r)
                   + r"\end{mathrow}" for r in rows)
        rows.clear()

    for s in steps:
        if s.form == "sum":
            flush()
            terms = list(s.value)
            body = rf"{s.expr} &= {terms[0]}" + "".join(rf" \\ &\quad + {t}" for t in terms[1:])
            out.append(r"\begin{align*}" + body + r"\end{align*}")
        elif s.beside and rows:
            rows[-1].append(step_pieces(s, places))
        else:
            rows.append([step_pieces(s, places)])
    rows = [[p for p in r if p] for r in rows]
    flush()
    return "\n".join(out)
