"""check of a class set typesets a sample of its variants again: the first, the last and
one at random. A doctored page of a sampled variant fails even when its checksum and its
variant's own PDF agree; pages typeset in another document pass where they draw alike."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from rnnsheets.cli import main
from rnnsheets.formats import pdfproof
from rnnsheets.latex import compile_many
from rnnsheets.layout import Layout, Overfull
from rnnsheets.pdfcut import spans, tail_span, variant_spans

SEED, COUNT = 7, 5


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _mismatches(r) -> list[str]:
    return [line for line in r.output.splitlines() if line.startswith("MISMATCH")]


@pytest.fixture(scope="module")
def classset(tex, tmp_path_factory):
    d = tmp_path_factory.mktemp("sample") / "b"
    r = run("generate", "--seed", SEED, "--variants", COUNT, "--out", d, "-q")
    assert r.exit_code == 0, r.output
    return d


@pytest.fixture
def copy(classset, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(classset, d)
    return d


@pytest.fixture
def middle(monkeypatch):
    """Fix the variant chosen at random: ``middle(3)`` samples variants 1, 3 and 5."""
    def choose(n: int) -> None:
        monkeypatch.setattr(pdfproof.secrets, "randbelow", lambda k: n - 2)
    return choose


def _pages(folder: Path, name: str, variant: int) -> tuple[int, int]:
    with pikepdf.open(folder / f"{name}.pdf") as pdf:
        return spans(pdf, COUNT)[variant - 1]


def _doctor(path: Path, page: int) -> None:
    """Change the first digit a page shows after its header, leaving the checksum as it is."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        contents = pdf.pages[page - 1].obj.Contents
        data = contents.read_bytes()
        body = data.index(b"ET", data.index(b"Tf"))  # past the running header
        m = re.compile(rb"\((\d)").search(data, body)
        digit = str((int(m.group(1)) + 1) % 10).encode()
        contents.write(data[:m.start(1)] + digit + data[m.end(1):])
        pdf.save(path)


def test_a_class_set_is_proven_on_a_sample_and_says_which(classset, middle):
    middle(3)
    r = run("check", classset)
    assert r.exit_code == 0, r.output
    note = next(line for line in r.output.splitlines() if "typeset again and compared" in line)
    assert (f"worksheet.pdf and key.pdf: typeset again and compared: variants {SEED}-1, "
            f"{SEED}-3 and {SEED}-5 (3 of 5, chosen at random but the first and last) and the "
            "answer grid") in note
    assert "check --full" in note
    assert re.search(r"\d+ PDF pages typeset again and compared", r.output), r.output
    r = run("check", "--full", classset)
    assert r.exit_code == 0, r.output
    assert "typeset again and compared" not in r.output and "PDF pages compared" in r.output


def test_the_variant_between_is_drawn_at_random():
    seen = {pdfproof.picks(100)[1] for _ in range(200)}
    assert len(seen) > 20 and min(seen) >= 2 and max(seen) <= 99
    assert all(pdfproof.picks(n)[0] == 1 and pdfproof.picks(n)[-1] == n for n in (3, 4, 50))


@pytest.mark.parametrize("variant", [COUNT, 3])  # the last, always sampled; one drawn
def test_a_doctored_page_of_a_sampled_variant_fails(copy, middle, variant):
    """The combined PDF and the variant's own PDF doctored alike, the checksums left as
    they are: only typesetting the variant again can tell."""
    middle(3)
    first, last = _pages(copy, "key", variant)
    page = first + 1
    _doctor(copy / "key.pdf", page)
    _doctor(copy / "variants" / str(variant) / "key.pdf", page - first + 1)
    r = run("check", copy)
    assert r.exit_code == 1
    assert _mismatches(r) == [
        f"MISMATCH: key.pdf: page {page} (variant {SEED}-{variant}) differs from a fresh "
        f"typesetting of variants {SEED}-1, {SEED}-3 and {SEED}-5 of key.tex"], r.output


def test_a_doctored_page_the_sample_left_out_needs_full(copy, middle):
    """What the sample does not prove: a variant left out, doctored in both its PDFs alike,
    passes the default check; --full typesets it and fails it."""
    middle(2)
    first, _ = _pages(copy, "key", 4)
    _doctor(copy / "key.pdf", first)
    _doctor(copy / "variants" / "4" / "key.pdf", 1)
    assert run("check", copy).exit_code == 0
    r = run("check", "--full", copy)
    assert r.exit_code == 1
    assert f"MISMATCH: key.pdf: page {first} differs from a fresh typesetting of key.tex" \
        in r.output, r.output


def test_a_variant_pdf_that_differs_from_the_combined_one_fails(copy, middle):
    middle(2)
    _doctor(copy / "variants" / "4" / "key.pdf", 1)  # a variant the sample leaves out
    r = run("check", copy)
    assert r.exit_code == 1
    assert any(m.startswith("MISMATCH: variants/4/key.pdf: page 1 differs from pages")
               for m in _mismatches(r)), r.output


def test_a_doctored_answer_grid_fails(copy):
    first, last = tail_span(pikepdf.open(copy / "key.pdf"))
    _doctor(copy / "key.pdf", last)
    r = run("check", copy)
    assert r.exit_code == 1
    assert f"MISMATCH: key.pdf: page {last} (the answer grid) differs from a fresh" in r.output


def _encrypt(plain: bytes, key: int = 55665) -> bytes:
    out = bytearray()
    for p in plain:
        c = p ^ (key >> 8)
        key = ((c + key) * 52845 + 22719) & 0xFFFF
        out.append(c)
    return bytes(out)


def _swap_glyphs(path: Path, font: str, a: bytes, b: bytes) -> None:
    """Swap two glyphs' outlines in a PDF's embedded Type 1 font: the page shows the same
    codes, and draws b where it said a."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            for f in page.Resources.get("/Font", {}).values():
                if str(f.BaseFont).endswith("+" + font):
                    stream = f.FontDescriptor.FontFile
        data = stream.read_bytes()
        clear, secret = int(stream.Length1), int(stream.Length2)
        plain = pdfproof.eexec(data[clear:clear + secret])
        assert _encrypt(plain) == data[clear:clear + secret]
        codes = {}
        for glyph in (a, b):
            m = re.search(rb"/" + glyph + rb" (\d+) RD ", plain)
            codes[glyph] = (m.start(), m.end() + int(m.group(1)))
        (s1, e1), (s2, e2) = sorted(codes.values())
        first, second = plain[s1:e1], plain[s2:e2]
        name1, name2 = first.split(b" ")[0], second.split(b" ")[0]
        swapped = (plain[:s1] + name1 + second[len(name2):] + plain[e1:s2]
                   + name2 + first[len(name1):] + plain[e2:])
        stream.write(data[:clear] + _encrypt(swapped) + data[clear + secret:])
        stream.Length1, stream.Length2 = clear, len(swapped)
        pdf.save(path)


def test_a_glyph_swapped_in_an_embedded_font_fails(copy):
    """The digit 1 drawn as 7 in every PDF of the key (its checksum left as it is): the
    pages show the same codes, so only the font programs tell."""
    for path in [copy / "key.pdf", *sorted(copy.glob("variants/*/key.pdf"))]:
        _swap_glyphs(path, "LMRoman10-Regular", b"one", b"seven")
    r = run("check", copy)
    assert r.exit_code == 1
    assert len(_mismatches(r)) == 1
    assert re.match(r"MISMATCH: key\.pdf: the glyph (one|seven) of font LMRoman10-Regular "
                    r"differs from a fresh typesetting of variants ", _mismatches(r)[0]), r.output


def _fresh_sample(folder: Path, name: str, numbers: list[int]):
    sample = pdfproof.sample((folder / f"{name}.tex").read_text(), numbers)
    return sample, pikepdf.open(io.BytesIO(compile_many({name: sample.source})[name].pdf))


def _pairs(mine: pikepdf.Pdf, theirs: pikepdf.Pdf, numbers: list[int]):
    ours = spans(mine, COUNT)
    runs = [(ours[v - 1], span) for v, span in zip(numbers, variant_spans(theirs, numbers))]
    if tail_span(mine):
        runs.append((tail_span(mine), tail_span(theirs)))
    for (a, b), (c, d) in runs:
        assert b - a == d - c
        yield from zip(range(a - 1, b), range(c - 1, d))


def test_pages_typeset_in_another_document_compare_alike(classset):
    """An honest build against a sample typeset apart: some pages number their fonts
    otherwise (a font first used in a variant the sample leaves out), and all pass."""
    numbers = [1, 2, 5]
    for name in ("worksheet", "key"):  # the key last: its answer grid differs, below
        _, theirs = _fresh_sample(classset, name, numbers)
        mine = pikepdf.open(classset / f"{name}.pdf")
        a, b = pdfproof.Normal(mine), pdfproof.Normal(theirs)
        pairs = list(_pairs(mine, theirs, numbers))
        assert all(a.same(i, b, j) for i, j in pairs)
        assert all(a.page(i) == b.page(j) for i, j in pairs)  # the slow reading agrees
    differ = [(i, j) for i, j in pairs if pdfproof.content_stream(mine.pages[i].obj)
              != pdfproof.content_stream(theirs.pages[j].obj)]
    if not differ:  # else make some: rename a font everywhere on a page
        page = mine.pages[pairs[0][0]].obj
        fonts = page.Resources.Font
        old = sorted(fonts.keys())[0]
        fonts["/Renamed" + old[1:]] = fonts[old]
        del fonts[old]
        page.Contents.write(re.sub(re.escape(old.encode()) + rb"(?=\s)",
                                   b"/Renamed" + old[1:].encode(), page.Contents.read_bytes()))
        a = pdfproof.Normal(mine)
        differ = [pairs[0]]
    assert all(a.same(i, b, j) for i, j in differ)


def test_fonts_swapped_under_their_names_fail(classset):
    """Two fonts of one name (LMRoman10-Regular in two encodings) swapped in a page's
    resources: the same content stream now draws other glyphs, and the page differs."""
    _, theirs = _fresh_sample(classset, "key", [1, 2, 5])
    mine = pikepdf.open(classset / "key.pdf")
    i, j = next(_pairs(mine, theirs, [1, 2, 5]))
    a, b = pdfproof.Normal(mine), pdfproof.Normal(theirs)
    assert a.same(i, b, j)
    fonts = mine.pages[i].obj.Resources.Font
    by_name: dict[str, list] = {}
    for key, font in fonts.items():
        by_name.setdefault(str(font.BaseFont).split("+")[-1], []).append(key)
    x, y = next(keys for keys in by_name.values() if len(keys) > 1)[:2]
    fonts[x], fonts[y] = fonts[y], fonts[x]
    a = pdfproof.Normal(mine)
    assert not a.same(i, b, j)


def test_a_sample_is_the_preamble_the_variants_and_the_grid(classset):
    tex = (classset / "key.tex").read_text()
    sample = pdfproof.sample(tex, [1, 3, 5])
    assert sample.count == COUNT and sample.variants == (1, 3, 5)
    src = sample.source
    assert src.startswith(tex[:tex.index("\\begin{document}")])
    marks = re.findall(r"rnnsheets-variant-start-(\d+)", src)
    assert marks == ["1", "3", "5"]
    assert src.count("\n\\newsheet\n") == 3  # before variants 3 and 5, and the grid
    assert "\\section*{Answer grid}" in src and src.rstrip().endswith("\\end{document}")
    lines = tex.split("\n")
    assert all(lines[sample.line(n) - 1] == text for n, text in
               enumerate(src.split("\n"), start=1))
    # not laid out as the template writes it: no sample (check typesets the .tex whole)
    assert pdfproof.sample(tex.replace("\\newsheet\n\\setcounter", "\\setcounter", 1),
                           [1, 3, 5]) is None
    assert pdfproof.sample(tex.replace("rnnsheets-variant-end 2}", "x}"), [1, 3, 5]) is None


def test_layout_of_the_sample_from_its_log_of_the_rest_from_layout_json(copy, middle):
    middle(3)
    doc = json.loads((copy / "layout.json").read_text())
    left_out, sampled = _pages(copy, "key", 2)[0], _pages(copy, "key", 5)[0]
    for page, variant in ((left_out, 2), (sampled, 5)):
        doc["key"]["overfull"].append({"page": page, "variant": variant, "points": 12.5,
                                       "line": 80, "what": "line"})
    (copy / "layout.json").write_text(json.dumps(doc))
    r = run("check", copy)
    assert r.exit_code == 1
    assert _mismatches(r) == [f"MISMATCH: key.pdf page {left_out}, variant {SEED}-2: a line "
                              "12.5 pt too wide (key.tex line 80)"], r.output
    assert run("check", "--full", copy).exit_code == 0  # every page's layout from TeX's log


def test_without_layout_json_the_pdfs_are_typeset_whole(copy):
    """The layout of the variants a sample leaves out is layout.json's: without it, check
    typesets everything (and still passes an honest build)."""
    (copy / "layout.json").unlink()
    r = run("check", copy)
    assert r.exit_code == 0, r.output
    assert ("note: layout.json: missing; generate the build again: the PDFs are typeset again "
            "whole, not a sample of their variants") in r.output
    assert "typeset again and compared" not in r.output and "PDF pages compared" in r.output


def test_a_line_too_wide_in_a_sampled_variant_names_the_builds_page_and_line(copy):
    key = (copy / "key.tex").read_text()
    start = key.index("\n", key.index(f"\\write16{{rnnsheets-variant-start {COUNT}}}")) + 1
    line = key[:start].count("\n") + 1
    key = key[:start] + "\\noindent\\rule{600pt}{1pt}\\par\n" + key[start:]
    (copy / "key.tex").write_text(key)  # edited by hand, and its PDF typeset again
    (copy / "key.pdf").write_bytes(compile_many({"key": key})["key"].pdf)
    first, _ = _pages(copy, "key", COUNT)
    r = run("check", copy)
    assert r.exit_code == 1
    assert re.search(rf"MISMATCH: key\.pdf page {first}, variant {SEED}-{COUNT}: a line "
                     rf"[\d.]+ pt too wide \(key\.tex line {line}\)", r.output), r.output


def test_relocate_maps_a_samples_pages_and_lines_to_the_builds():
    sample = pdfproof.Sample("", (1, 9), 10, (1, 2, 3, 40, 41, 42))
    found = Layout((Overfull(2, 1, 3.0, 2, "line"), Overfull(5, 9, 4.0, 5, "page")))
    moved = pdfproof.relocate(found, sample, [((1, 3), 1), ((5, 6), 61)])
    assert moved.overfull == (Overfull(2, 1, 3.0, 2, "line"), Overfull(61, 9, 4.0, 41, "page"))
