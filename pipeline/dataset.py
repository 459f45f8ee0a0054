"""The dataset on disk: Parquet tables, cleaned texts, raw responses and the descriptor.

pandas is used here and nowhere else. Every file is written to a temporary name and
renamed into place (pipeline/atomic.py), so a crash leaves either the old file or the
new one, never half of one. The tables of one run are committed together: all are
written to temporary files first (a full disk fails here, with the old tables
untouched), then a journal lists the renames, then they happen; a run killed among the
renames is rolled forward by the next writer to take the lock, which also removes
temporary files a killed run left behind. A run upserts by document: rows of the
documents it processed replace their earlier rows, and every other document's rows
stay as they were; a superseded document keeps its rows and only gains
`superseded_by`. Source rows (sources.parquet) are upserted by location the same way.
One writer at a time: a second run on the same folder is refused while the first holds
the lock. Datasets written before a column was added read back with that column empty.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import gzip
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import atomic, manifest
from pipeline.config import Settings
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

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}
LOCK_NAME = ".lock"
JOURNAL_NAME = atomic.JOURNAL_NAME
TMP_SUFFIX = atomic.TMP_SUFFIX
# Present while the tables are newer than the registry built from them (named in the
# manifest module, which checks it without importing pandas).
REGISTRY_STALE = manifest.REGISTRY_STALE


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.type], nullable=c.nullable) for c in table.columns])


def recover(out_dir: str | Path) -> list[str]:
    """Finish the commit a killed run left half done; drop its temporary files.

    Only the holder of the lock calls this: nobody else writes these folders. Returns
    what was done, for the log.
    """
    out = Path(out_dir)
    done = atomic.finish_commit(out)
    for folder in (out, out / "texts", out / "raw"):
        for stale in folder.glob(f".*{TMP_SUFFIX}") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                stale.unlink()
                done.append(f"removed {stale.relative_to(out).as_posix()}")
    return done


def atomic_write_table(path: Path, table: pa.Table) -> None:
    atomic.write_file(path, _parquet_writer(table))


def document_row(doc: CleanDocument, version: str) -> dict:
    """A documents row; `version` is manifest.rules_version of the run's settings."""
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
        "extractor_version": version,
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
    finish_interrupted(out_dir)
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


def _merged_sources(out: Path, records: Iterable[dict]) -> pd.DataFrame:
    """Source rows upserted by location; rows of sources not given stay as they were."""
    new = frame(SOURCES, records)
    old = read_table(out, SOURCES)
    return pd.concat([old[~old["source"].isin(new["source"])], new], ignore_index=True)


def _frame_item(out: Path, table: Table, df: pd.DataFrame) -> tuple[Path, object]:
    """A table as a file to commit: deduplicated by key, in a stable order."""
    df = df.drop_duplicates(subset=list(table.key), keep="last")
    df = df.sort_values(list(_sort_key(table)), kind="stable").reset_index(drop=True)
    arrow = pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)
    return out / f"{table.name}.parquet", _parquet_writer(arrow)


def _bytes_item(path: Path, data: bytes) -> tuple[Path, object]:
    return path, lambda tmp: Path(tmp).write_bytes(data)


def _descriptor_items(out: Path) -> list[tuple[Path, object]]:
    """The descriptor, when it is missing or differs (it changes only with the schema)."""
    data = (json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    path = out / "datapackage.json"
    if path.exists() and path.read_bytes() == data:
        return []
    return [_bytes_item(path, data)]


def registry_stale(out_dir: str | Path) -> bool:
    """The tables were committed but the registry was not rebuilt from them afterwards."""
    return (Path(out_dir) / REGISTRY_STALE).exists()


# --- Raw responses: kept so a document can be cleaned again without fetching ---------


def raw_path(out_dir: str | Path, sha256: str) -> Path:
    return Path(out_dir) / "raw" / f"{sha256}.gz"


def store_raw(out_dir: str | Path, content: bytes) -> str:
    """Keep bytes as raw/<sha256>.gz (once: the name is the content's hash)."""
    sha = hashlib.sha256(content).hexdigest()
    path = raw_path(out_dir, sha)
    if not path.exists():
        atomic.write_bytes(path, gzip.compress(content, compresslevel=6, mtime=0))
    return sha


def load_raw(out_dir: str | Path, sha256: str) -> bytes | None:
    try:
        return gzip.decompress(raw_path(out_dir, sha256).read_bytes())
    except (OSError, EOFError):
        return None


@contextlib.contextmanager
def lock(out_dir: str | Path) -> Iterator[None]:
    """Hold the folder's write lock; refuse clearly if another live run holds it.

    An advisory lock (flock) on `.lock`, which the kernel releases when its holder
    dies, however it dies: a killed run never leaves a lock that blocks the next one,
    and two runs starting at the same moment cannot both take it. The file stays; it
    holds the holder's pid for the message others get.
    """
    out = Path(out_dir)
    path = out / LOCK_NAME
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise atomic.write_failed(path, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy(out, _holder_pid(fd)) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError as exc:
            raise atomic.write_failed(path, exc) from exc
        recover(out)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # not held any more; the kernel drops the lock at close
    finally:
        os.close(fd)


def lock_holder(out_dir: str | Path) -> int | None:
    """The pid of the live run holding the folder's lock, or None when nobody does."""
    try:
        fd = os.open(Path(out_dir) / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder_pid(fd) or -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def finish_interrupted(out_dir: str | Path) -> bool:
    """Roll forward a commit that a killed run left half done, so that readers (the
    review app, reports) never see new tables beside old ones; not while a run writes."""
    out = Path(out_dir)
    if not (out / JOURNAL_NAME).exists() or lock_holder(out) is not None:
        return False
    with contextlib.suppress(DatasetError), lock(out):
        pass  # taking the lock recovers
    return True


def ensure_unlocked(out_dir: str | Path) -> None:
    """Refuse early, before any work, when another live run holds the folder's lock."""
    holder = lock_holder(out_dir)
    if holder is not None:
        raise _busy(Path(out_dir), holder)


def _busy(out: Path, holder: int | None) -> DatasetError:
    who = f"another run (pid {holder})" if holder and holder > 0 else "another run"
    return DatasetError(f"{who} is writing to {out}; wait for it to finish")


def _holder_pid(fd: int) -> int | None:
    """The pid in a held lock file. Its holder writes it just after taking the lock, so
    a run that arrives in between waits a moment for it rather than name no one."""
    for _ in range(50):
        pid = _read_pid(fd)
        if pid:
            return pid
        time.sleep(0.01)
    return None


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip() or "0") or None
    except (OSError, ValueError):
        return None


class DatasetWriter:
    """Collects extractions, writes texts as they come and the tables at commit."""

    def __init__(self, out_dir: str | Path, settings: Settings | None = None):
        self.out = Path(out_dir)
        # Written with every document: what made its rows (see state.Prior.known).
        self.version = manifest.rules_version(settings or Settings.from_env())
        self.rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        self.doc_ids: set[str] = set()
        self.superseded: dict[str, str] = {}  # old doc_id -> new doc_id
        self.revived: set[str] = set()  # doc_ids current again
        self.sources: list[dict] | None = None  # source rows to upsert in the same commit

    @property
    def changed(self) -> bool:
        return bool(self.doc_ids or self.superseded or self.revived)

    def set_sources(self, records: Iterable[dict]) -> None:
        self.sources = list(records)

    def supersede(self, old_doc_id: str, new_doc_id: str) -> None:
        self.superseded[old_doc_id] = new_doc_id

    def revive(self, doc_id: str) -> None:
        self.revived.add(doc_id)

    def add(self, ex: Extraction) -> None:
        doc = ex.document
        if doc.doc_id in self.doc_ids:
            return  # the same text twice in one run: one row
        self.doc_ids.add(doc.doc_id)
        self.rows["documents"].append(document_row(doc, self.version))
        self.rows["relations"].extend(dataclasses.asdict(r) for r in ex.relations)
        self.rows["events"].extend(dataclasses.asdict(e) for e in ex.events)
        self.rows["actors"].extend(dataclasses.asdict(a) for a in ex.actors)
        if doc.ok:
            path = self.out / "texts" / f"{doc.doc_id}.txt"
            data = doc.text.encode("utf-8")
            if not path.exists() or path.read_bytes() != data:
                atomic.write_bytes(path, data)

    def commit(self) -> dict[str, int]:
        """Merge with what the folder already holds and write every table, together.

        Tables are rewritten only when documents changed; source rows (set_sources)
        are upserted in the same commit. Committed tables mark the registry stale
        until it is rebuilt from them.
        """
        counts: dict[str, int] = {}
        items: list[tuple[Path, object]] = []
        if self.changed:
            for table in TABLES:
                old = read_table(self.out, table)
                keep = ~old["doc_id"].isin(self.doc_ids)
                new = frame(table, self.rows[table.name])
                merged = pd.concat([old[keep], new], ignore_index=True) if len(old) else new
                if table is DOCUMENTS:
                    merged["superseded_by"] = self._superseded_by(old, merged)
                items.append(_frame_item(self.out, table, merged))
                counts[table.name] = len(merged)
            items.append(_bytes_item(self.out / REGISTRY_STALE, b""))
        sources_path = self.out / f"{SOURCES.name}.parquet"
        if self.sources is not None:
            merged = _merged_sources(self.out, self.sources)
            items.append(_frame_item(self.out, SOURCES, merged))
            counts[SOURCES.name] = len(merged)
        elif not sources_path.exists():
            items.append(_frame_item(self.out, SOURCES, frame(SOURCES, [])))
        if items:
            atomic.commit_files(self.out, items + _descriptor_items(self.out))
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
    items: list[tuple[Path, object]] = []
    for table, rows in tables.items():
        df = frame(table, rows)
        arrow = pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)
        items.append((out / f"{table.name}.parquet", _parquet_writer(arrow)))
        csv = _defused(df).to_csv(index=False).encode("utf-8")
        items.append(_bytes_item(out / f"{table.name}.csv", csv))
        counts[table.name] = len(df)
    atomic.commit_files(out, items + _descriptor_items(out))
    with contextlib.suppress(FileNotFoundError):
        (out / REGISTRY_STALE).unlink()
    return counts


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection);
# article text and file names are untrusted, so such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def defuse(text: str) -> str:
    """A text cell as written to CSV: with an apostrophe in front when a spreadsheet would
    run it as a formula or drop an apostrophe of its own. Every CSV writer uses this."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _defused(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with its string cells defused (see `defuse`)."""
    out = df.copy()
    for name in out.columns:
        if out[name].dtype == "string":
            out[name] = out[name].map(defuse, na_action="ignore").astype("string")
    return out


def _parquet_writer(arrow: pa.Table):
    return lambda tmp: pq.write_table(arrow, tmp, compression="zstd")


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
