"""Names, titles and corpus words in any script print as their letters in every PDF."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

from click.testing import CliRunner

from rnnsheets.cli import main
from rnnsheets.render import escape

NAMES = {
    "zh": "李雷", "ja": "やまだ はなこ", "ko": "김민준", "el": "Ελένη Παπαδοπούλου",
    "ru": "Иван Петров", "ar": "محمد علي", "hi": "अनन्या शर्मा", "he": "דוד לוי",
    "la": "Zoë Łukasz",
}
TITLE = "循环网络 · Сети · الشبكات"
#: Bidirectional controls pdftotext puts around right-to-left text.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def letters(pdf: Path) -> str:
    """A PDF's text in reading order, without spaces (shaped scripts gain stray ones) and
    with Arabic presentation forms read as their letters."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return "".join(unicodedata.normalize("NFKC", out).translate(_BIDI).split())


def bare(s: str) -> str:
    return "".join(s.split())


def test_each_script_gets_its_own_font_and_direction():
    assert escape("李雷") == r"\rnnscript{cjksc}{李\rnnbreak{}雷}"
    assert escape("やまだ 花子").startswith(r"\rnnscript{cjkjp}{")  # kana: Japanese forms
    assert escape("김민준") == r"\rnnscript{cjkkr}{김민준}"
    assert escape("محمد علي") == r"\rnnscript{arabic}{محمد علي}"  # one right-to-left run
    assert escape("Ελένη & Иван") == (r"\rnnscript{serif}{Ελένη} \& "
                                      r"\rnnscript{serif}{Иван}")
    assert escape("Zoë Łukasz") == "Zoë Łukasz"  # T1 prints these: pdfLaTeX stays
    assert escape("a😀") == r"a\codepoint{1F600}"  # no font has it: its code point
    assert escape(r"\input{x} 李") == (r"\textbackslash{}input\{x\} "
                                      r"\rnnscript{cjksc}{李}")
    # Right to left: numbers inside read left to right, in a font with digits, and a
    # phrase with a number inside is one run, so its words keep their order.
    assert escape("علي123") == r"\rnnscript{arabic}{علي\rnnltr{123}}"
    assert escape("דוד42לוי") == r"\rnnscript{hebrew}{דוד\rnnltr{42}לוי}"
    assert escape("Test شبكة 123 عالم") == r"Test \rnnscript{arabic}{شبكة \rnnltr{123} عالم}"
    assert escape("ب\u0301") == "\\rnnscript{arabic}{ب\u0301}"  # a mark stays with its letter
    assert escape("😀 😀") == r"\codepoint{1F600} \codepoint{1F600}"


def test_right_to_left_numbers_print_and_missing_glyphs_are_reported(tex, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name\na,علي123\nb,דוד42לוי\nc,شبكة 123 عالم\n", encoding="utf-8")
    r = run("generate", "--seed", 5, "--roster", roster, "--parts", "forward", "--out",
            tmp_path / "o")
    assert r.exit_code == 0 and "warning" not in r.output, r.output
    assert all(d["missing"] == [] and d["overfull"] == []
               for d in json.loads((tmp_path / "o" / "layout.json").read_text()).values())
    for ident, digits in (("a", "123"), ("b", "42"), ("c", "123")):
        assert digits in letters(tmp_path / "o" / "variants" / ident / "worksheet.pdf")
    # Ideographs Noto Serif CJK lacks: the build says so, and check fails it.
    roster.write_text("id,name\na,\U0002A6D6\n", encoding="utf-8")
    r = run("generate", "--seed", 5, "--roster", roster, "--parts", "forward", "--out",
            tmp_path / "rare")
    assert r.exit_code == 0 and "no glyph for \U0002A6D6 (U+2A6D6)" in r.output, r.output
    assert run("check", tmp_path / "rare").exit_code == 1


def test_a_roster_in_every_script_prints_as_itself(tex, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{k},{v}\n" for k, v in NAMES.items()),
                      encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[sheet]\ntitle = {json.dumps(TITLE, ensure_ascii=False)}\n",
                   encoding="utf-8")
    out = tmp_path / "o"
    r = run("generate", "--seed", 3, "--roster", roster, "--config", cfg, "--out", out)
    assert r.exit_code == 0, r.output
    assert (out / "worksheet.tex").read_text(encoding="utf-8").startswith(
        "% !TeX program = lualatex\n")
    grid = letters(out / "key.pdf")
    for ident, name in NAMES.items():
        assert bare(name) in grid, name  # every header and the answer grid
        for doc in ("worksheet.pdf", "key.pdf"):
            got = letters(out / "variants" / ident / doc)
            assert bare(name) in got and bare(TITLE) in got, (ident, doc)
            assert "U+" not in got
    fonts = subprocess.run(["pdffonts", str(out / "worksheet.pdf")], capture_output=True,
                           text=True, check=True).stdout
    for face in ("NotoSerifCJKsc", "NotoSerifCJKjp", "NotoSerifCJKkr", "NotoSerif-",
                 "NotoNaskhArabic", "NotoSerifDevanagari", "NotoSerifHebrew"):
        assert face in fonts, face
    assert "Type 3" not in fonts
    r = run("check", out)
    assert r.exit_code == 0, r.output


def test_corpus_words_in_other_scripts_print_as_themselves(tex, tmp_path):
    corpus = [["λόγος", "字", "слово"], ["слово", "λόγος"], ["कल", "字"]]
    spec = {"exercises": [{"kind": "bigram", "params": {
        "corpus": corpus, "query": ["слово", "λόγος", "字"]}}]}
    (tmp_path / "s.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    r = run("generate", "--spec", tmp_path / "s.json", "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    for doc in ("worksheet.pdf", "key.pdf"):
        got = letters(tmp_path / "o" / doc)
        for word in ("λόγος", "字", "слово", "कल"):
            assert word in got, (doc, word)
        assert "U+" not in got
    doc = json.loads((tmp_path / "o" / "answers.json").read_text(encoding="utf-8"))
    assert doc["variants"][0]["exercises"][0]["answers"]["vocab"][:3] == ["λόγος", "字",
                                                                          "слово"]


def test_latin_sheets_stay_on_pdflatex(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\na,Zoë Łukasz\nb,Ærø O'Brien\n", encoding="utf-8")
    r = run("generate", "--seed", 1, "--roster", roster, "--out", tmp_path / "o",
            "--no-pdf")
    assert r.exit_code == 0, r.output
    for doc in ("worksheet.tex", "key.tex"):
        source = (tmp_path / "o" / doc).read_text(encoding="utf-8")
        assert source.startswith(r"\documentclass") and r"\rnnscript" not in source
