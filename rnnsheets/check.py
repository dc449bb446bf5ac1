"""``rnnsheets check``: prove that a published build, or a hand-made key, is right.

A build folder is checked three ways: every recorded answer against a fresh
solve of its params; every number its .tex files print against a fresh render;
and each PDF against the .tex it must have been built from (pdfTeX records the
MD5 of its source in the PDF's Keywords at build time).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from . import numfmt, texmath
from .entries import entries, is_number
from .errors import InputError
from .exercises import REGISTRY, Exercise, solve
from .formats import html, moodle, qti
from .formats.common import asked
from .numbers import decode_exact, encode, to_fraction
from .render import render_document
from .sheet import SCHEMA, Variant
from .spec import read_data


@dataclass
class Report:
    """What a check found: problems (each one line), notes, and how much was checked."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems

    def count(self, what: str, n: int = 1) -> None:
        """Add to a tally shown in the summary."""
        self.counts[what] = self.counts.get(what, 0) + n

    def summary(self) -> str:
        """One closing line."""
        tally = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        verdict = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return f"{verdict}: checked {tally}" if tally else verdict


def check(path: Path) -> Report:
    """Check a build folder, or audit a spec file whose exercises carry answers."""
    path = Path(path)
    if path.is_dir():
        return check_build(path)
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    return audit_spec(path)


# --- build folders ------------------------------------------------------------


def load_answers(folder: Path) -> dict:
    """answers.json of a build, checked for its outline."""
    path = folder / "answers.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "no such file (is this a build folder?)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON at line {e.lineno}: {e.msg}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{path}: schema", f"expected {SCHEMA}")
    if not isinstance(doc.get("variants"), list):
        raise InputError(f"{path}: variants", "expected a list of variants")
    return doc


def check_build(folder: Path) -> Report:
    """Answers against the mathematics, .tex against a fresh render, PDFs against .tex."""
    report = Report(counts={"variants": 0, "exercises": 0, "answers": 0})
    doc = load_answers(folder)
    variants = [_recheck_variant(v, i, report) for i, v in enumerate(doc["variants"])]
    sheet = {"title": "", "course": "", "date": "", **doc.get("sheet", {})}
    settings = {"sheet": sheet}
    for name, key in (("worksheet", False), ("key", True)):
        tex = folder / f"{name}.tex"
        if not tex.exists():
            report.notes.append(f"{tex}: not present, not checked")
            continue
        fresh = render_document(variants, settings, key)
        leaks = {} if key else _answer_prints(variants)
        _compare_tex(tex, fresh, leaks, report)
        _check_pdf(folder / f"{name}.pdf", tex, report)
        if len(variants) > 1 and (folder / f"{name}.pdf").exists():
            for v in variants:
                _check_pdf(folder / "variants" / v.id / f"{name}.pdf", tex, report, v.code)
    _check_quizzes(folder, variants, report)
    return report


def _check_quizzes(folder: Path, variants: list[Variant], report: Report) -> None:
    """Every answer in moodle.xml, canvas-qti.zip and sheet.html against the computed one."""
    expected = {entry: (value, tol) for a in asked(variants) for entry, value, tol in a.entries}
    for driver, key in ((moodle, lambda k: k), (qti, qti.item_key), (html, lambda k: k)):
        path = folder / driver.FILE
        if not path.exists():
            continue
        try:
            found = driver.read(path.read_bytes())
        except (ET.ParseError, zipfile.BadZipFile, AttributeError, KeyError, ValueError,
                TypeError) as e:  # a file that cannot be parsed is a finding, not a crash
            report.problems.append(f"{driver.FILE}: cannot be read: {e}")
            continue
        want = {key(k): v for k, v in expected.items()}
        for ident, (value, tol) in want.items():
            report.count(f"answers in {driver.FILE}")
            if ident not in found:
                report.problems.append(f"{driver.FILE}: {ident}: missing, computed {_show(value)}")
                continue
            got, got_tol = found[ident]
            if abs(got - float(value)) > 1e-9 * max(1.0, abs(float(value))):
                report.problems.append(f"{driver.FILE}: {ident}: says {got!r}, computed "
                                       f"{_show(value)}")
            elif abs(got_tol - tol) > 1e-9 * max(1.0, tol):
                report.problems.append(f"{driver.FILE}: {ident}: tolerance {got_tol!r}, "
                                       f"expected {tol!r}")
        for ident in found.keys() - want.keys():
            report.problems.append(f"{driver.FILE}: {ident}: no such answer in answers.json")


def _recheck_variant(v: dict, index: int, report: Report) -> Variant:
    code = v.get("code", f"#{index}")
    exercises = []
    for n, e in enumerate(v.get("exercises", []), start=1):
        where = f"variant {code}, part {n} ({e.get('kind')})"
        if e.get("kind") not in REGISTRY:
            report.problems.append(f"{where}: unknown kind")
            continue
        try:
            fresh = solve(e["kind"], decode_exact(e["params"]), e.get("decimals") or 4)
        except InputError as err:
            report.problems.append(f"{where}: params do not solve: {err}")
            continue
        _compare_answers(where, e, fresh, report)
        exercises.append(fresh)
        report.count("exercises")
    report.count("variants")
    return Variant(str(v.get("id")), int(v.get("seed", 0)), code, exercises, v.get("name", ""))


def _compare_answers(where: str, recorded: dict, fresh: Exercise, report: Report) -> None:
    raw = recorded.get("answers", {})
    got = dict(entries(fresh.kind, decode_exact(raw) if fresh.exact else raw))
    want = dict(entries(fresh.kind, fresh.answers))
    tol = float(fresh.tolerance)
    for label, value in want.items():
        report.count("answers")
        if label not in got:
            report.problems.append(f"{where}: {label}: missing from answers.json, "
                                   f"computed {_show(value)}")
            continue
        r = got[label]
        if isinstance(r, str) or not is_number(r):
            r = _parse_number(r)
        wrong = (r is None or (r != value if fresh.exact
                               else abs(float(r) - float(value)) > tol))
        if wrong:
            report.problems.append(f"{where}: {label}: recorded {_show(got[label])}, "
                                   f"computed {_show(value)}")
    for label in got.keys() - want.keys():
        report.problems.append(f"{where}: {label}: recorded, but no such answer")
    for k, v in fresh.answers.items():  # words and the symbolic expansion
        if not any(is_number(x) for x in _leaves(v)) and encode(v) != raw.get(k):
            report.problems.append(f"{where}: {k}: recorded {raw.get(k)!r}, computed {encode(v)!r}")


def _leaves(v):
    if isinstance(v, list):
        for e in v:
            yield from _leaves(e)
    elif isinstance(v, dict):
        for e in v.values():
            yield from _leaves(e)
    else:
        yield v


_NUMBER = re.compile(r"(?<![A-Za-z\\])-?\d+(?:\.\d+)?(?:/\d+)?")
_VARIANT = re.compile(r"\\renewcommand\{\\variantcode\}\{((?:[^{}]|\{\})*)\}")
_SEPARATOR = re.compile(r",|;|\\q?quad")
_PART = re.compile(r"\\section\*\{Part (\d+): ([^}]*)\}")
_NAME = re.compile(r"([A-Za-z]+(?:_\{[^{}]*\}|_[A-Za-z0-9])?)\s*&?=")


@dataclass(frozen=True)
class _Token:
    text: str
    line: int
    label: str
    variant: str
    part: str

    @property
    def where(self) -> str:
        return f"variant {self.variant}, {self.part}"


def _tokens(source: str) -> list[_Token]:
    out = []
    variant = part = ""
    lines = source.splitlines()
    start = next((n for n, line in enumerate(lines) if "\\begin{document}" in line), 0)
    for n, line in enumerate(lines[start:], start=start + 1):
        if m := _VARIANT.search(line):
            variant = m.group(1).replace("{}", "")
        if m := _PART.search(line):
            part = f"part {m.group(1)} ({m.group(2)})"
        for m in _NUMBER.finditer(line):
            clause = _SEPARATOR.split(line[: m.start()])[-1]  # this equation only
            names = _NAME.findall(clause) or _NAME.findall(line[: m.start()])[-1:]
            label = names[0] if names else ""
            out.append(_Token(m.group(), n, label, variant, part))
    return out


def _compare_tex(path: Path, fresh: str, leaks: dict[str, str], report: Report) -> None:
    """Every number printed in ``path`` against the same place in a fresh render."""
    try:
        mine = _tokens(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        report.problems.append(f"{path}: cannot read: {e}")
        return
    theirs = _tokens(fresh)
    report.count(f"numbers in {path.name}", len(mine))
    mine_v, theirs_v = _by_variant(mine), _by_variant(theirs)
    if list(mine_v) != list(theirs_v):
        report.problems.append(f"{path.name}: holds variants {', '.join(mine_v) or 'none'}; "
                               f"answers.json has {', '.join(theirs_v) or 'none'}")
        return
    for code, tokens in mine_v.items():
        _diff(path, tokens, theirs_v[code], leaks, report)


def _by_variant(tokens: list[_Token]) -> dict[str, list[_Token]]:
    groups: dict[str, list[_Token]] = {}
    for t in tokens:
        groups.setdefault(t.variant, []).append(t)
    return groups


def _diff(path: Path, mine: list[_Token], theirs: list[_Token], leaks: dict[str, str],
          report: Report) -> None:
    sm = difflib.SequenceMatcher(None, [t.text for t in mine], [t.text for t in theirs],
                                 autojunk=False)
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


def _answer_prints(variants: list[Variant]) -> dict[str, str]:
    """Decimals the key prints for answers and the worksheet never prints for params."""
    given, out = set(), {}
    for v in variants:
        for ex in v.exercises:
            given |= {numfmt.plain(x, ex.decimals) for x in _leaves(ex.params) if is_number(x)}
    for v in variants:
        for ex in v.exercises:
            for label, x in entries(ex.kind, ex.answers):
                text = texmath.approx(x, ex.decimals)
                if "." in text and text not in given:
                    out.setdefault(text, f"{label} in variant {v.code}")
    return out


_KEYWORDS = re.compile(rb"/Keywords\s*\(((?:[^()\\]|\\.)*)\)")
_STAMP = re.compile(r"^rnnsheets-source-md5 ([0-9A-Fa-f]{32})(?: variant (.*))?$")


def pdf_stamp(data: bytes) -> tuple[str, str | None] | None:
    """(source MD5, variant code or None) recorded in a PDF's Keywords, if any."""
    for m in _KEYWORDS.finditer(data):
        text = re.sub(rb"\\([0-7]{1,3})", lambda e: bytes([int(e.group(1), 8)]), m.group(1))
        if s := _STAMP.match(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1")):
            return s.group(1).lower(), s.group(2)
    return None


def _check_pdf(pdf: Path, tex: Path, report: Report, variant: str | None = None) -> None:
    """A PDF is current when the MD5 recorded in it is the MD5 of its .tex now."""
    if not pdf.exists():
        report.notes.append(f"{pdf}: not present, not checked")
        return
    name = pdf.relative_to(tex.parent).as_posix()
    stamp = pdf_stamp(pdf.read_bytes())
    if stamp is None:
        report.problems.append(f"{name}: no source checksum recorded; rebuild it from "
                               f"{tex.name} with pdflatex")
        return
    report.count("PDFs")
    if stamp[0] != hashlib.md5(tex.read_bytes()).hexdigest():
        how = "generate the build again" if variant else f"rebuild it: pdflatex {tex.name}"
        report.problems.append(f"{name}: not built from the current {tex.name} ({how})")
    if stamp[1] != variant:
        report.problems.append(f"{name}: holds variant {stamp[1]}, expected {variant}")


# --- hand-made keys ------------------------------------------------------------


def audit_spec(path: Path) -> Report:
    """Each answer a spec file's exercises carry, against the true value."""
    report = Report()
    data = read_data(path)
    items = data.get("exercises")
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: exercises", "expected a non-empty list of exercises")
    for i, item in enumerate(items):
        where = f"{path}: exercises[{i}]"
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind not in REGISTRY:
            raise InputError(f"{where}.kind", f"unknown exercise kind {kind!r}; expected one of "
                             + ", ".join(REGISTRY))
        hand = item.get("answers")
        if not isinstance(hand, dict):
            report.notes.append(f"{where}: no answers to audit")
            continue
        fresh = solve(kind, item.get("params", {}), 4, f"{where}.params")
        _audit(f"{where} ({kind})", fresh, hand, report)
    return report


def _audit(where: str, fresh: Exercise, hand: dict, report: Report) -> None:
    truth = entries(fresh.kind, fresh.answers)
    order = {label: n for n, (label, _) in enumerate(truth)}
    true = dict(truth)
    verdicts: list[tuple[int, str, object, object]] = []
    for label, given in _hand_entries(fresh.kind, hand):
        if label not in true:
            report.problems.append(f"{where}: {label}: the key gives {given}, but there is no "
                                   "such answer (check its shape)")
            continue
        verdict = _judge(given, true[label])
        report.count("answers")
        if verdict == "rounding":
            report.count("rounded")
            report.notes.append(f"{where}: {label}: key says {given}, true {_show(true[label])}"
                                ": rounding, accepted")
        elif verdict == "wrong":
            verdicts.append((order[label], label, given, true[label]))
    if not verdicts:
        return
    verdicts.sort()
    first = verdicts[0]
    finals = [v for v in verdicts if v[1].split("_")[0].split("[")[0] in REGISTRY[fresh.kind].FINAL]
    for _, label, given, value in finals or verdicts:
        line = f"{where}: {label}: key says {given}, true {_show(value)}"
        if label != first[1]:
            line += f"; first wrong step: {first[1]} = {first[2]}, should be {_show(first[3])}"
        report.problems.append(line)


def _hand_entries(kind: str, hand: dict) -> list[tuple[str, object]]:
    """A hand key's answers as labelled entries; numbers kept as written."""
    parsed = {k: _keep(v) for k, v in hand.items()}
    return entries(kind, parsed)


class _Written(Fraction):
    """A number as the key wrote it, remembering its decimals."""

    places: int | None

    def __new__(cls, raw):
        self = super().__new__(cls, to_fraction(raw))
        self.raw = raw
        self.places = _decimals(raw)
        return self

    def __str__(self) -> str:
        return str(self.raw)


def _keep(v):
    if isinstance(v, list):
        return [_keep(e) for e in v]
    if is_number(v) or isinstance(v, str) and _parse_number(v) is not None:
        return _Written(v)
    return v


def _decimals(raw) -> int | None:
    """Decimals written, or None for a fraction (exact as written)."""
    if isinstance(raw, str) and "/" in raw:
        return None
    text = repr(raw) if isinstance(raw, float) else str(raw)
    if "e" in text.lower():
        return None
    return len(text.split(".")[1]) if "." in text else 0


def _judge(given: _Written, value) -> str:
    """right, rounding (equal to the true value rounded to the decimals written) or wrong."""
    exact = Fraction(value) if not isinstance(value, float) else None
    if exact is not None and Fraction(given) == exact:
        return "right"
    if exact is None and abs(float(given) - value) <= 1e-12:
        return "right"
    if given.places is None:
        return "wrong"
    half = Fraction(1, 2 * 10**given.places)
    diff = abs(Fraction(given) - (exact if exact is not None else Fraction(value)))
    return "rounding" if diff <= half + Fraction(1, 10**12) else "wrong"


def _parse_number(v):
    try:
        return to_fraction(v)
    except ValueError:
        return None


def _show(x) -> str:
    if isinstance(x, Fraction) and not isinstance(x, _Written):
        text = numfmt.plain(x, 4)
        if "/" in text:
            return f"{text} (about {numfmt.rounded(x, numfmt.approx_places(x))})"
        return text
    if isinstance(x, float):
        return numfmt.rounded(x, 6).rstrip("0").rstrip(".") or "0"
    return str(x)
