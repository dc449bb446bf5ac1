"""PDFs: the combined worksheet and key, and for a class set each variant's own, cut
from the combined ones (one long pdflatex run is far cheaper than many short ones)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..latex import compile_many
from ..pdfcut import slice_pdf, stamp
from ..report import Report
from . import tex

NAME = "pdf"
start = tex.start


def files(job) -> dict[str, bytes]:
    """The .tex sources and their PDFs (combined, and per variant for a class set)."""
    out = tex.files(job)
    variants = job.variants

    def finished(name: str, built) -> None:  # cut one document while TeX runs the other
        out[f"{name}.pdf"] = built.pdf
        if len(variants) > 1:
            md5 = hashlib.md5(out[f"{name}.tex"]).hexdigest().upper()
            for v, pages in zip(variants, slice_pdf(built.pdf, len(variants)), strict=True):
                out[f"variants/{v.id}/{name}.pdf"] = stamp(pages, md5, v.code)

    compile_many(tex.sources(job), progress=job.progress, finished=finished)
    return out


def verify(folder: Path, job, report: Report) -> None:
    """Each PDF (combined and per variant) was built from its current .tex."""
    for name in ("worksheet", "key"):
        tex_file, pdf = Path(folder) / f"{name}.tex", Path(folder) / f"{name}.pdf"
        if not tex_file.exists():
            continue
        _check_pdf(pdf, tex_file, report)
        if len(job.variants) > 1 and pdf.exists():
            for v in job.variants:
                _check_pdf(Path(folder) / "variants" / v.id / f"{name}.pdf", tex_file, report,
                           v.code)


_KEYWORDS = re.compile(rb"/Keywords\s*\(((?:[^()\\]|\\.)*)\)")
_STAMP = re.compile(r"^rnnsheets-source-md5 ([0-9A-Fa-f]{32})(?: variant (.*))?$")


def pdf_stamp(data: bytes) -> tuple[str, str | None] | None:
    """(source MD5, variant code or None) recorded in a PDF's Keywords, if any."""
    for m in _KEYWORDS.finditer(data):
        text = re.sub(rb"\\([0-7]{1,3})", lambda e: bytes([int(e.group(1), 8)]), m.group(1))
        if s := _STAMP.match(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1")):
            return s.group(1).lower(), s.group(2)
    return None


def _check_pdf(pdf: Path, tex: Path, report: Report, variant: str | None = None) -> None:
    """A PDF is current when the MD5 recorded in it is the MD5 of its .tex now."""
    if not pdf.exists():
        report.notes.append(f"{pdf}: not present, not checked")
        return
    name = pdf.relative_to(tex.parent).as_posix()
    stamp = pdf_stamp(pdf.read_bytes())
    if stamp is None:
        report.problems.append(f"{name}: no source checksum recorded; rebuild it from "
                               f"{tex.name} with pdflatex")
        return
    report.count("PDFs")
    if stamp[0] != hashlib.md5(tex.read_bytes()).hexdigest():
        how = "generate the build again" if variant else f"rebuild it: pdflatex {tex.name}"
        report.problems.append(f"{name}: not built from the current {tex.name} ({how})")
    if stamp[1] != variant:
        report.problems.append(f"{name}: holds variant {stamp[1]}, expected {variant}")
