"""Random points of the whole option space the CLI accepts, for layout sweeps.

Sizes are drawn up to the limits the CLI states (written out here, not read from the
package), every kind, activation, orientation and boundary setting appears, and a
few sheets carry long titles and grid steps with long decimals.
"""

from __future__ import annotations

import json
import random

KINDS = ("forward", "bigram", "bigram_rnn", "bptt", "softmax_lm", "lstm")
ACTIVATIONS = ("relu", "identity", "tanh", "sigmoid")
LONG_TITLE = ("Recurrent neural networks by hand: forward steps, bigram language models, "
              "designed weights and backpropagation through time (week 3, section B)")


def _size(rng: random.Random, lo: int, hi: int) -> int:
    """Small sizes mostly, the limit often: that is where layouts break."""
    return rng.choice([lo, hi, hi, rng.randint(lo, hi)])


def random_config(rng: random.Random) -> tuple[str, list[str]]:
    """A config TOML text and extra CLI arguments."""
    kinds = rng.sample(KINDS, rng.randint(1, 3))
    act = rng.choice(ACTIVATIONS)
    sheet = {"parts": kinds, "decimals": rng.choice([1, 2, 4, 4, 6, 10])}
    if rng.random() < 0.15:
        sheet["title"] = LONG_TITLE
        sheet["course"] = "CS 4780 / 5780 Machine Learning for Intelligent Systems"
        sheet["date"] = "Wednesday, 29 November 2026"
    if rng.random() < 0.15:
        sheet["grid_step"] = rng.choice(["0.01", "0.05", "1/4", "0.001"])
        sheet["grid_limit"] = rng.choice(["0.9", "2", "9.99"])
    sections = {"sheet": sheet}
    hidden, steps = _size(rng, 1, 8), _size(rng, 1, 8)
    sections["forward"] = {"hidden": hidden, "inputs": _size(rng, 1, 8),
                           "outputs": _size(rng, 1, 8), "steps": steps, "activation": act}
    sentences = _size(rng, 2, 4)
    vocab = {2: (3, 4), 3: (4, 6), 4: (4, 7)}[sentences]  # what the phrase bank can give
    sections["bigram"] = {"sentences": sentences, "vocab": _size(rng, *vocab),
                          "k": rng.choice([1, 1, "1/2", "0.01", 3]),
                          "query_length": _size(rng, 2, 8),
                          "orientation": rng.choice(["row", "column"]),
                          "boundaries": rng.random() < 0.5}
    sections["bigram_rnn"] = {"vocab": _size(rng, 2, 8), "activation": rng.choice(
        ["sigmoid", "tanh", "relu"]), "general": rng.random() < 0.5}
    sections["bptt"] = {"hidden": hidden, "vocab": _size(rng, 2, 8), "steps": steps,
                        "activation": act, "expand": sorted(rng.sample(range(1, 7),
                                                                       rng.randint(1, 3))),
                        "gradients": rng.sample(["W", "V", "b", "C"], rng.randint(1, 4)),
                        "entry": rng.random() < 0.5, "continue": rng.random() < 0.5}
    sections["softmax_lm"] = {"hidden": hidden, "vocab": _size(rng, 2, 8), "steps": steps,
                              "activation": act}
    sections["lstm"] = {"hidden": _size(rng, 1, 4), "inputs": _size(rng, 1, 4),
                        "steps": _size(rng, 1, 4)}
    return toml(sections), []


def toml(sections: dict) -> str:
    """A TOML text of plain sections (JSON's literals are TOML's)."""
    out = []
    for name, values in sections.items():
        out.append(f"[{name}]")
        out += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(out) + "\n"
