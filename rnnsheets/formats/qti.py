"""Canvas QTI 1.2 (canvas-qti.zip): one quiz per variant, a numerical question per entry.

Canvas keeps four decimals of a numerical answer, so an entry smaller than 1e-4
in magnitude, or with a tolerance below 1e-4, is asked scaled ("give 10^k times
the value") and its item id records the scale (``...~e3``).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction

from ..questions import asked_form, decimal
from .common import (
    asked_in,
    display,
    entry_label,
    math_html,
    right_mask,
    solution_html,
    verify_quiz,
)

NAME = "qti"
FILE = "canvas-qti.zip"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
META_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_PLACES = 4
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)  # fixed, so the same build gives the same bytes


def files(job) -> dict[str, bytes]:
    """canvas-qti.zip."""
    quizzes: dict[str, tuple[str, list]] = {}
    for a in asked_in(job):
        if not a.entries and a.question.choice is None:
            continue
        ident = _ident(job.seed, a.variant.id)
        quizzes.setdefault(ident, (f"RNN sheet, variant {a.variant.code}", []))[1].append(a)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _write(z, "imsmanifest.xml", _manifest(quizzes))
        for ident, (title, items) in quizzes.items():
            _write(z, f"{ident}/{ident}.xml", _assessment(ident, title, items))
            _write(z, f"{ident}/assessment_meta.xml", _meta(ident, title, items))
    return {FILE: buf.getvalue()}


def _ident(seed: int, variant_id: str) -> str:
    digest = hashlib.sha256(f"{seed}:{variant_id}".encode()).hexdigest()[:12]
    return f"rnnsheets_{seed}_{re.sub(r'[^A-Za-z0-9]', '_', variant_id)}_{digest}"


def _write(z: zipfile.ZipFile, name: str, root: ET.Element) -> None:
    ET.indent(root)
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, ET.tostring(root, encoding="utf-8", xml_declaration=True))


def item_key(question_id: str) -> str:
    """A question entry's id as an item ident Canvas accepts."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", question_id)


def scale_for(value, tol: float) -> int:
    """k such that 10^k * value and 10^k * tol survive Canvas's four decimals."""
    k = 0
    v = abs(float(value))
    if 0 < v < 10**-CANVAS_PLACES:
        k = max(k, math.ceil(-math.log10(v)) - CANVAS_PLACES + 2)
    if 0 < tol < 10**-CANVAS_PLACES:
        k = max(k, math.ceil(-math.log10(tol)) - CANVAS_PLACES)
    return k


def _assessment(ident: str, title: str, items: list) -> ET.Element:
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    assessment = ET.SubElement(root, "assessment", ident=ident, title=title)
    _fields(ET.SubElement(assessment, "qtimetadata"), {"cc_maxattempts": "1"})
    section = ET.SubElement(assessment, "section", ident="root_section")
    for a in items:
        ex, q = a.exercise, a.question
        given = (f"<p>{math_html(a.statement.text)}</p>{display(a.statement.given)}"
                 f"<p>{math_html(q.prompt)}</p>")
        feedback = solution_html(a)  # once per question, shared by its entries' items
        form = asked_form(ex.exact, ex.decimals, fractions=False)
        for answer, (entry, value, tol) in ((b, c) for b in q.answers for c in a.cells(b)):
            suffix = entry[len(a.entry_id(answer)):]
            k = scale_for(value, tol)
            scaled = Fraction(value) * 10**k if ex.exact else float(value) * 10**k
            item_id = item_key(entry) + (f"~e{k}" if k else "")
            item = ET.SubElement(section, "item", ident=item_id,
                                 title=f"Part {a.part}: {answer.name}{suffix}")
            meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
            _fields(meta, {"question_type": "numerical_question", "points_possible": "1.0"})
            ask = rf"Give \({entry_label(answer, suffix)}\) {form}."
            if k:
                ask += f" Type 10^{k} times the value (it is smaller than Canvas keeps)."
            html = f"{given}<p>{math_html(ask)}</p>"
            pres = ET.SubElement(item, "presentation")
            ET.SubElement(ET.SubElement(pres, "material"), "mattext",
                          texttype="text/html").text = html
            resp = ET.SubElement(pres, "response_str", ident="response1", rcardinality="Single")
            ET.SubElement(ET.SubElement(resp, "render_fib", fibtype="Decimal"),
                          "response_label", ident="answer1")
            proc = ET.SubElement(item, "resprocessing")
            ET.SubElement(ET.SubElement(proc, "outcomes"), "decvar", maxvalue="100",
                          minvalue="0", varname="SCORE", vartype="Decimal")
            cond = ET.SubElement(proc, "respcondition", {"continue": "No"})
            var = ET.SubElement(ET.SubElement(cond, "conditionvar"), "or")
            ET.SubElement(var, "varequal", respident="response1").text = decimal(scaled)
            both = ET.SubElement(var, "and")
            t = tol * 10**k
            ET.SubElement(both, "vargte", respident="response1").text = repr(float(scaled) - t)
            ET.SubElement(both, "varlte", respident="response1").text = repr(float(scaled) + t)
            ET.SubElement(cond, "setvar", action="Set", varname="SCORE").text = "100"
            _feedback(item, feedback)
        if q.choice is not None:
            _choice_item(section, a)
    return root


def _feedback(item: ET.Element, html: str) -> None:
    feedback = ET.SubElement(item, "itemfeedback", ident="general_fb")
    ET.SubElement(ET.SubElement(ET.SubElement(feedback, "flow_mat"), "material"),
                  "mattext", texttype="text/html").text = html


def _choice_item(section: ET.Element, a) -> None:
    """A multiple-answers question: full marks for choosing exactly the right options."""
    c, q = a.question.choice, a.question
    item = ET.SubElement(section, "item", ident=item_key(a.choice_id),
                         title=f"Part {a.part}: {q.id} (terms)")
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _fields(meta, {"question_type": "multiple_answers_question", "points_possible": "1.0"})
    pres = ET.SubElement(item, "presentation")
    ET.SubElement(ET.SubElement(pres, "material"), "mattext", texttype="text/html").text = (
        f"<p>{math_html(a.statement.text)}</p>{display(a.statement.given)}"
        f"<p>{math_html(q.prompt)}</p><p>Which of these products are terms of the sum? "
        "Choose every one.</p>")
    lid = ET.SubElement(pres, "response_lid", ident="response1", rcardinality="Multiple")
    choice = ET.SubElement(lid, "render_choice")
    for i, option in enumerate(c.options):
        label = ET.SubElement(choice, "response_label", ident=str(i))
        ET.SubElement(ET.SubElement(label, "material"), "mattext",
                      texttype="text/html").text = f"\\({math_html(option)}\\)"
    proc = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0",
                  varname="SCORE", vartype="Decimal")
    cond = ET.SubElement(proc, "respcondition", {"continue": "No"})
    both = ET.SubElement(ET.SubElement(cond, "conditionvar"), "and")
    for i in range(len(c.options)):
        parent = both if i in c.right else ET.SubElement(both, "not")
        ET.SubElement(parent, "varequal", respident="response1").text = str(i)
    ET.SubElement(cond, "setvar", action="Set", varname="SCORE").text = "100"
    _feedback(item, solution_html(a))


def _fields(parent: ET.Element, fields: dict) -> None:
    for label, entry in fields.items():
        f = ET.SubElement(parent, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = label
        ET.SubElement(f, "fieldentry").text = entry


def _meta(ident: str, title: str, items: list) -> ET.Element:
    root = ET.Element("quiz", identifier=ident, xmlns=META_NS)
    for tag, text in (("title", title), ("description", "Generated by rnnsheets."),
                      ("shuffle_answers", "false"), ("scoring_policy", "keep_highest"),
                      ("quiz_type", "assignment"),
                      ("points_possible", str(sum(len(a.entries) + (a.question.choice is not None)
                                                  for a in items))),
                      ("allowed_attempts", "-1"), ("show_correct_answers", "true")):
        ET.SubElement(root, tag).text = text
    return root


def _manifest(quizzes: dict) -> ET.Element:
    root = ET.Element("manifest", identifier="rnnsheets_manifest", xmlns=CP_NS)
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "schema").text = "IMS Content"
    ET.SubElement(meta, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    for ident in quizzes:
        res = ET.SubElement(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
        ET.SubElement(res, "file", href=f"{ident}/{ident}.xml")
        ET.SubElement(res, "dependency", identifierref=f"{ident}_meta")
        meta_res = ET.SubElement(resources, "resource", identifier=f"{ident}_meta",
                                 type="associatedcontent/imscc_xmlv1p1/learning-application-"
                                      "resource", href=f"{ident}/assessment_meta.xml")
        ET.SubElement(meta_res, "file", href=f"{ident}/assessment_meta.xml")
    return root


def read(data: bytes) -> dict[str, tuple[float, float]]:
    """Every answer in a canvas-qti.zip, unscaled: {"<question id><cell>": (value, tolerance)}."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name == "imsmanifest.xml" or name.endswith("assessment_meta.xml"):
                continue
            root = ET.fromstring(z.read(name))
            for item in root.iter(f"{{{QTI_NS}}}item"):
                ident = item.get("ident")
                if item.find(f".//{{{QTI_NS}}}render_fib") is None:  # a choice of terms
                    right = [int(v.text) for v in item.iterfind(f".//{{{QTI_NS}}}and/"
                                                                f"{{{QTI_NS}}}varequal")]
                    out[ident] = (float(right_mask(right)), 0.0)
                    continue
                k = int(ident.rsplit("~e", 1)[1]) if "~e" in ident else 0
                value = float(item.find(f".//{{{QTI_NS}}}varequal").text)
                lo = float(item.find(f".//{{{QTI_NS}}}vargte").text)
                hi = float(item.find(f".//{{{QTI_NS}}}varlte").text)
                out[ident.rsplit("~e", 1)[0]] = (value / 10**k, (hi - lo) / 2 / 10**k)
    return out


def verify(folder, job, report) -> None:
    """The answers in canvas-qti.zip against the computed ones."""
    verify_quiz(folder, job, report, FILE, read, files, item_key)
