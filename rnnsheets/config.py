"""Sheet settings: sizes, activations, smoothing, the grid and the title block.

Defaults give the class activity's shape; a TOML file (``--config``) and CLI
options override them. Every value is checked here, so errors name the field.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path

from .errors import InputError
from .numbers import to_fraction
from .userfiles import parse_toml, read_text

ACTIVATION_NAMES = ("relu", "identity", "tanh", "sigmoid")

DEFAULTS: dict[str, dict] = {
    "sheet": {"title": "Recurrent neural networks by hand", "course": "", "date": "",
              "decimals": 4, "grid_limit": 0.9, "grid_step": 0.1},
    "forward": {"hidden": 2, "inputs": 2, "outputs": 2, "steps": 2, "activation": "relu"},
    "bigram": {"min_sentences": 1, "max_sentences": 3, "k": 1, "query_length": 2,
               "orientation": "row", "boundaries": False},
    "bigram_rnn": {"vocab": 2, "activation": "sigmoid", "steps": 2},
    "bptt": {"hidden": 2, "vocab": 2, "steps": 2, "activation": "relu",
             "expand": [1, 2, 3], "entry": True},
}

# field -> (kind of value, lower bound, upper bound)
_LIMITS = {
    "hidden": (int, 1, 8), "inputs": (int, 1, 8), "outputs": (int, 1, 8), "steps": (int, 1, 8),
    "vocab": (int, 2, 8), "min_sentences": (int, 1, 6), "max_sentences": (int, 1, 6),
    "query_length": (int, 2, 8), "decimals": (int, 1, 10),
}
_CHOICES = {"activation": ACTIVATION_NAMES, "orientation": ("row", "column")}


def load_settings(path: Path | None = None, overrides: dict | None = None) -> dict:
    """Defaults, then the TOML file at ``path``, then ``overrides`` ({section: {key: value}})."""
    settings = copy.deepcopy(DEFAULTS)
    layers = []
    if path is not None:
        layers.append((str(path), read_toml(path)))
    if overrides:
        layers.append(("option", overrides))
    for where, layer in layers:
        for section, values in layer.items():
            if section not in settings:
                raise InputError(f"{where}: [{section}]",
                                 f"unknown section; expected one of {', '.join(settings)}")
            if not isinstance(values, dict):
                raise InputError(f"{where}: {section}", "expected a table of settings")
            for key, value in values.items():
                if key not in settings[section]:
                    raise InputError(f"{where}: {section}.{key}",
                                     "unknown setting; expected one of "
                                     + ", ".join(settings[section]))
                loc = f"--{key}" if where == "option" else f"{where}: {section}.{key}"
                settings[section][key] = _checked(loc, key, value, settings[section][key])
    for section in ("bigram",):
        s = settings[section]
        if s["min_sentences"] > s["max_sentences"]:
            raise InputError("bigram.min_sentences", "must not exceed bigram.max_sentences")
    return settings


def read_toml(path: Path) -> dict:
    """A TOML file as a dict; errors name the file (and the line, for syntax)."""
    return parse_toml(path, read_text(path, "a TOML file"))


def _checked(where: str, key: str, value, default):
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            raise InputError(where, f"expected one of {', '.join(_CHOICES[key])}, found {value!r}")
        return value
    if key in _LIMITS:
        _, lo, hi = _LIMITS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise InputError(where, f"expected a whole number from {lo} to {hi}, found {value!r}")
        return value
    if key in ("k", "grid_limit", "grid_step"):
        try:
            x = to_fraction(value)
        except ValueError:
            x = Fraction(-1)
        if x <= 0 or x > 100:
            raise InputError(where, f"expected a positive number, found {value!r}")
        return value
    if key == "expand":
        if (not isinstance(value, list) or not value
                or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 6
                           for n in value)):
            raise InputError(where, "expected a list of sequence lengths from 1 to 6, "
                             f"found {value!r}")
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise InputError(where, f"expected true or false, found {value!r}")
        return value
    if not isinstance(value, str):
        raise InputError(where, f"expected text, found {value!r}")
    return value


def grid(settings: dict) -> tuple[Fraction, Fraction]:
    """The (limit, step) of the parameter grid."""
    s = settings["sheet"]
    return to_fraction(s["grid_limit"]), to_fraction(s["grid_step"])
