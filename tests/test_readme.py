"""The README's two commands are the ones the project really runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands():
    text = (ROOT / "README.md").read_text()
    blocks = text.split("```")[1::2]
    return [line.strip() for b in blocks for line in b.splitlines()[1:] if line.strip()]


def test_ci_runs_the_readme_test_command():
    commands = _commands()
    test_cmd = next(c for c in commands if "pytest" in c)
    assert test_cmd in (ROOT / ".ci/run").read_text().splitlines()


def test_readme_generate_command_uses_setup():
    gen = next(c for c in _commands() if "generate --seed" in c)
    assert gen.startswith("bash scripts/setup.sh && ")
