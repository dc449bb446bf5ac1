"""Canvas QTI 1.2 (canvas-qti.zip): one quiz per variant, a numerical question per entry.

Canvas's quiz page rounds a typed number to four decimals, so an entry a student
types with more decimals is asked scaled ("type 10^k times your answer") and its
item id records the scale (``...~e3``). Each range is the entry's tolerance, written
as exact decimals.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from fractions import Fraction

from ..numfmt import terminating_digits
from ..questions import decimal
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


def scale_for(value, tol: float, decimals: int) -> int:
    """k such that 10^k times what a student types has at most Canvas's four decimals.

    Canvas's quiz page rounds a typed number to four decimals before grading. A student
    types ``decimals`` places where the tolerance allows rounding, else the exact value.
    """
    places = decimals if tol > 0 else terminating_digits(Fraction(decimal(value))) or 0
    return max(0, places - CANVAS_PLACES)


def bounds(value, tol: float, k: int) -> tuple[str, str, str]:
    """The scaled answer and its range as exact decimal strings (Canvas takes the margin as
    upper bound minus answer, so float noise there would shrink it)."""
    scaled = Decimal(decimal(value)).scaleb(k)
    t = Decimal(decimal(tol)).scaleb(k)
    return tuple(_plain(x) for x in (scaled, scaled - t, scaled + t))


def _plain(x: Decimal) -> str:
    text = format(x.normalize(), "f")
    return "0" if text in ("-0", "") else text


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
        form = a.asked_form(fractions=False)
        for answer, (entry, value, tol) in ((b, c) for b in q.answers for c in a.cells(b)):
            suffix = entry[len(a.entry_id(answer)):]
            k = scale_for(value, tol, ex.decimals)
            exact, low, high = bounds(value, tol, k)
            item_id = item_key(entry) + (f"~e{k}" if k else "")
            item = ET.SubElement(section, "item", ident=item_id,
                                 title=f"Part {a.part}: {answer.name}{suffix}")
            meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
            _fields(meta, {"question_type": "numerical_question", "points_possible": "1.0"})
            ask = rf"Give \({entry_label(answer, suffix)}\) {form}."
            if k:
                ask += (f" Canvas keeps only {CANVAS_PLACES} decimals, so type your answer "
                        f"times 10^{k} (for 0.{'0' * (k - 1)}12345 type "
                        f"{Decimal('0.' + '0' * (k - 1) + '12345').scaleb(k):f}).")
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
            ET.SubElement(var, "varequal", respident="response1").text = exact
            both = ET.SubElement(var, "and")
            ET.SubElement(both, "vargte", respident="response1").text = low
            ET.SubElement(both, "varlte", respident="response1").text = high
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
                value = Decimal(item.find(f".//{{{QTI_NS}}}varequal").text)
                lo = Decimal(item.find(f".//{{{QTI_NS}}}vargte").text)
                hi = Decimal(item.find(f".//{{{QTI_NS}}}varlte").text)
                # a range not centred on the answer reads as tolerance -1: a finding
                tol = (hi - value).scaleb(-k) if hi - value == value - lo else -1
                out[ident.rsplit("~e", 1)[0]] = (float(value.scaleb(-k)), float(tol))
    return out


def verify(folder, job, report) -> None:
    """The answers in canvas-qti.zip against the computed ones."""
    verify_quiz(folder, job, report, FILE, read, files, item_key)
