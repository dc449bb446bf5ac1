"""Moodle XML, Canvas QTI and the HTML sheet: parsed back and checked against answers.json."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from rnnsheets.cli import main
from rnnsheets.numbers import decode_exact

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("fmt") / "out"
    cfg = out.parent / "all.toml"  # every question part 4 can ask
    cfg.write_text('[bptt]\nexpand = [1, 2, 3]\ngradients = ["W", "V", "b", "C"]\n'
                   'entry = true\n')
    r = run("generate", "--seed", 5, "--variants", 3, "--activation", "tanh", "--format",
            "moodle,qti,html,tex", "--config", cfg, "--out", out)
    assert r.exit_code == 0, r.output
    return out


def expected(out: Path) -> dict[str, float]:
    """Every numeric answer from answers.json, keyed as the quiz formats name them,
    written from the spec's fields directly (not through the package's questions)."""
    doc = json.loads((out / "answers.json").read_text())
    want = {}

    def put(key, value):
        if isinstance(value, list) and value and isinstance(value[0], list):
            for i, r in enumerate(value):
                for j, x in enumerate(r):
                    want[f"{key}[{i}][{j}]"] = float(Fraction(x)) if isinstance(x, str) else x
        elif isinstance(value, list):
            for i, x in enumerate(value):
                want[f"{key}[{i}]"] = float(Fraction(x)) if isinstance(x, str) else x
        else:
            want[key] = float(Fraction(value)) if isinstance(value, str) else value

    for v in doc["variants"]:
        for n, e in enumerate(v["exercises"], start=1):
            a, base = e["answers"], f"{v['code']}:p{n}:"
            if e["kind"] == "forward":
                for t, (h, o) in enumerate(zip(a["h"], a["o"])):
                    put(f"{base}h_{t}", h)
                    put(f"{base}o_{t}", o)
            elif e["kind"] == "bigram":
                for f in ("counts", "T", "likelihood"):
                    put(base + f, a[f])
            elif e["kind"] == "bigram_rnn":
                for f in ("W", "V", "b", "C"):
                    put(base + f, a[f])
                for t, o in enumerate(a.get("o", [])):
                    put(f"{base}o_{t}", o)
            else:
                for x in a["expansions"]:
                    put(f"{base}n_terms_{x['N']}", x["n_terms"])
                for f in ("n_terms", "loss", "dW", "dV", "db", "dC", "d_o0_d_W_entry"):
                    if f in a:  # the gradients and the W entry the sheet asks
                        put(base + f, a[f])
    return {k: float(v) for k, v in want.items()}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def test_moodle_xml(build):
    root = ET.parse(build / "moodle.xml").getroot()
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category"
    assert questions[0].findtext("category/text") == "$course$/top/rnnsheets/seed 5/variant 5-1"
    categories = [q.findtext("category/text") for q in questions if q.get("type") == "category"]
    assert len(categories) == 3  # a subcategory per variant
    for q in questions:  # 1 mark per number asked (Moodle sums a cloze's fields), 1 a choice
        if q.get("type") == "cloze":
            fields = q.findtext("questiontext/text").count("{1:NUMERICAL:")
            assert q.findtext("defaultgrade") == str(fields)
        elif q.get("type") != "category":
            assert q.findtext("defaultgrade") == "1"
    # Moodle's XML parser drops a space standing alone between escaped tags: markup goes
    # in CDATA, as Moodle's own export writes it, so no space can stand alone there
    raw = (build / "moodle.xml").read_text()
    assert "<![CDATA[" in raw and not re.search(r"&gt;\s+&lt;", raw)
    got, choices = {}, 0
    for q in questions[1:]:
        if q.get("type") == "category":
            continue
        ident = q.findtext("idnumber")
        assert q.findtext("name/text").startswith(f"Variant {ident.split(':')[0]} · Part ")
        assert re.match(r"^5-\d:p\d:", ident), ident  # variant and seed in every idnumber
        assert "\\(" in q.findtext("questiontext/text")
        assert "<p>\\[" in q.findtext("generalfeedback/text")  # the worked solution
        if q.get("type") == "numerical":
            got[ident] = float(q.findtext("answer/text"))
            assert float(q.findtext("answer/tolerance")) >= 0
        elif q.get("type") == "multichoice":
            choices += 1
            grades = [float(a.get("fraction")) for a in q.findall("answer")]
            assert 99.9 < sum(g for g in grades if g > 0) < 100.1 and min(grades) < 0
        else:
            assert q.get("type") == "cloze"
            text = q.findtext("questiontext/text")
            fields = re.findall(r"\{1:NUMERICAL:=([^:}]+):([^}~]+)~%0%-0.00011111111111111:0\}",
                                text)
            base = ident.rsplit(":", 1)[0]
            k = 0
            tables = re.findall(r'<table class="rnnsheets (\w+)" data-entry="([^"]+)">(.*?)'
                                r"</table>", text, re.S)
            for shape, name, body in tables:
                for i, row in enumerate(body.split("</tr>")[:-1]):
                    for j, (v, _) in enumerate(re.findall(r"\{1:NUMERICAL:=([^:}]+):([^}]+)\}",
                                                          row)):
                        cell = {"matrix": f"[{i}][{j}]", "vector": f"[{i}]"}.get(shape, "")
                        got[f"{base}:{name}{cell}"] = float(v)
                        k += 1
            assert k == len(fields)
    assert choices == 3 * 3  # the terms of each expansion (N = 1, 2, 3), in every variant
    want = expected(build)
    assert got.keys() == want.keys()
    for k in want:
        assert _close(got[k], want[k]), k


def test_canvas_qti(build):
    z = zipfile.ZipFile(build / "canvas-qti.zip")
    names = set(z.namelist())
    manifest = ET.fromstring(z.read("imsmanifest.xml"))
    hrefs = [f.get("href") for f in manifest.iter("{http://www.imsglobal.org/xsd/imsccv1p1/"
                                                     "imscp_v1p1}file")]
    assert hrefs and all(h in names for h in hrefs)
    assessments = [n for n in names if n.endswith(".xml") and "/" in n
                   and not n.endswith("assessment_meta.xml")]
    assert len(assessments) == 3  # one quiz per variant
    got, choices = {}, 0
    for name in assessments:
        root = ET.fromstring(z.read(name))
        for item in root.iter(QTI + "item"):
            fields = {f.findtext(QTI + "fieldlabel"): f.findtext(QTI + "fieldentry")
                      for f in item.iter(QTI + "qtimetadatafield")}
            if fields["question_type"] == "multiple_answers_question":
                choices += 1
                continue
            assert fields["question_type"] == "numerical_question"
            ident = item.get("ident")
            k = int(ident.split("~e")[1]) if "~e" in ident else 0
            value = float(item.find(f".//{QTI}varequal").text)
            lo, hi = (float(item.find(f".//{QTI}{t}").text) for t in ("vargte", "varlte"))
            assert lo <= value <= hi
            assert value == 0 or abs(value) >= 1e-4, "Canvas would round it to 0"
            got[ident.split("~e")[0]] = value / 10**k
    want = {re.sub(r"[^A-Za-z0-9_.-]", "_", k): v for k, v in expected(build).items()}
    assert choices == 3 * 3  # the terms of each expansion (N = 1, 2, 3), in every variant
    assert got.keys() == want.keys()
    for k in want:
        assert _close(got[k], want[k]), k


def test_html_is_self_contained_and_accessible(build):
    page = (build / "sheet.html").read_text()
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    assert "<script src" not in page and "<link" not in page
    assert page.count("<math") > 50 and "<svg" in page
    assert re.search(r"<h1>.*</h1>", page) and "<h2" in page and "<h3" in page
    inputs = re.findall(r"<label>(<math.*?</math>) <input ([^>]+)>", page)
    assert inputs and all("data-answer" in attrs for _, attrs in inputs)
    got = {m[0]: float(m[1]) for m in re.findall(r'data-id="([^"]+)" data-answer="([^"]+)"', page)}
    want = expected(build)
    assert got.keys() == want.keys()
    for k in want:
        assert _close(got[k], want[k]), k


def _tamper(data: bytes, pattern: str) -> bytes:
    text = data.decode()
    m = re.search(pattern, text)
    assert m
    return (text[:m.start(1)] + "0.123456" + text[m.end(1):]).encode()


def test_check_covers_the_quiz_formats(build, tmp_path):
    assert run("check", build).exit_code == 0
    for name in ("moodle.xml", "sheet.html", "canvas-qti.zip"):
        copy = tmp_path / name.replace(".", "_")
        shutil.copytree(build, copy)
        if name == "canvas-qti.zip":
            old = zipfile.ZipFile(build / name)
            with zipfile.ZipFile(copy / name, "w") as new:
                for item in old.infolist():
                    data = old.read(item)
                    if item.filename.endswith(".xml") and b"<varequal" in data:
                        data = _tamper(data, r"<varequal [^>]*>(-?[0-9.]+)</varequal>")
                    new.writestr(item, data)
        else:
            pattern = (r'data-answer="(-?[0-9.]+)"' if name == "sheet.html"
                       else r"<answer fraction=\"100\">\s*<text>(-?[0-9.]+)</text>")
            (copy / name).write_bytes(_tamper((copy / name).read_bytes(), pattern))
        r = run("check", copy)
        assert r.exit_code == 1 and f"MISMATCH: {name}:" in r.output, r.output
        assert "says 0.123456" in r.output


def test_tiny_values_are_scaled_for_canvas(tmp_path):
    from rnnsheets.formats.qti import scale_for

    assert scale_for(0.00003, 0, 8) == 1  # typed exactly: 5 decimals, one past Canvas's 4
    assert scale_for(0.5, 0.0005, 4) == 0 and scale_for(0.5, 0.0005, 6) == 2
    assert scale_for(0, 0, 4) == 0
    spec = {"exercises": [{"kind": "forward", "params": {
        "W": [[0.0001]], "V": [[0]], "b": [0], "C": [[0.0003]], "h_init": [0], "x": [[1]],
        "activation": "identity"}}]}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    assert run("generate", "--spec", tmp_path / "s.json", "--format", "qti", "--decimals", "8",
               "--out", tmp_path / "o").exit_code == 0
    z = zipfile.ZipFile(tmp_path / "o" / "canvas-qti.zip")
    body = b"".join(z.read(n) for n in z.namelist())
    assert b"~e4" in body and b"times 10^4" in body  # o_0 = 3e-8, typed exactly, is scaled
    assert b">0.0003</varequal>" in body  # 10^4 o_0
    assert run("check", tmp_path / "o").exit_code == 0


def test_unknown_format_is_a_clean_error(tmp_path):
    r = run("generate", "--seed", 1, "--format", "pdf,docx", "--out", tmp_path / "o")
    assert r.exit_code == 2 and "--format: unknown format 'docx'" in r.output


def test_pdf_and_answers_unchanged_by_extra_formats(tmp_path):
    assert run("generate", "--seed", 4, "--format", "tex", "--out", tmp_path / "a").exit_code == 0
    assert run("generate", "--seed", 4, "--format", "tex,html,moodle", "--out",
               tmp_path / "b").exit_code == 0
    for f in ("answers.json", "key.tex", "worksheet.tex"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert decode_exact(json.loads((tmp_path / "a/answers.json").read_text()))["seed"] == 4


KINDS = ("forward", "bigram", "bigram_rnn", "bptt", "softmax_lm", "lstm")


def test_registry_is_what_the_sweeps_cover():
    """Every registered kind is swept here (a new kind must be added to KINDS above)."""
    from rnnsheets.exercises import REGISTRY

    assert tuple(REGISTRY) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_in_every_format_passes_check(tmp_path, kind):
    """Each kind alone on a class set, in every on-screen format, round-trips through check;
    a tampered quiz answer of that kind is then caught."""
    for seed in (1, 2, 3):
        out = tmp_path / f"{kind}-{seed}"
        r = run("generate", "--seed", seed, "--variants", 2, "--parts", kind, "--format",
                "tex,moodle,qti,html", "--out", out)
        assert r.exit_code == 0, r.output
        r = run("check", out)
        assert r.exit_code == 0, r.output
        assert "answers in moodle.xml" in r.output and "answers in sheet.html" in r.output
    page = (out / "sheet.html").read_text()
    tampered = re.sub(r'data-answer="(-?[0-9.]+)"', 'data-answer="0.123456"', page, count=1)
    (out / "sheet.html").write_text(tampered)
    r = run("check", out)
    assert r.exit_code == 1 and "says 0.123456" in r.output


def test_parts_choose_and_order_the_sheet(tmp_path):
    out = tmp_path / "o"
    r = run("generate", "--seed", 4, "--parts", "lstm,bigram,softmax_lm", "--no-pdf",
            "--out", out)
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "answers.json").read_text())
    assert [e["kind"] for e in doc["variants"][0]["exercises"]] == ["lstm", "bigram",
                                                                    "softmax_lm"]
    # the same kind drawn in a different sheet gets the same numbers (streams are per kind)
    alone = tmp_path / "b"
    run("generate", "--seed", 4, "--parts", "bigram", "--no-pdf", "--out", alone)
    doc2 = json.loads((alone / "answers.json").read_text())
    assert doc2["variants"][0]["exercises"][0] == doc["variants"][0]["exercises"][1]
    config = tmp_path / "c.toml"
    config.write_text('[sheet]\nparts = ["softmax_lm", "forward"]\n')
    r = run("generate", "--seed", 4, "--config", config, "--no-pdf", "--out", tmp_path / "d")
    assert r.exit_code == 0, r.output
    doc3 = json.loads((tmp_path / "d" / "answers.json").read_text())
    assert [e["kind"] for e in doc3["variants"][0]["exercises"]] == ["softmax_lm", "forward"]
    r = run("generate", "--seed", 4, "--parts", "forward,gru", "--out", tmp_path / "e")
    assert r.exit_code == 2 and "--parts: unknown exercise kind 'gru'" in r.output
    assert not (tmp_path / "e").exists()


def test_check_covers_the_choices_of_terms(build, tmp_path):
    """A choice of terms that marks a wrong product right is caught in each quiz format."""
    html = tmp_path / "h"
    shutil.copytree(build, html)
    page = (html / "sheet.html").read_text()
    (html / "sheet.html").write_text(page.replace('data-right="no"', 'data-right="yes"', 1))
    r = run("check", html)
    assert r.exit_code == 1 and re.search(r"sheet\.html: 5-1:p4:expansion_1:terms: says", r.output)
    moodle = tmp_path / "m"
    shutil.copytree(build, moodle)
    xml = (moodle / "moodle.xml").read_text()
    m = re.search(r'<answer fraction="-[0-9.]+" format="html">', xml)
    (moodle / "moodle.xml").write_text(xml[:m.start()] + '<answer fraction="50" format="html">'
                                       + xml[m.end():])
    r = run("check", moodle)
    assert r.exit_code == 1 and "expansion_1:terms" in r.output, r.output


def test_shared_options_reach_only_the_kinds_on_the_sheet(tmp_path):
    """--steps 6 suits the activity; the LSTM's own limit (4) applies only where it is asked."""
    r = run("generate", "--seed", 1, "--steps", 6, "--no-pdf", "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "a" / "answers.json").read_text())
    assert len(doc["variants"][0]["exercises"][0]["params"]["x"]) == 6
    r = run("generate", "--seed", 1, "--steps", 6, "--parts", "forward,lstm", "--no-pdf",
            "--out", tmp_path / "b")
    assert r.exit_code == 2 and "--steps: expected a whole number from 1 to 4" in r.output
    r = run("generate", "--seed", 1, "--steps", 3, "--parts", "forward,lstm", "--no-pdf",
            "--out", tmp_path / "c")
    doc = json.loads((tmp_path / "c" / "answers.json").read_text())
    assert [len(e["params"]["x"]) for e in doc["variants"][0]["exercises"]] == [3, 3]


def test_every_quiz_question_says_what_to_type(build):
    """Moodle and Canvas number fields take no fractions: each question says to type a
    decimal, exact or rounded to the sheet's decimals (tanh here: 4)."""
    root = ET.parse(build / "moodle.xml").getroot()
    for q in root.iter("question"):
        if q.get("type") in ("numerical", "cloze"):
            text = q.findtext("questiontext/text")
            assert ("Give each answer as a decimal number rounded to 4 decimals" in text
                    or "Give each answer as a decimal number: exactly, or rounded to 4 decimals "
                    "if it has more" in text or "Give each answer as a whole number" in text), text
    z = zipfile.ZipFile(build / "canvas-qti.zip")
    for name in z.namelist():
        root = ET.fromstring(z.read(name))
        for item in root.iter(QTI + "item"):
            if item.find(f".//{QTI}render_fib") is not None:
                text = item.find(f".//{QTI}mattext").text
                assert "as a decimal number" in text or "as a whole number" in text, text
