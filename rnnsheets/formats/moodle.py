"""Moodle XML: one question per asked quantity, in one category per build.

Scalars are ``numerical`` questions; vectors and matrices are ``cloze``
questions with one ``{1:NUMERICAL:=value:tolerance}`` field per entry. Math is
written \\( \\) for Moodle's MathJax filter; the worked solution is the general
feedback; each question's idnumber names its variant (seed-id), part and quantity.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..questions import decimal
from .common import asked_in, display, math_html

NAME = "moodle"
FILE = "moodle.xml"


def files(job) -> dict[str, bytes]:
    """moodle.xml."""
    quiz = ET.Element("quiz")
    cat = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
    _text(cat, f"$course$/top/rnnsheets/seed {job.seed}")
    for a in asked_in(job):
        if not a.entries:
            continue  # answered in symbols: shown in the HTML sheet and the PDF key
        q = a.question
        scalar = not isinstance(q.value, list)
        el = ET.SubElement(quiz, "question", type="numerical" if scalar else "cloze")
        _text(ET.SubElement(el, "name"), f"Variant {a.variant.code} · part {a.part} · {q.id}")
        body = [f"<p>{math_html(a.statement.text)}</p>", display(a.statement.given),
                f"<p>{math_html(q.prompt)}</p>"]
        if not scalar:
            body.append(_cloze_table(a))
        _text(ET.SubElement(el, "questiontext", format="html"), "".join(body))
        _text(ET.SubElement(el, "generalfeedback", format="html"), display(q.solution))
        ET.SubElement(el, "defaultgrade").text = str(len(a.entries))
        ET.SubElement(el, "penalty").text = "0"
        ET.SubElement(el, "hidden").text = "0"
        ET.SubElement(el, "idnumber").text = a.id
        if scalar:
            (_, value, tol), = a.entries
            ans = ET.SubElement(el, "answer", fraction="100")
            ET.SubElement(ans, "text").text = decimal(value)
            ET.SubElement(ans, "tolerance").text = repr(tol)
            _text(ET.SubElement(ans, "feedback"), "")
    ET.indent(quiz)
    return {FILE: ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"}


def _text(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "text").text = value


def _cloze_table(a) -> str:
    """One NUMERICAL field per entry, laid out as the vector or matrix is."""
    matrix = isinstance(a.question.value[0], list)
    width = len(a.question.value[0]) if matrix else 1
    fields = [f"<td>{{1:NUMERICAL:={decimal(v)}:{tol!r}}}</td>" for _, v, tol in a.entries]
    rows = ["<tr>" + "".join(fields[i:i + width]) + "</tr>" for i in range(0, len(fields), width)]
    return f'<table class="rnnsheets {"matrix" if matrix else "vector"}">{"".join(rows)}</table>'



_CLOZE = re.compile(r"\{1:NUMERICAL:=([^:}]+):([^}]+)\}")


def read(data: bytes) -> dict[str, tuple[float, float]]:
    """Every answer in a moodle.xml: {"<idnumber><cell>": (value, tolerance)}."""
    out = {}
    for q in ET.fromstring(data).iter("question"):
        kind = q.get("type")
        ident = q.findtext("idnumber") or ""
        if kind == "numerical":
            ans = q.find("answer")
            out[ident] = (float(ans.findtext("text")), float(ans.findtext("tolerance")))
        elif kind == "cloze":
            text = q.find("questiontext").findtext("text")
            matrix = 'class="rnnsheets matrix"' in text
            for i, row in enumerate(text.split("</tr>")[:-1]):
                for j, (v, tol) in enumerate(_CLOZE.findall(row)):
                    out[ident + (f"[{i}][{j}]" if matrix else f"[{i}]")] = (float(v), float(tol))
    return out
