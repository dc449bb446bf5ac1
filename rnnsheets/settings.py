"""Kinds of setting a config section may hold, each checking its own values.

A kind declares its section as ``SETTINGS = {name: Setting(...)}``; ``config`` reads
those declarations, so adding a kind never touches the config code.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .errors import InputError
from .numbers import to_fraction
from .userfiles import clean


@dataclass(frozen=True)
class Setting:
    """A setting's default; ``check`` returns the value or raises an InputError at ``where``."""

    default: object

    def check(self, where: str, value):
        if not isinstance(value, str):
            raise InputError(where, f"expected text, found {value!r}")
        return clean(where, value, "text", longest=200, joiners=True)


@dataclass(frozen=True)
class Whole(Setting):
    """A whole number from lo to hi."""

    lo: int = 1
    hi: int = 8

    def check(self, where: str, value):
        if isinstance(value, bool) or not isinstance(value, int) or not self.lo <= value <= self.hi:
            raise InputError(where, f"expected a whole number from {self.lo} to {self.hi}, "
                             f"found {value!r}")
        return value


@dataclass(frozen=True)
class OneOf(Setting):
    """One of a fixed set of words."""

    options: tuple[str, ...] = ()

    def check(self, where: str, value):
        if value not in self.options:
            raise InputError(where, f"expected one of {', '.join(self.options)}, found {value!r}")
        return value


@dataclass(frozen=True)
class Flag(Setting):
    """true or false."""

    def check(self, where: str, value):
        if not isinstance(value, bool):
            raise InputError(where, f"expected true or false, found {value!r}")
        return value


@dataclass(frozen=True)
class Positive(Setting):
    """A positive number up to 100 (decimal or "p/q")."""

    def check(self, where: str, value):
        try:
            x = to_fraction(value)
        except ValueError:
            x = Fraction(-1)
        if x <= 0 or x > 100:
            raise InputError(where, f"expected a positive number, found {value!r}")
        return value


@dataclass(frozen=True)
class SomeOf(Setting):
    """A non-empty list of distinct choices from ``options``, in their order."""

    options: tuple[str, ...] = ()

    def check(self, where: str, value):
        if (not isinstance(value, list) or not value or len(set(map(str, value))) != len(value)
                or not all(isinstance(v, str) and v in self.options for v in value)):
            raise InputError(where, f"expected a list of some of {', '.join(self.options)}, "
                             f"found {value!r}")
        return [o for o in self.options if o in value]


@dataclass(frozen=True)
class Lengths(Setting):
    """A non-empty list of whole numbers from lo to hi."""

    lo: int = 1
    hi: int = 6

    def check(self, where: str, value):
        if (not isinstance(value, list) or not value
                or not all(isinstance(n, int) and not isinstance(n, bool)
                           and self.lo <= n <= self.hi for n in value)):
            raise InputError(where, f"expected a list of sequence lengths from {self.lo} to "
                             f"{self.hi}, found {value!r}")
        return value


@dataclass(frozen=True)
class Words(Setting):
    """A non-empty list of names from a set known only at check time (e.g. kinds)."""

    def check(self, where: str, value):
        if isinstance(value, str):
            value = [w.strip() for w in value.split(",") if w.strip()]
        if not isinstance(value, list) or not value or not all(isinstance(w, str) for w in value):
            raise InputError(where, f"expected a list of names, found {value!r}")
        return list(value)


def grid(settings: dict) -> tuple[Fraction, Fraction]:
    """The (limit, step) of the parameter grid."""
    s = settings["sheet"]
    return to_fraction(s["grid_limit"]), to_fraction(s["grid_step"])
