"""What the on-screen drivers share: every question of a build with its place and ids,
the worked solution as display lines, and the check of a quiz file's answers."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import texmath
from ..entries import flatten, policy, question_forms
from ..exercises import REGISTRY, Exercise
from ..questions import Answer, Question, Statement, asked_form, pieces
from ..report import Report, show
from ..sheet import Variant
from ..userfiles import read_bytes


@dataclass(frozen=True)
class Asked:
    """A question where it stands: variant, part number, exercise, statement."""

    variant: Variant
    part: int
    exercise: Exercise
    statement: Statement
    question: Question
    policy: dict[str, tuple[str, float]]  # the exercise's {entry label: (form, tolerance)}

    @property
    def id(self) -> str:
        """Stable id of the question: variant code, part and question, e.g. ``42-1:p1:step_1``."""
        return f"{self.variant.code}:p{self.part}:{self.question.id}"

    def entry_id(self, answer: Answer, suffix: str = "") -> str:
        """The id of an answer entry, e.g. ``42-1:p1:h_1[0]``."""
        return f"{self.variant.code}:p{self.part}:{answer.name}{suffix}"

    def cells(self, answer: Answer) -> list[tuple[str, object, float]]:
        """(entry id, value, grading tolerance) for each entry of one answer."""
        return [(self.entry_id(answer, suffix), v, self.policy[answer.path + suffix][1])
                for suffix, v in flatten(answer.value)]

    def asked_form(self, fractions: bool) -> str:
        """What to type for this question's answers, in words (see ``questions.asked_form``)."""
        return asked_form(question_forms(self.question, self.policy), self.exercise.decimals,
                          fractions)

    @property
    def entries(self) -> list[tuple[str, object, float]]:
        """(entry id, value, grading tolerance) for every entry the question asks."""
        return [c for a in self.question.answers for c in self.cells(a)]

    @property
    def choice_id(self) -> str:
        """The id of the question's choice of terms, e.g. ``42-1:p4:expansion_2:terms``."""
        return f"{self.id}:terms"


def right_mask(right) -> int:
    """The right options of a choice as one number (bit i: option i is right), so quiz
    files' choices are checked like their numbers."""
    return sum(1 << i for i in right)


_INDEX = re.compile(r"\[(\d+)\]")
_SUBSCRIPTED = re.compile(r"^([A-Za-z]+)_\{([^{}]*)\}$")


def entry_label(answer: Answer, suffix: str) -> str:
    """An entry's label in the sheet's own notation (LaTeX): ``h_{0}`` and ``[1]`` give
    ``h_{0,1}``, ``T`` and ``[2][1]`` give ``T_{2,1}`` (indices from 0, as on the sheet)."""
    indices = ",".join(_INDEX.findall(suffix))
    if not indices:
        return answer.label
    if m := _SUBSCRIPTED.match(answer.label):
        return f"{m.group(1)}_{{{m.group(2)},{indices}}}"
    if re.fullmatch(r"[A-Za-z]|\\text\{\w+\}", answer.label):
        return f"{answer.label}_{{{indices}}}"
    return rf"\left({answer.label}\right)_{{{indices}}}"


def label_text(latex: str) -> str:
    """A label's LaTeX as plain text, for screen readers and feedback (``h_0,1``, ``∂L/∂W``)."""
    part = r"([^{}]*(?:\{[^{}]*\})?)"
    text = re.sub(rf"\\frac\{{\\partial {part}\}}\{{\\partial {part}\}}", "∂\\1/∂\\2", latex)
    text = re.sub(r"\\text\{([^{}]*)\}", r"\1", text)
    text = text.replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\,", " ")
    return " ".join(re.sub(r"[{}\\]", "", text).split())


def asked(variants: list[Variant]) -> list[Asked]:
    """Every question of every variant, in sheet order."""
    out = []
    for v in variants:
        for n, (ex, questions) in enumerate(zip(v.exercises, v.questions()), start=1):
            st, pol = REGISTRY[ex.kind].statement(ex), policy(ex)
            out.extend(Asked(v, n, ex, st, q, pol) for q in questions)
    return out


def asked_in(job) -> list[Asked]:
    """The questions of a job, worked out once and shared by its drivers."""
    if "asked" not in job.cache:
        job.cache["asked"] = asked(job.variants)
    return job.cache["asked"]


#: User text in an LMS: not math for MathJax, not cloze syntax for Moodle, not markup.
_LITERAL = str.maketrans({"{": "&#123;", "}": "&#125;", "\\": "&#92;", "$": "&#36;",
                          "[": "&#91;", "]": "&#93;"})


def math_html(text: str) -> str:
    """A question's text as HTML for an LMS: words escaped, math in \\( \\) for MathJax,
    user text escaped and kept from MathJax and from Moodle's cloze syntax."""
    out = []
    for kind, piece in pieces(text):
        if kind == "math":
            out.append(f"\\({html.escape(piece, quote=False)}\\)")
        elif kind == "literal":
            out.append('<span class="tex2jax_ignore mathjax_ignore">'
                       + html.escape(piece).translate(_LITERAL) + "</span>")
        else:
            out.append(html.escape(piece, quote=False).translate(_LITERAL))
    return "".join(out)


def solution_html(a: Asked) -> str:
    """The worked solution for MathJax: each block's words, then its lines as display math."""
    out = []
    for text, steps in texmath.blocks(a.question.solution):
        if text:
            out.append(f"<p>{math_html(text)}</p>")
        for s in steps:
            out += [f"<p>\\[{html.escape(line, quote=False)}\\]</p>"
                    for line in texmath.step_lines(s, a.exercise.decimals)]
    return "".join(out)


def display(lines) -> str:
    """Display-math lines for MathJax, HTML-escaped."""
    return "".join(f"<p>\\[{html.escape(line, quote=False)}\\]</p>" for line in lines)


#: The largest quiz file check reads.
MAX_QUIZ = 500_000_000


def verify_quiz(folder: Path, job, report: Report, file: str, read, render,
                key=lambda e: e, tally: str = "") -> None:
    """A quiz file's answers against the computed ones (an unreadable file is a finding),
    then the whole file against a fresh render: what students see (the given numbers, the
    feedback, a page's scripts) must be what rnnsheets wrote. ``render(job)`` is the
    driver's ``files``; ``tally`` names the count the answers add to (default: the file's)."""
    path = Path(folder) / file
    if not path.exists():
        return
    data = read_bytes(path, f"a {file}", MAX_QUIZ)
    try:
        found = read(data)
    except (ET.ParseError, zipfile.BadZipFile, AttributeError, KeyError, ValueError,
            TypeError) as e:
        report.problems.append(f"{file}: cannot be read: {e}")
        return
    before = len(report.problems)
    check_answers(file, found, job.variants, report, key, tally)
    if len(report.problems) == before:  # answers right: is anything else changed?
        where = _first_difference(data, render(job)[file])
        if where:
            report.problems.append(f"{file}: {where} differs from a fresh render; generate "
                                   "the build again")


def _first_difference(mine: bytes, fresh: bytes) -> str:
    """Where two files first differ ("line N", or "member M line N" in a zip), or ""."""
    if mine == fresh:
        return ""
    if mine[:2] == fresh[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(mine)) as a, zipfile.ZipFile(io.BytesIO(fresh)) as b:
            if a.namelist() != b.namelist():
                return "the list of files inside"
            for name in a.namelist():
                if where := _first_difference(a.read(name), b.read(name)):
                    return f"{name}, {where}"
        return ""
    lines = zip(mine.splitlines(), fresh.splitlines())
    n = next((i for i, (x, y) in enumerate(lines, start=1) if x != y),
             min(mine.count(b"\n"), fresh.count(b"\n")) + 1)
    return f"line {n}"


def check_answers(name: str, found: dict[str, tuple[float, float]], variants: list[Variant],
                  report: Report, key=lambda entry: entry, tally: str = "") -> None:
    """Every answer a quiz file holds ({entry id: (value, tolerance)}) against the computed
    one; ``key`` maps an entry id to the form the file stores it in; ``name`` is the
    file's path in the build, as findings name it; ``tally`` the count they add to."""
    want = {}
    for a in asked(variants):
        want.update({key(entry): (value, tol) for entry, value, tol in a.entries})
        if a.question.choice is not None:
            want[key(a.choice_id)] = (right_mask(a.question.choice.right), 0.0)
    for ident, (value, tol) in want.items():
        report.count(f"answers in {tally or name}")
        if ident not in found:
            report.problems.append(f"{name}: {ident}: missing, computed {show(value)}")
            continue
        got, got_tol = found[ident]
        if abs(got - float(value)) > 1e-9 * max(1.0, abs(float(value))):
            report.problems.append(f"{name}: {ident}: says {got!r}, computed {show(value)}")
        elif abs(got_tol - tol) > 1e-9 * max(1.0, tol):
            report.problems.append(f"{name}: {ident}: tolerance {got_tol!r}, expected {tol!r}")
    for ident in found.keys() - want.keys():
        report.problems.append(f"{name}: {ident}: no such answer in answers.json")


__all__ = ["Asked", "asked", "asked_in", "check_answers", "display", "math_html",
           "right_mask", "solution_html", "verify_quiz"]
