"""What every exercise kind shares: its interface, the solved-exercise record and the
params reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from types import ModuleType
from typing import Protocol

from ..core import ACTIVATIONS
from ..errors import InputError
from ..numbers import to_fraction
from ..questions import Question, Statement
from ..settings import Setting
from ..stream import Stream
from ..userfiles import clean

#: How many times a sampler may redraw before giving up.
MAX_DRAWS = 1000
#: The longest word a sheet prints (in a table head, a sentence, a label).
MAX_WORD = 30


#: What a student may give for one answer entry (``Exercise.forms``): a whole number
#: (counts, numbers of terms); exactly (a fraction is fine) or a decimal rounded to the
#: decimals asked; a decimal rounded to the decimals asked.
FORMS = ("exact", "exact_or_decimal", "decimals")


@dataclass
class Exercise:
    """One solved exercise: what the worksheet prints (params) and the key (answers).

    ``exact`` answers are Fractions; otherwise floats, printed with ``decimals``
    places. The answer policy, per entry and of the same shape as ``answers``:
    ``forms`` (a key of :data:`FORMS`) and ``tolerances``, the absolute error a
    grader accepts, which covers a careful student's rounding (see ``rounding``).
    """

    kind: str
    params: dict
    answers: dict
    exact: bool
    decimals: int
    tolerances: dict = field(default_factory=dict)
    forms: dict = field(default_factory=dict)


#: The param that switches a kind's solve to a mistake's maths (see :class:`Mistake`).
SLIP = "slip"


@dataclass(frozen=True)
class Mistake:
    """A named misconception, as a perturbed solve: ``perturb`` turns parsed params into
    those whose solve gives what a student with the misconception finds (other numbers,
    or ``{SLIP: name}`` for a step the kind's solve does the wrong way), or None where it
    cannot arise (e.g. W and V of different shapes)."""

    name: str
    title: str  #: a few words
    why: str  #: one line: what the student did
    perturb: Callable[[dict], dict | None]


def slip(name: str) -> Callable[[dict], dict]:
    """The perturbation that makes a kind's solve take the step ``name`` the wrong way."""
    return lambda p: {**p, SLIP: name}



class KindModule(Protocol):
    """What a kind's module must define. The optional members, with their defaults, are
    those documented on :class:`Kind`; each member is written down once, here or there."""

    KIND: str  #: the name in specs, configs and answers.json
    TITLE: str  #: the part's heading
    SETTINGS: dict[str, Setting]  #: its config section, with defaults and limits

    def draw(self, stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
        """Params drawn from the stream and settings, keeping the ``given`` ones."""

    def parse(self, params: dict, where: str) -> dict:
        """Validated params (numbers as Fractions); InputErrors name the field."""

    def solve(self, p: dict, where: str = "") -> dict:
        """Every answer the key prints, computed from parsed params."""

    def statement(self, ex: Exercise) -> Statement:
        """What the exercise gives, for on-screen formats."""

    def questions(self, ex: Exercise) -> list[Question]:
        """The items of the part, each with its worked solution as steps."""


#: The required members, read off the Protocol above.
REQUIRED = tuple(name for name in [*KindModule.__annotations__, *vars(KindModule)]
                 if not name.startswith("_") and (name in KindModule.__annotations__
                                                  or callable(vars(KindModule)[name])))


class Kind:
    """A registered kind: its module's members, with defaults for the optional ones."""

    #: Optional constants and their defaults.
    OPTIONAL: dict[str, object] = {
        "CLI_OPTIONS": (),  # shared CLI options the kind follows (activation, hidden, ...)
        "STEP_FIELDS": (),  # answers by time step, interleaved step by step
        "BACKWARD_FIELDS": (),  # answers by time step, computed from the last step back
        "ORDER": (),  # answer fields in computation order (default: as solve returns them)
        "FINAL": (),  # the answers handed in as final (a hand key's wrong ones are named)
        "MISTAKES": (),  # named misconceptions (Mistake), each a perturbed solve
    }

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        missing = [m for m in REQUIRED if not hasattr(module, m)]
        if missing:
            raise TypeError(f"{module.__name__} lacks {', '.join(missing)} (see KindModule)")

    def __getattr__(self, name: str):
        if name in Kind.OPTIONAL:
            return getattr(self.module, name, Kind.OPTIONAL[name])
        return getattr(self.module, name)

    @property
    def name(self) -> str:
        return self.module.KIND

    def is_exact(self, p: dict) -> bool:
        """Optional: whether the answers are exact rationals (default: by the activation)."""
        if hasattr(self.module, "is_exact"):
            return self.module.is_exact(p)
        return ACTIVATIONS[p["activation"]].exact

    def view(self, ex: Exercise) -> dict:
        """Optional: display-ready values for the kind's template (default: none)."""
        return self.module.view(ex) if hasattr(self.module, "view") else {}

    def continues(self, earlier: list, stream: Stream, settings: dict) -> dict:
        """Optional: params that carry on from an earlier part of the sheet (default: none).

        ``earlier``: (part number, Exercise) of the parts before this one."""
        if hasattr(self.module, "continues"):
            return self.module.continues(earlier, stream, settings)
        return {}

    def check_settings(self, section: dict, where: str) -> None:
        """Optional: rules across the section's settings (default: none)."""
        if hasattr(self.module, "check_settings"):
            self.module.check_settings(section, where)


class Params:
    """Reads one exercise's params, naming the field in every error."""

    def __init__(self, data: dict, where: str) -> None:
        if not isinstance(data, dict):
            raise InputError(where, "expected a table of params")
        self.data = data
        self.where = where

    def error(self, name: str, message: str) -> InputError:
        """An InputError located at params.<name>."""
        return InputError(f"{self.where}.{name}" if self.where else name, message)

    def has(self, name: str) -> bool:
        """Whether the field is given."""
        return name in self.data

    def get(self, name: str):
        """The raw value; an error naming the field if it is missing."""
        if name not in self.data:
            raise self.error(name, "missing field")
        return self.data[name]

    def number(self, name: str, value=None, positive: bool = False) -> Fraction:
        """A number (int, decimal or "p/q") as a Fraction."""
        raw = self.get(name) if value is None else value
        try:
            x = to_fraction(raw)
        except ValueError as e:
            raise self.error(name, f"expected a number, found {raw!r}") from e
        if positive and x <= 0:
            raise self.error(name, f"expected a positive number, found {raw!r}")
        return x

    def matrix(self, name: str, rows: int | None, cols: int | None, why: str = "") -> list:
        """A list of rows of numbers, with the expected shape where it is known."""
        raw = self.get(name)
        if not isinstance(raw, list) or not raw or not all(isinstance(r, list) for r in raw):
            raise self.error(name, "expected a matrix (a list of rows of numbers)")
        widths = {len(r) for r in raw}
        if len(widths) != 1:
            raise self.error(name, "rows have different lengths")
        found = (len(raw), widths.pop())
        if (rows is not None and found[0] != rows) or (cols is not None and found[1] != cols):
            want = f"{'?' if rows is None else rows}x{'?' if cols is None else cols}"
            raise self.error(name, f"expected a {want} matrix{why}, found {found[0]}x{found[1]}")
        return [[self._entry(name, v, f"[{i}][{j}]") for j, v in enumerate(r)]
                for i, r in enumerate(raw)]

    def vector(self, name: str, n: int | None, why: str = "") -> list:
        """A flat list of n numbers."""
        raw = self.get(name)
        if not isinstance(raw, list) or any(isinstance(v, list) for v in raw) or not raw:
            raise self.error(name, "expected a vector (a flat list of numbers)")
        if n is not None and len(raw) != n:
            raise self.error(name, f"expected {n} numbers{why}, found {len(raw)}")
        return [self._entry(name, v, f"[{i}]") for i, v in enumerate(raw)]

    def vectors(self, name: str, n: int | None, at_least: int = 1, why: str = "") -> list:
        """A list of vectors (one per time step), each of n numbers."""
        raw = self.get(name)
        if not isinstance(raw, list) or not all(isinstance(v, list) for v in raw):
            raise self.error(name, "expected a list of vectors, one per step")
        if len(raw) < at_least:
            raise self.error(name, f"expected at least {at_least} vectors, found {len(raw)}")
        out = []
        for t, v in enumerate(raw):
            if n is not None and len(v) != n:
                raise self.error(f"{name}[{t}]", f"expected {n} numbers{why}, found {len(v)}")
            out.append([self._entry(name, e, f"[{t}][{i}]") for i, e in enumerate(v)])
        return out

    def choice(self, name: str, options: tuple[str, ...]) -> str:
        """One of a fixed set of words."""
        raw = self.get(name)
        if raw not in options:
            raise self.error(name, f"expected one of {', '.join(options)}, found {raw!r}")
        return raw

    def flag(self, name: str) -> bool:
        """true or false."""
        raw = self.get(name)
        if not isinstance(raw, bool):
            raise self.error(name, f"expected true or false, found {raw!r}")
        return raw

    def tokens(self, name: str, value=None, most: int = 12) -> list[str]:
        """A non-empty list of at most ``most`` words (a string is split on white space),
        each printable as itself in every format (see userfiles.clean)."""
        raw = self.get(name) if value is None else value
        if isinstance(raw, str):
            raw = raw[:10_000].split()
        if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
            raise self.error(name, "expected a list of non-empty words")
        if not raw:
            raise self.error(name, "expected at least one word")
        if len(raw) > most:
            raise self.error(name, f"{len(raw)} words; at most {most} fit a sheet")
        words = [w.strip() for w in raw]
        for i, w in enumerate(raw):
            where = f"{self.where}.{name}[{i}]" if self.where else f"{name}[{i}]"
            clean(where, w.strip(" "), "a word", longest=MAX_WORD)  # controls at the ends too
            w = words[i]
            if any(c.isspace() for c in w):
                raise self.error(f"{name}[{i}]", "a word may not hold white space")
        return words

    def _entry(self, name: str, value, index: str) -> Fraction:
        try:
            return to_fraction(value)
        except ValueError:
            raise self.error(f"{name}{index}", f"expected a number, found {value!r}") from None


def first_size(given: dict, default: int, *probes: tuple[str, Callable[[list], int]]) -> int:
    """A size read off the first given field that can tell it, else the default."""
    for name, read in probes:
        value = given.get(name)
        try:
            size = read(value) if value is not None else None
        except (TypeError, IndexError, KeyError):
            size = None
        if isinstance(size, int) and size > 0:
            return size
    return default


def redraw(make: Callable[[], dict], acceptable: Callable[[dict], bool], what: str,
           where: str = "") -> dict:
    """Draw until acceptable (e.g. no ReLU pre-activation at exactly 0)."""
    for _ in range(MAX_DRAWS):
        params = make()
        if acceptable(params):
            return params
    raise InputError(where, f"could not draw {what} after {MAX_DRAWS} tries; loosen the "
                     "settings")
