"""Seeded random streams that give the same numbers on every machine and NumPy release.

Only the bit generator's raw 64-bit output is used (SeedSequence and PCG64 are
streams NumPy keeps stable); every draw is built from it here, never from
``Generator`` distribution methods, whose algorithms may change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from fractions import Fraction
from typing import TypeVar

import numpy as np

T = TypeVar("T")
_RANGE = 1 << 64


def key_int(part: int | str) -> int:
    """A stable non-negative integer for a stream key part (strings are hashed)."""
    if isinstance(part, int):
        return part
    return int.from_bytes(hashlib.sha256(part.encode("utf-8")).digest()[:8], "big")


def derive_seed(*parts: int | str) -> int:
    """A 63-bit seed derived from the parts alone."""
    text = "\x1f".join(f"{type(p).__name__}:{p}" for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


class Stream:
    """Uniform draws built from PCG64's raw integers."""

    def __init__(self, *key: int | str) -> None:
        seq = np.random.SeedSequence([key_int(p) for p in key])
        self._bits = np.random.PCG64(seq)

    def below(self, n: int) -> int:
        """A uniform integer in [0, n), by rejection (no modulo bias)."""
        if n <= 0:
            raise ValueError("below() needs n > 0")
        limit = _RANGE - _RANGE % n
        while True:
            r = int(self._bits.random_raw())
            if r < limit:
                return r % n

    def choice(self, items: Sequence[T]) -> T:
        """One item, uniformly."""
        return items[self.below(len(items))]

    def between(self, lo: int, hi: int) -> int:
        """A uniform integer in [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """k distinct items, in drawn order."""
        pool = list(items)
        return [pool.pop(self.below(len(pool))) for _ in range(k)]

    def grid(self, limit: Fraction, step: Fraction, shape: tuple[int, ...] = ()):
        """Multiples of step in [-limit, limit]: one value, or nested lists of a shape."""
        if shape:
            return [self.grid(limit, step, shape[1:]) for _ in range(shape[0])]
        m = int(limit / step)
        return step * self.between(-m, m)

    def one_hot(self, n: int) -> list[Fraction]:
        """A one-hot vector of length n."""
        i = self.below(n)
        return [Fraction(int(j == i)) for j in range(n)]
