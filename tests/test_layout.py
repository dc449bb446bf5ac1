"""Layout: nothing runs past the margin, check and generate report what does, boxes
fit the work, and pages print double-sided with their given numbers in view."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner
from layout_space import random_config

from rnnsheets.cli import main
from rnnsheets.latex import compile_many
from rnnsheets.layout import read_log

SWEEP_CONFIGS, SWEEP_VARIANTS = 30, 10


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def layout(build: Path) -> dict:
    return json.loads((build / "layout.json").read_text())


def test_no_sheet_in_the_option_space_runs_off_the_paper(tex, tmp_path):
    """300 drawn sheets with real pdflatex: sizes to their limits, every kind and
    activation, both orientations, boundaries, long titles and long decimals."""
    built, refused, shrunk = 0, [], []
    for seed in range(2 * SWEEP_CONFIGS):
        if built >= SWEEP_CONFIGS * SWEEP_VARIANTS:
            break
        cfg, extra = random_config(random.Random(seed))
        (tmp_path / "c.toml").write_text(cfg)
        out = tmp_path / f"b{seed}"
        r = run("generate", "--seed", seed, "--variants", SWEEP_VARIANTS, "--config",
                tmp_path / "c.toml", "--out", out, "-q", *extra)
        if r.exit_code == 2:  # a size the CLI refuses, saying so
            assert r.output.startswith("Error: ") and r.output.count("\n") == 1, r.output
            refused.append(r.output)
            continue
        assert r.exit_code == 0, r.output
        assert "warning" not in r.output, (seed, cfg, r.output)
        for name, found in layout(out).items():
            assert found["overfull"] == [], (seed, name, cfg, found["overfull"])
            shrunk += found["shrunk"]
        built += SWEEP_VARIANTS
    assert built >= SWEEP_CONFIGS * SWEEP_VARIANTS and len(refused) <= 8, refused
    # Wide matrices go in blocks of columns: a piece is shrunk rarely, and never to
    # less than two thirds of its size.
    assert min(shrunk, default=1) >= 0.66, sorted(shrunk)[:5]


def test_long_words_titles_names_and_decimals_stay_inside(tex, tmp_path):
    words = [("abcdefghijklmnopqrstuvwxyzabcd"[:30 - i] + str(i))[:30] for i in range(7)]
    corpus = [words[:4], [words[1], words[2], words[4], words[5]], [words[6], *words[1:3]]]
    spec = {"exercises": [
        {"kind": "bigram", "params": {"corpus": corpus, "query": [words[1], words[2], words[4]],
                                      "boundaries": True}},
        {"kind": "bigram_rnn", "params": {"vocab": words[:6]}},
        {"kind": "forward", "params": {
            "W": [[0.123456789, -0.987654321, 0.5, 0.25], [0.111111111, 0.2, 0.3, 0.4]],
            "activation": "tanh"}}]}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    r = run("generate", "--spec", tmp_path / "s.json", "--out", tmp_path / "w")
    assert r.exit_code == 0 and "warning" not in r.output, r.output
    (tmp_path / "c.toml").write_text(f'[sheet]\ntitle = "{"X" * 200}"\ncourse = "{"Y" * 200}"\n')
    (tmp_path / "r.csv").write_text(f"id,name\na,{'N' * 200}\nb,{'Name ' * 39}\n")
    r = run("generate", "--seed", 3, "--config", tmp_path / "c.toml", "--roster",
            tmp_path / "r.csv", "--out", tmp_path / "t")
    assert r.exit_code == 0 and "warning" not in r.output, r.output
    for build in (tmp_path / "w", tmp_path / "t"):
        assert all(f["overfull"] == [] for f in layout(build).values()), layout(build)


def test_tex_logs_name_the_page_of_a_line_too_wide(tex):
    src = (r"\documentclass{article}\begin{document}"
           r"\AddToHook{shipout/after}{\immediate\write-1{rnnsheets-page \the\value{page}}}"
           r"Fine.\newpage Fine.\newpage\noindent\rule{600pt}{1pt}\par\end{document}")
    found = compile_many({"probe": src})["probe"].layout.overfull
    assert len(found) == 1 and found[0].page == 3 and found[0].what == "line"
    assert 600 - 345 - 1 < found[0].points < 600 - 345 + 1  # article's line is 345 pt
    assert read_log("Overfull \\hbox (0.5pt too wide) in paragraph at lines 3--4").overfull \
        == ()  # under a point: invisible, not reported


def test_check_fails_a_build_with_a_line_too_wide_naming_its_page(tex, tmp_path):
    out = tmp_path / "b"
    assert run("generate", "--seed", 1, "--variants", 2, "--out", out).exit_code == 0
    assert run("check", out).exit_code == 0
    key = (out / "key.tex").read_text()
    start = key.index("\n", key.index(r"\write16{rnnsheets-variant-start 2}")) + 1
    key = key[:start] + r"\noindent\rule{600pt}{1pt}\par" + key[start:]
    (out / "key.tex").write_text(key)  # edited by hand, and its PDF typeset again
    (out / "key.pdf").write_bytes(compile_many({"key": key})["key"].pdf)
    r = run("check", out)
    assert r.exit_code == 1
    assert re.search(r"key\.pdf page \d+, variant 1-2: a line [\d.]+ pt too wide", r.output), \
        r.output


def test_check_reads_the_recorded_layout_where_no_tex_runs(tmp_path, monkeypatch):
    out = tmp_path / "b"
    assert run("generate", "--seed", 1, "--out", out).exit_code == 0
    doc = layout(out)
    doc["key"]["overfull"].append({"page": 4, "variant": 1, "points": 12.5, "line": 80,
                                   "what": "line"})
    (out / "layout.json").write_text(json.dumps(doc))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    r = run("check", out)
    assert r.exit_code == 1 and "key.pdf page 4: a line 12.5 pt too wide" in r.output, r.output


def _rooms(tex: str) -> list[float]:
    return [float(cm) for cm in re.findall(r"\\workspace\{([\d.]+)cm\}", tex)]


def test_room_to_write_follows_the_work(tmp_path):
    """The gradients of part 4 get most of a page; bigger sizes get bigger boxes, within
    the floor and the ceiling."""
    sizes = {}
    for hidden in (1, 2, 4):
        out = tmp_path / f"h{hidden}"
        assert run("generate", "--seed", 5, "--hidden", hidden, "--no-pdf", "--out",
                   out).exit_code == 0
        sizes[hidden] = _rooms((out / "worksheet.tex").read_text())
    assert sizes[2][-1] >= 15  # 4(e): the loss and dL/dW for N = 2, by hand
    assert all(2.5 <= r <= 21 for rooms in sizes.values() for r in rooms)
    assert sum(sizes[1]) < sum(sizes[2]) < sum(sizes[4])
    assert sizes[1][0] < sizes[2][0] < sizes[4][0]  # part 1(a): more multiply-adds


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def test_questions_print_beside_their_given_numbers(tex, tmp_path):
    """Read back from the PDFs: every question's page is its part's given numbers' page,
    or faces it (even page, then the next)."""
    checked = 0
    for args in (["--seed", 42], ["--seed", 1, "--steps", 4], ["--seed", 7, "--hidden", 4],
                 ["--seed", 3, "--parts", "softmax_lm,lstm,bptt"]):
        out = tmp_path / str(len(list(tmp_path.iterdir())))
        assert run("generate", *args, "--out", out).exit_code == 0
        given = None
        for number, page in enumerate(_pages(out / "worksheet.pdf"), start=1):
            for line in page.splitlines():
                text = line.strip()
                if re.match(r"Part \d+:", text):
                    given = None
                elif text.startswith("Given"):
                    given = number
                elif m := re.match(r"\(([a-h])\) ", text):
                    assert given is not None, (args, number, text)
                    assert number == given or (given % 2 == 0 and number == given + 1), (
                        args, m.group(1), number, given)
                    checked += 1
    assert checked >= 30
