"""Part 3: design RNN weights that make it behave like a bigram model."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import bank, core, texmath
from ..config import ACTIVATION_NAMES
from ..numbers import to_plain
from ..questions import Question, Statement
from ..stream import Stream
from .base import Params, first_size
from .forward import ACTIVATION_TEXT

KIND = "bigram_rnn"
TITLE = "An RNN that is a bigram model"
STEP_FIELDS = ()
FINAL = ("W", "V", "b", "C", "o")
ORDER = ("W", "V", "b", "C", "check", "o")
_RANGE = {"sigmoid": "(0, 1)", "tanh": "(-1, 1)", "relu": "(0, inf)"}


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """A Laplace-smoothed table of a small vocabulary drawn from counts 0..3."""
    cfg = settings[KIND]
    n = first_size(given, cfg["vocab"], ("vocab", len), ("T", len))
    if n == 2:
        vocab = list(stream.choice(bank.WORD_PAIRS))
    else:
        vocab = stream.sample(bank.WORDS, min(n, len(bank.WORDS)))
    counts = np.array([[stream.between(0, 3) for _ in range(n)] for _ in range(n)])
    P = core.smoothed_table(counts, Fraction(1))
    orientation = given.get("orientation", settings["bigram"]["orientation"])
    p = {
        "vocab": vocab,
        "orientation": orientation,
        "T": to_plain(P if orientation != "column" else P.T),
        "activation": cfg["activation"],
        "x": [stream.one_hot(n) for _ in range(cfg["steps"])],
    }
    p.update(given)
    return p


def parse(params: dict, where: str) -> dict:
    """Validated params: a stochastic table in the activation's invertible range."""
    r = Params(params, where)
    act = core.ACTIVATIONS[r.choice("activation", ACTIVATION_NAMES)]
    orientation = r.choice("orientation", ("row", "column")) if r.has("orientation") else "row"
    T = r.matrix("T", None, None)
    n = len(T)
    if len(T[0]) != n:
        raise r.error("T", f"expected a square table, found {n}x{len(T[0])}")
    vocab = r.tokens("vocab")
    if len(vocab) != n:
        raise r.error("vocab", f"expected {n} words (one per row of T), found {len(vocab)}")
    if len(set(vocab)) != n:
        raise r.error("vocab", "words must be distinct")
    for i in range(n):
        line = T[i] if orientation == "row" else [T[j][i] for j in range(n)]
        if sum(line) != 1:
            what = "row" if orientation == "row" else "column"
            raise r.error("T", f"{what} {i} sums to {sum(line)}, expected 1 "
                          f"(orientation = {orientation})")
    for (i, j), v in np.ndenumerate(np.array(T, dtype=object)):
        if not act.invertible(v):
            raise r.error(f"T[{i}][{j}]", f"{v} is outside {_RANGE.get(act.name)}, where "
                          f"{act.name}^-1 exists (smooth the table)")
    out = {"T": T, "orientation": orientation, "vocab": vocab, "activation": act.name}
    if r.has("x"):
        out["x"] = r.vectors("x", n, 1, f" (one-hot over the {n} words)")
    return out


def is_exact(p: dict) -> bool:
    """relu and identity designs are exact."""
    return core.ACTIVATIONS[p["activation"]].exact


def solve(p: dict, where: str = "") -> dict:
    """The design W = sigma^{-1}(P^T), V = 0, b = 0, C = I, checked by running it."""
    act = core.ACTIVATIONS[p["activation"]]
    T = core.exact_array(p["T"])
    P = T if p["orientation"] == "row" else T.T
    W, V, b, C = core.bigram_design(P, act)
    n = len(P)
    conv = core.exact_array if act.exact else core.float_array
    eye = [conv([int(i == j) for j in range(n)]) for i in range(n)]
    net = (W, *(conv(to_plain(m)) for m in (V, b, C)))
    check = core.forward(*net, net[2], eye, act).o
    want = core.float_array(P) if not act.exact else P
    for i, o in enumerate(check):
        if not np.allclose(np.array(o, dtype=float), np.array(want[i], dtype=float), atol=1e-12) \
                or (act.exact and any(o != want[i])):
            raise AssertionError(f"design check failed for word {i}")  # a bug, never input
    answers = {"W": W, "V": V, "b": b, "C": C, "check": check}
    if p.get("x") is not None:
        answers["o"] = core.forward(*net, net[2], [conv(x) for x in p["x"]], act).o
    return to_plain(answers)


def view(ex) -> dict:
    """The table's rows as distributions, the words, and the one-hot inputs."""
    p = ex.params
    T = p["T"]
    rows = T if p["orientation"] == "row" else [list(c) for c in zip(*T)]
    n = len(T)
    return {
        "n": n,
        "rows": [{"i": i, "word": p["vocab"][i], "dist": rows[i],
                  "e": [int(i == j) for j in range(n)], "check": ex.answers["check"][i]}
                 for i in range(n)],
        "inputs": [{"t": t, "x": x, "word": p["vocab"][x.index(1)] if 1 in x else None,
                    "o": ex.answers["o"][t]} for t, x in enumerate(p.get("x") or [])],
        "inverse": core.ACTIVATIONS[p["activation"]].inverse_name,
    }


def statement(ex) -> Statement:
    """The table to imitate, with its words and orientation."""
    p = ex.params
    way = "columns" if p["orientation"] == "column" else "rows"
    text = (r"Design an RNN (\(h_t = \sigma(W x_t + V h_{t-1} + b)\), \(o_t = C h_t\), "
            + ACTIVATION_TEXT[p["activation"]] + ") whose output on a one-hot word \\(x_t\\) is "
            f"the bigram distribution of the next word. Words, in order: "
            f"{', '.join(p['vocab'])}; the {way} of T are the previous word.")
    return Statement(text, (rf"T = {texmath.matrix(p['T'], ex.decimals)}",))


def questions(ex) -> list[Question]:
    """W of the design, and the outputs on the input sequence."""
    a, d, v = ex.answers, ex.decimals, view(ex)
    source = "T" if ex.params["orientation"] == "column" else r"T^{\top}"
    design = (rf"W = \sigma^{{-1}}({source}) = {texmath.matrix(a['W'], d)},\quad V = 0,\ b = 0,"
              r"\ C = I",)
    out = [Question("W", r"Give \(W\) (with \(V = 0\), \(b = 0\), \(C = I\)).", a["W"], design)]
    for s in v["inputs"]:
        out.append(Question(f"o_{s['t']}", rf"Run it on \(x_{{{s['t']}}} = "
                            rf"{texmath.row(s['x'], d)}^\top\): give \(o_{{{s['t']}}}\).",
                            s["o"], (rf"o_{{{s['t']}}} = \sigma(W x_{{{s['t']}}}) = "
                                     rf"{texmath.column(s['o'], d)}",)))
    return out
