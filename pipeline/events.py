"""What happened to each relationship: triggers, modality, and the seven event types.

From each relation mention's relationship noun we walk up the dependency tree to the
word that governs it ("severed their agreements", "a plan to establish a
relationship"). That word, if it is in the trigger lexicon, names the event; the
words above it (modality lexicon) decide whether it happened, was proposed, blocked,
or opposed. Sentences that only refer back ("The decision was later reversed", "the
move failed") attach to the latest event in the same paragraph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pipeline.models import Parsed, Token
from pipeline.pairs import RelationMention
from pipeline.patterns import _read_jsonl, lexicon

# Dependencies along which a trigger still governs the relationship noun below it.
_UP_FROM_NOUN = frozenset(
    "dobj nsubjpass nsubj attr pobj conj appos oprd dative compound npadvmod".split()
)
# Dependencies along which modality words above a trigger still apply to it.
_UP_MODALITY = frozenset(
    "xcomp acl pcomp pobj prep dobj nsubj nsubjpass attr ccomp oprd csubj agent amod".split()
)
_ANAPHORS = frozenset(
    "decision move motion vote plan proposal bid attempt effort measure resolution step it "
    "this that idea push call initiative".split()
)
_TEMPORAL_MARKS = frozenset("after before since until following once prior".split())

EVENT_OF_CLASS = {
    "establish": "established",
    "terminate": "terminated",
    "suspend": "suspended",
    "propose": "proposed",
    "block": "blocked",
    "retain": "retained",
}


@dataclass(frozen=True, slots=True)
class Trigger:
    id: str
    cls: str
    needs: tuple[str, ...]
    needs_decision: bool


@dataclass(frozen=True, slots=True)
class EventMention:
    relation: RelationMention
    type: str
    trigger: int  # token index
    trigger_start: int
    trigger_end: int
    sentence: int
    rule_id: str
    confidence: float
    subordinate: bool  # inside an "after ..." clause: the sentence's date is not its date


@lru_cache(maxsize=1)
def _triggers() -> dict[str, list[tuple[frozenset[str], Trigger]]]:
    out: dict[str, list] = defaultdict(list)
    for rec in _read_jsonl("triggers.jsonl"):
        trig = Trigger(
            rec["id"], rec["class"], tuple(rec.get("needs", ())), rec.get("needs_decision", False)
        )
        for lemma in rec["lemmas"]:
            out[lemma].append((frozenset(rec.get("pos", ())), trig))
    return out


@lru_cache(maxsize=1)
def _modality() -> dict[str, list[tuple[frozenset[str], str]]]:
    out: dict[str, list] = defaultdict(list)
    for rec in _read_jsonl("modality.jsonl"):
        for lemma in rec["lemmas"]:
            out[lemma].append((frozenset(rec.get("pos", ())), rec["class"]))
    return out


def _trigger_for(tok: Token, tokens: tuple[Token, ...], classes: tuple[str, ...]) -> Trigger | None:
    for pos, trig in _triggers().get(tok.lemma, ()):
        if pos and tok.pos not in pos:
            continue
        if trig.cls not in classes:
            continue
        if trig.needs and not _has_particle(tok, tokens, trig.needs):
            continue
        return trig
    return None


def _has_particle(tok: Token, tokens, needs: tuple[str, ...]) -> bool:
    sent_lo = tok.i - 6
    for t in tokens[max(0, sent_lo) : min(len(tokens), tok.i + 6)]:
        if t.sent != tok.sent:
            continue
        if t.head == tok.i and t.lower in needs:
            return True
        if t.lower in needs and tok.i < t.i <= tok.i + 3:
            return True
    return False


def _modality_of(tok: Token) -> str | None:
    for pos, cls in _modality().get(tok.lemma, ()):
        if pos and tok.pos not in pos:
            continue
        return cls
    for pos, cls in _modality().get(tok.lower, ()):
        if pos and tok.pos not in pos:
            continue
        return cls
    return None


def _negated(tok: Token, children: dict[int, list[int]], tokens) -> bool:
    return any(tokens[c].dep == "neg" for c in children.get(tok.i, ()))


def find_events(parsed: Parsed, relations: list[RelationMention]) -> list[EventMention]:
    tokens = parsed.tokens
    children: dict[int, list[int]] = defaultdict(list)
    for t in tokens:
        if t.head != t.i:
            children[t.head].append(t.i)
    strong_words = set(lexicon()["strong_words"])
    events: list[EventMention] = []
    by_sentence: dict[int, list[RelationMention]] = defaultdict(list)
    for rm in relations:
        by_sentence[rm.sentence].append(rm)

    linked_triggers: set[tuple[int, int]] = set()
    for rm in relations:
        if rm.anchor is None:
            continue
        trig_tok = _governing_trigger(rm.anchor, tokens)
        if trig_tok is None:
            continue
        ev = _classify(trig_tok, rm, tokens, children, parsed)
        if ev is not None:
            events.append(ev)
            linked_triggers.add((trig_tok, id(rm)))

    # A trigger on a relationship noun no rule anchored ("... to create a sister-city
    # agreement") belongs to the sentence's only relation.
    for s, rms in by_sentence.items():
        distinct = {(_key(r)) for r in rms}
        if len(distinct) != 1:
            continue
        sent = parsed.sentences[s]
        anchors = {r.anchor for r in rms}
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            if (
                tok.pos != "NOUN"
                or i in anchors
                or not _is_relationship_noun(tok, tokens, strong_words)
            ):
                continue
            trig_tok = _governing_trigger(i, tokens)
            if trig_tok is None or any(t == trig_tok for t, _ in linked_triggers):
                continue
            ev = _classify(trig_tok, rms[0], tokens, children, parsed, rule_suffix=".sentence")
            if ev is not None:
                events.append(ev)
                linked_triggers.add((trig_tok, id(rms[0])))

    events.extend(_anaphoric(parsed, events, by_sentence, children))
    events.sort(key=lambda e: (e.trigger_start, e.relation.start))
    return _dedupe(events)


def _key(rm: RelationMention):
    b = rm.b.place.key if rm.b is not None else rm.country_b
    return tuple(sorted((rm.a.place.key, str(b))))


def _is_relationship_noun(tok: Token, tokens, strong_words) -> bool:
    if tok.lower not in {
        "agreement", "agreements", "relationship", "relationships", "partnership",
        "partnerships", "ties", "relations", "twinning", "link", "links", "pact", "accord",
        "city", "cities", "town", "towns",
    }:  # fmt: skip
        return False
    # The noun phrase must say sister/twin/partner ("a sister-city agreement").
    lo = max(0, tok.i - 4)
    return any(t.lower in strong_words and t.sent == tok.sent for t in tokens[lo : tok.i + 1])


def _governing_trigger(anchor: int, tokens) -> int | None:
    """The trigger that governs the relationship noun, if any."""
    cls = ("establish", "terminate", "suspend", "propose", "block", "retain")
    tok = tokens[anchor]
    steps = 0
    while steps < 5:
        steps += 1
        if tok.head == tok.i:
            return None
        dep = tok.dep
        head = tokens[tok.head]
        if dep not in _UP_FROM_NOUN and dep != "prep":
            # "the agreement signed in 1985": a trigger below the noun
            return None
        if head.sent != tok.sent:
            return None
        if _trigger_for(head, tokens, cls) is not None:
            return head.i
        if dep == "pobj":
            tok = head  # the preposition; its head decides below
            continue
        if dep == "prep":
            if head.pos in ("NOUN", "PROPN", "PRON", "NUM"):
                # "a relationship with its sister city": the noun above is not a trigger
                if head.lemma in ("one", "part", "member", "number", "half", "all", "some"):
                    tok = head
                    continue
                return None
            tok = head
            continue
        if dep in ("conj", "appos", "compound", "npadvmod"):
            tok = head
            continue
        if head.pos in ("AUX",) or head.lemma == "be":
            return None  # "X is sister cities with Y": a state, no event
        tok = head
    return None


def _classify(
    trig_tok: int, rm: RelationMention, tokens, children, parsed: Parsed, rule_suffix: str = ""
) -> EventMention | None:
    tok = tokens[trig_tok]
    trig = _trigger_for(
        tok, tokens, ("establish", "terminate", "suspend", "propose", "block", "retain")
    )
    if trig is None:
        return None
    mods: list[str] = []
    if _negated(tok, children, tokens):
        mods.append("negate")
    for c in children.get(tok.i, ()):  # "could end", "may suspend"
        ctok = tokens[c]
        if ctok.dep == "aux" and _modality_of(ctok) == "propose":
            mods.append("propose")
    cur = tok
    subordinate = False
    steps = 0
    while steps < 5 and cur.head != cur.i:
        steps += 1
        dep = cur.dep
        if dep in ("advcl", "relcl", "conj", "parataxis") or dep == "ROOT":
            if dep == "advcl" and _temporal_mark(cur, children, tokens):
                subordinate = True
            if dep != "conj":
                break
        if dep not in _UP_MODALITY and dep != "conj":
            break
        head = tokens[cur.head]
        if head.sent != cur.sent:
            break
        m = _modality_of(head)
        if m is not None:
            mods.append(m)
        if _negated(head, children, tokens):
            mods.append("negate")
        for c in children.get(head.i, ()):
            ctok = tokens[c]
            if ctok.dep == "aux" and _modality_of(ctok) == "propose":
                mods.append("propose")
        cur = head
    if not subordinate:
        subordinate = _in_temporal_clause(tok, tokens, children)
    etype = _decide(trig, mods)
    if etype is None:
        return None
    start, end = _trigger_span(tok, tokens, trig)
    conf = 0.9 if not mods else 0.8
    rule = f"{trig.id}{rule_suffix}" + ("+" + "+".join(dict.fromkeys(mods)) if mods else "")
    return EventMention(
        rm,
        etype,
        tok.i,
        start,
        end,
        tok.sent,
        rule,
        round(conf * rm.confidence**0.5, 3),
        subordinate,
    )


def _decide(trig: Trigger, mods: list[str]) -> str | None:
    cls = trig.cls
    if "negate" in mods[:2]:
        return None
    first = next((m for m in mods if m != "realize"), None)
    if cls in ("establish",):
        if first == "oppose":
            return None
        if first == "propose":
            later = mods[mods.index("propose") + 1 :]
            if any(m in ("block", "fail") for m in later):
                return "blocked"
            return "proposed"
        if first in ("block", "fail"):
            return "blocked"
        return "established"
    if cls in ("terminate", "suspend"):
        if first == "oppose":
            return None
        if first == "propose":
            later = mods[mods.index("propose") + 1 :]
            if any(m in ("block", "fail") for m in later):
                return "retained"
            return "termination_proposed"
        if first in ("block", "fail"):
            return "retained"
        return "terminated" if cls == "terminate" else "suspended"
    if cls == "propose":
        if first in ("block", "fail"):
            return "blocked"
        if first == "oppose":
            return None
        return "proposed"
    if cls == "block":
        return "blocked"
    if cls == "retain":
        if trig.needs_decision and "realize" not in mods:
            return None
        return "retained"
    return None


def _temporal_mark(tok: Token, children, tokens) -> bool:
    return any(
        tokens[c].dep == "mark" and tokens[c].lower in _TEMPORAL_MARKS
        for c in children.get(tok.i, ())
    )


def _in_temporal_clause(tok: Token, tokens, children) -> bool:
    """Inside an "after/before ..." clause anywhere above the trigger."""
    cur = tok
    for _ in range(8):
        if cur.dep == "advcl" and _temporal_mark(cur, children, tokens):
            return True
        if cur.dep in ("pcomp", "pobj") and tokens[cur.head].lower in _TEMPORAL_MARKS:
            return True
        if cur.head == cur.i:
            return False
        cur = tokens[cur.head]
    return False


def _trigger_span(tok: Token, tokens, trig: Trigger) -> tuple[int, int]:
    start, end = tok.start, tok.end
    if trig.needs:
        for t in tokens[tok.i + 1 : tok.i + 4]:
            if t.lower in trig.needs and t.sent == tok.sent:
                end = t.end
                break
    return start, end


def _anaphoric(
    parsed: Parsed, events: list[EventMention], by_sentence, children
) -> list[EventMention]:
    """ "The decision was later reversed", "the move failed": about the latest event."""
    tokens = parsed.tokens
    out: list[EventMention] = []
    all_events = sorted(events, key=lambda e: e.trigger_start)
    for s, sent in enumerate(parsed.sentences):
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            trig = _trigger_for(tok, tokens, ("reverse", "fail", "block"))
            if trig is None:
                continue
            args = [
                tokens[c]
                for c in children.get(i, ())
                if tokens[c].dep in ("nsubj", "nsubjpass", "dobj")
            ]
            if not any(a.lemma in _ANAPHORS for a in args):
                continue
            if any(e.trigger == i for e in events):
                continue
            para = sent.paragraph
            earlier = [
                e for e in all_events + out
                if e.trigger_start < tok.start and parsed.sentences[e.sentence].paragraph == para
            ]  # fmt: skip
            if not earlier:
                continue
            prev = earlier[-1]
            if prev.type in ("terminated", "suspended", "termination_proposed"):
                etype = "retained"
            elif prev.type == "proposed":
                etype = "blocked"
            else:
                continue
            out.append(
                EventMention(
                    prev.relation, etype, i, tok.start, tok.end, s,
                    f"{trig.id}+anaphora", round(0.75 * prev.relation.confidence ** 0.5, 3), False,
                )
            )  # fmt: skip
    return out


def _dedupe(events: list[EventMention]) -> list[EventMention]:
    seen = set()
    out = []
    for e in events:
        key = (e.trigger, e.type, _key(e.relation))
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out
