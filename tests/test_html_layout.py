"""sheet.html as a phone shows it, as paper prints it, and as axe-core audits it, in a real
headless Chromium."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdftext import text as pdf_text
from selenium.webdriver.common.print_page_options import PrintOptions

from rnnsheets.cli import main

PHONE, DESKTOP = 390, 1280


def _generate(out: Path, *args) -> Path:
    r = CliRunner().invoke(main, ["generate", *map(str, args), "--format", "html",
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> Path:
    """Four hidden units and four steps (the size that used to lose columns on paper and
    widen a phone's page), as a class set of two."""
    return _generate(tmp_path_factory.mktemp("layout") / "o", "--seed", 42, "--hidden", 4,
                     "--steps", 4, "--variants", 2)


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Path:
    """The widest given numbers a spec can bring: eight hidden units of six decimals."""
    folder = tmp_path_factory.mktemp("wide")

    def m(rows, cols, seed):
        return [[round(((r * 7 + c * 3 + seed) % 19 - 9) / 9.7, 6) for c in range(cols)]
                for r in range(rows)]

    params = {"W": m(8, 2, 1), "V": m(8, 8, 2), "b": m(1, 8, 3)[0], "C": m(2, 8, 4),
              "h_init": [0] * 8, "x": [[1, 0], [0, 1]], "activation": "tanh"}
    spec = folder / "wide.json"
    spec.write_text(json.dumps({"exercises": [{"kind": "forward", "params": params}]}))
    return _generate(folder / "o", "--spec", spec)


@contextmanager
def width(browser, px: int):
    """The page laid out as a screen ``px`` wide (a phone below 600 px)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": px, "height": 900, "deviceScaleFactor": 1, "mobile": px < 600})
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def show(browser, page: Path, solutions: bool) -> None:
    """Load a page, open every solution if asked, and let its script see the new layout."""
    browser.get(page.as_uri())
    assert browser.execute_script("return document.querySelectorAll('main h3').length") > 0
    if solutions:
        browser.execute_script("document.querySelectorAll('details').forEach("
                               "function (d) { d.open = true; });")
    browser.execute_async_script(  # two frames: the resize observer has run
        "var done = arguments[0];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () { done(); }); });")


_BOXES = """return Array.from(document.querySelectorAll(arguments[0])).map(function (b) {
  return {more: b.scrollWidth > b.clientWidth + 1, tabindex: b.getAttribute("tabindex"),
          role: b.getAttribute("role"), label: b.getAttribute("aria-label"),
          cue: getComputedStyle(b).backgroundImage, shown: b.getClientRects().length > 0,
          cols: (b.style.gridTemplateColumns.match(/repeat\\((\\d+)/) || [0, 1])[1]};
});"""


@pytest.mark.parametrize("solutions", [False, True], ids=["closed", "open"])
def test_a_phone_scrolls_wide_maths_in_place_never_the_page(browser, sheets, solutions):
    with width(browser, PHONE):
        show(browser, sheets / "sheet.html", solutions)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE
        boxes = [b for b in browser.execute_script(_BOXES, ".wide") if b["shown"]]
        scrolling = [b for b in boxes if b["more"]]
        assert scrolling, "at 390 px some equation or figure is wider than the screen"
        for b in scrolling:  # keyboard users can scroll it, and everyone sees there is more
            assert b["tabindex"] == "0" and b["role"] == "group" and b["label"], b
            assert "radial-gradient" in b["cue"], b
        grids = browser.execute_script(_BOXES, ".cells")
        assert all(not g["more"] for g in grids if int(g["cols"]) <= 4), \
            "answer grids of up to 4 columns fit a phone"
    with width(browser, DESKTOP):
        show(browser, sheets / "sheet.html", solutions)
        fitting = [b for b in browser.execute_script(_BOXES, ".wide")
                   if b["shown"] and not b["more"]]
        assert fitting and all(b["tabindex"] is None and b["role"] is None for b in fitting)


@pytest.mark.parametrize("px", [DESKTOP, PHONE])
@pytest.mark.parametrize("solutions", [False, True], ids=["closed", "open"])
def test_axe_finds_nothing_serious(browser, axe, sheets, px, solutions):
    browser.set_script_timeout(120)
    with width(browser, px):
        show(browser, sheets / "variants" / "1" / "sheet.html", solutions)
        browser.execute_script(axe)
        found = browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
            "  done(r.violations.map(function (v) { return {id: v.id, impact: v.impact,"
            "    nodes: v.nodes.length, first: v.nodes[0].html.slice(0, 200)}; })); });")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def _print(browser, page: Path, to: Path) -> Path:
    """The page printed from Chromium on A4, as a PDF."""
    browser.get(page.as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    to.write_bytes(base64.b64decode(browser.print_page(options)))
    return to


def _numbers(txt: str) -> Counter:
    return Counter(re.findall(r"\d+(?:\.\d+)?", txt))


@pytest.mark.parametrize("build", ["sheets", "wide"])
def test_paper_shows_every_given_number_and_no_controls(browser, tex, request, tmp_path,
                                                        build):
    folder = request.getfixturevalue(build)
    page = folder / "sheet.html"
    pdf = _print(browser, page, tmp_path / "printed.pdf")
    given = browser.execute_script(  # each part's statement: its words and given numbers
        "return Array.from(document.querySelectorAll('main mn'), function (n) {"
        "  return n.closest('ol.questions, figure') ? '' : n.textContent; }).join(' ');")
    printed = pdf_text(pdf)
    lost = _numbers(given) - _numbers(printed)
    assert not lost, f"given numbers missing on paper: {sorted(lost)[:10]}"
    for control in ("Check", "Show solution", "±"):  # buttons, a box's placeholder
        assert control not in printed
    assert "Name:" in printed and "Write your working" in printed
    pages = printed.split("\f")
    opened = 0
    for n, p in enumerate(pages):  # each part opens a page (after a variant's heading)
        lines = [line.strip() for line in p.splitlines() if line.strip()]
        parts = [i for i, line in enumerate(lines) if re.match(r"Part \d+:", line)]
        head = 2 if lines and lines[0].startswith("Variant") else 0  # and its name line
        assert len(parts) <= 1 and (n == 0 or not parts or parts[0] <= head), lines[:3]
        opened += len(parts)
    assert opened == len(re.findall(r"<h3", page.read_text()))
    if build == "wide":  # the widest matrix was scaled to the page, not cut
        fits = browser.execute_script(
            "return Array.from(document.querySelectorAll('.given .wide'), function (b) {"
            "  return parseFloat(b.style.getPropertyValue('--fit') || '1'); });")
        assert min(fits) < 1


def test_path_figures_are_readable_with_unique_ids(browser, tmp_path):
    out = _generate(tmp_path / "o", "--seed", 7, "--parts", "bptt", "--steps", 8)
    with width(browser, DESKTOP):
        show(browser, out / "sheet.html", solutions=True)
        sizes, overlaps = browser.execute_script("""
            var sizes = [], overlaps = 0;
            document.querySelectorAll('svg.rnn').forEach(function (svg) {
              var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
              var heads = Array.from(svg.querySelectorAll('.head'), function (h) {
                return h.getBoundingClientRect(); });
              svg.querySelectorAll('text, tspan').forEach(function (t) {
                sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale);
                var r = t.getBoundingClientRect();
                heads.forEach(function (h) {
                  if (r.left < h.right && h.left < r.right && r.top < h.bottom &&
                      h.top < r.bottom) { overlaps++; }
                });
              });
            });
            return [sizes, overlaps];""")
        ids = browser.execute_script(
            "return Array.from(document.querySelectorAll('[id]'), function (e) { return e.id; });")
    assert len(sizes) > 100 and min(sizes) >= 12, min(sizes)
    assert overlaps == 0, "an arrowhead covers a label"
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
