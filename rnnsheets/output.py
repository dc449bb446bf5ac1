"""Publishing a build folder without ever losing what was there.

The new build is written into a staging folder beside ``--out`` and swapped
into place in one step (``renameat2(RENAME_EXCHANGE)`` on Linux), so a failed
or interrupted run leaves the old folder exactly as it was. A manifest lists
the files rnnsheets wrote; files it did not write are never deleted, and their
presence stops the build unless ``force`` is given (then they are kept).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

from .errors import InputError

MANIFEST = ".rnnsheets-manifest"


def publish(out: Path, files: dict[str, bytes], force: bool = False) -> None:
    """Make ``out`` hold exactly ``files`` (plus any foreign files kept with ``force``)."""
    out = Path(out)
    foreign = refuse_foreign(out, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.rnnsheets-", dir=out.parent))
    except OSError as e:
        raise InputError(f"--out {out}", f"cannot write there: {e.strerror or e}") from None
    try:
        for name, data in files.items():
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (stage / MANIFEST).write_text("".join(f"{n}\n" for n in sorted(files)), "utf-8")
        for name in foreign:  # kept, by hard link where possible
            src, dst = out / name, stage / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError:
                shutil.copy2(src, dst, follow_symlinks=False)
        for d in [stage, *(p for p in stage.rglob("*") if p.is_dir())]:
            d.chmod(0o755)
        for f in (p for p in stage.rglob("*") if p.is_file() and p.relative_to(stage).as_posix()
                  not in foreign):
            f.chmod(0o644)
        _swap_into_place(stage, out)
    except OSError as e:
        raise InputError(f"--out {out}", f"cannot write there: {e.strerror or e}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # the old folder, or the unfinished new one


def refuse_foreign(out: Path, force: bool) -> set[str]:
    """The foreign files in ``out``; an error if there are any and ``force`` is not given."""
    foreign = foreign_files(Path(out))
    if foreign and not force:
        shown = ", ".join(sorted(foreign)[:3]) + (", ..." if len(foreign) > 3 else "")
        raise InputError(f"--out {out}", f"holds files rnnsheets did not write ({shown}); "
                         "choose another folder, or add --force to build beside them")
    return foreign


def foreign_files(out: Path) -> set[str]:
    """Files under ``out`` that rnnsheets did not write (relative paths)."""
    if not out.exists():
        return set()
    if not out.is_dir():
        raise InputError(f"--out {out}", "is a file, expected a folder")
    try:
        ours = set((out / MANIFEST).read_text("utf-8").splitlines()) | {MANIFEST}
    except FileNotFoundError:
        ours = set()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"--out {out}", f"cannot read its {MANIFEST}: {e}") from None
    found = set()
    for p in out.rglob("*"):
        if p.is_file() or p.is_symlink():
            rel = p.relative_to(out).as_posix()
            if rel not in ours:
                found.add(rel)
    return found


def _swap_into_place(stage: Path, out: Path) -> None:
    """Put ``stage`` at ``out``; the old ``out`` (if any) ends up at ``stage``."""
    if not out.exists():
        os.rename(stage, out)
        stage.mkdir()  # so the caller's clean-up has something to remove
        return
    if _exchange(stage, out):
        return
    # No atomic exchange here: two renames, with the old folder kept until the new is in place.
    old = stage.with_name(stage.name + "-old")
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        os.rename(old, out)
        raise
    os.rename(old, stage)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        renameat2 = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0
