"""Seeded drawing: pinned results, independence of exercises and variants."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rnnsheets.answersfile import exercise_json, variant_json
from rnnsheets.config import load_settings
from rnnsheets.numbers import encode
from rnnsheets.sheet import Planned, draw_variant
from rnnsheets.stream import Stream, derive_seed

# Drawn on one machine and pinned: the same seed must give the same sheet on any
# machine and NumPy release. The draw rules changed these once on purpose (draws worth
# computing); a build made before is made again from its own answers.json.
GOLDEN = {
    0: (3928546194341358692, [[0.9, -0.5], [-0.1, -0.2]],
        [["it", "is", "warm"], ["is", "it", "warm"], ["it", "is", "cold"]],
        [[0.8, 0.2], [0.5, 0.5]], [[1, 0], [1, 0], [0, 1]]),
    1: (5371189527054768661, [[0.7, 0.5], [0.9, -0.3]],
        [["trains", "run", "late"], ["trains", "stop", "late"], ["trains", "run"]],
        [["2/3", "1/3"], ["3/7", "4/7"]], [[0, 1], [0, 1], [1, 0]]),
    42: (7743259390662815784, [[-0.4, 0.6], [-0.8, 0.4]],
        [["mice", "chase", "cats"], ["cats", "chase", "mice"], ["cats", "chase", "dogs"]],
        [["2/3", "1/3"], [0.25, 0.75]], [[0, 1], [0, 1], [1, 0]]),
    2**40: (199137072670431669, [[0.7, -0.7], [0.1, 0.9]],
        [["trains", "run"], ["trains", "run", "late"], ["trains", "stop", "late"]],
        [[0.75, 0.25], ["3/7", "4/7"]], [[0, 1], [1, 0], [0, 1]]),
}


@pytest.mark.parametrize("seed", GOLDEN)
def test_golden_draws(seed):
    vseed, W, corpus, T, xs = GOLDEN[seed]
    v = draw_variant(seed, "1", load_settings())
    f, b, r, t = v.exercises
    assert v.seed == vseed
    assert encode(f.params["W"]) == W
    assert b.params["corpus"] == corpus
    assert encode(r.params["T"]) == T
    assert encode(t.params["x"]) == xs


def test_raw_stream_is_pinned():
    s = Stream(1, "forward", 0)
    assert [s.below(1000) for _ in range(8)] == [891, 855, 987, 546, 990, 461, 171, 668]
    assert derive_seed(42, "1") == 7743259390662815784


def test_grid_values_are_tenths_in_range():
    s = Stream(3)
    values = [s.grid(Fraction(9, 10), Fraction(1, 10)) for _ in range(2000)]
    assert set(values) == {Fraction(i, 10) for i in range(-9, 10)}


def test_removing_an_exercise_changes_no_other():
    settings = load_settings()
    full = draw_variant(9, "1", settings)
    plan = [Planned("forward"), Planned("bigram_rnn"), Planned("bptt")]
    part = draw_variant(9, "1", settings, plan)
    by_kind = {e.kind: exercise_json(e) for e in full.exercises}
    for e in part.exercises:
        assert exercise_json(e) == by_kind[e.kind]


def test_variants_depend_on_seed_and_id_only():
    settings = load_settings()
    a = draw_variant(5, "alice", settings)
    assert variant_json(draw_variant(5, "alice", settings)) == variant_json(a)
    assert variant_json(draw_variant(5, "bob", settings)) != variant_json(a)
    assert variant_json(draw_variant(6, "alice", settings)) != variant_json(a)
