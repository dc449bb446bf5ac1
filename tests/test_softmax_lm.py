"""softmax_lm: every answer against an independent oracle over hundreds of seeds, the
worked solution's data, parsing errors and rendering."""

from __future__ import annotations

import json
import math
import re
import subprocess
import tempfile
from pathlib import Path

import oracle_softmax_lm as oracle
import pytest

from rnnsheets import config, exercises
from rnnsheets.answersfile import dumps, exercise_json
from rnnsheets.errors import InputError
from rnnsheets.exercises import softmax_lm
from rnnsheets.numbers import decode_exact
from rnnsheets.render import render_document
from rnnsheets.sheet import Planned, draw_variant

ACTIVATIONS = ("relu", "identity", "tanh", "sigmoid")
SEEDS = range(240)


def settings_for(i: int, **extra) -> dict:
    """Settings cycling through every activation, hidden size 1..3 and N = 1..3."""
    return config.load_settings(overrides={
        "sheet": {"parts": ["softmax_lm"]},
        "softmax_lm": {"activation": ACTIVATIONS[i % 4], "hidden": 1 + (i // 4) % 3,
                       "steps": 1 + (i // 12) % 3, "vocab": 2 + i % 3, **extra},
    })


def exercise(seed: int):
    return draw_variant(seed, "1", settings_for(seed)).exercises[0]


@pytest.fixture(scope="module")
def drawn():
    return [(seed, exercise(seed)) for seed in SEEDS]


def test_sweep_covers_every_setting():
    seen = {(s["softmax_lm"]["activation"], s["softmax_lm"]["hidden"], s["softmax_lm"]["steps"])
            for s in map(settings_for, SEEDS)}
    assert len(seen) == 4 * 3 * 3


def test_every_answer_matches_the_oracle(drawn):
    for seed, ex in drawn:
        assert not ex.exact
        assert oracle.mismatches(ex.params, ex.answers) == [], f"seed {seed}"


def test_a_one_digit_slip_fails_the_oracle(drawn):
    """The check can fail: change one printed digit of any final answer and it does."""
    for seed, ex in drawn[:40]:
        for name in ("o", "p", "loss", "perplexity", "do", "dW", "dV", "db", "dC"):
            slipped = json.loads(json.dumps(ex.answers))
            slipped[name] = _slip(slipped[name], seed)
            assert oracle.mismatches(ex.params, slipped), (seed, name)


def _slip(value, seed: int):
    """The first entry with one digit (of its 4-decimal print) changed."""
    if isinstance(value, list):
        return [_slip(value[0], seed), *value[1:]]
    text = f"{value:.4f}"
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    i = digits[seed % len(digits)]
    return float(text[:i] + str((int(text[i]) + 1 + seed % 8) % 10) + text[i + 1:])


def test_distributions_and_perplexity(drawn):
    for seed, ex in drawn:
        a = ex.answers
        N = len(ex.params["x"]) - 1
        assert len(a["o"]) == len(a["p"]) == len(a["do"]) == N
        for p_t in a["p"]:
            assert math.isclose(sum(p_t), 1.0, abs_tol=1e-12), seed
            assert all(0 < q < 1 for q in p_t), seed
        assert math.isclose(a["perplexity"], math.exp(a["loss"] / N), rel_tol=1e-12), seed
        assert math.isclose(a["loss"], sum(a["step_loss"]), abs_tol=1e-12), seed
        for d in a["do"]:  # p_t - x_{t+1}: entries sum to 0
            assert abs(sum(d)) < 1e-12, seed


def test_resolving_the_params_gives_the_same_answers(drawn):
    for seed, ex in drawn:
        again = exercises.solve("softmax_lm", ex.params, 4)
        assert again.answers == ex.answers, seed
        back = json.loads(dumps(exercise_json(ex)))  # answers.json round trip
        assert decode_exact(back["params"]) == ex.params, seed
        assert exercises.solve("softmax_lm", decode_exact(back["params"]), 4).answers \
            == ex.answers, seed


def test_draws_are_deterministic_and_pleasant(drawn):
    for seed, ex in drawn[:40]:
        assert exercise(seed).answers == ex.answers
    for seed, ex in drawn:
        assert len(ex.params["vocab"]) == len(ex.params["C"])
        if ex.params["activation"] == "relu":
            assert all(abs(z) > 1e-9 for step in ex.answers["z"] for z in step), seed


def test_order_and_keys(drawn):
    required = {"o", "p", "loss", "perplexity", "do", "dW", "dV", "db", "dC"}
    for _, ex in drawn[:20]:
        assert required <= set(ex.answers)
        assert list(ex.answers) == [f for f in softmax_lm.ORDER if f in ex.answers]
        assert set(softmax_lm.FINAL) <= set(ex.answers)


def test_questions_ask_every_answer_with_its_value(drawn):
    for _, ex in drawn[:40]:
        qs = softmax_lm.questions(ex)
        asked = {a.name: a.value for q in qs for a in q.answers}
        N = len(ex.answers["o"])
        want = {**{f"{f}_{t}": ex.answers[f][t] for f in ("o", "p", "do") for t in range(N)},
                **{f: ex.answers[f] for f in ("loss", "perplexity", "dW", "dV", "db", "dC")}}
        assert asked == want
        assert all(q.solution for q in qs)
        assert len({q.id for q in qs}) == len(qs)


def test_words_stay_out_of_math():
    """User words are escaped on paper and never put inside \\( \\) or an expression."""
    settings = settings_for(0)
    v = draw_variant(3, "1", settings, [Planned("softmax_lm", {"vocab": ["a_b", "50%"]})])
    ex = v.exercises[0]
    for q in softmax_lm.questions(ex):
        for s in q.solution:
            assert "a_b" not in s.expr and "50%" not in s.expr
            assert not any("a_b" in m or "50%" in m for m in re.findall(r"\\\((.*?)\\\)", s.text))
    tex = render_document([v], settings, key=True)
    assert r"\texttt{a\_b}" in tex and r"\texttt{50\%}" in tex
    assert "a_b" not in tex and "50%" not in tex


@pytest.mark.parametrize("change, field", [
    ({"x": [[1, 0], [1, 1]]}, "x[1]"),
    ({"C": [[1, 0]]}, "C"),
    ({"vocab": ["a"]}, "vocab"),
    ({"vocab": ["a", "a"]}, "vocab"),
    ({"vocab": ["a", "b\u200bc"]}, "vocab"),
    ({"x": [[1, 0]]}, "x"),
])
def test_parse_names_the_wrong_field(change, field):
    params = {"W": [[1, 0]], "V": [[0]], "b": [0], "C": [[1], [0]], "h_init": [0],
              "x": [[1, 0], [0, 1]], "activation": "tanh", **change}
    with pytest.raises(InputError) as err:
        exercises.solve("softmax_lm", params, 4, "params")
    assert field in str(err.value)


def test_relu_at_exactly_zero_is_refused():
    params = {"W": [[0.1, 0]], "V": [[0]], "b": [-0.1], "C": [[1], [0]], "h_init": [0],
              "x": [[1, 0], [0, 1]], "activation": "relu"}
    with pytest.raises(InputError, match="exactly 0"):
        exercises.solve("softmax_lm", params, 4)


def test_a_hand_example():
    """One step by hand: W x_0 = 1, h_0 = 1, o_0 = (1, 0), target token 1."""
    params = {"W": [[1, 0]], "V": [[0]], "b": [0], "C": [[1], [0]], "h_init": [0],
              "x": [[1, 0], [0, 1]], "activation": "identity"}
    a = exercises.solve("softmax_lm", params, 4).answers
    p1 = 1 / (1 + math.e)
    assert a["p"][0] == pytest.approx([1 - p1, p1])
    assert a["loss"] == pytest.approx(-math.log(p1))
    assert a["do"][0] == pytest.approx([1 - p1, p1 - 1])
    assert [row[0] for row in a["dC"]] == pytest.approx([1 - p1, p1 - 1])  # h_0 = 1


@pytest.mark.parametrize("key", [False, True])
def test_render(key):
    settings = settings_for(2)  # tanh: floats
    v = draw_variant(7, "1", settings)
    tex = render_document([v], settings, key=key)
    assert r"\section*{Part 1" in tex
    assert (r"\begin{solution}" in tex) == key


def test_pdf_compiles_without_overfull_boxes(tex):
    """A worksheet and key over N = 3, hidden 3, vocab 4 typeset with no overfull hbox."""
    settings = settings_for(3, hidden=3, steps=3, vocab=4)
    v = draw_variant(11, "1", settings)
    with tempfile.TemporaryDirectory() as tmp:
        for name, key in (("w", False), ("k", True)):
            (Path(tmp) / f"{name}.tex").write_text(render_document([v], settings, key=key),
                                                 encoding="utf-8")
            subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                            f"{name}.tex"], cwd=tmp, capture_output=True, timeout=120)
            log = (Path(tmp) / f"{name}.log").read_text(encoding="latin-1")
            assert (Path(tmp) / f"{name}.pdf").exists(), log[-2000:]
            widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt", log)]
            assert not widths, (name, widths)


@pytest.mark.parametrize("given, n", [
    ({"x": [[1, 0, 0], [0, 0, 1]]}, 3), ({"vocab": "x y z"}, 3), ({"W": [[1, 0, 0, 0]]}, 4),
    ({"C": [[1], [0], [0]]}, 3),
])
def test_given_fields_set_the_vocabulary_size(given, n):
    v = draw_variant(1, "1", settings_for(0), [Planned("softmax_lm", given)])
    p = v.exercises[0].params
    assert len(p["C"]) == len(p["W"][0]) == len(p["vocab"]) == n
    assert oracle.mismatches(p, v.exercises[0].answers) == []
