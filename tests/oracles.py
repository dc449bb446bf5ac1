"""Independent computations to check every answer against.

Nothing here imports rnnsheets: plain Python loops over Fractions or floats,
written from the definitions in the spec, not from the package's code.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction


def act_fn(name: str, z):
    if name == "identity":
        return z
    if name == "relu":
        return z if z > 0 else 0 * z
    if name == "tanh":
        return math.tanh(z)
    return 1 / (1 + math.exp(-z))


def act_deriv(name: str, z):
    if name == "identity":
        return 1
    if name == "relu":
        assert z != 0, "relu derivative at 0"
        return 1 if z > 0 else 0
    if name == "tanh":
        return 1 - math.tanh(z) ** 2
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


def num(v, exact: bool):
    return Fraction(v) if exact else float(v)


def naive_forward(p: dict, xs=None, exact: bool = True, nudge=None):
    """z, h, o lists by explicit loops: z_i = sum_j W_ij x_j + sum_j V_ij h_j + b_i.

    ``nudge = (t, i, e, where)`` adds e to z_t[i] (where="z") or h_t[i] (where="h").
    """
    W, V, b, C = p["W"], p["V"], p["b"], p["C"]
    act = p["activation"]
    xs = p["x"] if xs is None else xs
    h = [num(v, exact) for v in p["h_init"]]
    zs, hs, os_ = [], [], []
    for x in xs:
        z = []
        for i in range(len(W)):
            s = num(b[i], exact)
            for j in range(len(x)):
                s += num(W[i][j], exact) * num(x[j], exact)
            for j in range(len(h)):
                s += num(V[i][j], exact) * h[j]
            z.append(s)
        if nudge and nudge[0] == len(zs) and nudge[3] == "z":
            z[nudge[1]] += nudge[2]
        h = [act_fn(act, v) for v in z]
        if nudge and nudge[0] == len(zs) and nudge[3] == "h":
            h[nudge[1]] += nudge[2]
        o = []
        for a in range(len(C)):
            s = num(0, exact)
            for j in range(len(h)):
                s += num(C[a][j], exact) * h[j]
            o.append(s)
        zs.append(z)
        hs.append(h)
        os_.append(o)
    return zs, hs, os_


def naive_loss(p: dict, exact: bool = True, nudge=None):
    """L = sum_{t<N} sum_a (x_{t+1}[a] - o_t[a])^2."""
    xs = p["x"]
    _, _, os_ = naive_forward(p, xs[:-1], exact, nudge)
    total = num(0, exact)
    for t, o in enumerate(os_):
        for a, v in enumerate(o):
            total += (num(xs[t + 1][a], exact) - v) ** 2
    return total


def relu_pattern(p: dict):
    zs, _, _ = naive_forward(p, p["x"][:-1], True)
    return [[v > 0 for v in z] for z in zs]


def _with(p: dict, name: str, idx: tuple, value) -> dict:
    q = {k: (v if k != name else _deep_copy(v)) for k, v in p.items()}
    target = q[name]
    for i in idx[:-1]:
        target = target[i]
    target[idx[-1]] = value
    return q


def _deep_copy(v):
    return [_deep_copy(e) for e in v] if isinstance(v, list) else v


def _indices(value, prefix=()):
    if isinstance(value, list):
        for i, e in enumerate(value):
            yield from _indices(e, prefix + (i,))
    else:
        yield prefix


def exact_gradient(p: dict, name: str, N: int):
    """dL/d(param) entry by entry, by central differences extrapolated to step 0.

    For a ReLU/identity RNN, L restricted to one parameter entry is a polynomial
    of degree at most 2(N+1) near the point (piecewise, for ReLU). The central
    difference D(e) is then a polynomial in e^2 of degree at most N+1, so
    Lagrange extrapolation in e^2 from N+2 step sizes gives the derivative exactly.
    """
    m = N + 2
    delta = Fraction(1, 10**9)
    base_pattern = relu_pattern(p) if p["activation"] == "relu" else None
    grad = _deep_copy(p[name])
    for idx in _indices(p[name]):
        theta = Fraction(_get(p[name], idx))
        us, ds = [], []
        for s in range(1, m + 1):
            e = s * delta
            plus, minus = _with(p, name, idx, theta + e), _with(p, name, idx, theta - e)
            if base_pattern is not None:
                assert relu_pattern(plus) == base_pattern == relu_pattern(minus)
            ds.append((naive_loss(plus) - naive_loss(minus)) / (2 * e))
            us.append(e * e)
        value = Fraction(0)
        for i in range(m):
            w = Fraction(1)
            for j in range(m):
                if j != i:
                    w *= (0 - us[j]) / (us[i] - us[j])
            value += ds[i] * w
        _set(grad, idx, value)
    return grad


def float_gradient(p: dict, name: str, eps: float = 1e-6):
    """Central differences in floating point (tanh, sigmoid)."""
    grad = _deep_copy(p[name])
    for idx in _indices(p[name]):
        theta = float(_get(p[name], idx))
        lp = naive_loss(_with(p, name, idx, theta + eps), exact=False)
        lm = naive_loss(_with(p, name, idx, theta - eps), exact=False)
        _set(grad, idx, (lp - lm) / (2 * eps))
    return grad


def _get(value, idx):
    for i in idx:
        value = value[i]
    return value


def _set(value, idx, new):
    for i in idx[:-1]:
        value = value[i]
    value[idx[-1]] = new


def naive_bigram(corpus, k, query):
    """Vocabulary, counts and row-stochastic table by dictionaries, and the likelihood."""
    vocab = []
    for s in corpus:
        for w in s:
            if w not in vocab:
                vocab.append(w)
    pairs = {}
    for s in corpus:
        for i in range(len(s) - 1):
            pairs[(s[i], s[i + 1])] = pairs.get((s[i], s[i + 1]), 0) + 1
    n = len(vocab)
    counts = [[pairs.get((a, b), 0) for b in vocab] for a in vocab]
    table = [[(counts[i][j] + k) / (sum(counts[i]) + k * n) for j in range(n)]
             for i in range(n)]
    like = Fraction(1)
    for i in range(len(query) - 1):
        like *= table[vocab.index(query[i])][vocab.index(query[i + 1])]
    return vocab, counts, table, like


def naive_bigram_boundaries(corpus, k, query):
    """As Jurafsky & Martin, ch. 3: every sentence and the query in <s> ... </s>; rows are
    <s> and the words (contexts), columns the words and </s> (outcomes)."""
    vocab = []
    for s in corpus:
        for w in s:
            if w not in vocab:
                vocab.append(w)
    rows, cols = ["<s>"] + vocab, vocab + ["</s>"]
    pairs = {}
    for s in corpus:
        s = ["<s>", *s, "</s>"]
        for i in range(len(s) - 1):
            pairs[(s[i], s[i + 1])] = pairs.get((s[i], s[i + 1]), 0) + 1
    counts = [[pairs.get((a, b), 0) for b in cols] for a in rows]
    table = [[(counts[i][j] + k) / (sum(counts[i]) + k * len(cols)) for j in range(len(cols))]
             for i in range(len(rows))]
    q = ["<s>", *query, "</s>"]
    like = Fraction(1)
    for i in range(len(q) - 1):
        like *= table[rows.index(q[i])][cols.index(q[i + 1])]
    return vocab, counts, table, like


_FACTOR = re.compile(r"^(dL/do_(\d+)|do_(\d+)/dW|do_(\d+)/dh_(\d+)|dh_(\d+)/dh_(\d+)|dh_(\d+)/dW)$")


def evaluate_term(factors: list[str], p: dict, exact: bool = True):
    """A chain of shorthand factors evaluated as matrices; returns an n_h x n_in matrix.

    dL/do_j is the row 2(o_j - x_{j+1}); do_j/dW = C diag(s'(z_j)) (x) x_j;
    do_j/dh_{j-1} = C diag(s'(z_j)) V; dh_m/dh_{m-1} = diag(s'(z_m)) V;
    dh_k/dW[a][p][q] = [a = p] s'(z_k[a]) x_k[q].
    """
    xs = p["x"]
    zs, _, os_ = naive_forward(p, xs[:-1], exact)
    act = p["activation"]
    V = [[num(v, exact) for v in r] for r in p["V"]]
    C = [[num(v, exact) for v in r] for r in p["C"]]
    n_h, n_in = len(p["W"]), len(p["W"][0])

    def d(t):
        return [act_deriv(act, v) for v in zs[t]]

    def dh_dW(t):  # [a][p][q]
        return [[[d(t)[a] * num(xs[t][q], exact) if a == pp else 0 for q in range(n_in)]
                 for pp in range(n_h)] for a in range(n_h)]

    row = None
    for f in factors:
        m = _FACTOR.match(f)
        assert m, f
        if m.group(2) is not None:
            j = int(m.group(2))
            assert row is None
            row = [2 * (os_[j][a] - num(xs[j + 1][a], exact)) for a in range(len(C))]
        elif m.group(3) is not None:  # do_j/dW = C @ dh_j/dW
            j = int(m.group(3))
            T = dh_dW(j)
            tensor = [[[sum(C[a][b] * T[b][pp][q] for b in range(n_h)) for q in range(n_in)]
                       for pp in range(n_h)] for a in range(len(C))]
            return _contract(row, tensor)
        elif m.group(4) is not None:
            j, jm = int(m.group(4)), int(m.group(5))
            assert jm == j - 1
            M = [[sum(C[a][b] * d(j)[b] * V[b][c] for b in range(n_h)) for c in range(n_h)]
                 for a in range(len(C))]
            row = [sum(row[a] * M[a][c] for a in range(len(M))) for c in range(n_h)]
        elif m.group(6) is not None:
            t, tm = int(m.group(6)), int(m.group(7))
            assert tm == t - 1
            M = [[d(t)[a] * V[a][c] for c in range(n_h)] for a in range(n_h)]
            row = [sum(row[a] * M[a][c] for a in range(n_h)) for c in range(n_h)]
        else:
            return _contract(row, dh_dW(int(m.group(8))))
    raise AssertionError("a term must end in a direct dW factor")


def _contract(row, tensor):
    return [[sum(row[a] * tensor[a][pp][q] for a in range(len(row)))
             for q in range(len(tensor[0][0]))] for pp in range(len(tensor[0]))]


def state_gradient(p: dict, t: int, where: str, exact: bool = True):
    """dL/dz_t or dL/dh_t: central differences of a nudge to that state, extrapolated.

    L is a polynomial of degree at most 2 in a nudge of one state entry for a
    ReLU/identity RNN near the point, so one exact central difference is exact.
    """
    n = len(p["W"])
    if exact:
        e = Fraction(1, 10**9)
        return [(naive_loss(p, True, (t, i, e, where)) - naive_loss(p, True, (t, i, -e, where)))
                / (2 * e) for i in range(n)]
    e = 1e-6
    return [(naive_loss(p, False, (t, i, e, where)) - naive_loss(p, False, (t, i, -e, where)))
            / (2 * e) for i in range(n)]
