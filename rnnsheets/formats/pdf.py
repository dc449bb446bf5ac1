"""PDFs: the combined worksheet and key, and for a class set each variant's own, cut
from the combined ones (one long pdflatex run is far cheaper than many short ones)."""

from __future__ import annotations

import hashlib

from ..latex import compile_many
from ..pdfcut import slice_pdf, stamp
from . import tex

NAME = "pdf"


def files(job) -> dict[str, bytes]:
    """The .tex sources and their PDFs (combined, and per variant for a class set)."""
    out = tex.files(job)
    variants = job.variants

    def finished(name: str, built) -> None:  # cut one document while TeX runs the other
        out[f"{name}.pdf"] = built.pdf
        if len(variants) > 1:
            md5 = hashlib.md5(out[f"{name}.tex"]).hexdigest().upper()
            for v, pages in zip(variants, slice_pdf(built.pdf, built.spans), strict=True):
                out[f"variants/{v.id}/{name}.pdf"] = stamp(pages, md5, v.code)

    compile_many(tex.sources(job), progress=job.progress, finished=finished)
    return out
