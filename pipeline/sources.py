"""Local document sources: folders and files of .txt / .html / .htm (optionally .gz)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputError
from pipeline.models import RawDocument

MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
# What read_file raises for a file that exists but cannot be read (or unpacked).
READ_ERRORS = (OSError, EOFError, ValueError)


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


def read_file(path: Path) -> RawDocument:
    content = path.read_bytes()
    name = path.name
    if name.lower().endswith(".gz"):
        content = gzip.decompress(content)
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
