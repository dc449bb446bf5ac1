"""Part 4: backpropagation through time, symbolically and with numbers."""

from __future__ import annotations

from .. import core, texmath
from ..numbers import to_plain
from ..questions import Figure, Question, Statement
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


def statement(ex) -> Statement:
    """Tokens, the loss, the RNN's numbers."""
    p = ex.params
    N = len(p["x"]) - 1
    text = (rf"Tokens \(x_0, \dots, x_{{{N}}}\); the RNN of part 1 (with "
            + forward.ACTIVATION_TEXT[p["activation"]]
            + r") reads \(x_0, \dots, x_{N-1}\) and \(o_t\) predicts \(x_{t+1}\). Loss: "
            r"\(L = \sum_{t=0}^{N-1} \lVert x_{t+1} - o_t \rVert^2\). Shorthand: "
            r"\(\partial o_j/\partial W\) is the direct term (\(h_{j-1}\) held fixed), "
            r"\(\partial o_j/\partial h_{j-1}\) means "
            r"\(\partial o_j/\partial h_j \cdot \partial h_j/\partial h_{j-1}\).")
    return Statement(text, forward.rnn_given(p, ex.decimals), Figure(tuple(range(N))))


def questions(ex) -> list[Question]:
    """The expansions (symbolic), the loss, the four gradients and the W entry."""
    a, d, v = ex.answers, ex.decimals, view(ex)
    tm = texmath
    out = []
    for e in v["expansions"]:
        lines = [r"\frac{\partial L}{\partial W} = "
                 + " + ".join(tm.chain(t["factors"]) for t in e["terms"])]
        figs = tuple(Figure(tuple(e["steps"]), t["output"], t["step"],
                            f"j = {t['output']}, k = {t['step']}") for t in e["terms"])
        out.append(Question(f"expansion_{e['N']}", rf"Write \(\partial L/\partial W\) for "
                            rf"\(N = {e['N']}\) as a sum of chain-rule products.", None,
                            tuple(lines), figs,
                            f"{e['n_terms']} term{'s' if e['n_terms'] != 1 else ''}"))
    out.append(Question("n_terms", r"How many terms does the expansion have for the "
                        rf"\(N = {v['N']}\) of this sheet?", a["n_terms"],
                        (rf"\tfrac{{N(N+1)}}{{2}} = {a['n_terms']}",)))
    forward_lines = tuple(
        rf"z_{{{s['t']}}} = {tm.column(s['z'], d)},\ h_{{{s['t']}}} = {tm.column(s['h'], d)},"
        rf"\ o_{{{s['t']}}} = {tm.column(s['o'], d)},\ \lVert x_{{{s['next']}}} - o_{{{s['t']}}}"
        rf"\rVert^2 = {tm.number_approx(s['step_loss'], d)}" for s in v["steps"])
    backward_lines = tuple(
        rf"\frac{{\partial L}}{{\partial o_{{{s['t']}}}}} = {tm.column(s['dL_do'], d)},\ "
        rf"\frac{{\partial L}}{{\partial h_{{{s['t']}}}}} = {tm.column(s['dL_dh'], d)},\ "
        rf"\frac{{\partial L}}{{\partial z_{{{s['t']}}}}} = {tm.column(s['dL_dz'], d)}"
        for s in reversed(v["steps"]))
    out.append(Question("loss", r"Compute the loss \(L\).", a["loss"],
                        (*forward_lines, rf"L = {tm.number_approx(a['loss'], d)}")))
    sums = {"dW": r"\sum_t \frac{\partial L}{\partial z_t} x_t^\top",
            "dV": r"\sum_t \frac{\partial L}{\partial z_t} h_{t-1}^\top",
            "db": r"\sum_t \frac{\partial L}{\partial z_t}",
            "dC": r"\sum_t \frac{\partial L}{\partial o_t} h_t^\top"}
    for name, formula in sums.items():
        out.append(Question(name, rf"Compute \(\partial L / \partial {name[1]}\).", a[name],
                            (*backward_lines, rf"\frac{{\partial L}}{{\partial {name[1]}}} = "
                             rf"{formula} = {tm.value(a[name], d)}")))
    if "entry" in v:
        en = v["entry"]
        i, j = en["i"], en["j"]
        prompt = rf"Compute \(\partial o_0 / \partial W_{{{i},{j}}}\)."
        line = (rf"\frac{{\partial o_0}}{{\partial W_{{{i},{j}}}}} = C_{{:,{i}}}\,"
                rf"\sigma'(z_{{0,{i}}})\,x_{{0,{j}}} = {tm.column(en['value'], d)}")
        out.append(Question("d_o0_d_W_entry", prompt, en["value"], (line,)))
    return out
