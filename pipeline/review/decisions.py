"""Decisions meet candidates: validate and record them, re-attach them after
re-extraction, and work out each candidate's review state.

Re-attachment (`resolve`), for the decisions made on one original candidate id:
1. the same id is still in the dataset: attached by id;
2. otherwise a candidate of the same kind with the same evidence fingerprint in the
   same document (same doc_id, or the same source when the cleaned text changed):
   attached by fingerprint (the nearest one if the sentence occurs twice);
3. a reviewer-added event whose relation is still there (by id or fingerprint) and
   whose sentence is found again in the document's text: re-anchored there;
4. otherwise the decisions are orphaned: kept in the store, listed by `orphans`,
   never dropped and never applied.
A decision attached to a candidate whose evidence or values differ from what the
reviewer saw is marked `changed`, so it can be looked at again.

The latest effective decision (by store order) wins across reviewers; when reviewers'
own latest decisions differ, the candidate is marked as a disagreement.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from pipeline.ids import content_hash
from pipeline.models import EVENT_TYPES, RELATION_KINDS
from pipeline.review.candidates import (
    EVENT,
    RELATION,
    REVIEWER,
    Candidate,
    CandidateSet,
    event_candidate,
    queue_key,
    relation_fingerprint,
)
from pipeline.review.store import Decision, DecisionStore, NewDecision, ReviewError, effective

STATUSES = ("unreviewed", "accepted", "rejected", "edited", "added")
RELATION_FIELDS = ("city_a", "country_a", "city_b", "country_b", "kind")
EVENT_FIELDS = ("type", "date")
EDITABLE = {RELATION: RELATION_FIELDS, EVENT: EVENT_FIELDS}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PRECISION = {4: "year", 7: "month", 10: "day"}


@dataclass
class State:
    """Review state of one current candidate."""

    status: str = "unreviewed"  # one of STATUSES
    decision: Decision | None = None  # the latest effective decision
    changes: dict = field(default_factory=dict)  # field -> reviewed value
    by_reviewer: dict[str, Decision] = field(default_factory=dict)
    history: list[Decision] = field(default_factory=list)  # every decision, undo rows too
    disagreement: bool = False
    changed: bool = False  # evidence or values differ from what the reviewer saw
    via: str | None = None  # id | fingerprint | reanchored


@dataclass
class Resolved:
    candidates: CandidateSet  # includes reviewer-added events
    states: dict[str, State]  # candidate_id -> state
    orphans: list[Decision]  # latest effective decision of each orphaned candidate

    def state(self, candidate_id: str) -> State:
        return self.states.get(candidate_id) or State()


# --- values -----------------------------------------------------------------------


def values(c: Candidate) -> dict:
    """The fields a reviewer judges, as extracted."""
    if c.kind == RELATION:
        return {f: c.row[f] for f in RELATION_FIELDS}
    return {f: c.row[f] for f in EVENT_FIELDS}


def reviewed_values(c: Candidate, st: State) -> dict:
    return {**values(c), **st.changes}


def snapshot(cs: CandidateSet, c: Candidate) -> dict:
    text = cs.text(c.doc_id)
    snap = {
        "values": values(c),
        "pair": c.pair,
        "evidence_start": c.evidence_start,
        "evidence_text": text[c.evidence_start : c.evidence_end],
    }
    if c.kind == EVENT:
        snap["relation_fingerprint"] = relation_fingerprint(text, c.relation)[0]
    return snap


def precision(date: str | None) -> str | None:
    return _PRECISION.get(len(date)) if date else None


def clean_changes(kind: str, raw: dict, current: dict) -> dict:
    """Validated edits: the fields that differ from the extracted values.

    Raises ReviewError naming the first bad field.
    """
    allowed = EDITABLE[kind]
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise ReviewError(f"cannot edit {', '.join(unknown)} of a {kind}")
    out = {}
    for name in allowed:
        if name not in raw:
            continue
        value = _clean_value(name, raw[name])
        if name == "city_a" and value is None:
            raise ReviewError("city_a cannot be empty")
        if value != current.get(name):
            out[name] = value
    return out


def _clean_value(name: str, value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReviewError(f"{name} must be text")
    value = " ".join(value.split())
    if not value:
        return None
    if name.startswith("country_"):
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ReviewError(f"{name} must be a two-letter ISO 3166 code, not {value!r}")
        return value.upper()
    if name == "kind" and value not in RELATION_KINDS:
        raise ReviewError(f"kind must be one of {', '.join(RELATION_KINDS)}")
    if name == "type" and value not in EVENT_TYPES:
        raise ReviewError(f"type must be one of {', '.join(EVENT_TYPES)}")
    if name == "date":
        check_date(value)
    if name.startswith("city_") and len(value) > 200:
        raise ReviewError(f"{name} is too long")
    return value


def check_date(value: str) -> None:
    if not _DATE.match(value):
        raise ReviewError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        raise ReviewError(f"{value!r} is not a calendar date") from None


# --- recording --------------------------------------------------------------------


def new_decision(
    rs: Resolved,
    candidate_id: str,
    action: str,
    reviewer: str,
    changes: dict | None = None,
    note: str | None = None,
) -> NewDecision:
    """A validated accept / reject / edit of a current candidate (not yet stored)."""
    c = rs.candidates.get(candidate_id)
    if c is None:
        raise ReviewError(f"no candidate {candidate_id}")
    if action not in ("accept", "reject", "edit"):
        raise ReviewError(f"action must be accept, reject or edit, not {action!r}")
    if changes and action != "edit" and any(changes.values()):
        raise ReviewError(f"{action} takes no changes; use edit")
    clean: dict = {}
    if action == "accept":
        # Accepting confirms the values shown, which include earlier edits.
        clean = dict(rs.state(candidate_id).changes)
        action = "edit" if clean else "accept"
    elif action == "edit":
        clean = clean_changes(c.kind, changes or {}, values(c))
        if not clean:
            action = "accept"  # edited back to the extracted values
    return NewDecision(
        candidate_kind=c.kind,
        candidate_id=c.candidate_id,
        doc_id=c.doc_id,
        source=c.source,
        fingerprint=c.fingerprint,
        action=action,
        reviewer=reviewer,
        changes=clean,
        snapshot=snapshot(rs.candidates, c),
        note=_note(note),
    )


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > 5000:
        raise ReviewError("note is longer than 5000 characters")
    return note or None


def new_event(
    rs: Resolved,
    relation_id: str,
    reviewer: str,
    type: str,
    date: str | None = None,
    trigger_text: str | None = None,
    trigger_start: int | None = None,
    trigger_end: int | None = None,
    note: str | None = None,
) -> NewDecision:
    """A missed event added by a reviewer, anchored on a trigger span of the text."""
    rel = rs.candidates.get(relation_id)
    if rel is None or rel.kind != RELATION:
        raise ReviewError(f"no relation {relation_id}")
    if type not in EVENT_TYPES:
        raise ReviewError(f"type must be one of {', '.join(EVENT_TYPES)}")
    date = _clean_value("date", date)
    text = rs.candidates.text(rel.doc_id)
    if trigger_start is None or trigger_end is None:
        trigger_start, trigger_end = locate(text, trigger_text or "", rel)
    if not (0 <= trigger_start < trigger_end <= len(text)):
        raise ReviewError("the trigger span is outside the document")
    if trigger_text is not None and text[trigger_start:trigger_end] != trigger_text:
        raise ReviewError(
            f"text[{trigger_start}:{trigger_end}] is {text[trigger_start:trigger_end]!r}, "
            f"not {trigger_text!r}"
        )
    trigger_text = text[trigger_start:trigger_end]
    event_id = content_hash("event", relation_id, type, trigger_start, trigger_end)
    if event_id in rs.candidates.items:
        raise ReviewError("that event is already in the queue: review it there")
    row = added_row(event_id, rel, type, date, trigger_start, trigger_end, trigger_text)
    c = event_candidate(text, _doc(rs, rel), rel.row, row, [], REVIEWER)
    return NewDecision(
        candidate_kind=EVENT,
        candidate_id=event_id,
        doc_id=rel.doc_id,
        source=rel.source,
        fingerprint=c.fingerprint,
        action="add",
        reviewer=reviewer,
        changes={
            "relation_id": relation_id,
            "type": type,
            "date": date,
            "trigger_start": trigger_start,
            "trigger_end": trigger_end,
            "trigger_text": trigger_text,
        },
        snapshot=snapshot(rs.candidates, c),
        note=_note(note),
    )


def locate(text: str, needle: str, rel: Candidate) -> tuple[int, int]:
    """Where the reviewer's trigger words are: in the relation's paragraph first."""
    needle = needle.strip()
    if not needle:
        raise ReviewError("give the trigger words (as they appear in the text)")
    i = text.find(needle, rel.paragraph_start, rel.paragraph_end)
    if i < 0:
        i = text.find(needle)
    if i < 0:
        raise ReviewError(f"{needle!r} does not occur in the document")
    return i, i + len(needle)


def added_row(event_id, rel: Candidate, type, date, start, end, trigger_text) -> dict:
    return {
        "event_id": event_id,
        "relation_id": rel.candidate_id,
        "doc_id": rel.doc_id,
        "type": type,
        "date": date,
        "date_precision": precision(date),
        "date_source": "reviewer" if date else None,
        "date_start": None,
        "date_end": None,
        "trigger_start": start,
        "trigger_end": end,
        "trigger_text": trigger_text,
        "rule_id": "reviewer",
        "confidence": 1.0,
    }


def _doc(rs: Resolved, c: Candidate) -> dict:
    return rs.candidates.documents[c.doc_id]


def new_undo(rs: Resolved, candidate_id: str, reviewer: str) -> NewDecision:
    """Take back this reviewer's latest decision on the candidate."""
    st = rs.state(candidate_id)
    mine = [d for d in effective(st.history) if d.reviewer == reviewer]
    if not mine:
        raise ReviewError(f"{reviewer} has no decision on {candidate_id} to undo")
    last = mine[-1]
    return NewDecision(
        candidate_kind=last.candidate_kind,
        candidate_id=last.candidate_id,
        doc_id=last.doc_id,
        source=last.source,
        fingerprint=last.fingerprint,
        action="undo",
        reviewer=reviewer,
        reverts=last.decision_id,
    )


# --- re-attachment ----------------------------------------------------------------


def resolve(cs: CandidateSet, decisions: list[Decision]) -> Resolved:
    """Attach every decision to a current candidate (or to the orphans) and derive states.

    cs is not changed: reviewer-added events go into a copy of its items.
    """
    cs = replace(cs, items=dict(cs.items))
    groups: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in decisions:
        groups[(d.candidate_kind, d.candidate_id)].append(d)
    live = set(d.decision_id for d in effective(decisions))
    by_fp = cs.by_fingerprint()
    by_source = cs.docs_by_source()
    attached: dict[str, list[tuple[str, list[Decision]]]] = defaultdict(list)
    orphans: list[Decision] = []
    added: list[tuple[list[Decision], Decision]] = []
    for (kind, cid), ds in groups.items():
        if not any(d.decision_id in live for d in ds):
            continue  # everything undone: nothing to attach
        ref = ds[-1]
        target = cs.get(cid)
        if target is not None and target.kind == kind:
            attached[cid].append(("id", ds))
            continue
        match = _by_fingerprint(ref, by_fp, by_source)
        if match is not None:
            attached[match.candidate_id].append(("fingerprint", ds))
            continue
        add = next((d for d in ds if d.action == "add" and d.decision_id in live), None)
        if add is not None:
            added.append((ds, add))
            continue
        orphans.append([d for d in ds if d.decision_id in live][-1])
    for ds, add in added:
        c = _reanchor(cs, add, by_fp, by_source)
        if c is None:
            orphans.append([d for d in ds if d.decision_id in live][-1])
            continue
        if c.candidate_id in cs.items:  # the same event added twice
            attached[c.candidate_id].append(("id", ds))
            continue
        cs.items[c.candidate_id] = c
        attached[c.candidate_id].append(
            ("id" if c.candidate_id == add.candidate_id else "reanchored", ds)
        )
    cs.items = dict(sorted(cs.items.items(), key=lambda kv: queue_key(kv[1])))
    states = {cid: _state(cs.items[cid], links, live) for cid, links in attached.items()}
    orphans.sort(key=lambda d: d.decision_id)
    return Resolved(cs, states, orphans)


def _by_fingerprint(ref: Decision, by_fp, by_source) -> Candidate | None:
    docs = {ref.doc_id, *by_source.get(ref.source, [])}
    found = [c for c in by_fp.get((ref.candidate_kind, ref.fingerprint), []) if c.doc_id in docs]
    if not found:
        return None
    where = ref.snapshot.get("evidence_start") or 0
    return min(found, key=lambda c: (c.doc_id != ref.doc_id, abs(c.evidence_start - where)))


def _reanchor(cs: CandidateSet, add: Decision, by_fp, by_source) -> Candidate | None:
    ch = add.changes
    rel = cs.get(ch["relation_id"])
    if rel is None or rel.kind != RELATION:
        probe = replace(
            add,
            candidate_kind=RELATION,
            fingerprint=add.snapshot.get("relation_fingerprint", ""),
        )
        rel = _by_fingerprint(probe, by_fp, by_source)
        if rel is None:
            return None
    text = cs.text(rel.doc_id)
    start, end = ch["trigger_start"], ch["trigger_end"]
    if rel.doc_id != add.doc_id or text[start:end] != ch["trigger_text"]:
        evidence = add.snapshot.get("evidence_text") or ""
        at = text.find(evidence) if evidence else -1
        if at < 0:
            return None
        shift = at - add.snapshot["evidence_start"]
        start, end = start + shift, end + shift
    if not (0 <= start < end <= len(text)) or text[start:end] != ch["trigger_text"]:
        return None
    event_id = content_hash("event", rel.candidate_id, ch["type"], start, end)
    row = added_row(event_id, rel, ch["type"], ch["date"], start, end, ch["trigger_text"])
    return event_candidate(text, cs.documents[rel.doc_id], rel.row, row, [], REVIEWER)


def _state(c: Candidate, links: list[tuple[str, list[Decision]]], live: set[int]) -> State:
    history = sorted((d for _, ds in links for d in ds), key=lambda d: d.decision_id)
    alive = [d for d in history if d.decision_id in live]
    st = State(
        history=history,
        via=min((v for v, _ in links), key=("id", "fingerprint", "reanchored").index),
    )
    if not alive:
        return st
    last = alive[-1]
    st.decision = last
    for d in alive:
        st.by_reviewer[d.reviewer] = d
    verdicts = {_verdict(c, d) for d in st.by_reviewer.values()}
    st.disagreement = len(verdicts) > 1
    st.changes = _changes(c, last)
    if last.action == "reject":
        st.status = "rejected"
    elif c.origin == REVIEWER and last.action in ("add", "accept"):
        st.status = "added"
    elif st.changes:
        st.status = "edited"
    else:
        st.status = "accepted"
    seen = last.snapshot.get("values")
    st.changed = last.fingerprint != c.fingerprint or (
        seen is not None and last.action != "add" and seen != values(c)
    )
    return st


def _changes(c: Candidate, d: Decision) -> dict:
    if d.action == "edit":
        return {k: v for k, v in d.changes.items() if c.row.get(k) != v}
    if d.action == "add" and c.origin != REVIEWER:
        return {k: d.changes[k] for k in EVENT_FIELDS if c.row.get(k) != d.changes.get(k)}
    return {}


def _verdict(c: Candidate, d: Decision) -> str:
    if d.action == "reject":
        return "reject"
    return json.dumps(_changes(c, d), sort_keys=True)


def load(cs: CandidateSet, store: DecisionStore) -> Resolved:
    return resolve(cs, store.all())
