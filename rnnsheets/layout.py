"""What TeX says about a document's layout: lines too wide, pages too full, characters
its fonts lack.

The templates write ``rnnsheets-page N`` to the log as each page ships out and
``rnnsheets-variant-start K`` as each variant begins, so every overfull box found in
the log is named by its page and variant. A build records them in ``layout.json``;
``generate`` warns of each and ``check`` fails on each.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

NAME = "layout.json"
#: Boxes over by more than this many points are reported (TeX's own \hfuzz is 0.1 pt;
#: under a point is invisible on paper).
FUZZ = 1.0

_OVERFULL = re.compile(r"^Overfull \\([hv])box \((\d+(?:\.\d+)?)pt too (?:wide|high)\) "
                       r"(?:in paragraph at lines (\d+)--\d+|detected at line (\d+)|"
                       r"in alignment at lines (\d+)--\d+|has occurred)")
_MISSING = re.compile(r"^Missing character: There is no (.+?) in font \[?([^\]:!]+)")
# Whole lines only: text on a sheet shows in the log too (inside an overfull box's
# contents), and must not pass for a mark.
_SHRUNK = re.compile(r"^rnnsheets-shrunk (\d+(?:\.\d+)?)pt to (\d+(?:\.\d+)?)pt$")
_PAGE = re.compile(r"^rnnsheets-page (\d+)$")
_VARIANT = re.compile(r"^rnnsheets-variant-start (\d+)$")


@dataclass(frozen=True)
class Overfull:
    """A box TeX could not fit: on which page (of the whole document), in which variant
    (1-based, 0 outside any), by how many points, from which source line."""

    page: int
    variant: int
    points: float
    line: int
    what: str  # "line" (too wide) or "page" (too high)


@dataclass(frozen=True)
class Missing:
    """A character TeX could not print: its font has no glyph for it."""

    page: int
    variant: int
    char: str  # as TeX names it: 4 (U+0034)
    font: str


@dataclass(frozen=True)
class Layout:
    """A document's layout findings: boxes too wide or too high, characters without a
    glyph, and how far each piece the sheet shrank to fit its line was shrunk."""

    overfull: tuple[Overfull, ...] = ()
    shrunk: tuple[float, ...] = ()
    missing: tuple[Missing, ...] = ()


def read_log(log: str) -> Layout:
    """The layout findings of a TeX log (boxes over :data:`FUZZ` only)."""
    shipped, variant, found, shrunk, missing = 0, 0, [], [], []
    for text in log.splitlines():
        if m := _MISSING.match(text):
            missing.append(Missing(shipped + 1, variant, m.group(1), m.group(2)))
        elif m := _PAGE.match(text):
            shipped = int(m.group(1))
        elif m := _VARIANT.match(text):
            variant = int(m.group(1))
        elif m := _SHRUNK.match(text):
            shrunk.append(round(float(m.group(2)) / float(m.group(1)), 3))
        elif (m := _OVERFULL.match(text)) and float(m.group(2)) > FUZZ:
            line = next((int(g) for g in m.group(3, 4, 5) if g), 0)
            found.append(Overfull(shipped + 1, variant, float(m.group(2)), line,
                                  "line" if m.group(1) == "h" else "page"))
    return Layout(tuple(found), tuple(shrunk), tuple(missing))


def to_bytes(found: dict[str, Layout]) -> bytes:
    """layout.json: per document, its overfull boxes (none when all fits) and the
    factors its shrunk pieces were scaled by."""
    return (json.dumps({name: {"overfull": [asdict(o) for o in lay.overfull],
                               "shrunk": list(lay.shrunk),
                               "missing": [asdict(m) for m in lay.missing]}
                        for name, lay in found.items()}, indent=1) + "\n").encode()


def from_bytes(data: bytes) -> dict[str, Layout]:
    """layout.json read back (ValueError if it is not one)."""
    doc = json.loads(data)
    if not isinstance(doc, dict):
        raise ValueError("expected an object of documents")
    return {str(name): Layout(tuple(Overfull(**o) for o in d["overfull"]),
                              tuple(float(x) for x in d["shrunk"]),
                              tuple(Missing(**m) for m in d.get("missing", ())))
            for name, d in doc.items()}


def messages(found: dict[str, Layout], codes: list[str]) -> list[str]:
    """One line per box, naming the PDF, page and variant (``codes`` in document order)."""
    def where(variant: int) -> str:
        return (f", variant {codes[variant - 1]}"
                if len(codes) > 1 and 0 < variant <= len(codes) else "")
    out = []
    for name, lay in found.items():
        for o in lay.overfull:
            what = "a line" if o.what == "line" else "the page's content"
            unit = "wide" if o.what == "line" else "high"
            out.append(f"{name}.pdf page {o.page}{where(o.variant)}: {what} {o.points:g} pt too "
                       f"{unit} ({name}.tex line {o.line})")
        for m in lay.missing:
            out.append(f"{name}.pdf page {m.page}{where(m.variant)}: no glyph for {m.char} in font "
                       f"{m.font}; it prints as nothing")
    return list(dict.fromkeys(out))  # a character missing twice on a page: one line
