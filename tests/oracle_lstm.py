"""An independent LSTM, straight from the spec (section 6): plain Python, math only.

Imports nothing from rnnsheets and no NumPy, so a shared mistake cannot hide.
"""

from __future__ import annotations

import math


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _affine(W, x, U, h, b) -> list[float]:
    """W x + U h + b, row by row."""
    out = []
    for r in range(len(b)):
        s = 0.0
        for j in range(len(x)):
            s += float(W[r][j]) * float(x[j])
        for j in range(len(h)):
            s += float(U[r][j]) * float(h[j])
        out.append(s + float(b[r]))
    return out


def lstm(p: dict) -> dict:
    """gate_i, gate_f, gate_g, gate_o, c and h for every step, as lists of floats."""
    h = [float(v) for v in p["h_init"]]
    c = [float(v) for v in p["c_init"]]
    out: dict = {k: [] for k in ("gate_i", "gate_f", "gate_g", "gate_o", "c", "h")}
    for x in p["x"]:
        i = [_sigmoid(a) for a in _affine(p["W_i"], x, p["U_i"], h, p["b_i"])]
        f = [_sigmoid(a) for a in _affine(p["W_f"], x, p["U_f"], h, p["b_f"])]
        g = [math.tanh(a) for a in _affine(p["W_g"], x, p["U_g"], h, p["b_g"])]
        q = [_sigmoid(a) for a in _affine(p["W_o"], x, p["U_o"], h, p["b_o"])]
        c = [f[k] * c[k] + i[k] * g[k] for k in range(len(c))]
        h = [q[k] * math.tanh(c[k]) for k in range(len(c))]
        for name, v in (("gate_i", i), ("gate_f", f), ("gate_g", g), ("gate_o", q),
                        ("c", c), ("h", h)):
            out[name].append(v)
    return out
