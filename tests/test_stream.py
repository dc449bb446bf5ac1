"""Sources streamed to TeX as they render, TeX started before the library loads, variants
drawn when first used: the PDFs are those of the .tex files written, and nothing is left
running when a build stops."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rnnsheets import latex
from rnnsheets.errors import BuildError
from rnnsheets.forked import side_by_side
from rnnsheets.generate import draw_all, make_request
from rnnsheets.launch import typesets
from rnnsheets.sheet import draw_variant
from rnnsheets.templating import tex_preamble

EXE = str(Path(sys.executable).parent / "rnnsheets")
DOC = r"""\documentclass{article}
\begin{document}
%s
\pdfinfo{/Keywords (rnnsheets-source-md5 \pdfmdfivesum file {\jobname.tex})}
\end{document}
"""


def _tex_children() -> list[int]:
    """TeX runs started by this process that are still alive."""
    out = []
    for pid in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and b"pdflatex" in cmd:
            out.append(int(pid))
    return out


def test_a_streamed_class_set_is_what_pdflatex_makes_of_its_tex_files(tex, tmp_path):
    """The installed command (TeX started first, the preamble sent ahead, both documents
    streamed) writes PDFs byte for byte those plain pdflatex makes of the .tex it wrote."""
    out = tmp_path / "o"
    subprocess.run([EXE, "generate", "--seed", "4", "--variants", "3", "--out", str(out),
                    "-q"], check=True, capture_output=True)
    plain = tmp_path / "plain"
    plain.mkdir()
    for doc in ("worksheet", "key"):
        shutil.copy(out / f"{doc}.tex", plain)
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{doc}.tex"],
                       cwd=plain, env={**os.environ, **latex.tex_environment()},
                       check=True, capture_output=True)
        assert (plain / f"{doc}.pdf").read_bytes() == (out / f"{doc}.pdf").read_bytes(), doc


def test_pieces_reach_tex_and_the_whole_file_is_written_before_the_last(tex):
    body = [f"Line {i} of the body.\n\n" for i in range(400)]
    text = DOC % "".join(body)
    head, tail = text.split("\\pdfinfo")
    pieces = iter([head[:40], head[40:], "\\pdfinfo" + tail])
    built = latex.compile_many({"doc": pieces}, first_ahead=True)["doc"]
    assert built.source == text
    assert hashlib.md5(text.encode()).hexdigest().upper().encode() in built.pdf


def test_an_error_while_rendering_stops_tex_and_is_raised(tex):
    def pieces():
        yield "\\documentclass{article}\n\\begin{document}\nSome text.\n"
        time.sleep(0.3)
        raise ValueError("drawing failed")
    with pytest.raises(ValueError, match="drawing failed"):
        latex.compile_many({"key": pieces(), "worksheet": iter([DOC % "w"])}, first_ahead=True)
    assert _tex_children() == []


def test_a_tex_error_in_a_stream_is_reported_with_its_line(tex):
    pieces = iter(["\\documentclass{article}\n\\begin{document}\n", "\\undefinedthing\n",
                   "\\end{document}\n"])
    with pytest.raises(BuildError, match=r"line 3; Undefined control sequence"):
        latex.compile_many({"doc": pieces})


def test_warm_runs_are_taken_over_or_stopped(tex):
    cores = os.sched_getaffinity(0)
    latex.warm(tex_preamble)
    assert len(_tex_children()) == 2
    latex.cool()
    assert _tex_children() == []
    assert os.sched_getaffinity(0) == cores  # this process runs where it ran before
    # a build of other documents stops them and starts its own
    latex.warm(tex_preamble)
    built = latex.compile_many({"doc": iter([DOC % "Hello."])})
    assert b"%PDF" in built["doc"].pdf[:8]
    assert _tex_children() == []
    assert os.sched_getaffinity(0) == cores
    # taken over by the streamed documents they were started for
    latex.warm(tex_preamble)
    pieces = {name: iter([tex_preamble(), f"\\begin{{document}}\n{name}\n",
                          "\\end{document}\n"]) for name in ("key", "worksheet")}
    built = latex.compile_many(pieces, first_ahead=True)
    assert set(built) == {"key", "worksheet"} and _tex_children() == []
    assert os.sched_getaffinity(0) == cores


def test_a_source_that_does_not_begin_with_the_warm_preamble_is_refused(tex):
    latex.warm(tex_preamble)
    with pytest.raises(BuildError, match="differs from the one TeX was given ahead"):
        latex.compile_many({"key": iter([DOC % "a"]), "worksheet": iter([DOC % "b"])},
                           first_ahead=True)
    assert _tex_children() == []


@pytest.mark.parametrize(("args", "expected"), [
    (["generate", "--seed", "1"], True),
    (["generate", "--no-pdf"], False),
    (["generate", "--format", "html,moodle"], False),
    (["generate", "--format", "pdf,html"], True),
    (["generate", "--format=tex"], False),
    (["generate", "--help"], False),
    (["check", "build"], False),
    ([], False),
])
def test_which_commands_start_tex_first(args, expected):
    assert typesets(args) is expected


def test_variants_drawn_from_many_threads_are_the_variants_drawn_in_turn():
    req = make_request(8, variants=12)
    drawn = draw_all(req)
    got: dict[int, list] = {}

    def take(k: int) -> None:
        got[k] = [drawn[i] for i in range(len(drawn) - 1, -1, -1)] if k % 2 else list(drawn)
    threads = [threading.Thread(target=take, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, v in enumerate(drawn):
        assert v == draw_variant(8, str(i + 1), req.settings, None, "")
        assert all(v is (g[i] if k % 2 == 0 else g[len(drawn) - 1 - i])
                   for k, g in got.items())


def test_work_split_with_a_forked_child_comes_back_or_is_done_here():
    me = os.getpid()
    assert side_by_side(lambda: os.getpid(), lambda: os.getpid() != me) == (me, True, True)

    def fails_in_the_child():
        if os.getpid() != me:
            raise RuntimeError("the child fails")
        return "done here"
    assert side_by_side(lambda: 1, fails_in_the_child) == (1, "done here", False)


@pytest.mark.parametrize(("allowed", "expected"), [
    ({0, 1}, [0, 1]),  # two runs and this process on two cores: shared out
    ({2, 5}, [2, 5]),
    ({0, 1, 2, 3}, []),  # room for all: left to the scheduler
    ({0}, []),
])
def test_cores_are_shared_out_only_where_the_runs_outnumber_them(monkeypatch, allowed,
                                                                 expected):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: allowed)
    assert latex._cores(2) == expected
