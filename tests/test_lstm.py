"""The lstm kind: drawn sheets against an independent oracle, PyTorch's equations on a
hand-worked example, parsing, rendering and a real pdflatex build."""

from __future__ import annotations

import math
import re
import subprocess

import numpy as np
import pytest
from oracle_lstm import lstm as oracle

import rnnsheets.config as config
import rnnsheets.exercises as exercises
from rnnsheets.errors import InputError
from rnnsheets.exercises import lstm
from rnnsheets.render import render_document
from rnnsheets.sheet import draw_variant
from rnnsheets.stream import Stream

ASKED = ("gate_i", "gate_f", "gate_g", "gate_o", "c", "h")


def settings(hidden: int = 2, inputs: int = 2, steps: int = 1) -> dict:
    return config.load_settings(overrides={
        "sheet": {"parts": ["lstm"]},
        "lstm": {"hidden": hidden, "inputs": inputs, "steps": steps}})


def agree(answers: dict, want: dict, tol: float = 1e-12) -> bool:
    """Every asked answer has the oracle's shape and values within tol."""
    for name in ASKED:
        got, exp = answers[name], want[name]
        if len(got) != len(exp) or any(len(g) != len(e) for g, e in zip(got, exp)):
            return False
        if any(abs(a - b) > tol for g, e in zip(got, exp) for a, b in zip(g, e)):
            return False
    return True


def sizes(seed: int) -> tuple[int, int, int]:
    return 1 + seed % 3, 1 + seed // 3 % 3, 1 + seed // 9 % 3


def test_drawn_sheets_match_the_oracle_and_resolve_identically():
    seen = set()
    for seed in range(243):
        n_h, n_in, T = sizes(seed)
        ex = draw_variant(seed, "1", settings(n_h, n_in, T)).exercises[0]
        seen.add((n_h, n_in, T))
        assert ex.kind == "lstm" and not ex.exact and ex.decimals == 4
        assert {f for row in ex.forms["h"] for f in row} == {"decimals"}
        assert all(5e-5 < t < 1e-2 for row in ex.tolerances["h"] for t in row)
        a = ex.answers
        assert list(a) == [f for f in lstm.ORDER if f in a] and set(ASKED) <= set(a)
        assert len(a["h"]) == T and all(len(v) == n_h for v in a["h"])
        assert len(ex.params["W_o"][0]) == n_in
        assert agree(a, oracle(ex.params)), seed
        assert exercises.solve("lstm", ex.params, 4).answers == a
    assert len(seen) == 27


def test_a_one_digit_slip_is_caught():
    ex = draw_variant(7, "1", settings(2, 2, 2)).exercises[0]
    want = oracle(ex.params)
    assert agree(ex.answers, want)
    for name in ASKED:
        slipped = {k: [list(v) for v in vs] for k, vs in ex.answers.items()}
        x = slipped[name][1][0]
        text = f"{x:.4f}"
        digit = text[-1]
        slipped[name][1][0] = float(text[:-1] + ("1" if digit == "0" else "0"))
        assert not agree(slipped, want), name


def torch_layout(weight_ih, weight_hh, bias_ih, bias_hh, h0, c0, xs) -> dict:
    """torch.nn.LSTM's stacked params (rows: input, forget, cell, output gate; both biases)
    as this kind's params."""
    n = len(h0)
    p = {}
    for k, g in enumerate("ifgo"):
        p[f"W_{g}"] = weight_ih[k * n:(k + 1) * n]
        p[f"U_{g}"] = weight_hh[k * n:(k + 1) * n]
        p[f"b_{g}"] = [a + b for a, b in zip(bias_ih[k * n:(k + 1) * n],
                                            bias_hh[k * n:(k + 1) * n])]
    return {**p, "h_init": h0, "c_init": c0, "x": xs}


def test_pytorch_equations_on_a_hand_worked_example():
    # PyTorch: i = s(W_ii x + b_ii + W_hi h + b_hi), f = s(...), g = tanh(...), o = s(...),
    # c' = f*c + i*g, h' = o*tanh(c'). One unit, one input. Chosen so that by hand
    # s(0) = 1/2, s(ln 3) = 1/(1 + 1/3) = 3/4, tanh(ln 2) = (2 - 1/2)/(2 + 1/2) = 3/5,
    # tanh(ln 3) = (3 - 1/3)/(3 + 1/3) = 4/5.
    # Step 0, x_0 = 1, h_{-1} = 0, c_{-1} = 2 ln 3 - 0.6:
    #   a_i = 0, a_f = 0, a_g = ln 2 (W_ig), a_o = ln 3 (b_io)  -> i = f = 1/2, g = 3/5, o = 3/4
    #   c_0 = 1/2 (2 ln 3 - 0.6) + 1/2 * 3/5 = ln 3;  h_0 = 3/4 * tanh(ln 3) = 3/4 * 4/5 = 0.6
    # Step 1, x_1 = 0, h_0 = 0.6: a_g = (ln 2 / 0.6) * 0.6 = ln 2 (W_hg), the rest as before
    #   -> i = f = 1/2, g = 3/5, o = 3/4; c_1 = ln 3 / 2 + 0.3; h_1 = 3/4 tanh(ln 3 / 2 + 0.3)
    ln2, ln3 = math.log(2), math.log(3)
    p = torch_layout(weight_ih=[[0.0], [0.0], [ln2], [0.0]],
                     weight_hh=[[0.0], [0.0], [ln2 / 0.6], [0.0]],
                     bias_ih=[0.0, 0.0, 0.0, ln3], bias_hh=[0.0, 0.0, 0.0, 0.0],
                     h0=[0.0], c0=[2 * ln3 - 0.6], xs=[[1.0], [0.0]])
    c1 = ln3 / 2 + 0.3
    by_hand = {"gate_i": [[0.5], [0.5]], "gate_f": [[0.5], [0.5]], "gate_g": [[0.6], [0.6]],
               "gate_o": [[0.75], [0.75]], "c": [[ln3], [c1]],
               "h": [[0.6], [0.75 * math.tanh(c1)]]}
    assert agree(oracle(p), by_hand)
    assert agree(exercises.solve("lstm", p, 4).answers, by_hand)


def test_sheet_and_key_render():
    s = settings(2, 2, 2)
    v = draw_variant(3, "1", s)
    key = render_document([v], s, key=True)
    sheet = render_document([v], s, key=False)
    for doc in (key, sheet):
        assert r"\section*{Part 1" in doc and "W_o" in doc and "c_{-1}" in doc
    assert r"\begin{solution}" in key and r"\begin{solution}" not in sheet
    h = f"{v.exercises[0].answers['h'][1][0]:.4f}"
    assert h in key and h not in sheet
    grid = render_document([v, draw_variant(3, "2", s)], s, key=True)
    assert r"\section*{Answer grid}" in grid and "$h_{1} = (" in grid and "$c_{1} = (" in grid


def test_given_params_are_kept_and_set_the_sizes():
    s = settings(2, 2, 1)
    given = {"h_init": [0.1, 0.2, 0.3], "x": [[1, 0, 0, 0], [0, 1, 0, 0]]}
    ex = exercises.draw("lstm", Stream(1, "lstm", 0), s, given)
    assert len(ex.params["U_f"]) == 3 and len(ex.params["W_g"][0]) == 4
    assert [float(v) for v in ex.params["h_init"]] == [0.1, 0.2, 0.3]
    assert len(ex.answers["h"]) == 2


@pytest.mark.parametrize("field, value, named", [
    ("U_f", [[0.1, 0.2]], "U_f"),
    ("W_o", [[0.1], [0.2]], "W_o"),
    ("b_g", [0.1], "b_g"),
    ("c_init", [0.1, 0.2, 0.3], "c_init"),
    ("x", [[1, 0], [1]], "x[1]"),
])
def test_parse_names_a_wrongly_shaped_field(field, value, named):
    params = draw_variant(1, "1", settings(2, 2, 1)).exercises[0].params
    with pytest.raises(InputError) as e:
        lstm.parse({**params, field: value}, "spec.exercises[0].params")
    assert e.value.where == f"spec.exercises[0].params.{named}"


def test_step_derivatives_match_finite_differences():
    rng = np.random.default_rng(0)
    p = {f"{m}_{g}": rng.uniform(-1, 1, (2, 2) if m != "b" else 2)
         for m in "WUb" for g in "ifgo"}
    x, h, c = rng.uniform(-1, 1, 2), rng.uniform(-1, 1, 2), rng.uniform(-1, 1, 2)
    s = lstm.step(p, x, h, c)
    d = lstm.step_derivatives(s, c)
    eps = 1e-6
    up, down = lstm.step(p, x, h, c + eps), lstm.step(p, x, h, c - eps)
    assert np.allclose((up["c"] - down["c"]) / (2 * eps), d["dc_dc_prev"], atol=1e-8)
    assert np.allclose((up["h"] - down["h"]) / (2 * eps), d["dh_dc"] * d["dc_dc_prev"],
                       atol=1e-8)
    a = s["a_i"]
    sig = lstm._ACT["i"].f
    assert np.allclose((sig(a + eps) - sig(a - eps)) / (2 * eps), d["dgate_i"], atol=1e-8)


_OVERFULL = re.compile(r"Overfull \\hbox \(([\d.]+)pt too wide\)")


@pytest.mark.parametrize("n_h, n_in, T", [(3, 3, 2), (4, 4, 4)])
def test_pdf_builds_without_overfull_lines(tex, tmp_path, n_h, n_in, T):
    s = settings(n_h, n_in, T)
    v = draw_variant(5, "1", s)
    for name, key in (("worksheet", False), ("key", True)):
        (tmp_path / f"{name}.tex").write_text(render_document([v], s, key=key))
        for _ in range(2):  # the second run settles cached figures and references
            subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                            f"{name}.tex"], cwd=tmp_path, capture_output=True, timeout=120,
                           check=True)
        log = (tmp_path / f"{name}.log").read_text(errors="replace")
        wide = [float(w) for w in _OVERFULL.findall(log)]
        assert not wide, f"{name}: overfull lines {wide}"
