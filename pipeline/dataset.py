"""The dataset on disk: Parquet tables, cleaned texts and the data package descriptor.

pandas is used here and nowhere else. Every file is written to a temporary name and
renamed into place, so a crash leaves either the old file or the new one, never half
of one. A run upserts by document: rows of the documents it processed replace their
earlier rows, and every other document's rows stay as they were. One writer at a time:
a second run on the same folder is refused while the first holds the lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
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
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        raise DatasetError(f"{path} lacks columns {', '.join(missing)}")
    return frame(table, df[table.column_names].to_dict("records"))


def load(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    return {t.name: read_table(out_dir, t) for t in TABLES}


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
                raise DatasetError(
                    f"another run (pid {holder}) is writing to {out}; wait for it to finish"
                ) from None
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
            merged = merged.drop_duplicates(subset=list(table.key), keep="last")
            merged = merged.sort_values(list(_sort_key(table)), kind="stable").reset_index(
                drop=True
            )
            arrow = pa.Table.from_pandas(merged, schema=arrow_schema(table), preserve_index=False)
            atomic_write_table(self.out / f"{table.name}.parquet", arrow)
            counts[table.name] = len(merged)
        descriptor = json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n"
        atomic_write_bytes(self.out / "datapackage.json", descriptor.encode("utf-8"))
        return counts


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
    descriptor = json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(out / "datapackage.json", descriptor.encode("utf-8"))
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
