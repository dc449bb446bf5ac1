"""``check`` of answers.json: every recorded answer against a fresh solve of its params."""

from __future__ import annotations

from math import isfinite

from ..entries import entries, flatten, is_number, policy
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
        except (InputError, ValueError) as err:  # ValueError: NaN, infinities, huge numbers
            report.problems.append(f"{where}: params do not solve: {err}")
            continue
        _compare_answers(where, e, fresh, report)
        _compare_policy(where, e, fresh, report)
        exercises.append(fresh)
        report.count("exercises")
    report.count("variants")
    return Variant(v["id"], v["seed"], code, exercises, v.get("name", ""))


def _compare_answers(where: str, recorded: dict, fresh: Exercise, report: Report) -> None:
    raw = recorded.get("answers", {})
    got = dict(entries(fresh.kind, _readable(raw) if fresh.exact else raw))
    want = dict(entries(fresh.kind, fresh.answers))
    for label, value in want.items():
        report.count("answers")
        if label not in got:
            report.problems.append(f"{where}: {label}: missing from answers.json, "
                                   f"computed {show(value)}")
            continue
        r = got[label]
        if isinstance(r, str) or not is_number(r) or isinstance(r, float) and not isfinite(r):
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


def _compare_policy(where: str, recorded: dict, fresh: Exercise, report: Report) -> None:
    """The recorded form and tolerance of every entry against the fresh answer policy."""
    pol = policy(fresh)
    forms = recorded.get("forms")
    tols = recorded.get("tolerances")
    got_forms = dict(entries(fresh.kind, forms, leaf=lambda v: isinstance(v, str))) \
        if isinstance(forms, dict) else {}
    got_tols = dict(entries(fresh.kind, tols)) if isinstance(tols, dict) else {}
    for label, (form, tol) in pol.items():
        if got_forms.get(label) != form:
            report.problems.append(f"{where}: forms: {label}: recorded "
                                   f"{got_forms.get(label)!r}, computed {form!r}")
        got = got_tols.get(label)
        if not is_number(got) or abs(float(got) - tol) > 1e-12 * max(1.0, tol):
            report.problems.append(f"{where}: tolerances: {label}: recorded {got!r}, "
                                   f"computed {tol!r}")
    for label in (got_forms.keys() | got_tols.keys()) - pol.keys():
        report.problems.append(f"{where}: {label}: a form or tolerance for no answer")


def _readable(value):
    """answers.json values decoded exactly where they can be; NaN and the like stay as they
    are, to be reported as not matching."""
    if isinstance(value, list):
        return [_readable(v) for v in value]
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    try:
        return decode_exact(value)
    except ValueError:
        return value


def _parse_number(v):
    try:
        return to_fraction(v)
    except ValueError:
        return None
