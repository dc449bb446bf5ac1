"""Part 4: backpropagation through time, symbolically and with numbers."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import core, texmath
from ..core import ACTIVATION_NAMES
from ..numbers import to_plain
from ..questions import Answer, Choice, Figure, Question, Statement, Step
from ..rounding import shown
from ..settings import Flag, Lengths, OneOf, SomeOf, Whole
from ..stream import Stream
from ..timing import Work
from . import rnn
from .base import Mistake, Params, slip

KIND = "bptt"
#: The parameters whose gradient can be asked (dL/dW, dL/dV, dL/db, dL/dC).
GRADIENTS = ("W", "V", "b", "C")
TITLE = "Backpropagation through time"
SETTINGS = {"hidden": Whole(2), "vocab": Whole(2, 2, 8),
            "steps": Whole(2),  # N: tokens x_0 .. x_N
            "activation": OneOf("relu", ACTIVATION_NAMES),
            "expand": Lengths([3]),  # sequence lengths whose dL/dW expansion is asked
            "gradients": SomeOf(["W"], GRADIENTS),  # asked with numbers, besides the loss
            "entry": Flag(False),  # also ask for d o_0 / d W_ij
            "continue": Flag(True)}  # carry on part 1's network and tokens where they fit
CLI_OPTIONS = ("activation", "hidden", "steps")
#: Up to N = 4 (10 terms) an expansion is also asked as a choice of terms: an LMS gives
#: each right term an equal share (Moodle's grades go down to 10%); longer ones ask the
#: number of terms only.
MAX_CHOICE_TERMS = 10
#: Forward quantities by step; backward ones are computed from the last step back.
STEP_FIELDS = ("z", "h", "o", "dsigma", "step_loss")
BACKWARD_FIELDS = ("dL_do", "dL_dh", "dL_dz")
FINAL = ("loss", "dW", "dV", "db", "dC", "n_terms", "d_o0_d_W_entry")
ORDER = ("z", "h", "o", "dsigma", "step_loss", "loss", "dL_do", "dL_dh", "dL_dz", "dW", "dV",
         "db", "dC", "n_terms", "expansions", "d_o0_d_W_entry")
MISTAKES = (
    Mistake("no_factor_2", "factor 2 of the squared loss dropped",
            "dL/do_t = o_t - x_{t+1}: the derivative of a square brings down a 2, "
            "dL/do_t = 2 (o_t - x_{t+1}).", slip("no_factor_2")),
    Mistake("no_recurrent_path", "recurrent path left out (direct terms only)",
            "dL/dh_t = C^T dL/do_t only: h_t also reaches the loss through h_{t+1}, so "
            "V^T dL/dz_{t+1} belongs in it.", slip("no_recurrent_path")),
    Mistake("h_t_for_h_prev", "h_t used for h_{t-1}",
            "dL/dV = sum_t dL/dz_t h_t^T: V multiplies the state of the step before, so it "
            "is h_{t-1}.", slip("h_t_for_h_prev")),
)


def continues(earlier: list, stream: Stream, settings: dict) -> dict:
    """The network and tokens of an earlier forward part, with one more token to predict,
    when they fit this part's settings: its forward pass is then already done."""
    cfg = settings[KIND]
    if not cfg["continue"]:
        return {}
    for part, ex in earlier:
        p = ex.params
        if (ex.kind == "forward" and p["activation"] == cfg["activation"]
                and len(p["W"]) == cfg["hidden"] and len(p["x"]) == cfg["steps"]
                and len(p["W"][0]) == len(p["C"]) == cfg["vocab"]
                and all(sorted(x) == [0] * (cfg["vocab"] - 1) + [1] for x in p["x"])):
            last = p["x"][-1].index(1)
            nxt = stream.choice([i for i in range(cfg["vocab"]) if i != last])
            return {**{k: p[k] for k in ("W", "V", "b", "C", "h_init", "activation")},
                    "x": [*p["x"], [int(i == nxt) for i in range(cfg["vocab"])]],
                    "continues": part}
    return {}


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """An RNN over one-hot tokens x_0..x_N predicting the next token, and one W entry."""
    cfg = settings[KIND]
    n = cfg["vocab"]
    p = rnn.draw_rnn(stream, settings, {k: v for k, v in given.items()
                                            if k not in ("entry", "expand", "gradients",
                                                         "continues")},
                         cfg, n, n, cfg["steps"] + 1)
    p["expand"] = given.get("expand", cfg["expand"])
    p["gradients"] = given.get("gradients", cfg["gradients"])
    if "continues" in given:
        p["continues"] = given["continues"]
    if "x" not in given and len({tuple(x) for x in p["x"]}) == 1:  # a sequence, not a repeat
        last = p["x"][-1].index(1)
        other = stream.choice([i for i in range(n) if i != last])
        p["x"][-1] = [int(i == other) for i in range(n)]
    if "entry" in given:
        p["entry"] = given["entry"]
    elif cfg["entry"]:
        p["entry"] = _live_entry(stream, p)
    return p


def _live_entry(stream: Stream, p: dict) -> list[int]:
    """An entry W_ij whose d o_0/d W_ij is not zero, so the question has numbers to compute:
    input j active at step 0, unit i passing gradient there, column i of C not zero."""
    try:
        W, V, b, C = (p[k] for k in ("W", "V", "b", "C"))
        x0, h = p["x"][0], p["h_init"]
        live = [(i, j) for i in range(len(W)) for j in range(len(W[0]))
                if x0[j] != 0 and any(row[i] != 0 for row in C)
                and (p["activation"] != "relu"
                     or sum(W[i][k] * x0[k] for k in range(len(x0)))
                     + sum(V[i][k] * h[k] for k in range(len(h))) + b[i] > 0)]
    except (TypeError, IndexError, KeyError):
        live = []  # malformed given params: parse will say which
    if live:
        return list(stream.choice(live))
    n_h = len(p["W"]) if isinstance(p.get("W"), list) and p["W"] else 1
    n_in = len(p["W"][0]) if n_h and isinstance(p.get("W"), list) and p["W"] and \
        isinstance(p["W"][0], list) else 1
    return [stream.below(n_h), stream.below(n_in)]  # zero: the question asks why


def parse(params: dict, where: str) -> dict:
    """Validated params: an RNN, N+1 tokens (N >= 1), an optional W entry."""
    p = rnn.parse_rnn(params, where, min_steps=2)
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
    p["gradients"] = (SomeOf((), GRADIENTS).check(f"{where}.gradients", r.get("gradients"))
                      if r.has("gradients") else list(GRADIENTS))
    if r.has("continues"):  # the part whose network and tokens this one carries on
        part = r.get("continues")
        if not isinstance(part, int) or isinstance(part, bool) or not 1 <= part <= 20:
            raise r.error("continues", f"expected a part number, found {part!r}")
        p["continues"] = part
    return p


# --- the maths: the squared loss, its gradients, the chain-rule expansion -------------


def loss_gradients(W, V, b, C, h_init, xs, act: core.Activation, slip: str = ""):
    """The forward pass, each step's ||x_{t+1} - o_t||^2 (L is their sum over t < N),
    dL/do_t = 2 (o_t - x_{t+1}) and the backward pass through the RNN (``slip``: a
    misconception's way, see MISTAKES)."""
    N = len(xs) - 1
    fw = core.forward(W, V, b, C, h_init, xs[:N], act)
    errs = [o - x for o, x in zip(fw.o, xs[1:])]
    step_loss = [shown((e * e).sum()) for e in errs]
    factor = 1 if slip == "no_factor_2" else 2
    dL_do = [shown(factor * e) for e in errs]
    return fw, step_loss, dL_do, core.backward(V, C, h_init, xs[:N], fw, dL_do, act, slip)


def d_output0_d_W(C, dsigma0, x0, i: int, j: int) -> np.ndarray:
    """d o_0 / d W_ij = C[:, i] sigma'(z_0[i]) x_0[j] (h_{-1} does not depend on W)."""
    return C[:, i] * dsigma0[i] * x0[j]


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


def expansion(N: int) -> list[list[str]]:
    """The expansion of dL/dW for length N, each term as its factors' shorthand."""
    return [[f.text for f in term.factors] for term in bptt_expansion(N)]


def distractors(N: int) -> list[list[str]]:
    """Chain products that look like terms of the expansion for length N but are not."""
    out = [[f"dL/do_{N}", f"do_{N}/dW"],  # there is no output o_N
           ["dL/do_0", "do_0/dh_-1", "dh_-1/dW"]]  # h_{-1} does not depend on W
    if N >= 3:  # a factor dh_m/dh_{m-1} left out
        out.append([f"dL/do_{N - 1}", f"do_{N - 1}/dh_{N - 2}", f"dh_{N - 3}/dW"])
    elif N == 2:  # the direct factor taken at the wrong step
        out.append(["dL/do_1", "do_1/dh_0", "dh_1/dW"])
    return out


def solve(p: dict, where: str = "") -> dict:
    """Loss, the backward quantities, all four gradients, the expansions and the W entry."""
    W, V, b, C, h0, xs, act = rnn.arrays(p)
    N = len(xs) - 1
    try:
        fw, step_loss, dL_do, g = loss_gradients(W, V, b, C, h0, xs, act, p.get("slip", ""))
    except ValueError:  # a ReLU pre-activation at exactly 0: say which
        rnn.check_relu(p, rnn.run(p).z[:N], where)
        raise
    answers = {
        "z": fw.z, "h": fw.h, "o": fw.o, "dsigma": g.dsigma,
        "step_loss": step_loss, "loss": sum(step_loss),
        "dL_do": dL_do, "dL_dh": g.dL_dh, "dL_dz": g.dL_dz,
        **{f"d{name}": getattr(g, f"d{name}") for name in p["gradients"]},
        "n_terms": n_terms(N),
        "expansions": [{"N": n, "n_terms": n_terms(n), "terms": expansion(n)}
                       for n in p["expand"]],
    }
    if "entry" in p:
        i, j = p["entry"]
        answers["d_o0_d_W_entry"] = d_output0_d_W(C, g.dsigma[0], xs[0], i, j)
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
                 for f, term in zip(e["terms"], bptt_expansion(e["N"]))]
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
    text = (rf"Tokens \(x_0, \dots, x_{{{N}}}\); the RNN "
            r"\(h_t = \sigma(W x_t + V h_{t-1} + b)\), \(o_t = C h_t\) (with "
            + rnn.ACTIVATION_TEXT[p["activation"]]
            + r") reads \(x_0, \dots, x_{N-1}\) and \(o_t\) predicts \(x_{t+1}\). Loss: "
            r"\(L = \sum_{t=0}^{N-1} \lVert x_{t+1} - o_t \rVert^2\). Shorthand: "
            r"\(\partial o_j/\partial W\) is the direct term (\(h_{j-1}\) held fixed), "
            r"\(\partial o_j/\partial h_{j-1}\) means "
            r"\(\partial o_j/\partial h_j \cdot \partial h_j/\partial h_{j-1}\).")
    return Statement(text, rnn.rnn_given(p, ex.decimals), Figure(tuple(range(N))))


@functools.cache
def _expansion_tex(terms: tuple[tuple[str, ...], ...],
                   N: int) -> tuple[tuple[str, ...], Choice | None]:
    """An expansion's terms as LaTeX, and the choice of terms (with distractors) it makes;
    the same for every sheet of that N, so worked out once."""
    options = sorted([*terms, *(tuple(f) for f in distractors(N))])
    choice = (Choice(tuple(texmath.chain(o) for o in options),
                     frozenset(i for i, o in enumerate(options) if o in terms))
              if len(terms) <= MAX_CHOICE_TERMS else None)
    return tuple(texmath.chain(t) for t in terms), choice


def _gradients_work(p: dict, v: dict) -> Work:
    """The forward pass, the loss, the backward pass and the gradients asked, by hand."""
    n_h, n_in, n_out, N, act = len(p["W"]), len(p["W"][0]), len(p["C"]), v["N"], p["activation"]
    work = Work()
    for s in v["steps"]:
        if "continues" not in p:  # else the forward pass was part of the earlier part
            work += rnn.step_work(n_h, n_in, n_out, act, sum(x != 0 for x in s["x"]) == 1,
                                  all(h == 0 for h in s["h_prev"]))
        work += Work(read=0, mac=2 * n_out + 1, write=1)  # ||x_{t+1} - o_t||^2, into L
    return work + rnn.backprop_work(n_h, n_in, n_out, act, N, [f"d{g}" for g in p["gradients"]])


def questions(ex) -> list[Question]:
    """The expansions (symbolic, with their term counts), the general case, the loss and
    gradients with numbers, and the W entry."""
    p, a, d, v = ex.params, ex.answers, ex.decimals, view(ex)
    tm = texmath
    dLdW = r"\frac{\partial L}{\partial W}"
    out = []
    for n, e in enumerate(v["expansions"]):
        last = n == len(v["expansions"]) - 1
        terms, choice = _expansion_tex(tuple(tuple(t["factors"]) for t in e["terms"]), e["N"])
        steps = [Step("", dLdW, list(terms), form="sum"),
                 Step(f"That is {e['n_terms']} term{'s' if e['n_terms'] != 1 else ''}.")]
        figures = ()
        if last:
            steps.append(Step("Each term follows one path back through the unrolled network, "
                              "from the output \\(o_j\\) to the step \\(k\\) where \\(W\\) enters "
                              "directly (in colour)."))
            figures = tuple(Figure(tuple(e["steps"]), t["output"], t["step"],
                                   f"j = {t['output']}, k = {t['step']}") for t in e["terms"])
        out.append(Question(
            f"expansion_{e['N']}", rf"Write \({dLdW}\) for \(N = {e['N']}\) as a sum of "
            "chain-rule products. How many terms are there?",
            (Answer(f"n_terms_{e['N']}", e["n_terms"], rf"\text{{terms for }} N = {e['N']}",
                    f"expansions[{n}].n_terms"),),
            tuple(steps),
            r"Trace every path from the loss back to \(W\) in the unrolled network: the "
            r"same \(W\) enters at every step. In how many ways can it reach one output?"
            if n == 0 else "", figures,
            choice,
            work=Work(term=sum(len(t["factors"]) for t in e["terms"]), write=1)))
    general = (r"\sum_{j=0}^{N-1} \Big(\frac{\partial L}{\partial o_j}\frac{\partial o_j}"
               r"{\partial W} + \sum_{k=0}^{j-1} \frac{\partial L}{\partial o_j}\frac{\partial o_j}"
               r"{\partial h_{j-1}} \Big(\prod_{m=k+1}^{j-1} \frac{\partial h_m}{\partial h_{m-1}}"
               r"\Big) \frac{\partial h_k}{\partial W} \Big)")
    out.append(Question(
        "n_terms", rf"Write \({dLdW}\) for a general sequence length \(N\). How many terms "
        rf"does it have? How many for the \(N = {v['N']}\) of this sheet?",
        (Answer("n_terms", a["n_terms"], rf"\text{{terms for }} N = {v['N']}"),),
        (Step("", rf"{dLdW} = {general}"),
         Step("Output \\(o_j\\) contributes one term for each step "
              "\\(k = 0, \\dots, j\\), so there are", r"1 + 2 + \dots + N = \tfrac{N(N+1)}{2}"),
         Step(f"terms; for \\(N = {v['N']}\\):", r"\tfrac{N(N+1)}{2}", a["n_terms"])),
         work=Work(term=8, explain=1, mac=1, write=1)))
    forward_steps = [Step("Forward:" if s["t"] == 0 else "",
                          rf"z_{{{s['t']}}} = W x_{{{s['t']}}} + V h_{{{s['prev']}}} + b", s["z"])
                     for s in v["steps"]]
    fwd: list[Step] = []
    for s, z in zip(v["steps"], forward_steps):
        t, nx = s["t"], s["next"]
        fwd += [z, Step("", rf"h_{{{t}}}", s["h"], beside=True),
                Step("", rf"o_{{{t}}} = C h_{{{t}}}", s["o"]),
                Step("", rf"\lVert x_{{{nx}}} - o_{{{t}}} \rVert^2", s["step_loss"], beside=True)]
    fwd.append(Step("So", "L", a["loss"]))
    back = rnn.backward_steps(v["steps"], lead=lambda s: [Step(
        "", rf"\frac{{\partial L}}{{\partial o_{{{s['t']}}}}} = 2(o_{{{s['t']}}} - "
        rf"x_{{{s['next']}}})", s["dL_do"])])
    grads = rnn.gradient_steps(a, len(p["W"][0]), len(p["W"]), p["gradients"])
    hint = (r"Run forward first and keep \(z_t\), \(h_t\), \(o_t\). Then go backwards: "
            r"\(\partial L/\partial o_t = 2(o_t - x_{t+1})\); \(\partial L/\partial h_t = "
            r"C^{\top}\partial L/\partial o_t + V^{\top}\partial L/\partial z_{t+1}\) (no second "
            r"term at the last step); \(\partial L/\partial z_t = \partial L/\partial h_t \odot "
            rf"\sigma'(z_t)\), where {rnn.DERIVATIVE_TEXT[p['activation']]}. Finally "
            r"\(\partial L/\partial W = \sum_t \partial L/\partial z_t\, x_t^{\top}\), and "
            r"likewise for \(V\) (with \(h_{t-1}\)), \(b\) and \(C\).")
    asked = [rf"\(\partial L/\partial {name}\)" for name in p["gradients"]]
    out.append(Question(
        "gradients", rf"Now with numbers, for \(N = {v['N']}\): compute the loss \(L\) and "
        + (f"the gradient {asked[0]}" if len(asked) == 1 else
           "the gradients " + ", ".join(asked[:-1]) + f" and {asked[-1]}") + ".",
        (Answer("loss", a["loss"], "L"),
         *(Answer(f"d{name}", a[f"d{name}"], rf"\frac{{\partial L}}{{\partial {name}}}")
           for name in p["gradients"])),
        (*fwd, *back, *grads), hint, work=_gradients_work(p, v)))
    if "entry" in v:
        en = v["entry"]
        i, j = en["i"], en["j"]
        reason = {
            "input": f"It is zero because \\(x_{{0,{j}}} = 0\\): input {j} is not active at "
                     f"step 0, so \\(W_{{{i},{j}}}\\) is multiplied by 0 and never reaches "
                     "\\(o_0\\).",
            "inactive": f"It is zero because unit {i} is off at step 0 "
                        f"(\\(z_{{0,{i}}} < 0\\)), and the ReLU passes no gradient through "
                        "an inactive unit.",
            "column": f"It is zero because column {i} of \\(C\\) is zero: "
                      f"\\(h_{{0,{i}}}\\) does not reach the output.",
            "nonzero": f"It is not zero: input {j} is active at step 0, unit {i} passes "
                       f"gradient (\\(\\sigma' \\ne 0\\)), and column {i} of \\(C\\) carries "
                       f"\\(h_{{0,{i}}}\\) to the output.",
        }[en["reason"]]
        entry = rf"\frac{{\partial o_0}}{{\partial W_{{{i},{j}}}}}"
        out.append(Question(
            "entry", rf"For the RNN of this part (its \(W\), \(C\) and the token \(x_0\) "
            rf"above), compute \({entry}\) (rows and columns counted from 0). Is it zero? "
            "Why or why not?",
            (Answer("d_o0_d_W_entry", en["value"], entry),),
            (Step(rf"\(W_{{{i},{j}}}\) enters only \(z_{{0,{i}}} = \dots + W_{{{i},{j}}}\, "
                  rf"x_{{0,{j}}}\), so",
                  rf"{entry} = C_{{:,{i}}}\, \sigma'(z_{{0,{i}}})\, x_{{0,{j}}} = "
                  rf"{tm.column(en['C_col'], d)} \cdot {tm.number(en['dsigma'], d)} \cdot "
                  rf"{tm.number(en['x0j'], d)}", en["value"]),
             Step(reason)),
            r"Write \(o_0\) out in terms of \(W\): which entries of \(z_0\), \(h_0\) and "
            r"\(o_0\) does \(W_{ij}\) touch? (\(h_{-1}\) does not depend on \(W\).)",
            work=Work(mac=2 * len(p["C"]), write=len(p["C"]), explain=1)))
    return out
