"""Exercise kinds: one module each, with draw(), parse(), solve() and is_exact().

Adding a kind means one module here, one template ``templates/<kind>.tex.j2`` and
one line in :data:`REGISTRY`; the tests pick it up from the registry.
"""

from __future__ import annotations

from types import ModuleType

from ..stream import Stream
from . import bigram, bigram_rnn, bptt, forward
from .base import Exercise, tolerance_for

REGISTRY: dict[str, ModuleType] = {
    m.KIND: m for m in (forward, bigram, bigram_rnn, bptt)
}

#: The class activity, in order.
ACTIVITY = ("forward", "bigram", "bigram_rnn", "bptt")


def solve(kind: str, params: dict, decimals: int, where: str = "") -> Exercise:
    """Validate params of a kind and solve them into an Exercise."""
    module = REGISTRY[kind]
    p = module.parse(params, where)
    exact = module.is_exact(p)
    answers = module.solve(p, where)
    return Exercise(kind, p, answers, exact, decimals, tolerance_for(exact, decimals))


def draw(kind: str, stream: Stream, settings: dict, given: dict | None = None,
         where: str = "") -> Exercise:
    """Draw the params a kind needs (keeping those given) and solve them."""
    params = REGISTRY[kind].draw(stream, settings, dict(given or {}), where)
    return solve(kind, params, settings["sheet"]["decimals"], where)


__all__ = ["ACTIVITY", "REGISTRY", "Exercise", "draw", "solve"]
