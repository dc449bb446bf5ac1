"""The one flattener: nested answers as labelled entries (``z_1[0]``, ``T[2][1]``)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from .exercises import REGISTRY


def flatten(value, label: str = "") -> Iterator[tuple[str, object]]:
    """Every leaf of a value with its label: lists add ``[i]``, dicts ``.key``."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield from flatten(v, f"{label}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from flatten(v, f"{label}.{k}" if label else k)
    else:
        yield label, value


def numbers(value, label: str = "") -> list[tuple[str, object]]:
    """The numeric leaves of a value with their labels."""
    return [(k, v) for k, v in flatten(value, label) if is_number(v)]


def entries(kind: str, answers: dict, leaf=None) -> list[tuple[str, object]]:
    """Every numeric answer entry with its label, in computation order.

    Fields indexed by time step are interleaved step by step (``z_0, h_0, o_0,
    z_1, ...``); backward fields run from the last step to the first. ``leaf``
    picks other leaves of a tree of the same shape (e.g. ``forms``' strings).
    """
    pick = leaf or is_number
    k = REGISTRY[kind]
    forward, backward = set(k.STEP_FIELDS), set(k.BACKWARD_FIELDS)
    order = list(k.ORDER)
    keys = [f for f in order if f in answers] + [f for f in answers if f not in order]
    out: list[tuple[str, object]] = []
    i = 0
    while i < len(keys):
        group_of = forward if keys[i] in forward else backward if keys[i] in backward else None
        if group_of is None:
            out += [e for e in flatten(answers[keys[i]], keys[i]) if pick(e[1])]
            i += 1
            continue
        group = []
        while i < len(keys) and keys[i] in group_of:
            group.append(keys[i])
            i += 1
        steps = max((len(answers[g]) for g in group if isinstance(answers[g], list)), default=0)
        times = range(steps) if group_of is forward else reversed(range(steps))
        for t in times:
            for g in group:
                if isinstance(answers[g], list) and t < len(answers[g]):
                    out += [e for e in flatten(answers[g][t], f"{g}_{t}") if pick(e[1])]
    return out


def is_number(v) -> bool:
    """An int, Fraction or float (not a bool)."""
    return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)


def policy(ex) -> dict[str, tuple[str, float]]:
    """{entry label: (form, tolerance)} of every numeric entry of an exercise: what a
    student may give and what a grader accepts, as the exercise records it."""
    forms = dict(entries(ex.kind, ex.forms, leaf=lambda v: isinstance(v, str)))
    return {label: (forms[label], float(tol)) for label, tol in entries(ex.kind, ex.tolerances)}


def question_forms(question, pol: dict) -> set[str]:
    """The forms of every entry a question asks, from its exercise's :func:`policy`."""
    return {pol[a.path + suffix][0] for a in question.answers for suffix, _ in flatten(a.value)}
