"""Who acted in an event: people and organisations in the event's sentence.

An actor is a named person or organisation (from the parser's entities) or a role
phrase ("the mayor of Linköping", "the Wagga Wagga city council", "a Winnipeg city
councilor"), with its role from `data/roles.jsonl` and the place it belongs to when
the text says so. Sources cited in parentheses are not actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.gazetteer import norm
from pipeline.models import Parsed, PlaceMention
from pipeline.patterns import read_jsonl


@dataclass(frozen=True, slots=True)
class ActorMention:
    name: str  # the surface text, exactly text[start:end]
    kind: str  # person | org
    role: str | None
    place: str | None
    start: int
    end: int


@lru_cache(maxsize=1)
def _roles() -> tuple[dict[tuple[str, ...], tuple[str, str]], int]:
    table: dict[tuple[str, ...], tuple[str, str]] = {}
    longest = 1
    for rec in read_jsonl("roles.jsonl"):
        for phrase in rec["words"]:
            words = tuple(norm(phrase).split())
            table[words] = (rec["role"], rec["kind"])
            longest = max(longest, len(words))
    return table, longest


def find_actors(
    parsed: Parsed,
    sentence: int,
    places: tuple[PlaceMention, ...],
    excluded: list[tuple[int, int]],
) -> list[ActorMention]:
    """Actors in one sentence; `excluded` spans (citations) are skipped."""
    sent = parsed.sentences[sentence]
    tokens = parsed.tokens
    text = parsed.text
    table, longest = _roles()

    def outside(start: int, end: int) -> bool:
        return not any(s <= start < e for s, e in excluded)

    place_spans = {(m.start, m.end): m for m in places if m.tok_start >= 0}
    found: list[ActorMention] = []

    # Named people and organisations.
    for ent in parsed.entities:
        if not (sent.start <= ent.start and ent.end <= sent.end) or not outside(ent.start, ent.end):
            continue
        if ent.label not in ("PERSON", "ORG"):
            continue
        if (ent.start, ent.end) in place_spans or any(
            m.start <= ent.start and ent.end <= m.end for m in places if m.tok_start >= 0
        ):
            continue  # "Kiel" tagged PERSON is a city
        s, e = ent.start, ent.end
        if text.startswith(("the ", "The "), s):
            s += 4
        words = tuple(norm(text[s:e]).split())
        role, kind = _role_in(words, table, longest)
        if ent.label == "PERSON" and kind is None:
            kind = "person"
        kind = kind or ("person" if ent.label == "PERSON" else "org")
        if ent.label == "PERSON":
            kind = "person"
            role = role or _title_before(ent.tok_start, tokens, table, longest)
        place = _place_within(s, e, places) or _place_before(ent.tok_start, tokens, places, sent)
        found.append(ActorMention(text[s:e], kind, role, place, s, e))

    # Role phrases: "the mayor of Linköping", "the Wagga Wagga city council".
    i = sent.tok_start
    while i < sent.tok_end:
        match = None
        for n in range(longest, 0, -1):
            if i + n > sent.tok_end:
                continue
            words = tuple(t.lemma if t.pos == "NOUN" else t.lower for t in tokens[i : i + n])
            words_l = tuple(t.lower for t in tokens[i : i + n])
            hit = table.get(words) or table.get(words_l)
            if hit:
                match = (n, hit)
                break
        if match is None:
            i += 1
            continue
        n, (role, kind) = match
        head = i + n - 1
        start_tok = i
        # Extend left over the modifiers of the phrase: "the Wagga Wagga city council".
        j = i - 1
        while j >= sent.tok_start and tokens[j].head in range(i, head + 1) and tokens[j].dep in (
            "compound", "amod", "nmod", "poss", "nummod"
        ):  # fmt: skip
            start_tok = j
            j -= 1
        while j >= sent.tok_start and any(
            m.tok_start <= j < m.tok_end for m in places if m.tok_start >= 0
        ):
            start_tok = j  # the place in front of the role belongs to it
            j -= 1
        end_tok = head + 1
        place = None
        for m in places:
            if m.tok_start >= 0 and start_tok <= m.tok_start < end_tok:
                place = m.place.name
        # "... of Linköping"
        if end_tok + 1 < sent.tok_end and tokens[end_tok].lower == "of":
            for m in places:
                if m.tok_start == end_tok + 1:
                    place = m.place.name
                    end_tok = m.tok_end
        s, e = tokens[start_tok].start, tokens[end_tok - 1].end
        overlaps = any(a.start < e and s < a.end for a in found)
        if outside(s, e) and not overlaps:
            found.append(ActorMention(text[s:e], kind, role, place, s, e))
        i = head + 1
    found.sort(key=lambda a: a.start)
    return found


def _role_in(words: tuple[str, ...], table, longest) -> tuple[str | None, str | None]:
    for n in range(min(longest, len(words)), 0, -1):
        for k in range(len(words) - n + 1):
            hit = table.get(words[k : k + n])
            if hit:
                return hit
    return None, None


def _title_before(tok_start: int, tokens, table, longest) -> str | None:
    """ "council president Hans-Werner Tovar" -> the role right before a name."""
    for n in range(min(longest, 3), 0, -1):
        lo = tok_start - n
        if lo < 0:
            continue
        words = tuple(t.lower for t in tokens[lo:tok_start])
        hit = table.get(words)
        if hit:
            return hit[0]
    return None


def _place_within(s: int, e: int, places) -> str | None:
    for m in places:
        if s <= m.start and m.end <= e:
            return m.place.name
    return None


def _place_before(tok_start: int, tokens, places, sent) -> str | None:
    lo = max(sent.tok_start, tok_start - 4)
    for m in places:
        if m.tok_start >= 0 and lo <= m.tok_start < tok_start:
            return m.place.name
    return None
