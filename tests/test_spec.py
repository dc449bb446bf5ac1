"""--spec files: the instructor's own numbers, completed from the seed where left out."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from verify import verify

from rnnsheets.cli import main
from rnnsheets.exercises import solve
from rnnsheets.numbers import decode_exact

FULL = {"exercises": [
    {"kind": "forward", "params": {
        "W": [[0.5, -0.3], [0.2, 0.4]], "V": [[0.1, 0.2], [-0.3, 0.5]], "b": [0.1, -0.2],
        "C": [[1, 0], [0.5, -0.5]], "h_init": [0, 0], "x": [[1, 0], [0, 1]],
        "activation": "relu"}},
    {"kind": "bigram", "params": {"corpus": [["i", "like", "tea"], ["i", "like", "cake"]],
                                  "k": 1, "query": ["i", "like"]}},
    {"kind": "bigram_rnn", "params": {"T": [["2/3", "1/3"], [0.25, 0.75]], "vocab": ["a", "b"],
                                      "activation": "sigmoid", "x": [[1, 0]]}},
    {"kind": "bptt", "params": {
        "W": [[0.5, -0.3], [0.2, 0.4]], "V": [[0.1, 0.2], [-0.3, 0.5]], "b": [0.1, -0.1],
        "C": [[1, 0], [0.5, -0.5]], "h_init": [0, 0], "x": [[1, 0], [0, 1], [1, 0], [0, 1]],
        "activation": "relu", "entry": [0, 1], "expand": [1, 2, 3]}},
]}


def _generate(tmp_path, spec: dict | str, name="spec.json", *extra):
    path = tmp_path / name
    path.write_text(spec if isinstance(spec, str) else json.dumps(spec))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", "--spec", str(path), "--out", str(out), "--no-pdf",
                                  *extra])
    return r, out


def test_full_spec_is_solved_as_given(tmp_path):
    r, out = _generate(tmp_path, FULL)
    assert r.exit_code == 0, r.output
    ex = json.loads((out / "answers.json").read_text())["variants"][0]["exercises"]
    assert ex[0]["params"]["W"] == [[0.5, -0.3], [0.2, 0.4]]
    # z_0 = W e_0 + b = (0.6, 0); by hand
    assert ex[0]["answers"]["z"][0] == [0.6, 0]
    assert ex[1]["answers"]["likelihood"] == 0.5  # P(like|i) = (2+1)/(2+4)
    for e in ex:
        verify(solve(e["kind"], decode_exact(e["params"]), 4))


def test_toml_spec(tmp_path):
    text = ('[[exercises]]\nkind = "bigram"\n[exercises.params]\n'
            'corpus = [["a", "b"], ["b", "a"]]\nquery = ["a", "b", "a"]\nk = "1/2"\n')
    r, out = _generate(tmp_path, text, "spec.toml")
    assert r.exit_code == 0, r.output
    (e,) = json.loads((out / "answers.json").read_text())["variants"][0]["exercises"]
    # P(b|a) = (1 + 1/2)/(1 + 1) = 3/4, P(a|b) likewise
    assert e["answers"]["likelihood"] == 0.5625
    assert e["answers"]["T"][0] == [0.25, 0.75]  # P(a|a) = (0 + 1/2)/(1 + 2 * 1/2)


def test_missing_params_are_drawn_around_the_given_ones(tmp_path):
    spec = {"exercises": [{"kind": "forward", "params": {"W": [[0.1, 0.2, 0.3]]}},
                          {"kind": "bptt", "params": {"activation": "identity"}}]}
    r, out = _generate(tmp_path, spec, "spec.json", "--seed", "4")
    assert r.exit_code == 0, r.output
    f, b = json.loads((out / "answers.json").read_text())["variants"][0]["exercises"]
    assert f["params"]["W"] == [[0.1, 0.2, 0.3]]
    assert len(f["params"]["V"]) == 1 and len(f["params"]["x"][0]) == 3
    assert b["params"]["activation"] == "identity" and b["exact"]


@pytest.mark.parametrize("spec, message", [
    ({"exercises": [{"kind": "bigram", "params": {"query": ["a", "b"]}}]},
     "exercises[0].params.corpus: missing field"),
    ({"exercises": [{"kind": "gru"}]}, "exercises[0].kind: unknown exercise kind 'gru'"),
    ({"exercises": [{"kind": "forward", "params": {"W": [[0.1, 0.2]], "V": [[1, 2], [3, 4]]}}]},
     "exercises[0].params.V: expected a 1x1 matrix"),
    ({"exercises": [{"kind": "forward", "params": {"W": [[0.1, "x"]]}}]},
     "exercises[0].params.W[0][1]: expected a number, found 'x'"),
    ({"exercises": [{"kind": "bigram_rnn", "params": {"T": [[1, 0], [0.5, 0.5]],
                                                      "vocab": ["a", "b"]}}]},
     "exercises[0].params.T[0][0]: 1 is outside (0, 1)"),
    ({"exercises": [{"kind": "bigram", "params": {"corpus": [["a", "b"]], "query": ["a", "c"]}}]},
     "exercises[0].params.query: word 'c' is not in the corpus vocabulary"),
    ({"exercises": []}, "exercises: expected a non-empty list"),
])
def test_spec_errors_name_the_field(tmp_path, spec, message):
    r, out = _generate(tmp_path, spec)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.output
    assert "spec.json" in lines[0]
    assert not out.exists()


def test_invalid_json_names_the_line(tmp_path):
    r, _ = _generate(tmp_path, '{"exercises": [\n  {"kind": }\n]}')
    assert r.exit_code == 2 and "line 2" in r.output


def test_relu_zero_preactivation_in_bptt_is_named(tmp_path):
    bad = json.loads(json.dumps(FULL["exercises"][3]))
    bad["params"]["b"] = [0.1, -0.2]  # z_0[1] = 0.2 - 0.2
    r, _ = _generate(tmp_path, {"exercises": [bad]})
    assert r.exit_code == 2 and "z_0[1] is exactly 0" in r.output


def test_a_build_is_rebuilt_exactly_from_its_answers_json(tmp_path):
    """Draw rules may change between versions; a build's own answers.json as the spec gives
    the same variants (ids, names, numbers), title block and decimals, byte for byte."""
    roster = tmp_path / "class.csv"
    roster.write_text("id,name\ns1,Ada Lovelace\ns2,Émile Borel\n")
    first = ["generate", "--seed", "11", "--roster", str(roster), "--activation", "tanh",
             "--decimals", "3", "--parts", "forward,bigram,bptt,softmax_lm",
             "--format", "tex,html,moodle,qti", "--out", str(tmp_path / "a")]
    assert CliRunner().invoke(main, first).exit_code == 0
    again = CliRunner().invoke(main, ["generate", "--spec", str(tmp_path / "a/answers.json"),
                                      "--format", "tex,html,moodle,qti",
                                      "--out", str(tmp_path / "b")])
    assert again.exit_code == 0, again.output
    assert "2 variants (seed 11)" in again.output
    for name in ("answers.json", "key.tex", "worksheet.tex", "sheet.html", "moodle.xml",
                 "canvas-qti.zip"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("extra, message", [
    (["--seed", "12"], "--seed: the build was made with seed 11"),
    (["--variants", "3"], "--variants: a build's answers.json fixes it"),
    (["--activation", "relu"], "the exercise options: a build's answers.json fixes it"),
])
def test_rebuild_refuses_options_that_would_change_it(tmp_path, extra, message):
    assert CliRunner().invoke(main, ["generate", "--seed", "11", "--no-pdf", "--out",
                                     str(tmp_path / "a")]).exit_code == 0
    r = CliRunner().invoke(main, ["generate", "--spec", str(tmp_path / "a/answers.json"),
                                  "--no-pdf", "--out", str(tmp_path / "b"), *extra])
    assert r.exit_code == 2 and message in r.output, r.output


def test_a_part_that_continues_another_must_have_its_network_and_tokens(tmp_path):
    net = {"W": [[0.5, -0.3], [0.2, 0.4]], "V": [[0.1, 0.2], [-0.3, 0.5]], "b": [0.1, -0.1],
           "C": [[1, 0], [0, -1]], "h_init": [0, 0], "activation": "relu"}
    spec = {"exercises": [{"kind": "forward", "params": {**net, "x": [[1, 0], [0, 1]]}},
                          {"kind": "bptt", "params": {**net, "x": [[0, 1], [1, 0], [0, 1]],
                                                      "continues": 1}}]}
    r, _ = _generate(tmp_path, spec)
    assert r.exit_code == 2 and "exercises[1].params.continues: part 1 is not" in r.output
    spec["exercises"][1]["params"]["x"] = [[1, 0], [0, 1], [1, 0]]
    r, out = _generate(tmp_path, spec, "ok.json")
    assert r.exit_code == 0, r.output
    assert "the RNN of Part 1" in (out / "worksheet.tex").read_text()


def test_a_given_corpus_gets_a_query_even_when_it_repeats_no_pair(tmp_path):
    spec = {"exercises": [{"kind": "bigram", "params": {
        "corpus": [["we", "like", "tea"], ["you", "want", "cake"]]}}]}
    r, _ = _generate(tmp_path, spec)
    assert r.exit_code == 0, r.output
