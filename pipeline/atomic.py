"""Files replaced whole or not at all, alone or several together.

Each file is written to a synced temporary file beside it, then renamed into place, so
a crash leaves either the old file or the new one, never half of one. Several files are
committed through a journal of their renames (see `commit_files`), which
`finish_commit` completes after a crash. Without pandas: the manifest, which an
unchanged rerun writes without loading it, uses this as the dataset does.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path

from pipeline.errors import DatasetError

# mkstemp creates files readable by the owner only; datasets are meant to be shared.
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK

JOURNAL_NAME = ".commit.json"
TMP_SUFFIX = ".tmp"
# What a failed write leaves, for its error message (the default: nothing changed).
UNCHANGED = "the earlier files are unchanged"


def stage(path: Path, write) -> Path:
    """Write through `write(tmp_path)` to a synced temporary file beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_failed(path: Path, exc: OSError, outcome: str = UNCHANGED) -> DatasetError:
    """The error for a file that could not be written, saying what that leaves."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        reason = f"{reason} (the disk or a size limit is full)"
    return DatasetError(f"could not write {path}: {reason}; {outcome}")


def write_file(path: Path, write, outcome: str = UNCHANGED) -> None:
    """Write through `write(tmp_path)` to a temporary file, then rename it into place."""
    commit_files(path.parent, [(path, write)], outcome)


def write_bytes(path: Path, data: bytes, outcome: str = UNCHANGED) -> None:
    write_file(path, lambda tmp: Path(tmp).write_bytes(data), outcome)


def commit_files(out: Path, items: list[tuple[Path, object]], outcome: str = UNCHANGED) -> None:
    """Replace several files (paths under `out`) all together or not at all.

    Every file is staged first; if any cannot be written the staged ones are removed and
    nothing changes (a DatasetError ending in `outcome`). Then a journal of the renames
    is written (itself atomically), the renames happen, and the journal goes.
    `finish_commit` finishes the renames of a journal that a killed process left.
    """
    out = Path(out)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, write in items:
            try:
                staged.append((stage(path, write), path))
            except OSError as exc:
                raise write_failed(path, exc, outcome) from exc
        journal = out / JOURNAL_NAME
        if len(staged) > 1:
            entries = [[_relative(t, out), _relative(p, out)] for t, p in staged]
            data = json.dumps(entries).encode("utf-8")
            try:
                tmp = stage(journal, lambda t: Path(t).write_bytes(data))
                os.replace(tmp, journal)
            except OSError as exc:
                raise write_failed(journal, exc, outcome) from exc
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    if len(staged) > 1:
        _sync_dir(out)
        journal.unlink()


def finish_commit(out: Path) -> list[str]:
    """Do the renames of the journal a killed commit left in `out`, then drop it.

    Only a process that alone writes `out` may call this. Returns what was done.
    """
    done = []
    journal = out / JOURNAL_NAME
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        entries = []
    except (OSError, ValueError):
        entries = []  # written atomically, so never half; unreadable means not ours
    for tmp_name, final_name in entries:
        tmp, final = out / tmp_name, out / final_name
        if ".." in Path(tmp_name).parts or ".." in Path(final_name).parts:
            continue
        if tmp.exists():
            os.replace(tmp, final)
            done.append(f"completed {final_name}")
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    return done


def _relative(path: Path, out: Path) -> str:
    # relpath, not relative_to: mkstemp gives absolute paths, `out` may be relative.
    return Path(os.path.relpath(path, out)).as_posix()


def _sync_dir(path: Path) -> None:
    """Make renames in `path` durable before the journal that announced them goes."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
