"""Reading PDFs back: their text, and the numbers printed in it."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

from rnnsheets import numfmt

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def text(pdf: Path) -> str:
    """pdftotext output with typographic minus signs made ASCII."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"[\u2212\u2013]\s?(?=\d)", "-", out)


def numbers(txt: str) -> set[str]:
    """Every number token in a text."""
    return set(_NUMBER.findall(txt))


def printed(x, places: int) -> str | None:
    """How the key prints a value as a decimal (approximated for endless fractions)."""
    if isinstance(x, Fraction) and numfmt.terminating_digits(x) is None:
        return numfmt.rounded(x, numfmt.approx_places(x, places))
    if isinstance(x, (Fraction, float, int)) and not isinstance(x, bool):
        return numfmt.plain(x, places)
    return None


def flat(v):
    if isinstance(v, list):
        for e in v:
            yield from flat(e)
    elif isinstance(v, dict):
        for e in v.values():
            yield from flat(e)
    else:
        yield v
