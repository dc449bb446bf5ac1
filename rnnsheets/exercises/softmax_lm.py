"""Part 5: an RNN language model, with a softmax over the next token and cross-entropy."""

from __future__ import annotations

import math

import numpy as np

from .. import bank, core, texmath
from ..carry import held
from ..core import ACTIVATION_NAMES
from ..errors import InputError
from ..numbers import to_plain
from ..questions import Answer, Figure, Question, Statement, Step, literal, words
from ..rounding import shown
from ..settings import OneOf, Whole
from ..stream import Stream
from ..timing import Work
from . import rnn
from .base import Mistake, Params, first_size, redraw, slip

KIND = "softmax_lm"
TITLE = "An RNN language model: softmax and cross-entropy"
SETTINGS = {"hidden": Whole(2), "vocab": Whole(2, 2, 8),
            "steps": Whole(2),  # N: tokens x_0 .. x_N
            "activation": OneOf("relu", ACTIVATION_NAMES)}
CLI_OPTIONS = ("activation", "hidden", "steps")
#: Forward quantities by step; backward ones are computed from the last step back.
STEP_FIELDS = ("z", "h", "o", "p", "step_loss")
BACKWARD_FIELDS = ("do", "dL_dh", "dsigma", "dL_dz")
FINAL = ("p", "loss", "perplexity", "dW", "dV", "db", "dC")
ORDER = ("z", "h", "o", "p", "step_loss", "loss", "perplexity", "do", "dL_dh", "dsigma",
         "dL_dz", "dW", "dV", "db", "dC")
MISTAKES = (
    Mistake("no_one_hot", "softmax gradient without -x_{t+1}",
            "dL/do_t = p_t: the derivative of -ln p_t[i] with respect to o_t is "
            "p_t - x_{t+1}, the prediction minus the truth.", slip("no_one_hot")),
)

def is_exact(p: dict) -> bool:
    """Never: the softmax maps rationals to irrationals."""
    return False


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """An RNN over N+1 one-hot tokens of an n-word vocabulary, and the words' names."""
    cfg = settings[KIND]
    n = first_size(given, cfg["vocab"], ("vocab", _count_words), ("x", lambda v: len(v[0])),
                   ("W", lambda m: len(m[0])), ("C", len))  # n_in = n_out = n
    net = {k: v for k, v in given.items() if k != "vocab"}

    def make() -> dict:
        return rnn.draw_rnn(stream, settings, net, cfg, n, n, cfg["steps"] + 1)

    p = make() if net.keys() >= _RNN else redraw(make, _modest, "an RNN language model")
    if "vocab" in given:
        p["vocab"] = given["vocab"]
    else:
        size = first_size(p, n, ("C", len))
        if size == 2:
            p["vocab"] = list(stream.choice(bank.WORD_PAIRS))
        elif size <= len(bank.WORDS):
            p["vocab"] = stream.sample(bank.WORDS, size)
    return p


_RNN = {"W", "V", "b", "C", "h_init", "x", "activation"}
#: Logits a person can exponentiate by hand; a spec may go up to MAX_LOGIT.
HAND_LOGIT, MAX_LOGIT = 5, 30


def _logits(p: dict) -> float:
    """The largest logit of the forward pass, in floats."""
    act = core.ACTIVATIONS[p["activation"]]
    W, V, b, C, h0 = (core.float_array(p[k]) for k in ("W", "V", "b", "C", "h_init"))
    fw = core.forward(W, V, b, C, h0, [core.float_array(x) for x in p["x"][:-1]], act)
    return max(float(np.abs(o).max()) for o in fw.o)


def _modest(p: dict) -> bool:
    """Drawn sheets keep every logit small enough to exponentiate by hand."""
    try:
        return _logits(parse(p, "")) <= HAND_LOGIT
    except (InputError, ValueError, TypeError, KeyError, IndexError):
        return True  # the user's own params: parse reports what is wrong with them


def _count_words(vocab) -> int:
    return len(vocab.split() if isinstance(vocab, str) else vocab)


def parse(params: dict, where: str) -> dict:
    """Validated params: an RNN with n_out = n_in, N+1 one-hot tokens (N >= 1), optional words."""
    p = rnn.parse_rnn(params, where, min_steps=2)
    r = Params(params, where)
    n = len(p["W"][0])
    if n < 2:
        raise r.error("W", "expected at least 2 columns (a vocabulary of at least 2 tokens)")
    if len(p["C"]) != n:
        raise r.error("C", f"expected {n} rows (p_t is a distribution over the {n} tokens "
                      f"x_t has entries for), found {len(p['C'])}")
    for t, x in enumerate(p["x"]):
        if sorted(x) != [0] * (n - 1) + [1]:
            raise r.error(f"x[{t}]", "expected a one-hot vector (a single 1, zeros elsewhere)")
    if r.has("vocab"):
        vocab = r.tokens("vocab")
        if len(vocab) != n:
            raise r.error("vocab", f"expected {n} words (one per position of x_t), "
                          f"found {len(vocab)}")
        if len(set(vocab)) != n:
            raise r.error("vocab", "words must be distinct")
        p["vocab"] = vocab
    return p


# --- the maths: softmax, cross-entropy, and their derivative ------------------------


def softmax(o: np.ndarray) -> np.ndarray:
    """p = e^o / sum_k e^(o_k) (|o| <= MAX_LOGIT, so e^o cannot overflow), through the
    exponentials and their sum as the key prints them."""
    e = shown(np.exp(o))
    return shown(e / shown(e.sum()))


def cross_entropy(p: np.ndarray, target: int):
    """-ln p[target]: the loss of predicting p when the next token is ``target``."""
    return shown(-np.log(p[target]))


def d_cross_entropy_softmax(p: np.ndarray, x_next: np.ndarray) -> np.ndarray:
    """d(-ln softmax(o)[i]) / do = softmax(o) - e_i, with e_i = x_{t+1} one-hot."""
    return p - x_next


def solve(p: dict, where: str = "") -> dict:
    """Forward pass, distributions, loss, perplexity, dL/do_t and the backward pass."""
    N = len(p["x"]) - 1
    if p["activation"] == "relu":  # decide sigma'(0) exactly, before floats blur it
        rnn.check_relu(p, rnn.run({**p, "x": p["x"][:N]}).z, where)
    act = core.ACTIVATIONS[p["activation"]]
    W, V, b, C, h0 = (core.float_array(p[k]) for k in ("W", "V", "b", "C", "h_init"))
    xs = [core.float_array(x) for x in p["x"]]
    fw = core.forward(W, V, b, C, h0, xs[:N], act)
    largest = max(float(np.abs(o).max()) for o in fw.o)
    if largest > MAX_LOGIT:
        raise InputError(where, f"a logit of {largest:.3g} is too large to compute e^o by hand "
                         f"(at most {MAX_LOGIT}); use smaller weights")
    fw.o = [held(f"o_{t}", o) for t, o in enumerate(fw.o)]
    probs = [held(f"p_{t}", softmax(o)) for t, o in enumerate(fw.o)]
    targets = [int(np.argmax(x)) for x in xs[1:]]
    step_loss = [cross_entropy(q, i) for q, i in zip(probs, targets)]
    loss = held("loss", shown(sum(step_loss)))
    truth = [0 * x for x in xs[1:]] if p.get("slip") == "no_one_hot" else xs[1:]
    do = [held(f"do_{t}", shown(d_cross_entropy_softmax(q, x)))
          for t, (q, x) in enumerate(zip(probs, truth))]
    g = core.backward(V, C, h0, xs[:N], fw, do, act)
    return to_plain({
        "z": fw.z, "h": fw.h, "o": fw.o, "p": probs, "step_loss": step_loss, "loss": loss,
        "perplexity": np.exp(loss / N), "do": do, "dL_dh": g.dL_dh, "dsigma": g.dsigma,
        "dL_dz": g.dL_dz, "dW": g.dW, "dV": g.dV, "db": g.db, "dC": g.dC,
    })


# --- what the sheet shows ----------------------------------------------------------


def view(ex) -> dict:
    """Steps with their forward and backward values, target positions and words."""
    p, a = ex.params, ex.answers
    N = len(p["x"]) - 1
    vocab = p.get("vocab")
    h_prev = [p["h_init"], *a["h"][:-1]]
    per_step = ("z", "h", "o", "p", "step_loss", "do", "dL_dh", "dsigma", "dL_dz")
    steps = []
    for t in range(N):
        target = p["x"][t + 1].index(1)
        exps = [math.exp(v) for v in a["o"][t]]
        steps.append({"t": t, "next": t + 1, "prev": t - 1, "x": p["x"][t],
                      "x_next": p["x"][t + 1], "h_prev": h_prev[t], "target": target,
                      "word": vocab[target] if vocab else None, "exp": exps,
                      "total": sum(exps), "last": t == N - 1, **{k: a[k][t] for k in per_step}})
    words = [vocab[x.index(1)] for x in p["x"]] if vocab else []
    return {"N": N, "steps": steps, "tokens": list(range(N + 1)), "words": words}


def _words_text(p: dict) -> str:
    """The vocabulary and the sentence in words (plain text: never inside math)."""
    vocab = p.get("vocab")
    if not vocab:
        return ""
    sentence = words(vocab[x.index(1)] for x in p["x"])
    return (f" The one-hot positions 0 to {len(vocab) - 1} are the words "
            f"{', '.join(literal(w) for w in vocab)}; the tokens read: {sentence}.")


def statement(ex) -> Statement:
    """The model, its loss, the RNN's numbers and the tokens."""
    p = ex.params
    N = len(p["x"]) - 1
    text = (rf"Tokens \(x_0, \dots, x_{{{N}}}\) are one-hot. The RNN \(h_t = \sigma(W x_t + "
            r"V h_{t-1} + b)\), \(o_t = C h_t\) (with "
            + rnn.ACTIVATION_TEXT[p["activation"]]
            + r") reads \(x_0, \dots, x_{N-1}\) and predicts the next token with "
            r"\(p_t = \operatorname{softmax}(o_t)\), "
            r"\(p_{t,k} = e^{o_{t,k}} / \sum_j e^{o_{t,j}}\). "
            r"Loss: \(L = -\sum_{t=0}^{N-1} \ln p_{t,i_{t+1}}\), where \(i_{t+1}\) is the "
            r"position of the 1 in \(x_{t+1}\); perplexity \(e^{L/N}\)." + _words_text(p))
    return Statement(text, rnn.rnn_given(p, ex.decimals), Figure(tuple(range(N))))


def _step_question(s: dict, p: dict, d: int) -> Question:
    """o_t and p_t for one step, worked out from z_t to the softmax."""
    t, prev = s["t"], s["prev"]
    hint = (r"Run the RNN forward, then the softmax: \(p_{t,k} = e^{o_{t,k}} / \sum_j "
            r"e^{o_{t,j}}\). Its entries are positive and add up to 1." if t == 0 else
            rf"Use the \(h_{{{prev}}}\) you found above." if t == 1 else "")
    steps = (
        Step("The RNN step:",
             rf"z_{{{t}}} = W x_{{{t}}} + V h_{{{prev}}} + b", s["z"]),
        Step("", rf"h_{{{t}}} = \sigma(z_{{{t}}})", s["h"], beside=True),
        Step("", rf"o_{{{t}}} = C h_{{{t}}} = {texmath.matrix(p['C'], d)} "
             rf"{texmath.column(s['h'], d)}", s["o"]),
        Step("Exponentiate each logit, add them up, and divide by the sum:",
             rf"e^{{o_{{{t}}}}}", s["exp"]),
        Step("", rf"\textstyle\sum_j e^{{o_{{{t},j}}}}", s["total"], beside=True),
        Step("", rf"p_{{{t}}} = \operatorname{{softmax}}(o_{{{t}}})", s["p"], beside=True),
    )
    return Question(
        f"step_{t}", rf"Compute the logits \(o_{{{t}}}\) and the predicted distribution "
        rf"\(p_{{{t}}} = \operatorname{{softmax}}(o_{{{t}}})\) of the token after \(x_{{{t}}}\).",
        (Answer(f"o_{t}", s["o"], f"o_{{{t}}}"), Answer(f"p_{t}", s["p"], f"p_{{{t}}}")),
        steps, hint,
        work=Work() + rnn.step_work(len(p["W"]), len(p["W"][0]), len(p["C"]), p["activation"],
                                    True, all(h == 0 for h in s["h_prev"]))
        + Work(read=0, func=len(s["o"]), mac=2 * len(s["o"]), write=3 * len(s["o"]) + 1))


def _loss_question(v: dict, a: dict) -> Question:
    """L as the sum of each step's -ln p, and the perplexity."""
    N = v["N"]
    steps = [Step("Each prediction costs minus the log of the probability it gave the true "
                  "next token (positions counted from 0):" if s["t"] == 0 else "",
                  rf"-\ln p_{{{s['t']},{s['target']}}}", s["step_loss"], beside=s["t"] % 3 > 0)
             for s in v["steps"]]
    if v["words"]:
        steps.append(Step("That is, the true next words are "
                          + ", ".join(literal(s["word"]) for s in v["steps"]) + "."))
    steps += [Step("Add them up:", r"L = -\sum_t \ln p_{t,i_{t+1}}", a["loss"]),
              Step("The perplexity undoes the log of the average loss per prediction:",
                   rf"e^{{L/{N}}}", a["perplexity"])]
    return Question(
        "loss", r"Compute the loss \(L\) and the perplexity \(e^{L/N}\).",
        (Answer("loss", a["loss"], "L"), Answer("perplexity", a["perplexity"], r"e^{L/N}")),
        tuple(steps),
        r"\(i_{t+1}\) is the position of the 1 in \(x_{t+1}\). A model that guesses "
        r"uniformly over n tokens has perplexity n; a perfect one has perplexity 1.",
        work=Work(func=len(v["steps"]) + 1, mac=len(v["steps"]),
                                write=len(v["steps"]) + 2))


def _do_question(v: dict) -> Question:
    """dL/do_t = p_t - x_{t+1} for each step."""
    steps = [Step("For softmax followed by cross-entropy the derivative is simply "
                  "prediction minus truth:" if s["t"] == 0 else "",
                  rf"\frac{{\partial L}}{{\partial o_{{{s['t']}}}}} = p_{{{s['t']}}} - "
                  rf"x_{{{s['next']}}}", s["do"], beside=s["t"] % 2 > 0)
             for s in v["steps"]]
    return Question(
        "do", r"Compute \(\partial L/\partial o_t\) for every step t.",
        tuple(Answer(f"do_{s['t']}", s["do"], rf"\frac{{\partial L}}{{\partial o_{{{s['t']}}}}}")
              for s in v["steps"]),
        tuple(steps),
        r"Only step t's term of L depends on \(o_t\), and \(-\ln p_{t,i} = -o_{t,i} + "
        r"\ln \sum_j e^{o_{t,j}}\). Differentiate with respect to \(o_{t,k}\): "
        r"\(-[k = i] + p_{t,k}\).", work=Work(mac=len(v["steps"]),
                                lookup=len(v["steps"]) * len(v["steps"][0]["o"]),
                                write=len(v["steps"]) * len(v["steps"][0]["o"])))


def _gradient_question(v: dict, a: dict, p: dict) -> Question:
    """The backward pass from dL/do_t, then the four gradients."""
    back = rnn.backward_steps(v["steps"])
    grads = rnn.gradient_steps(a, len(p["W"][0]), len(p["W"]))
    hint = (r"Start from \(\partial L/\partial o_t\) above. \(\partial L/\partial h_t = "
            r"C^{\top}\partial L/\partial o_t + V^{\top}\partial L/\partial z_{t+1}\) (no second "
            r"term at the last step); \(\partial L/\partial z_t = \partial L/\partial h_t \odot "
            rf"\sigma'(z_t)\), where {rnn.DERIVATIVE_TEXT[p['activation']]}. Then "
            r"\(\partial L/\partial W = \sum_t \partial L/\partial z_t\, x_t^{\top}\), and "
            r"likewise for V (with \(h_{t-1}\)), b and C (with \(\partial L/\partial o_t\) "
            r"and \(h_t\)).")
    return Question(
        "gradients", r"Backpropagate through time: compute \(\partial L/\partial W\), "
        r"\(\partial L/\partial V\), \(\partial L/\partial b\) and \(\partial L/\partial C\).",
        tuple(Answer(name, a[name], rf"\frac{{\partial L}}{{\partial {name[1]}}}")
              for name in rnn.GRADIENT_SUMS),
        (*back, *grads), hint, work=_gradients_work(v, p))


def _gradients_work(v: dict, p: dict) -> Work:
    """The backward pass from dL/do_t and the four gradients, by hand."""
    return Work() + rnn.backprop_work(len(p["W"]), len(p["W"][0]), len(p["C"]),
                                      p["activation"], len(v["steps"]), rnn.GRADIENT_SUMS)


def questions(ex) -> list[Question]:
    """Each step's o_t and p_t, the loss and perplexity, dL/do_t, and the gradients."""
    p, a, v = ex.params, ex.answers, view(ex)
    return [*(_step_question(s, p, ex.decimals) for s in v["steps"]),
            _loss_question(v, a), _do_question(v), _gradient_question(v, a, p)]
