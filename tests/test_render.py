"""Rendering: number formats, escaping, and every kind rendering for many seeds."""

from __future__ import annotations

from fractions import Fraction
from importlib import resources

import pytest
from test_answers import _settings

from rnnsheets import numfmt
from rnnsheets.config import load_settings
from rnnsheets.exercises import REGISTRY
from rnnsheets.latex import compile_many
from rnnsheets.render import escape, render_document
from rnnsheets.sheet import draw_variant


@pytest.mark.parametrize("x, text", [
    (Fraction(-294, 1000), "-0.294"), (Fraction(1, 8), "0.125"), (Fraction(7), "7"),
    (Fraction(-1, 20), "-0.05"), (Fraction(123456789, 10**9), "0.123456789"),
    (Fraction(1, 3), None), (Fraction(1, 6), None),
])
def test_exact_decimals(x, text):
    assert numfmt.exact_decimal(x) == text


def test_rounding_never_prints_minus_zero():
    assert numfmt.rounded(-0.00001, 4) == "0.0000"
    assert numfmt.rounded(Fraction(1, 3), 3) == "0.333"
    assert numfmt.rounded(Fraction(-2, 3), 3) == "-0.667"


def test_small_fractions_keep_three_significant_digits():
    assert numfmt.rounded(Fraction(1, 3000), numfmt.approx_places(Fraction(1, 3000))) == "0.000333"


def test_escape_neutralises_every_special_character():
    out = escape(r"& % $ # _ { } ~ ^ \ \input{x}")
    assert "\\input" not in out and "\\&" in out and "\\%" in out
    for c in "&%$#_{}":
        assert f"\\{c}" in out


def test_every_kind_has_its_template():
    folder = resources.files("rnnsheets.templates")
    for kind in REGISTRY:
        assert folder.joinpath(f"{kind}.tex.j2").is_file(), kind


@pytest.mark.parametrize("key", [False, True])
def test_render_sweep(key):
    """200 drawn variants over every setting render without an undefined value."""
    for seed in range(200):
        doc = render_document([draw_variant(seed, "1", _settings(seed))], _settings(seed), key)
        assert doc.count("\\section*{Part") == len(REGISTRY)
        assert ("\\begin{solution}" in doc) == key


def test_pdf_sweep(tex):
    """A dozen varied sheets compile; a template slip that breaks LaTeX shows up here."""
    sources = {}
    for seed in range(12):
        s = _settings(seed)
        v = [draw_variant(seed, "1", s)]
        sources[f"w{seed}"] = render_document(v, s, False)
        sources[f"k{seed}"] = render_document(v, s, True)
    pdfs = compile_many(sources)
    assert all(b.pdf.startswith(b"%PDF") for b in pdfs.values())


def test_title_block_is_configurable():
    s = load_settings(overrides={"sheet": {"title": "Week 9 & RNNs", "course": "CS 101",
                                           "date": "1 Dec"}})
    doc = render_document([draw_variant(1, "1", s)], s, False)
    assert "Week 9 \\& RNNs" in doc and "CS 101" in doc and "1 Dec" in doc


def test_no_table_mixes_fractions_and_decimals():
    """1/3 beside 0.25 in one matrix reads as two kinds of number: a table with an endless
    fraction writes every entry as a fraction."""
    import re

    mixed = []
    for seed in range(60):
        s = _settings(seed)
        doc = render_document([draw_variant(seed, "1", s)], s, True)
        for body in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", doc):
            cells = re.split(r"&|\\\\\\\\", body)
            if (any(re.search(r"\d/\d", c) for c in cells)
                    and any(re.fullmatch(r"\s*-?\d+\.\d+\s*", c) for c in cells)):
                mixed.append((seed, body))
    assert not mixed, mixed[:3]
