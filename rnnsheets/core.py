"""The mathematics kinds share: activations and the RNN step, forward and backward.
Pure functions, no I/O, no randomness; each kind keeps its own maths in its module.

Arrays are NumPy arrays of ``dtype=object`` holding :class:`~fractions.Fraction`
(exact sheets: relu, identity) or of ``float64`` (tanh, sigmoid). Every forward
formula sits next to its derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .rounding import Bound, shown

# --- activations -----------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity, its derivative and its inverse."""

    name: str
    exact: bool  # maps rationals to rationals

    def f(self, z: np.ndarray) -> np.ndarray:
        """sigma(z)."""
        if self.name == "identity":
            return z.copy()
        if self.name == "relu":
            if z.dtype != object:
                return np.maximum(z, 0.0)
            return _map(_relu, z)
        if _bounds(z):  # a careful re-solve: each entry's error through sigma
            return _map(lambda v: v.monotone(_SCALAR[self.name]), z)
        z = np.asarray(z, dtype=float)
        if self.name == "tanh":
            return np.tanh(z)
        with np.errstate(over="ignore"):  # e^{-z} -> inf for very negative z: sigmoid is 0
            return 1.0 / (1.0 + np.exp(-z))

    def df(self, z: np.ndarray, h: np.ndarray) -> np.ndarray:
        """sigma'(z), given h = sigma(z)."""
        if self.name == "identity":
            return _map(lambda v: 1 + 0 * v, z)
        if self.name == "relu":
            if any(v == 0 for v in np.ravel(z)):
                raise ValueError("relu has no derivative at a pre-activation of exactly 0")
            return _map(lambda v: 1 + 0 * v if v > 0 else 0 * v, z)
        if self.name == "tanh":
            return 1.0 - h**2
        return h * (1.0 - h)  # sigmoid

    def inv(self, y: np.ndarray) -> np.ndarray:
        """sigma^{-1}(y) on the domain where it exists (see :meth:`invertible`)."""
        if self.name in ("identity", "relu"):
            return y.copy()
        if _bounds(y):
            return _map(lambda v: v.monotone(_INVERSE[self.name]), y)
        y = np.asarray(y, dtype=float)
        if self.name == "tanh":
            return np.arctanh(y)
        return np.log(y / (1.0 - y))  # logit

    def invertible(self, y) -> bool:
        """Whether sigma^{-1}(y) exists (relu: only on positive values)."""
        if self.name == "identity":
            return True
        if self.name == "relu":
            return y > 0
        if self.name == "tanh":
            return -1 < y < 1
        return 0 < y < 1  # sigmoid

    @property
    def inverse_name(self) -> str:
        """What sigma^{-1} is called."""
        return {"sigmoid": "logit", "tanh": "artanh"}.get(self.name, "identity")


ACTIVATION_NAMES = ("relu", "identity", "tanh", "sigmoid")
ACTIVATIONS = {name: Activation(name, name in ("relu", "identity")) for name in ACTIVATION_NAMES}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def _logit(y: float) -> float:
    return math.log(y / (1.0 - y))


#: Scalar forms of the smooth activations and their inverses (all monotone).
_SCALAR = {"tanh": math.tanh, "sigmoid": _sigmoid}
_INVERSE = {"tanh": math.atanh, "sigmoid": _logit}


def _relu(v):
    if isinstance(v, Bound):  # max(0, .) moves a value by no more than the value moves
        return Bound(v.v if v.v > 0 else 0 * v.v, v.e)
    return v if v > 0 else 0 * v


def _bounds(a: np.ndarray) -> bool:
    return a.dtype == object and a.size > 0 and isinstance(a.flat[0], Bound)


def _map(fn, a: np.ndarray) -> np.ndarray:
    out = np.empty(np.shape(a), dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = fn(v)
    return out


def exact_array(values) -> np.ndarray:
    """Nested lists of numbers as an object array of Fractions."""
    a = np.array(values, dtype=object)
    return _map(_as_fraction, a) if a.size else a


def _as_fraction(v) -> Fraction:
    return v if type(v) is Fraction else Fraction(v)


def float_array(values) -> np.ndarray:
    """Nested lists of numbers as a float64 array."""
    return np.array(values, dtype=object).astype(float)


# --- the RNN step, forward and backward ----------------------------------------


@dataclass
class ForwardPass:
    """Everything a forward pass over x_0..x_{T-1} computes, step by step."""

    Wx: list[np.ndarray]
    Vh: list[np.ndarray]
    z: list[np.ndarray]
    h: list[np.ndarray]
    o: list[np.ndarray]


def forward(W, V, b, C, h_init, xs: Sequence[np.ndarray], act: Activation,
            hold: Callable | None = None) -> ForwardPass:
    """h_t = sigma(W x_t + V h_{t-1} + b), o_t = C h_t, for each x_t in xs.

    ``hold(t, h_t)``: the h_t the later steps use (see ``carry.held``)."""
    out = ForwardPass([], [], [], [], [])
    h = h_init
    for t, x in enumerate(xs):
        wx, vh = shown(W @ x), shown(V @ h)  # each value the key prints, as a student holds it
        z = shown(wx + vh + b)
        h = shown(act.f(z))
        if hold is not None:
            h = hold(t, h)
        out.Wx.append(wx)
        out.Vh.append(vh)
        out.z.append(z)
        out.h.append(h)
        out.o.append(shown(C @ h))
    return out


@dataclass
class Backward:
    """What backpropagation through the RNN computes from dL/do_t, step by step."""

    dL_dh: list[np.ndarray]
    dL_dz: list[np.ndarray]
    dsigma: list[np.ndarray]
    dW: np.ndarray
    dV: np.ndarray
    db: np.ndarray
    dC: np.ndarray


def backward(V, C, h_init, xs: Sequence[np.ndarray], fw: ForwardPass, dL_do: Sequence,
             act: Activation, slip: str = "") -> Backward:
    """Gradients of a loss given dL/do_t for each step of ``fw`` (run on ``xs``).

    dL/dh_t = C^T dL/do_t + V^T dL/dz_{t+1};  dL/dz_t = dL/dh_t * sigma'(z_t);
    dW = sum_t dL/dz_t x_t^T, dV = sum_t dL/dz_t h_{t-1}^T, db = sum_t dL/dz_t,
    dC = sum_t dL/do_t h_t^T. ``slip``: a misconception's way instead (``no_recurrent_path``:
    dL/dh_t without V^T dL/dz_{t+1}; ``h_t_for_h_prev``: dV with h_t for h_{t-1}).
    """
    N = len(fw.z)
    dsigma = [shown(act.df(z, h)) for z, h in zip(fw.z, fw.h)]
    dL_dh: list = [None] * N
    dL_dz: list = [None] * N
    dz_next = None
    for t in reversed(range(N)):
        dh = C.T @ dL_do[t]
        if dz_next is not None and slip != "no_recurrent_path":
            dh = dh + V.T @ dz_next
        dL_dh[t] = dh = shown(dh)
        dL_dz[t] = dz_next = shown(dh * dsigma[t])
    h_prev = fw.h if slip == "h_t_for_h_prev" else [h_init] + fw.h[:-1]
    dW = sum(np.outer(dL_dz[t], xs[t]) for t in range(N))
    dV = sum(np.outer(dL_dz[t], h_prev[t]) for t in range(N))
    db = sum(dL_dz[t] for t in range(N))
    dC = sum(np.outer(dL_do[t], fw.h[t]) for t in range(N))
    return Backward(dL_dh, dL_dz, dsigma, dW, dV, db, dC)
