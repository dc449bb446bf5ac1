"""The key a class is marked against: each variant's answer entries with the answer
policy of the build's answers.json (value, tolerance and form of every entry).

Variants of one class set ask the same entries: what a sheet asks is worked out once
for each layout of answers (kinds and shapes), then read off every variant by address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .. import answersfile
from ..entries import entries
from ..errors import InputError
from ..exercises import REGISTRY, Exercise, Kind
from ..numbers import decode_exact, to_fraction
from ..responses import Column, columns
from ..sheet import Variant


@dataclass(frozen=True)
class Entry:
    """One number a variant asks, and what a grader accepts for it."""

    column: Column
    key: object  # Fraction, int or float
    tol: float
    form: str


@dataclass
class Part:
    """One exercise of a variant: what its solve needs, and the entries it asks."""

    number: int
    kind: str
    raw: dict  # its params as answers.json holds them
    places: int  # the decimals a student rounds to
    entries: list[Entry]
    order: dict[str, int]  # an answer label's place in the computation
    where: str = ""
    _params: dict | None = field(default=None, repr=False)

    @property
    def module(self) -> Kind:
        return REGISTRY[self.kind]

    @property
    def params(self) -> dict:
        """The params parsed, as the kind's solve takes them."""
        if self._params is None:
            try:
                self._params = self.module.parse(decode_exact(self.raw), self.where)
            except ValueError as e:
                raise InputError(self.where, str(e)) from None
        return self._params


@dataclass
class Sheet:
    """One variant of the build."""

    id: str
    code: str
    name: str
    parts: list[Part]


@dataclass(frozen=True)
class _Layout:
    """What a layout of answers asks: each part's columns with their addresses in the
    answers tree, and each answer label's place in the computation."""

    asked: list[list[tuple[Column, tuple]]]
    order: list[dict[str, int]]


def load(build: Path) -> tuple[dict, list[Sheet]]:
    """The sheet block of a build's answers.json and every variant's key."""
    doc = answersfile.load(build)
    places = doc.get("sheet", {}).get("decimals", 4)
    where = Path(build) / answersfile.NAME
    layouts: dict[tuple, _Layout] = {}
    sheets = []
    for i, v in enumerate(doc["variants"]):
        for n, e in enumerate(v["exercises"]):
            if e["kind"] not in REGISTRY:
                raise InputError(f"{where}: variants[{i}].exercises[{n}].kind",
                                 f"unknown kind {e['kind']!r}")
        sig = tuple((e["kind"], _shape(e["answers"])) for e in v["exercises"])
        if sig not in layouts:
            layouts[sig] = _layout(v, places, f"{where}: variants[{i}]")
        layout = layouts[sig]
        parts = []
        for n, e in enumerate(v["exercises"]):
            at = f"{where}: variants[{i}].exercises[{n}]"
            try:
                asked = [Entry(c, _number(_at(e["answers"], a), e.get("exact", False)),
                               float(_at(e["tolerances"], a)), str(_at(e["forms"], a)))
                         for c, a in layout.asked[n]]
            except (KeyError, IndexError, TypeError, ValueError):
                raise InputError(at, "answers, tolerances and forms differ in shape; "
                                 "generate the build again") from None
            parts.append(Part(n + 1, e["kind"], e["params"], e["decimals"] or places, asked,
                              layout.order[n], f"{at}.params"))
        sheets.append(Sheet(v["id"], v["code"], v.get("name", ""), parts))
    return doc, sheets


def _layout(v: dict, places: int, where: str) -> _Layout:
    """What one variant asks, worked out from its questions."""
    exercises = []
    for n, e in enumerate(v["exercises"]):
        k = REGISTRY[e["kind"]]
        try:
            p = k.parse(decode_exact(e["params"]), f"{where}.exercises[{n}].params")
        except ValueError as err:
            raise InputError(f"{where}.exercises[{n}].params", str(err)) from None
        answers = _decode(e["answers"], e.get("exact", False))
        exercises.append(Exercise(e["kind"], p, answers, bool(e.get("exact")),
                                  e["decimals"] or places, e["tolerances"], e["forms"]))
    variant = Variant(v["id"], v["seed"], v["code"], exercises, v.get("name", ""))
    addresses = [dict(entries(ex.kind, _addresses(v["exercises"][n]["answers"]),
                              leaf=lambda x: isinstance(x, tuple)))
                 for n, ex in enumerate(exercises)]
    asked: list[list[tuple[Column, tuple]]] = [[] for _ in exercises]
    for c in columns(variant):
        if c.path not in addresses[c.part - 1]:
            raise InputError(where, f"{c.id}: asked, but not among the answers recorded; "
                             "generate the build again")
        asked[c.part - 1].append((c, addresses[c.part - 1][c.path]))
    return _Layout(asked, [{label: k for k, label in enumerate(a)} for a in addresses])


def _shape(tree):
    """Keys and lengths of an answers tree (a list of plain values by its length and
    whether they are words)."""
    if isinstance(tree, dict):
        return tuple((k, _shape(v)) for k, v in tree.items())
    if isinstance(tree, list):
        if tree and not isinstance(tree[0], (list, dict)):
            return (len(tree), isinstance(tree[0], str) and "/" not in tree[0])
        return tuple(_shape(v) for v in tree)
    return isinstance(tree, str) and "/" not in tree


def _addresses(tree, at: tuple = ()):
    """A tree of the same shape whose leaves are their own addresses."""
    if isinstance(tree, dict):
        return {k: _addresses(v, (*at, k)) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_addresses(v, (*at, i)) for i, v in enumerate(tree)]
    return at


def _at(tree, address: tuple):
    for k in address:
        tree = tree[k]
    return tree


def _number(raw, exact: bool):
    """A recorded answer as the kinds hold it: "p/q" as a Fraction, and a decimal on an
    exact exercise too."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ValueError("not a number")
    if isinstance(raw, float) and exact:
        return Fraction(repr(raw))  # the decimal answers.json wrote: the exact value
    if isinstance(raw, str):
        return to_fraction(raw)
    return raw


def _decode(tree, exact: bool):
    """Recorded answers for the kind's questions: numbers as :func:`_number` reads them,
    words as they are."""
    if isinstance(tree, dict):
        return {k: _decode(v, exact) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_decode(v, exact) for v in tree]
    try:
        return _number(tree, exact)
    except ValueError:
        return tree


__all__ = ["Entry", "Part", "Sheet", "load"]
