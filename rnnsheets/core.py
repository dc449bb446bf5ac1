"""The mathematics of the activity: pure functions, no I/O, no randomness.

Arrays are NumPy arrays of ``dtype=object`` holding :class:`~fractions.Fraction`
(exact sheets: relu, identity) or of ``float64`` (tanh, sigmoid). Every forward
formula sits next to its derivative.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

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
            return _map(lambda v: v if v > 0 else 0 * v, z)
        z = np.asarray(z, dtype=float)
        if self.name == "tanh":
            return np.tanh(z)
        return 1.0 / (1.0 + np.exp(-z))  # sigmoid

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


ACTIVATIONS = {name: Activation(name, name in ("relu", "identity"))
               for name in ("relu", "identity", "tanh", "sigmoid")}


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


# --- part 1: the forward step ------------------------------------------------


@dataclass
class ForwardPass:
    """Everything a forward pass over x_0..x_{T-1} computes, step by step."""

    Wx: list[np.ndarray]
    Vh: list[np.ndarray]
    z: list[np.ndarray]
    h: list[np.ndarray]
    o: list[np.ndarray]


def forward(W, V, b, C, h_init, xs: Sequence[np.ndarray], act: Activation) -> ForwardPass:
    """h_t = sigma(W x_t + V h_{t-1} + b), o_t = C h_t, for each x_t in xs."""
    out = ForwardPass([], [], [], [], [])
    h = h_init
    for x in xs:
        wx, vh = W @ x, V @ h
        z = wx + vh + b
        h = act.f(z)
        out.Wx.append(wx)
        out.Vh.append(vh)
        out.z.append(z)
        out.h.append(h)
        out.o.append(C @ h)
    return out


# --- part 2: the bigram model ------------------------------------------------


def vocabulary(sentences: Sequence[Sequence[str]]) -> list[str]:
    """Tokens in order of first appearance."""
    return list(dict.fromkeys(tok for s in sentences for tok in s))


def bigram_counts(sentences: Sequence[Sequence[str]], vocab: Sequence[str]) -> np.ndarray:
    """counts[i, j]: how often vocab[j] directly follows vocab[i] within a sentence."""
    index = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=int)
    for s in sentences:
        for a, b in zip(s, s[1:]):
            counts[index[a], index[b]] += 1
    return counts


def smoothed_table(counts: np.ndarray, k: Fraction) -> np.ndarray:
    """P[i, j] = (counts[i, j] + k) / (sum_j counts[i, j] + k n): rows sum to 1."""
    n = counts.shape[0]
    totals = counts.sum(axis=1)
    P = np.empty(counts.shape, dtype=object)
    for (i, j), c in np.ndenumerate(counts):
        P[i, j] = (Fraction(int(c)) + k) / (Fraction(int(totals[i])) + k * n)
    return P


def sequence_probability(P: np.ndarray, vocab: Sequence[str], query: Sequence[str]):
    """The factors P(q_{i+1} | q_i) of a token sequence, and their product."""
    index = {w: i for i, w in enumerate(vocab)}
    factors = [P[index[a], index[b]] for a, b in zip(query, query[1:])]
    product = Fraction(1)
    for f in factors:
        product *= f
    return factors, product


# --- part 3: an RNN that is a bigram model ------------------------------------


def bigram_design(P: np.ndarray, act: Activation):
    """W = sigma^{-1}(P^T), V = 0, b = 0, C = I for a row-stochastic P.

    On a one-hot x_t = e_i the output is sigma(W e_i) = row i of P. V, b and C
    are exact whatever the activation; W is exact for relu and identity.
    """
    n = P.shape[0]
    W = act.inv(P.T)
    V = exact_array([[0] * n] * n)
    b = exact_array([0] * n)
    C = exact_array([[int(i == j) for j in range(n)] for i in range(n)])
    return W, V, b, C


# --- part 4: backpropagation through time ------------------------------------


@dataclass
class Gradients:
    """Loss, its gradients, and the backward quantities a key shows."""

    fw: ForwardPass
    loss: object
    dL_do: list[np.ndarray]
    dL_dh: list[np.ndarray]
    dL_dz: list[np.ndarray]
    dW: np.ndarray
    dV: np.ndarray
    db: np.ndarray
    dC: np.ndarray


def bptt(W, V, b, C, h_init, xs: Sequence[np.ndarray], act: Activation) -> Gradients:
    """L = sum_{t<N} ||x_{t+1} - o_t||^2 over tokens x_0..x_N, and its gradients.

    Backward recursion: dL/do_t = 2 (o_t - x_{t+1}); dL/dh_t = C^T dL/do_t +
    V^T dL/dz_{t+1}; dL/dz_t = dL/dh_t * sigma'(z_t).
    """
    N = len(xs) - 1
    fw = forward(W, V, b, C, h_init, xs[:N], act)
    errs = [o - x for o, x in zip(fw.o, xs[1:])]
    loss = sum((e * e).sum() for e in errs)
    dL_do = [2 * e for e in errs]
    dL_dh: list = [None] * N
    dL_dz: list = [None] * N
    dz_next = None
    for t in reversed(range(N)):
        dh = C.T @ dL_do[t]
        if dz_next is not None:
            dh = dh + V.T @ dz_next
        dL_dh[t] = dh
        dL_dz[t] = dz_next = dh * act.df(fw.z[t], fw.h[t])
    h_prev = [h_init] + fw.h[:-1]
    dW = sum(np.outer(dL_dz[t], xs[t]) for t in range(N))
    dV = sum(np.outer(dL_dz[t], h_prev[t]) for t in range(N))
    db = sum(dL_dz[t] for t in range(N))
    dC = sum(np.outer(dL_do[t], fw.h[t]) for t in range(N))
    return Gradients(fw, loss, dL_do, dL_dh, dL_dz, dW, dV, db, dC)


def d_output0_d_W(C, z0, h0, x0, i: int, j: int, act: Activation) -> np.ndarray:
    """d o_0 / d W_ij = C[:, i] sigma'(z_0[i]) x_0[j] (h_{-1} does not depend on W)."""
    return C[:, i] * act.df(z0, h0)[i] * x0[j]


@dataclass(frozen=True)
class Factor:
    """One partial in a chain-rule term, in the activity's shorthand.

    kinds: ``dL/do`` (dL/do_t), ``do/dW`` (do_t/dW direct), ``do/dh`` (do_t/dh_{t-1}),
    ``dh/dh`` (dh_t/dh_{t-1}), ``dh/dW`` (dh_t/dW direct, h_{t-1} held fixed).
    """

    kind: str
    t: int

    @property
    def text(self) -> str:
        """Plain-text form, e.g. ``do_2/dh_1``."""
        t = self.t
        return {
            "dL/do": f"dL/do_{t}",
            "do/dW": f"do_{t}/dW",
            "do/dh": f"do_{t}/dh_{t - 1}",
            "dh/dh": f"dh_{t}/dh_{t - 1}",
            "dh/dW": f"dh_{t}/dW",
        }[self.kind]


@dataclass(frozen=True)
class Term:
    """The chain from output o_j back to the direct dependence of h_k on W."""

    output: int
    step: int
    factors: tuple[Factor, ...]


@functools.cache
def bptt_expansion(N: int) -> tuple[Term, ...]:
    """dL/dW for outputs o_0..o_{N-1} as its N(N+1)/2 chain-rule terms.

    Term (j, k<j): dL/do_j * do_j/dh_{j-1} * prod_{m=j-1..k+1} dh_m/dh_{m-1} * dh_k/dW;
    term (j, j): dL/do_j * do_j/dW.
    """
    terms = []
    for j in range(N):
        for k in range(j, -1, -1):
            if k == j:
                factors = (Factor("dL/do", j), Factor("do/dW", j))
            else:
                chain = tuple(Factor("dh/dh", m) for m in range(j - 1, k, -1))
                factors = (Factor("dL/do", j), Factor("do/dh", j), *chain, Factor("dh/dW", k))
            terms.append(Term(j, k, factors))
    return tuple(terms)


def n_terms(N: int) -> int:
    """Number of terms in the expansion of dL/dW for sequence length N."""
    return N * (N + 1) // 2
