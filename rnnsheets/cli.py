"""The command line: Click only; the work is done by library functions."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from . import __version__
from .config import describe
from .core import ACTIVATION_NAMES
from .errors import RnnsheetsError, printable
from .exercises import ACTIVITY, REGISTRY
from .formats import parse_formats
from .generate import (
    MAX_PDF_VARIANTS,
    MAX_VARIANTS,
    build_files,
    draw_all,
    fit_budget,
    layout_warnings,
    make_request,
)
from .grade import FOLDER, UNREADABLE, grade
from .output import publish, refuse_foreign


class CleanError(click.ClickException):
    """A user-facing error: one line, exit status 2, with anything a terminal would act on
    (escape sequences, line breaks, bidi controls) shown as an escape instead."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


def _overrides(decimals, parts, minutes=None) -> dict:
    """[sheet] settings from the CLI."""
    o: dict[str, dict] = {}
    if minutes is not None:
        o.setdefault("sheet", {})["minutes"] = minutes
    if decimals is not None:
        o.setdefault("sheet", {})["decimals"] = decimals
    if parts is not None:
        o.setdefault("sheet", {})["parts"] = parts
    return o


class Seed(click.ParamType):
    """A non-negative integer."""

    name = "seed"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) <= 19:  # below 2^63
            return int(text)
        shown = repr(value) if len(str(value)) <= 40 else f"{len(str(value))} characters"
        self.fail(f"expected a non-negative integer of at most 19 digits, found {shown}", param,
                  ctx)


class OneLineErrors(click.Group):
    """Usage errors of subcommands as one line, like every other error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CleanError:
            raise
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx else "rnnsheets"
            raise CleanError(f"{e.format_message()} (see '{where} --help')") from None


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rnnsheets")
def main() -> None:
    """Fresh worksheets and right answer keys for teaching recurrent neural networks."""
    # A polite kill (SIGTERM) unwinds like Ctrl-C: TeX is stopped, temporary files removed.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--seed", type=Seed(), default=None,
              help="Draws every number on the sheet; the same seed gives the same sheet.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder [default: build/seed-SEED].")
@click.option("--spec", type=click.Path(path_type=Path), default=None,
              help="JSON or TOML file of your own exercises: "
                   '{"exercises": [{"kind": ..., "params": {...}}]}. '
                   "Params left out are drawn from the seed [default seed: 0].")
@click.option("--config", type=click.Path(path_type=Path), default=None,
              help=f"TOML file of settings: sections {describe()}.")
@click.option("--parts", default=None,
              help="Comma list of exercise kinds on the sheet, in order (any of "
                   f"{', '.join(REGISTRY)}) [default: {','.join(ACTIVITY)}].")
@click.option("--activation", type=click.Choice(ACTIVATION_NAMES), default=None,
              help="Activation of the RNN parts [default: relu].")
@click.option("--hidden", type=click.IntRange(1, 8), default=None,
              help="Hidden units of the RNN parts [default: 2].")
@click.option("--steps", type=click.IntRange(1, 8), default=None,
              help="Time steps of the forward parts, the sequence length N of the loss parts "
                   "[default: 2].")
@click.option("--k", "k", type=str, default=None,
              help="Add-k smoothing constant of the bigram part [default: 1, Laplace].")
@click.option("--orientation", type=click.Choice(["row", "column"]), default=None,
              help="How the bigram table reads: row = previous word [default: row].")
@click.option("--decimals", type=click.IntRange(1, 10), default=None,
              help="Decimals printed for tanh/sigmoid answers [default: 4].")
@click.option("--minutes", type=click.IntRange(1, 600), default=None,
              help="A time budget in minutes: the parts are kept in order while they fit "
                   "(by the time model the key states), the rest left out and named.")
@click.option("--format", "formats", default="pdf", show_default=True,
              help="Comma list of outputs: pdf (worksheet and key, with their .tex), tex "
                   "(sources only), moodle (moodle.xml), qti (canvas-qti.zip), html "
                   "(sheet.html, self-contained, with answer checking).")
@click.option("--no-pdf", is_flag=True, help="Same as --format tex: no TeX run.")
@click.option("--variants", type=int, default=None,
              help="A class set of N variants, ids 1..N, each with its own numbers.")
@click.option("--roster", type=click.Path(path_type=Path), default=None,
              help="A class set from a CSV file with a header row and columns id and name "
                   "(others ignored): a variant per student, drawn from (seed, id) alone.")
@click.option("--force", is_flag=True,
              help="Build into an --out folder that holds files rnnsheets did not write "
                   "(they are kept).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; only the summary.")
def generate(seed, out, spec, config, parts, activation, hidden, steps, k, orientation,
             decimals, minutes, formats, no_pdf, variants, roster, force, quiet) -> None:
    """Draw a sheet from a seed, solve it, and write it into the output folder.

    Writes worksheet.pdf and key.pdf (with their .tex sources, which compile on
    their own with pdflatex) and answers.json, every answer in full precision.
    A class set (--variants or --roster) puts every variant in the combined
    PDFs, each on a fresh sheet, an answer grid at the end of the key, and each
    variant's own PDFs (and sheet.html, with --format html) in variants/<id>/.
    """
    if seed is None and spec is None:
        raise CleanError("--seed is required (a non-negative integer), or give --spec")
    if spec is not None and parts is not None:
        raise CleanError("--parts: give --parts or --spec, not both (a spec lists its exercises)")
    if out is None:
        out = Path("build") / (f"seed-{seed}" if spec is None else
                               spec.parent.name if spec.name == "answers.json" else spec.stem)
    try:
        req = make_request(seed, config, spec,
                           _overrides(decimals, parts, minutes), variants, roster,
                           shared={name: value for name, value in (
                               ("activation", activation), ("hidden", hidden), ("steps", steps),
                               ("k", k), ("orientation", orientation)) if value is not None})
        chosen = parse_formats(formats)
        if no_pdf:
            chosen = tuple(dict.fromkeys("tex" if f == "pdf" else f for f in chosen))
        refuse_foreign(out, force)  # before the build, not after it
        n = len(req.variant_ids)
        if "pdf" in chosen and n > MAX_PDF_VARIANTS:
            raise CleanError(f"{'--roster' if roster else '--variants'}: {n} variants; at most "
                             f"{MAX_PDF_VARIANTS} with PDFs "
                             f"(up to {MAX_VARIANTS} with --no-pdf or other formats)")
        show = n > 1 and not quiet and sys.stderr.isatty()
        with _progress(show, n * (3 if "pdf" in chosen else 1)) as bar:
            lock = threading.Lock()

            def tick(k: int) -> None:
                with lock:
                    bar.update(k)

            drawn = draw_all(req, progress=tick)
            drawn, left_out = fit_budget(req, drawn)
            files = build_files(req, drawn, chosen, progress=tick)
        publish(out, files, force, checked=True)
    except RnnsheetsError as e:
        raise CleanError(str(e)) from None
    except KeyboardInterrupt:
        click.echo(f"interrupted: {out} is as it was before", err=True)
        raise SystemExit(130) from None
    for line in layout_warnings(files, drawn):
        click.echo(f"warning: {line}", err=True)
    if left_out:
        click.echo(f"left out to fit {req.settings['sheet']['minutes']} minutes: {left_out}")
    click.echo(f"wrote {out}: {n} variant{'s' if n != 1 else ''} (seed {req.seed}), "
               f"{_summary(files)}")


def _summary(files: dict) -> str:
    pdfs = sum(name.endswith(".pdf") for name in files)
    pages = sum(name.startswith("variants/") and name.endswith(".html") for name in files)
    names = [f for f in files if "/" not in f and not f.endswith(".pdf")]
    return ", ".join(names + ([f"{pdfs} PDF{'s' if pdfs != 1 else ''}"] if pdfs else [])
                     + ([f"{pages} variant pages"] if pages else []))


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _progress(show: bool, total: int):
    """A progress bar on stderr, or nothing."""
    if not show:
        return _NoBar()
    return click.progressbar(length=total, label="building", file=sys.stderr,
                             show_pos=False, show_percent=True)


@main.command(name="check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--full", is_flag=True,
              help="Typeset a class set's PDFs again whole, not a sample of its variants.")
def check_command(path: Path, full: bool) -> None:
    """Prove a build folder, or audit a hand-made key.

    PATH is a build folder: every answer in answers.json is solved again from
    its params, every number in key.tex and worksheet.tex is compared with a
    fresh render (a worksheet that prints an answer is named), and each PDF is
    checked to be built from its current .tex and to show, page by page, what
    typesetting it again shows. Of a class set of more than three variants,
    the first, the last and one chosen at random are typeset again (with the
    key's answer grid), the others proven by their checksums and their own
    PDFs against the combined ones; --full typesets everything.

    PATH is a --spec file whose exercises carry "answers" (your own key):
    each answer is compared with the true value; answers rounded to the
    decimals they show are accepted, and a wrong one names the first wrong
    step of the working.

    Exit status 0 when everything holds, 1 when something does not.
    """
    from .check import check  # only here: a build need not load it

    try:
        report = check(path, full)
    except RnnsheetsError as e:
        raise CleanError(str(e)) from None
    for line in report.notes:
        click.echo(f"note: {line}")
    for line in report.problems:
        click.echo(f"MISMATCH: {line}")
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)


@main.command(name="grade")
@click.argument("build", type=click.Path(path_type=Path))
@click.argument("responses", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help=f"Output folder [default: BUILD/{FOLDER}].")
@click.option("--credit", type=float, default=1.0, show_default=True,
              help="The share of a mark an answer earns that is wrong but right from the "
                   "student's own earlier answers (follow-through).")
def grade_command(build: Path, responses: tuple[Path, ...], out: Path | None,
                  credit: float) -> None:
    """Mark a class's answers against a build's key.

    RESPONSES are CSV files (a row per student: id, name, then a column per
    answer, as in the build's responses-template.csv) and JSON files (as
    sheet.html's "Download my answers" writes them). Each answer is marked with
    the tolerance answers.json gives it; a wrong one that is right from the
    student's own earlier answers earns follow-through credit, and one that
    matches a known misconception is named.

    Writes grades.csv (for a gradebook), report.html (score distributions and
    misconceptions), unreadable.csv and a feedback page per student in
    feedback/. Nothing there that rnnsheets did not write is replaced.
    """
    try:
        result = grade(build, list(responses), out, credit)
    except RnnsheetsError as e:
        raise CleanError(str(e)) from None
    for line in result.notes:
        click.echo(f"note: {printable(line)}")
    bad = result.count(UNREADABLE)
    click.echo(f"wrote {printable(str(result.out))}: {len(result.graded)} student"
               f"{'s' if len(result.graded) != 1 else ''} marked, grades.csv, report.html, "
               "feedback/"
               + (f"; {bad} unreadable cell{'s' if bad != 1 else ''} scored 0 "
                  "(unreadable.csv)" if bad else ""))
