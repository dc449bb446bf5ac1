"""Simulated students: each works a sheet by hand from the numbers it prints.

Nothing here imports rnnsheets. A student reads the params from answers.json (what
the sheet prints), computes every quantity the key shows, step by step as the
spec defines it, and holds each value as written down: ``keep`` decides, value by
value, whether that student rounds it to the sheet's decimals (half up) before
going on. A careless student also makes one named mistake: everywhere it can, or
(``at``) at one step only, an answer the sheet asks (``h_1``, ``T``, ``dW``), going on
from there with its own wrong value as a careful student would.
"""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from oracles import act_fn

#: The mistakes each kind's careless students make everywhere (see ``work``).
MISTAKES = {
    "forward": ("no_b", "no_memory"),
    "bigram": ("no_smoothing",),
    "bigram_rnn": ("transpose",),
    "bptt": ("no_b", "no_factor_2", "h_t_for_h_prev"),
    "softmax_lm": ("no_b", "no_one_hot"),
    "lstm": ("no_b", "no_forget_gate"),
}


#: Every mistake a student can make at one step, by kind, with the steps (answers the
#: sheet asks, without their time step) where it can show.
CATALOGUE = {
    "forward": {"no_b": ("h",), "swap_WV": ("h",), "no_memory": ("h",),
                "sigma_out": ("o",)},
    "bigram": {"no_smoothing": ("T",), "no_kV": ("T",), "flipped": ("T",),
               "across": ("counts",)},
    "bigram_rnn": {"sigmoid_for_logit": ("W",), "transpose": ("W",)},
    "bptt": {"no_factor_2": ("dW", "dV", "db", "dC"), "no_recurrent": ("dW", "dV", "db"),
             "h_t_for_h_prev": ("dV",)},
    "softmax_lm": {"no_one_hot": ("do",)},
    "lstm": {"no_b": ("gate_i", "gate_f", "gate_g", "gate_o"), "no_forget_gate": ("c",)},
}


class Student:
    """How one student writes numbers down: rounds all, some or none of them; and the
    mistake it makes, everywhere or only ``at`` one step (e.g. ``h_1``)."""

    def __init__(self, places: int, rounds: str = "all", seed: int = 0, mistake: str = "",
                 at: str = ""):
        self.places, self.rounds, self.mistake, self.at = places, rounds, mistake, at
        self.rng = random.Random(seed)

    def slip(self, mistake: str, step: str) -> bool:
        """Whether this student makes ``mistake`` when computing ``step``."""
        return self.mistake == mistake and (not self.at or self.at == step)

    def r(self, x):
        """A value as written down: rounded to the decimals (half up), or kept as it is."""
        if isinstance(x, list):
            return [self.r(v) for v in x]
        if self.rounds == "none" or (self.rounds == "some" and self.rng.random() < 0.5):
            return x
        return half_up(x, self.places)


def half_up(x, places: int):
    q = Decimal(1).scaleb(-places)
    if isinstance(x, Fraction):
        d = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(q, ROUND_HALF_UP) \
            if (x * 10**places).denominator != 1 else None
        return Fraction(str(d)) if d is not None else x
    if isinstance(x, int):
        return x
    return float(Decimal(repr(float(x))).quantize(q, ROUND_HALF_UP))


# --- reading what the sheet prints -----------------------------------------------------


def number(v, exact: bool):
    if exact:
        return Fraction(v) if isinstance(v, (int, str)) else Fraction(repr(v))
    return float(Fraction(v)) if isinstance(v, str) else float(v)


def nums(v, exact: bool):
    return [nums(e, exact) for e in v] if isinstance(v, list) else number(v, exact)


def act_deriv_from_h(name: str, z, h):
    if name == "identity":
        return 1 + 0 * z
    if name == "relu":
        return 1 + 0 * z if z > 0 else 0 * z
    if name == "tanh":
        return 1 - h * h
    return h * (1 - h)


def inverse(name: str, y):
    if name in ("identity", "relu"):
        return y
    if name == "tanh":
        return math.atanh(y)
    return math.log(y / (1 - y))


def matvec(M, v):
    return [sum((a * b for a, b in zip(row, v)), 0 * v[0]) for row in M]


def transpose(M):
    return [list(c) for c in zip(*M)]


# --- the kinds, worked by hand ---------------------------------------------------------


def work(kind: str, params: dict, s: Student) -> dict:
    """{entry label: value} of every numeric answer, as this student finds them."""
    return {"forward": _forward, "bigram": _bigram, "bigram_rnn": _bigram_rnn,
            "bptt": _bptt, "softmax_lm": _softmax_lm, "lstm": _lstm}[kind](params, s)


def _rnn(p: dict, s: Student, xs, out: dict, fields=("z", "h", "o"), exact=None):
    if exact is None:
        exact = p["activation"] in ("relu", "identity")
    W, V, b, C = (nums(p[k], exact) for k in ("W", "V", "b", "C"))
    h = nums(p["h_init"], exact)
    h_init = h
    hs, zs = [], []
    for t, x in enumerate(xs):
        x = nums(x, exact)
        swap = s.slip("swap_WV", f"h_{t}")
        wx = s.r(matvec(V if swap else W, x))
        vh = s.r(matvec(W if swap else V, h_init if s.slip("no_memory", f"h_{t}") else h))
        z = s.r([a + c + (0 if s.slip("no_b", f"h_{t}") else d) for a, c, d in zip(wx, vh, b)])
        h = s.r([act_fn(p["activation"], v) for v in z])
        o = s.r(matvec(C, h))
        if s.slip("sigma_out", f"o_{t}"):
            o = s.r([act_fn(p["activation"], v) for v in o])
        vals = {"Wx": wx, "Vh": vh, "z": z, "h": h, "o": o}
        for f in fields:
            put(out, f"{f}_{t}", vals[f])
        hs.append(h)
        zs.append(z)
    return W, V, b, C, h_init, zs, hs


def _forward(p, s):
    out = {}
    _rnn(p, s, p["x"], out, ("Wx", "Vh", "z", "h", "o"))
    return out


def _backward(p, s, out, W, V, C, h_init, zs, hs, xs, dL_do, slips=None):
    """The backward pass; ``slips``: the mistakes made in it (default: the student's own,
    where it makes them everywhere)."""
    if slips is None:
        slips = {s.mistake} if not s.at else set()
    a = p["activation"]
    N = len(zs)
    dsig = [s.r([act_deriv_from_h(a, z, h) for z, h in zip(zs[t], hs[t])]) for t in range(N)]
    dz_next, dzs = None, [None] * N
    for t in reversed(range(N)):
        dh = matvec(transpose(C), dL_do[t])
        if dz_next is not None and "no_recurrent" not in slips:
            dh = [u + v for u, v in zip(dh, matvec(transpose(V), dz_next))]
        dh = s.r(dh)
        dz = s.r([u * v for u, v in zip(dh, dsig[t])])
        put(out, f"dL_dh_{t}", dh)
        put(out, f"dsigma_{t}", dsig[t])
        put(out, f"dL_dz_{t}", dz)
        dzs[t] = dz_next = dz
    prev = [h_init, *hs[:-1]] if "h_t_for_h_prev" not in slips else hs

    def outer_sum(us, vs):
        return s.r([[sum((u[i] * v[j] for u, v in zip(us, vs)), 0 * us[0][0])
                     for j in range(len(vs[0]))] for i in range(len(us[0]))])

    put(out, "dW", outer_sum(dzs, xs))
    put(out, "dV", outer_sum(dzs, prev))
    put(out, "db", s.r([sum((d[i] for d in dzs), 0 * dzs[0][0]) for i in range(len(dzs[0]))]))
    put(out, "dC", outer_sum(dL_do, hs))
    return dsig


def _bptt(p, s):
    exact = p["activation"] in ("relu", "identity")
    xs = [nums(x, exact) for x in p["x"]]
    N = len(xs) - 1
    out = {}
    W, V, b, C, h_init, zs, hs = _rnn(p, s, p["x"][:N], out)
    os_ = [out_vec(out, f"o_{t}", len(C)) for t in range(N)]
    errs = [[o - x for o, x in zip(os_[t], xs[t + 1])] for t in range(N)]
    step = [s.r(sum((e * e for e in err), 0 * err[0])) for err in errs]
    for t in range(N):
        put(out, f"step_loss_{t}", step[t])
    put(out, "loss", s.r(sum(step, 0 * step[0])))
    factor = 1 if s.mistake == "no_factor_2" and not s.at else 2
    dL_do = [s.r([factor * e for e in err]) for err in errs]
    for t in range(N):
        put(out, f"dL_do_{t}", dL_do[t])
    dsig = _backward(p, s, out, W, V, C, h_init, zs, hs, xs[:N], dL_do)
    if s.at in CATALOGUE["bptt"].get(s.mistake, ()):  # one gradient made with the mistake
        alt: dict = {}
        dL_do = [s.r([(1 if s.mistake == "no_factor_2" else 2) * e for e in err])
                 for err in errs]
        _backward(p, s, alt, W, V, C, h_init, zs, hs, xs[:N], dL_do, {s.mistake})
        out.update({k: v for k, v in alt.items() if k.startswith(s.at + "[")})
    if "entry" in p:
        i, j = p["entry"]
        put(out, "d_o0_d_W_entry", s.r([C[k][i] * dsig[0][i] * xs[0][j] for k in range(len(C))]))
    return out


def _softmax_lm(p, s):
    xs = [nums(x, False) for x in p["x"]]
    N = len(xs) - 1
    out = {}
    # in decimals throughout: the exponentials make everything irrational
    W, V, b, C, h_init, zs, hs = _rnn(p, s, p["x"][:N], out, exact=False)
    steps, dos = [], []
    for t in range(N):
        o = out_vec(out, f"o_{t}", len(C))
        exps = s.r([math.exp(v) for v in o])
        total = s.r(sum(exps))
        probs = s.r([e / total for e in exps])
        target = xs[t + 1].index(1.0)
        steps.append(s.r(-math.log(probs[target])))
        put(out, f"p_{t}", probs)
        put(out, f"step_loss_{t}", steps[t])
        do = s.r(probs if s.slip("no_one_hot", f"do_{t}") else
                 [u - v for u, v in zip(probs, xs[t + 1])])
        put(out, f"do_{t}", do)
        dos.append(do)
    loss = s.r(sum(steps))
    put(out, "loss", loss)
    put(out, "perplexity", s.r(math.exp(loss / N)))
    _backward(p, s, out, W, V, C, h_init, zs, hs, xs[:N], dos)
    return out


def _lstm(p, s):
    n = {k: nums(v, False) for k, v in p.items() if k != "x"}
    h, c = n["h_init"], n["c_init"]
    out = {}
    for t, x in enumerate(p["x"]):
        x = nums(x, False)
        gate = {}
        for g in "ifgo":
            wx, uh = s.r(matvec(n[f"W_{g}"], x)), s.r(matvec(n[f"U_{g}"], h))
            a = s.r([u + v + (0 if s.slip("no_b", f"gate_{g}_{t}") else bb)
                     for u, v, bb in zip(wx, uh, n[f"b_{g}"])])
            gate[g] = s.r([act_fn("tanh" if g == "g" else "sigmoid", v) for v in a])
            put(out, f"a_{g}_{t}", a)
            put(out, f"gate_{g}_{t}", gate[g])
        keep = [1.0] * len(c) if s.slip("no_forget_gate", f"c_{t}") else gate["f"]
        c = s.r([f * cp + i * g for f, cp, i, g in zip(keep, c, gate["i"], gate["g"])])
        tc = s.r([math.tanh(v) for v in c])
        h = s.r([o * v for o, v in zip(gate["o"], tc)])
        put(out, f"c_{t}", c)
        put(out, f"tanh_c_{t}", tc)
        put(out, f"h_{t}", h)
    return out


def _bigram(p, s):
    wrap = p.get("boundaries")
    sentences = p["corpus"]
    if s.slip("across", "counts"):  # the sentences run together, pairs counted across them
        sentences = [[w for c in sentences for w in c]]
    corpus = [(["<s>", *c, "</s>"] if wrap else c) for c in sentences]
    query = ["<s>", *p["query"], "</s>"] if wrap else p["query"]
    vocab = list(dict.fromkeys(w for c in p["corpus"] for w in c))
    rows, cols = (["<s>", *vocab], [*vocab, "</s>"]) if wrap else (vocab, vocab)
    counts = [[0] * len(cols) for _ in rows]
    for c in corpus:
        for a, b in zip(c, c[1:]):
            counts[rows.index(a)][cols.index(b)] += 1
    k = Fraction(0) if s.slip("no_smoothing", "T") else number(p["k"], True)
    P = []
    for row in counts:
        total = sum(row) + (0 if s.slip("no_kV", "T") else k * len(cols))
        P.append(s.r([(c + k) / total if total else Fraction(0) for c in row]))
    T = P if (p["orientation"] == "row") != s.slip("flipped", "T") else transpose(P)
    out = {}
    put(out, "counts", counts)
    put(out, "row_totals", [sum(r) for r in counts])
    put(out, "T", T)
    factors = [P[rows.index(a)][cols.index(b)] for a, b in zip(query, query[1:])]
    put(out, "factors", factors)
    like = Fraction(1)
    for f in factors:
        like *= f
    put(out, "likelihood", s.r(like))
    return out


def _bigram_rnn(p, s):
    a = p["activation"]
    exact = a in ("relu", "identity")
    T = nums(p["T"], True)
    P = T if p["orientation"] == "row" else transpose(T)
    source = P if s.slip("transpose", "W") else transpose(P)
    W = s.r([[act_fn(a, v) if s.slip("sigmoid_for_logit", "W") else
              inverse(a, v) if not exact else v for v in row] for row in source])
    n = len(P)
    out = {}
    put(out, "W", W)
    put(out, "V", [[Fraction(0)] * n for _ in range(n)])
    put(out, "b", [Fraction(0)] * n)
    put(out, "C", [[Fraction(int(i == j)) for j in range(n)] for i in range(n)])
    cols = transpose(W)
    put(out, "check", [s.r([act_fn(a, v) for v in cols[i]]) for i in range(n)])
    for t, x in enumerate(p.get("x") or []):
        i = x.index(1)
        put(out, f"o_{t}", s.r([act_fn(a, v) for v in cols[i]]))
    return out


# --- entries -------------------------------------------------------------------------


def put(out: dict, label: str, value) -> None:
    """Every entry of a value under its label: ``h_0[1]``, ``T[2][1]``, ``loss``."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            put(out, f"{label}[{i}]", v)
    else:
        out[label] = value


def out_vec(out: dict, label: str, n: int) -> list:
    return [out[f"{label}[{i}]"] for i in range(n)]
