"""sheet.html: one self-contained page (MathML, inline SVG, no network) where every
answer hides behind "Show solution" and typed answers are checked against their tolerance.
It prints as a handout and fits a phone (see the template's styles). A class set also
gets each variant's own page, ``variants/<id>/sheet.html``."""

from __future__ import annotations

import functools
import html as _html
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import texmath
from ..exercises import REGISTRY
from ..questions import decimal, pieces, precision
from ..templating import environment
from . import Job, svg
from .common import asked_in, entry_label, label_text, right_mask, verify_quiz

NAME = "html"
FILE = "sheet.html"


#: What the MathML of our own math may hold; anything else would be a bug, never printed.
_TAG = re.compile(r"</?([A-Za-z][\w:-]*)([^>]*)>")
_MATHML = frozenset((
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot", "msub",
    "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle",
    "mpadded", "mphantom", "menclose", "semantics", "annotation"))


@functools.lru_cache(maxsize=65536)  # a class set repeats most of its math
def mathml(latex: str, display: bool = False) -> Markup:
    """LaTeX math (the kinds' own, never user text) as MathML, checked to be MathML only."""
    from latex2mathml.converter import convert  # imported here: only HTML needs it

    out = convert(latex, display="block" if display else "inline")
    for tag, attrs in _TAG.findall(out):
        if tag not in _MATHML or re.search(r"\bon\w+\s*=|href|src\s*=|javascript:", attrs, re.I):
            raise ValueError(f"unexpected markup in the MathML of {latex[:40]!r}: <{tag}>")
    return Markup(out)


#: A separator between the items of a display line (``W = ...,\quad V = ...``).
_ITEM_GAP = re.compile(r",\s*\\quad\s*")


def items(line: str) -> list[str]:
    r"""A display line cut at its top-level ``,\quad`` gaps, each item but the last keeping
    its comma, so a narrow page or paper wraps between items rather than cutting one."""
    out, start = [], 0
    for m in _ITEM_GAP.finditer(line):
        before = line[:m.start()]
        if before.count("{") == before.count("}") and \
                before.count(r"\begin") == before.count(r"\end"):
            out.append(line[start:m.start()] + ",")
            start = m.end()
    return [*out, line[start:]]


def rich(text: str) -> Markup:
    """A question's text: words and user text escaped, inline math as MathML."""
    return Markup("".join(mathml(piece) if kind == "math" else _html.escape(piece)
                          for kind, piece in pieces(text)))


def wide(content: Markup, what: str) -> Markup:
    """Content that may be wider than a phone, in a box of its own that scrolls sideways.
    The box is a tab stop (keyboard users can scroll it); the page's script keeps that
    only where there is more to see."""
    return Markup('<div class="wide" tabindex="0" role="group" aria-label="{} (scrolls '
                  'sideways)">{}</div>').format(what, content)


@functools.cache
def _environment() -> jinja2.Environment:
    env = environment("html")
    env.filters.update(rich=rich, inline=mathml,
                       math=lambda s: wide(mathml(s, display=True), "Equation"),
                       svg=lambda f, init=True: wide(Markup(svg.unrolled(f, init)), "Figure"))
    return env


def files(job) -> dict[str, bytes]:
    """sheet.html, and for a class set each variant's own under ``variants/<id>/``."""
    out = {FILE: page(job)}
    if len(job.variants) > 1:
        out.update((variant_file(one.variants[0].id), page(one)) for one in _each_alone(job))
    return out


def variant_file(vid: str) -> str:
    """Where a class set keeps a variant's own page (``*``: all of them, as counted)."""
    return f"variants/{vid}/{FILE}"


def _each_alone(job) -> list[Job]:
    """A job of each variant of a class set alone, sharing the work already done for all."""
    mine: dict[int, list] = {id(v): [] for v in job.variants}
    for a in asked_in(job):
        mine[id(a.variant)].append(a)
    return [Job(job.seed, job.settings, [v], cache={"asked": mine[id(v)]})
            for v in job.variants]


def page(job) -> bytes:
    """The page of every variant of a job."""
    variants: list[dict] = []
    for a in asked_in(job):
        if not variants or variants[-1]["variant"] is not a.variant:
            variants.append({"variant": a.variant, "parts": []})
        parts = variants[-1]["parts"]
        if not parts or parts[-1]["number"] != a.part:
            parts.append({"number": a.part, "title": REGISTRY[a.exercise.kind].TITLE,
                          "statement": a.statement,
                          "given": [items(line) for line in a.statement.given],
                          "questions": []})
        parts[-1]["questions"].append(_question(a))
    sheet = job.settings["sheet"]
    text = _environment().get_template("sheet.html.j2").render(
        title=sheet["title"], course=sheet["course"], date=sheet["date"],
        decimals=sheet["decimals"], variants=variants)
    return text.encode("utf-8")


def _question(a) -> dict:
    """What the template shows of one question: its boxes, solution and choice."""
    answers = []
    for answer in a.question.answers:
        value = answer.value
        cols = len(value[0]) if isinstance(value, list) and isinstance(value[0], list) else 1
        entries = []
        for entry, v, tol in a.cells(answer):
            suffix = entry[len(a.entry_id(answer)):]
            label = entry_label(answer, suffix)
            entries.append({"id": entry, "label": label, "name": label_text(label),
                            "answer": decimal(v), "tol": decimal(tol),
                            "precision": precision(a.policy[answer.path + suffix][0], tol)})
        answers.append({"label": answer.label, "cols": cols, "entries": entries})
    d = a.exercise.decimals
    solution = [{"text": text, "lines": [line for s in steps
                                         for line in texmath.step_lines(s, d)]}
                for text, steps in texmath.blocks(a.question.solution)]
    choice = a.question.choice
    options = ([{"math": o, "name": label_text(o), "right": i in choice.right}
                for i, o in enumerate(choice.options)] if choice else [])
    return {"q": a.question, "answers": answers, "solution": solution, "options": options,
            "id": a.id, "form": a.asked_form(fractions=True)}


_INPUT = re.compile(r'<input [^>]*data-id="([^"]+)"[^>]*data-answer="([^"]+)"[^>]*'
                    r'data-tol="([^"]+)"')


_CHOICE = re.compile(r'<fieldset class="choice" data-id="([^"]+)">(.*?)</fieldset>', re.S)
_RIGHT = re.compile(r'data-right="(yes|no)"')


def read(data: bytes) -> dict[str, tuple[float, float]]:
    """Every answer in a sheet.html: {entry id: (value, tolerance)}; a choice of terms as
    the mask of its right options."""
    text = data.decode("utf-8")
    out = {_html.unescape(i): (float(v), float(t)) for i, v, t in _INPUT.findall(text)}
    for ident, body in _CHOICE.findall(text):
        right = [i for i, r in enumerate(_RIGHT.findall(body)) if r == "yes"]
        out[_html.unescape(ident)] = (float(right_mask(right)), 0.0)
    return out


def verify(folder, job, report) -> None:
    """The answers in sheet.html, and in each variant's own page of a class set, against
    the computed ones; then each page against a fresh render."""
    verify_quiz(folder, job, report, FILE, read, lambda j: {FILE: page(j)})
    folder = Path(folder)
    if len(job.variants) < 2 or not (folder / FILE).exists():
        return
    missing = []
    for one in _each_alone(job):
        name = variant_file(one.variants[0].id)
        if not (folder / name).exists():
            missing.append(name)
            continue
        verify_quiz(folder, one, report, name, read, lambda j, name=name: {name: page(j)},
                    tally=variant_file("*"))
    if missing:
        more = f" and {len(missing) - 1} more" if missing[1:] else ""
        report.notes.append(f"{folder / missing[0]}{more}: not present, not checked")
