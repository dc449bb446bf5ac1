"""PDFs: the combined worksheet and key, and for a class set each variant's own, cut
from the combined ones (one long pdflatex run is far cheaper than many short ones)."""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
from pathlib import Path

import pikepdf

from .. import layout
from ..errors import BuildError
from ..latex import ENGINES, TIMEOUT, compile_many, engine
from ..pdfcut import open_pdf, slice_pdf, spans, stamp
from ..report import Report
from ..userfiles import read_bytes, read_text
from . import tex

#: The largest PDF or .tex check reads (a 1000-variant key is about 60 MB).
MAX_PDF = 500_000_000

NAME = "pdf"
WAITS = True  # on TeX: other work can run meanwhile
start = tex.start


def files(job) -> dict[str, bytes]:
    """The .tex sources and their PDFs (combined, and per variant for a class set)."""
    out: dict[str, bytes] = {}
    variants = job.variants

    def source(name: str) -> str:  # rendered when its TeX run is about to start
        text = tex.source(job, name)
        out[f"{name}.tex"] = text.encode("utf-8")
        return text

    def finished(name: str, built) -> None:  # cut one document while TeX runs the other
        out[f"{name}.pdf"] = built.pdf
        if len(variants) > 1:
            md5 = hashlib.md5(out[f"{name}.tex"]).hexdigest().upper()
            for v, pages in zip(variants, slice_pdf(built.pdf, len(variants)), strict=True):
                out[f"variants/{v.id}/{name}.pdf"] = stamp(pages, md5, v.code)

    built = compile_many({name: functools.partial(source, name) for name in tex.order(job)},
                         timeout=TIMEOUT + 0.2 * len(variants), progress=job.progress,
                         finished=finished)
    out[layout.NAME] = layout.to_bytes({name: built[name].layout
                                        for name in ("worksheet", "key")})
    return out


def verify(folder: Path, job, report: Report) -> None:
    """Each PDF (combined and per variant) was built from its current .tex, and shows what
    typesetting that .tex again shows, page by page."""
    current = {}
    for name in ("worksheet", "key"):
        tex_file, pdf = Path(folder) / f"{name}.tex", Path(folder) / f"{name}.pdf"
        if not tex_file.exists():
            continue
        if _check_pdf(pdf, tex_file, report):
            current[name] = tex_file
        if len(job.variants) > 1 and pdf.exists():
            for v in job.variants:
                _check_pdf(Path(folder) / "variants" / v.id / f"{name}.pdf", tex_file, report,
                           v.code)
    if current:
        _prove(Path(folder), current, job, report)


def _prove(folder: Path, sources: dict[str, Path], job, report: Report) -> None:
    """Typeset each .tex again and compare every page's content (a PDF swapped for another
    with its checksum edited fails here); per-variant PDFs against their combined pages."""
    try:
        texts = {n: read_text(p, "a .tex file", limit=MAX_PDF) for n, p in sources.items()}
    except BuildError as e:
        report.problems.append(f"{e}")
        return
    missing = sorted({engine(t) for t in texts.values()} - {e for e in ENGINES
                                                           if shutil.which(e)})
    if missing:
        report.notes.append(f"PDF pages not compared: no {' or '.join(missing)} here "
                            f"(checksums, and the layout {layout.NAME} records, only)")
        report.problems += _recorded_layout(folder, [v.code for v in job.variants])
        return
    try:
        fresh = compile_many(texts)
    except BuildError as e:
        report.problems.append(f"{e}")
        return
    codes = [v.code for v in job.variants]
    report.problems += layout.messages({n: b.layout for n, b in fresh.items()}, codes)
    for name, built in fresh.items():
        try:
            _compare(folder, name, built, job, report)
        except Exception as e:  # noqa: BLE001  (a PDF pypdf cannot read is a finding)
            report.problems.append(f"{name}.pdf (or a variant's): cannot be read as a PDF: "
                                   f"{type(e).__name__}: {str(e)[:80]}")


def _recorded_layout(folder: Path, codes: list[str]) -> list[str]:
    """The boxes too wide or too high that the build's layout.json records."""
    path = folder / layout.NAME
    if not path.exists():
        return [f"{layout.NAME}: missing; generate the build again"]
    try:
        return layout.messages(layout.from_bytes(read_bytes(path, "a layout record",
                                                            1_000_000)), codes)
    except (ValueError, TypeError) as e:
        return [f"{layout.NAME}: not a layout record ({e})"]


def _compare(folder: Path, name: str, built, job, report: Report) -> None:
    """A build's PDF against a fresh one, then each variant's against its pages of it."""
    data = (folder / f"{name}.pdf").read_bytes()
    mine, theirs = _Pages(data), _Pages(built.pdf)
    if _same_pages(f"{name}.pdf", mine, range(len(mine)), theirs, range(len(theirs)),
                   report, theirs_is=f"a fresh typesetting of {name}.tex") \
            and len(job.variants) > 1:
        for v, (first, last) in zip(job.variants, spans(mine.pdf, len(job.variants))):
            cut = folder / "variants" / v.id / f"{name}.pdf"
            if cut.exists():
                pages = _Pages(cut.read_bytes())
                _same_pages(cut.relative_to(folder).as_posix(), pages, range(len(pages)),
                            mine, range(first - 1, last), report,
                            f"pages {first}-{last} of {name}.pdf")
    report.count("PDF pages compared", len(mine))


class _Pages:
    """A PDF's pages as check compares them: content streams, fonts and annotations read
    with qpdf, and the text (pypdf), only where the contents differ."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pdf, self._text = data, open_pdf(data), None
        self._programs: dict[tuple[int, int], str] = {}  # a font's digest, by its object

    def __len__(self) -> int:
        return len(self.pdf.pages)

    def key(self, n: int) -> tuple:
        page = self.pdf.pages[n].obj
        return _annotations(page), _content(page), _fonts(page, self._programs)

    def text(self, n: int) -> str:
        if self._text is None:
            from pypdf import PdfReader  # only where contents differ: not on every build

            self._text = PdfReader(io.BytesIO(self.data))
        return " ".join(self._text.pages[n].extract_text().split())


def _same_pages(label: str, mine: _Pages, mine_at, theirs: _Pages, theirs_at,
                report: Report, theirs_is: str) -> bool:
    """Whether two runs of pages show the same: the same content streams, fonts and (no)
    annotations, or, where another TeX Live writes them differently, the same text and
    annotations."""
    if len(mine_at) != len(theirs_at):
        report.problems.append(f"{label}: {len(mine_at)} pages, {theirs_is} has "
                               f"{len(theirs_at)}")
        return False
    for n, (i, j) in enumerate(zip(mine_at, theirs_at), start=1):
        a, b = mine.key(i), theirs.key(j)
        same = a == b or (a[0] == b[0] and a[1] != b[1] and mine.text(i) == theirs.text(j))
        if not same:
            report.problems.append(f"{label}: page {n} differs from {theirs_is}")
            return False
    return True


def _content(page) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"".join(c.read_bytes() for c in contents)
    return contents.read_bytes()


def _annotations(page) -> int:
    """How many annotations a page carries (text laid over it); rnnsheets writes none."""
    return len(page.get("/Annots", []))


def _fonts(page, programs: dict[tuple[int, int], str]) -> list[tuple[str, str]]:
    """Each font of a page with a digest of its embedded program (glyphs can be swapped).
    A combined PDF's pages share their fonts: each program is read and digested once per
    PDF (``programs``, by object), not once per page."""
    out = []
    fonts = page.get("/Resources", {}).get("/Font", {})
    for key in sorted(fonts.keys()):
        font = fonts[key]
        ref = font.objgen
        digest = programs.get(ref) if ref != (0, 0) else None
        if digest is None:
            digest = _program_digest(font)
            if ref != (0, 0):  # a direct object has no identity to cache it by
                programs[ref] = digest
        out.append((str(font.get("/BaseFont")), digest))
    return out


def _program_digest(font) -> str:
    descriptor = font.get("/FontDescriptor")
    program = b""
    if descriptor is not None:
        for name in ("/FontFile", "/FontFile2", "/FontFile3"):
            if name in descriptor:
                program = descriptor[name].read_bytes()
    return hashlib.md5(program).hexdigest()


_KEYWORDS = re.compile(rb"/Keywords\s*\(((?:[^()\\]|\\.)*)\)")
_STAMP = re.compile(r"^rnnsheets-source-md5 ([0-9A-Fa-f]{32})(?: variant (.*))?$")


def pdf_stamp(data: bytes) -> tuple[str, str | None] | None:
    """(source MD5, variant code or None) recorded in a PDF's Keywords, if any: read from
    the bytes where TeX wrote them plainly, else from the parsed document information (a
    cut PDF keeps it in a compressed object stream)."""
    for m in _KEYWORDS.finditer(data):
        text = re.sub(rb"\\([0-7]{1,3})", lambda e: bytes([int(e.group(1), 8)]), m.group(1))
        if s := _STAMP.match(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1")):
            return s.group(1).lower(), s.group(2)
    try:
        with open_pdf(data) as pdf:
            keywords = str(pdf.docinfo.get("/Keywords", ""))
    except pikepdf.PdfError:
        return None
    if s := _STAMP.match(keywords):
        return s.group(1).lower(), s.group(2)
    return None


def _check_pdf(pdf: Path, tex: Path, report: Report, variant: str | None = None) -> bool:
    """Whether a PDF is current: the MD5 recorded in it is the MD5 of its .tex now."""
    if not pdf.exists():
        report.notes.append(f"{pdf}: not present, not checked")
        return False
    name = pdf.relative_to(tex.parent).as_posix()
    stamp = pdf_stamp(read_bytes(pdf, "a PDF", MAX_PDF))
    if stamp is None:
        report.problems.append(f"{name}: no source checksum recorded; rebuild it from "
                               f"{tex.name} with pdflatex")
        return False
    report.count("PDFs")
    ok = True
    if stamp[0] != hashlib.md5(read_bytes(tex, "a .tex file", MAX_PDF)).hexdigest():
        how = "generate the build again" if variant else f"rebuild it: pdflatex {tex.name}"
        report.problems.append(f"{name}: not built from the current {tex.name} ({how})")
        ok = False
    if stamp[1] != variant:
        report.problems.append(f"{name}: holds variant {stamp[1]}, expected {variant}")
        ok = False
    return ok
