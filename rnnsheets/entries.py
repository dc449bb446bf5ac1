"""Answers as labelled entries (``z_1[0]``, ``T[2][1]``), in the order a person computes them."""

from __future__ import annotations

from fractions import Fraction

from .exercises import REGISTRY


def entries(kind: str, answers: dict) -> list[tuple[str, object]]:
    """Every numeric answer entry with its label, in computation order.

    Fields indexed by time step are interleaved step by step (``z_0, h_0, o_0,
    z_1, ...``); backward fields run from the last step to the first.
    """
    module = REGISTRY[kind]
    forward, backward = set(module.STEP_FIELDS), set(getattr(module, "BACKWARD_FIELDS", ()))
    keys = [k for k in ordered_fields(kind) if k in answers] + \
        [k for k in answers if k not in ordered_fields(kind)]
    out: list[tuple[str, object]] = []
    i = 0
    while i < len(keys):
        group_of = forward if keys[i] in forward else backward if keys[i] in backward else None
        if group_of is None:
            out += _flat(keys[i], answers[keys[i]])
            i += 1
            continue
        group = []
        while i < len(keys) and keys[i] in group_of:
            group.append(keys[i])
            i += 1
        steps = max(len(answers[g]) for g in group if isinstance(answers[g], list))
        times = range(steps) if group_of is forward else reversed(range(steps))
        for t in times:
            for g in group:
                if isinstance(answers[g], list) and t < len(answers[g]):
                    out += _flat(f"{g}_{t}", answers[g][t])
    return out


def ordered_fields(kind: str) -> list[str]:
    """The answer fields of a kind, in the order its solver computes them."""
    return list(REGISTRY[kind].ORDER)


def is_number(v) -> bool:
    """An int, Fraction or float (not a bool)."""
    return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)


def _flat(label: str, value) -> list[tuple[str, object]]:
    if isinstance(value, list):
        out = []
        for i, v in enumerate(value):
            out += _flat(f"{label}[{i}]", v)
        return out
    return [(label, value)] if is_number(value) else []
