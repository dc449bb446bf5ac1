"""The one place Jinja environments are made: LaTeX templates and HTML templates share
the loader, StrictUndefined and whitespace rules; each flavour adds its own escaping."""

from __future__ import annotations

import functools
from importlib import resources

import jinja2

#: Delimiters that never clash with TeX's braces and percent signs.
_TEX_SYNTAX = dict(block_start_string="((*", block_end_string="*))",
                   variable_start_string="(((", variable_end_string=")))",
                   comment_start_string="((=", comment_end_string="=))",
                   line_comment_prefix="%#", keep_trailing_newline=True)


@functools.cache
def environment(flavour: str) -> jinja2.Environment:
    """The environment for ``tex`` (LaTeX delimiters, no autoescape: the caller's
    ``finalize`` escapes) or ``html`` (autoescaped). Filters are added by the caller."""
    options = _TEX_SYNTAX if flavour == "tex" else {"autoescape": True}
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("rnnsheets.templates"))),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        bytecode_cache=_cache(), **options)


def _cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (35 ms a build that TeX would wait for), in
    Jinja's own per-user folder (owned by the user, mode 700, keyed by each template's
    source); none where that folder cannot be used."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except RuntimeError:  # Jinja found no safe folder for it
        return None


def tex_preamble() -> str:
    """The preamble every pdfLaTeX worksheet and key begins with (``preamble.tex.j2``)."""
    return environment("tex").get_template("preamble.tex.j2").render(lualatex=False,
                                                                      lualatex_line="")
