"""How ``check`` proves a build's PDFs: each was typeset from its current .tex (the MD5
it records), shows what typesetting that .tex again shows (for a class set, on a sample
of its variants: :mod:`.pdfproof`), and each variant's own PDF shows its pages of the
combined one. Loaded by check only."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pikepdf

from .. import layout
from ..errors import BuildError
from ..pdfcut import open_pdf, spans
from ..report import Report
from ..userfiles import read_bytes
from . import pdfproof

#: The largest PDF or .tex check reads (a 1000-variant key is about 60 MB).
MAX_PDF = 500_000_000

#: Where ``start_check`` leaves its TeX run in the job's cache.
_PROOF = "pdf-proof"


def start_check(folder: Path, cache: dict, full: bool = False) -> None:
    """Start typesetting what check compares the PDFs with, before check's other work
    (which it then overlaps): each .tex again whole, or for a class set a sample of its
    variants (``full``: whole all the same)."""
    cache[_PROOF] = pdfproof.Proof(Path(folder), full)


def verify(folder: Path, job, report: Report) -> None:
    """Each PDF (combined and per variant) was built from its current .tex, and shows what
    typesetting that .tex again shows, page by page (for a class set, on a sample of its
    variants); each variant's own PDF shows its pages of the combined one."""
    folder = Path(folder)
    proof = job.cache.pop(_PROOF, None) or pdfproof.Proof(folder, full=False)
    try:
        current = {}
        for name in ("worksheet", "key"):
            tex_file, pdf = folder / f"{name}.tex", folder / f"{name}.pdf"
            if not tex_file.exists():
                continue
            md5 = _md5(tex_file) if pdf.exists() else ""  # once, not once per variant
            if _check_pdf(pdf, tex_file, report, md5=md5):
                current[name] = tex_file
            if len(job.variants) > 1 and pdf.exists():
                for v in job.variants:
                    _check_pdf(folder / "variants" / v.id / f"{name}.pdf", tex_file, report,
                               v.code, md5)
        if current:
            _prove(folder, current, proof, job, report)
    finally:
        proof.close()


def _prove(folder: Path, sources: dict[str, Path], proof: pdfproof.Proof, job,
           report: Report) -> None:
    """Compare each PDF with a fresh typesetting of its .tex (a PDF swapped for another
    with its checksum edited fails here), and per-variant PDFs with their combined pages.
    What needs no TeX is read and compared first, while TeX runs."""
    report.problems += proof.problems
    report.notes += proof.notes
    codes = [v.code for v in job.variants]
    if proof.missing:
        report.notes.append(f"PDF pages not compared: no {' or '.join(proof.missing)} here "
                            f"(checksums, and the layout {layout.NAME} records, only)")
        report.problems += _recorded_layout(folder, codes)
        return
    pages, cuts = {}, {}
    for name in sources:
        if name not in proof.samples:
            continue
        cuts[name] = Report()  # shown only where the combined PDF holds itself
        try:
            pages[name] = _Pages(read_bytes(folder / f"{name}.pdf", "a PDF", MAX_PDF))
            _against_combined(folder, name, pages[name], job, cuts[name])
        except Exception as e:  # noqa: BLE001  (a PDF qpdf cannot read is a finding)
            report.problems.append(_unreadable(name, e))
            pages.pop(name, None)
    if not pages:
        return
    try:
        fresh = proof.wait()
    except BuildError as e:
        report.problems.append(f"{e}")
        return
    layouts, sampled = {}, {}
    for name, mine in pages.items():
        found = Report()
        try:
            theirs, sample = _Pages(fresh[name].pdf), proof.samples[name]
            if sample is None:
                layouts[name] = fresh[name].layout
                held = _same_pages(f"{name}.pdf", mine, range(len(mine)), theirs,
                                   range(len(theirs)), found,
                                   f"a fresh typesetting of {name}.tex")
                report.count("PDF pages compared", len(mine))
            else:
                held, layouts[name], compared = _against_sample(
                    name, mine, theirs, fresh[name].layout, sample, codes, found,
                    proof.recorded)
                report.count("PDF pages typeset again and compared", compared)
                sampled[name] = sample
        except Exception as e:  # noqa: BLE001  (a PDF qpdf cannot read is a finding)
            found.problems.append(_unreadable(name, e))
            held = False
        report.problems += found.problems + (cuts[name].problems if held else [])
    report.problems += layout.messages(layouts, codes)
    report.notes += pdfproof.notes(sampled, codes)


def _md5(path: Path) -> str:
    return hashlib.md5(read_bytes(path, "a .tex file", MAX_PDF)).hexdigest()


def _unreadable(name: str, e: Exception) -> str:
    return (f"{name}.pdf (or a variant's): cannot be read as a PDF: "
            f"{type(e).__name__}: {str(e)[:80]}")


def _recorded_layout(folder: Path, codes: list[str]) -> list[str]:
    """The boxes too wide or too high that the build's layout.json records."""
    recorded = pdfproof.Recorded(folder)
    return recorded.problems or layout.messages(recorded.found, codes)


def _against_combined(folder: Path, name: str, mine: _Pages, job, report: Report) -> None:
    """Each variant's own PDF against its pages of the combined one, exactly."""
    if len(job.variants) < 2:
        return
    for v, (first, last) in zip(job.variants, spans(mine.pdf, len(job.variants))):
        cut = folder / "variants" / v.id / f"{name}.pdf"
        if cut.exists():
            pages = _Pages(read_bytes(cut, "a PDF", MAX_PDF))
            _same_pages(cut.relative_to(folder).as_posix(), pages, range(len(pages)),
                        mine, range(first - 1, last), report,
                        f"pages {first}-{last} of {name}.pdf")


def _against_sample(name: str, mine: _Pages, theirs: _Pages, found: layout.Layout,
                    sample: pdfproof.Sample, codes: list[str], report: Report,
                    recorded: pdfproof.Recorded) -> tuple[bool, layout.Layout, int]:
    """The sampled variants' pages, and the key's answer grid, against a fresh typesetting
    of them (as ``pdfproof.Normal`` reads pages), then the glyphs of their fonts; the
    layout of those pages from the fresh log, of the others as layout.json records it.
    Whether the pages held, the layout, and how many pages were compared."""
    runs = pdfproof.runs(mine.pdf, theirs.pdf, sample, codes)
    named = [pdfproof.code(v, codes, sample.count) for v in sample.variants]
    theirs_is = f"a fresh typesetting of variants {pdfproof.listed(named)} of {name}.tex"
    held, compared = True, 0
    for where, (first, last), (f_first, f_last) in runs:
        if not _same_pages(f"{name}.pdf", mine, range(first - 1, last), theirs,
                           range(f_first - 1, f_last), report, theirs_is, where, normal=True):
            held = False
            break
        compared += last - first + 1
    # Fonts by their glyphs, where the pages drew alike (read as text only, they came from
    # another TeX Live, whose fonts may differ too: as a whole build's comparison does).
    if held and not mine.by_text:
        what = pdfproof.glyphs_differ(
            mine.normal.programs(n for _, (a, b), _ in runs for n in range(a - 1, b)),
            theirs.normal.programs(n for _, _, (a, b) in runs for n in range(a - 1, b)))
        if what:
            report.problems.append(f"{name}.pdf: {what} differs from {theirs_is}")
            held = False
    rest = recorded.found.get(name, layout.Layout())
    return held, pdfproof.merged_layout(found, sample, runs, rest), compared


class _Pages:
    """A PDF's pages as check compares them: content streams, fonts and annotations read
    with qpdf, and the text (pypdf), only where the contents differ."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pdf, self._text = data, open_pdf(data), None
        self._programs: dict[tuple[int, int], str] = {}  # a font's digest, by its object
        self._raw: dict[tuple[int, int], str] = {}  # the same, of its bytes as stored
        self._normal: pdfproof.Normal | None = None
        self.by_text = False  # some page held only by its text (another TeX Live)

    def __len__(self) -> int:
        return len(self.pdf.pages)

    def key(self, n: int) -> tuple:
        page = self.pdf.pages[n].obj
        return (_annotations(page), pdfproof.content_stream(page),
                _fonts(page, self._programs))

    def stored(self, n: int) -> tuple:
        """Page ``n`` as stored, not decoded: where two pages store the same bytes with
        the same filters they hold the same (a variant's PDF is cut from the combined
        one with its streams copied as they are, so decoding each would be waste)."""
        page = self.pdf.pages[n].obj
        return _annotations(page), _stored(page.get("/Contents")), _fonts(page, self._raw, True)

    @property
    def normal(self) -> pdfproof.Normal:
        """The pages as compared with pages typeset in another document."""
        if self._normal is None:
            self._normal = pdfproof.Normal(self.pdf)
        return self._normal

    def text(self, n: int) -> str:
        if self._text is None:
            from pypdf import PdfReader  # only where contents differ: not on every build

            self._text = PdfReader(io.BytesIO(self.data))
        return " ".join(self._text.pages[n].extract_text().split())


def _same_pages(label: str, mine: _Pages, mine_at, theirs: _Pages, theirs_at,
                report: Report, theirs_is: str, where: str = "", normal: bool = False) -> bool:
    """Whether two runs of pages show the same: the same content streams, fonts and (no)
    annotations (``normal``: the same drawn as ``Normal`` reads it), or, where another
    TeX Live writes them differently, the same text and annotations."""
    if len(mine_at) != len(theirs_at):
        report.problems.append(f"{label}{where}: {len(mine_at)} pages, {theirs_is} has "
                               f"{len(theirs_at)}")
        return False
    for i, j in zip(mine_at, theirs_at):
        if normal:
            annotated = (_annotations(mine.pdf.pages[i].obj)
                         == _annotations(theirs.pdf.pages[j].obj))
            drawn = annotated and mine.normal.same(i, theirs.normal, j)
            same = drawn or annotated and mine.text(i) == theirs.text(j)
            mine.by_text |= same and not drawn
        else:
            same = mine.stored(i) == theirs.stored(j)
            if not same:
                a, b = mine.key(i), theirs.key(j)
                same = a == b or (a[0] == b[0] and a[1] != b[1]
                                  and mine.text(i) == theirs.text(j))
        if not same:
            report.problems.append(f"{label}: page {i + 1}{where} differs from {theirs_is}")
            return False
    return True


def _annotations(page) -> int:
    """How many annotations a page carries (text laid over it); rnnsheets writes none."""
    return len(page.get("/Annots", []))


def _fonts(page, programs: dict[tuple[int, int], str],
           stored: bool = False) -> list[tuple[str, str]]:
    """Each font of a page with a digest of its embedded program (glyphs can be swapped).
    A combined PDF's pages share their fonts: each program is read and digested once per
    PDF (``programs``, by object), not once per page. ``stored``: of its bytes as stored."""
    out = []
    fonts = page.get("/Resources", {}).get("/Font", {})
    for key in sorted(fonts.keys()):
        font = fonts[key]
        ref = font.objgen
        digest = programs.get(ref) if ref != (0, 0) else None
        if digest is None:
            digest = _program_digest(font, stored)
            if ref != (0, 0):  # a direct object has no identity to cache it by
                programs[ref] = digest
        out.append((str(font.get("/BaseFont")), digest))
    return out


def _program_digest(font, stored: bool = False) -> str:
    descriptor = font.get("/FontDescriptor")
    for name in ("/FontFile", "/FontFile2", "/FontFile3"):
        if descriptor is not None and name in descriptor:
            return hashlib.md5(b"".join(_stored(descriptor[name])) if stored
                               else descriptor[name].read_bytes()).hexdigest()
    return hashlib.md5(b"").hexdigest()


def _stored(streams) -> list[bytes]:
    """Streams' bytes as stored, each with its filters."""
    if streams is None:
        return []
    if not isinstance(streams, pikepdf.Array):
        streams = [streams]
    return [repr((s.get("/Filter"), s.get("/DecodeParms"))).encode() + b"\n"
            + s.read_raw_bytes() for s in streams]


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


def _check_pdf(pdf: Path, tex: Path, report: Report, variant: str | None = None,
               md5: str = "") -> bool:
    """Whether a PDF is current: the MD5 recorded in it is the MD5 of its .tex now
    (``md5``, where the caller has it)."""
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
    if stamp[0] != (md5 or _md5(tex)):
        how = "generate the build again" if variant else f"rebuild it: pdflatex {tex.name}"
        report.problems.append(f"{name}: not built from the current {tex.name} ({how})")
        ok = False
    if stamp[1] != variant:
        report.problems.append(f"{name}: holds variant {stamp[1]}, expected {variant}")
        ok = False
    return ok
