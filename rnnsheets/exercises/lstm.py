"""An LSTM cell stepped by hand, with PyTorch's ``torch.nn.LSTM`` equations."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import core, texmath
from ..carry import held
from ..numbers import to_plain
from ..questions import Answer, Question, Statement, Step
from ..rounding import shown
from ..settings import Whole, grid
from ..stream import Stream
from ..timing import Work
from .base import Mistake, Params, first_size, slip

KIND = "lstm"
TITLE = "An LSTM cell by hand"
# Small defaults: one step of two units is already a long computation by hand.
SETTINGS = {"hidden": Whole(2, 1, 4), "inputs": Whole(2, 1, 4), "steps": Whole(1, 1, 4)}
CLI_OPTIONS = ("hidden", "steps")
GATES = ("i", "f", "g", "o")
#: Every answer is indexed by time step, in the order a step computes them.
ORDER = ("a_i", "gate_i", "a_f", "gate_f", "a_g", "gate_g", "a_o", "gate_o", "c", "tanh_c", "h")
STEP_FIELDS = ORDER
FINAL = ("c", "h")

_SIGMOID, _TANH = core.ACTIVATIONS["sigmoid"], core.ACTIVATIONS["tanh"]
#: Each gate's nonlinearity: g is the candidate (tanh), the others gates (sigmoid).
_ACT = {"i": _SIGMOID, "f": _SIGMOID, "g": _TANH, "o": _SIGMOID}
_NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate"}

MISTAKES = (
    Mistake("no_bias", "bias left out",
            "A gate without its bias: each gate's pre-activation is W x_t + U h_{t-1} + b.",
            lambda p: {**p, **{f"b_{g}": [Fraction(0)] * len(p[f"b_{g}"]) for g in GATES}}),
    Mistake("no_forget_gate", "forget gate left out",
            "c_t = c_{t-1} + i_t * g_t: the old cell state is first multiplied by the forget "
            "gate, c_t = f_t * c_{t-1} + i_t * g_t.", slip("no_forget_gate")),
)


def is_exact(p: dict) -> bool:
    """Sigmoid and tanh leave the rationals: answers are floats."""
    return False


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """Weights, biases and the initial state on the grid, one-hot inputs; ``given`` kept."""
    cfg = settings[KIND]
    limit, step = grid(settings)
    rows = [(f"W_{g}", len) for g in GATES] + [(f"U_{g}", len) for g in GATES]
    n_h = first_size(given, cfg["hidden"], *rows, *((f"b_{g}", len) for g in GATES),
                     ("h_init", len), ("c_init", len))
    n_in = first_size(given, cfg["inputs"], *((f"W_{g}", lambda m: len(m[0])) for g in GATES),
                      ("x", lambda v: len(v[0])))
    steps = first_size(given, cfg["steps"], ("x", len))
    p: dict = {}
    for g in GATES:
        p[f"W_{g}"] = stream.grid(limit, step, (n_h, n_in))
        p[f"U_{g}"] = stream.grid(limit, step, (n_h, n_h))
        p[f"b_{g}"] = stream.grid(limit, step, (n_h,))
    # A non-zero initial state, so even a one-step sheet uses U and the forget gate.
    p["h_init"] = stream.grid(limit, step, (n_h,))
    p["c_init"] = stream.grid(limit, step, (n_h,))
    p["x"] = [stream.one_hot(n_in) for _ in range(steps)]
    p.update(given)
    return p


def parse(params: dict, where: str) -> dict:
    """Validated params as Fractions; every shape is checked against W_i's."""
    r = Params(params, where)
    W_i = r.matrix("W_i", None, None)
    n_h, n_in = len(W_i), len(W_i[0])
    hw = f" (n_h x n_in = {n_h}x{n_in} from W_i)"
    hh = f" (n_h x n_h, n_h = {n_h} from W_i's rows)"
    h = f" (n_h = {n_h} from W_i's rows)"
    p = {"W_i": W_i}
    for g in GATES:
        if g != "i":
            p[f"W_{g}"] = r.matrix(f"W_{g}", n_h, n_in, hw)
    for g in GATES:
        p[f"U_{g}"] = r.matrix(f"U_{g}", n_h, n_h, hh)
    for g in GATES:
        p[f"b_{g}"] = r.vector(f"b_{g}", n_h, h)
    p["h_init"] = r.vector("h_init", n_h, h)
    p["c_init"] = r.vector("c_init", n_h, h)
    p["x"] = r.vectors("x", n_in, 1, f" (n_in = {n_in} from W_i's columns)")
    return {k: p[k] for k in (*(f"{m}_{g}" for m in "WUb" for g in GATES),
                              "h_init", "c_init", "x")}


# --- the maths: one step, and its local derivatives --------------------------------


def step(p: dict, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
         keep=lambda name, value: value, slip: str = "") -> dict:
    """One LSTM step: pre-activations a_*, gates, c_t = f*c_{t-1} + i*g, h_t = o*tanh(c_t).

    ``keep(name, value)``: each gate, c and h as the later steps use them (see
    ``carry.held``); ``slip`` ``no_forget_gate``: a misconception's c_t = c_{t-1} + i*g."""
    out = {}
    for g in GATES:  # shown: each value the key prints, as a careful student holds it
        a = shown(shown(p[f"W_{g}"] @ x) + shown(p[f"U_{g}"] @ h_prev) + p[f"b_{g}"])
        out[f"a_{g}"], out[f"gate_{g}"] = a, keep(f"gate_{g}", shown(_ACT[g].f(a)))
    forget = 1 if slip == "no_forget_gate" else out["gate_f"]
    out["c"] = keep("c", shown(forget * c_prev + out["gate_i"] * out["gate_g"]))
    out["tanh_c"] = shown(_TANH.f(out["c"]))
    out["h"] = keep("h", shown(out["gate_o"] * out["tanh_c"]))
    return out


def step_derivatives(s: dict, c_prev: np.ndarray) -> dict:
    """The elementwise partials of one step (from its values ``s``), for BPTT through it.

    d gate/d a: sigma' = s(1 - s), tanh' = 1 - g^2; dc_t/dc_{t-1} = f_t, dc_t/di_t = g_t,
    dc_t/dg_t = i_t, dc_t/df_t = c_{t-1}; dh_t/do_t = tanh c_t, dh_t/dc_t = o_t (1 - tanh^2 c_t).
    """
    out = {f"dgate_{g}": _ACT[g].df(s[f"a_{g}"], s[f"gate_{g}"]) for g in GATES}
    out.update(dc_dc_prev=s["gate_f"], dc_di=s["gate_g"], dc_dg=s["gate_i"], dc_df=c_prev,
               dh_do=s["tanh_c"], dh_dc=s["gate_o"] * _TANH.df(s["c"], s["tanh_c"]))
    return out


def run(p: dict) -> list[dict]:
    """Every step's values, from h_{-1}, c_{-1} over x_0..x_{T-1} (float arrays)."""
    a = {k: core.float_array(v) for k, v in p.items() if k not in ("x", "slip")}
    h, c = a["h_init"], a["c_init"]
    out = []
    for t, x in enumerate(p["x"]):
        s = step(a, core.float_array(x), h, c,
                 lambda name, value, t=t: held(f"{name}_{t}", value), p.get("slip", ""))
        out.append(s)
        h, c = s["h"], s["c"]
    return out


def solve(p: dict, where: str = "") -> dict:
    """Pre-activations, gates, c_t, tanh(c_t) and h_t of every step."""
    steps = run(p)
    return to_plain({k: [s[k] for s in steps] for k in ORDER})


# --- what the sheet shows ----------------------------------------------------------


def view(ex) -> dict:
    """Each step with its inputs (x_t, h_{t-1}, c_{t-1}), the terms W x_t, U h_{t-1}, and
    its answers."""
    p, a = ex.params, ex.answers
    h_prev, c_prev = [p["h_init"], *a["h"][:-1]], [p["c_init"], *a["c"][:-1]]
    steps = []
    for t, x in enumerate(p["x"]):
        # Exact where the numbers are (W x_t always, U h_{-1}), so the key prints -0.8, not
        # -0.8000; from h_0 on the floats carry through.
        x_t, hp = core.exact_array(x), np.array(h_prev[t], dtype=object)
        terms = {f"Wx_{g}": to_plain(core.exact_array(p[f"W_{g}"]) @ x_t) for g in GATES}
        terms.update({f"Uh_{g}": to_plain(core.exact_array(p[f"U_{g}"]) @ hp) for g in GATES})
        terms.update({f"b_{g}": p[f"b_{g}"] for g in GATES})
        steps.append({"t": t, "prev": t - 1, "x": x, "h_prev": h_prev[t], "c_prev": c_prev[t],
                      **terms, **{k: a[k][t] for k in ORDER}})
    return {"steps": steps, "last": steps[-1]}


EQUATIONS = (r"i_t = \sigma(W_i x_t + U_i h_{t-1} + b_i)",
             r"f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f)",
             r"g_t = \tanh(W_g x_t + U_g h_{t-1} + b_g)",
             r"o_t = \sigma(W_o x_t + U_o h_{t-1} + b_o)",
             r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
             r"h_t = o_t \odot \tanh(c_t)")


def _step_work(n_h: int, n_in: int, h_prev_zero: bool) -> Work:
    """One LSTM step by hand: per gate W x_t (a column of a one-hot input), U h_{t-1},
    the pre-activation and its sigmoid or tanh; then c_t, tanh(c_t) and h_t."""
    gate = Work(read=0, lookup=n_h + n_h * h_prev_zero, mac=n_h * n_h * (not h_prev_zero)
                + 2 * n_h, func=n_h, write=4 * n_h)
    return (Work() + gate + gate + gate + gate
            + Work(read=0, mac=3 * n_h, func=n_h, write=3 * n_h))


def given_lines(p: dict, places: int) -> tuple[str, ...]:
    """The numbers as display lines: one per gate, then the initial state, then the inputs."""
    tm = texmath
    lines = [rf"W_{g} = {tm.matrix(p[f'W_{g}'], places)},\quad U_{g} = "
             rf"{tm.matrix(p[f'U_{g}'], places)},\quad b_{g} = {tm.column(p[f'b_{g}'], places)}"
             for g in GATES]
    lines.append(rf"h_{{-1}} = {tm.column(p['h_init'], places)},\quad "
                 rf"c_{{-1}} = {tm.column(p['c_init'], places)}")
    lines.append(r",\quad ".join(rf"x_{{{t}}} = {tm.column(x, places)}"
                                 for t, x in enumerate(p["x"])))
    return tuple(lines)


def statement(ex) -> Statement:
    """The LSTM equations and its numbers."""
    text = ("An LSTM cell reads \\(x_0, x_1, \\dots\\) one at a time, keeping a hidden state "
            "\\(h_t\\) and a cell state \\(c_t\\): "
            + ", ".join(rf"\({e}\)" for e in EQUATIONS)
            + r", where \(\sigma(z) = 1/(1 + e^{-z})\) and \(\odot\) multiplies entry by entry.")
    return Statement(text, given_lines(ex.params, ex.decimals))


def _gate_steps(s: dict, g: str, places: int) -> list[Step]:
    """A gate's pre-activation, its three terms with numbers, and the gate's value."""
    t, prev, tm = s["t"], s["prev"], texmath
    act = r"\tanh" if g == "g" else r"\sigma"
    terms = " + ".join(tm.column(s[f"{k}_{g}"], places) for k in ("Wx", "Uh", "b"))
    return [
        Step(f"The {_NAMES[g]}:",
             rf"a^{{{g}}}_{{{t}}} = W_{g} x_{{{t}}} + U_{g} h_{{{prev}}} + b_{g} = {terms}",
             s[f"a_{g}"]),
        Step("", rf"{g}_{{{t}}} = {act}(a^{{{g}}}_{{{t}}})", s[f"gate_{g}"]),
    ]


def questions(ex) -> list[Question]:
    """One question per step: the four gates, c_t and h_t, worked out gate by gate."""
    d, tm = ex.decimals, texmath
    out = []
    for s in view(ex)["steps"]:
        t, prev = s["t"], s["prev"]
        cols = {k: tm.column(s[k], d) for k in ("gate_f", "gate_i", "gate_g", "gate_o",
                                                "c_prev", "tanh_c")}
        steps = [st for g in GATES for st in _gate_steps(s, g, d)]
        steps += [
            Step("The new cell state, entry by entry:",
                 rf"c_{{{t}}} = f_{{{t}}} \odot c_{{{prev}}} + i_{{{t}}} \odot g_{{{t}}} = "
                 rf"{cols['gate_f']} \odot {cols['c_prev']} + {cols['gate_i']} \odot "
                 rf"{cols['gate_g']}", s["c"]),
            Step("The new hidden state:", rf"\tanh(c_{{{t}}})", s["tanh_c"]),
            Step("", rf"h_{{{t}}} = o_{{{t}}} \odot \tanh(c_{{{t}}}) = {cols['gate_o']} \odot "
                 rf"{cols['tanh_c']}", s["h"], beside=True),
        ]
        hint = (r"Each gate is an RNN pre-activation \(W x_t + U h_{t-1} + b\) with its own "
                r"weights, squashed by \(\sigma\) (by \(\tanh\) for \(g_t\)). With a one-hot "
                r"\(x_t\), \(W x_t\) is one column of W." if t == 0 else
                rf"Use \(h_{{{prev}}}\) and \(c_{{{prev}}}\) from the step before." if t == 1
                else "")
        answers = tuple(Answer(f"gate_{g}_{t}", s[f"gate_{g}"], f"{g}_{{{t}}}") for g in GATES)
        answers += (Answer(f"c_{t}", s["c"], f"c_{{{t}}}"), Answer(f"h_{t}", s["h"], f"h_{{{t}}}"))
        out.append(Question(
            f"step_{t}", rf"Compute the gates \(i_{{{t}}}, f_{{{t}}}, g_{{{t}}}, o_{{{t}}}\), "
            rf"the cell state \(c_{{{t}}}\) and the hidden state \(h_{{{t}}}\) "
            f"({d} decimals).", answers, tuple(steps), hint,
            work=_step_work(len(s["h"]), len(s["x"]), all(h == 0 for h in s["h_prev"]))))
    return out

