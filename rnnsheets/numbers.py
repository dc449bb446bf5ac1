"""Numbers in and out: exact rationals, JSON encoding, reading user input."""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction

import numpy as np

#: Exact arithmetic stays small: a number given is at most this large in magnitude and
#: its numerator and denominator have at most MAX_DIGITS digits.
MAX_MAGNITUDE = 10**9
MAX_DIGITS = 30
_WRITTEN = re.compile(r"^[+-]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})([eE][+-]?\d{1,2})?$"
                      r"|^[+-]?\d{1,30}\s*/\s*\d{1,30}$")


def to_fraction(value) -> Fraction:
    """An exact rational from an int, a decimal float (0.3 means 3/10) or a "p/q" string.

    Raises ValueError for anything else (bools, NaN, infinities, other text) and for
    numbers past the stated size limits (MAX_MAGNITUDE, MAX_DIGITS), before any work
    that could grow with them.
    """
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, Fraction):
        x = value
    elif isinstance(value, int):
        if abs(value) > MAX_MAGNITUDE:
            raise ValueError(f"{_short(value)} is larger than {MAX_MAGNITUDE:.0e}")
        x = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        text = repr(value)  # the decimal the user wrote, not the binary double
        if not _WRITTEN.match(text):
            raise ValueError(f"{text} has more digits than rnnsheets computes with "
                             f"(at most {MAX_DIGITS})")
        x = Fraction(text)
    elif isinstance(value, str):
        text = value.strip()
        if not _WRITTEN.match(text):
            raise ValueError(f"{_short(value)!r} is not a number (a decimal or p/q with at "
                             f"most {MAX_DIGITS} digits)")
        try:
            x = Fraction(text.replace(" ", ""))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a number") from None
    else:
        raise ValueError(f"{_short(value)!r} is not a number")
    if abs(x) > MAX_MAGNITUDE:
        raise ValueError(f"{_short(value)} is larger than {MAX_MAGNITUDE:.0e}")
    if max(x.numerator.bit_length(), x.denominator.bit_length()) > MAX_DIGITS * 3.33:
        raise ValueError(f"{_short(value)} has more digits than rnnsheets computes with "
                         f"(at most {MAX_DIGITS})")
    return x


def _short(value) -> str:
    text = value if isinstance(value, str) else str(value) if not isinstance(value, int) \
        else f"a {len(str(abs(value)))}-digit number" if abs(value) < 10**4000 else "a huge number"
    return text if len(text) <= 40 else text[:37] + "..."


def to_plain(value):
    """NumPy arrays and scalars as nested Python lists of Fraction/float/int/str."""
    if isinstance(value, np.ndarray):
        return [to_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


_PLAIN = frozenset({int, float, str, bool, type(None)})


def encode(value):
    """JSON-ready form: a Fraction is an int, a decimal that reads back exactly, or "p/q".

    Floats stay floats at full precision. Containers are encoded recursively.
    """
    kind = type(value)  # the common cases first, without isinstance's walk
    if kind is Fraction:
        return _encode_fraction(value)
    if kind is list:
        return [encode(v) for v in value]
    if kind in _PLAIN:
        return value
    if isinstance(value, Fraction):
        return _encode_fraction(value)
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [encode(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


@functools.lru_cache(maxsize=65536)
def _encode_fraction(value: Fraction):
    if value.denominator == 1:
        return value.numerator
    as_float = float(value)
    if Fraction(repr(as_float)) == value:
        return as_float  # its shortest decimal is the exact value
    return f"{value.numerator}/{value.denominator}"


def decode_exact(value):
    """The inverse of :func:`encode` for exact values: decimals and "p/q" to Fraction.

    Integers stay integers (they equal their Fraction and may be indices).
    """
    if isinstance(value, list):
        return [decode_exact(v) for v in value]
    if isinstance(value, dict):
        return {k: decode_exact(v) for k, v in value.items()}
    if isinstance(value, float):
        return to_fraction(value)
    if isinstance(value, str) and _RATIONAL.match(value):
        return Fraction(value)
    return value


_RATIONAL = re.compile(r"^-?\d+/\d+$")
