"""What the on-screen drivers share: every question of a build, with its place and id."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..exercises import REGISTRY, Exercise
from ..questions import Question, Statement, cells, tolerance
from ..sheet import Variant


@dataclass(frozen=True)
class Asked:
    """A question where it stands: variant, part number, exercise, statement."""

    variant: Variant
    part: int
    exercise: Exercise
    statement: Statement
    question: Question

    @property
    def id(self) -> str:
        """Stable id: variant code, part and question, e.g. ``42-1:p1:o_1``."""
        return f"{self.variant.code}:p{self.part}:{self.question.id}"

    @property
    def entries(self) -> list[tuple[str, object, float]]:
        """(entry id, value, grading tolerance) for each entry; none for symbolic questions."""
        if self.question.value is None:
            return []
        ex = self.exercise
        return [(self.id + suffix, v, tolerance(v, ex.exact, ex.tolerance))
                for suffix, v in cells(self.question.value)]


def asked(variants: list[Variant]) -> list[Asked]:
    """Every question of every variant, in sheet order."""
    out = []
    for v in variants:
        for n, ex in enumerate(v.exercises, start=1):
            module = REGISTRY[ex.kind]
            st = module.statement(ex)
            out.extend(Asked(v, n, ex, st, q) for q in module.questions(ex))
    return out


def asked_in(job) -> list[Asked]:
    """The questions of a job, worked out once and shared by its drivers."""
    if "asked" not in job.cache:
        job.cache["asked"] = asked(job.variants)
    return job.cache["asked"]


def math_html(text: str) -> str:
    """Escape text for HTML; LaTeX math inside \\( \\) stays for MathJax (escaped as text)."""
    return html.escape(text, quote=False)


def display(lines) -> str:
    """Display-math lines for MathJax, HTML-escaped."""
    return "".join(f"<p>\\[{html.escape(line, quote=False)}\\]</p>" for line in lines)
