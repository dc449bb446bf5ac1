"""Part 3: design RNN weights that make it behave like a bigram model."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import bank, core, texmath
from ..carry import held
from ..core import ACTIVATION_NAMES
from ..numbers import to_plain
from ..questions import Answer, Question, Statement, Step, literal
from ..rounding import shown
from ..settings import Flag, OneOf, Whole
from ..stream import Stream
from ..timing import Work
from .base import Mistake, Params, first_size, redraw, slip
from .bigram import smoothed_table
from .rnn import ACTIVATION_TEXT

KIND = "bigram_rnn"
TITLE = "An RNN that is a bigram model"
SETTINGS = {"vocab": Whole(2, 2, 8), "activation": OneOf("sigmoid", ACTIVATION_NAMES),
            "steps": Whole(1),  # words the designed network is run on
            "general": Flag(False)}  # also ask for the design for any vocabulary
STEP_FIELDS = ("o",)
FINAL = ("W", "V", "b", "C", "o")
ORDER = ("W", "V", "b", "C", "check", "o")
_RANGE = {"sigmoid": "(0, 1)", "tanh": "(-1, 1)", "relu": "(0, inf)"}

MISTAKES = (
    Mistake("sigma_for_inverse", "σ used where its inverse is needed",
            "W = σ(T^T), e.g. sigmoid where logit is needed: the weights must be what "
            "σ turns into the probabilities, σ⁻¹ of them.",
            slip("sigma_for_inverse")),
    Mistake("design_transposed", "the table's orientation flipped in W",
            "Column i of W must hold the distribution after word i; W was built from the "
            "table the other way round.",
            lambda p: {**p, "orientation": "column" if p["orientation"] == "row" else "row"}),
)


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """A Laplace-smoothed table of a small vocabulary drawn from counts 0..3."""
    cfg = settings[KIND]
    n = first_size(given, cfg["vocab"], ("vocab", len), ("T", len))
    if n == 2:
        vocab = list(stream.choice(bank.WORD_PAIRS))
    else:
        vocab = stream.sample(bank.WORDS, min(n, len(bank.WORDS)))
    P = redraw(lambda: {"P": smoothed_table(np.array(
        [[stream.between(0, 3) for _ in range(n)] for _ in range(n)]), Fraction(1))},
        lambda d: "T" in given or n < 2 or worth(d["P"]), "a table worth designing for")["P"]
    orientation = given.get("orientation", settings["bigram"]["orientation"])
    p = {
        "vocab": vocab,
        "orientation": orientation,
        "T": to_plain(P if orientation != "column" else P.T),
        "activation": cfg["activation"],
        "x": [stream.one_hot(n) for _ in range(cfg["steps"])],
        "general": cfg["general"],
    }
    p.update(given)
    return p


def worth(P: np.ndarray) -> bool:
    """A table worth designing for: every word's distribution differs from the others'
    (so W's columns differ), and some is not uniform (a uniform table gives W = 0 for a
    sigmoid)."""
    rows = [tuple(r) for r in P]
    return len(set(rows)) == len(rows) and len({v for r in rows for v in r}) > 1


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
    out = {"T": T, "orientation": orientation, "vocab": vocab, "activation": act.name,
           "general": r.flag("general") if r.has("general") else False}
    if r.has("x"):
        out["x"] = r.vectors("x", n, 1, f" (one-hot over the {n} words)")
    return out


def design(P: np.ndarray, act: core.Activation, slip: str = ""):
    """W = sigma^{-1}(P^T), V = 0, b = 0, C = I for a row-stochastic P.

    On a one-hot x_t = e_i the output is sigma(W e_i) = row i of P. V, b and C
    are exact whatever the activation; W is exact for relu and identity.
    ``slip`` ``sigma_for_inverse``: a misconception's W = sigma(P^T).
    """
    n = P.shape[0]
    W = shown(act.f(P.T) if slip == "sigma_for_inverse" else act.inv(P.T))
    V = core.exact_array([[0] * n] * n)
    b = core.exact_array([0] * n)
    C = core.exact_array([[int(i == j) for j in range(n)] for i in range(n)])
    return W, V, b, C


def solve(p: dict, where: str = "") -> dict:
    """The design W = sigma^{-1}(P^T), V = 0, b = 0, C = I, checked by running it."""
    act = core.ACTIVATIONS[p["activation"]]
    T = core.exact_array(p["T"])
    P = T if p["orientation"] == "row" else T.T
    W, V, b, C = design(P, act, p.get("slip", ""))
    n = len(P)
    conv = core.exact_array if act.exact else core.float_array
    eye = [conv([int(i == j) for j in range(n)]) for i in range(n)]
    net = (W, *(conv(to_plain(m)) for m in (V, b, C)))
    check = core.forward(*net, net[2], eye, act).o
    want = core.float_array(P) if not act.exact else P
    for i, o in enumerate(check):
        if p.get("slip"):
            break  # a misconception's design is not expected to work
        if not np.allclose(np.array(o, dtype=float), np.array(want[i], dtype=float), atol=1e-12) \
                or (act.exact and any(o != want[i])):
            raise AssertionError(f"design check failed for word {i}")  # a bug, never input
    answers = {"W": W, "V": V, "b": b, "C": C, "check": check}
    if p.get("x") is not None:  # the run goes on from the design handed in
        run = (held("W", W), *(conv(to_plain(held(k, m))) for k, m in zip("VbC", (V, b, C))))
        answers["o"] = core.forward(*run, conv([0] * n), [conv(x) for x in p["x"]], act).o
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
            f"{', '.join(literal(w) for w in p['vocab'])}; the {way} of T are the previous word.")
    return Statement(text, (rf"T = {texmath.matrix(p['T'], ex.decimals)}",))


def questions(ex) -> list[Question]:
    """The design, why smoothing matters, the general case, and a run of the network."""
    p, a, d, v = ex.params, ex.answers, ex.decimals, view(ex)
    column = p["orientation"] == "column"
    act = p["activation"]
    source = "T" if column else r"T^{\top}"
    which = (r"column \(i\) of \(T\)" if column
             else r"row \(i\) of \(T\), that is, column \(i\) of \(T^{\top}\)")
    exact = act in ("relu", "identity")
    inverse = {"sigmoid": r"\(\operatorname{logit}(y) = \ln\frac{y}{1-y}\)",
               "tanh": r"\(\operatorname{artanh}(y) = \frac12 \ln\frac{1+y}{1-y}\)"}
    design_steps = [
        Step(r"Take \(V = 0\), \(b = 0\) and \(C = I\), so that \(o_t = h_t = \sigma(W x_t)\). "
             r"For \(x_t = e_i\) this is \(\sigma\)(column \(i\) of \(W\)), which must be the "
             f"distribution after word \\(i\\): {which}. So column \\(i\\) of \\(W\\) is "
             r"\(\sigma^{-1}\) of that distribution"
             + (", and \\(\\sigma\\) leaves these positive entries unchanged:" if exact
                else f", with \\(\\sigma^{{-1}} = \\operatorname{{{v['inverse']}}}\\), "
                     f"{inverse[act]}, entry by entry:"),
             f"W = {source}" if exact else rf"W = \sigma^{{-1}}\!\big({source}\big)", a["W"]),
        Step("", "V", a["V"]),
        Step("", "b", a["b"], beside=True),
        Step("", "C", a["C"], beside=True),
        Step("Why it works: a one-hot input selects one column of \\(W\\); \\(V = 0\\) makes the "
             "network forget the past, as a bigram model does; \\(C = I\\) passes \\(h_t\\) to "
             "the output. "
             + ("And \\(\\sigma^{-1}\\) exists for every entry because smoothing removed "
                "the zeros: every entry of \\(T\\) lies strictly between 0 and 1."
                if not exact else "Every entry of \\(T\\) is positive thanks to smoothing, "
                "which is where \\(\\sigma\\) is the identity.")),
        Step("Check: running the designed RNN on each word reproduces the table.")]
    design_steps += [Step("", rf"\sigma(W e_{{{r['i']}}})", r["check"], form="row",
                          beside=r["i"] > 0) for r in v["rows"]]
    if act in ("sigmoid", "tanh"):
        why = ("Why would this design fail for a table estimated without smoothing?",
               "An unsmoothed table contains a 0 for every pair never seen in the corpus. No "
               f"finite weight gives \\(\\sigma(z) = 0\\): {v['inverse']}(0) does not "
               "exist, so no \\(W\\) reproduces that entry. Smoothing keeps every entry strictly "
               "inside (0, 1).")
    else:
        why = ("Would this design still work for a table estimated without smoothing? And "
               "with a sigmoid?",
               "An unsmoothed table contains a 0 for every pair never seen in the corpus. Here "
               "it still works: \\(W\\) copies the 0"
               + (" (any \\(z \\le 0\\) would do, since \\(\\max(0, z) = 0\\))"
                  if act == "relu" else "")
               + ". With a sigmoid it fails: no finite \\(z\\) gives \\(\\sigma(z) = 0\\), so "
               "logit(0) does not exist.")
    out = [
        Question("design", r"Find \(W\), \(V\), \(b\) and \(C\) so that, for every word, "
                 r"feeding its one-hot vector gives \(o_t = P(\,\cdot \mid x_t)\).",
                 (Answer("W", a["W"], "W"), Answer("V", a["V"], "V"), Answer("b", a["b"], "b"),
                  Answer("C", a["C"], "C")), tuple(design_steps),
                 r"Feed the one-hot vector of one word and write out \(o_t\) step by step: "
                 r"which part of \(W\) does it pick, and what must come out for that word? "
                 r"Then ask what a bigram model may know of the words before, and what the "
                 r"output layer has left to do.", work=Work(func=0 if exact else v["n"] ** 2,
                                       lookup=v["n"] ** 2 if exact else 0,
                                       write=3 * v["n"] ** 2 + v["n"])),
        Question("smoothing", why[0], (), (Step(why[1]),), work=Work(explain=2)),
    ]
    if p["general"]:
        out.append(Question("general", r"Give the design for any vocabulary of \(n\) words and "
                            r"its \(n \times n\) table \(T\).", (),
                            (Step("With \\(\\sigma^{-1}\\) applied entry by entry:",
                                  rf"W = \sigma^{{-1}}\!\big({source}\big) \in "
                                  r"\mathbb{R}^{n \times n}, \quad V = 0_{n \times n}, \quad "
                                  r"b = 0_{n}, \quad C = I_{n}"),), work=Work(explain=1, term=4)))
    if v["inputs"]:
        shown = ", ".join(rf"\(x_{{{s['t']}}} = {{{texmath.row(s['x'], d)}}}^\top\)"
                          + (f" ({literal(s['word'])})" if s["word"] is not None else "")
                          for s in v["inputs"])
        steps = [Step("", rf"o_{{{s['t']}}} = \sigma(W x_{{{s['t']}}})", s["o"],
                      beside=s["t"] > 0) for s in v["inputs"]]
        steps.append(Step("The outputs do not depend on earlier words: \\(V = 0\\)."))
        out.append(Question("run", f"Run your network on the input sequence {shown} and give "
                            r"the outputs \(o_t\).",
                            tuple(Answer(f"o_{s['t']}", s["o"], f"o_{{{s['t']}}}")
                                  for s in v["inputs"]), tuple(steps),
                            work=Work(lookup=v["n"] * len(v["inputs"]),
                                      write=v["n"] * len(v["inputs"]))))
    return out
