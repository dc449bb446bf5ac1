"""Check one solved exercise against the independent oracles; used by tests and sweeps."""

from __future__ import annotations

import math
from fractions import Fraction

import oracles
from oracles import num


def same(got, want, exact: bool, tol: float = 1e-9, path: str = "") -> None:
    """Equal to the last digit (exact) or within tol, recursively over lists."""
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: shape {got} vs {want}"
        for i, (g, w) in enumerate(zip(got, want)):
            same(g, w, exact, tol, f"{path}[{i}]")
        return
    if exact:
        assert isinstance(got, (Fraction, int)) and not isinstance(got, bool), f"{path}: {got!r}"
        assert got == want, f"{path}: got {got}, want {want}"
    else:
        assert math.isfinite(float(got)), path
        assert abs(float(got) - float(want)) <= tol, f"{path}: got {got}, want {want}"


def verify(ex) -> None:
    """Every answer of an exercise against its oracle; a kind without one fails here."""
    check = globals().get(f"_verify_{ex.kind}")
    assert check is not None, f"no independent oracle for the kind {ex.kind!r} in tests/"
    check(ex.params, ex.answers, ex.exact)


def _verify_forward(p, a, exact):
    zs, hs, os_ = oracles.naive_forward(p, exact=exact)
    same(a["z"], zs, exact, path="z")
    same(a["h"], hs, exact, path="h")
    same(a["o"], os_, exact, path="o")
    for t in range(len(p["x"])):
        h_prev = p["h_init"] if t == 0 else hs[t - 1]
        wx = [sum(Fraction(w) * Fraction(x) for w, x in zip(row, p["x"][t])) for row in p["W"]]
        vh = [sum(Fraction(v) * (Fraction(h) if exact else h) for v, h in zip(row, h_prev))
              for row in p["V"]]
        same(a["Wx"][t], wx, exact, path="Wx")
        same(a["Vh"][t], vh, exact, path="Vh")
        same([w + v + b for w, v, b in zip(a["Wx"][t], a["Vh"][t], p["b"])], zs[t], exact,
             path="Wx+Vh+b")


def _verify_bigram(p, a, exact):
    assert exact
    corpus, query = p["corpus"], p["query"]
    if p["boundaries"]:  # the spec's convention: <s> only a context, </s> only an outcome
        vocab, counts, table, like = oracles.naive_bigram_boundaries(corpus, p["k"], query)
        assert a["contexts"] == ["<s>", *vocab] and a["outcomes"] == [*vocab, "</s>"]
    else:
        vocab, counts, table, like = oracles.naive_bigram(corpus, p["k"], query)
    assert a["vocab"] == vocab
    assert a["counts"] == counts
    printed = table if p["orientation"] == "row" else [list(c) for c in zip(*table)]
    same(a["T"], printed, True, path="T")
    same(a["likelihood"], like, True, path="likelihood")
    for i in range(len(table)):
        line = a["T"][i] if p["orientation"] == "row" else [r[i] for r in a["T"]]
        assert sum(line) == 1


def _verify_bigram_rnn(p, a, exact):
    T = p["T"]
    n = len(T)
    rows = T if p["orientation"] == "row" else [list(c) for c in zip(*T)]
    design = {"W": a["W"], "V": a["V"], "b": a["b"], "C": a["C"], "h_init": [0] * n,
              "activation": p["activation"]}
    assert all(v == 0 for r in a["V"] for v in r) and all(v == 0 for v in a["b"])
    assert a["C"] == [[int(i == j) for j in range(n)] for i in range(n)]
    for i in range(n):
        e = [int(i == j) for j in range(n)]
        _, _, os_ = oracles.naive_forward(design, [e], exact)
        same(os_[0], rows[i], exact, 1e-12, path=f"o(e_{i})")
        same(a["check"][i], rows[i], exact, 1e-12, path=f"check[{i}]")
    if "x" in p:
        _, _, os_ = oracles.naive_forward(design, p["x"], exact)
        same(a["o"], os_, exact, 1e-12, path="o")


def _verify_bptt(p, a, exact):
    N = len(p["x"]) - 1
    zs, hs, os_ = oracles.naive_forward(p, p["x"][:-1], exact)
    same(a["z"], zs, exact, path="z")
    same(a["o"], os_, exact, path="o")
    same(a["loss"], oracles.naive_loss(p, exact), exact, path="loss")
    xs = p["x"]
    step = [sum((num(xs[t + 1][i], exact) - o[i]) ** 2 for i in range(len(o)))
            for t, o in enumerate(os_)]
    same(a["step_loss"], step, exact, path="step_loss")
    same(a["dL_do"], [[2 * (o[i] - num(xs[t + 1][i], exact)) for i in range(len(o))]
                      for t, o in enumerate(os_)], exact, path="dL_do")
    same(a["dsigma"], [[oracles.act_deriv(p["activation"], v) for v in z] for z in zs], exact,
         path="dsigma")
    for t in range(N):
        tol = 1e-6
        same(a["dL_dh"][t], oracles.state_gradient(p, t, "h", exact), exact, tol, path="dL_dh")
        same(a["dL_dz"][t], oracles.state_gradient(p, t, "z", exact), exact, tol, path="dL_dz")
    asked = p.get("gradients", ["W", "V", "b", "C"])
    assert [k[1:] for k in ("dW", "dV", "db", "dC") if k in a] == asked
    for name in asked:
        if exact:
            want = oracles.exact_gradient(p, name, N)
            same(a["d" + name], want, True, path="d" + name)
        else:
            same(a["d" + name], oracles.float_gradient(p, name), False, 1e-6, path="d" + name)
    assert a["n_terms"] == N * (N + 1) // 2
    for e in a["expansions"]:
        n = e["N"]
        assert e["n_terms"] == len(e["terms"]) == n * (n + 1) // 2
        assert len({tuple(t) for t in e["terms"]}) == len(e["terms"])
    own = next((e for e in a["expansions"] if e["N"] == N), None)
    if own is not None and "dW" in a:
        total = None
        for term in own["terms"]:
            m = oracles.evaluate_term(term, p, exact)
            total = m if total is None else [[x + y for x, y in zip(r, s)]
                                              for r, s in zip(total, m)]
        same(total, a["dW"], exact, 1e-9, path="sum of expansion terms")
    if "entry" in p:
        i, j = p["entry"]
        _check_entry(p, a["d_o0_d_W_entry"], i, j, exact)


def _check_entry(p, got, i, j, exact):
    """d o_0 / d W_ij by a central difference: o_0 is linear in W_ij for relu/identity."""
    eps = Fraction(1, 10**9) if exact else 1e-6
    x0 = [p["x"][0]]
    plus = {**p, "W": [[w + (eps if (r, c) == (i, j) else 0) for c, w in enumerate(row)]
                      for r, row in enumerate(p["W"])]}
    minus = {**p, "W": [[w - (eps if (r, c) == (i, j) else 0) for c, w in enumerate(row)]
                       for r, row in enumerate(p["W"])]}
    op = oracles.naive_forward(plus, x0, exact)[2][0]
    om = oracles.naive_forward(minus, x0, exact)[2][0]
    want = [(u - v) / (2 * eps) for u, v in zip(op, om)]
    same(got, want, exact, 1e-6, path="d_o0_d_W_entry")



def _verify_softmax_lm(p, a, exact):
    import oracle_softmax_lm

    assert not exact
    assert oracle_softmax_lm.mismatches(p, a) == []


def _verify_lstm(p, a, exact):
    import oracle_lstm

    assert not exact
    want = oracle_lstm.lstm(p)
    for name in ("gate_i", "gate_f", "gate_g", "gate_o", "c", "h"):
        same(a[name], want[name], False, 1e-12, path=name)
