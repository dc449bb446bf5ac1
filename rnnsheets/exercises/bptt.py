"""Part 4: backpropagation through time, symbolically and with numbers."""

from __future__ import annotations

from .. import core
from ..numbers import to_plain
from ..stream import Stream
from . import forward
from .base import Params

KIND = "bptt"
TITLE = "Backpropagation through time"
#: Forward quantities by step; backward ones are computed from the last step back.
STEP_FIELDS = ("z", "h", "o", "dsigma", "step_loss")
BACKWARD_FIELDS = ("dL_do", "dL_dh", "dL_dz")
FINAL = ("loss", "dW", "dV", "db", "dC", "n_terms", "d_o0_d_W_entry")
ORDER = ("z", "h", "o", "dsigma", "step_loss", "loss", "dL_do", "dL_dh", "dL_dz", "dW", "dV",
         "db", "dC", "n_terms", "expansions", "d_o0_d_W_entry")


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """An RNN over one-hot tokens x_0..x_N predicting the next token, and one W entry."""
    cfg = settings[KIND]
    n = cfg["vocab"]
    p = forward.draw_rnn(stream, settings, {k: v for k, v in given.items()
                                            if k not in ("entry", "expand")},
                         cfg, n, n, cfg["steps"] + 1)
    p["expand"] = given.get("expand", cfg["expand"])
    if "entry" in given:
        p["entry"] = given["entry"]
    elif cfg["entry"]:
        W = p["W"] if isinstance(p["W"], list) and p["W"] and isinstance(p["W"][0], list) else [[0]]
        p["entry"] = [stream.below(len(W)), stream.below(len(W[0]))]
    return p


def parse(params: dict, where: str) -> dict:
    """Validated params: an RNN, N+1 tokens (N >= 1), an optional W entry."""
    p = forward.parse_rnn(params, where, min_steps=2)
    r = Params(params, where)
    n_out, n_in = len(p["C"]), len(p["W"][0])
    if n_out != n_in:
        raise r.error("C", f"expected {n_in} rows (o_t predicts x_(t+1), which has "
                      f"{n_in} entries), found {n_out}")
    if r.has("entry"):
        e = r.get("entry")
        n_h = len(p["W"])
        if (not isinstance(e, list) or len(e) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in e)
                or not (0 <= e[0] < n_h and 0 <= e[1] < n_in)):
            raise r.error("entry", f"expected [i, j] with 0 <= i < {n_h} and 0 <= j < {n_in} "
                          f"(an entry of W), found {e!r}")
        p["entry"] = list(e)
    expand = r.get("expand") if r.has("expand") else []
    if not isinstance(expand, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 6 for v in expand):
        raise r.error("expand", "expected a list of sequence lengths from 1 to 6, "
                      f"found {expand!r}")
    p["expand"] = list(expand)
    return p


is_exact = forward.is_exact


def expansion(N: int) -> list[list[str]]:
    """The expansion of dL/dW for length N, each term as its factors' shorthand."""
    return [[f.text for f in term.factors] for term in core.bptt_expansion(N)]


def solve(p: dict, where: str = "") -> dict:
    """Loss, the backward quantities, all four gradients, the expansions and the W entry."""
    W, V, b, C, h0, xs, act = forward.arrays(p)
    N = len(xs) - 1
    try:
        g = core.bptt(W, V, b, C, h0, xs, act)
    except ValueError:  # a ReLU pre-activation at exactly 0: say which
        forward.check_relu(p, forward.run(p).z[:N], where)
        raise
    answers = {
        "z": g.fw.z, "h": g.fw.h, "o": g.fw.o,
        "dsigma": [act.df(z, h) for z, h in zip(g.fw.z, g.fw.h)],
        "step_loss": [((o - x) * (o - x)).sum() for o, x in zip(g.fw.o, xs[1:])],
        "loss": g.loss, "dL_do": g.dL_do, "dL_dh": g.dL_dh, "dL_dz": g.dL_dz,
        "dW": g.dW, "dV": g.dV, "db": g.db, "dC": g.dC,
        "n_terms": core.n_terms(N),
        "expansions": [{"N": n, "n_terms": core.n_terms(n), "terms": expansion(n)}
                       for n in p["expand"]],
    }
    if "entry" in p:
        i, j = p["entry"]
        answers["d_o0_d_W_entry"] = core.d_output0_d_W(C, g.fw.z[0], g.fw.h[0], xs[0], i, j, act)
    return to_plain(answers)


def view(ex) -> dict:
    """Steps with their backward values, the expansions' terms, and the W entry's reason."""
    p, a = ex.params, ex.answers
    N = len(p["x"]) - 1
    h_prev = [p["h_init"], *a["h"][:-1]]
    per_step = ("z", "h", "o", "dsigma", "step_loss", "dL_do", "dL_dh", "dL_dz")
    steps = [{"t": t, "next": t + 1, "prev": t - 1, "x": p["x"][t], "x_next": p["x"][t + 1],
              "h_prev": h_prev[t], "last": t == N - 1, **{k: a[k][t] for k in per_step}}
             for t in range(N)]
    expansions = []
    for e in a["expansions"]:
        terms = [{"factors": f, "output": term.output, "step": term.step}
                 for f, term in zip(e["terms"], core.bptt_expansion(e["N"]))]
        expansions.append({"N": e["N"], "n_terms": e["n_terms"], "last": e["N"] - 1,
                           "terms": terms, "steps": list(range(e["N"]))})
    out = {"N": N, "last": N - 1, "steps": steps, "expansions": expansions,
           "tokens": list(range(N + 1))}
    if "entry" in p:
        i, j = p["entry"]
        x0j, d0i = p["x"][0][j], a["dsigma"][0][i]
        col = [row[i] for row in p["C"]]
        reason = ("input" if x0j == 0 else "inactive" if d0i == 0
                  else "column" if all(c == 0 for c in col) else "nonzero")
        out["entry"] = {"i": i, "j": j, "x0j": x0j, "dsigma": d0i, "C_col": col,
                        "reason": reason, "value": a["d_o0_d_W_entry"]}
    return out
