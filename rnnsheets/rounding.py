"""How far a careful student can land from the key: the tolerances of every answer.

A careful student rounds every value the key shows to the sheet's decimals and
goes on with the rounded value. Solving again with each such value as a
:class:`Bound` (the true value, and the largest distance a student's value can
have from it) carries every rounding through the rest of the computation; the
bound on an answer, after the student's own last rounding, is its tolerance.
The bounds are worst cases (any mix of rounding or not at each step), never
estimates: sums add them, products use |a| e_b + |b| e_a + e_a e_b, and the
activations, exp and log are monotone, so the ends of an interval bound them.

The kinds call :func:`shown` on each intermediate their key prints; outside
:func:`careful` it returns its argument unchanged, so the key is not touched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction

import numpy as np

#: The tolerance of a float answer that a student writes exactly (0.3 held as 0.30000000000000004).
FLOAT_NOISE = 1e-9
_PLACES: ContextVar[int | None] = ContextVar("rnnsheets_places", default=None)


class Bound:
    """A true value ``v`` and the largest error ``e`` a careful student's value can have."""

    __slots__ = ("v", "e", "rounded")

    def __init__(self, v, e: float = 0.0, rounded: bool = False) -> None:
        self.v, self.e, self.rounded = v, e, rounded

    # sums and products: the error of each operand carried through, worst case
    def __add__(self, o) -> Bound:
        if isinstance(o, np.ndarray):
            return NotImplemented
        o = lift(o)
        return Bound(self.v + o.v, self.e + o.e)

    __radd__ = __add__

    def __neg__(self) -> Bound:
        return Bound(-self.v, self.e)

    def __sub__(self, o) -> Bound:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return self + -lift(o)

    def __rsub__(self, o) -> Bound:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return lift(o) + -self

    def __mul__(self, o) -> Bound:
        if isinstance(o, np.ndarray):
            return NotImplemented
        o = lift(o)
        both = self.e * o.e if self.e and o.e else 0.0
        return Bound(self.v * o.v, _times(self.v, o.e) + _times(o.v, self.e) + both)

    __rmul__ = __mul__

    def __truediv__(self, o) -> Bound:
        if isinstance(o, np.ndarray):
            return NotImplemented
        o = lift(o)
        room = abs(float(o.v)) - o.e
        q = self.v / o.v
        return Bound(q, (self.e + abs(float(q)) * o.e) / room if room > 0 else math.inf)

    def __rtruediv__(self, o) -> Bound:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return lift(o) / self

    def __pow__(self, n: int) -> Bound:
        if n != 2:
            raise ValueError("only squares are needed")
        return self * self

    def __abs__(self) -> Bound:
        return Bound(abs(self.v), self.e)

    # comparisons read the true value (which branch the key takes)
    def __lt__(self, o) -> bool:
        return self.v < lift(o).v

    def __le__(self, o) -> bool:
        return self.v <= lift(o).v

    def __gt__(self, o) -> bool:
        return self.v > lift(o).v

    def __ge__(self, o) -> bool:
        return self.v >= lift(o).v

    def __eq__(self, o) -> bool:  # type: ignore[override]
        return self.v == lift(o).v

    def __ne__(self, o) -> bool:  # type: ignore[override]
        return self.v != lift(o).v

    __hash__ = None  # type: ignore[assignment]

    def __float__(self) -> float:
        return float(self.v)

    def __repr__(self) -> str:
        return f"Bound({self.v!r} ± {self.e:.3g})"

    def monotone(self, fn: Callable[[float], float]) -> Bound:
        """fn of the value; for a monotone fn the interval's ends bound the error."""
        fv = fn(float(self.v))
        if not math.isfinite(self.e):
            return Bound(fv, math.inf)
        try:
            e = max(abs(fn(float(self.v) + self.e) - fv), abs(fn(float(self.v) - self.e) - fv))
        except (ValueError, OverflowError, ZeroDivisionError):
            e = math.inf  # the interval leaves fn's domain
        return Bound(fv, e if self.e else 0.0)

    # what NumPy calls on object arrays for np.exp, np.log, np.tanh, np.arctanh
    def exp(self) -> Bound:
        return self.monotone(math.exp)

    def log(self) -> Bound:
        return self.monotone(math.log)

    def tanh(self) -> Bound:
        return self.monotone(math.tanh)

    def arctanh(self) -> Bound:
        return self.monotone(math.atanh)


def _times(value, e: float) -> float:
    """|value| * e, where an exact 0 times any error (even an unbounded one) is 0."""
    return 0.0 if value == 0 else abs(float(value)) * e


def lift(x) -> Bound:
    """A number as a Bound with no error (a Bound as itself)."""
    return x if isinstance(x, Bound) else Bound(x)


def shown(value):
    """A value the key prints, as a careful student holds it: rounded to the sheet's decimals.

    Outside :func:`careful` the value itself, untouched. Inside, every number of it
    (arrays, lists) becomes a Bound that also covers that rounding.
    """
    places = _PLACES.get()
    if places is None:
        return value
    return _each(value, lambda x: round_bound(x, places))


def _each(value, fn):
    if isinstance(value, np.ndarray):
        out = np.empty(value.shape, dtype=object)
        for idx, x in np.ndenumerate(value):
            out[idx] = fn(x)
        return out
    if isinstance(value, list):
        return [_each(v, fn) for v in value]
    return fn(value)


def round_bound(x, places: int) -> Bound:
    """The Bound of a value once a student rounds it to ``places`` decimals (once only)."""
    b = lift(x)
    if b.rounded:
        return b
    if b.e == 0 and fits(b.v, places):
        return Bound(b.v, 0.0, True)  # the exact value has no more decimals: nothing moves
    return Bound(b.v, b.e + 0.5 * 10.0**-places, True)


def fits(v, places: int) -> bool:
    """Whether a value is written exactly with ``places`` decimals (floats: to 1e-6 of a
    unit of the last place)."""
    if isinstance(v, (int, np.integer)):
        return True
    if isinstance(v, Fraction):
        return (v * 10**places).denominator == 1
    scaled = float(v) * 10**places  # absolute: a relative test lets large values "fit"
    return abs(scaled - round(scaled)) < 1e-6


@contextmanager
def careful(places: int) -> Iterator[None]:
    """Within: :func:`shown` rounds to ``places`` decimals and returns Bounds."""
    token = _PLACES.set(places)
    try:
        yield
    finally:
        _PLACES.reset(token)


def tolerance(x, places: int) -> float:
    """The tolerance of one answer leaf from its careful value: its error bound after the
    student's last rounding, rounded up to two significant digits (0 when exact)."""
    b = round_bound(x, places)
    e = b.e
    if e == 0:  # written exactly; a float holds such a value only to its last bits
        return FLOAT_NOISE if isinstance(b.v, float) else 0.0
    if not math.isfinite(e):
        return math.inf
    e *= 1 + 1e-9  # the bound itself is exact; keep float noise on the accepting side
    exponent = math.floor(math.log10(e)) - 1
    return float(f"{math.ceil(e / 10.0**exponent)}e{exponent}")
