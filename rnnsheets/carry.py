"""Error carried forward: a solve that goes on from a student's own values.

A kind calls :func:`held` on each value a student hands in that later steps use (an
answer entry such as ``h_0`` or ``T``), as it calls ``rounding.shown`` on what the
key prints. Outside :func:`carrying` it returns its argument, so the key is not
touched. Inside, it records what the kind computed at that point (from the
student's own earlier values) and returns the student's value wherever the student
gave one, so every later step goes on from it, along the kind's real dependencies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction

import numpy as np

from .rounding import Bound

_CARRY: ContextVar[Carry | None] = ContextVar("rnnsheets_carry", default=None)


class Carry:
    """A student's values by entry label, and what the solve computed at each."""

    def __init__(self, given: dict[str, Fraction]) -> None:
        self.given = given
        self.computed: dict[str, object] = {}

    def hold(self, label: str, value) -> object:
        if isinstance(value, np.ndarray):  # whole numbers (counts) may be given as any number
            out = value.astype(object) if value.dtype.kind in "iub" else value.copy()
            for idx, x in np.ndenumerate(value):
                name = label + "".join(f"[{i}]" for i in idx)
                self.computed[name] = x
                if name in self.given:
                    out[idx] = _like(self.given[name], x)
            return out
        if isinstance(value, list):
            return [self.hold(f"{label}[{i}]", v) for i, v in enumerate(value)]
        self.computed[label] = value
        return _like(self.given[label], value) if label in self.given else value


def _like(mine: Fraction, computed):
    """A student's value in the arithmetic of the value it replaces: exact, float, or a
    Bound with no error of its own (it is what the student wrote)."""
    if isinstance(computed, Bound):
        return Bound(_like(mine, computed.v), 0.0, True)
    if isinstance(computed, (float, np.floating)):
        return float(mine)
    return mine


def held(label: str, value):
    """``value`` (an answer entry, a number, list or array) as a later step uses it: the
    student's own where :func:`carrying` gives one, else the value itself."""
    carry = _CARRY.get()
    return value if carry is None else carry.hold(label, value)


@contextmanager
def carrying(given: dict[str, Fraction]) -> Iterator[Carry]:
    """Within: :func:`held` records each computed value and hands on the student's."""
    carry = Carry(given)
    token = _CARRY.set(carry)
    try:
        yield carry
    finally:
        _CARRY.reset(token)
