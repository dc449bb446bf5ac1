"""Sheet settings: the [sheet] section, and one section per exercise kind.

Each kind declares its own section (``SETTINGS``: defaults and limits); a TOML
file (``--config``) and CLI options override them. Every value is checked here,
so errors name the field.
"""

from __future__ import annotations

import copy
from pathlib import Path

from .errors import InputError
from .exercises import ACTIVITY, REGISTRY
from .settings import Positive, Setting, Whole, Words
from .userfiles import parse_toml, read_text

SHEET: dict[str, Setting] = {
    "title": Setting("Recurrent neural networks by hand"),
    "course": Setting(""),
    "date": Setting(""),
    "decimals": Whole(4, 1, 10),  # printed decimals for tanh/sigmoid answers
    "grid_limit": Positive(0.9),  # parameters are multiples of grid_step in [-limit, limit]
    "grid_step": Positive(0.1),
    "parts": Words(list(ACTIVITY)),  # the kinds on the sheet, in order
    "minutes": Whole(0, 0, 600),  # a time budget: parts that do not fit are left out (0: none)
}

#: Every section and its settings: [sheet], then a section per registered kind.
SECTIONS: dict[str, dict[str, Setting]] = {"sheet": SHEET,
                                         **{name: k.SETTINGS for name, k in REGISTRY.items()}}
DEFAULTS: dict[str, dict] = {section: {key: s.default for key, s in fields.items()}
                             for section, fields in SECTIONS.items()}


def load_settings(path: Path | None = None, overrides: dict | None = None,
                  shared: dict | None = None, kinds: list[str] | None = None) -> dict:
    """Defaults, then the TOML file at ``path``, then ``overrides`` ({section: {key: value}}),
    then ``shared`` options ({name: value}, from the CLI) for each kind on the sheet that
    follows them (``kinds``, by default the sheet's parts)."""
    settings = copy.deepcopy(DEFAULTS)
    layers = []
    if path is not None:
        layers.append((str(path), read_toml(path)))
    if overrides:
        layers.append(("option", overrides))
    for where, layer in layers:
        if not isinstance(layer, dict):
            raise InputError(where, "expected a table of sections")
        for section, values in layer.items():
            if section not in SECTIONS:
                raise InputError(f"{where}: [{section}]",
                                 f"unknown section; expected one of {', '.join(SECTIONS)}")
            if not isinstance(values, dict):
                raise InputError(f"{where}: {section}", "expected a table of settings")
            for key, value in values.items():
                if key not in SECTIONS[section]:
                    raise InputError(f"{where}: {section}.{key}",
                                     "unknown setting; expected one of "
                                     + ", ".join(SECTIONS[section]))
                loc = f"--{key}" if where == "option" else f"{where}: {section}.{key}"
                settings[section][key] = SECTIONS[section][key].check(loc, value)
                if (section, key) == ("sheet", "parts"):
                    _known_kinds(loc, settings[section][key])
    for option, value in (shared or {}).items():
        for name in dict.fromkeys(kinds or settings["sheet"]["parts"]):
            if option in REGISTRY[name].CLI_OPTIONS:
                settings[name][option] = SECTIONS[name][option].check(f"--{option}", value)
    for name, kind in REGISTRY.items():
        kind.check_settings(settings[name], name)
    return settings


def _known_kinds(where: str, names: list[str]) -> None:
    for name in names:
        if not isinstance(name, str) or name not in REGISTRY:
            raise InputError(where, f"unknown exercise kind {name!r}; expected a comma list "
                             "of " + ", ".join(REGISTRY))


def read_toml(path: Path) -> dict:
    """A TOML file as a dict; errors name the file (and the line, for syntax)."""
    return parse_toml(path, read_text(path, "a TOML file"))


def describe() -> str:
    """The sections and their settings, for --help."""
    return "; ".join(f"[{section}] ({', '.join(fields)})" for section, fields in SECTIONS.items())
