"""An independent softmax language model, straight from the spec (exercises.md, section 5).

Nothing here imports rnnsheets or numpy: plain loops over floats and ``math``. The
gradients are central finite differences of the loss, not a backward pass, so they
check the package's backpropagation rather than repeat it.
"""

from __future__ import annotations

import copy
import math

EPS = 1e-6  # finite-difference step
TOL = 1e-6  # absolute tolerance of every comparison


def _act(name: str, z: float) -> float:
    if name == "relu":
        return max(0.0, z)
    if name == "identity":
        return z
    if name == "tanh":
        return math.tanh(z)
    return 1.0 / (1.0 + math.exp(-z))


def _floats(v):
    return [_floats(e) for e in v] if isinstance(v, list) else float(v)


def _matvec(m, v):
    return [sum(a * b for a, b in zip(row, v)) for row in m]


def run(params: dict) -> dict:
    """The forward pass over x_0..x_{N-1}, the softmax, the loss and perplexity, dL/do."""
    p = {k: _floats(params[k]) for k in ("W", "V", "b", "C", "h_init", "x")}
    act, xs = params["activation"], p["x"]
    N = len(xs) - 1
    h = p["h_init"]
    out: dict = {"o": [], "p": [], "do": [], "loss": 0.0}
    for t in range(N):
        wx, vh = _matvec(p["W"], xs[t]), _matvec(p["V"], h)
        h = [_act(act, a + c + d) for a, c, d in zip(wx, vh, p["b"])]
        o = _matvec(p["C"], h)
        exps = [math.exp(v) for v in o]
        total = sum(exps)
        probs = [e / total for e in exps]
        target = xs[t + 1].index(1.0)
        out["o"].append(o)
        out["p"].append(probs)
        out["loss"] -= math.log(probs[target])
        out["do"].append([q - x for q, x in zip(probs, xs[t + 1])])
    out["perplexity"] = math.exp(out["loss"] / N)
    return out


def loss(params: dict) -> float:
    """L = -sum_t ln p_t[i_{t+1}]."""
    return run(params)["loss"]


def _indices(value, prefix=()):
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield from _indices(v, (*prefix, i))
    else:
        yield prefix


def _nudged(params: dict, name: str, idx: tuple, delta: float) -> dict:
    p = copy.deepcopy(params)
    p[name] = _floats(p[name])
    target = p[name]
    for i in idx[:-1]:
        target = target[i]
    target[idx[-1]] += delta
    return p


def gradient(params: dict, name: str, eps: float = EPS):
    """dL/d(name) by central differences, shaped like params[name]."""
    grad = copy.deepcopy(_floats(params[name]))
    for idx in _indices(params[name]):
        up = loss(_nudged(params, name, idx, eps))
        down = loss(_nudged(params, name, idx, -eps))
        cell = grad
        for i in idx[:-1]:
            cell = cell[i]
        cell[idx[-1]] = (up - down) / (2 * eps)
    return grad


def expected(params: dict) -> dict:
    """Every required answer of a softmax_lm exercise."""
    out = run(params)
    for name in ("W", "V", "b", "C"):
        out[f"d{name}"] = gradient(params, name)
    return out


def mismatches(params: dict, answers: dict, tol: float = TOL) -> list[str]:
    """The answer entries that differ from the oracle by more than tol (empty: all agree)."""
    want = expected(params)
    bad: list[str] = []

    def compare(got, exp, label: str) -> None:
        if isinstance(exp, list):
            if not isinstance(got, list) or len(got) != len(exp):
                bad.append(f"{label}: shape {got!r}, expected {exp!r}")
                return
            for i, (g, e) in enumerate(zip(got, exp)):
                compare(g, e, f"{label}[{i}]")
        elif not abs(float(got) - exp) <= tol:
            bad.append(f"{label}: {got!r}, expected {exp!r}")

    for name in ("o", "p", "loss", "perplexity", "do", "dW", "dV", "db", "dC"):
        if name not in answers:
            bad.append(f"{name}: missing")
        else:
            compare(answers[name], want[name], name)
    return bad
