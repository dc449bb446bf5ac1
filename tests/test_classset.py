"""Class sets: a variant per student, each on its own sheet of paper, cut into per-variant PDFs."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdftext import text

from rnnsheets import shards
from rnnsheets.cli import main
from rnnsheets.generate import draw_all, make_request


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _variants(folder: Path) -> dict[str, dict]:
    doc = json.loads((folder / "answers.json").read_text())
    return {v["id"]: v for v in doc["variants"]}


def test_roster_edits_change_no_one_else(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("id,name,email\ns1,Ada Lovelace,ada@x\ns2,Alan Turing,al@x\ns3,Grace Hopper,g@x\n")
    b = tmp_path / "b.csv"  # reordered, one removed, one added, a column dropped
    b.write_text("name,id\nGrace Hopper,s3\nEmmy Noether,s9\nAda Lovelace,s1\n")
    assert run("generate", "--seed", 5, "--roster", a, "--out", tmp_path / "A", "--no-pdf",
               "-q").exit_code == 0
    assert run("generate", "--seed", 5, "--roster", b, "--out", tmp_path / "B", "--no-pdf",
               "-q").exit_code == 0
    va, vb = _variants(tmp_path / "A"), _variants(tmp_path / "B")
    assert list(vb) == ["s3", "s9", "s1"]
    for sid in ("s1", "s3"):
        assert va[sid] == vb[sid]
    assert va["s1"]["name"] == "Ada Lovelace"
    # the same student next term, alone: the same numbers
    c = tmp_path / "c.csv"
    c.write_text("id,name\ns3,Grace Hopper\n")
    assert run("generate", "--seed", 5, "--roster", c, "--out", tmp_path / "C", "--no-pdf",
               "-q").exit_code == 0
    assert _variants(tmp_path / "C")["s3"] == va["s3"]


def test_numbered_variants_match_roster_ids(tmp_path):
    assert run("generate", "--seed", 8, "--variants", 3, "--out", tmp_path / "n", "--no-pdf",
               "-q").exit_code == 0
    r = tmp_path / "r.csv"
    r.write_text("id,name\n2,Someone\n")
    assert run("generate", "--seed", 8, "--roster", r, "--out", tmp_path / "r", "--no-pdf",
               "-q").exit_code == 0
    n, one = _variants(tmp_path / "n"), _variants(tmp_path / "r")
    assert list(n) == ["1", "2", "3"]
    assert n["2"]["exercises"] == one["2"]["exercises"]


@pytest.fixture(scope="module")
def classset(tex, tmp_path_factory):
    d = tmp_path_factory.mktemp("cs")
    roster = d / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"st{i},Student Number{i}\n" for i in range(1, 6)))
    out = d / "out"
    r = run("generate", "--seed", 2024, "--roster", roster, "--out", out)
    assert r.exit_code == 0, r.output
    return out


def _pages(pdf: Path) -> list[str]:
    n = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, n + 1)]


@pytest.mark.parametrize("doc", ["worksheet", "key"])
def test_headers_parity_and_slices(classset, doc):
    pages = _pages(classset / f"{doc}.pdf")
    ids = [f"st{i}" for i in range(1, 6)]
    starts = []
    for n, page in enumerate(pages, start=1):
        if not page.strip():
            continue  # a blank page that keeps the next variant on a fresh sheet
        head = page.splitlines()[0]
        if "Answer grid" in head:
            assert doc == "key"
            continue
        code = next(sid for sid in ids if f"Variant 2024-{sid} · Student Number" in head)
        if not starts or starts[-1][0] != code:
            starts.append((code, n))
    assert [c for c, _ in starts] == ids
    for _, first in starts:
        assert first % 2 == 1, "every variant starts on the front of a sheet"
    bounds = [first for _, first in starts] + [len(pages) + 1]
    for (sid, first), nxt in zip(starts, bounds[1:]):
        body = [p for p in pages[first - 1:nxt - 1] if p.strip() and "Answer grid" not in p]
        own = _pages(classset / "variants" / sid / f"{doc}.pdf")
        assert own == body, f"{sid}/{doc}.pdf differs from its slice"


def test_key_ends_with_an_answer_grid(classset):
    pages = _pages(classset / "key.pdf")
    grid = " ".join(p for p in pages if "Answer grid" in p)
    for i in range(1, 6):
        assert f"Variant 2024-st{i}" in grid
    worksheet = " ".join(_pages(classset / "worksheet.pdf"))
    assert "Answer grid" not in worksheet
    # every answer the sheet asks, for every variant: each part's labels, in order
    tex = (classset / "key.tex").read_text().split("\\section*{Answer grid}")[1]
    asked = ["h_{0} =", "o_{0} =", "h_{1} =", "o_{1} =", "\\text{counts} =", "T =", "P =",
             "W =", "V =", "b =", "C =", "o_{0} =", "\\text{terms for } N = 3 =",
             "\\text{terms for } N = 2 =", "L =", "\\frac{\\partial L}{\\partial W} ="]
    for block in tex.split("\\textbf{Variant")[1:]:
        at = 0
        for label in asked:
            at = block.index(label, at) + len(label)  # raises if missing or out of order


def test_class_set_passes_check_and_compiles_alone(classset, tmp_path):
    r = run("check", classset)
    assert r.exit_code == 0, r.output
    assert "10 PDFs" not in r.output and "12 PDFs" in r.output  # 2 combined + 5 x 2 cut
    for doc in ("worksheet", "key"):
        (tmp_path / f"{doc}.tex").write_bytes((classset / f"{doc}.tex").read_bytes())
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                            f"{doc}.tex"], cwd=tmp_path, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=300)
        assert p.returncode == 0, p.stdout[-1500:]
        assert text(tmp_path / f"{doc}.pdf") == text(classset / f"{doc}.pdf")


def test_quiet_when_not_a_terminal(tmp_path):
    r = run("generate", "--seed", 1, "--variants", 4, "--out", tmp_path / "o", "--no-pdf")
    assert r.exit_code == 0
    assert r.output.strip().splitlines() == [r.output.strip()]
    assert r.output.startswith("wrote ")


def test_progress_bar_on_a_terminal(tmp_path):
    """On a terminal, a class set shows a progress bar on stderr; --quiet removes it."""
    exe = str(Path(sys.executable).parent / "rnnsheets")
    outputs = {}
    for quiet in ([], ["--quiet"]):
        master, slave = pty.openpty()
        p = subprocess.Popen([exe, "generate", "--seed", "1", "--variants", "30", "--no-pdf",
                              "--out", str(tmp_path / f"o{len(quiet)}"), *quiet],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        p.wait(timeout=120)
        os.close(master)
        assert p.returncode == 0
        outputs[bool(quiet)] = err.decode(errors="replace")
    assert "building" in outputs[False] and "100%" in outputs[False]
    assert outputs[True] == ""


def test_each_variant_has_its_own_sheet_html(tmp_path):
    """variants/<id>/sheet.html holds that variant alone, is made the same way every time,
    and check verifies it like the combined page."""
    from rnnsheets.formats.html import read

    def build(name):
        r = run("generate", "--seed", 6, "--variants", 3, "--format", "html", "--out",
                tmp_path / name, "-q")
        assert r.exit_code == 0, r.output
        return tmp_path / name

    out, again = build("a"), build("b")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert [f for f in files if f.startswith("variants/")] == [
        f"variants/{i}/sheet.html" for i in (1, 2, 3)]
    for f in files:
        assert (out / f).read_bytes() == (again / f).read_bytes(), f
    combined = read((out / "sheet.html").read_bytes())
    codes = {v: json.loads((out / "answers.json").read_text())["variants"][int(v) - 1]["code"]
             for v in ("1", "2", "3")}
    for v, code in codes.items():
        alone = read((out / "variants" / v / "sheet.html").read_bytes())
        assert alone and all(k.startswith(f"{code}:") for k in alone)
        assert alone == {k: x for k, x in combined.items() if k.startswith(f"{code}:")}

    r = run("check", out)
    assert r.exit_code == 0 and "195 answers in variants/*/sheet.html" in r.output, r.output
    page = out / "variants" / "2" / "sheet.html"
    text = page.read_text()
    m = re.search(r'data-answer="([^"]+)"', text)
    page.write_text(text[:m.start(1)] + "0.123456" + text[m.end(1):])
    r = run("check", out)
    assert r.exit_code == 1 and re.search(r"MISMATCH: variants/2/sheet\.html: \S+: says",
                                          r.output), r.output
    page.write_text(text.replace("Show solution", "Show the solution", 1))
    r = run("check", out)
    assert r.exit_code == 1 and "variants/2/sheet.html: line" in r.output, r.output
    page.unlink()
    r = run("check", out)
    assert r.exit_code == 0 and "variants/2/sheet.html: not present, not checked" in r.output


def test_a_big_class_set_made_on_two_cores_is_the_one_made_on_one(tmp_path):
    """Without PDFs, a class set of 130 variants (about half of them made in a forked
    child) writes exactly what a build made in one process writes, and check passes."""
    assert shards.MIN_VARIANTS <= 130
    for name, formats in (("two", "tex"), ("one", "tex,moodle")):  # moodle: one process
        assert run("generate", "--seed", 12, "--variants", 130, "--format", formats,
                   "--out", tmp_path / name, "-q").exit_code == 0
    for f in ("worksheet.tex", "key.tex", "answers.json", "responses-template.csv"):
        assert (tmp_path / "two" / f).read_bytes() == (tmp_path / "one" / f).read_bytes(), f
    key = (tmp_path / "two" / "key.tex").read_text()
    # each variant writes the TikZ source of a figure it draws: its pages stand alone
    assert key.count(r"\cachedfig{rnn-0-1--1-i}") == 130
    assert run("check", tmp_path / "two").exit_code == 0


def test_the_second_half_of_a_big_class_set_is_drawn_in_the_child():
    req = make_request(3, variants=200)
    drawn = draw_all(req)
    made = shards.pieces(drawn, req.settings)
    assert {i for what, i in made if what == "key"} == set(range(200))
    here = sorted(drawn._done)  # what this process drew
    assert here == list(range(len(here))) and 80 < len(here) < 120
