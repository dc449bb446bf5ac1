"""A sheet is one or more variants of the activity, each drawn from (seed, variant id)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import __version__
from .exercises import ACTIVITY, Exercise, draw
from .stream import Stream, derive_seed

SCHEMA = 1


@dataclass(frozen=True)
class Planned:
    """An exercise to produce: its kind, the params fixed in advance, where they came from."""

    kind: str
    given: dict = field(default_factory=dict)
    where: str = ""


@dataclass
class Variant:
    """One student's sheet: its id, derived seed, printed code and solved exercises."""

    id: str
    seed: int
    code: str
    exercises: list[Exercise]
    name: str = ""

    def to_json(self) -> dict:
        """The variant as it stands in answers.json."""
        out = {"id": self.id, "seed": self.seed, "code": self.code}
        if self.name:
            out["name"] = self.name
        out["exercises"] = [e.to_json() for e in self.exercises]
        return out


def default_plan() -> list[Planned]:
    """The four-part class activity."""
    return [Planned(kind) for kind in ACTIVITY]


def draw_variant(seed: int, variant_id: str, settings: dict,
                 plan: Sequence[Planned] | None = None, name: str = "") -> Variant:
    """Draw and solve one variant. Each exercise has its own stream, keyed by
    (variant seed, kind, occurrence of that kind), so exercises never disturb each other."""
    vseed = derive_seed(seed, variant_id)
    seen: Counter[str] = Counter()
    exercises = []
    for item in plan or default_plan():
        stream = Stream(vseed, item.kind, seen[item.kind])
        seen[item.kind] += 1
        exercises.append(draw(item.kind, stream, settings, item.given, item.where))
    return Variant(variant_id, vseed, f"{seed}-{variant_id}", exercises, name)


#: The title-block settings recorded in answers.json, so a build can be rendered again.
SHEET_FIELDS = ("title", "course", "date")


def answers_document(seed: int, variants: Sequence[Variant], sheet: dict) -> dict:
    """The content of answers.json."""
    return {
        "schema": SCHEMA,
        "generator": f"rnnsheets {__version__}",
        "seed": seed,
        "sheet": {k: sheet[k] for k in SHEET_FIELDS},
        "variants": [v.to_json() for v in variants],
    }
