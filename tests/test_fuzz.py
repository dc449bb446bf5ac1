"""Fuzzing every input rnnsheets reads: whatever the bytes, a result or one clean line.

Hypothesis drives arbitrary JSON values into specs, settings, rosters, answers.json and
hand keys, and mutates valid ones at random places. The only acceptable outcomes are
success or an RnnsheetsError whose message is one line: never another exception, never
a hang (each example is bounded by the deadline).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnsheets import answersfile
from rnnsheets.check import audit_spec, check_build
from rnnsheets.config import load_settings
from rnnsheets.errors import RnnsheetsError
from rnnsheets.generate import build_files, draw_all, make_request
from rnnsheets.roster import read_roster
from rnnsheets.spec import load_spec

# In CI the examples are derived from the test's name (reproducible runs); elsewhere each
# run explores new ones.
FUZZ = settings(max_examples=1000, deadline=timedelta(seconds=5),
                derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["1/3", "0.1", "-2/7", "1e-9999", "relu", "tanh", "row", "column", "",
                     "\u202e", "\x00", "\\(x\\)", "{1:NUMERICAL:=1:1}", "<s>", "</s>"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def clean_outcome(fn, *args) -> None:
    """fn(*args) succeeds or raises an RnnsheetsError of one line."""
    try:
        fn(*args)
    except RnnsheetsError as e:
        assert "\n" not in str(e) and str(e), repr(e)


#: One folder for every example's files (overwritten), not a new folder per example.
SCRATCH = Path(tempfile.mkdtemp(prefix="rnnsheets-fuzz-"))


def _write(text: str, name: str) -> Path:
    path = SCRATCH / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def _base():
    """A valid variant of every kind, as answers.json and as a spec with answers."""
    req = make_request(3, overrides={"sheet": {"parts": ["forward", "bigram", "bigram_rnn",
                                                         "bptt", "softmax_lm", "lstm"]}})
    variants = draw_all(req)
    return json.loads(build_files(req, variants, ())["answers.json"])


BASE = _base()


def _mutate(doc, data):
    """doc with one place (chosen by hypothesis) replaced by an arbitrary JSON value."""
    doc = json.loads(json.dumps(doc))
    node, path = doc, []
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans(), "deeper"):
        key = data.draw(st.sampled_from(sorted(node) if isinstance(node, dict)
                                        else list(range(len(node)))), "key")
        path.append(key)
        if not isinstance(node[key], (dict, list)):
            break
        node = node[key]
    value = data.draw(json_values, "value")
    if not path:
        return value
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _solve_spec(path: Path) -> None:
    req = make_request(0, spec=path)
    draw_all(req)


@FUZZ
@given(st.data())
def test_fuzzed_specs(data):
    exercises = [{"kind": e["kind"], "params": e["params"]} for e in BASE["variants"][0]
                 ["exercises"]]
    doc = _mutate({"exercises": exercises}, data) if data.draw(st.booleans()) \
        else data.draw(json_values)
    path = _write(json.dumps(doc, allow_nan=True), "spec.json")
    clean_outcome(_solve_spec, path)
    clean_outcome(load_spec, _write(data.draw(st.text(max_size=200)), "spec.toml"))


@FUZZ
@given(st.data())
def test_fuzzed_settings(data):
    sections = {"sheet": {"title": "t", "parts": ["forward"]}, "bigram": {"k": 1},
                "bptt": {"expand": [1, 2]}, "lstm": {"steps": 1}}
    clean_outcome(load_settings, None, _mutate(sections, data))
    clean_outcome(load_settings, _write(data.draw(st.text(max_size=200)), "c.toml"))


@FUZZ
@given(st.text(max_size=300))
def test_fuzzed_rosters(text):
    clean_outcome(read_roster, _write("id,name\n" + text, "r.csv"))
    clean_outcome(read_roster, _write(text, "r.csv"))


@FUZZ
@given(st.data())
def test_fuzzed_answers_json(data):
    folder = SCRATCH / "build"
    folder.mkdir(exist_ok=True)
    doc = _mutate(BASE, data)
    (folder / answersfile.NAME).write_text(json.dumps(doc, allow_nan=True))
    clean_outcome(check_build, folder)


@FUZZ
@given(st.data())
def test_fuzzed_hand_keys(data):
    exercises = [{"kind": e["kind"], "params": e["params"], "answers": e["answers"]}
                 for e in BASE["variants"][0]["exercises"]]
    doc = _mutate({"exercises": exercises}, data)
    clean_outcome(audit_spec, _write(json.dumps(doc, allow_nan=True), "key.json"))
