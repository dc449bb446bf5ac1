"""rnnsheets check: a build that holds passes; each kind of tampering fails and is named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rnnsheets.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def build(tex, tmp_path_factory):
    d = tmp_path_factory.mktemp("b") / "seed3"
    assert run("generate", "--seed", 3, "--out", d).exit_code == 0
    return d


@pytest.fixture
def copy(build, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(build, d)
    return d


def _mismatches(r):
    return [line for line in r.output.splitlines() if line.startswith("MISMATCH")]


def test_fresh_build_passes(build):
    r = run("check", build)
    assert r.exit_code == 0, r.output
    assert r.output.strip().splitlines()[-1].startswith("ok: checked")


@pytest.mark.parametrize("seed", [0, 11, 123, 4567])
def test_fresh_builds_pass_with_the_installed_command(tex, tmp_path, seed):
    exe = shutil.which("rnnsheets") or str(Path(sys.executable).parent / "rnnsheets")
    args = ["--activation", ("relu", "tanh", "identity", "sigmoid")[seed % 4]]
    subprocess.run([exe, "generate", "--seed", str(seed), "--out", str(tmp_path), *args],
                   check=True, capture_output=True, timeout=300)
    p = subprocess.run([exe, "check", str(tmp_path)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout


def test_changed_answer_in_answers_json(copy):
    doc = json.loads((copy / "answers.json").read_text())
    doc["variants"][0]["exercises"][0]["answers"]["o"][1][1] = 1.5
    (copy / "answers.json").write_text(json.dumps(doc))
    r = run("check", copy)
    assert r.exit_code == 1
    (line,) = _mismatches(r)
    assert "variant 3-1, part 1 (forward): o_1[1]: recorded 1.5, computed 1.4" in line


def test_changed_number_in_key_tex(copy):
    tex = (copy / "key.tex").read_text()
    i = tex.index("o_{1} = C h_{1}")
    j = tex.index("1.4", i)
    (copy / "key.tex").write_text(tex[:j] + "1.5" + tex[j + 3:])
    r = run("check", copy)
    assert r.exit_code == 1
    lines = _mismatches(r)
    assert any("key.tex line" in m and "variant 3-1, part 1 (The RNN forward step) near o_{1}"
               in m and "prints 1.5, a fresh render prints 1.4" in m for m in lines), lines
    assert any("key.pdf: not built from the current key.tex" in m for m in lines)


def test_key_pdf_from_other_numbers(copy, tmp_path):
    other = tmp_path / "other"
    assert run("generate", "--seed", 4, "--out", other).exit_code == 0
    shutil.copy(other / "key.pdf", copy / "key.pdf")
    r = run("check", copy)
    assert r.exit_code == 1
    assert _mismatches(r) == ["MISMATCH: key.pdf: not built from the current key.tex "
                              "(rebuild it: pdflatex key.tex)"]


def test_worksheet_that_prints_an_answer(copy):
    tex = (copy / "worksheet.tex").read_text()
    item = "\\item Compute $h_{1}$"
    tex = tex.replace(item, "Hint: $o_1 = (0, 1.4)$.\n" + item)
    (copy / "worksheet.tex").write_text(tex)
    r = run("check", copy)
    assert r.exit_code == 1
    assert any("worksheet.tex line" in m and "an answer of the key (" in m and "variant 3-1"
               in m for m in _mismatches(r)), r.output


def test_edited_wording_and_rebuilt_pdf_still_pass(copy):
    """An instructor may reword the key and rebuild it; only numbers are held to account."""
    tex = (copy / "key.tex").read_text().replace("Work through", "Please work through")
    tex = tex.replace("First the three terms", "Begin with the three terms")
    (copy / "key.tex").write_text(tex)
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "key.tex"], cwd=copy,
                   capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=120)
    r = run("check", copy)
    assert r.exit_code == 0, r.output


HAND = """
[[exercises]]
kind = "forward"
[exercises.params]
W = [[0.5, -0.3], [0.2, 0.4]]
V = [[0.1, 0.2], [-0.3, 0.5]]
b = [0.1, -0.1]
C = [[1, 0], [0.5, -0.5]]
h_init = [0, 0]
x = [[1, 0], [0, 1]]
activation = "relu"
[exercises.answers]
z = [[0.6, 0.1], [-0.12, 0.27]]
h = [[0.6, 0.1], [0, 0.27]]
o = [[0.6, 0.25], [0, -0.135]]

[[exercises]]
kind = "bigram"
[exercises.params]
corpus = [["i", "like", "tea"], ["i", "like", "cake"]]
query = ["i", "like", "tea"]
[exercises.answers]
likelihood = 0.167
T = [["1/6", 0.5, "1/6", "1/6"], [0.17, 0.17, 0.33, 0.33],
     [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]
"""


def test_audit_names_the_slip_and_its_first_wrong_step(tmp_path):
    f = tmp_path / "mykey.toml"
    f.write_text(HAND)  # z_1[1] is wrong, and h_1[1] and o_1[1] follow from it
    r = run("check", f)
    assert r.exit_code == 1
    # by hand: z_1 = W x_1 + V h_0 + b = (-0.3, 0.4) + (0.08, -0.13) + (0.1, -0.1) = (-0.12, 0.17)
    lines = _mismatches(r)
    assert ("MISMATCH: " + str(f) + ": exercises[0] (forward): o_1[1]: key says -0.135, true "
            "-0.085; first wrong step: z_1[1] = 0.27, should be 0.17") in lines
    assert not any("exercises[1]" in m for m in lines)
    assert "T[1][0]: key says 0.17, true 1/6 (about 0.167): rounding, accepted" in r.output
    assert "likelihood: key says 0.167, true 1/6 (about 0.167): rounding, accepted" in r.output


def test_audit_of_a_right_key_passes(tmp_path):
    f = tmp_path / "right.toml"
    f.write_text(HAND.replace("0.27", "0.17").replace("-0.135", "-0.085"))
    r = run("check", f)
    assert r.exit_code == 0, r.output


def test_check_errors_are_clean(tmp_path):
    r = run("check", tmp_path / "nope")
    assert r.exit_code == 2 and "no such file or folder" in r.output
    (tmp_path / "answers.json").write_text("{")
    r = run("check", tmp_path)
    assert r.exit_code == 2 and "answers.json: not valid JSON at line 1" in r.output


def test_key_pdf_from_other_numbers_with_its_checksum_forged(copy, tmp_path):
    """The recorded checksum alone is not trusted: pages are compared with a fresh run."""
    import hashlib
    import re as _re

    other = tmp_path / "other"
    assert run("generate", "--seed", 4, "--out", other).exit_code == 0
    data = (other / "key.pdf").read_bytes()
    theirs = hashlib.md5((other / "key.tex").read_bytes()).hexdigest().upper()
    mine = hashlib.md5((copy / "key.tex").read_bytes()).hexdigest().upper()
    assert _re.search(theirs.encode(), data, _re.I)
    (copy / "key.pdf").write_bytes(_re.sub(theirs.encode(), mine.encode(), data, flags=_re.I))
    r = run("check", copy)
    assert r.exit_code == 1
    assert any("key.pdf: page" in m and "differs from a fresh typesetting of key.tex" in m
               or "key.pdf:" in m and "pages, a fresh typesetting" in m
               for m in _mismatches(r)), r.output


def test_a_key_that_redefines_a_digit_fails_even_when_rebuilt(copy):
    """A rebuilt key whose source remaps 2 to print 7 matches its checksum but not a render."""
    tex = (copy / "key.tex").read_text()
    for where in ("preamble", "body"):
        bad = (tex.replace("\\begin{document}", "\\mathcode`2=\"0037\n\\begin{document}")
               if where == "preamble" else
               tex.replace("\\section*{Part 2", "\\mathcode`2=\"0037\n\\section*{Part 2"))
        (copy / "key.tex").write_text(bad)
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "key.tex"], cwd=copy,
                       capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=120)
        r = run("check", copy)
        assert r.exit_code == 1, (where, r.output)
        assert any("key.tex line" in m and ("preamble differs" in m or "\\mathcode" in m)
                   for m in _mismatches(r)), r.output


def test_quiz_files_that_differ_from_a_fresh_render_fail(tmp_path):
    out = tmp_path / "q"
    assert run("generate", "--seed", 3, "--format", "moodle,html", "--out", out).exit_code == 0
    assert run("check", out).exit_code == 0
    page = (out / "sheet.html").read_text()
    (out / "sheet.html").write_text(page.replace(
        "</body>", "<script>document.querySelector('input').dataset.answer='12345'</script>"
        "</body>"))
    r = run("check", out)
    assert r.exit_code == 1 and "sheet.html: line" in r.output, r.output
    xml = (out / "moodle.xml").read_text()
    (out / "moodle.xml").write_text(xml.replace("-0.4", "-0.9", 1))
    r = run("check", out)
    assert "moodle.xml: line" in r.output, r.output


def test_a_key_that_redefines_through_csname_fails(copy):
    tex = (copy / "key.tex").read_text()
    bad = tex.replace("\\section*{Part 2", "\\csname let\\endcsname\\cdot\\div\n\\section*{Part 2")
    (copy / "key.tex").write_text(bad)
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "key.tex"], cwd=copy,
                   capture_output=True, stdin=subprocess.DEVNULL, check=True, timeout=120)
    r = run("check", copy)
    assert r.exit_code == 1 and "\\csname" in r.output, r.output


def test_a_pdf_with_an_annotation_laid_over_fails(copy):
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter(clone_from=PdfReader(copy / "key.pdf"))
    writer.add_annotation(page_number=0, annotation=FreeText(text="ANSWER: 99",
                                                            rect=(50, 550, 200, 650)))
    with open(copy / "key.pdf", "wb") as f:
        writer.write(f)
    r = run("check", copy)
    assert r.exit_code == 1 and "key.pdf: page 1 differs" in r.output, r.output
