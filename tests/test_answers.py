"""Every answer of every kind against an independent computation, over hundreds of seeds."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from verify import verify

from rnnsheets.answersfile import dumps, exercise_json
from rnnsheets.config import load_settings
from rnnsheets.exercises import REGISTRY, solve
from rnnsheets.numbers import decode_exact
from rnnsheets.sheet import draw_variant

ACTIVATIONS = ("relu", "identity", "tanh", "sigmoid")


def _settings(i: int) -> dict:
    """Vary the settings with the seed so a sweep covers every option, and put every
    registered kind on the sheet (in or out of the default activity)."""
    act = ACTIVATIONS[i % 4]
    return load_settings(overrides={
        "sheet": {"parts": list(REGISTRY)},
        "forward": {"activation": act, "hidden": 1 + i % 3, "steps": 1 + i % 3},
        "bptt": {"activation": act, "hidden": 1 + (i // 4) % 3, "steps": 1 + (i // 2) % 3},
        "bigram": {"orientation": ("row", "column")[i % 2], "boundaries": i % 3 == 0,
                   "k": ("1", "1/2", "2")[i % 3]},
        "bigram_rnn": {"activation": ACTIVATIONS[(i + 1) % 4], "vocab": 2 + i % 3},
    })


def _flat(v):
    if isinstance(v, list):
        for e in v:
            yield from _flat(e)
    elif isinstance(v, dict):
        for e in v.values():
            yield from _flat(e)
    else:
        yield v


@pytest.mark.parametrize("chunk", range(6))
def test_sweep_default_activity(chunk):
    """300 seeds of the default activity: oracles, exactness, determinism, JSON round trip."""
    settings = load_settings()
    for seed in range(chunk * 50, chunk * 50 + 50):
        _check_variant(seed, settings)


@pytest.mark.parametrize("chunk", range(4))
def test_sweep_varied_settings(chunk):
    """200 seeds over every activation, orientation, boundary and smoothing setting."""
    for seed in range(1000 + chunk * 50, 1000 + chunk * 50 + 50):
        _check_variant(seed, _settings(seed))


def _check_variant(seed: int, settings: dict) -> None:
    v = draw_variant(seed, "1", settings)
    assert [e.kind for e in v.exercises] == settings["sheet"]["parts"]
    again = draw_variant(seed, "1", settings)
    assert [exercise_json(e) for e in v.exercises] == [exercise_json(e) for e in again.exercises]
    for ex in v.exercises:
        try:
            verify(ex)
        except AssertionError as err:
            raise AssertionError(f"seed {seed}, {ex.kind}: {err}") from err
        for value in _flat(ex.answers):
            if ex.exact:
                assert not isinstance(value, float), (seed, ex.kind, value)
            if isinstance(value, (float, Fraction)):
                assert math.isfinite(value)
        # answers.json round trip: exact values come back exactly, floats bit for bit
        back = json.loads(dumps(exercise_json(ex)))
        if ex.exact:
            assert decode_exact(back["answers"]) == ex.answers
        else:
            assert list(_flat(back["answers"])) == [
                float(x) if isinstance(x, Fraction) else x for x in _flat(ex.answers)]
        assert decode_exact(back["params"]) == ex.params
        # solving the recorded params again gives the recorded answers
        assert solve(ex.kind, decode_exact(back["params"]), ex.decimals).answers == ex.answers


def test_relu_sheets_never_put_a_preactivation_at_zero():
    settings = load_settings(overrides={"sheet": {"grid_step": 0.5, "grid_limit": 0.5}})
    for seed in range(200):
        v = draw_variant(seed, "1", settings)
        for ex in v.exercises:
            if ex.kind in ("forward", "bptt") and ex.params["activation"] == "relu":
                assert all(z != 0 for step in ex.answers["z"] for z in step)


def test_oracle_catches_a_wrong_key():
    """The checks can fail: a key with one slip is rejected by each oracle."""
    v = draw_variant(5, "1", load_settings())
    for ex in v.exercises:
        field = {"forward": "o", "bigram": "likelihood", "bigram_rnn": "check",
                 "bptt": "dW"}[ex.kind]
        value = ex.answers[field]
        bumped = json.loads(json.dumps(value, default=str))
        ex.answers[field] = _bump(value)
        with pytest.raises(AssertionError):
            verify(ex)
        assert bumped is not None


def _bump(v):
    if isinstance(v, list):
        return [_bump(v[0]), *v[1:]]
    return v + Fraction(1, 1000)


def test_order_lists_every_answer_field():
    """ORDER (used to find a hand key's first wrong step) names every field a solver returns."""
    for seed in range(20):
        for ex in draw_variant(seed, "1", _settings(seed)).exercises:
            assert list(ex.answers) == [f for f in REGISTRY[ex.kind].ORDER if f in ex.answers]
