"""Moodle XML: one question per sheet item, in one category per build.

An item with one number is a ``numerical`` question; otherwise a ``cloze`` question
with one ``{1:NUMERICAL:=value:tolerance}`` field per entry, a labelled table per
answer. An expansion asked in symbols becomes a ``multichoice`` question (choose
every term). Math is written \\( \\) for Moodle's MathJax filter; the worked
solution (the same steps as the PDF key) is the general feedback; each question's
idnumber names its variant (seed-id), part and item.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..questions import decimal
from .common import asked_in, display, label_text, math_html, right_mask, solution_html, verify_quiz

NAME = "moodle"
FILE = "moodle.xml"
#: Grades Moodle accepts for a choice, as percentages.
_GRADES = (100, 50, 33.33333, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10)


def files(job) -> dict[str, bytes]:
    """moodle.xml."""
    quiz = ET.Element("quiz")
    variant = None
    for a in asked_in(job):
        q = a.question
        if a.variant is not variant:  # a subcategory per variant, under the course's default
            variant = a.variant
            cat = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
            _text(cat, f"$course$/top/rnnsheets/seed {job.seed}/variant {variant.code}")
        if not a.entries and q.choice is None:
            continue  # answered in words: shown in the HTML sheet and the PDF key
        single = len(q.answers) == 1 and not isinstance(q.answers[0].value, list)
        body = [f"<p>{math_html(a.statement.text)}</p>", display(a.statement.given),
                f"<p>{math_html(q.prompt)}</p>"]
        numbers = body + [f"<p>Give each answer {a.asked_form(fractions=False)}.</p>"]
        if a.entries:
            if single:
                (entry, value, tol), = a.entries
                el = _question(quiz, a, "numerical", numbers, ident=entry)
                ans = ET.SubElement(el, "answer", fraction="100")
                ET.SubElement(ans, "text").text = decimal(value)
                ET.SubElement(ans, "tolerance").text = decimal(tol)
                _text(ET.SubElement(ans, "feedback"), "")
            else:
                tables = [_cloze_table(a, answer) for answer in q.answers]
                _question(quiz, a, "cloze", numbers + tables, marks=len(a.entries))
        if q.choice is not None:
            _choice(quiz, a, body)
    ET.indent(quiz)
    return {FILE: _cdata(ET.tostring(quiz, encoding="unicode")).encode("utf-8") + b"\n"}


_TEXT = re.compile(r"<text>([^<]*)</text>")


def _cdata(xml: str) -> str:
    """Every <text> holding markup as a CDATA section, as Moodle's own export writes it:
    its XML parser drops a space that stands alone between two escaped tags
    (``&lt;/span&gt; &lt;span``), so "is it warm" would read "isitwarm"."""
    def wrap(m: re.Match) -> str:
        text = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        if "<" not in text:
            return m.group(0)
        return "<text><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></text>"
    return "<?xml version='1.0' encoding='utf-8'?>\n" + _TEXT.sub(wrap, xml)


def _question(quiz: ET.Element, a, kind: str, body: list[str], prompt: str = "",
              ident: str = "", what: str = "", marks: int = 1) -> ET.Element:
    """A question named in words, worth ``marks``: 1 per number asked (Moodle makes a
    cloze question worth the sum of its fields' weights, 1 each), 1 for a choice."""
    el = ET.SubElement(quiz, "question", type=kind)
    asked = what or ", ".join(label_text(x.label) for x in a.question.answers)
    _text(ET.SubElement(el, "name"), f"Variant {a.variant.code} · Part {a.part} · {asked}")
    text = "".join(body) + (f"<p>{math_html(prompt)}</p>" if prompt else "")
    _text(ET.SubElement(el, "questiontext", format="html"), text)
    _text(ET.SubElement(el, "generalfeedback", format="html"), solution_html(a))
    ET.SubElement(el, "defaultgrade").text = str(marks)
    ET.SubElement(el, "penalty").text = "0"
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = ident or a.id
    return el


def _choice(quiz: ET.Element, a, body: list[str]) -> None:
    """Choose every term: right options share 100%, wrong ones take it back."""
    c = a.question.choice
    el = _question(quiz, a, "multichoice", body, prompt="Which of these products are terms "
                   "of the sum? Choose every one.", ident=a.choice_id,
                   what=", ".join(label_text(x.label) for x in a.question.answers)
                   + " (choose the terms)")
    ET.SubElement(el, "single").text = "false"
    ET.SubElement(el, "shuffleanswers").text = "0"
    ET.SubElement(el, "answernumbering").text = "abc"
    right = _grade(len(c.right))
    wrong = -_grade(len(c.options) - len(c.right))
    for i, option in enumerate(c.options):
        ans = ET.SubElement(el, "answer", fraction=f"{right if i in c.right else wrong:g}",
                            format="html")
        _text(ans, f"\\({option}\\)")
        _text(ET.SubElement(ans, "feedback"), "")


def _grade(n: int) -> float:
    """The Moodle grade nearest to 100/n."""
    return min(_GRADES, key=lambda g: abs(g - 100 / max(n, 1)))


def _text(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "text").text = value


def _cloze_table(a, answer) -> str:
    """One NUMERICAL field per entry, laid out as the answer's vector or matrix is."""
    value = answer.value
    matrix = isinstance(value, list) and bool(value) and isinstance(value[0], list)
    width = len(value[0]) if matrix else 1
    fields = [f"<td>{{1:NUMERICAL:={decimal(v)}:{decimal(tol)}~%0%{PAD}:0}}</td>"
              for _, v, tol in a.cells(answer)]
    rows = ["<tr>" + "".join(fields[i:i + width]) + "</tr>" for i in range(0, len(fields), width)]
    kind = "matrix" if matrix else "vector" if isinstance(value, list) else "number"
    return (f"<p>\\({answer.label}\\) =</p>"
            f'<table class="rnnsheets {kind}" data-entry="{answer.name}">{"".join(rows)}</table>')


#: Moodle sizes a cloze box by its longest stored answer (as PHP prints the float, at most
#: 20 characters). Every box also holds this 0% answer of 20 characters, so every box has
#: the same width, and a short box never tells that the answer is 0.
PAD = "-0.00011111111111111"
_TABLE = re.compile(r'<table class="rnnsheets (\w+)" data-entry="([^"]+)">(.*?)</table>', re.S)
_CLOZE = re.compile(r"\{1:NUMERICAL:=([^:}]+):([^}~]+)~%0%" + re.escape(PAD) + r":0\}")


def read(data: bytes) -> dict[str, tuple[float, float]]:
    """Every answer in a moodle.xml: {entry id: (value, tolerance)}."""
    out = {}
    for q in ET.fromstring(data).iter("question"):
        kind = q.get("type")
        ident = q.findtext("idnumber") or ""
        base = ident.rsplit(":", 1)[0] + ":"
        if kind == "numerical":
            ans = q.find("answer")
            out[ident] = (float(ans.findtext("text")), float(ans.findtext("tolerance")))
        elif kind == "multichoice":
            grades = [float(x.get("fraction")) for x in q.findall("answer")]
            if abs(sum(g for g in grades if g > 0) - 100) > 0.01:
                raise ValueError(f"{ident}: the right choices' grades do not add up to 100%")
            out[ident] = (float(right_mask(i for i, g in enumerate(grades) if g > 0)), 0.0)
        elif kind == "cloze":
            for shape, name, body in _TABLE.findall(q.find("questiontext").findtext("text")):
                for i, row in enumerate(body.split("</tr>")[:-1]):
                    for j, (v, tol) in enumerate(_CLOZE.findall(row)):
                        cell = {"matrix": f"[{i}][{j}]", "vector": f"[{i}]"}.get(shape, "")
                        out[base + name + cell] = (float(v), float(tol))
    return out


def verify(folder, job, report) -> None:
    """The answers in moodle.xml against the computed ones."""
    verify_quiz(folder, job, report, FILE, read, files)
