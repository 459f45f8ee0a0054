"""The dataset on disk: Parquet tables, cleaned texts, raw responses and the descriptor.

pandas is used here and nowhere else. Every file is written to a temporary name and
renamed into place, so a crash leaves either the old file or the new one, never half
of one. A run upserts by document: rows of the documents it processed replace their
earlier rows, and every other document's rows stay as they were; a superseded
document keeps its rows and only gains `superseded_by`. Source rows (sources.parquet)
are upserted by location the same way. One writer at a time: a second run on the same
folder is refused while the first holds the lock. Datasets written before a column
was added read back with that column empty.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import EXTRACTOR_VERSION
from pipeline.errors import DatasetError
from pipeline.models import CleanDocument, Extraction
from pipeline.schema import (
    ACTORS,
    DOCUMENTS,
    EVENTS,
    RELATIONS,
    SOURCES,
    TABLES,
    Table,
    datapackage,
)

# mkstemp creates files readable by the owner only; datasets are meant to be shared.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}
LOCK_NAME = ".lock"


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.type], nullable=c.nullable) for c in table.columns])


def _atomic_write(path: Path, write) -> None:
    """Write through `write(tmp_path)` to a temporary file, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    _atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_table(path: Path, table: pa.Table) -> None:
    _atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def document_row(doc: CleanDocument) -> dict:
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "source_name": doc.source_name,
        "title": doc.title,
        "author": doc.author,
        "published": doc.published.value if doc.published else None,
        "published_precision": doc.published.precision if doc.published else None,
        "status": doc.status,
        "n_chars": len(doc.text),
        "extractor_version": EXTRACTOR_VERSION,
        "superseded_by": None,
    }


def frame(table: Table, rows: Iterable[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with the dictionary's columns, in order, with nullable types."""
    df = pd.DataFrame(list(rows), columns=table.column_names)
    for c in table.columns:
        if c.type == "integer":
            df[c.name] = df[c.name].astype("Int64")
        elif c.type == "number":
            df[c.name] = df[c.name].astype("float64")
        elif c.type == "string":
            df[c.name] = df[c.name].astype("string")
    return df


def read_table(out_dir: str | Path, table: Table) -> pd.DataFrame:
    path = Path(out_dir) / f"{table.name}.parquet"
    if not path.exists():
        return frame(table, [])
    try:
        df = pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowInvalid) as exc:
        raise DatasetError(f"{path} is not a readable Parquet file: {exc}") from exc
    missing = [c.name for c in table.columns if c.name not in df.columns and not c.nullable]
    if missing:
        raise DatasetError(f"{path} lacks columns {', '.join(missing)}")
    for c in table.columns:
        if c.name not in df.columns:  # added in a later minor version of the dataset
            df[c.name] = None
    return frame(table, df[table.column_names].to_dict("records"))


def read_records(out_dir: str | Path, table: Table) -> list[dict]:
    """A table's rows as plain dicts of Python values (None for nulls)."""
    return records(read_table(out_dir, table))


def load(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    return {t.name: read_table(out_dir, t) for t in TABLES}


def write_sources(out_dir: str | Path, records: Iterable[dict]) -> int:
    """Upsert source rows by location; rows of sources not given stay as they were."""
    out = Path(out_dir)
    new = frame(SOURCES, records)
    old = read_table(out, SOURCES)
    merged = pd.concat([old[~old["source"].isin(new["source"])], new], ignore_index=True)
    _write_frame(out, SOURCES, merged)
    _write_descriptor(out)
    return len(merged)


def _write_frame(out: Path, table: Table, df: pd.DataFrame) -> None:
    df = df.drop_duplicates(subset=list(table.key), keep="last")
    df = df.sort_values(list(_sort_key(table)), kind="stable").reset_index(drop=True)
    arrow = pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)
    atomic_write_table(out / f"{table.name}.parquet", arrow)


def _write_descriptor(out: Path) -> None:
    data = (json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    path = out / "datapackage.json"
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)


# --- Raw responses: kept so a document can be cleaned again without fetching ---------


def raw_path(out_dir: str | Path, sha256: str) -> Path:
    return Path(out_dir) / "raw" / f"{sha256}.gz"


def store_raw(out_dir: str | Path, content: bytes) -> str:
    """Keep bytes as raw/<sha256>.gz (once: the name is the content's hash)."""
    sha = hashlib.sha256(content).hexdigest()
    path = raw_path(out_dir, sha)
    if not path.exists():
        atomic_write_bytes(path, gzip.compress(content, compresslevel=6, mtime=0))
    return sha


def load_raw(out_dir: str | Path, sha256: str) -> bytes | None:
    try:
        return gzip.decompress(raw_path(out_dir, sha256).read_bytes())
    except (OSError, EOFError):
        return None


@contextlib.contextmanager
def lock(out_dir: str | Path) -> Iterator[None]:
    """Hold the folder's write lock; refuse clearly if another live run holds it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _lock_holder(path)
            if holder is not None and _alive(holder):
                raise _busy(out, holder) from None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)  # left behind by a run that died
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        break
    else:
        raise DatasetError(f"could not take the lock {path}")
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def ensure_unlocked(out_dir: str | Path) -> None:
    """Refuse early, before any work, when another live run holds the folder's lock."""
    holder = _lock_holder(Path(out_dir) / LOCK_NAME)
    if holder is not None and _alive(holder):
        raise _busy(Path(out_dir), holder)


def _busy(out: Path, holder: int) -> DatasetError:
    return DatasetError(f"another run (pid {holder}) is writing to {out}; wait for it to finish")


def _lock_holder(path: Path) -> int | None:
    try:
        return int(path.read_text().strip() or "0") or None
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DatasetWriter:
    """Collects extractions, writes texts as they come and the tables at commit."""

    def __init__(self, out_dir: str | Path):
        self.out = Path(out_dir)
        self.rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        self.doc_ids: set[str] = set()
        self.superseded: dict[str, str] = {}  # old doc_id -> new doc_id
        self.revived: set[str] = set()  # doc_ids current again

    @property
    def changed(self) -> bool:
        return bool(self.doc_ids or self.superseded or self.revived)

    def supersede(self, old_doc_id: str, new_doc_id: str) -> None:
        self.superseded[old_doc_id] = new_doc_id

    def revive(self, doc_id: str) -> None:
        self.revived.add(doc_id)

    def add(self, ex: Extraction) -> None:
        doc = ex.document
        if doc.doc_id in self.doc_ids:
            return  # the same text twice in one run: one row
        self.doc_ids.add(doc.doc_id)
        self.rows["documents"].append(document_row(doc))
        self.rows["relations"].extend(dataclasses.asdict(r) for r in ex.relations)
        self.rows["events"].extend(dataclasses.asdict(e) for e in ex.events)
        self.rows["actors"].extend(dataclasses.asdict(a) for a in ex.actors)
        if doc.ok:
            path = self.out / "texts" / f"{doc.doc_id}.txt"
            data = doc.text.encode("utf-8")
            if not path.exists() or path.read_bytes() != data:
                atomic_write_bytes(path, data)

    def commit(self) -> dict[str, int]:
        """Merge with what the folder already holds and write every table."""
        counts = {}
        for table in TABLES:
            old = read_table(self.out, table)
            keep = ~old["doc_id"].isin(self.doc_ids)
            new = frame(table, self.rows[table.name])
            merged = pd.concat([old[keep], new], ignore_index=True) if len(old) else new
            if table is DOCUMENTS:
                merged["superseded_by"] = self._superseded_by(old, merged)
            _write_frame(self.out, table, merged)
            counts[table.name] = len(merged)
        if not (self.out / f"{SOURCES.name}.parquet").exists():
            _write_frame(self.out, SOURCES, frame(SOURCES, []))
        _write_descriptor(self.out)
        return counts

    def _superseded_by(self, old: pd.DataFrame, merged: pd.DataFrame) -> pd.Series:
        """Supersession survives re-extraction; only supersede() and revive() change it."""
        before = {
            d: s for d, s in zip(old["doc_id"], old["superseded_by"], strict=True) if not pd.isna(s)
        }
        values = []
        for doc_id in merged["doc_id"]:
            value = self.superseded.get(doc_id, before.get(doc_id))
            values.append(None if doc_id in self.revived else value)
        return pd.Series(values, index=merged.index, dtype="string")


def records(df: pd.DataFrame) -> list[dict]:
    """A table's rows as plain dicts, missing values as None, for code that stays out of pandas."""
    return [
        {
            k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v)
            for k, v in row.items()
        }
        for row in df.to_dict("records")
    ]


def read_text(out_dir: str | Path, doc_id: str) -> str | None:
    """The cleaned text a document's offsets point into, or None if it is not stored."""
    path = Path(out_dir) / "texts" / f"{doc_id}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def write_derived(out_dir: str | Path, tables: dict[Table, list[dict]]) -> dict[str, int]:
    """Replace tables built from the others (the registry) as Parquet and CSV, whole.

    The caller holds the lock. Each file is atomic on its own; the Parquet file is
    the reference and the CSV a convenience copy of it.
    """
    out = Path(out_dir)
    counts = {}
    for table, rows in tables.items():
        df = frame(table, rows)
        arrow = pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)
        atomic_write_table(out / f"{table.name}.parquet", arrow)
        atomic_write_bytes(out / f"{table.name}.csv", df.to_csv(index=False).encode("utf-8"))
        counts[table.name] = len(df)
    _write_descriptor(out)
    return counts


def _sort_key(table: Table) -> tuple[str, ...]:
    if table is DOCUMENTS:
        return ("source", "doc_id")
    if table is RELATIONS:
        return ("doc_id", "evidence_start", "relation_id")
    if table is EVENTS:
        return ("doc_id", "trigger_start", "event_id")
    if table is ACTORS:
        return ("doc_id", "start", "actor_id")
    if table is SOURCES:
        return ("source",)
    return table.key


__all__ = [
    "DatasetWriter",
    "EVENTS",
    "RELATIONS",
    "load",
    "lock",
    "read_table",
    "read_text",
    "records",
    "write_derived",
]
