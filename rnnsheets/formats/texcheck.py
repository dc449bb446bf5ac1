"""What ``check`` reads of the .tex sources: every number printed, in place, against a
fresh render (a worksheet that prints an answer of the key is named)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .. import numfmt, texmath
from ..entries import entries, numbers
from ..errors import InputError
from ..report import Report
from ..sheet import Variant
from ..userfiles import read_text

#: The largest .tex check reads (a 1000-variant key is about 20 MB).
MAX_TEX = 500_000_000

_NUMBER = re.compile(r"(?<![A-Za-z\\])-?\d+(?:\.\d+)?(?:/\d+)?")
_VARIANT = re.compile(r"\\renewcommand\{\\variantcode\}\{((?:[^{}]|\{\})*)\}")
_SEPARATOR = re.compile(r",|;|\\q?quad")
_PART = re.compile(r"\\section\*\{Part (\d+): ((?:[^{}]|\{\})*)\}")
_NAME = re.compile(r"([A-Za-z]+(?:_\{[^{}]*\}|_[A-Za-z0-9])?)\s*&?=")


@dataclass(frozen=True)
class _Token:
    text: str
    line: int
    source: str  # the whole line (shared, not copied), to name the number's label if needed
    start: int
    variant: str
    part: str

    @property
    def where(self) -> str:
        return f"variant {self.variant}, {self.part}"

    @property
    def label(self) -> str:
        """The name the number is printed under (``z_{0}``), if it has one."""
        before = self.source[: self.start]
        clause = _SEPARATOR.split(before)[-1]  # this equation only
        names = _NAME.findall(clause) or _NAME.findall(before)[-1:]
        return names[0] if names else ""


def _tokens(source: str) -> list[_Token]:
    out = []
    variant = part = ""
    lines = source.splitlines()
    start = next((n for n, line in enumerate(lines) if "\\begin{document}" in line), 0)
    for n, line in enumerate(lines[start:], start=start + 1):
        if m := _VARIANT.search(line):
            variant = m.group(1).replace("{}", "")
        if m := _PART.search(line):
            part = f"part {m.group(1)} ({m.group(2).replace('{}', '')})"
        out += [_Token(m.group(), n, line, m.start(), variant, part)
                for m in _NUMBER.finditer(line)]
    return out


def _count(source: str) -> int:
    """How many numbers ``_tokens`` finds, without making a token of each."""
    begin = source.find("\\begin{document}")
    start = source.rfind("\n", 0, begin) + 1 if begin >= 0 else 0
    return len(_NUMBER.findall(source, start))


#: Commands that change what other commands print: in a build's .tex they may only stand
#: where a fresh render has them (a reworded key may not redefine a digit or a macro).
_ASSIGN = re.compile(r"\\(?:def|edef|gdef|xdef|let|futurelet|catcode|mathcode|delcode|uccode|"
                     r"lccode|sfcode|chardef|mathchardef|countdef|toksdef|newcommand|"
                     r"renewcommand|providecommand|DeclareMathSymbol|DeclareTextCommand|"
                     r"usepackage|input|include|openin|read|special|pdfliteral|"
                     r"setbox|immediate|write|pdfobj|pdfxform|font|csname|expandafter|"
                     r"string|uppercase|lowercase|scantokens|global|afterassignment|"
                     r"aftergroup|every[a-z]+|tracing[a-z]+|ifcsname|romannumeral)"
                     r"(?![A-Za-z])|\^\^")


def compare_tex(path: Path, fresh: str, leaks: dict[str, str], report: Report) -> None:
    """Every number printed in ``path`` against the same place in a fresh render; the
    preamble exactly, and no command that redefines what prints but where a fresh render
    has it."""
    try:
        text = read_text(path, "a .tex file", limit=MAX_TEX)
    except InputError as e:
        report.problems.append(f"{e}")
        return
    if text == fresh:  # as rnnsheets wrote it: each number is where a fresh render has it
        report.count(f"numbers in {path.name}", _count(text))
        return
    mine, theirs = _tokens(text), _tokens(fresh)
    report.count(f"numbers in {path.name}", len(mine))
    _compare_macros(path, text, fresh, report)
    mine_v, theirs_v = _by_variant(mine), _by_variant(theirs)
    if list(mine_v) != list(theirs_v):
        report.problems.append(f"{path.name}: holds variants {', '.join(mine_v) or 'none'}; "
                               f"answers.json has {', '.join(theirs_v) or 'none'}")
        return
    for code, tokens in mine_v.items():
        _diff(path, tokens, theirs_v[code], leaks, report)


def _compare_macros(path: Path, text: str, fresh: str, report: Report) -> None:
    start = "\\begin{document}"
    mine_pre, _, mine_body = text.partition(start)
    fresh_pre, _, _ = fresh.partition(start)
    if mine_pre != fresh_pre:
        n = next((i for i, (a, b) in enumerate(zip(mine_pre.splitlines(),
                                                   fresh_pre.splitlines()), start=1) if a != b),
                 min(len(mine_pre.splitlines()), len(fresh_pre.splitlines())) + 1)
        report.problems.append(f"{path.name} line {n}: the preamble differs from a fresh render "
                               "(it defines how everything prints); generate the build again")
    allowed = set(fresh.splitlines())
    first = mine_pre.count("\n") + 1
    for n, line in enumerate(mine_body.splitlines(), start=first):
        if _ASSIGN.search(line) and line not in allowed:
            report.problems.append(f"{path.name} line {n}: changes how the sheet prints "
                                   f"({_ASSIGN.search(line).group()}), which a fresh render "
                                   "does not; generate the build again")


def _by_variant(tokens: list[_Token]) -> dict[str, list[_Token]]:
    groups: dict[str, list[_Token]] = {}
    for t in tokens:
        groups.setdefault(t.variant, []).append(t)
    return groups


def _diff(path: Path, mine: list[_Token], theirs: list[_Token], leaks: dict[str, str],
          report: Report) -> None:
    a, b = [t.text for t in mine], [t.text for t in theirs]
    if a == b:
        return
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        printed = mine[i1:i2]
        expected = theirs[j1:j2]
        anchor = printed[0] if printed else (mine[i1 - 1] if i1 else theirs[j1])
        near = f" near {anchor.label}" if anchor.label else ""
        place = f"{path.name} line {anchor.line}, {anchor.where}{near}"
        shown = " ".join(t.text for t in printed) or "nothing"
        should = " ".join(t.text for t in expected) or "nothing"
        leaked = [leaks[t.text] for t in printed if t.text in leaks]
        if leaked:
            report.problems.append(f"{place}: prints {shown}, an answer of the key "
                                   f"({', '.join(leaked)}); a fresh render prints {should}")
        else:
            report.problems.append(f"{place}: prints {shown}, a fresh render prints {should}")


def answer_prints(variants: list[Variant]) -> dict[str, str]:
    """Decimals the key prints for answers and the worksheet never prints for params."""
    given, out = set(), {}
    for v in variants:
        for ex in v.exercises:
            given |= {numfmt.plain(x, ex.decimals) for _, x in numbers(ex.params)}
    for v in variants:
        for ex in v.exercises:
            for label, x in entries(ex.kind, ex.answers):
                text = texmath.approx(x, ex.decimals)
                if "." in text and text not in given:
                    out.setdefault(text, f"{label} in variant {v.code}")
    return out


