"""The library behind ``rnnsheets generate``: draw, solve and write a build folder."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import answersfile, layout, responses, shards
from .config import load_settings
from .errors import InputError
from .formats import Job, build
from .roster import read_roster
from .sheet import Planned, Variant, draw_variant
from .spec import Rebuild, load_spec
from .timing import part_minutes


@dataclass
class Request:
    """What to build: seed, variants, settings and where the exercises come from."""

    seed: int
    settings: dict
    plan: list[Planned] | None = None
    variant_ids: tuple[str, ...] = ("1",)
    names: tuple[str, ...] = ()
    plans: tuple[list[Planned], ...] = ()  # each variant's own exercises (a rebuild)


#: The most variants one build may hold, and with PDFs (measured: 1000 variants with PDFs
#: take about 70 s and 1.1 GB on 2 cores; TeX's time and the PDFs held in memory grow
#: with the count).
MAX_VARIANTS = 5000
MAX_PDF_VARIANTS = 1000


def make_request(seed: int | None, config: Path | None = None, spec: Path | None = None,
                 overrides: dict | None = None, variants: int | None = None,
                 roster: Path | None = None, shared: dict | None = None) -> Request:
    """Settings, plan and variants from the config file, the options (``shared``: those
    for every kind on the sheet that follows them), a spec and a roster. A build's own
    answers.json as the spec builds every one of its variants again, exactly."""
    plan = load_spec(spec) if spec is not None else None
    if isinstance(plan, Rebuild):
        return _rebuild(plan, seed, config, overrides, variants, roster, shared)
    settings = load_settings(config, overrides, shared,
                             [p.kind for p in plan] if plan is not None else None)
    req = Request(seed or 0, settings, plan)
    if roster is not None:
        if variants is not None:
            raise InputError("--variants", "give --variants or --roster, not both")
        students = read_roster(roster)
        if len(students) > MAX_VARIANTS:
            raise InputError(str(roster), f"{len(students)} students; at most {MAX_VARIANTS}")
        req.variant_ids = tuple(sid for sid, _ in students)
        req.names = tuple(name for _, name in students)
    elif variants is not None:
        if not 1 <= variants <= MAX_VARIANTS:
            raise InputError("--variants", f"expected a number from 1 to {MAX_VARIANTS}, "
                             f"found {variants}")
        req.variant_ids = tuple(str(i) for i in range(1, variants + 1))
    return req


def _rebuild(spec: Rebuild, seed, config, overrides, variants, roster, shared) -> Request:
    """The request that builds a build's answers.json again: its seed, ids, names, title
    block, decimals and every exercise's params (options that would change them refused)."""
    if seed is not None and seed != spec.seed:
        raise InputError("--seed", f"the build was made with seed {spec.seed}; leave --seed "
                         "out to build it again")
    sheet_options = ", ".join(f"--{k}" for k in (overrides or {}).get("sheet", {}))
    for given, name in ((variants, "--variants"), (roster, "--roster"), (config, "--config"),
                        (shared, "the exercise options"), (overrides, sheet_options)):
        if given:
            raise InputError(name, "a build's answers.json fixes it; leave it out to build "
                             "the same sheets again")
    kinds = list(dict.fromkeys(p.kind for _, _, plan in spec.variants for p in plan))
    settings = load_settings(None, {"sheet": dict(spec.sheet)}, None, kinds)
    return Request(spec.seed, settings, None, tuple(v for v, _, _ in spec.variants),
                   tuple(n for _, n, _ in spec.variants),
                   tuple(plan for _, _, plan in spec.variants))


class Drawn(Sequence):
    """The request's variants, each drawn and solved the first time it is asked for (in
    whichever thread or forked process asks): a build streams its first variants to TeX
    while later ones are drawn, and a big class set draws its halves side by side."""

    def __init__(self, req: Request, progress: Callable[[int], None] | None = None) -> None:
        self._req, self._progress = req, progress
        self._names = req.names or ("",) * len(req.variant_ids)
        self._plans = req.plans or (req.plan,) * len(req.variant_ids)
        self._done: dict[int, Variant] = {}
        self._drawing: set[int] = set()  # being drawn by some thread
        self._turn = threading.Condition()

    def __len__(self) -> int:
        return len(self._req.variant_ids)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        if (done := self._done.get(i)) is not None:
            return done
        with self._turn:  # one thread draws a variant; any other that wants it waits
            while i not in self._done:
                if i in self._drawing:
                    self._turn.wait()
                    continue
                self._drawing.add(i)
                self._turn.release()
                try:
                    v = draw_variant(self._req.seed, self._req.variant_ids[i],
                                     self._req.settings, self._plans[i], self._names[i])
                finally:
                    self._turn.acquire()
                    self._drawing.discard(i)
                    self._turn.notify_all()
                self._done[i] = v
                if self._progress is not None:
                    self._progress(1)
        return self._done[i]

    def __iter__(self) -> Iterator[Variant]:
        return (self[i] for i in range(len(self)))


def draw_all(req: Request, progress: Callable[[int], None] | None = None) -> Drawn:
    """Every variant of the request, drawn and solved when first used (the first one now,
    so that a spec that cannot be drawn fails before anything starts)."""
    drawn = Drawn(req, progress)
    if len(drawn):
        drawn[0]
    return drawn


def fit_budget(req: Request, variants: list[Variant]) -> tuple[list[Variant], str]:
    """The variants cut to the sheet's time budget ([sheet] minutes, 0: none): parts kept
    in order while the time model says they fit (the longest variant counts), the rest
    left out. Returns the variants and what was left out, in words ("" if nothing)."""
    budget = req.settings["sheet"]["minutes"]
    if not budget or not variants:
        return variants, ""
    per_part = [max(m) for m in zip(*([part_minutes(q) for q in v.questions()]
                                      for v in variants))]
    keep, used = 0, 0.0
    while keep < len(per_part) and used + per_part[keep] <= budget:
        used += per_part[keep]
        keep += 1
    kinds = [e.kind for e in variants[0].exercises]
    if keep == 0:
        raise InputError("--minutes", f"{budget} minutes is too short: part 1 ({kinds[0]}) "
                         f"alone needs {per_part[0]:g} by the time model")
    if keep == len(per_part):
        return variants, ""
    left = ", ".join(f"part {n + 1} ({kinds[n]}, {per_part[n]:g} min)"
                     for n in range(keep, len(per_part)))
    cut = [Variant(v.id, v.seed, v.code, v.exercises[:keep], v.name) for v in variants]
    return cut, f"{left}; the sheet takes {used:g} minutes"


def build_files(req: Request, variants: list[Variant], formats: tuple[str, ...] = ("pdf",),
                progress: Callable[[int], None] | None = None) -> dict[str, bytes]:
    """answers.json, responses-template.csv and the files of each output format (pdf:
    the .tex sources, their PDFs, and for a class set each variant's own PDFs under
    ``variants/<id>/``)."""
    # Only the LaTeX sources: each variant's pieces are made on two cores, then put
    # together (with PDFs, the TeX runs keep both cores busy).
    made = shards.pieces(variants, req.settings, progress) if formats == ("tex",) else None
    job = Job(req.seed, req.settings, variants, progress, {"made": made} if made else {})
    files = build(job, formats, also=lambda: {
        answersfile.NAME: answersfile.to_bytes(req.seed, variants, req.settings["sheet"],
                                               made),
        responses.TEMPLATE: responses.template(variants, made)})
    return dict(sorted(files.items()))


def layout_warnings(files: dict[str, bytes], variants: list[Variant]) -> list[str]:
    """Each line too wide or page too full that the build's TeX runs reported."""
    if layout.NAME not in files:
        return []
    return layout.messages(layout.from_bytes(files[layout.NAME]), [v.code for v in variants])
