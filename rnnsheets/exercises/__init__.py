"""Exercise kinds: one module each (see :class:`~.base.KindModule`), one template
``templates/<kind>.tex.j2`` and one line in :data:`REGISTRY`. Nothing else in the
package names a kind: settings, the CLI, every output format and ``check`` read
the registry.
"""

from __future__ import annotations

import math
from fractions import Fraction
from importlib import import_module

from .. import rounding
from ..errors import InputError
from ..stream import Stream
from .base import FORMS, Exercise, Kind, Mistake

#: Every kind, one line each: the module of that name in this package.
KINDS = (
    "forward",
    "bigram",
    "bigram_rnn",
    "bptt",
    "softmax_lm",
    "lstm",
)
REGISTRY: dict[str, Kind] = {name: Kind(import_module(f".{name}", __name__)) for name in KINDS}

#: The class activity, in order: the sheet's parts unless a config or --parts says otherwise.
ACTIVITY = ("forward", "bigram", "bigram_rnn", "bptt")


def solve(kind: str, params: dict, decimals: int, where: str = "") -> Exercise:
    """Validate params of a kind and solve them into an Exercise."""
    k = REGISTRY[kind]
    p = k.parse(params, where)
    unknown = sorted(set(params) - set(p), key=str) if isinstance(params, dict) else []
    if unknown:  # a misspelt field would otherwise be drawn afresh without a word
        raise InputError(f"{where}.{unknown[0]}" if where else str(unknown[0]),
                         f"unknown param of {kind}; expected one of {', '.join(p)}")
    answers = k.solve(p, where)
    with rounding.careful(decimals):  # again, as a student who rounds what the key shows
        held = k.solve(p, where)
    tolerances = _leaves(held, lambda x: rounding.tolerance(x, decimals))
    unbounded = _unbounded(tolerances)
    if unbounded is not None:  # e.g. a probability that rounds to 0 before its logarithm
        raise InputError(where or kind, f"rounded to {decimals} decimals, as the sheet asks, "
                         f"the values before {unbounded} can go where it is not defined "
                         "(a probability rounded to 0 under a logarithm); ask for more "
                         "decimals or use smaller weights")
    return Exercise(kind, p, answers, k.is_exact(p), decimals, tolerances,
                    _leaves(answers, _form))


def _form(x) -> str:
    """What a student may give for an entry: whole numbers exactly, rationals exactly or
    rounded, the rest rounded."""
    whole, rational, decimal = FORMS
    return whole if isinstance(x, int) else rational if isinstance(x, Fraction) else decimal


def _unbounded(tree, label: str = "") -> str | None:
    """The label of the first tolerance that is not finite, or None."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) \
        if isinstance(tree, list) else None
    if items is None:
        return label if isinstance(tree, float) and not math.isfinite(tree) else None
    for k, v in items:
        found = _unbounded(v, f"{label}.{k}" if isinstance(k, str) and label else
                           k if isinstance(k, str) else f"{label}[{k}]")
        if found:
            return found
    return None


def _leaves(tree, fn):
    """``fn`` of every numeric leaf of an answers tree, None for the others (words)."""
    if isinstance(tree, dict):
        return {k: _leaves(v, fn) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_leaves(v, fn) for v in tree]
    return None if isinstance(tree, (str, bool)) or tree is None else fn(tree)


def draw(kind: str, stream: Stream, settings: dict, given: dict | None = None,
         where: str = "") -> Exercise:
    """Draw the params a kind needs (keeping those given) and solve them."""
    params = REGISTRY[kind].draw(stream, settings, dict(given or {}), where)
    return solve(kind, params, settings["sheet"]["decimals"], where)


__all__ = ["ACTIVITY", "FORMS", "REGISTRY", "Exercise", "Kind", "Mistake", "draw", "solve"]
