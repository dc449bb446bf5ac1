"""Real PDFs from real pdflatex: content, leaks, fonts, reproducibility, safety."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdftext import flat, numbers, printed, text

from rnnsheets.cli import main
from rnnsheets.numbers import decode_exact
from rnnsheets.numfmt import terminating_digits

SETUPS = {
    "relu": ["--seed", "1"],
    "tanh-column": ["--seed", "2", "--activation", "tanh", "--orientation", "column",
                    "--steps", "3"],
    "identity": ["--seed", "3", "--activation", "identity", "--k", "0.5", "--hidden", "3"],
}


@pytest.fixture(scope="module")
def builds(tex, tmp_path_factory):
    out = {}
    for name, args in SETUPS.items():
        d = tmp_path_factory.mktemp(name)
        r = CliRunner().invoke(main, ["generate", *args, "--out", str(d)])
        assert r.exit_code == 0, r.output
        out[name] = d
    return out


def _exercises(d):
    return json.loads((d / "answers.json").read_text())["variants"][0]["exercises"]


@pytest.mark.parametrize("name", SETUPS)
def test_build_writes_all_files(builds, name):
    d = builds[name]
    for f in ("answers.json", "worksheet.tex", "key.tex", "worksheet.pdf", "key.pdf"):
        assert (d / f).stat().st_size > 0
    assert (d / "worksheet.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("name", SETUPS)
def test_key_prints_every_answer_and_worksheet_none(builds, name):
    d = builds[name]
    key_numbers = numbers(text(d / "key.pdf"))
    ws_text = text(d / "worksheet.pdf")
    ws_numbers = numbers(ws_text)
    exercises = _exercises(d)
    given = {printed(v, e["decimals"] or 4) for e in exercises
             for v in flat(decode_exact(e["params"]))}
    for e in exercises:
        answers = decode_exact(e["answers"]) if e["exact"] else e["answers"]
        places = e["decimals"] or 4
        for v in flat(answers):
            shown = printed(v, places)
            if shown is None:
                continue
            assert shown in key_numbers, f"{e['kind']}: key lacks {shown}"
            if "." in shown and shown not in given:
                assert shown not in ws_numbers, f"{e['kind']}: worksheet leaks {shown}"


def test_leak_check_can_fail(builds):
    """The leak test looks at real text: a key's numbers are found in the key itself."""
    d = builds["relu"]
    loss = decode_exact(_exercises(d)[3]["answers"])["loss"]
    assert printed(loss, 4) in numbers(text(d / "key.pdf"))
    assert printed(loss, 4) not in numbers(text(d / "worksheet.pdf"))


def test_worksheet_states_the_orientation(builds):
    assert "each row is a previous" in text(builds["relu"] / "worksheet.pdf").replace("\n", " ")
    col = " ".join(text(builds["tanh-column"] / "worksheet.pdf").split())
    assert "each column is a previous word" in col


@pytest.mark.parametrize("name", SETUPS)
def test_vector_fonts_only(builds, name):
    for doc in ("worksheet.pdf", "key.pdf"):
        fonts = subprocess.run(["pdffonts", str(builds[name] / doc)], capture_output=True,
                               text=True, check=True).stdout
        assert "Type 3" not in fonts and "Type 1" in fonts


@pytest.mark.parametrize("name", SETUPS)
def test_tex_sources_compile_alone_with_plain_pdflatex(builds, tmp_path, name):
    """Each .tex compiles on its own to the same text, and no line is too wide (the log
    has no overfull box at all)."""
    for doc in ("worksheet", "key"):
        shutil.copy(builds[name] / f"{doc}.tex", tmp_path)
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                            f"{doc}.tex"], cwd=tmp_path, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=120)
        assert p.returncode == 0, p.stdout[-2000:]
        assert text(tmp_path / f"{doc}.pdf") == text(builds[name] / f"{doc}.pdf")
        log = (tmp_path / f"{doc}.log").read_text(errors="replace")
        assert "Overfull" not in log, re.findall(r"Overfull.*", log)


def test_same_seed_same_pdf_bytes(builds, tmp_path):
    r = CliRunner().invoke(main, ["generate", *SETUPS["relu"], "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    for f in ("answers.json", "worksheet.tex", "key.tex", "worksheet.pdf", "key.pdf"):
        assert (tmp_path / f).read_bytes() == (builds["relu"] / f).read_bytes(), f


def test_key_shows_fractions_with_decimals(builds):
    """Endless fractions print as fractions with an approximation, never as a rounding alone."""
    d = builds["relu"]
    tex = (d / "key.tex").read_text()
    T = decode_exact(_exercises(d)[1]["answers"]["T"])
    endless = [v for row in T for v in row if terminating_digits(v) is None]
    for v in endless:
        assert f"{abs(v.numerator)}/{v.denominator}" in tex
    if endless:
        assert r"T \approx" in tex


def test_no_pdf_writes_sources_only(tmp_path):
    r = CliRunner().invoke(main, ["generate", "--seed", "5", "--out", str(tmp_path), "--no-pdf"])
    assert r.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".rnnsheets-manifest", "answers.json", "key.tex", "responses-template.csv",
        "worksheet.tex"]


def test_missing_tex_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdflatex here
    r = CliRunner().invoke(main, ["generate", "--seed", "5", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "pdflatex not found" in r.output and "texlive-latex-base" in r.output
    assert not (tmp_path / "o").exists()


def test_tex_cannot_read_outside_its_folder(tex, tmp_path):
    from rnnsheets.errors import BuildError
    from rnnsheets.latex import compile_many

    secret = tmp_path / "secret.tex"
    secret.write_text("TOPSECRET")
    src = ("\\documentclass{article}\\begin{document}\\input{" + str(secret)
           + "}\\end{document}")
    with pytest.raises(BuildError) as err:
        compile_many({"probe": src})
    assert "probe.tex" in str(err.value) and "not found" in str(err.value)
    assert os.path.exists(secret)


HOSTILE = ["a&b", "50%", "$x$", "#1", "snake_case", "{x}", "~", "^", "back\\slash",
           "\\input{/etc/hostname}", "\\write18{touch;pwned}", "\\catcode", "\\def\\x{\\x}\\x",
           "naïve", "Ærø"]


def test_hostile_words_print_literally(tex, tmp_path):
    spec = {"exercises": [  # two corpora: a table holds at most 10 words
        {"kind": "bigram", "params": {"corpus": [HOSTILE[:4], HOSTILE[4:8]], "k": 1,
                                      "query": [HOSTILE[0], HOSTILE[1]]}},
        {"kind": "bigram", "params": {"corpus": [HOSTILE[8:12], HOSTILE[12:]], "k": 1,
                                      "query": [HOSTILE[8], HOSTILE[9]]}}]}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    r = CliRunner().invoke(main, ["generate", "--spec", str(tmp_path / "spec.json"), "--out",
                                  str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    for doc in ("worksheet.pdf", "key.pdf"):
        words = " ".join(text(tmp_path / "o" / doc).split())
        for w in HOSTILE:
            assert w in words, (doc, w)
    assert not (tmp_path / "o" / "pwned").exists()
    if os.path.exists("/etc/hostname"):
        host = Path("/etc/hostname").read_text().strip()
        assert not host or host not in text(tmp_path / "o" / "key.pdf")


def test_new_kinds_in_a_class_set_build_and_check(tex, tmp_path):
    """Kinds outside the activity, on a class set with real PDFs, pass check."""
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["generate", "--seed", "8", "--variants", "2", "--parts",
                                  "softmax_lm,lstm,bptt", "--out", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["check", str(out)])
    assert r.exit_code == 0 and "6 PDFs" in r.output, r.output
