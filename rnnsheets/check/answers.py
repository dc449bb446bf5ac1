"""``check`` of answers.json: every recorded answer against a fresh solve of its params."""

from __future__ import annotations

from ..entries import entries, flatten, is_number
from ..errors import InputError
from ..exercises import REGISTRY, Exercise, solve
from ..numbers import decode_exact, encode, to_fraction
from ..report import Report, show
from ..sheet import Variant


def recheck_variant(v: dict, index: int, report: Report) -> Variant:
    code = v.get("code", f"#{index}")
    exercises = []
    for n, e in enumerate(v.get("exercises", []), start=1):
        where = f"variant {code}, part {n} ({e.get('kind')})"
        if e.get("kind") not in REGISTRY:
            report.problems.append(f"{where}: unknown kind")
            continue
        try:
            fresh = solve(e["kind"], decode_exact(e["params"]), e.get("decimals") or 4)
        except InputError as err:
            report.problems.append(f"{where}: params do not solve: {err}")
            continue
        _compare_answers(where, e, fresh, report)
        exercises.append(fresh)
        report.count("exercises")
    report.count("variants")
    return Variant(v["id"], v["seed"], code, exercises, v.get("name", ""))


def _compare_answers(where: str, recorded: dict, fresh: Exercise, report: Report) -> None:
    raw = recorded.get("answers", {})
    got = dict(entries(fresh.kind, decode_exact(raw) if fresh.exact else raw))
    want = dict(entries(fresh.kind, fresh.answers))
    for label, value in want.items():
        report.count("answers")
        if label not in got:
            report.problems.append(f"{where}: {label}: missing from answers.json, "
                                   f"computed {show(value)}")
            continue
        r = got[label]
        if isinstance(r, str) or not is_number(r):
            r = _parse_number(r)
        # answers.json holds full precision: a recorded float is the computed one, to rounding
        wrong = (r is None or (r != value if fresh.exact else
                               abs(float(r) - float(value)) > 1e-9 * max(1.0, abs(value))))
        if wrong:
            report.problems.append(f"{where}: {label}: recorded {show(got[label])}, "
                                   f"computed {show(value)}")
    for label in got.keys() - want.keys():
        report.problems.append(f"{where}: {label}: recorded, but no such answer")
    for k, v in fresh.answers.items():  # words and the symbolic expansion
        if not any(is_number(x) for _, x in flatten(v)) and encode(v) != raw.get(k):
            report.problems.append(f"{where}: {k}: recorded {raw.get(k)!r}, computed {encode(v)!r}")


def _parse_number(v):
    try:
        return to_fraction(v)
    except ValueError:
        return None
