"""The key prints each value under its own name: every `label = ... = value` in the
key's worked solutions is compared with that label's entry of answers.json.

The parser and the label table are written here from the spec, not from the package's
templates, so a right number printed in the wrong place (W x_t where z_t belongs) fails.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from click.testing import CliRunner

from rnnsheets.cli import main

# label (LaTeX, as the key writes it) -> (answer field, how the label's numbers index it)
LABELS = {
    "forward": [(r"W x_\{(\d+)\}", "Wx"), (r"V h_\{(-?\d+)\}", "Vh+1"), (r"z_\{(\d+)\}", "z"),
                (r"h_\{(\d+)\}", "h"), (r"o_\{(\d+)\}", "o")],
    "bigram": [(r"\\text\{counts\}", "counts*"), (r"T", "T"), (r"P", "likelihood"),
               (r"\\operatorname\{count\}\(a\\,\\cdot\)", "row_totals")],
    "bigram_rnn": [(r"W", "W"), (r"V", "V"), (r"b", "b"), (r"C", "C"), (r"o_\{(\d+)\}", "o"),
                   (r"\\sigma\(W e_\{(\d+)\}\)", "check")],
    "bptt": [(r"z_\{(\d+)\}", "z"), (r"h_\{(\d+)\}", "h"), (r"o_\{(\d+)\}", "o"), (r"L", "loss"),
             (r"\\lVert x_\{\d+\} - o_\{(\d+)\} \\rVert\^2", "step_loss"),
             (r"\\frac\{\\partial L\}\{\\partial o_\{(\d+)\}\}", "dL_do"),
             (r"\\frac\{\\partial L\}\{\\partial h_\{(\d+)\}\}", "dL_dh"),
             (r"\\frac\{\\partial L\}\{\\partial z_\{(\d+)\}\}", "dL_dz"),
             (r"\\sigma'\(z_\{(\d+)\}\)", "dsigma"),
             (r"\\frac\{\\partial L\}\{\\partial W\}", "dW"),
             (r"\\frac\{\\partial L\}\{\\partial V\}", "dV"),
             (r"\\frac\{\\partial L\}\{\\partial b\}", "db"),
             (r"\\frac\{\\partial L\}\{\\partial C\}", "dC"),
             (r"\\frac\{\\partial o_0\}\{\\partial W_\{\d+,\d+\}\}", "d_o0_d_W_entry"),
             (r"\\tfrac\{N\(N\+1\)\}\{2\}", "n_terms")],
    "softmax_lm": [(r"z_\{(\d+)\}", "z"), (r"h_\{(\d+)\}", "h"), (r"o_\{(\d+)\}", "o"),
                   (r"p_\{(\d+)\}", "p"), (r"-\\ln p_\{(\d+),\d+\}", "step_loss"),
                   (r"L", "loss"), (r"e\^\{L/\d+\}", "perplexity"),
                   (r"\\frac\{\\partial L\}\{\\partial o_\{(\d+)\}\}", "do"),
                   (r"\\frac\{\\partial L\}\{\\partial h_\{(\d+)\}\}", "dL_dh"),
                   (r"\\frac\{\\partial L\}\{\\partial z_\{(\d+)\}\}", "dL_dz"),
                   (r"\\sigma'\(z_\{(\d+)\}\)", "dsigma"),
                   (r"\\frac\{\\partial L\}\{\\partial W\}", "dW"),
                   (r"\\frac\{\\partial L\}\{\\partial V\}", "dV"),
                   (r"\\frac\{\\partial L\}\{\\partial b\}", "db"),
                   (r"\\frac\{\\partial L\}\{\\partial C\}", "dC")],
    "lstm": [(r"a\^\{i\}_\{(\d+)\}", "a_i"), (r"a\^\{f\}_\{(\d+)\}", "a_f"),
             (r"a\^\{g\}_\{(\d+)\}", "a_g"), (r"a\^\{o\}_\{(\d+)\}", "a_o"),
             (r"i_\{(\d+)\}", "gate_i"), (r"f_\{(\d+)\}", "gate_f"), (r"g_\{(\d+)\}", "gate_g"),
             (r"o_\{(\d+)\}", "gate_o"), (r"c_\{(\d+)\}", "c"),
             (r"\\tanh\(c_\{(\d+)\}\)", "tanh_c"), (r"h_\{(\d+)\}", "h")],
}
SETUPS = [
    ["--seed", "42"],
    ["--seed", "7", "--activation", "tanh", "--orientation", "column", "--steps", "3"],
    ["--seed", "9", "--activation", "identity", "--k", "0.5", "--hidden", "3"],
    ["--seed", "13", "--activation", "sigmoid", "--steps", "1"],
    ["--seed", "4", "--parts", "softmax_lm,lstm", "--activation", "tanh"],
    ["--seed", "5", "--parts", "lstm,softmax_lm", "--steps", "3", "--hidden", "3"],
]


def _split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside braces."""
    out, depth, last, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        depth += (c == "{") - (c == "}")
        if depth == 0 and text.startswith(sep, i):
            out.append(text[last:i])
            last = i = i + len(sep)
            continue
        i += 1
    return [*out, text[last:]]


def _number(text: str):
    text = text.strip().split(r"\approx")[0].strip()
    m = re.fullmatch(r"(-?)\\tfrac\{(\d+)\}\{(\d+)\}", text)
    if m:
        return Fraction(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1) else 1)
    return Fraction(text)


def _value(text: str):
    text = text.strip().rstrip(".").strip()
    m = re.fullmatch(r"\\begin\{bmatrix\}(.*)\\end\{bmatrix\}", text)
    if not m:
        return _number(text)
    rows = [[_number(c) for c in r.split("&")] for r in m.group(1).split(r"\\")]
    return rows


def _clauses(key_tex: str):
    """(label, value text, part number) of every display clause in a solution."""
    part = 0
    for chunk in re.split(r"(\\section\*\{Part \d+)", key_tex):
        if m := re.match(r"\\section\*\{Part (\d+)", chunk):
            part = int(m.group(1))
            continue
        for block in re.findall(r"\\begin\{solution\}(.*?)\\end\{solution\}", chunk, re.S):
            for display in re.findall(r"\\\[(.*?)\\\]|\\begin\{mathrow\}(.*?)"
                                      r"\\end\{mathrow\}", block, re.S):
                display = "".join(display).replace(r"\nextrel ", " ")  # a wrap point
                for clause in _split_top(display, r",\nextmath "):
                    pieces = _split_top(clause, " = ")
                    if len(pieces) >= 2:
                        yield part, pieces[0].strip(), pieces[-1]


def _decode(v):
    if isinstance(v, dict):
        return {k: _decode(e) for k, e in v.items()}
    if isinstance(v, list):
        return [_decode(e) for e in v]
    if isinstance(v, str) and re.fullmatch(r"-?\d+/\d+", v):
        return Fraction(v)
    return v


def _close(printed, true, exact: bool, decimals: int) -> bool:
    if isinstance(true, list):
        if not isinstance(true[0], list):  # a vector prints as a column (or a row)
            flat = [r[0] for r in printed] if len(printed) == len(true) else printed[0]
            return len(flat) == len(true) and all(
                _close(p, t, exact, decimals) for p, t in zip(flat, true))
        return len(printed) == len(true) and all(
            len(pr) == len(tr) and all(_close(p, t, exact, decimals) for p, t in zip(pr, tr))
            for pr, tr in zip(printed, true))
    if isinstance(printed, list):
        return False
    if exact:
        t = Fraction(str(true)) if isinstance(true, float) else Fraction(true)
        # exact values print exactly; an endless fraction prints as p/q
        return printed == t
    return abs(float(printed) - float(true)) <= 0.5 * 10**-decimals + 1e-12


@pytest.mark.parametrize("args", SETUPS, ids=[" ".join(a) for a in SETUPS])
def test_every_labelled_value_in_the_key_is_its_own_answer(tmp_path, args):
    out = tmp_path / "b"
    r = CliRunner().invoke(main, ["generate", *args, "--no-pdf", "--out", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "answers.json").read_text())
    exercises = doc["variants"][0]["exercises"]
    seen: dict[int, set[str]] = {}
    for part, label, value in _clauses((out / "key.tex").read_text()):
        e = exercises[part - 1]
        a, p = _decode(e["answers"]), _decode(e["params"])
        for pattern, field in LABELS[e["kind"]]:
            m = re.fullmatch(pattern, label)
            if not m:
                continue
            name = field.rstrip("+1*")
            true = a[name]
            if m.groups():
                index = int(m.group(1)) + (1 if field.endswith("+1") else 0)
                true = true[index]
            if field.endswith("*") and p.get("orientation") == "column":
                true = [list(c) for c in zip(*true)]  # printed as the table reads
            try:
                printed = _value(value)
            except ValueError:  # the general case, in symbols (C = I_n)
                assert re.search(r"\\sum|_\{n", value), (part, label, value)
                break
            assert _close(printed, true, e["exact"], e["decimals"] or 4), (
                f"part {part} ({e['kind']}): {label} prints {value.strip()}, "
                f"answers.json has {true}")
            seen.setdefault(part, set()).add(name)
            break
    for n, e in enumerate(exercises, start=1):  # every final answer was found in place
        finals = {"forward": {"z", "h", "o"}, "bigram": {"counts", "T", "likelihood"},
                  "bigram_rnn": {"W", "V", "b", "C", "check"},
                  "bptt": {"loss", "n_terms", *(f"d{g}" for g in e["params"].get("gradients", []))},
                  "softmax_lm": {"p", "loss", "perplexity", "do", "dW", "dV", "db", "dC"},
                  "lstm": {"gate_i", "gate_f", "gate_g", "gate_o", "c", "h"}}[e["kind"]]
        assert finals <= seen.get(n, set()), (e["kind"], finals - seen.get(n, set()))


def test_a_value_in_the_wrong_place_fails(tmp_path):
    """The test above can fail: swap W x_0 and z_0 in a key and it is caught."""
    out = tmp_path / "b"
    CliRunner().invoke(main, ["generate", "--seed", "42", "--no-pdf", "--out", str(out)])
    tex = (out / "key.tex").read_text()
    doc = json.loads((out / "answers.json").read_text())
    a = doc["variants"][0]["exercises"][0]["answers"]
    z = r"\begin{bmatrix}" + r" \\ ".join(str(v) for v in a["z"][0]) + r"\end{bmatrix}"
    line = "z_{0} = W x_{0} + V h_{-1} + b\\nextrel = "
    assert line + z in tex
    wx = r"\begin{bmatrix}" + r" \\ ".join(str(v) for v in a["Wx"][0]) + r"\end{bmatrix}"
    bad = tex.replace(line + z, line + wx)
    assert bad != tex
    clauses = [c for c in _clauses(bad) if c[0] == 1 and c[1] == "z_{0}"]
    printed = _value(clauses[0][2])
    assert not _close(printed, _decode(a["z"][0]), True, 4)
