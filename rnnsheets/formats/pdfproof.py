"""What ``check`` typesets again to prove a build's PDFs, and how it compares the pages.

A small build is typeset again whole and compared page for page, exactly (content
streams, and fonts with a digest of their program). A class set is sampled: its first
and last variants and one chosen at random (``secrets``, so no build can know which)
are typeset in a document of their own, made of the .tex's preamble and those variants'
whole source, as the template writes them (each on a fresh sheet, the key's answer grid
after them). Typesetting a 100-variant key again alone takes seconds; a sample takes as
long as a small build.

A variant typeset in another document uses other font subsets and may number its fonts
and figures differently, so sampled pages are compared as :class:`Normal` reads them:
each string shown as the glyph names and widths it draws, each font by its name, each
figure and graphics state by a digest of what it holds; and each glyph a fresh font
program holds against the build's program of that font (:func:`glyphs_differ`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf

from .. import layout
from ..errors import BuildError, RnnsheetsError
from ..latex import (
    ENGINES,
    TIMEOUT,
    Built,
    collected,
    engine,
    start_run,
    stop_run,
    tex_folder,
)
from ..layout import Layout
from ..pdfcut import spans, tail_span, variant_spans
from ..userfiles import read_bytes, read_text
from .texcheck import MAX_TEX

#: Builds of at most this many variants are typeset again whole.
SAMPLE_ABOVE = 3

_START = re.compile(r"\\pdfdest name\{rnnsheets-variant-start-(\d+)\} xyz\\relax")
_END = re.compile(r"\\immediate\\write16\{rnnsheets-variant-end (\d+)\}")
_FIRST = "\\setcounter{variantfirst}{\\value{page}}"
_NEWSHEET = "\\newsheet"
_BEGIN = "\\begin{document}"


def variant_count(source: str) -> int:
    """How many variants a .tex marks (0: none marked)."""
    return len(_START.findall(source))


def picks(count: int) -> list[int]:
    """The variants a sample holds: the first, the last and one between them at random."""
    if count <= 2:
        return list(range(1, count + 1))
    return [1, 2 + secrets.randbelow(count - 2), count]


@dataclass(frozen=True)
class Sample:
    """A document of some variants of a .tex: its source, and for each of its lines the
    line of the .tex it was copied from (to name lines in messages as the .tex has them)."""

    source: str
    variants: tuple[int, ...]  # which (1-based, in document order)
    count: int  # of how many the .tex holds
    lines: tuple[int, ...]

    def line(self, n: int) -> int:
        """The .tex line of the sample's line ``n`` (1-based)."""
        return self.lines[n - 1] if 0 < n <= len(self.lines) else n


def sample(source: str, numbers: list[int]) -> Sample | None:
    """The preamble, the variants ``numbers`` and what follows the last variant (the key's
    answer grid), or None where the .tex is not laid out as the template writes it (its
    variants must follow one another, each after ``\\newsheet``, between their marks)."""
    lines = source.split("\n")
    try:
        begin = lines.index(_BEGIN)
    except ValueError:
        return None
    starts: dict[int, int] = {}  # variant -> its first line (the \setcounter before its mark)
    ends: dict[int, int] = {}  # variant -> its last line (its end mark)
    for i, text in enumerate(lines):
        if (m := _START.fullmatch(text)) and i and lines[i - 1] == _FIRST:
            starts.setdefault(int(m.group(1)), i - 1)
        elif m := _END.fullmatch(text):
            ends.setdefault(int(m.group(1)), i)
    count = variant_count(source)
    if (not count or sorted(starts) != list(range(1, count + 1)) or sorted(ends) != sorted(starts)
            or starts[1] != begin + 1
            or any(lines[starts[n] - 1] != _NEWSHEET or ends[n - 1] != starts[n] - 2
                   for n in range(2, count + 1))
            or any(not starts[n] < ends[n] for n in starts)):
        return None
    keep = list(range(begin + 1))
    for k, n in enumerate(numbers):
        if k:
            keep.append(starts[n] - 1)  # \newsheet
        keep += range(starts[n], ends[n] + 1)
    keep += range(ends[count] + 1, len(lines))
    return Sample("\n".join(lines[i] for i in keep), tuple(numbers), count,
                  tuple(i + 1 for i in keep))


class Typesetting:
    """TeX runs started now and collected later: check starts them before its other work,
    so that TeX uses the time Python spends on answers.json and the .tex files.

    Processes, not a thread around ``latex.compile_many``: the .tex check forks the key's
    renderer meanwhile (a fork beside a running thread can inherit a held lock), and a
    started process can be stopped when check ends early. Same engine, flags and
    environment as a build's run, so the same source gives the same PDF.
    """

    def __init__(self, sources: dict[str, str]) -> None:
        self.tmp = tex_folder()
        self.folder = Path(self.tmp.name)
        self.started = time.monotonic()
        self.procs: dict[str, subprocess.Popen] = {}
        try:
            for name, source in sources.items():
                (self.folder / f"{name}.tex").write_text(source, encoding="utf-8")
                self.procs[name] = start_run(self.folder, name, engine(source), follow=False)
        except BaseException:
            self.close()
            raise

    def wait(self, timeout: float) -> dict[str, Built]:
        """Each document's PDF and layout, once TeX is done (BuildError if it fails)."""
        built = {}
        for name, proc in self.procs.items():
            try:
                proc.wait(max(0.0, self.started + timeout - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise BuildError(f"{name}.tex: TeX did not finish within {timeout:.0f} s "
                                 "(stopped)") from None
            built[name] = collected(self.folder, name, proc)
        return built

    def close(self) -> None:
        """Stop what still runs and remove the folder."""
        for proc in self.procs.values():
            if proc.poll() is None:
                stop_run(proc)
        self.tmp.cleanup()


def relocate(found: Layout, sample: Sample, pages: list[tuple[tuple[int, int], int]]) -> Layout:
    """A sample's layout findings as the build has them: on the build's pages (``pages``:
    each of the sample's runs of pages, with the build page its first one is), at the
    .tex's lines."""
    def page(n: int) -> int:
        for (first, last), there in pages:
            if first <= n <= last:
                return there + n - first
        return n

    return Layout(tuple(type(o)(page(o.page), o.variant, o.points, sample.line(o.line), o.what)
                        for o in found.overfull),
                  found.shrunk,
                  tuple(type(m)(page(m.page), m.variant, m.char, m.font) for m in found.missing))


class Proof:
    """What check typesets again, started at once: per document, its .tex whole or a
    sample of its variants (``full``: whole all the same)."""

    def __init__(self, folder: Path, full: bool) -> None:
        self.samples: dict[str, Sample | None] = {}  # None: the .tex whole
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.run: Typesetting | None = None
        self.count = 0  # variants in the largest document typeset whole
        self.recorded: Recorded | None = None  # the layout of the variants left out
        sources: dict[str, str] = {}
        chosen: dict[int, list[int]] = {}  # the same variants in both documents
        for name in ("worksheet", "key"):
            if not (folder / f"{name}.tex").exists() or not (folder / f"{name}.pdf").exists():
                continue
            try:
                text = read_text(folder / f"{name}.tex", "a .tex file", limit=MAX_TEX)
            except RnnsheetsError as e:
                self.problems.append(f"{e}")
                continue
            count, found = variant_count(text), None
            if not full and count > SAMPLE_ABOVE and self._layout_recorded(folder):
                found = sample(text, chosen.setdefault(count, picks(count)))
                if found is None:
                    self.notes.append(f"{name}.tex: typeset again whole: its variants are not "
                                      "laid out as rnnsheets writes them")
            self.samples[name] = found
            sources[name] = found.source if found else text
            self.count = max(self.count, 0 if found else count)
        self.missing = sorted({engine(t) for t in sources.values()}
                              - {e for e in ENGINES if shutil.which(e)})
        if sources and not self.missing:
            self.run = Typesetting(sources)

    def _layout_recorded(self, folder: Path) -> bool:
        """Whether layout.json can stand for the layout of the variants a sample leaves
        out; else TeX's log must, and everything is typeset (read once, said once)."""
        if self.recorded is None:
            self.recorded = Recorded(folder)
            if self.recorded.problems:
                self.notes.append(f"{self.recorded.problems[0]}: the PDFs are typeset again "
                                  "whole, not a sample of their variants")
        return not self.recorded.problems

    def wait(self) -> dict[str, Built]:
        """The fresh PDFs and their layout; a BuildError if TeX fails, naming the .tex's
        line where a sample's failed."""
        try:
            return self.run.wait(TIMEOUT + 0.2 * self.count)  # as long as a build's run
        except BuildError as e:
            found = self.samples.get(str(e).partition(".tex:")[0])
            if found is None:
                raise
            raise BuildError(re.sub(r"\bline (\d+)", lambda m: f"line {found.line(int(m[1]))}",
                                    str(e), count=1)) from None

    def close(self) -> None:
        """Stop TeX where it still runs."""
        if self.run is not None:
            self.run.close()


class Recorded:
    """The build's layout.json, read once; a problem if it cannot be."""

    def __init__(self, folder: Path) -> None:
        self.found: dict[str, Layout] = {}
        self.problems: list[str] = []
        path = folder / layout.NAME
        if not path.exists():
            self.problems.append(f"{layout.NAME}: missing; generate the build again")
            return
        try:
            self.found = layout.from_bytes(read_bytes(path, "a layout record", 1_000_000))
        except (ValueError, TypeError, KeyError) as e:
            self.problems.append(f"{layout.NAME}: not a layout record ({e})")


#: A run of pages compared: how messages name it, the build's pages, the sample's
#: (1-based, inclusive).
Run = tuple[str, tuple[int, int], tuple[int, int]]


def runs(mine: pikepdf.Pdf, fresh: pikepdf.Pdf, found: Sample, codes: list[str]) -> list[Run]:
    """Each sampled variant's pages in the build and in the sample, then the key's answer
    grid's (an empty run where one has none, so that the page counts differ)."""
    ours = spans(mine, found.count)
    out = [(f" (variant {code(v, codes, found.count)})", ours[v - 1], span)
           for v, span in zip(found.variants, variant_spans(fresh, found.variants))]
    grid, fresh_grid = tail_span(mine), tail_span(fresh)
    if grid or fresh_grid:
        out.append((" (the answer grid)", grid or (len(mine.pages) + 1, len(mine.pages)),
                    fresh_grid or (len(fresh.pages) + 1, len(fresh.pages))))
    return out


def merged_layout(fresh: Layout, found: Sample, compared: list[Run], rest: Layout) -> Layout:
    """The layout of the pages typeset again from their log (``fresh``), of the others as
    layout.json records them (``rest``)."""
    moved = relocate(fresh, found, [(theirs, ours[0]) for _, ours, theirs in compared])
    covered = [ours for _, ours, _ in compared]

    def outside(page: int) -> bool:
        return not any(first <= page <= last for first, last in covered)

    return Layout(
        tuple(sorted(moved.overfull + tuple(o for o in rest.overfull if outside(o.page)),
                     key=lambda o: o.page)),
        moved.shrunk,
        tuple(sorted(moved.missing + tuple(m for m in rest.missing if outside(m.page)),
                     key=lambda m: m.page)))


def code(number: int, codes: list[str], count: int) -> str:
    """A variant as messages name it: its code, where answers.json agrees on how many."""
    return codes[number - 1] if len(codes) == count else str(number)


def listed(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def notes(sampled: dict[str, Sample], codes: list[str]) -> list[str]:
    """What a sample proved, and what it left to checksums and layout.json."""
    groups: dict[tuple, list[str]] = {}
    for name, found in sampled.items():
        groups.setdefault((found.variants, found.count), []).append(f"{name}.pdf")
    return [f"{listed(names)}: typeset again and compared: variants "
            f"{listed([code(v, codes, count) for v in variants])} ({len(variants)} of "
            f"{count}, chosen at random but the first and last)"
            + (" and the answer grid" if "key.pdf" in names else "")
            + "; the other variants' pages are proven by their checksums and their own PDFs "
            f"against the combined ones, and their layout as {layout.NAME} records it "
            "(check --full typesets everything)"
            for (variants, count), names in groups.items()]


_SUBSET = re.compile(r"^[A-Z]{6}\+")
_SHOW = frozenset(("Tj", "TJ", "'", '"'))
#: Operators naming a resource, with the resource category they name.
_NAMED = {"Do": "/XObject", "gs": "/ExtGState", "cs": "/ColorSpace", "CS": "/ColorSpace",
          "sh": "/Shading", "scn": "/Pattern", "SCN": "/Pattern", "BDC": "/Properties",
          "DP": "/Properties"}
_KINDS = ("/Font", *dict.fromkeys(_NAMED.values()))
#: A content stream's tokens (PDF's lexical rules): a string without nesting, a
#: dictionary's brackets, a hex string, an array's or procedure's bracket, a name, any
#: other run of regular characters (numbers, operators), else one character alone (a
#: parenthesis no string accounts for, a comment's sign), so that nothing is skipped.
_TOKEN = re.compile(rb"\((?:[^()\\]|\\.)*\)|<<|>>|<[^<>]*>|[\[\]{}]"
                    rb"|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*|[^\x00\t\n\x0c\r ()<>\[\]{}/%]+"
                    rb"|[^\x00\t\n\x0c\r ]", re.S)


def _boxes(page) -> bytes:
    return repr([str(page.get(k)) for k in ("/MediaBox", "/CropBox", "/Rotate")]).encode()


def content_stream(page) -> bytes:
    """A page's content, its streams joined (as a reader reads them: one after another)."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(c.read_bytes() for c in contents)
    return contents.read_bytes()


class _Font:
    """How a font draws each code: its name (no subset tag) with each code's glyph name
    and width, so that two subsets of one font read alike where they draw alike."""

    def __init__(self, font) -> None:
        base = str(font.get("/BaseFont", "/?"))[1:]
        self.name = _SUBSET.sub("", base)
        self.wide = font.get("/Subtype") == "/Type0"  # two-byte codes (LuaTeX's fonts)
        names: dict[int, str] = {}
        encoding = font.get("/Encoding")
        if isinstance(encoding, pikepdf.Dictionary):
            code = 0
            for item in encoding.get("/Differences", []):
                if isinstance(item, int):
                    code = item
                else:
                    names[code] = str(item)[1:]
                    code += 1
        widths = [str(w) for w in font.get("/Widths", [])]
        first = int(font.get("/FirstChar", 0))
        width = [widths[c - first] if 0 <= c - first < len(widths) else "0" for c in range(256)]
        self.glyphs = [f"{names.get(c, c)}:{width[c]}" for c in range(256)]
        #: The codes it shows: those its encoding names (TeX names each glyph of a
        #: subset, and writes the width of every code between the first and last), else
        #: those with a width.
        self.defined = sorted(names) or [c for c in range(256) if width[c] not in ("0", "0.0")]

    def shows(self, data: bytes) -> str:
        if self.wide:
            return data.hex()
        return " ".join(self.glyphs[c] for c in data)


class Normal:
    """A PDF's pages as check compares pages typeset in another document: what each draws,
    with the names its resources go by set aside. Fonts, figures and other resources are
    read once per object."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self._fonts: dict[tuple[int, int], _Font] = {}
        self._digests: dict[tuple[int, int], str] = {}
        self._programs: dict[tuple[int, int], Program | None] = {}

    def page(self, n: int) -> bytes:
        """Page ``n`` (0-based): its boxes and its content, normalised."""
        page = self.pdf.pages[n].obj
        return _boxes(page) + b"\n" + self._content(page, page.get("/Resources") or {})

    def same(self, n: int, fresh: Normal, k: int) -> bool:
        """Whether page ``n`` draws what page ``k`` of ``fresh`` (a fresh typesetting)
        draws. Mostly the two content streams are the same token for token but for the
        names of fonts and figures: then only what each pair of names stands for is
        compared (each code the fresh font shows, each figure's content). Else both pages
        are read whole (:meth:`page`)."""
        mine, theirs = self.pdf.pages[n].obj, fresh.pdf.pages[k].obj
        if _boxes(mine) != _boxes(theirs):
            return False
        a, b = _TOKEN.findall(content_stream(mine)), _TOKEN.findall(content_stream(theirs))
        if len(a) == len(b):
            pairs = set()
            if a != b:
                pairs = {(x, y) for x, y in zip(a, b) if x != y}
            if all(x[:1] == y[:1] == b"/" for x, y in pairs):
                # a name seen on both sides may stand for different things in each
                both = {x for x in set(a) & set(b) if x[:1] == b"/"}
                if self._same_names(mine, fresh, theirs, pairs | {(x, x) for x in both}):
                    return True
        return self.page(n) == fresh.page(k)

    def _same_names(self, mine, fresh: Normal, theirs, pairs) -> bool:
        res_a, res_b = mine.get("/Resources") or {}, theirs.get("/Resources") or {}
        kinds = [(kind, res_a.get(kind) or {}, res_b.get(kind) or {}) for kind in _KINDS]
        for x, y in pairs:
            if b"#" in x + y:  # an escaped name: read whole instead
                return False
            name_a, name_b = x.decode("latin-1"), y.decode("latin-1")
            named = False
            for kind, a, b in kinds:
                if (name_a in a) != (name_b in b):
                    return False
                if name_a not in a:
                    continue
                named = True
                if kind == "/Font":
                    fa, fb = self._font(a[name_a]), fresh._font(b[name_b])
                    if fa.name != fb.name or fa.wide != fb.wide or any(
                            fa.glyphs[c] != fb.glyphs[c] for c in fb.defined):
                        return False
                elif kind == "/XObject":
                    if (self._xobject(a[name_a], res_a, 0)
                            != fresh._xobject(b[name_b], res_b, 0)):
                        return False
                elif self._digest(a[name_a], 0) != fresh._digest(b[name_b], 0):
                    return False
            if not named and x != y:
                return False
        return True

    def programs(self, pages: Iterable[int]) -> dict[str, list[Program]]:
        """The Type 1 programs of the fonts the pages ``pages`` (0-based) and their
        figures use, by font name; each read once."""
        out: dict[str, list[Program]] = {}
        seen: set[tuple[int, int]] = set()

        def visit(resources, depth: int = 0) -> None:
            for font in (resources.get("/Font") or {}).values():
                descriptor = font.get("/FontDescriptor")
                stream = descriptor.get("/FontFile") if descriptor is not None else None
                if stream is None or stream.objgen in seen:
                    continue
                seen.add(stream.objgen)
                if stream.objgen not in self._programs:
                    self._programs[stream.objgen] = program(stream)
                if (found := self._programs[stream.objgen]) is not None:
                    out.setdefault(self._font(font).name, []).append(found)
            for x in (resources.get("/XObject") or {}).values():
                if depth < 16 and x.get("/Subtype") == "/Form" and x.objgen not in seen:
                    seen.add(x.objgen)
                    visit(x.get("/Resources") or {}, depth + 1)

        for n in pages:
            visit(self.pdf.pages[n].obj.get("/Resources") or {})
        return out

    def _font(self, font) -> _Font:
        ref = font.objgen
        if ref == (0, 0):
            return _Font(font)
        if ref not in self._fonts:
            self._fonts[ref] = _Font(font)
        return self._fonts[ref]

    def _content(self, obj, resources, depth: int = 0) -> bytes:
        """A page's or form's content stream with every resource name replaced by what it
        names and every shown string by the glyphs it draws."""
        fonts = resources.get("/Font") or {}
        font, saved, out = None, [], []
        for inst in pikepdf.parse_content_stream(obj):
            if isinstance(inst, pikepdf.ContentStreamInlineImage):
                out.append(inst)
                continue
            op, args, changed = str(inst.operator), inst.operands, True
            if op in _SHOW and font is not None and args:
                if op == "TJ":
                    args[0] = pikepdf.Array([pikepdf.String(font.shows(bytes(x)))
                                             if isinstance(x, pikepdf.String) else x
                                             for x in args[0]])
                else:
                    args[-1] = pikepdf.String(font.shows(bytes(args[-1])))
            elif op == "Tf" and args:
                found = fonts.get(args[0]) if isinstance(args[0], pikepdf.Name) else None
                font = self._font(found) if found is not None else None
                args = [pikepdf.Name("/" + re.sub(r"[^A-Za-z0-9.+-]", "_", font.name)
                                     if font else "/missing"), *args[1:]]
            elif op in _NAMED and args and isinstance(args[-1], pikepdf.Name):
                named = (resources.get(_NAMED[op]) or {}).get(args[-1])
                if named is not None:  # else a device colour space, or nothing: as it is
                    digest = (self._xobject(named, resources, depth) if op == "Do"
                              else self._digest(named, depth))
                    args = [*args[:-1], pikepdf.Name("/" + digest)]
                else:
                    changed = False
            else:
                changed = False
                if op == "q":
                    saved.append(font)
                elif op == "Q" and saved:
                    font = saved.pop()
            out.append(pikepdf.ContentStreamInstruction(args, inst.operator) if changed
                       else inst)
        return pikepdf.unparse_content_stream(out)

    def _xobject(self, x, resources, depth: int) -> str:
        ref = x.objgen
        if ref != (0, 0) and ref in self._digests:
            return self._digests[ref]
        if depth > 16:
            return "deep"
        if x.get("/Subtype") == "/Form":
            body = self._content(x, x.get("/Resources") or resources, depth + 1)
            digest = hashlib.md5(body + self._canon(x.get("/BBox")).encode()
                                 + self._canon(x.get("/Matrix")).encode()).hexdigest()
        else:
            digest = self._digest(x, depth)
        if ref != (0, 0):
            self._digests[ref] = digest
        return digest

    def _digest(self, obj, depth: int) -> str:
        ref = obj.objgen
        if ref != (0, 0) and ref in self._digests:
            return self._digests[ref]
        digest = hashlib.md5(self._canon(obj, depth + 1).encode()).hexdigest()
        if ref != (0, 0):
            self._digests[ref] = digest
        return digest

    def _canon(self, obj, depth: int = 0) -> str:
        """An object as text that two documents write alike when they hold alike: streams
        by a digest of their decoded data, references followed."""
        if obj is None:
            return "null"
        if depth > 16:
            return "deep"
        if isinstance(obj, pikepdf.Stream):
            if "/Resources" in obj:  # a form or a tiling pattern: content with names
                data = self._content(obj, obj.get("/Resources") or {}, depth + 1)
            else:
                try:
                    data = obj.read_bytes()
                except pikepdf.PdfError:  # a filter qpdf does not decode (an image)
                    data = obj.read_raw_bytes()
            rest = sorted((k, v) for k, v in obj.stream_dict.items()
                          if k not in ("/Length", "/Filter", "/DecodeParms", "/Resources"))
            return ("stream<<" + " ".join(f"{k} {self._canon(v, depth + 1)}" for k, v in rest)
                    + ">>" + hashlib.md5(data).hexdigest())
        if isinstance(obj, pikepdf.Dictionary):
            if obj.get("/Type") == "/Font":
                return "font " + self._font(obj).name
            return "<<" + " ".join(f"{k} {self._canon(obj[k], depth + 1)}"
                                   for k in sorted(obj.keys())) + ">>"
        if isinstance(obj, pikepdf.Array):
            return "[" + " ".join(self._canon(x, depth + 1) for x in obj) + "]"
        if isinstance(obj, pikepdf.String):
            return "<" + bytes(obj).hex() + ">"
        return str(obj)


# Fonts: a sample's subsets hold fewer glyphs than a build's, so their programs differ as a
# whole; each glyph the sample draws is compared instead (pdfTeX copies a glyph's
# charstring from the font file as it is, and writes the subroutines no kept glyph calls
# as stubs).
_CHARSTRING = re.compile(rb"/([^\s/\[\]{}()<>]+)\s+(\d+)\s+(?:RD|-\|)\s")
_SUBR = re.compile(rb"dup\s+(\d+)\s+(\d+)\s+(?:RD|-\|)\s")
#: Lines of a program's clear text that two subsets of one font write differently.
_SUBSET_LINES = re.compile(rb"^(?:/FontName\s[^\n]*|dup\s+\d+\s+/\S+\s+put\r?)(?:\n|$)", re.M)
_STUB = 5  # bytes: a subroutine that only returns (4 random bytes first)


@dataclass(frozen=True)
class Program:
    """A Type 1 font program as embedded: what every subset of its font writes alike (the
    clear text but for the name and encoding, the private dictionary), its subroutines,
    and each glyph's charstring, as stored (encrypted)."""

    common: bytes
    subrs: dict[int, bytes]
    glyphs: dict[bytes, bytes]


def eexec(data: bytes, key: int = 55665) -> bytes:
    """Type 1's eexec encryption undone. Each byte's key follows from the one before as
    an affine map mod 2**16 of the byte, so all keys are one prefix scan (numpy) rather
    than a Python loop over 30,000 bytes a font."""
    c = np.frombuffer(data, dtype=np.uint8).astype(np.uint32)
    if not len(c):
        return b""
    keys = (c * 52845 + 22719) & 0xFFFF  # key[i + 1] = 52845 key[i] + this, mod 2**16
    keys[0] = (keys[0] + 52845 * key) & 0xFFFF
    shift, factor = 1, 52845
    while shift < len(c):  # each product and sum stays below 2**32
        keys[shift:] = (keys[shift:] + factor * keys[:-shift]) & 0xFFFF
        factor, shift = (factor * factor) & 0xFFFF, shift * 2
    before = np.concatenate(([key], keys[:-1])).astype(np.uint32)
    return (c ^ (before >> 8)).astype(np.uint8).tobytes()


def program(stream) -> Program | None:
    """A Type 1 program (a font descriptor's /FontFile), or None where it is not one."""
    try:
        data, clear, secret = stream.read_bytes(), int(stream.Length1), int(stream.Length2)
    except (AttributeError, KeyError, TypeError, ValueError, pikepdf.PdfError):
        return None
    if not (clear > 0 and secret > 4 and clear + secret <= len(data)):
        return None
    plain = eexec(data[clear:clear + secret])
    glyphs_at = plain.find(b"/CharStrings")
    subrs_at = plain.find(b"/Subrs", 0, glyphs_at)
    if glyphs_at < 0:
        return None
    common = _SUBSET_LINES.sub(b"", data[:clear]) + plain[4:subrs_at if subrs_at >= 0
                                                            else glyphs_at]
    subrs = {int(k): v for k, v in _entries(_SUBR, plain, max(subrs_at, 0), glyphs_at)}
    return Program(common, subrs, dict(_entries(_CHARSTRING, plain, glyphs_at, len(plain))))


def _entries(pattern: re.Pattern, plain: bytes, start: int,
             end: int) -> Iterator[tuple[bytes, bytes]]:
    """(key, charstring) of each entry ``pattern`` finds: its length, then that many bytes."""
    pos = start
    while m := pattern.search(plain, pos, end):
        size = int(m.group(2))
        yield m.group(1), plain[m.end():m.end() + size]
        pos = m.end() + size


def glyphs_differ(mine: dict[str, list[Program]], fresh: dict[str, list[Program]]) -> str:
    """What of a build's fonts differs from a fresh typesetting's of the same names, on
    each glyph the fresh ones hold: "the glyph seven of font LMRoman10-Regular", say, or
    "" where they draw alike."""
    for name, theirs in sorted(fresh.items()):
        ours = mine.get(name, [])
        for t in theirs:
            if not ours or any(o.common != t.common for o in ours):
                return f"font {name}"
            for i, code in t.subrs.items():
                if len(code) > _STUB and not any(o.subrs.get(i) == code for o in ours):
                    return f"the subroutine {i} of font {name}"
            for glyph, code in t.glyphs.items():
                found = [o.glyphs[glyph] for o in ours if glyph in o.glyphs]
                if not found or any(c != code for c in found):
                    return f"the glyph {glyph.decode('latin-1')} of font {name}"
    return ""
