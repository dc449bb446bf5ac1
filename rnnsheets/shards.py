"""A big class set without TeX, made on two cores.

What each variant adds to the outputs (its pages of the worksheet and of the key, its
line of the key's answer grid, its answers.json entry and its response columns) does
not depend on the others, so the later half of the variants is drawn, solved and
rendered in a forked child while this process does the first; the pieces come back as
text. The documents are put together
from the pieces exactly as from a render in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import answersfile, responses
from .forked import side_by_side
from .render import variant_pieces
from .sheet import Variant

#: Fewer variants than this are made in one process (a fork costs more than it saves).
MIN_VARIANTS = 128
#: The share of the variants made here (measured: putting 1000 variants' outputs together
#: and writing them takes this process about 0.15 s of the 7 s it takes to make them).
SHARE = 0.48


def pieces(variants: Sequence[Variant], settings: dict,
           progress: Callable[[int], None] | None = None) -> dict | None:
    """Every variant's pieces, keyed by (what, index), made on two cores; None where that
    would not pay (a small class set)."""
    n = len(variants)
    if n < MIN_VARIANTS:
        return None
    half = round(n * SHARE)  # a little under half here: this process puts them together
    made, theirs, forked = side_by_side(lambda: _make(variants, settings, 0, half),
                                        lambda: _make(variants, settings, half, n))
    if forked and progress is not None:
        progress(n - half)  # the child's draws
    return {**made, **theirs}


def _make(variants: Sequence[Variant], settings: dict, start: int, stop: int) -> dict:
    made = variant_pieces(variants, settings, start, stop)
    for i in range(start, stop):
        made[("answers", i)] = answersfile.variant_text(variants[i])
        made[("columns", i)] = responses.row_columns(variants[i])
    return made
