"""Exports of a dataset, reviewed or not: Parquet or CSV tables with a datapackage.json
data dictionary and the cleaned texts the offsets point into, or Label Studio tasks.

Every export checks every span it writes (`text[start:end]` must equal the surface
text in the row) and refuses to write anything if one does not match. Files are
written under temporary names and renamed, so a failed export leaves no half files.

CSV is written for spreadsheets: UTF-8 with a byte-order mark (so Excel detects the
encoding), every text cell quoted, ids as text, and text cells that a spreadsheet
would run as a formula prefixed with an apostrophe (see `dataset.defuse`).
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline import atomic, dataset
from pipeline import schema as base_schema
from pipeline.errors import InputError
from pipeline.review import candidates as cands
from pipeline.review import labelstudio, reviewed, schema

FORMATS = ("parquet", "csv", "labelstudio")
SPAN_COLUMNS = {
    "relations": [("a_start", "a_end", "a_text"), ("b_start", "b_end", "b_text")],
    "events": [("trigger_start", "trigger_end", "trigger_text")],
    "actors": [("start", "end", "name")],
}


@dataclass
class Exported:
    folder: Path
    files: dict[str, int] = field(default_factory=dict)  # file name -> bytes
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows
    spans_checked: int = 0

    def lines(self) -> list[str]:
        out = [f"wrote {self.folder}/"]
        out += [f"  {name:<28} {size:>10,} bytes" for name, size in sorted(self.files.items())]
        out.append("rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()))
        out.append(f"spans checked: {self.spans_checked}")
        return out


def default_folder(out_dir: Path, fmt: str, is_reviewed: bool) -> Path:
    return Path(out_dir) / "exports" / f"{'reviewed' if is_reviewed else 'extracted'}-{fmt}"


def export(
    out_dir: str | Path,
    fmt: str,
    dest: str | Path | None = None,
    is_reviewed: bool = True,
    db_url: str | None = None,
    accepted_only: bool = False,
) -> Exported:
    """Write the dataset in out_dir (with its decisions applied if is_reviewed) to dest."""
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out_dir = Path(out_dir)
    folder = Path(dest) if dest else default_folder(out_dir, fmt, is_reviewed)
    if folder.resolve() == out_dir.resolve():
        raise InputError("export into a folder of its own, not into the dataset folder")
    tables, resolved = reviewed.resolved_for(out_dir, db_url)
    if is_reviewed:
        tables = reviewed.apply(tables, resolved, accepted_only)
        table_defs = schema.TABLES
    else:
        table_defs = base_schema.TABLES
    cs = resolved.candidates
    result = Exported(folder)
    result.spans_checked = check_spans(tables, cs.text)
    result.rows = {t.name: len(tables[t.name]) for t in table_defs}
    if fmt == "labelstudio":
        tasks = labelstudio.tasks(tables, cs.text, is_reviewed)
        write(folder / "tasks.json", json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", result)
        write(folder / "labelstudio-config.xml", labelstudio.CONFIG, result)
        result.rows = {"tasks": len(tasks)}
        return result
    for t in table_defs:
        path = folder / f"{t.name}.{fmt}"
        if fmt == "parquet":
            arrow = pa.Table.from_pandas(
                tables[t.name], schema=dataset.arrow_schema(t), preserve_index=False
            )
            dataset.atomic_write_table(path, arrow)
            result.files[path.name] = path.stat().st_size
        else:
            write(path, csv_text(tables[t.name]), result, encoding="utf-8-sig")
    package = schema.datapackage(fmt) if is_reviewed else _base_package(fmt)
    write(
        folder / "datapackage.json",
        json.dumps(package, indent=2, ensure_ascii=False) + "\n",
        result,
    )
    _copy_texts(cs, tables["documents"], folder / "texts", result)
    return result


def write(path: Path, text: str, result: Exported, encoding: str = "utf-8") -> None:
    data = text.encode(encoding)
    atomic.write_bytes(path, data)
    result.files[path.name] = len(data)


def _copy_texts(cs, documents: pd.DataFrame, folder: Path, result: Exported) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    n = size = 0
    for doc_id in documents["doc_id"]:
        src = cs.out_dir / "texts" / f"{doc_id}.txt"
        if src.exists():
            shutil.copyfile(src, folder / src.name)
            n += 1
            size += src.stat().st_size
    result.files[f"texts/ ({n} files)"] = size


def _base_package(fmt: str) -> dict:
    package = base_schema.datapackage()
    for res in package["resources"]:
        res["path"] = f"{res['name']}.{fmt}"
        res["format"] = fmt
        if fmt == "csv":
            res["encoding"] = "utf-8-sig"
            res["mediatype"] = "text/csv"
    if fmt == "csv":
        package["description"] += " " + schema.CSV_NOTE
    return package


def check_spans(tables: dict[str, pd.DataFrame], text_of) -> int:
    """Check text[start:end] for every span of every row; returns how many were checked."""
    n = 0
    for name, triples in SPAN_COLUMNS.items():
        for row in cands.records(tables[name]):
            text = text_of(row["doc_id"])
            for s, e, t in triples:
                if row[s] is None:
                    continue
                cands.check_span(text, row[s], row[e], row[t], f"{name} row of {row['doc_id']}")
                n += 1
    return n


# --- CSV -----------------------------------------------------------------------------


def csv_cell(value) -> str:
    """One CSV cell: numbers bare, text quoted and defused against formula injection."""
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return '"' + dataset.defuse(str(value)).replace('"', '""') + '"'


def uncell(value: str) -> str:
    """The text a csv_cell held (the apostrophe guard removed)."""
    return value[1:] if value.startswith("'") else value


def csv_rows(header: list[str], rows: list[list]) -> str:
    lines = [",".join(csv_cell(h) for h in header)]
    lines += [",".join(csv_cell(v) for v in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def csv_text(df: pd.DataFrame) -> str:
    recs = cands.records(df)
    cols = list(df.columns)
    return csv_rows(cols, [[r[c] for c in cols] for r in recs])


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV written by csv_rows (or saved back by a spreadsheet)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path} is empty")
            header = [uncell(h.strip()) for h in header]
            rows = [dict(zip(header, (uncell(v) for v in r), strict=False)) for r in reader]
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except csv.Error as exc:
        raise InputError(f"{path} is not a readable CSV file: {exc}") from None
    return header, rows


__all__ = ["FORMATS", "export"]
