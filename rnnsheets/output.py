"""Publishing a build folder without ever losing what was there.

The new build is written into a staging folder beside ``--out`` and swapped
into place in one step (``renameat2(RENAME_EXCHANGE)`` on Linux), so a failed
or interrupted run leaves the old folder exactly as it was. A manifest lists
the files rnnsheets wrote. Anything else in the folder (files, links, empty
folders, pipes, sockets) is never deleted: its presence stops the build unless
``force`` is given, and whatever is there at the swap, even if it appeared
during the build, is moved into the new folder. A staging folder left by a
killed run is removed by the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
import time
from pathlib import Path

from .errors import InputError

MANIFEST = ".rnnsheets-manifest"
#: More foreign entries than this and --force is refused: --out is not a folder of sheets.
MAX_FOREIGN = 1000
_STAGE = ".rnnsheets-{pid}-"


def publish(out: Path, files: dict[str, bytes], force: bool = False,
            checked: bool = False) -> None:
    """Make ``out`` hold exactly ``files``, plus every foreign entry (kept with ``force``).
    ``checked``: the caller ran refuse_foreign before building, so entries that appeared
    since are kept rather than refused."""
    out = Path(out)
    refuse_foreign(out, force or checked, files)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out.parent, f".{out.name}")
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}" + _STAGE.format(pid=os.getpid()),
                                      dir=out.parent))
    except OSError as e:
        raise InputError(f"--out {out}", f"cannot write there: {e.strerror or e}") from None
    try:
        for name, data in files.items():
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            target.chmod(0o644)
        (stage / MANIFEST).write_text("".join(f"{n}\n" for n in sorted(files)), "utf-8")
        for d in [stage, *(p for p in stage.rglob("*") if p.is_dir())]:
            d.chmod(0o755)
    except OSError as e:
        shutil.rmtree(stage, ignore_errors=True)  # the unfinished new build
        raise InputError(f"--out {out}", f"cannot write there: {e.strerror or e}") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        _swap_into_place(stage, out)
    except OSError as e:
        shutil.rmtree(stage, ignore_errors=True)
        raise InputError(f"--out {out}", f"cannot write there: {e.strerror or e}") from None
    try:
        _keep_foreign(stage, out)  # stage now holds the old folder
    except OSError as e:  # never delete what could not be moved: say where it is
        raise InputError(f"--out {out}", f"built, but some files rnnsheets did not write are "
                         f"still in {stage} ({e.strerror or e}); move them back") from None
    shutil.rmtree(stage, ignore_errors=True)  # only what rnnsheets wrote is left in it


def refuse_foreign(out: Path, force: bool, files: dict | None = None) -> list[str]:
    """The foreign entries in ``out``; an error if there are any and ``force`` is not given,
    or if one stands where the new build writes a file."""
    foreign = foreign_entries(Path(out))
    shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
    if foreign and not force:
        raise InputError(f"--out {out}", f"holds files rnnsheets did not write ({shown}); "
                         "choose another folder, or add --force to build beside them")
    if len(foreign) > MAX_FOREIGN:
        raise InputError(f"--out {out}", f"holds more than {MAX_FOREIGN} entries rnnsheets did "
                         "not write; choose a folder for the build")
    clash = sorted(set(foreign) & set(files or {}))
    if clash:
        raise InputError(f"--out {out}", f"holds {clash[0]}, which rnnsheets did not write and "
                         "the build would replace; move it first")
    return foreign


def foreign_entries(out: Path) -> list[str]:
    """Entries under ``out`` rnnsheets did not write (relative paths; at most
    MAX_FOREIGN + 1 of them are looked for, so a huge folder is not walked)."""
    if out.is_symlink():
        raise InputError(f"--out {out}", "is a symbolic link; give the folder it points to")
    if out.resolve() == Path(out.resolve().anchor):
        raise InputError(f"--out {out}", "is the root of the file system; choose a folder")
    if not out.exists():
        return []
    if not out.is_dir():
        raise InputError(f"--out {out}", "is a file, expected a folder")
    ours = _manifest(out)
    parents = {p for name in ours for p in Path(name).parents if str(p) != "."}
    found = []
    for root, dirs, names in os.walk(out):
        for name in [*dirs, *names]:
            rel = (Path(root) / name).relative_to(out).as_posix()
            path = Path(root) / name
            if rel in ours:
                continue
            if path.is_dir() and not path.is_symlink() and Path(rel) in parents:
                continue  # a folder of ours (variants/<id>/)
            found.append(rel)
            if len(found) > MAX_FOREIGN:
                return found
        dirs[:] = [d for d in dirs if Path(Path(root, d).relative_to(out).as_posix()) in parents]
    return sorted(found)


def _manifest(out: Path) -> set[str]:
    try:
        return set((out / MANIFEST).read_text("utf-8").splitlines()) | {MANIFEST}
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"--out {out}", f"cannot read its {MANIFEST}: {e}") from None


def _keep_foreign(old: Path, new: Path) -> None:
    """Move every entry of the old folder that rnnsheets did not write into the new one,
    merging folders; a name the new build also wrote is kept beside it (``.kept``)."""
    for rel in foreign_entries(old):
        _move(old / rel, new / rel)


def _move(src: Path, dst: Path) -> None:
    if dst.is_dir() and not dst.is_symlink() and src.is_dir() and not src.is_symlink():
        for child in src.iterdir():  # a folder that is also the new build's: merge into it
            _move(child, dst / child.name)
        return
    if dst.exists() or dst.is_symlink():
        dst = dst.with_name(dst.name + ".kept")
        while dst.exists() or dst.is_symlink():
            dst = dst.with_name(dst.name + ".kept")
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.rename(src, dst)


def remove_stale(folder: Path, prefix: str, older_style: str = "") -> None:
    """Remove what a killed run left in ``folder``: entries ``<prefix>.rnnsheets-<pid>-*``
    whose process is gone, and (``older_style``) entries of that prefix a day old. One
    pass over the folder's names, so a crowded /tmp costs little."""
    cutoff = time.time() - 86400
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        names = [e.name for e in entries
                 if e.name.startswith(prefix + ".rnnsheets-")
                 or older_style and e.name.startswith(older_style)]
    for name in names:
        entry = Path(folder) / name
        with contextlib.suppress(OSError, InputError):
            if older_style and name.startswith(older_style):
                if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
                continue
            if _alive(name):
                continue
            if (entry / MANIFEST).exists() and foreign_entries(entry):
                continue  # a build folder left by a run killed mid-swap holds user files
            shutil.rmtree(entry, ignore_errors=True)


def _alive(name: str) -> bool:
    try:
        pid = int(name.split(".rnnsheets-")[1].split("-")[0])
    except (IndexError, ValueError):
        return True  # not one of ours as far as we can tell: leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    try:  # the C library this process has (find_library would run ldconfig: 10 ms)
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0
