"""What the RNN kinds (forward, bptt, softmax_lm) share: drawing, reading and running the
RNN h_t = sigma(W x_t + V h_{t-1} + b), o_t = C h_t, and how its numbers are shown.

Not a kind (not registered): a kind may use it, and no kind imports another for it.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from .. import core, texmath
from ..core import ACTIVATION_NAMES
from ..errors import InputError
from ..questions import Step
from ..settings import grid
from ..stream import Stream
from ..timing import Work
from .base import Params, first_size, redraw


def draw_rnn(stream: Stream, settings: dict, given: dict, cfg: dict, n_x: int, n_out: int,
             n_steps: int) -> dict:
    """W, V, b, C, h_init, x and activation, drawing only what ``given`` lacks.

    Sizes are read off the given fields where they tell them. On exact sheets (relu,
    identity) C is drawn from -1, 0, 1: with tenths there, two steps of a squared loss
    and its gradients would need 5 to 6 decimals; this way they need at most 4.
    """
    whole_c = cfg["activation"] in ("relu", "identity")
    limit, step = grid(settings)
    n_h = first_size(given, cfg["hidden"], ("W", len), ("V", len), ("b", len),
                     ("h_init", len), ("C", lambda m: len(m[0])))
    n_in = first_size(given, n_x, ("W", lambda m: len(m[0])), ("x", lambda v: len(v[0])))
    n_o = first_size(given, n_out, ("C", len))
    steps = first_size(given, n_steps, ("x", len))

    def make() -> dict:
        p = {
            "W": stream.grid(limit, step, (n_h, n_in)),
            "V": stream.grid(limit, step, (n_h, n_h)),
            "b": stream.grid(limit, step, (n_h,)),
            "C": stream.grid(1, 1, (n_o, n_h)) if whole_c else stream.grid(limit, step,
                                                                             (n_o, n_h)),
            "h_init": [Fraction(0)] * n_h,
            "x": [stream.one_hot(n_in) for _ in range(steps)],
            "activation": cfg["activation"],
        }
        p.update(given)
        return p

    if given.keys() >= _DRAWN:
        return make()
    return redraw(make, lambda p: _pleasant(p, validate=bool(given)), "an RNN")


_DRAWN = {"W", "V", "b", "C", "h_init", "x", "activation"}


#: Below this, a float pre-activation may be an exact 0: redraw rather than risk it.
_NEAR_ZERO = 1e-9


def _pleasant(params: dict, validate: bool) -> bool:
    """For ReLU: no pre-activation at 0; every step and every unit active somewhere.

    A quick float pass decides (the grid's true values are 0 or far from it, and
    anything within _NEAR_ZERO of 0 is redrawn); the exact solve comes after.
    ``validate``: some params came from the user and may be malformed.
    """
    if params.get("activation") != "relu":
        return True
    try:
        p = parse_rnn(params, "") if validate else params
    except InputError:
        return True  # keep it: parse reports the user's mistake
    W, V, b, C, h0 = (core.float_array(p[k]) for k in ("W", "V", "b", "C", "h_init"))
    fw = core.forward(W, V, b, C, h0, [core.float_array(x) for x in p["x"]],
                      core.ACTIVATIONS["relu"])
    z, h = np.array(fw.z), np.array(fw.h)
    return bool((np.abs(z) > _NEAR_ZERO).all() and (h > 0).any(axis=1).all()
                and (h > 0).any(axis=0).all())


def parse_rnn(params: dict, where: str, min_steps: int = 1) -> dict:
    """Validated RNN params with Fractions; shapes checked against each other."""
    r = Params(params, where)
    act = r.choice("activation", ACTIVATION_NAMES)
    W = r.matrix("W", None, None)
    n_h, n_in = len(W), len(W[0])
    V = r.matrix("V", n_h, n_h, f" (n_h x n_h, n_h = {n_h} from W's rows)")
    b = r.vector("b", n_h, f" (n_h = {n_h} from W's rows)")
    C = r.matrix("C", None, n_h, f" (n_out x n_h, n_h = {n_h} from W's rows)")
    h_init = r.vector("h_init", n_h, f" (n_h = {n_h} from W's rows)")
    x = r.vectors("x", n_in, min_steps, f" (n_in = {n_in} from W's columns)")
    return {"W": W, "V": V, "b": b, "C": C, "h_init": h_init, "x": x, "activation": act}


def arrays(p: dict):
    """W, V, b, C, h_init, xs as arrays, exact when the activation allows, and the activation."""
    act = core.ACTIVATIONS[p["activation"]]
    conv = core.exact_array if act.exact else core.float_array
    W, V, b, C, h0 = (conv(p[k]) for k in ("W", "V", "b", "C", "h_init"))
    xs = [conv(x) for x in p["x"]]
    return W, V, b, C, h0, xs, act


def run(p: dict) -> core.ForwardPass:
    """The forward pass on parsed params."""
    return core.forward(*arrays(p))


def check_relu(p: dict, zs, where: str) -> None:
    """A ReLU sheet must never put a pre-activation at exactly 0."""
    if p["activation"] == "relu":
        for t, z in enumerate(zs):
            for i, v in enumerate(z):
                if v == 0:
                    raise InputError(where, f"pre-activation z_{t}[{i}] is exactly 0, where relu "
                                     "has no derivative; change a parameter")


ACTIVATION_TEXT = {
    "relu": r"\(\sigma(z) = \max(0, z)\), the ReLU",
    "identity": r"\(\sigma(z) = z\), the identity",
    "tanh": r"\(\sigma(z) = \tanh z\)",
    "sigmoid": r"\(\sigma(z) = 1/(1 + e^{-z})\), the sigmoid",
}


DERIVATIVE_TEXT = {
    "relu": r"\(\sigma'(z) = 1\) if \(z > 0\), else 0",
    "identity": r"\(\sigma'(z) = 1\)",
    "tanh": r"\(\sigma'(z) = 1 - \tanh^2 z = 1 - h^2\)",
    "sigmoid": r"\(\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = h\,(1 - h)\)",
}


def rnn_given(p: dict, places: int, xs_label: str = "x") -> tuple[str, ...]:
    """The RNN's parameters and inputs as display math lines."""
    tm = texmath
    return (
        rf"W = {tm.matrix(p['W'], places)},\quad V = {tm.matrix(p['V'], places)},\quad "
        rf"b = {tm.column(p['b'], places)},\quad C = {tm.matrix(p['C'], places)},\quad "
        rf"h_{{-1}} = {tm.column(p['h_init'], places)}",
        r",\quad ".join(rf"{xs_label}_{{{t}}} = {tm.column(x, places)}"
                        for t, x in enumerate(p["x"])),
    )


# --- the backward pass, as worked-solution steps --------------------------------------

#: Each gradient as the sum a person writes.
GRADIENT_SUMS = {"dW": r"\sum_t \frac{\partial L}{\partial z_t} x_t^{\top}",
                 "dV": r"\sum_t \frac{\partial L}{\partial z_t} h_{t-1}^{\top}",
                 "db": r"\sum_t \frac{\partial L}{\partial z_t}",
                 "dC": r"\sum_t \frac{\partial L}{\partial o_t} h_t^{\top}"}


def backward_steps(steps: list[dict], lead=None) -> list[Step]:
    """dL/dh_t, sigma'(z_t) and dL/dz_t from the last step to the first, each step's
    ``lead(s)`` steps (e.g. dL/do_t) before them. ``steps`` are a view's per-step dicts."""
    out: list[Step] = []
    for s in reversed(steps):
        t, nx = s["t"], s["next"]
        dh = (rf"C^{{\top}}\frac{{\partial L}}{{\partial o_{{{t}}}}}"
              + ("" if s["last"] else rf" + V^{{\top}}\frac{{\partial L}}{{\partial z_{{{nx}}}}}"))
        first = list(lead(s)) if lead else []
        first.append(Step("", rf"\frac{{\partial L}}{{\partial h_{{{t}}}}} = {dh}", s["dL_dh"],
                          beside=len(first) > 0))
        if s["last"]:
            first[0] = replace(first[0], text="Backward, from the last step to the first:")
        out += [*first, Step("", rf"\sigma'(z_{{{t}}})", s["dsigma"]),
                Step("", rf"\frac{{\partial L}}{{\partial z_{{{t}}}}} = \frac{{\partial L}}"
                     rf"{{\partial h_{{{t}}}}} \odot \sigma'(z_{{{t}}})", s["dL_dz"], beside=True)]
    return out


def gradient_steps(a: dict, n_in: int, n_h: int,
                   names=("W", "V", "b", "C")) -> list[Step]:
    """The gradients asked (all four by default) as sums over the steps; matrices side by
    side while they fit."""
    beside = {"dV": n_in + n_h <= 5, "dC": n_h <= 3}
    asked = [f"d{n}" for n in names]
    return [Step("Gradients, summing over the steps:" if i == 0 else "",
                 rf"\frac{{\partial L}}{{\partial {name[1]}}} = {GRADIENT_SUMS[name]}", a[name],
                 beside=i > 0 and beside.get(name, False))
            for i, name in enumerate(asked)]


# --- the work a student does, for the time model ---------------------------------------


def _smooth(act: str) -> bool:
    return act in ("tanh", "sigmoid")


def step_work(n_h: int, n_in: int, n_out: int, act: str, x_one_hot: bool,
              h_prev_zero: bool) -> Work:
    """One forward step by hand: W x_t (a column when x_t is one-hot), V h_{t-1} (nothing
    when h_{t-1} = 0), z_t, h_t = sigma(z_t), o_t = C h_t; each written down."""
    return Work(read=0,
                lookup=n_h * x_one_hot + n_h * h_prev_zero + n_h * (not _smooth(act)),
                mac=(n_h * n_in) * (not x_one_hot) + (n_h * n_h) * (not h_prev_zero)
                + 2 * n_h + n_out * n_h,
                func=n_h * _smooth(act), write=4 * n_h + n_out)


def backward_work(n_h: int, n_out: int, act: str, last: bool) -> Work:
    """One backward step: dL/do_t, dL/dh_t (with V^T dL/dz_{t+1} before the last step),
    sigma'(z_t) and dL/dz_t; each written down."""
    return Work(read=0, mac=n_out + n_h * n_out + n_h * n_h * (not last) + n_h
                + n_h * _smooth(act), lookup=n_h * (not _smooth(act)), write=n_out + 3 * n_h)


def backprop_work(n_h: int, n_in: int, n_out: int, act: str, N: int, names) -> Work:
    """The backward pass over N steps from dL/do_t, then the gradients ``names`` (dW, ...)."""
    work = Work(read=0)
    for t in range(N):
        work += backward_work(n_h, n_out, act, last=t == N - 1)
    for name in names:
        work += gradient_work(name, n_h, n_in, n_out, N)
    return work


def gradient_work(name: str, n_h: int, n_in: int, n_out: int, N: int) -> Work:
    """One gradient summed over N steps: dW (one-hot inputs place dL/dz_t in a column),
    dV, db or dC; written down."""
    return {
        "dW": Work(read=0, lookup=N * n_h, mac=(N - 1) * n_h, write=n_h * n_in),
        "dV": Work(read=0, mac=N * n_h * n_h, write=n_h * n_h),
        "db": Work(read=0, mac=(N - 1) * n_h, write=n_h),
        "dC": Work(read=0, mac=N * n_out * n_h, write=n_out * n_h),
    }[name]
