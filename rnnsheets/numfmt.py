"""How numbers are written for people: exact values exactly, floats to stated decimals."""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction


def terminating_digits(x: Fraction) -> int | None:
    """Decimal places of x if its decimal expansion ends, else None."""
    d = x.denominator
    twos = (d & -d).bit_length() - 1  # no cache: hashing a Fraction costs more than this
    d >>= twos
    fives = 0
    while d % 5 == 0:
        d //= 5
        fives += 1
    return max(twos, fives) if d == 1 else None


def exact_decimal(x: Fraction) -> str | None:
    """The full decimal of a terminating rational ("-0.294"), or None if it never ends."""
    places = terminating_digits(x)
    if places is None:
        return None
    scaled = abs(x.numerator * 10**places // x.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    text = digits if places == 0 else f"{digits[:-places]}.{digits[-places:]}"
    return f"-{text}" if x < 0 else text


def rounded(x, places: int) -> str:
    """x rounded half-even to a fixed number of places, never "-0.000"."""
    with localcontext() as ctx:
        # enough digits for the integer part and the places, however large x is
        ctx.prec = 60 + places + max(0, len(str(abs(int(x)))) if math.isfinite(x) else 0)
        value = (Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction)
                 else Decimal(repr(float(x))))
        q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    if q == 0:
        q = abs(q)
    return f"{q:f}"


def approx_places(x: Fraction, minimum: int = 3) -> int:
    """Places that show at least three significant digits of a small x."""
    places = minimum
    while places < 12 and 0 < abs(x) < Fraction(1, 10 ** max(places - 2, 0)):
        places += 1
    return places


@functools.lru_cache(maxsize=65536, typed=True)  # typed: 0.0 and Fraction(0) print apart
def plain(x, places: int) -> str:
    """Plain text of a number: exact decimal, "p/q", or a float to ``places`` decimals."""
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(x, int):
        return str(x)
    if isinstance(x, Fraction):
        return exact_decimal(x) or f"{x.numerator}/{x.denominator}"
    return rounded(x, places)
