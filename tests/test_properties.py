"""Property tests over the --spec input space: valid specs solve and pass check;
invalid ones get a clean one-line error."""

from __future__ import annotations

import json
import tempfile
from fractions import Fraction
from pathlib import Path

import oracles
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rnnsheets.cli import main

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

tenths = st.integers(-9, 9).map(lambda i: round(i / 10, 1))
numbers = st.one_of(tenths, st.integers(-2, 2), st.sampled_from(["1/3", "-2/7", "1/4"]))
activations = st.sampled_from(["relu", "identity", "tanh", "sigmoid"])
words = st.text(alphabet="ab&%$#_{}~^\\é", min_size=1, max_size=4).filter(lambda w: w.strip())


def matrix(rows, cols):
    return st.lists(st.lists(numbers, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


@st.composite
def rnn(draw, square_io: bool = False, min_steps: int = 1):
    n_h, n_in = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n_out = n_in if square_io else draw(st.integers(1, 3))
    steps = draw(st.integers(min_steps, min_steps + 2))
    return {"W": draw(matrix(n_h, n_in)), "V": draw(matrix(n_h, n_h)),
            "b": draw(st.lists(numbers, min_size=n_h, max_size=n_h)),
            "C": draw(matrix(n_out, n_h)),
            "h_init": draw(st.lists(numbers, min_size=n_h, max_size=n_h)),
            "x": draw(st.lists(st.lists(numbers, min_size=n_in, max_size=n_in),
                               min_size=steps, max_size=steps)),
            "activation": draw(activations)}


@st.composite
def bigram(draw):
    corpus = draw(st.lists(st.lists(words, min_size=1, max_size=4), min_size=1, max_size=3)
                  .filter(lambda c: len({w for s in c for w in s}) <= 10))  # what a page fits
    vocab = list(dict.fromkeys(w for s in corpus for w in s))
    query = draw(st.lists(st.sampled_from(vocab), min_size=2, max_size=4))
    return {"corpus": corpus, "query": query, "k": draw(st.sampled_from([1, 0.5, "1/3", 2])),
            "orientation": draw(st.sampled_from(["row", "column"])),
            "boundaries": draw(st.booleans())}


@st.composite
def bigram_rnn(draw):
    n = draw(st.integers(2, 3))
    counts = draw(st.lists(st.lists(st.integers(0, 3), min_size=n, max_size=n),
                           min_size=n, max_size=n))
    rows = [[Fraction(c + 1, sum(r) + n) for c in r] for r in counts]
    orientation = draw(st.sampled_from(["row", "column"]))
    table = rows if orientation == "row" else [list(c) for c in zip(*rows)]
    return {"T": [[f"{v.numerator}/{v.denominator}" for v in r] for r in table],
            "vocab": [f"w{i}" for i in range(n)], "orientation": orientation,
            "activation": draw(activations),
            "x": [[int(i == j) for j in range(n)] for i in draw(st.lists(
                st.integers(0, n - 1), min_size=1, max_size=3))]}


@st.composite
def bptt(draw):
    p = draw(rnn(square_io=True, min_steps=2))
    if p["activation"] == "relu":  # a ReLU sheet never has a pre-activation at 0
        frac = {k: _exact(v) for k, v in p.items()}
        zs, _, _ = oracles.naive_forward(frac, frac["x"][:-1])
        assume(all(v != 0 for z in zs for v in z))
    p["entry"] = [draw(st.integers(0, len(p["W"]) - 1)), draw(st.integers(0, len(p["W"][0]) - 1))]
    p["expand"] = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    return p


def _exact(v):
    if isinstance(v, list):
        return [_exact(e) for e in v]
    if isinstance(v, str) and v not in ("relu", "identity", "tanh", "sigmoid"):
        return Fraction(v)
    return Fraction(str(v)) if isinstance(v, float) else v


exercise = st.one_of(
    rnn().map(lambda p: {"kind": "forward", "params": p}),
    bigram().map(lambda p: {"kind": "bigram", "params": p}),
    bigram_rnn().map(lambda p: {"kind": "bigram_rnn", "params": p}),
    bptt().map(lambda p: {"kind": "bptt", "params": p}),
)
specs = st.lists(exercise, min_size=1, max_size=4).map(lambda e: {"exercises": e})


def _generate(spec: dict):
    tmp = Path(tempfile.mkdtemp())
    (tmp / "spec.json").write_text(json.dumps(spec))
    r = CliRunner().invoke(main, ["generate", "--spec", str(tmp / "spec.json"), "--out",
                                  str(tmp / "out"), "--no-pdf"])
    return r, tmp / "out"


@SETTINGS
@given(specs)
def test_every_valid_spec_solves_and_passes_check(spec):
    r, out = _generate(spec)
    assert r.exit_code == 0, r.output
    c = CliRunner().invoke(main, ["check", str(out)])
    assert c.exit_code == 0, c.output


def _mutations(spec: dict):
    ex = spec["exercises"][0]
    p = ex["params"]
    kind = ex["kind"]
    yield "unknown kind", {**ex, "kind": "gru"}
    if kind in ("forward", "bptt"):
        yield "shape", {**ex, "params": {**p, "W": [row + [0.1] for row in p["W"]]}}
        yield "entry", {**ex, "params": {**p, "b": ["x"] + p["b"][1:]}}
        yield "activation", {**ex, "params": {**p, "activation": "softmax"}}
    if kind == "bigram":
        yield "no corpus", {**ex, "params": {k: v for k, v in p.items() if k != "corpus"}}
        yield "query", {**ex, "params": {**p, "query": p["query"] + ["zzz-not-a-word"]}}
        yield "k", {**ex, "params": {**p, "k": 0}}
    if kind == "bigram_rnn":
        yield "zero", {**ex, "params": {**p, "T": [[0] + r[1:] for r in p["T"]]}}
        yield "vocab", {**ex, "params": {**p, "vocab": p["vocab"][:1]}}


@SETTINGS
@given(specs, st.data())
def test_every_invalid_spec_gets_a_clean_error(spec, data):
    what, bad = data.draw(st.sampled_from(list(_mutations(spec))))
    r, out = _generate({"exercises": [bad, *spec["exercises"][1:]]})
    assert r.exit_code == 2, (what, r.output)
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.output, r.output
    assert "spec.json: exercises[0]" in lines[0], (what, lines[0])
    assert not out.exists()
