"""The decision store: append-only, WAL, all-or-nothing batches."""

import sqlite3

import pytest

from pipeline.review.store import DecisionStore, NewDecision, ReviewError, effective


def _new(action="accept", **kw):
    base = dict(candidate_kind="relation", candidate_id="r1", doc_id="d1", source="s.txt",
                fingerprint="fp", action=action, reviewer="alice")  # fmt: skip
    base.update(kw)
    return NewDecision(**base)


def test_decisions_come_back_in_the_order_they_were_made(tmp_path):
    with DecisionStore(f"sqlite:///{tmp_path / 'r.sqlite'}") as store:
        store.append(_new("accept"))
        store.append(_new("reject", note="wrong pair"))
        got = store.all()
    assert [d.action for d in got] == ["accept", "reject"]
    assert got[1].note == "wrong pair" and got[1].reviewer == "alice"
    assert got[0].created_at <= got[1].created_at


def test_sqlite_store_uses_the_wal_journal(tmp_path):
    path = tmp_path / "r.sqlite"
    DecisionStore(f"sqlite:///{path}").close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_stored_decisions_cannot_be_rewritten(tmp_path):
    path = tmp_path / "r.sqlite"
    with DecisionStore(f"sqlite:///{path}") as store:
        store.append(_new())
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE decisions SET action = 'reject'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM decisions")


def test_a_batch_with_a_bad_decision_stores_nothing(tmp_path):
    with DecisionStore(f"sqlite:///{tmp_path / 'r.sqlite'}") as store:
        with pytest.raises(ValueError):
            store.append_many([_new(), _new(action="maybe")])
        assert store.all() == []


def test_undo_takes_back_the_decision_it_names(tmp_path):
    with DecisionStore(f"sqlite:///{tmp_path / 'r.sqlite'}") as store:
        first = store.append(_new("accept"))
        second = store.append(_new("reject"))
        store.append(_new("undo", reverts=second.decision_id))
        assert effective(store.all()) == [first]


def test_an_unusable_database_url_is_a_clear_error():
    with pytest.raises(ReviewError, match="cannot use the review database"):
        DecisionStore("nosuchdialect://x")
