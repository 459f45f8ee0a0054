"""The reviewed dataset: extraction tables with the latest decisions applied.

`apply(tables, resolved)` is the plain function other stages call (the registry
applies decisions before merging across documents): rejected relations and events
are removed (with the events and actors that hang off them), edits are applied,
reviewer-added events are included, and review columns say what happened to each row.
Rows of documents that a newer version supersedes are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline import dataset
from pipeline.review import candidates as cands
from pipeline.review import config, schema
from pipeline.review.candidates import REVIEWER
from pipeline.review.decisions import Resolved, State, precision, resolve
from pipeline.review.store import DecisionStore

KEPT = ("accepted", "edited", "added")


def apply(
    tables: dict[str, pd.DataFrame], resolved: Resolved, accepted_only: bool = False
) -> dict[str, pd.DataFrame]:
    """Tables (as from `dataset.load`) with the resolved decisions applied.

    accepted_only keeps only rows a reviewer accepted, edited or added (and, for
    events, only those whose relation is kept).
    """
    docs = cands.active_documents(cands.records(tables["documents"]))
    relations, kept_rel = [], set()
    for r in cands.records(tables["relations"]):
        if r["doc_id"] not in docs:
            continue
        st = resolved.state(r["relation_id"])
        if not _keep(st, accepted_only):
            continue
        kept_rel.add(r["relation_id"])
        relations.append(_reviewed_row(r, st, "extraction"))
    events, kept_ev = [], set()
    rows = [e for e in cands.records(tables["events"]) if e["doc_id"] in docs]
    rows += [c.row for c in resolved.candidates if c.origin == REVIEWER]
    for e in rows:
        if e["relation_id"] not in kept_rel:
            continue
        st = resolved.state(e["event_id"])
        if not _keep(st, accepted_only):
            continue
        kept_ev.add(e["event_id"])
        origin = "reviewer" if e["rule_id"] == "reviewer" else "extraction"
        events.append(_reviewed_row(e, st, origin))
    actors = [a for a in cands.records(tables["actors"]) if a["event_id"] in kept_ev]
    return {
        "documents": dataset.frame(schema.DOCUMENTS, docs.values()),
        "relations": _frame(schema.RELATIONS, relations, ("doc_id", "evidence_start")),
        "events": _frame(schema.EVENTS, events, ("doc_id", "trigger_start")),
        "actors": dataset.frame(schema.ACTORS, actors),
    }


def _keep(st: State, accepted_only: bool) -> bool:
    if st.status == "rejected":
        return False
    return st.status in KEPT if accepted_only else True


def _reviewed_row(row: dict, st: State, origin: str) -> dict:
    out = dict(row)
    original = {}
    for name, value in st.changes.items():
        original[name] = row.get(name)
        out[name] = value
        if name in ("city_a", "city_b"):
            out["geonameid_" + name[-1]] = None
        if name == "date":
            out["date_precision"] = precision(value)
            out["date_source"] = "reviewer" if value else None
            out["date_start"] = out["date_end"] = None
    d = st.decision
    out.update(
        origin=origin,
        review_status=st.status,
        reviewer=d.reviewer if d else None,
        reviewed_at=d.created_at if d else None,
        review_note=d.note if d else None,
        review_disagreement=st.disagreement,
        review_changed=st.changed,
        review_original=json.dumps(original, ensure_ascii=False, sort_keys=True)
        if original
        else None,
    )
    return out


def _frame(table, rows, sort) -> pd.DataFrame:
    sort = (*sort, table.key[0])
    df = dataset.frame(table, rows)
    for c in table.columns:
        if c.type == "boolean":
            df[c.name] = df[c.name].astype("boolean")
    return df.sort_values(list(sort), kind="stable").reset_index(drop=True)


def resolved_for(out_dir: str | Path, db_url: str | None = None) -> tuple[dict, Resolved]:
    """The dataset's tables and its decisions resolved against them."""
    cs = cands.load(out_dir)
    with DecisionStore(config.db_url(out_dir, db_url)) as store:
        decisions = store.all()
    return cs.tables, resolve(cs, decisions)


def reviewed_tables(
    out_dir: str | Path, db_url: str | None = None, accepted_only: bool = False
) -> dict[str, pd.DataFrame]:
    tables, resolved = resolved_for(out_dir, db_url)
    return apply(tables, resolved, accepted_only)
