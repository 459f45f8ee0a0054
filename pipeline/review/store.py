"""The decision store: an append-only log of review decisions, apart from the dataset.

SQLite (WAL journal, so a reviewer's app and an import can write while others read)
in the dataset folder by default, or any SQLAlchemy URL (PostgreSQL) from the
SISTERCITIES_REVIEW_DB setting. Rows are only ever inserted: a changed mind is a new
decision, an undo is a row that names the decision it reverts. On SQLite, triggers
refuse UPDATE and DELETE so no tool can rewrite the history by accident.

Each decision records the candidate it was made on (kind, stable id, document id and
source, evidence fingerprint and a snapshot of the values the reviewer saw), so it can
be re-attached after re-extraction (`decisions.resolve`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from pipeline.errors import SisterCitiesError

ACTIONS = ("accept", "reject", "edit", "add", "undo")
SCHEMA_VERSION = "1"


class ReviewError(SisterCitiesError):
    """A decision store that cannot be opened, or a decision that cannot be applied."""


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: int
    candidate_kind: str  # relation | event
    candidate_id: str  # id of the candidate when the decision was made
    doc_id: str
    source: str
    fingerprint: str
    action: str  # one of ACTIONS
    changes: dict = field(hash=False)  # edit: field -> new value; add: the new event
    snapshot: dict = field(hash=False)  # what the reviewer saw (values, evidence text)
    note: str | None
    reviewer: str
    created_at: str  # UTC ISO 8601
    reverts: int | None = None  # undo: the decision it takes back


@dataclass(frozen=True, slots=True)
class NewDecision:
    """A decision about to be appended (the store assigns id and time)."""

    candidate_kind: str
    candidate_id: str
    doc_id: str
    source: str
    fingerprint: str
    action: str
    reviewer: str
    changes: dict = field(default_factory=dict, hash=False)
    snapshot: dict = field(default_factory=dict, hash=False)
    note: str | None = None
    reverts: int | None = None


metadata = MetaData()
DECISIONS = Table(
    "decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("candidate_kind", String(16), nullable=False),
    Column("candidate_id", String(64), nullable=False, index=True),
    Column("doc_id", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("changes", Text, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("note", Text),
    Column("reviewer", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("reverts", Integer),
)
META = Table(
    "review_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

_SQLITE_GUARDS = [
    "CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions "
    "BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions "
    "BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END",
]


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class DecisionStore:
    """Append and read decisions. Create one per process; it is safe across threads."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (ArgumentError, ImportError) as exc:
            raise ReviewError(f"cannot use the review database {url!r}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                if self.engine.dialect.name == "sqlite":
                    for stmt in _SQLITE_GUARDS:
                        conn.execute(text(stmt))
                have = conn.execute(select(META.c.value).where(META.c.key == "schema")).scalar()
                if have is None:
                    conn.execute(insert(META).values(key="schema", value=SCHEMA_VERSION))
                elif have != SCHEMA_VERSION:
                    raise ReviewError(
                        f"the review database {url} has schema {have}, expected {SCHEMA_VERSION}"
                    )
        except OperationalError as exc:
            raise ReviewError(f"cannot open the review database {url}: {exc.orig}") from None

    def close(self) -> None:
        self.engine.dispose()

    def append(self, new: NewDecision) -> Decision:
        return self.append_many([new])[0]

    def append_many(self, items: Sequence[NewDecision]) -> list[Decision]:
        """Append all or none (one transaction)."""
        out = []
        now = _now()
        with self.engine.begin() as conn:
            for d in items:
                if d.action not in ACTIONS:
                    raise ValueError(f"unknown action {d.action!r}")
                values = {
                    "candidate_kind": d.candidate_kind,
                    "candidate_id": d.candidate_id,
                    "doc_id": d.doc_id,
                    "source": d.source,
                    "fingerprint": d.fingerprint,
                    "action": d.action,
                    "changes": _dump(d.changes),
                    "snapshot": _dump(d.snapshot),
                    "note": d.note or None,
                    "reviewer": d.reviewer,
                    "created_at": now,
                    "reverts": d.reverts,
                }
                res = conn.execute(insert(DECISIONS).values(**values))
                out.append(_decision({**values, "decision_id": res.inserted_primary_key[0]}))
        return out

    def all(self) -> list[Decision]:
        """Every decision, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(DECISIONS).order_by(DECISIONS.c.decision_id)).mappings()
            return [_decision(dict(r)) for r in rows]

    def __enter__(self) -> DecisionStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def _decision(r: dict) -> Decision:
    return Decision(
        decision_id=int(r["decision_id"]),
        candidate_kind=r["candidate_kind"],
        candidate_id=r["candidate_id"],
        doc_id=r["doc_id"],
        source=r["source"],
        fingerprint=r["fingerprint"],
        action=r["action"],
        changes=json.loads(r["changes"]),
        snapshot=json.loads(r["snapshot"]),
        note=r["note"],
        reviewer=r["reviewer"],
        created_at=r["created_at"],
        reverts=r["reverts"],
    )


def effective(decisions: Iterable[Decision]) -> list[Decision]:
    """Decisions that still count: undo rows and the decisions they revert drop out."""
    items = list(decisions)
    reverted = {d.reverts for d in items if d.action == "undo"}
    return [d for d in items if d.action != "undo" and d.decision_id not in reverted]
