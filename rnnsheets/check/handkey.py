"""``check`` on a hand-made key: each answer a spec file's exercises carry, against the
true value, with rounding told apart and the first wrong step of the working named."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..entries import entries, flatten, is_number
from ..errors import InputError
from ..exercises import REGISTRY, Exercise, solve
from ..numbers import to_fraction
from ..report import Report, show
from ..spec import read_data


def audit_spec(path: Path) -> Report:
    """Each answer a spec file's exercises carry, against the true value."""
    report = Report()
    data = read_data(path)
    items = data.get("exercises")
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: exercises", "expected a non-empty list of exercises")
    for i, item in enumerate(items):
        where = f"{path}: exercises[{i}]"
        kind = item.get("kind") if isinstance(item, dict) else None
        if not isinstance(kind, str) or kind not in REGISTRY:
            raise InputError(f"{where}.kind", f"unknown exercise kind {kind!r}; expected one of "
                             + ", ".join(REGISTRY))
        hand = item.get("answers")
        if hand is None or hand == {}:
            report.notes.append(f"{where}: no answers to audit")
            continue
        if not isinstance(hand, dict):
            report.problems.append(f"{where}.answers: expected a table of answers by name, "
                                   f"found {type(hand).__name__}")
            continue
        fresh = solve(kind, item.get("params", {}), 4, f"{where}.params")
        _audit(f"{where} ({kind})", fresh, hand, report)
    return report


def _audit(where: str, fresh: Exercise, hand: dict, report: Report) -> None:
    for label, leaf in _unreadable(hand):
        report.problems.append(f"{where}: {label}: {leaf!r} is not a number")
    for name, value in hand.items():
        if name not in fresh.answers:
            report.problems.append(f"{where}: {name}: no such answer (expected one of "
                                   f"{', '.join(fresh.answers)})")
        elif _shape(value) != _shape(fresh.answers[name]):
            report.problems.append(f"{where}: {name}: expected {_describe(fresh.answers[name])}, "
                                   f"found {_describe(value)}")
    truth = entries(fresh.kind, fresh.answers)
    order = {label: n for n, (label, _) in enumerate(truth)}
    true = dict(truth)
    verdicts: list[tuple[int, str, object, object]] = []
    for label, given in _hand_entries(fresh.kind, hand):
        if label not in true:
            report.problems.append(f"{where}: {label}: the key gives {given}, but there is no "
                                   "such answer (check its shape)")
            continue
        verdict = _judge(given, true[label])
        report.count("answers")
        if verdict == "rounding":
            report.count("rounded")
            report.notes.append(f"{where}: {label}: key says {given}, true {show(true[label])}"
                                ": rounding, accepted")
        elif verdict == "wrong":
            verdicts.append((order[label], label, given, true[label]))
    if not verdicts:
        return
    verdicts.sort()
    first = verdicts[0]
    final = REGISTRY[fresh.kind].FINAL
    finals = [v for v in verdicts if _field(v[1], final) is not None]
    for _, label, given, value in finals or verdicts:
        line = f"{where}: {label}: key says {given}, true {show(value)}"
        if label != first[1]:
            line += f"; first wrong step: {first[1]} = {first[2]}, should be {show(first[3])}"
        report.problems.append(line)


def _shape(value):
    """A value's structure, numbers and text alike: lists by length, tables by keys."""
    if isinstance(value, list):
        return ("list", tuple(_shape(v) for v in value))
    if isinstance(value, dict):
        return ("table", tuple(sorted((k, _shape(v)) for k, v in value.items())))
    return "one"


def _describe(value) -> str:
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        return f"a {len(value)}x{len(value[0]) if value[0] else 0} matrix (list of rows)"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return "one number"


def _field(label: str, fields) -> str | None:
    """The answer field an entry label belongs to (``dW[0][1]`` -> dW, ``h_0[1]`` -> h)."""
    return next((f for f in fields if label == f or label.startswith((f + "[", f + "_"))), None)


def _hand_entries(kind: str, hand: dict) -> list[tuple[str, object]]:
    """A hand key's answers as labelled entries; numbers kept as written."""
    parsed = {k: _keep(v) for k, v in hand.items()}
    return entries(kind, parsed)


class _Written(Fraction):
    """A number as the key wrote it, remembering its decimals."""

    places: int | None

    def __new__(cls, raw):
        self = super().__new__(cls, to_fraction(raw))
        self.raw = raw
        self.places = _decimals(raw)
        return self

    def __str__(self) -> str:
        return str(self.raw)


def _keep(v):
    if isinstance(v, list):
        return [_keep(e) for e in v]
    if (is_number(v) or isinstance(v, str)) and _parse_number(v) is not None:
        return _Written(v)
    return None  # unreadable: reported by _unreadable, never judged


def _unreadable(hand: dict) -> list[tuple[str, object]]:
    """Entries of a hand key that are not finite numbers (text, booleans, NaN, empties)."""
    out = []
    for label, leaf in flatten(hand):
        if isinstance(leaf, str) and not leaf.strip() and label.count("[") == 0:
            continue  # an answer left blank on purpose
        if isinstance(leaf, bool) or leaf is None or _parse_number(leaf) is None:
            out.append((label, leaf))
    return out


def _decimals(raw) -> int | None:
    """Decimals written, or None for a fraction (exact as written)."""
    if isinstance(raw, str) and "/" in raw:
        return None
    text = repr(raw) if isinstance(raw, float) else str(raw)
    if "e" in text.lower():
        return None
    return len(text.split(".")[1]) if "." in text else 0


def _judge(given: _Written, value) -> str:
    """right, rounding (equal to the true value rounded to the decimals written) or wrong."""
    exact = Fraction(value) if not isinstance(value, float) else None
    if exact is not None and Fraction(given) == exact:
        return "right"
    if exact is None and abs(float(given) - value) <= 1e-12:
        return "right"
    if given.places is None:
        return "wrong"
    half = Fraction(1, 2 * 10**given.places)
    diff = abs(Fraction(given) - (exact if exact is not None else Fraction(value)))
    return "rounding" if diff <= half + Fraction(1, 10**12) else "wrong"


def _parse_number(v):
    try:
        return to_fraction(v)
    except ValueError:
        return None


