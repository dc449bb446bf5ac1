"""Part 1: one RNN forward pass, step by step."""

from __future__ import annotations

from fractions import Fraction

from .. import core, texmath
from ..carry import held
from ..core import ACTIVATION_NAMES
from ..numbers import to_plain
from ..questions import Answer, Figure, Question, Statement, Step
from ..rounding import shown
from ..settings import OneOf, Whole
from ..stream import Stream
from ..timing import Work
from . import rnn
from .base import Mistake, slip

KIND = "forward"
TITLE = "The RNN forward step"
SETTINGS = {"hidden": Whole(2), "inputs": Whole(2), "outputs": Whole(2), "steps": Whole(2),
            "activation": OneOf("relu", ACTIVATION_NAMES)}
CLI_OPTIONS = ("activation", "hidden", "steps")
#: Answers indexed by time step, and the ones a student hands in as final.
STEP_FIELDS = ("Wx", "Vh", "z", "h", "o")
FINAL = ("h", "o")
ORDER = ("Wx", "Vh", "z", "h", "o")


def _swapped(p: dict) -> dict | None:
    same = len(p["W"][0]) == len(p["V"][0])  # W x_t and V h_{t-1} both defined only then
    return {**p, "W": p["V"], "V": p["W"]} if same else None


MISTAKES = (
    Mistake("no_bias", "bias left out",
            "h_t = σ(W x_t + V h_{t-1}): the bias b was not added to the pre-activation.",
            lambda p: {**p, "b": [Fraction(0)] * len(p["b"])}),
    Mistake("swapped_W_V", "W and V swapped",
            "V x_t + W h_{t-1}: the input weights were used on the state and the other way "
            "round.", _swapped),
    Mistake("no_memory", "V h_{t-1} left out",
            "h_t = σ(W x_t + b): the state of the step before was not carried in.",
            lambda p: {**p, "V": [[Fraction(0)] * len(r) for r in p["V"]]}),
    Mistake("sigma_on_output", "σ applied to the output",
            "o_t = σ(C h_t): the activation belongs to the hidden state only; "
            "o_t = C h_t.", slip("sigma_on_output")),
)


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """Params of a forward exercise; fields in ``given`` are kept as they are."""
    cfg = settings[KIND]
    return rnn.draw_rnn(stream, settings, given, cfg, cfg["inputs"], cfg["outputs"], cfg["steps"])


def parse(params: dict, where: str) -> dict:
    """Validated params of a forward exercise."""
    return rnn.parse_rnn(params, where)


def solve(p: dict, where: str = "") -> dict:
    """z, h, o and the terms W x_t, V h_{t-1} of each step."""
    W, V, b, C, h0, xs, act = rnn.arrays(p)
    fw = core.forward(W, V, b, C, h0, xs, act, hold=lambda t, h: held(f"h_{t}", h))
    if p.get("slip") == "sigma_on_output":
        fw.o = [shown(act.f(shown(C @ h))) for h in fw.h]
    fw.o = [held(f"o_{t}", o) for t, o in enumerate(fw.o)]
    return to_plain({"Wx": fw.Wx, "Vh": fw.Vh, "z": fw.z, "h": fw.h, "o": fw.o})


def view(ex) -> dict:
    """Display-ready steps: each t with x_t, h_{t-1} and the key's intermediate values."""
    p, a = ex.params, ex.answers
    h_prev = [p["h_init"], *a["h"][:-1]]
    return {"steps": [
        {"t": t, "prev": t - 1, "x": p["x"][t], "h_prev": h_prev[t], "Wx": a["Wx"][t],
         "Vh": a["Vh"][t], "z": a["z"][t], "h": a["h"][t], "o": a["o"][t]}
        for t in range(len(p["x"]))]}


def statement(ex) -> Statement:
    """What part 1 gives: the equations, the parameters, the inputs, the unrolled network."""
    p = ex.params
    text = (r"An RNN reads \(x_0, x_1, \dots\) one at a time: \(h_t = \sigma(W x_t + V h_{t-1} "
            r"+ b)\), \(o_t = C h_t\), with " + rnn.ACTIVATION_TEXT[p["activation"]] + ".")
    return Statement(text, rnn.rnn_given(p, ex.decimals), Figure(tuple(range(len(p["x"])))))


def questions(ex) -> list[Question]:
    """h_t and o_t for each step, each step worked out term by term."""
    tm, d, p = texmath, ex.decimals, ex.params
    out = []
    for s in view(ex)["steps"]:
        t, prev = s["t"], s["prev"]
        hint = (r"Start with the pre-activation \(z_t = W x_t + V h_{t-1} + b\), then apply "
                r"\(\sigma\) to each entry. When \(x_t\) is one-hot, \(W x_t\) is simply one "
                r"column of \(W\)." if t == 0 else
                rf"Use the \(h_{{{prev}}}\) you found above: this is where the network's memory "
                "enters." if t == 1 else "")
        steps = (
            Step("First the three terms of the pre-activation, then their sum:",
                 rf"W x_{{{t}}}", s["Wx"]),
            Step("", rf"V h_{{{prev}}} = {tm.matrix(p['V'], d)} {tm.column(s['h_prev'], d)}",
                 s["Vh"], beside=True),
            Step("", "b", p["b"], beside=True),
            Step("", rf"z_{{{t}}} = W x_{{{t}}} + V h_{{{prev}}} + b", s["z"]),
            Step(r"Apply \(\sigma\) to each entry, then the output layer:",
                 rf"h_{{{t}}} = \sigma(z_{{{t}}})", s["h"]),
            Step("", rf"o_{{{t}}} = C h_{{{t}}} = {tm.matrix(p['C'], d)} {tm.column(s['h'], d)}",
                 s["o"], beside=True),
        )
        out.append(Question(
            f"step_{t}", rf"Compute \(h_{{{t}}}\) and \(o_{{{t}}}\).",
            (Answer(f"h_{t}", s["h"], f"h_{{{t}}}"), Answer(f"o_{t}", s["o"], f"o_{{{t}}}")),
            steps, hint,
            work=Work() + rnn.step_work(len(p["W"]), len(p["W"][0]), len(p["C"]),
                                        p["activation"], sum(x != 0 for x in s["x"]) == 1,
                                        all(v == 0 for v in s["h_prev"]))))
    return out
