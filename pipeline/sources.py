"""Local document sources: folders and files of .txt / .html / .htm (optionally .gz).

A file (after decompression) larger than the cap (`config.MAX_BYTES`, or the `max_bytes`
of sources.toml's [fetch]) is not read: `read_file` raises `TooLarge` without holding
more than the cap in memory, so neither a 50 MB page nor a small gzip bomb can exhaust
memory, and the run records the file as too large.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from pipeline.config import MAX_BYTES
from pipeline.errors import InputError
from pipeline.models import RawDocument

MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


class TooLarge(ValueError):
    """The file (decompressed) is over the byte cap."""


# What read_file raises for a file that exists but cannot be read (or unpacked); a
# corrupt deflate stream raises zlib.error, which is none of the others.
READ_ERRORS = (OSError, EOFError, ValueError, zlib.error)


def media_type_for(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return MEDIA_TYPES.get(suffixes[-1]) if suffixes else None


def discover(path: str | Path) -> list[Path]:
    """The supported files under `path` (a file or a folder), in a stable order."""
    root = Path(path)
    if not root.exists():
        raise InputError(f"{root} does not exist")
    if root.is_file():
        if media_type_for(root) is None:
            raise InputError(f"{root} is not a .txt, .html or .htm file")
        return [root]
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and media_type_for(p) and not _hidden(p, root)
    )
    if not files:
        raise InputError(f"{root} holds no .txt, .html or .htm files")
    return files


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> RawDocument:
    """The file's bytes (decompressed if .gz); raises TooLarge over `max_bytes` (the same
    cap as the fetcher's: a local file is no more trusted than a downloaded page)."""
    name = path.name
    gz = name.lower().endswith(".gz")
    # A gzip stream is decompressed only as far as the cap: one byte more tells it is over.
    with gzip.open(path, "rb") if gz else path.open("rb") as fh:
        content = fh.read(max_bytes + 1)
    if len(content) > max_bytes:
        what = "decompressed, it is" if gz else "it is"
        raise TooLarge(f"{path.name}: {what} over the cap of {max_bytes:,} bytes")
    if gz:
        name = name[:-3]
    return RawDocument(
        source=str(path),
        source_name=name,
        content=content,
        media_type=media_type_for(path) or "application/octet-stream",
    )


def iter_documents(path: str | Path) -> Iterator[RawDocument]:
    for file in discover(path):
        yield read_file(file)
