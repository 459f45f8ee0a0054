"""Small helpers shared by the review tests."""

from __future__ import annotations

from pipeline.review import candidates as cands
from pipeline.review import decisions as dec
from pipeline.review.store import DecisionStore

from .conftest import XSS_DOC


def resolve(ds, db_url):
    with DecisionStore(db_url) as store:
        return dec.resolve(cands.load(ds), store.all())


def decide(ds, db_url, cid, action, reviewer="alice", changes=None, note=None):
    rs = resolve(ds, db_url)
    with DecisionStore(db_url) as store:
        return store.append(dec.new_decision(rs, cid, action, reviewer, changes, note))


def kiel(rs, kind, type=None):
    """A candidate of the Kiel document (the one with the script payloads)."""
    return next(
        c for c in rs.candidates
        if c.kind == kind and c.source.endswith(XSS_DOC.name)
        and (type is None or c.event_type == type)
    )  # fmt: skip
