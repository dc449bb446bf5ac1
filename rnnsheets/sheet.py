"""A sheet is one or more variants of the activity, each drawn from (seed, variant id)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .entries import policy, question_forms
from .errors import InputError
from .exercises import REGISTRY, Exercise, draw
from .numbers import decode_exact, encode
from .questions import Question, asked_form
from .stream import Stream, derive_seed


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
    _questions: list[list[Question]] | None = field(default=None, compare=False, repr=False)

    def questions(self) -> list[list[Question]]:
        """Each exercise's questions, worked out once and shared by every format."""
        if self._questions is None:
            self._questions = [_with_forms(REGISTRY[ex.kind].questions(ex), ex)
                               for ex in self.exercises]
        return self._questions


def _with_forms(questions: list[Question], ex: Exercise) -> list[Question]:
    """Each question that asks numbers, told what to type (from the exercise's policy)."""
    pol = policy(ex)
    return [replace(q, asked=asked_form(question_forms(q, pol), ex.decimals)) if q.answers
            else q for q in questions]


def _check_continues(given: dict, exercises: list[Exercise], where: str) -> None:
    """An exercise that carries on an earlier part's network must have that network."""
    part = given["continues"]
    ok = isinstance(part, int) and not isinstance(part, bool) and 1 <= part <= len(exercises)
    if ok:
        before = exercises[part - 1].params
        xs = given.get("x")
        ok = (all(k in before and encode(before[k]) == encode(_parsed(given.get(k)))
                  for k in ("W", "V", "b", "C", "h_init", "activation"))
              and isinstance(xs, list) and "x" in before and len(xs) == len(before["x"]) + 1
              and encode(before["x"]) == encode(_parsed(xs[:-1])))
    if not ok:
        raise InputError(f"{where}.continues" if where else "continues",
                         f"part {part!r} is not an earlier part with this RNN and these tokens "
                         "(the same W, V, b, C, h_init and activation, and its x with one "
                         "more token)")


def _parsed(value):
    try:
        return decode_exact(value)
    except ValueError:
        return value


def default_plan(settings: dict) -> list[Planned]:
    """The kinds the settings put on the sheet (the four-part activity by default)."""
    return [Planned(kind) for kind in settings["sheet"]["parts"]]


def draw_variant(seed: int, variant_id: str, settings: dict,
                 plan: Sequence[Planned] | None = None, name: str = "") -> Variant:
    """Draw and solve one variant. Each exercise has its own stream, keyed by
    (variant seed, kind, occurrence of that kind), so exercises never disturb each other."""
    vseed = derive_seed(seed, variant_id)
    seen: Counter[str] = Counter()
    exercises: list[Exercise] = []
    for item in plan or default_plan(settings):
        stream = Stream(vseed, item.kind, seen[item.kind])
        seen[item.kind] += 1
        given = item.given or REGISTRY[item.kind].continues(
            list(enumerate(exercises, start=1)), stream, settings)
        if "continues" in given:
            _check_continues(given, exercises, item.where)
        exercises.append(draw(item.kind, stream, settings, given, item.where))
    return Variant(variant_id, vseed, f"{seed}-{variant_id}", exercises, name)
