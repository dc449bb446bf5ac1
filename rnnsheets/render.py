"""LaTeX rendering: the Jinja environment, number formatting and escaping.

Templates only read values and call the filters here; every number is formatted
in Python and every user string is escaped on output (``finalize``), so a corpus
word can never become a TeX command.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence

import jinja2

from . import numfmt, scripts, texmath
from .exercises import REGISTRY
from .questions import pieces
from .sheet import Variant
from .templating import environment as make_environment
from .timing import part_minutes


class Tex(str):
    """A string that is already LaTeX: printed as it is, never escaped."""


_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", "\"": r"\textquotedbl{}",
    "`": r"\textasciigrave{}", "'": r"\textquotesingle{}", "-": r"-{}",
}


# Non-ASCII characters pdfLaTeX prints with T1/TS1 fonts (LaTeX's t1enc.dfu and ts1enc.dfu).
_TYPESET = """00A0-00AC 00AE-00B7 00B9-0125 0128-0137 0139-013E 0141-0148 014A-0165 0168-017E 0192
01C4-01D4 01E2-01E3 01E6-01EB 01F0 01F4-01F5 0218-021B 0232-0233 0237 02C7 02D8-02D9 02DB
02DD 0E3F 1E02-1E03 1E0D 1E1E-1E21 1E25 1E30-1E31 1E37 1E43 1E45 1E47 1E5B 1E63 1E6D
1E8E-1E91 1E9E 1EF2-1EF3 2010-2016 2018-201A 201C-201E 2020-2022 2030-2031 2039-203B 203D
2044 204E 2052 20A1 20A4 20A6 20A9 20AB-20AC 20B1 2103 2116-2117 211E 2120 2122 2126-2127
212E 2190-2193 2329-232A 2422-2423 25E6 25EF 266A 27E8-27E9 3008-3009 FB00-FB06"""
_TYPESETTABLE = frozenset(
    c for r in _TYPESET.split()
    for c in range(int(r.split("-")[0], 16), int(r.split("-")[-1], 16) + 1))


_ASCII_ESCAPES = str.maketrans(_ESCAPES)


@functools.lru_cache(maxsize=4096)
def escape(text: str) -> Tex:
    """Text printed literally by LaTeX: special characters made safe and control
    characters blanked. Letters of other scripts are set in their own font
    (``\\rnnscript``, which needs LuaLaTeX); those no font has show as U+5B57."""
    text = unicodedata.normalize("NFC", str(text))
    if text.isascii() and text.isprintable():  # the common case, in one pass
        return Tex(text.translate(_ASCII_ESCAPES))
    out = []
    for font, piece in scripts.runs(text, _plain):
        if font == "missing":
            out.append(rf"\codepoint{{{ord(piece):04X}}}")
        elif font is None:
            out.append("".join(_char(c) for c in piece))
        else:
            body = "".join(_char(c) + (r"\rnnbreak{}" if font in scripts.UNSPACED
                                       and scripts.script(c) in scripts.IDEOGRAPHIC
                                       and scripts.script(n) in scripts.IDEOGRAPHIC else "")
                           for c, n in zip(piece, piece[1:] + " "))
            if font in scripts.RTL:  # a number in right-to-left text reads left to right
                body = scripts.NUMBER.sub(lambda m: rf"\rnnltr{{{m.group(0)}}}", body)
            out.append(rf"\rnnscript{{{font}}}{{{body}}}")
    return Tex("".join(out))


def _plain(c: str) -> bool:
    """Whether pdfLaTeX's own fonts print c (or it is a control character, blanked)."""
    return ord(c) < 128 or ord(c) in _TYPESETTABLE or c in _ESCAPES or not c.isprintable()


def _char(c: str) -> str:
    return _ESCAPES.get(c) or (" " if not c.isprintable() else c)


def short(text: str, width: int = 36) -> Tex:
    """Text cut at a word to about ``width`` letters (East Asian ones count two), with
    an ellipsis: page headers have a third of a line for it."""
    text = " ".join(str(text).split())
    units = [2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text]
    if sum(units) <= width:
        return escape(text)
    used, end = 0, 0
    while used + units[end] <= width - 1:
        used += units[end]
        end += 1
    cut = text[:end]
    if " " in cut and text[end] != " " and cut.rindex(" ") > len(cut) // 2:
        cut = cut[:cut.rindex(" ")]  # at a word, unless that loses half (unspaced scripts)
    shown = escape(cut.rstrip(" ,;:"))
    if shown.endswith("}") and any(rf"\rnnscript{{{f}}}" in shown[shown.rfind(r"\rnnscript{"):]
                                   for f in scripts.RTL):
        return Tex(shown[:-1] + r"\dots{}}")  # where right-to-left text ends: its left
    return Tex(shown + r"\dots{}")


def breakable(text: str, longest: int = 24) -> Tex:
    """Text that may break inside a word longer than ``longest`` letters (every 16), so
    that no word a user typed can run past the margin."""
    words = str(text).split(" ")
    if all(len(w) <= longest for w in words):
        return escape(text)

    def cut(w: str) -> bool:  # right-to-left words stay whole: their letters join
        return len(w) > longest and not any(scripts.script(c) in scripts.RTL for c in w)
    return Tex(" ".join(r"\allowbreak{}".join(escape(w[i:i + 16]) for i in range(0, len(w), 16))
                        if cut(w) else escape(w) for w in words))


_MARKUP = re.compile(r"\\[()]|\\[A-Za-z]+|[{}_^$]")


def reserve(q) -> Tex:
    """The height a worksheet question takes besides its box: its prompt and what to
    give at about 85 letters a line (markup left out), its footnote at about 100 in
    smaller type, and the gaps around them, with half a line to spare."""
    def lines(text: str, per_line: int) -> int:
        return -(-len(_MARKUP.sub("", text)) // per_line) if text else 0
    prompt = lines(f"{q.prompt} Give each answer {q.asked}", 85)
    hint = lines(q.hint, 100)
    return Tex(rf"{prompt + 1.5 + 0.85 * hint:.2f}\baselineskip")


def needed(q) -> Tex:
    """The height a worksheet question takes with its box."""
    return Tex(rf"\dimexpr {q.room}+{reserve(q)}\relax")


def needs_lualatex(source: str) -> bool:
    """Whether a rendered document holds letters only LuaLaTeX's fonts print."""
    return r"\rnnscript{" in source


def _finalize(value):
    if isinstance(value, Tex):
        return value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"templates print text and formatted numbers only, not {value!r}")


def _places(ctx) -> int:
    return ctx.get("places", 4)


@jinja2.pass_context
def number(ctx, x) -> Tex:
    """A number in math mode: exact decimals, non-terminating rationals as fractions."""
    return Tex(texmath.number(x, _places(ctx)))


@jinja2.pass_context
def number_approx(ctx, x) -> Tex:
    """A number, with a decimal approximation after a non-terminating fraction."""
    return Tex(texmath.number_approx(x, _places(ctx)))


@jinja2.pass_context
def column(ctx, v: Sequence) -> Tex:
    """A column vector (endless fractions written p/q, one line high)."""
    return Tex(texmath.column(v, _places(ctx)))


@jinja2.pass_context
def matrix(ctx, m: Sequence[Sequence]) -> Tex:
    """A matrix, rows as given."""
    return Tex(texmath.matrix(m, _places(ctx)))


@jinja2.pass_context
def inline_vector(ctx, v: Sequence) -> Tex:
    """A vector written inline as a tuple, (a, b)."""
    return Tex("(" + ", ".join(texmath.number(e, _places(ctx)) for e in v) + ")")


@jinja2.pass_context
def small_matrix(ctx, m: Sequence[Sequence]) -> Tex:
    """A matrix small enough for a line of text."""
    return Tex(_small([[texmath.number(e, _places(ctx), slashed=True) for e in r] for r in m]))


@jinja2.pass_context
def grid(ctx, questions) -> Tex:
    """Every answer the questions ask, as ``label = value`` in a line of the answer grid."""
    def items(label: str, v) -> list[str]:
        if isinstance(v, list) and v and isinstance(v[0], list):
            cells = [[texmath.number(e, _places(ctx), slashed=True) for e in r] for r in v]
            # Small type: a block of columns may hold about 1.4 times what a display can.
            return [rf"\griditem{{${label}$ ({which}) ${_small(block)}$}}" if which
                    else rf"\griditem{{${label} = {_small(block)}$}}"
                    for which, block in texmath.labelled_blocks(
                        cells, width=texmath.BLOCK_WIDTH * 1.4)]
        if isinstance(v, list):  # a long vector may break after any comma
            return [f"${label} = (" + r",\allowbreak ".join(
                texmath.number(e, _places(ctx)) for e in v) + ")$"]
        return [rf"\griditem{{${label} = {number_approx(ctx, v)}$}}"]
    return Tex(", ".join(item for q in questions for a in q.answers
                         for item in items(a.label, a.value)))


def _small(cells: Sequence[Sequence[str]]) -> str:
    body = r" \\ ".join(" & ".join(r) for r in cells)
    return r"\left(\begin{smallmatrix}" + body + r"\end{smallmatrix}\right)"


def grid_width(view: dict) -> float:
    """How wide a variant's widest answer prints in the grid's small type (as
    :func:`texmath.estimate` guesses), in points."""
    def width(v) -> float:
        if isinstance(v, list) and v and isinstance(v[0], list):
            return sum(max(texmath.estimate(numfmt.plain(r[j], 4)) for r in v) * 0.7 + 7
                       for j in range(len(v[0])))
        if isinstance(v, list):
            return sum(texmath.estimate(numfmt.plain(e, 4)) + 6 for e in v)
        return texmath.estimate(numfmt.plain(v, 4)) * 2
    return max((width(a.value) for part in view["parts"] for q in part["questions"]
                for a in q.answers), default=0)


def grid_columns(widths) -> int:
    """2 where every answer of the grid fits half a line (``widths``: each variant's
    :func:`grid_width`), else 1."""
    return 2 if max(widths, default=0) * 0.9 + 40 < 200 else 1


@functools.lru_cache(maxsize=4096)  # most prompts are the same in every variant
def rich(text: str) -> Tex:
    """A question's text: words and user text escaped, inline math kept (as $...$)."""
    return Tex("".join(f"${piece}$" if kind == "math" else breakable(piece)
                       for kind, piece in pieces(text)))


@jinja2.pass_context
def display(ctx, steps) -> Tex:
    """A block of solution steps as display math."""
    return Tex(texmath.display_tex(steps, _places(ctx)))


def words(tokens: Sequence[str]) -> Tex:
    """Tokens as typewriter words, separated by spaces."""
    return Tex(r"\ ".join(rf"\texttt{{{breakable(t)}}}" for t in tokens))


def word(token: str) -> Tex:
    """One token in typewriter type."""
    return Tex(rf"\texttt{{{breakable(token)}}}")


class FirstSeen:
    """Tells a template whether it meets a key for the first time in this document,
    so each figure's TikZ source is written once and reused after that."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def first(self, key: str) -> bool:
        """True the first time ``key`` is asked about."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment (built once): LaTeX-safe delimiters, StrictUndefined, our filters."""
    env = make_environment("tex").overlay(finalize=_finalize)
    env.filters.update(n=number, na=number_approx, col=column,
                       mat=matrix, words=words, word=word, tex=Tex, tup=inline_vector,
                       smallmat=small_matrix, rich=rich, blocks=texmath.blocks, display=display,
                       minutes=lambda m: f"{m:g}", grid=grid, short=short,
                       needed=needed, reserve=reserve,
                       breakable=breakable)
    return env


def exercise_views(variant: Variant) -> list[dict]:
    """What each exercise template reads: the exercise, its display view, its template."""
    out = []
    for ex, questions in zip(variant.exercises, variant.questions()):
        kind = REGISTRY[ex.kind]
        out.append({"ex": ex, "view": kind.view(ex), "questions": questions,
                    "minutes": part_minutes(questions),
                    "template": f"{ex.kind}.tex.j2", "title": kind.TITLE})
    return out


class _Views(Sequence):
    """Each variant's template view, made when the template first reaches it: a document
    rendered as a stream draws and solves its variants as it goes."""

    def __init__(self, variants: Sequence[Variant]) -> None:
        self._variants = variants
        self._made: dict[int, dict] = {}

    def __len__(self) -> int:
        return len(self._variants)

    def __getitem__(self, i: int) -> dict:
        if i not in self._made:
            v = self._variants[i]
            self._made[i] = {"variant": v, "parts": exercise_views(v)}
        return self._made[i]

    def __iter__(self) -> Iterator[dict]:
        return (self[i] for i in range(len(self)))


def _context(settings: dict, key: bool) -> dict:
    sheet = settings["sheet"]
    return dict(key=key, title=sheet["title"], course=sheet["course"], date=sheet["date"],
                decimals=sheet["decimals"])


def variant_pieces(variants: Sequence[Variant], settings: dict, start: int,
                   stop: int) -> dict[tuple[str, int], object]:
    """What each variant from ``start`` to ``stop`` adds to the documents: its pages of
    the worksheet and of the key, its line of the answer grid and that line's width,
    keyed by (what, index). A variant's pages do not depend on the others'."""
    env, views, out = environment(), _Views(variants), {}
    for key, name in ((False, "worksheet"), (True, "key")):
        pages = _pages(views, settings, key, range(start, stop))
        for i in range(start, stop):
            out[(name, i)] = next(pages)
    for i in range(start, stop):
        out[("cell", i)] = Tex(env.get_template("gridcell.tex.j2").render(v=views[i]))
        out[("width", i)] = grid_width(views[i])
    return out


def _pages(views: _Views, settings: dict, key: bool, indices: range,
           made: dict | None = None) -> Iterator[Tex]:
    template, context = environment().get_template("variant.tex.j2"), _context(settings, key)
    name = "key" if key else "worksheet"
    for i in indices:
        if made is not None and (name, i) in made:
            yield made[(name, i)]
            continue
        # Each variant writes the TikZ source of the figures it draws (TeX typesets each
        # once per document): its pages stand alone, made apart or typeset in a sample.
        yield Tex(template.render(v=views[i], index=i + 1, first=i == 0,
                                  figures=FirstSeen(), **context))


def render_stream(variants: Sequence[Variant], settings: dict, key: bool,
                  lualatex: bool = False, made: dict | None = None) -> Iterator[str]:
    """The worksheet (key=False) or the answer key (key=True) for the variants, as LaTeX,
    in pieces as the template reaches them (each variant is used when its turn comes;
    ``made``: pieces :func:`variant_pieces` made already). The last piece holds the
    document's last lines, which read back the whole file."""
    env, views, made = environment(), _Views(variants), made or {}
    cells = (made.get(("cell", i)) or Tex(env.get_template("gridcell.tex.j2").render(
        v=views[i])) for i in range(len(views)))
    widths = (made[("width", i)] if ("width", i) in made else grid_width(views[i])
              for i in range(len(views)))
    return env.get_template("sheet.tex.j2").generate(
        bodies=_pages(views, settings, key, range(len(views)), made), cells=cells,
        count=len(views), grid_columns=lambda: grid_columns(widths), lualatex=lualatex,
        lualatex_line=Tex(scripts.LUALATEX.strip()), **_context(settings, key))


def render_document(variants: Sequence[Variant], settings: dict, key: bool,
                    made: dict | None = None) -> str:
    """The worksheet (key=False) or the answer key (key=True) for the variants, as LaTeX."""
    source = "".join(render_stream(variants, settings, key, made=made))
    # Only a document with letters beyond Latin pays for LuaLaTeX and its fonts.
    if needs_lualatex(source):
        return "".join(render_stream(variants, settings, key, lualatex=True, made=made))
    return source
