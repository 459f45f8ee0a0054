"""What happened to each relationship: triggers, modality, and the seven event types.

From each relation mention's relationship noun we walk up the dependency tree to the
word that governs it ("severed their agreements", "a plan to establish a
relationship"). That word, if it is in the trigger lexicon, names the event; the
words above it (modality lexicon) decide whether it happened, was proposed, blocked,
or opposed. Sentences that only refer back ("The decision was later reversed", "the
move failed") attach to the latest event in the same paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline import placescan
from pipeline.dates import YEAR_RANGE, timeline_year
from pipeline.gazetteer import demonym_countries, norm
from pipeline.models import DateValue, Parsed, PlaceMention, Token
from pipeline.pairs import (
    NEVER_HAPPENED,
    RelationMention,
    ancestors,
    contrast_between,
    decided_whether,
    is_question,
    lacked_backing,
    recommended_item,
    relative_clause_above,
)
from pipeline.patterns import lexicon, load_patterns, read_jsonl, rel_nouns
from pipeline.places import DEALINGS, PLACE_NOUNS

# Dependencies along which a trigger still governs the relationship noun below it.
_ORDINAL_HEADS = frozenset("first newest oldest latest earliest youngest".split())
_UP_FROM_NOUN = frozenset(
    "dobj nsubjpass nsubj attr pobj conj appos oprd dative compound npadvmod".split()
)
# Dependencies along which modality words above a trigger still apply to it.
_UP_MODALITY = frozenset(
    "xcomp acl pcomp pobj prep dobj nsubj nsubjpass attr ccomp oprd csubj agent amod appos "
    "prt".split()  # (prt: "voted down a proposal", the object misparsed under the particle)
)
_ANAPHORS = frozenset(
    "decision move motion vote plan proposal bid attempt effort measure resolution step it project "
    "this that idea push call initiative suspension freeze pause ban request demand "
    "petition amendment recommendation".split()
)
_PROPOSALS = frozenset(
    "request proposal motion plan bid idea application demand call petition".split()
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
    below_only: bool = False  # only as a participle under the noun ("agreed in 1947")
    not_below: bool = False  # never so ("the draft pact withdrawn": a heading, not an act)
    # the needed word is on the verb's last complement ("made X and Y sister cities";
    # not "made its sister city Odesa the focus", "our friendship makes us complicit")
    needs_complement: bool = False
    # counts only when denied: "voted not to renew the agreement", "declined to renew it"
    # end a tie by letting it run out
    denied: bool = False


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
    own_date: DateValue | None = None  # the date is the trigger itself ("Pskov (1996–2022)")


@lru_cache(maxsize=1)
def _triggers() -> dict[str, list[tuple[frozenset[str], Trigger]]]:
    out: dict[str, list] = defaultdict(list)
    for rec in read_jsonl("triggers.jsonl"):
        trig = Trigger(
            rec["id"],
            rec["class"],
            tuple(rec.get("needs", ())),
            rec.get("needs_decision", False),
            rec.get("needs_below", False),
            rec.get("not_below", False),
            rec.get("needs_complement", False),
            rec.get("denied", False),
        )
        for lemma in rec["lemmas"]:
            out[lemma].append((frozenset(rec.get("pos", ())), trig))
    return out


@lru_cache(maxsize=1)
def _modality() -> dict[str, list[tuple[frozenset[str], str]]]:
    out: dict[str, list] = defaultdict(list)
    for rec in read_jsonl("modality.jsonl"):
        if "after" in rec:
            continue  # a phrasal verb's entry: see _phrasal_modality
        for lemma in rec["lemmas"]:
            out[lemma].append((frozenset(rec.get("pos", ())), rec["class"]))
    return out


@lru_cache(maxsize=1)
def _phrasal_modality() -> dict[str, list[tuple[frozenset[str], int, str]]]:
    """lemma -> (words that must follow it, within how many tokens, class): "voted
    down", "thrown out", "deferred indefinitely", "put forward"."""
    out: dict[str, list] = defaultdict(list)
    for rec in read_jsonl("modality.jsonl"):
        if "after" in rec:
            for lemma in rec["lemmas"]:
                out[lemma].append((frozenset(rec["after"]), rec.get("within", 2), rec["class"]))
    return out


# Past forms the regular rules below miss.
_IRREGULAR = {
    "withdraw": ("withdrew", "withdrawn"), "break": ("broke", "broken"), "sink": ("sank", "sunk"),
    "forbid": ("forbade", "forbidden"), "lose": ("lost",), "fall": ("fell", "fallen"),
    "undo": ("undid", "undone"), "stop": ("stopped", "stopping"), "drop": ("dropped", "dropping"),
    "bar": ("barred", "barring"), "ban": ("banned", "banning"), "scrap": ("scrapped", "scrapping"),
    "stall": ("stalled",), "veto": ("vetoes", "vetoed"), "throw": ("threw", "thrown"),
    "defer": ("deferred", "deferring"),
}  # fmt: skip


def _forms(lemma: str) -> set[str]:
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    plural = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "o")) else "s")
    forms = {lemma, plural, stem + "ed", stem + "ing", *_IRREGULAR.get(lemma, ())}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    return forms


@lru_cache(maxsize=1)
def outcome_words() -> re.Pattern[str]:
    """Any word that can tell a proposal's outcome ("the motion was defeated", "voted 6-5
    to halt it", "The motion CARRIED"), for picking the paragraphs worth parsing."""
    lemmas = {
        lemma
        for lemma, found in _triggers().items()
        if any(t.cls in ("reverse", "fail", "block") for _, t in found)
    }
    lemmas |= {
        lemma
        for lemma, found in _modality().items()
        if any(cls in ("block", "fail") for _, cls in found)
    }
    lemmas.discard("vote")  # only "voted down", below
    words = set(_LOST | _CARRIED)
    for lemma in lemmas:
        words |= _forms(lemma)
    alts = sorted(map(re.escape, words), key=len, reverse=True)
    # ("The commission voted 4-1 against the proposal": see _modality_of)
    alts.append(r"vot(?:e|es|ed|ing)\s+(?:\S+\s+){0,2}?against")
    # ("voted it down", "thrown out": a phrasal verb's own words)
    for lemma, entries in _phrasal_modality().items():
        for after, _, cls in entries:
            if cls in ("block", "fail"):
                verbs = "|".join(sorted(map(re.escape, _forms(lemma))))
                tails = "|".join(sorted(map(re.escape, after)))
                alts.append(rf"(?:{verbs})\s+(?:\w+\s+)?(?:{tails})")
    return re.compile(rf"(?i)\b(?:{'|'.join(alts)})\b")


def _trigger_for(
    tok: Token, tokens: tuple[Token, ...], classes: tuple[str, ...], below: bool = False
) -> Trigger | None:
    found = _triggers().get(tok.lemma, ())
    if not found and tok.text[:1].isupper() and tok.lower.endswith("ing") and len(tok.lower) > 5:
        # a title's gerund the tagger takes for a name ("A Resolution ... Suspending the
        # Sister City Relationship"): its verb
        stem = tok.lower[:-3]
        for lemma in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
            found = _triggers().get(lemma, ())
            if found:
                tok = replace(tok, lemma=lemma)
                break
    # Most tokens are no trigger word: the syntax check runs only for those that are.
    tok_pos = _verb_by_syntax(tok, tokens) if found else tok.pos
    if not found and tok.lower in _ADJ_PARTICIPLES and _passive_adjective(tok, tokens):
        # "its twin-town agreement was frozen": the tagger's adjective is a passive verb
        found, tok_pos = _triggers().get(_ADJ_PARTICIPLES[tok.lower], ()), "VERB"
    for pos, trig in found:
        if pos and tok_pos not in pos:
            continue
        if (trig.below_only and not below) or (trig.not_below and below):
            continue
        if trig.cls not in classes:
            continue
        if trig.needs and not _has_particle(tok, tokens, trig.needs):
            continue
        if trig.needs_complement and not _on_last_complement(tok, tokens, trig.needs):
            continue
        if trig.denied and _denial(tok, tokens) is None:
            continue
        if trig.cls == "terminate" and _off_the_programme(tok, tokens):
            continue
        if (
            tok.lemma == "memorandum"
            and tokens[tok.head].pos == "VERB"
            and _on_relations(tok, _local_children(tok, tokens), tokens)
        ):
            # "signed a memorandum on sister-city relations": the tie, no plan (a
            # headline's "sign memorandum on sister-city ties", its verb read as a noun,
            # may shorten "on establishing" and stays a step)
            continue
        if (
            trig.cls == "establish"
            and tok.lemma in ("declare", "proclaim")
            and any(
                t.head == tok.i
                and t.dep in ("dobj", "npadvmod")
                and (t.ent_type == "DATE" or t.lemma in _PERIODS)
                for t in tokens[tok.i + 1 : tok.i + 6]
            )
        ):
            continue  # "has proclaimed September 17-23 as Sister Cities Week": a week's
        return trig
    return None


_PERIODS = frozenset("day week month year".split())


# What a visit, not a tie, is dropped from: "a stop in Daqing ... was dropped from the
# itinerary" ("removed Tver from its list of partner cities" stays an ending)
_OUTINGS = frozenset(
    "itinerary schedule programme program agenda tour route timetable trip".split()
)


def _off_the_programme(tok: Token, tokens) -> bool:
    for j in range(tok.i + 1, min(len(tokens), tok.i + 3)):
        if tokens[j].lower == "from" and tokens[j].head == tok.i:
            return any(t.head == j and t.lemma in _OUTINGS for t in tokens[j + 1 : j + 5])
    return False


_ADJ_PARTICIPLES = {
    "frozen": "freeze", "shelved": "shelve", "paused": "pause", "halted": "halt",
    "suspended": "suspend", "mothballed": "mothball", "severed": "sever",
    "dissolved": "dissolve", "scrapped": "scrap", "cancelled": "cancel",
}  # fmt: skip


_JUDGING = frozenset(("consider", "deem", "declare"))
# Verbs whose denial defeats a proposal: "did not support the motion", "did not pass it"
_SUPPORTING = frozenset("support back approve endorse adopt pass accept carry".split())


def _judged(verb: Token, tokens, children) -> int | None:
    """The participle of a judgment's small clause: "considered the agreement
    'terminated with immediate effect'", "declared the pact void"."""
    if verb.lemma not in _JUDGING:
        return None
    for d in children.get(verb.i, ()):
        if tokens[d].dep != "dobj":
            continue
        for p in children.get(d, ()):
            if tokens[p].dep in ("acl", "amod") and tokens[p].tag == "VBN" and 0 < p - d <= 2:
                return p
    return None


_REFUSING = frozenset(("decline", "refuse"))


def _denial(tok: Token, tokens) -> int | None:
    """The word that denies a verb: its "not" ("voted not to renew"), or the verb that
    refuses it ("declined to renew")."""
    head = tokens[tok.head]
    if tok.dep == "xcomp" and head.lemma in _REFUSING:
        return head.i
    for t in tokens[max(0, tok.i - 4) : tok.i]:
        if t.head == tok.i and t.dep == "neg":
            return t.i
    return None


def _passive_adjective(tok: Token, tokens) -> bool:
    """An adjective with a passive auxiliary and subject: "the agreement was frozen"."""
    lo = max(0, tok.i - 5)
    deps = {t.dep for t in tokens[lo : tok.i] if t.head == tok.i}
    return "auxpass" in deps and bool(deps & {"nsubjpass", "nsubj"})


def noun_with_object(tok: Token, tokens) -> bool:
    """A "noun" with a direct object is a verb the tagger misread, as in a headline:
    "Mysuru, Japan's Matsue sign sister-city pact"."""
    return tok.pos == "NOUN" and any(
        t.head == tok.i and t.dep == "dobj" for t in tokens[tok.i + 1 : tok.i + 8]
    )


_ENACTING = frozenset("pass adopt carry approve".split())
_ENACTED = frozenset("motion resolution ordinance proposal".split())
_SUBJECT_CLASSES = ("terminate", "suspend", "retain", "block", "propose")


def _verb_by_syntax(tok: Token, tokens) -> str:
    """The tagger's part of speech, except that a "noun" heading a clause with its own
    subject or with a direct object is a verb ("suggested that Tegucigalpa twin with
    Guangzhou"), and a gerund
    with a determiner or possessor is a noun ("to scrap the town's 1973 twinning")."""
    if (
        (tok.tag == "VBG" or tok.tag in ("VB", "VBP") and tok.lower in rel_nouns())
        and tok.i >= 2
        and tokens[tok.i - 2].sent == tok.sent  # (not the paragraph before's last words)
        and tokens[tok.i - 1].pos == "PROPN"
        and tokens[tok.i - 2].lower in ("the", "its", "their", "our")
    ):
        # "to suspend the Shanghai twinning", "the Gainesville link with the Russian
        # port had been suspended", however the parser hangs them
        return "NOUN"
    if tok.tag == "VBG":
        lo = max(0, tok.i - 6)
        if any(t.head == tok.i and t.dep in ("det", "poss") for t in tokens[lo : tok.i]):
            return "NOUN"
        head = tokens[tok.head]
        if (
            tok.dep in ("xcomp", "dobj")
            and head.i != tok.i
            and _trigger_for(head, tokens, ("terminate", "suspend")) is not None
        ):
            return "NOUN"  # "Odesa terminates twinning with St Petersburg": what ends
        if (
            tok.dep in ("nsubj", "nsubjpass")
            and head.i != tok.i
            and _trigger_for(head, tokens, _SUBJECT_CLASSES) is not None
        ):
            return "NOUN"  # "Twinning between Perth and Kalamata was ended in 2019"
        return tok.pos
    if noun_with_object(tok, tokens):
        return "VERB"  # a headline's "Mysuru, Japan's Matsue sign sister-city pact"
    if tok.pos != "NOUN" or tok.dep not in ("ccomp", "advcl", "relcl"):
        return tok.pos
    lo = max(0, tok.i - 6)
    if any(t.head == tok.i and t.dep == "nsubj" for t in tokens[lo : tok.i]):
        return "VERB"
    return tok.pos


def _needed(t: Token, tokens, needs: tuple[str, ...]) -> bool:
    """The word is one the trigger needs; a two-word need ("no longer") needs the word
    before it too ("twinned for longer than anyone remembers" ends nothing)."""
    if t.lower in needs:
        return True
    return t.i > 0 and f"{tokens[t.i - 1].lower} {t.lower}" in needs


def _names_another(verb: int, rm: RelationMention, tokens) -> bool:
    """The verb's object, or the subject of a small clause ("make Bukhara the second
    partner"), is a name outside the relation."""
    sides = [m for m in (rm.a, rm.b) if m is not None]
    heads = {verb, *(t.i for t in tokens[verb + 1 : verb + 20] if t.head == verb)}
    for t in tokens[max(0, verb - 8) : min(len(tokens), verb + 8)]:
        if (
            t.pos != "PROPN"
            or not t.text[:1].isupper()  # ("the municipal council froze ...": no name)
            or t.head not in heads
            or t.lower in _RELATIONSHIP_NOUNS
        ):
            continue  # ("approved the Städtepartnerschaft": the tie's own word, capitalised)
        head = tokens[t.head]
        small_clause = t.dep == "nsubj" and head.dep in ("ccomp", "oprd")
        if (t.dep == "dobj" or small_clause) and not any(
            m.tok_start <= t.i < m.span_end_tok for m in sides
        ):
            return True
    return False


def _on_last_complement(tok: Token, tokens, needs: tuple[str, ...]) -> bool:
    """A needed word heading, or right under, the verb's last complement after it; not
    in a relative clause ("the law that made São Paulo and Naples sister cities"
    describes a tie, it tells no event)."""
    if tok.dep == "relcl":
        return False
    hi = min(len(tokens), tok.i + 20)
    comps = [
        t for t in tokens[tok.i + 1 : hi]
        if t.head == tok.i and t.dep in ("dobj", "ccomp", "oprd", "xcomp", "attr")
    ]  # fmt: skip
    if not comps:
        return False
    last = comps[-1]
    return _needed(last, tokens, needs) or any(
        t.head == last.i and t.dep in ("compound", "amod") and _needed(t, tokens, needs)
        for t in tokens[tok.i + 1 : last.i]
    )


def _has_particle(tok: Token, tokens, needs: tuple[str, ...]) -> bool:
    sent_lo = tok.i - 6
    for t in tokens[max(0, sent_lo) : min(len(tokens), tok.i + 6)]:
        if t.sent != tok.sent:
            continue
        if t.head == tok.i and _needed(t, tokens, needs):
            return True
        if _needed(t, tokens, needs) and tok.i < t.i <= tok.i + 3:
            return True
    # "put its sister-city relationship with Tsuruoka on hold": a long object between.
    for t in tokens[tok.i + 1 : min(len(tokens), tok.i + 30)]:
        if t.sent != tok.sent:
            break
        if _needed(t, tokens, needs) and t.dep == "pobj" and tokens[t.head].head == tok.i:
            return True
        # "put its partnership with Kaliningrad, the exclave wedged between Poland and
        # Lithuania, on ice": the parser hangs the particle on the apposition's participle.
        prep = tokens[t.head]
        if _needed(t, tokens, needs) and t.dep == "pobj" and prep.lower == "on":
            holder = tokens[prep.head]
            if holder.tag in ("VBN", "VBG") and holder.head == tok.i and holder.i != tok.i:
                return True
    # "to add Lagos, Portugal, as the city's seventh ...": the particle after the object,
    # however the parser attached it, with no other verb between.
    for t in tokens[tok.i + 1 : min(len(tokens), tok.i + 9)]:
        if t.sent != tok.sent or t.pos in ("VERB", "AUX"):
            break
        if _needed(t, tokens, needs):
            return True
    return False


def _of_modality(noun: Token, children, tokens) -> str | None:
    """The modality of a noun's "of" complement: a letter of intent proposes."""
    for c in children.get(noun.i, ()):
        if tokens[c].dep == "prep" and tokens[c].lower == "of":
            for o in children.get(c, ()):
                if tokens[o].dep == "pobj" and _modality_of(tokens[o]) == "propose":
                    return "propose"
    return None


_INSTRUMENT_RULE = "modality.propose.instrument"


@lru_cache(maxsize=1)
def _instruments() -> frozenset[str]:
    rec = next(r for r in read_jsonl("modality.jsonl") if r["id"] == _INSTRUMENT_RULE)
    return frozenset(rec["lemmas"])


_SIGNING = frozenset("sign ink conclude".split())
_TIE_KINDS = frozenset("friendly friendship sister twinning sister-city".split())
_RENEWED = frozenset("renewed updated revised extended amended".split())


def _renewed_before(tok: Token, tokens) -> bool:
    """ "The agreement" that refers back to "a renewed sister city agreement" named
    just before: a renewal, no beginning."""
    for t in reversed(tokens[max(0, tok.i - 80) : tok.i]):
        if t.lower == tok.lower:
            return any(b.lower in _RENEWED for b in tokens[max(0, t.i - 4) : t.i])
    return False


_RELATIONS = frozenset("relations relationship ties".split())


def _local_children(tok: Token, tokens, width: int = 10) -> dict[int, list[int]]:
    """Dependents of the words just after tok (those a phrase hanging on it can use)."""
    out: dict[int, list[int]] = defaultdict(list)
    for t in tokens[tok.i + 1 : min(len(tokens), tok.i + width)]:
        if t.sent == tok.sent and t.head != t.i:
            out[t.head].append(t.i)
    return out


def _on_relations(tok: Token, children, tokens) -> bool:
    """ "a memorandum on sister-city relations", "the Memorandum of Understanding on
    Friendship City Relations": a document of the relations themselves (not "on
    establishing sister-city relations", nor "on the intention to establish")."""
    for c in children.get(tok.i, ()):
        if tokens[c].dep == "prep" and tokens[c].lower == "of":
            # ("of understanding on ...": the preposition may hang on "understanding")
            for g in children.get(c, ()):
                if tokens[g].lower == "understanding" and _on_relations(
                    tokens[g], children, tokens
                ):
                    return True
        if tokens[c].dep != "prep" or tokens[c].lower != "on":
            continue
        for g in children.get(c, ()):
            obj = tokens[g]
            if (
                tokens[g].dep == "pobj"
                and obj.lower in _RELATIONS
                and any(t.lower in _TIE_KINDS or t.lower == "city" for t in tokens[c + 1 : g])
            ):
                return not _formal_one_ahead(g, tokens)
    return False


def _formal_one_ahead(i: int, tokens) -> bool:
    """A formal agreement still to come, told right after ("signed a memorandum on
    friendly city relations. The two sides will work toward the signing of a formal
    agreement"): the memorandum was a step."""
    ahead = tokens[i + 1 : i + 60]
    return any(
        t.lower in ("formal", "full-fledged", "fully-fledged")
        and any(w.lower in ("agreement", "twinning", "accord") for w in ahead[k + 1 : k + 5])
        for k, t in enumerate(ahead)
    )


def _instrument(tok: Token, children, tokens) -> bool:
    """A memorandum (of understanding), a letter of intent: a document that prepares a
    tie rather than makes it."""
    if any(
        tokens[k].lower in _TIE_KINDS and tokens[k].head in (tok.i, k + 1)
        for k in range(max(0, tok.i - 3), tok.i)
    ):
        return False  # "signed friendly exchange memorandums with Batumi": the tie itself
    if tok.lemma == "memorandum" and _on_relations(tok, children, tokens):
        return False  # "signed a memorandum on sister-city relations": the tie itself
    if tok.lemma in _instruments() or tok.lower in _instruments():
        return True
    return tok.pos == "NOUN" and _of_modality(tok, children, tokens) == "propose"


_MOVERS = frozenset(
    "member councillor councilor cllr alderman alderwoman councilman councilwoman "
    # (abbreviated titles: "Cr Tom Vale first moved to end it")
    "commissioner supervisor trustee cr cr. clr ald ald. coun coun. cllr. alderperson "
    "selectman selectwoman assemblyman assemblywoman legislator councilmember "
    # (a council's groups: "The Left group moved to end the partnership")
    "group faction caucus bloc opposition".split()
)


def _but_failed(verb: Token, tokens, children) -> int | None:
    """A verb joined to this one by "but", sharing its subject, that says it failed or
    was blocked ("was moved ... but was defeated")."""
    for c in children.get(verb.i, ()):
        later = tokens[c]
        if (
            later.dep == "conj"
            and later.i > verb.i
            and any(tokens[k].lower == "but" for k in range(verb.i + 1, later.i))
            # (its own subject only the pronoun for the first's: "... was discussed in
            # 2016, but it stalled the following year")
            and not any(
                tokens[k].dep in ("nsubj", "nsubjpass") and tokens[k].lower not in ("it", "this")
                for k in children.get(c, ())
            )
            and _modality_of(later, tokens) in ("fail", "block")
        ):
            return c
    return None


def _one_voter(vote: Token, tokens, children) -> bool:
    """The subject of 'voted' is one person: a name or a single member, or 'who' after
    one ("Councillor Kereama, who voted against ...")."""
    subj = next((tokens[c] for c in children.get(vote.i, ()) if tokens[c].dep == "nsubj"), None)
    if subj is not None and subj.lower == "who" and vote.dep == "relcl":
        subj = tokens[vote.head]
    if subj is None or subj.tag in ("NNS", "NNPS"):
        return False
    return (
        subj.ent_type == "PERSON"
        or subj.lower in _MOVERS
        or (
            subj.pos == "PROPN"
            and any(tokens[k].lower in _MOVERS for k in range(max(0, subj.i - 3), subj.i))
        )
    )


_CAME_TO_NOTHING = {
    "come": {"nothing"}, "fall": {"through"}, "fizzle": {"out"}, "peter": {"out"},
}  # fmt: skip


def _modality_of(tok: Token, tokens=None) -> str | None:
    if tok.lower == "against" and tokens is not None and tokens[tok.head].lemma == "vote":
        return "fail"  # "voted against suspending ties": the move to end it failed
    if tok.lemma == "move" and tokens is not None:
        # "a city council member moved in February to end the relationship": a motion
        # (not "the city moved to end its ties", which is done)
        lo = max(0, tok.i - 8)
        if any(
            t.head == tok.i
            and t.dep == "nsubj"
            and (
                t.lemma in _MOVERS
                or any(
                    k.lower in _MOVERS
                    # ("In 2017 Coun. Dave Hartwick moved": the parser may hang the
                    # title elsewhere; a title right before the name is the name's)
                    and (k.head == t.i or all(x.pos == "PROPN" for x in tokens[k.i + 1 : t.i]))
                    for k in tokens[max(0, t.i - 3) : t.i]
                )
            )
            for t in tokens[lo : tok.i]
        ):
            return "propose"
    if (
        tok.lemma in ("decision", "resolution")
        and tokens is not None
        and any(
            t.head == tok.i and t.lower in ("draft", "proposed")
            for t in tokens[max(0, tok.i - 3) : tok.i]
        )
    ):
        return "propose"  # "a draft decision to terminate the partnership": not yet taken
    # "The original draft ... provided for the termination of the agreement": what a
    # draft or motion provides for is proposed (the parser may hang the verb on the draft)
    if (
        tok.lemma in _PROVIDING
        and tokens is not None
        and (
            any(
                t.head == tok.i and t.dep == "nsubj" and t.lemma in _DRAFTS
                for t in tokens[max(0, tok.i - 15) : tok.i]
            )
            or (tok.dep == "acl" and tokens[tok.head].lemma in _DRAFTS)
        )
    ):
        return "propose"
    if tokens is not None:
        # "was voted down", "turned down a petition", "deferred indefinitely" (see the
        # phrasal entries of modality.jsonl)
        for words, within, cls in _phrasal_modality().get(tok.lemma, ()):
            after = tokens[tok.i + 1 : tok.i + 1 + within]
            if any(t.lower in words and t.head == tok.i for t in after):
                return cls
    if (
        tok.lemma == "stop"
        and tokens is not None
        and any(
            t.head == tok.i and t.dep == "prep" and t.lower in ("in", "at", "by", "over")
            for t in tokens[tok.i + 1 : tok.i + 3]
        )
    ):
        return None  # "a delegation touring shipyards stopped in Ulsan": a visit
    if tok.lemma in ("put", "place") and tokens is not None:
        # "A proposal to twin X with Y ... was put on hold": the proposal is stalled
        after = tokens[tok.i + 1 : tok.i + 8]
        held = any(t.lower in ("hold", "ice") and tokens[t.head].lower == "on" for t in after)
        lo = max(0, tok.i - 40)
        proposal = any(
            t.head == tok.i
            and t.dep in ("nsubjpass", "dobj")
            and any(cls == "propose" for _, cls in _modality().get(t.lemma, ()))
            for t in tokens[lo : tok.i + 8]
        )  # (not "The partnership was put on hold ... and the council dissolved it")
        if held and proposal:
            return "block"
    if tok.lemma in _CAME_TO_NOTHING and tokens is not None:
        # "Efforts to twin Ludlow with ... came to nothing", "the plan fell through":
        # what was put forward failed
        after = {t.lower for t in tokens[tok.i + 1 : tok.i + 3]}  # ("came to nothing")
        if after & _CAME_TO_NOTHING[tok.lemma]:
            return "fail"
    if tok.lemma in NEVER_HAPPENED and tokens is not None:
        # "the proposed twinning never went ahead", "the proposed partnership never
        # materialised", "did not proceed"
        after = {t.lower for t in tokens[tok.i + 1 : tok.i + 3]}
        needed = NEVER_HAPPENED[tok.lemma]
        denied = any(
            t.head == tok.i and t.lower in ("never", "not", "n't")
            for t in tokens[max(0, tok.i - 3) : tok.i]
        )
        if denied and (not needed or after & needed):
            return "fail"
    for pos, cls in _modality().get(tok.lemma, ()):
        if pos and tok.pos not in pos:
            continue
        return cls
    for pos, cls in _modality().get(tok.lower, ()):
        if pos and tok.pos not in pos:
            continue
        return cls
    return None


_PROVIDING = frozenset("provide envisage foresee contemplate".split())
_DRAFTS = frozenset("draft motion resolution proposal bill amendment recommendation".split())


def _negated(tok: Token, children: dict[int, list[int]], tokens) -> bool:
    return any(
        tokens[c].dep == "neg"
        # "There are no plans to end the relationship"
        or (tokens[c].dep == "det" and tokens[c].lower == "no" and tok.pos == "NOUN")
        # "Nobody proposed ending that tie"
        or (tokens[c].dep in ("nsubj", "nsubjpass") and tokens[c].lower in ("nobody", "none"))
        # "No one on the council has proposed ending the relationship"
        or (
            tokens[c].dep in ("nsubj", "nsubjpass")
            and tokens[c].lower == "one"
            and c > 0
            and tokens[c - 1].lower == "no"
        )
        for c in children.get(tok.i, ())
    )


def _own_complement(verb: Token, conjunct: int, tokens, children) -> bool:
    """The verb takes a complement of its own besides its conjunct ("rejected the
    amendment", "stops short of ending", "said she hoped")."""
    lo, hi = sorted((verb.i, conjunct))
    if not any(t.dep == "cc" and t.head == verb.i for t in tokens[lo:hi]):
        return False  # (no "and" between them: "rejected a motion by the We Continue ...")
    return verb.pos in ("VERB", "AUX") and any(
        c != conjunct
        and (
            tokens[c].dep in ("dobj", "xcomp", "ccomp")
            or (tokens[c].dep == "advmod" and tokens[c].lower == "short")
        )
        for c in children.get(verb.i, ())
    )


def _own_subjects(verb: Token, conjunct: int, children, tokens) -> bool:
    """ "It was first proposed in 1997 ..., and the two mayors signed the agreement in
    October '99": two clauses, each with its subject."""
    subjects = ("nsubj", "nsubjpass")
    return any(tokens[c].dep in subjects for c in children.get(conjunct, ())) and any(
        tokens[c].dep in subjects for c in children.get(verb.i, ())
    )


# "formally conclude the sister city relationship with Mante": what a council concludes
# of a tie it has is its end (a town "concluded a friendship agreement" made one)
_CONCLUDE_ENDS = Trigger("trigger.terminate.conclude", "terminate", (), False)
_ENDED_OBJECTS = frozenset(
    "relationship relationships partnership partnerships twinning twinnings tie ties link "
    "links".split()
)


def _concluded_tie(verb: Token, tokens, children) -> bool:
    """The verb's object is a tie it already has: "the/its/this relationship"."""
    for c in children.get(verb.i, ()):
        obj = tokens[c]
        if obj.dep == "dobj" and obj.lower not in _ENDED_OBJECTS:
            return False  # "concluded a friendship agreement on Wednesday, the first tie ..."
        if obj.dep == "dobj" and obj.lower in _ENDED_OBJECTS:
            # (not "has concluded its own friendship relationship with Hubei": one made)
            return not any(tokens[d].lower == "own" for d in children.get(c, ())) and any(
                tokens[d].dep in ("det", "poss")
                and tokens[d].lower in ("the", "its", "their", "this", "that", "our")
                for d in children.get(c, ())
            )
    return False


def _restoring_object(verb: Token, tokens, children) -> bool:
    """The verb's object is a document that restores a tie ("a charter restoring it")."""
    return any(
        tokens[c].dep == "dobj"
        and any(
            tokens[a].dep == "acl" and _trigger_for(tokens[a], tokens, ("retain",)) is not None
            for a in children.get(c, ())
        )
        for c in children.get(verb.i, ())
    )


def _short_of(tok: Token, tokens) -> bool:
    """ "stops short of ending", "fell short of severing": the act is not done."""
    if tok.dep != "pcomp" or tokens[tok.head].lower != "of":
        return False
    of = tokens[tok.head]
    return of.head != of.i and tokens[of.head].lower == "short"


def _years_of(anchor: Token, tokens) -> bool:
    """The tie word counts the years it has lasted: "50 years of twinning"."""
    if anchor.head == anchor.i or tokens[anchor.head].lower != "of":
        return False
    of = tokens[anchor.head]
    return of.head != of.i and tokens[of.head].lower in ("years", "decades")


_RATHER_THAN = re.compile(r"\b(?:rather\s+than|instead\s+of)\s+(?:an?\s+|the\s+)?(?:new\s+)?$")


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
    used: set[int] = set()  # trigger tokens already turned into events

    def add(trig_tok: int, rm: RelationMention, suffix: str = "") -> None:
        found = _classify(trig_tok, rm, tokens, children, parsed, rule_suffix=suffix)
        if found:
            events.extend(found)
            used.add(trig_tok)

    # 1. The word that governs each relation's noun ("severed their agreements"), or a
    #    participle right under it ("the twinning, agreed in 1947").
    for rm in relations:
        if rm.anchor is None:
            continue
        anchor = tokens[rm.anchor]
        if (
            _verb_by_syntax(anchor, tokens) == "VERB"
            and _trigger_for(anchor, tokens, _DIRECT) is not None
        ):
            if not _years_of(anchor, tokens):
                # "a proposal to twin with Hangzhou": the verb is the event ("celebrated
                # 50 years of twinning with Brest in 2014" begins nothing then)
                add(rm.anchor, rm)
            continue
        trig_tok = _governing_trigger(rm.anchor, tokens)
        if trig_tok is None:
            trig_tok = _for_it_to_be(rm.anchor, tokens, children)
        if trig_tok is not None and not _said_of_other_tie(trig_tok, rm, relations, tokens):
            add(trig_tok, rm)
        # a denied trigger ("the planned twinning never went ahead") leaves the tie's
        # draft word to tell what it was
        draft = _draft_word(rm.anchor, tokens)
        told = trig_tok is not None and (trig_tok in used or draft is None)
        if not told and anchor.pos == "NOUN" and _trigger_for(anchor, tokens, ("propose",)):
            add(rm.anchor, rm)  # "We are in talks with a town in northern Italy"
        elif not told and draft is not None and not _maybe_above(rm.anchor, tokens, children):
            # "asked staff to report back on a possible sister-city relationship with
            # a city in India": a tie named as only proposed is a proposal
            d = tokens[draft]
            conf = round(0.7 * rm.confidence**0.5, 3)
            events.append(
                EventMention(rm, "proposed", draft, d.start, d.end, d.sent,
                             "trigger.propose.draft_noun", conf, False)
            )  # fmt: skip
            used.add(draft)
            stop = _stopping_verb(rm.anchor, tokens, children)
            if stop is not None:
                # "put the brakes on a proposed friendship link", "shelved the
                # planned twinning": the proposal is blocked
                v = tokens[stop]
                events.append(
                    EventMention(rm, "blocked", stop, v.start, v.end, v.sent,
                                 "trigger.block.draft_noun", conf, False)
                )  # fmt: skip
                used.add(stop)
        for trig_tok in _triggers_below(rm.anchor, tokens, children):
            if _set_off_for_another(rm, trig_tok, relations, tokens):
                continue
            if tokens[trig_tok].lemma in _SIGNING and _instrument(anchor, children, tokens):
                continue  # "A letter of intent on cooperation with Uman, signed last year":
                # a step towards the tie (the letter itself tells the proposal)
            add(trig_tok, rm, ".below")

    # The partner's own clause: "Ulyanovsk, which dated back to 1993", "Tianjin, with
    # which a friendship city agreement was signed in 2001", "Chuncheon, added in 2019"
    # (also for a relation named without a noun of its own, as in a list).
    for rm in relations:
        dated = _dated_partner(rm, tokens, children)
        if dated is None:
            dated = _partner_signed(rm, tokens, children)
        if dated is not None and dated not in used:
            add(dated, rm, ".below")
    ordered = sorted(relations, key=lambda r: r.start)
    for trig_tok, rm in _partner_named_joining(parsed, by_sentence, ordered, children):
        if trig_tok not in used:
            add(trig_tok, rm, ".focus")
    for rm in relations:
        for clause in _tie_clause_on_partner(rm, tokens, children):
            add(clause, rm, ".below")  # (each of the coordinated partners)
    for trig_tok, rm in _pronoun_ties(parsed, by_sentence, tokens):
        if trig_tok not in used:
            add(trig_tok, rm, ".pronoun")
    for trig_tok, rm in _it_after_tie_subject(parsed, by_sentence, ordered, tokens, children):
        if trig_tok not in used:
            add(trig_tok, rm, ".pronoun")
    for rm in relations:
        trig_tok = _it_clause(rm, tokens, children)
        if trig_tok is not None and trig_tok not in used:
            add(trig_tok, rm, ".pronoun")

    # 2. Another relationship noun in a sentence about one relation ("... to create a
    #    sister-city agreement"); 3. a definite one in a sentence naming none ("the
    #    twinning, agreed in 1989", "the two cities became sister cities") is about the
    #    relation in focus: the latest one named in the last few paragraphs.
    for s, sent in enumerate(parsed.sentences):
        rms = by_sentence.get(s, [])
        # "The spa towns of Druskininkai (with Zelenogradsk) and Birstonas (with Svetly)
        # terminated their agreements": pairs named without a noun of their own share
        # the plural one.
        several = len({_key(r) for r in rms}) > 1
        if several and not all(r.anchor is None for r in rms):
            _demonstrative_ties(sent, rms, tokens, children, strong_words, used, add)
            # "Gifu, Japan, a relationship dating back to 1970, and Seinäjoki": a tie
            # set beside one of the partners is that partner's
            for i in range(sent.tok_start, sent.tok_end):
                own = _apposed_to_partner(tokens[i], rms)
                if own is not None and tokens[i].lower in _RELATIONSHIP_NOUNS:
                    for below in _triggers_below(i, tokens, children):
                        if below not in used:
                            add(below, own, ".sentence.below")
            if len({r.anchor for r in rms}) > 1:
                continue
        anchors = {r.anchor for r in rms}
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            if tok.pos not in ("NOUN", "PROPN") or i in anchors:
                continue
            if any(r.rule_id in _no_event_rules() and r.start <= tok.start < r.end for r in rms):
                # "has established relations with 46 cities ..., including Columbus": a
                # statement about many partners, whose own noun is no event of one
                continue
            # A sentence naming one relation may go on about it with a definite
            # "that partnership" ("...twinned with Tver; the board ended that partnership").
            # So may "a partnership that was forged in 1991", described by its own clause.
            weak_ok = (
                not rms
                or _definite_singular(tok, tokens, children)
                or any(tokens[c].dep in ("relcl", "acl") for c in children.get(i, ()))
            )
            # (or the plural the partners' one noun hangs on: "voted to terminate five of
            # its twinning agreements, including links with Leeds, Nantes and Oran")
            shared = several and (
                any(tokens[c].lower == "their" for c in children.get(i, ()))
                or (
                    len(anchors) == 1
                    and None not in anchors
                    and any(t.i == i for t in ancestors(next(iter(anchors)), tokens, 3))
                )
            )
            if several and not (shared and tok.tag == "NNS"):
                continue
            dealt = _dealings_with_partner(tok, tokens, children, parsed, ordered, sent)
            if dealt is not None:
                # "the municipal council suspended cooperation with Moscow in March 2022,
                # together with the agreement with Minsk": dealings with a partner named
                # before are its tie, whatever else the sentence names
                # (the verb may serve a tie of its own too: both were suspended)
                trig_tok = _governing_trigger(i, tokens)
                if trig_tok is not None:
                    add(trig_tok, dealt, ".focus")
                continue
            # ("The Nordic twinnings were concluded in 1946, and the link with Darmstadt
            # followed": ties named by their partners' nation, beside another tie)
            group = (
                _plural_focus(tok, tokens, children, parsed, ordered, sent)
                if not rms or _nation_modified(tok, tokens, children)
                else []
            )
            # ("the Nordic twinnings": the plural, named by nation, of those listed)
            nation_group = bool(group) and tok.lower == "twinnings"
            if not nation_group and not _is_relationship_noun(
                tok,
                tokens,
                strong_words,
                weak_ok=weak_ok or shared or bool(group),
                shared=shared or bool(group),
            ):
                continue
            if _RATHER_THAN.search(parsed.text, max(0, tok.start - 30), tok.start):
                continue  # "an action plan rather than a new agreement": not one
            if (
                rms
                and _beyond_semicolon(parsed.text, rms[0], tok)
                # (not "...twinned with Tver; the board ended that partnership")
                and not _definite_singular(tok, tokens, children)
            ):
                continue  # "... twinning with Coimbra; São Paulo mayor vetoes sister-city bill"
            if rms and not group and _owned_by_another_place(tok, tokens, children, rms[0]):
                continue  # "Truro has been twinned with Morlaix since the 1970s, while
                # Bodmin's twinning association was wound up in 2021"
            if rms and not group:
                target, suffix = rms[0], ".sentence"
            else:
                if not group and not _refers_back(tok, tokens, children, sent):
                    continue
                if any(tokens[c].lower == "own" for c in children.get(i, ())):
                    continue  # "Transport companies on both sides signed their own
                    # agreement": another party's paper, not the tie in focus
                if _renewed_before(tok, tokens):
                    continue  # "signed a renewed agreement ... The agreement was signed at"
                target, suffix = (group[0] if group else _focus(parsed, ordered, sent)), ".focus"
                if target is None:
                    continue
                year = next(
                    (
                        tokens[c] for c in children.get(i, ())
                        if tokens[c].dep in ("nummod", "compound", "amod")
                        and _YEARLIKE(tokens[c].text)
                    ),
                    None,
                )  # fmt: skip
                if year is not None and not group and target.b is not None:
                    # "said the 1995 agreement had brought students": the tie in focus,
                    # by the year of its beginning
                    when = DateValue(year.text, "year", year.start, year.end)
                    events.append(
                        EventMention(target, "established", year.i, year.start, year.end, s,
                                     "trigger.establish.year_modifier.focus", 0.6, False, when)
                    )  # fmt: skip
            trig_tok = _governing_trigger(i, tokens)
            if (
                trig_tok is not None
                and tokens[trig_tok].lemma == "found"
                and tok.lower in _PAIR_NOUNS
            ):
                continue  # "Both cities were founded by people who came across an ocean"
            if trig_tok is not None and trig_tok not in used:
                if suffix == ".sentence" and tokens[trig_tok].pos != "VERB":
                    continue  # "the establishment of ... partnerships" in general
                if _names_another(trig_tok, target, tokens):
                    continue  # "would make Bukhara the second partner ... after Konya"
                for each in {_key(r): r for r in rms}.values() if several else (group or (target,)):
                    add(trig_tok, each, suffix)
            for below in _triggers_below(i, tokens, children):
                if below not in used:
                    add(below, target, suffix + ".below")

    # "The two towns were first twinned in 1968": the verb of twinning, said of both
    # sides of the tie in focus in a sentence naming none, is its beginning.
    for s, sent in enumerate(parsed.sentences):
        if s in by_sentence:
            continue
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            if tok.pos != "VERB" or i in used:
                continue
            # (or "the two sides signed a letter of intent in February 2019": a step
            # towards the tie in focus)
            if tok.lemma not in _TWIN_VERBS and not (
                tok.lemma == "sign"
                and any(
                    tokens[c].dep == "dobj" and _instrument(tokens[c], children, tokens)
                    for c in children.get(i, ())
                )
            ):
                continue
            if not any(_both_sides(tokens[c], tokens, children) for c in children.get(i, ())):
                continue
            target = _focus(parsed, ordered, sent)
            if target is not None and target.b is not None:
                add(i, target, ".focus")

    # "Talks began in 2022, when a delegation ... attended a trade fair in Foz", "the
    # Multan proposal had been initiated last year": talks or a proposal that began, in
    # a sentence naming no tie, are about the tie in focus.
    # So are "... signed a partnership agreement with Verden ... after talks that started
    # in 2021" about the one tie their sentence names.
    for s, sent in enumerate(parsed.sentences):
        full = list({_key(r): r for r in by_sentence.get(s, ()) if r.b is not None}.values())
        if len(full) > 1:
            continue
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            if tok.lemma not in _TALK_NOUNS or any(
                # bare talks only: not "talks on a trade deal began" (but "talks between
                # the two cities began")
                tokens[c].dep in ("prep", "amod")
                and not _between_both(tokens[c], tokens, children)
                and _year_below(c, tokens, children) is None  # ("began talking in 2022")
                for c in children.get(i, ())
            ):
                continue
            if full:
                began = [
                    c for c in children.get(i, ())
                    if tokens[c].dep == "relcl" and tokens[c].lemma in _BEGIN_VERBS
                ]  # fmt: skip
                if not began or began[0] in used:
                    continue
                v = tokens[began[0]]
                # ("talks that began when a delegation visited ... in 2016": the year in
                # the clause that tells when they began, not the sentence's date)
                year = _year_below(v.i, tokens, children)
                if year is None:
                    continue
                events.append(
                    EventMention(full[0], "proposed", v.i, v.start, v.end, s,
                                 "trigger.propose.talks_began", 0.6, False, year)
                )  # fmt: skip
                used.add(v.i)
                continue
            head = tokens[tok.head]
            if tok.dep == "nsubj" and tok.lemma in _RAISED_NOUNS:
                # "The idea came from local manufacturers and was first raised at a
                # committee last fall": the passive verb its subject shares
                head = next(
                    (
                        tokens[c] for c in children.get(head.i, ())
                        if tokens[c].dep == "conj" and tokens[c].lemma in _TABLING_VERBS
                        and any(tokens[a].dep == "auxpass" for a in children.get(c, ()))
                    ),
                    head,
                )  # fmt: skip
            # "The proposal was first tabled in the Assembly in November": a proposal put
            # before a body began then (not a tie's end proposed: see below)
            tabled = (
                tok.lemma in _RAISED_NOUNS
                and (tok.dep == "nsubjpass" or head.i != tok.head)
                and head.lemma in _TABLING_VERBS
                # (a bare one: not "a proposal to establish sister city relations with a
                # city in China was filed", a proposal of its own)
                and not any(tokens[c].dep in ("acl", "prep", "relcl") for c in children.get(i, ()))
            )
            if not (_begun(head, tokens, children) or tabled) or not (
                tok.dep in ("nsubj", "nsubjpass")
                # "The two municipalities began talks in 2019", "The two cities began
                # talking in 2022"
                or (
                    tok.dep in ("dobj", "xcomp")
                    and any(
                        tokens[c].dep == "nsubj" and _two_sides(tokens[c], tokens, children)
                        for c in children.get(head.i, ())
                    )
                )
            ):
                continue
            target = _focus(parsed, ordered, sent)
            if target is None or target.b is None:
                continue
            # "the Multan proposal": named for a side of the tie in focus, or for none
            named = [tokens[c] for c in children.get(i, ()) if tokens[c].dep == "compound"]
            sides = {target.a.text.lower(), target.b.text.lower()}
            if tabled and any(
                e.relation is target and e.type in ("termination_proposed", "terminated")
                for e in events
            ):
                continue  # a proposal to end the tie in focus, no proposal of one
            if all(n.lower in sides for n in named):
                events.append(
                    EventMention(target, "proposed", i, tok.start, tok.end, s,
                                 "trigger.propose.talks_began.focus", 0.6, False)
                )  # fmt: skip

    # "... to end the relationships with Hitoyoshi, Xinyu and Astoria. Officers had
    # recommended in February that all three be ended.": "all three", "both" or "all of
    # them" in the next sentence, naming no place, are the ties the one before named.
    for s, sent in enumerate(parsed.sentences):
        if s == 0 or s in by_sentence or (s - 1) not in by_sentence:
            continue
        before = list({_key(r): r for r in by_sentence[s - 1] if r.b is not None}.values())
        if len(before) < 2 or parsed.sentences[s - 1].paragraph != sent.paragraph:
            continue
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            if tok.dep not in ("nsubj", "nsubjpass") or not _all_of_them(tok, tokens, children):
                continue
            verb = tokens[tok.head]
            if verb.pos != "VERB" or verb.i in used:
                continue
            if _trigger_for(verb, tokens, _DIRECT) is None:
                continue
            for rm in before:
                add(verb.i, rm, ".plural")

    # "Tucson's relationship with Zhaoqing survived a vote, after a motion to end it drew
    # support from only two members": "it" in a sentence about one tie is that tie.
    for s, rms in by_sentence.items():
        if len({_key(r) for r in rms}) != 1:
            continue
        sent = parsed.sentences[s]
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            if tok.lower != "it" or tok.dep not in ("dobj", "nsubjpass"):
                continue
            verb = tokens[tok.head]
            if i > 0 and tokens[i - 1].dep == "acl" and tokens[i - 1].head != tok.i:
                # "a councillor's motion to scrap it was thrown out": the parser makes
                # "it" the subject of the verb after it; the motion's verb is its own
                verb = tokens[i - 1]
            if verb.i in used:
                continue
            if (
                verb.pos == "VERB"
                and _trigger_for(verb, tokens, _DIRECT) is not None
                # only what a motion or call would do to it ("a motion to end it"); "it"
                # after other verbs is as often the proposal itself
                and (
                    (verb.dep == "acl" and tokens[verb.head].lemma in _PROPOSALS)
                    or _proposal_before(verb, tokens)
                )
            ):
                add(verb.i, rms[0], ".pronoun")

    # "severed its sister-city ties with Karatsu, restoring them three years later": a
    # verb beside an event's verb whose object is a pronoun goes on about the same tie.
    for ev in list(events):
        t = tokens[ev.trigger]
        after = tokens[t.head]
        if (
            # "suspended its ties with Nagoya; they were restored in 2022": the parser
            # hangs the first clause on the second
            t.dep in ("ccomp", "parataxis")
            and after.i > t.i
            and after.pos == "VERB"
            and after.i not in used
            and any(tokens[k].text == ";" for k in range(t.i, after.i))
            and any(
                tokens[o].dep == "nsubjpass" and tokens[o].lower in ("they", "it")
                for o in children.get(after.i, ())
            )
            and _trigger_for(after, tokens, _DIRECT) is not None
        ):
            add(after.i, ev.relation, ".pronoun")
        for c in children.get(ev.trigger, ()):
            ctok = tokens[c]
            if (
                ctok.dep in ("advcl", "conj")
                and ctok.pos == "VERB"
                and c not in used
                and _trigger_for(ctok, tokens, _DIRECT) is not None
                and any(
                    tokens[o].dep in ("dobj", "nsubjpass") and tokens[o].lower in ("them", "it")
                    for o in children.get(c, ())
                )
                # "vetoed a proposed link before it was even signed": it never was
                and not any(
                    tokens[m].dep == "mark" and tokens[m].lower in _UNREALISED_MARKS
                    for m in children.get(c, ())
                )
                # "dates from 1991, and it was followed in 2005 by a second agreement,
                # with Monchegorsk": what followed it is another tie
                and not (
                    ctok.lemma == "follow"
                    and any(tokens[a].dep == "agent" for a in children.get(c, ()))
                )
            ):
                add(c, ev.relation, ".pronoun")
            elif (
                # "The relationship with Funchal lapsed after 2005 and was formally
                # concluded by Council in 2015": a second verb of the same tie subject
                ctok.dep == "conj"
                and ctok.pos == "VERB"
                and c not in used
                and _said_of_tie(tokens[ev.trigger], tokens, children)
                and not any(
                    tokens[o].dep in ("nsubj", "nsubjpass") and tokens[o].pos != "AUX"
                    for o in children.get(c, ())
                    if tokens[o].dep == "nsubj"
                )
                # ("was suspended in 2019 and restored in 2022")
                and _trigger_for(ctok, tokens, ("terminate", "suspend", "retain")) is not None
                # not "was being suspended rather than ended": the road not taken
                and not any(
                    tokens[o].dep == "cc" and tokens[o].lower == "than" and o < c
                    for o in children.get(ev.trigger, ())
                )
            ):
                add(c, ev.relation, ".conj")

    # "tabled a motion to terminate the Moscow agreement, and the council voted to end
    # it in May 2023": the vote beside the motion, on "it", is the motion's outcome.
    for ev in list(events):
        if ev.type not in ("termination_proposed", "proposed"):
            continue
        for up in ancestors(ev.trigger, tokens, 4):
            for c in children.get(up.i, ()):
                decided = tokens[c]
                if decided.dep != "conj" or decided.lemma not in _DECIDING:
                    continue
                for x in children.get(c, ()):
                    xtok = tokens[x]
                    if (
                        xtok.dep == "xcomp"
                        and x not in used
                        and _trigger_for(xtok, tokens, _DIRECT) is not None
                        and any(
                            tokens[o].dep == "dobj" and tokens[o].lower in ("it", "them")
                            for o in children.get(x, ())
                        )
                    ):
                        add(x, ev.relation, ".pronoun")

    # 3b. "1. Jalapa, Nicaragua" / "Established by Council resolution in 1984": a
    #     section under a partner's name opens on what happened to the tie.
    for rm in relations:
        if rm.rule_id != "pair.section_heading" or rm.sentence + 1 >= len(parsed.sentences):
            continue
        nxt = parsed.sentences[rm.sentence + 1]
        root = next((t for t in tokens[nxt.tok_start : nxt.tok_end] if t.head == t.i), None)
        if (
            root is not None
            and root.i not in used
            and root.i == nxt.tok_start
            and root.tag == "VBN"
            and not any(tokens[c].dep.startswith("nsubj") for c in children.get(root.i, ()))
        ):
            add(root.i, rm, ".headed")

    # 4. "its twin town since 1965": the relationship began then.
    events.extend(_timeline_entries(parsed, relations, events))
    events.extend(_list_years(parsed, relations))
    events.extend(_year_modifiers(parsed, relations))
    since = _since(parsed, by_sentence, ordered, children, used)
    events = _one_establishment(events, since)
    events.extend(_anaphoric(parsed, events, children))
    events.extend(_not_proceeding(parsed, events, children))
    events = _proposal_dated_later(parsed, events, children)
    events.extend(_proposed_if_blocked(events))
    events = _restorations(events, tokens)
    events = _revivals_of_breaks(parsed, events)
    events = _exchanges_of_ended_ties(events, tokens)
    events.sort(key=lambda e: (e.trigger_start, e.relation.start))
    return _dedupe(events)


def _exchanges_of_ended_ties(events: list[EventMention], tokens) -> list[EventMention]:
    """ "was ending its relationship with Prague ... and suspending all official exchanges
    with the Czech capital": exchanges suspended in the sentence that ends the tie are
    part of the ending, no pause of their own (a freeze told before the ending is its
    own step: "froze all contacts with St Petersburg in March 2022, and last autumn the
    city council formally annulled the cooperation agreement")."""
    ended: dict[tuple, int] = {}
    for e in events:
        if e.type == "terminated":
            k = (_key(e.relation), e.sentence)
            ended[k] = min(ended.get(k, e.trigger), e.trigger)
    return [
        e for e in events
        if not (
            e.type == "suspended"
            and ended.get((_key(e.relation), e.sentence), e.trigger) < e.trigger
            and any(
                t.lower in ("exchanges", "contacts") for t in tokens[e.trigger + 1 : e.trigger + 5]
            )
        )
    ]  # fmt: skip


def _restorations(events: list[EventMention], tokens) -> list[EventMention]:
    """ "signed a new friendship agreement on Friday, restoring a sister-city relationship
    that had lapsed": a signing that restores a tie is its restoration (retained), not
    its founding."""
    restoring = {
        (_key(e.relation), tokens[e.trigger].head)
        for e in events
        if e.type == "retained" and tokens[e.trigger].dep == "advcl"
    }
    return [
        e for e in events
        if not (e.type == "established" and (_key(e.relation), e.trigger) in restoring)
    ]  # fmt: skip


# Words that only restore what was broken when something broke: "revived last year with an
# exchange of IT startups" wakes a quiet tie, no ending reversed.
_WAKING = frozenset("revive reactivate resume revitalize revitalise".split())
_BREAKS = frozenset(
    "lapse suspend suspension freeze end sever cut break halt hold terminate expire "
    "cancel collapse rupture".split()
)


def _revivals_of_breaks(parsed: Parsed, events: list[EventMention]) -> list[EventMention]:
    """A tie revived is retained only after a pause or ending the document tells, or
    that its sentence or a neighbour names ("restoring a relationship that had lapsed")."""
    tokens = parsed.tokens
    broken = {_key(e.relation) for e in events if e.type in ("suspended", "terminated")}
    out = []
    for e in events:
        if e.type == "retained" and tokens[e.trigger].lemma in _WAKING:
            # (its sentence or a neighbour: "has rekindled its ties with Antigua. The
            # previous council had broken off that hermanamiento in 2019")
            near = parsed.sentences[max(0, e.sentence - 1) : e.sentence + 2]
            if _key(e.relation) not in broken and not any(
                t.lemma in _BREAKS for s in near for t in tokens[s.tok_start : s.tok_end]
            ):
                continue
        out.append(e)
    return out


def _proposed_if_blocked(events: list[EventMention]) -> list[EventMention]:
    """ "The mayor vetoed a proposed sister city agreement between Fresno and Taichung":
    a tie blocked was proposed, whether or not the text tells the proposal apart."""
    proposed = {_key(e.relation) for e in events if e.type == "proposed"}
    out = []
    for e in events:
        if e.type == "blocked" and _key(e.relation) not in proposed:
            proposed.add(_key(e.relation))
            out.append(replace(e, type="proposed", rule_id=e.rule_id + ".implied_proposal"))
    return out


_UNREALISED_MARKS = frozenset("before until unless if once".split())


_JUBILEES = frozenset("jubilee anniversary anniversaries celebration celebrations".split())


def _timeline_entries(parsed: Parsed, relations, events) -> list[EventMention]:
    """ "2004 – Twinning act with Puebla, Mexico, focused on the automotive industry": a
    timeline entry that names a tie and says nothing else happened to it records its
    forming."""
    tokens = parsed.tokens
    done = {(_key(e.relation), e.sentence) for e in events}
    out = []
    for rm in relations:
        if rm.anchor is None or rm.b is None or (_key(rm), rm.sentence) in done:
            continue
        sent = parsed.sentences[rm.sentence]
        start, end = parsed.paragraphs[sent.paragraph]
        entry = timeline_year(parsed.text, start, end)
        if entry is None or sent.start > entry.end + 4:
            continue
        anchor = tokens[rm.anchor]
        # the tie opens the entry, with no verb of its own ("Twinning act with Puebla")
        if anchor.start - entry.end > 40 or anchor.head == anchor.i and anchor.pos == "VERB":
            continue
        if any(
            (t.pos in ("VERB", "AUX") and t.dep == "ROOT") or t.lower in _JUBILEES
            for t in tokens[sent.tok_start : anchor.i]
        ):
            continue  # (nor "1999 - Golden jubilee of the Essen twinning": its age)
        out.append(
            EventMention(
                rm, "established", anchor.i, anchor.start, anchor.end, rm.sentence,
                "trigger.establish.timeline_entry", round(0.7 * rm.confidence**0.5, 3), False,
            )
        )  # fmt: skip
        done.add((_key(rm), rm.sentence))
    return out


def _beyond_semicolon(text: str, rm: RelationMention, tok: Token) -> bool:
    """A semicolon between the relation's names and the noun: another clause, another
    tie."""
    sides = [rm.a] if rm.b is None else [rm.a, rm.b]
    first, last = min(m.start for m in sides), max(m.end for m in sides)
    between = text[last : tok.start] if tok.start >= last else text[tok.end : first]
    return ";" in between


_MODERN_YEAR = re.compile(r"(?:19|20)\d\d")
_DATES_FROM = re.compile(r"\s+dat(?:es|ed|e)\s+(?:back\s+)?(?:from|to)\s+(?:(?:19|20)\d\d)\b")


def _partner_after_with(rm, tokens) -> bool:
    """The partner is named right after "with" ("its twinning with Lorient", "ties with
    Thailand's Chiang Rai")."""
    if rm.b is None or rm.b.tok_start <= 0:
        return False
    k = rm.b.tok_start - 1
    if k >= 2 and tokens[k].lower in ("'s", "’s") and tokens[k - 1].pos == "PROPN":
        k -= 2
    return tokens[k].lower == "with"


def _second_after_between(rm, tokens) -> bool:
    """The pair is named "between A and B" ("Ties between Baltimore and Xiamen date to
    1985")."""
    if rm.b is None or rm.b.tok_start <= 0 or rm.a.tok_start <= 0:
        return False
    return (
        tokens[rm.b.tok_start - 1].lower == "and" and tokens[rm.a.tok_start - 1].lower == "between"
    )


def _partner_signed(rm, tokens, children) -> int | None:
    """ "The first, Jiaozuo in China's Henan province, signed with Foz in 2013", "Sasebo,
    the city's oldest partner, signed up in 1966": the partner that signed (with the
    other side, or up) began the tie; so did one that "followed in 1991" another."""
    if rm.b is None or rm.b.tok_end <= 0:
        return None
    b = tokens[rm.b.tok_end - 1]
    of = tokens[b.head]
    if b.dep == "pobj" and of.lower == "of" and tokens[of.head].lower in PLACE_NOUNS:
        b = tokens[of.head]  # "The Umbrian town of Gualdo Tadino, ..., followed in 1991"
    # (the parser may hang the verb on the name: "Sasebo, the city's oldest partner,
    # signed up in 1966")
    verbs = [b.head] if b.dep == "nsubj" else []
    verbs += [c for c in children.get(b.i, ()) if tokens[c].dep == "acl"]
    # "Gien, the riverside town on the Loire that joined in 1997": a relative clause in
    # the partner's description (the parser may hang it on any noun there)
    stack = [c for c in children.get(b.i, ()) if tokens[c].dep == "appos"]
    while stack:
        k = stack.pop()
        if tokens[k].dep == "relcl" and tokens[k].lemma == "join":
            verbs.append(k)
        elif tokens[k].dep != "relcl":
            stack.extend(children.get(k, ()))
    return next((v for v in verbs if _joined(tokens[v], tokens, children, rm)), None)


def _joined(verb: Token, tokens, children, rm: RelationMention) -> bool:
    """ "signed up", "signed with <the other side>", "followed in 1991", "joined in
    1997": words a partner says it joined with (not "followed the example of Lyon")."""
    if verb.lemma not in ("sign", "follow", "join") or verb.i + 1 >= len(tokens):
        return False
    nxt = tokens[verb.i + 1]
    if verb.lemma == "join" and any(tokens[c].dep == "dobj" for c in children.get(verb.i, ())):
        return False  # "joined the network": see trigger.establish.joined_family
    if verb.lemma in ("follow", "join"):
        return nxt.lower == "in" and any(
            tokens[o].dep == "pobj" and _MODERN_YEAR.fullmatch(tokens[o].text)
            for o in children.get(nxt.i, ())
        )
    if nxt.lower == "up":
        return True
    other = {rm.a.text.lower(), rm.a.place.name.lower()}
    return nxt.lower == "with" and any(
        tokens[o].dep == "pobj" and tokens[o].lower in other for o in children.get(nxt.i, ())
    )


def _partner_named_joining(parsed: Parsed, by_sentence, ordered, children):
    """ "Delegations from Pinhel, Gualdo Tadino and Longwy, the city's three partners,
    ... The Umbrian town of Gualdo Tadino, ..., followed in 1991": a partner named again
    as the subject of joining, in a sentence of no tie of its own."""
    tokens = parsed.tokens
    for s, sent in enumerate(parsed.sentences):
        if by_sentence.get(s):
            continue
        for i in range(sent.tok_start, sent.tok_end):
            verb = tokens[i]
            if verb.lemma not in ("sign", "follow") or verb.pos != "VERB":
                continue
            subj = next((c for c in children.get(i, ()) if tokens[c].dep == "nsubj"), None)
            if subj is None:
                continue
            # the subject's own words (not "The Lanciano committee ... says about 30
            # residents have already signed up")
            words = [
                t for t in tokens[sent.tok_start : i]
                if t.i == subj or any(a.i == subj for a in ancestors(t.i, tokens, 8))
            ]  # fmt: skip
            if not words:
                continue
            before = parsed.text[words[0].start : words[-1].end]
            named = [
                r for r in ordered
                if r.end <= sent.start and r.b is not None and _says(before, r.b)
            ]  # fmt: skip
            if len({r.b.place.key for r in named}) != 1:
                continue
            head = tokens[subj]
            if not (
                _says(head.text, named[-1].b)
                or head.lower in ("town", "city", "village", "port", "commune", "municipality")
            ):
                continue  # "the Antequera Dolmens Site followed in 2016": a site, no town
            if _joined(verb, tokens, children, named[-1]):
                yield i, named[-1]


def _dated_partner(rm, tokens, children) -> int | None:
    """ "ended its partnership with Ulyanovsk, which dated back to 1993": the parser
    hangs the clause on the partner, but a town founded in a year of the last century
    is rare; the tie began then."""
    if rm.b is None or rm.b.tok_end <= 0:
        return None
    last = rm.b.tok_end - 1
    # the clause may hang on the partner's country: "Tianjin, China, with which ..."
    heads = [last, *(c for c in children.get(last, ()) if tokens[c].dep == "appos")]
    # ... or on the place its description locates it in: "Yaizu, a fishing port in
    # Shizuoka Prefecture, Japan, with which it twinned in 1977"
    for h in heads[1:]:
        for p in children.get(h, ()):
            if tokens[p].dep == "prep" and tokens[p].lower in ("in", "on", "near"):
                heads.extend(o for o in children.get(p, ()) if tokens[o].dep == "pobj")
    # ... or on a name in its qualifier: "Thiers, in the Auvergne region of France, which
    # dates back to 1977"
    heads.extend(
        k for k in range(rm.b.tok_end, rm.b.span_end_tok) if tokens[k].pos in ("PROPN", "NOUN")
    )
    # "The tie with Kashiwazaki, sealed on a visit in 1974, ...": a participle set off
    # after the partner of the relationship noun describes the tie, wherever the parser
    # hangs it
    of_noun = (
        rm.anchor is not None
        and tokens[last].dep == "pobj"
        and tokens[tokens[last].head].lower == "with"
        and tokens[tokens[last].head].head == rm.anchor
        and tokens[rm.anchor].pos == "NOUN"
    )
    # "Shijiazhuang in China, Umeå in Sweden and Chernivtsi in Ukraine, which joined in
    # 2006": a clause after a list the parser hangs on its first member is the last one's
    listed = max((c for c in children.get(last, ()) if tokens[c].dep == "conj"), default=last)
    for c in (k for h in heads for k in children.get(h, ())):
        tok = tokens[c]
        if tok.dep not in ("relcl", "acl") or (tok.dep == "relcl" and c > listed > last):
            continue
        if (
            of_noun
            and tok.dep == "acl"
            and tok.tag == "VBN"
            and tokens[c - 1].text == ","
            and _trigger_for(tok, tokens, ("establish", "terminate", "suspend"), below=True)
        ):
            return c
        level, years = [c], False
        for _ in range(3):  # "dated back to 1993": year under "to" under "back"
            level = [k for j in level for k in children.get(j, ())]
            # (or "which was signed 28 years ago": a year counted back)
            years = years or any(
                _MODERN_YEAR.fullmatch(tokens[k].text) or tokens[k].lower == "ago" for k in level
            )
        if not years:
            continue
        if tok.dep == "relcl" and tok.lemma == "date":
            if _trigger_for(tok, tokens, ("establish",), below=True) is not None:
                return c
        elif tok.dep == "acl" and tok.lemma == "add" and tok.tag == "VBN":
            return c  # "and Chuncheon, South Korea, added in 2019": joined the list then
        elif of_noun and tok.dep == "relcl" and tok.lemma in ("allow", "let"):
            # "its friendship agreement with Port Moresby, which was allowed to lapse in
            # 2015": a town is not let lapse; the tie is
            done = [
                k for k in children.get(c, ())
                if tokens[k].dep == "xcomp"
                and _trigger_for(tokens[k], tokens, ("terminate", "suspend")) is not None
            ]  # fmt: skip
            if done:
                return done[0]
        elif (
            tok.dep == "relcl"
            and _trigger_for(tok, tokens, ("establish",)) is not None
            # "Tianjin, with which a friendship city agreement was signed in 2001"
            and any(tokens[k].lower in ("which", "whom") for k in range(max(0, tok.i - 8), tok.i))
        ):
            return c
    return _clause_after_description(rm, tokens) if of_noun else None


_DESCRIBED_WITHIN = 18  # tokens from the partner's name to the tie's own clause


def _clause_after_description(rm, tokens) -> int | None:
    """ "its partnership with Saint Petersburg, one of the oldest between a West German and
    a Soviet city, signed in 1957", "sister city ties with Mogi das Cruzes, home to a large
    community of Japanese descent, which date back to 1979": the tie's own clause after
    the partner's description, wherever the parser hangs it."""
    last = rm.b.tok_end - 1
    sent = tokens[last].sent
    end = min(len(tokens), last + _DESCRIBED_WITHIN)
    for k in range(max(rm.b.span_end_tok, rm.b.tok_end) + 1, end):
        tok = tokens[k]
        if tok.sent != sent or tok.text in (";", ":"):
            return None
        nxt = [t.text for t in tokens[k + 1 : k + 4]]
        dated = any(_MODERN_YEAR.fullmatch(t) for t in nxt)
        # ("with Yuxi, entered into in 2004": the tagger may take it for a past tense)
        rest = nxt[1:] if nxt[:1] == ["into"] else nxt
        if (
            tokens[k - 1].text == ","
            and (
                tok.tag == "VBN"
                or (
                    tok.tag == "VBD"
                    and tok.dep != "ROOT"
                    and not any(t.head == k and t.dep.startswith("nsubj") for t in tokens[last:k])
                )
            )
            and rest[:1] in (["in"], ["on"])
            and dated
            and _trigger_for(tok, tokens, ("establish",), below=True) is not None
        ):
            return k
        if (
            tokens[k - 1].lower == "which"
            and tokens[k - 2].text == ","
            and tok.lemma == "date"
            and dated
        ):
            return k
    return None


_TIE_CONTACT_NOUNS = frozenset(
    "contacts contact ties links relations cooperation partnership agreement twinning".split()
)


def _tie_clause_on_partner(rm, tokens, children) -> list[int]:
    """ "ended its agreements with Pskov and Vitebsk, whose contacts had been frozen since
    March 2022": a town is not frozen; a clause on the partner (or the last of the
    partners coordinated with it) that suspends or ends "which" or "whose contacts" tells
    what happened to the tie; so does a verb joined to such a clause ("Krasnodar, which
    was signed in 1997 and had been suspended since March 2022")."""
    if rm.b is None or rm.b.tok_end <= 0:
        return []
    heads, k = [rm.b.tok_end - 1], rm.b.tok_end - 1
    for _ in range(4):  # "Pskov and Vitebsk": the clause hangs on the last of them
        conj = [c for c in children.get(k, ()) if tokens[c].dep == "conj"]
        if not conj:
            break
        k = conj[-1]
        heads.append(k)
    k = rm.b.tok_end - 1
    while tokens[k].dep == "conj" and tokens[k].head != k and len(heads) < 6:
        k = tokens[k].head  # "... with Pskov and Vitebsk, whose": hung on the first
        heads.append(k)
    after = rm.b.tok_end
    out = []
    for c in (c for h in heads for c in children.get(h, ()) if c >= after):
        if tokens[c].dep != "relcl" or not _tie_subject(c, tokens, children):
            continue
        verbs = [c, *(v for v in children.get(c, ()) if tokens[v].dep == "conj")]
        out.extend(
            v for v in verbs
            if _trigger_for(tokens[v], tokens, ("suspend", "terminate"), below=True) is not None
        )  # fmt: skip
    return out


_PRONOUN_CLASSES = ("establish", "terminate", "suspend", "retain")


_PLURAL_TIES = frozenset("ties links relations agreements partnerships twinnings".split())
_ENDED_OR_RESTORED = ("terminate", "suspend", "retain")


def _pronoun_ties(parsed: Parsed, by_sentence, tokens) -> list[tuple[int, RelationMention]]:
    """ "The link with Cosenza ... was formalised in 2002 .... It was ended by mutual
    agreement in 2017": "it" as the subject of a tie's verb, right after a sentence
    whose subject is one tie, is that tie."""
    out = []
    for s, sent in enumerate(parsed.sentences):
        if s == 0 or by_sentence.get(s):
            continue
        prev = parsed.sentences[s - 1]
        if prev.paragraph != sent.paragraph:
            continue
        ties = {_key(r): r for r in by_sentence.get(s - 1, ()) if r.b is not None}
        if len(ties) != 1:
            continue
        (rm,) = ties.values()
        if rm.anchor is None or tokens[rm.anchor].dep not in ("nsubj", "nsubjpass", "dobj"):
            continue
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            # "It was ended ...", or opening the sentence, "That was signed in 2007"
            that = tok.lower == "that" and i == sent.tok_start
            # "The relationship with Luoyang ... is over. Councillors voted last month to
            # wind it up": "it" as the object of a verb that ends or suspends, too
            ended = tok.lower == "it" and tok.dep == "dobj"
            # "Hobart suspended its ties with Nagoya. They were restored in 2022": a
            # passive's pronoun subject is what was done to, the tie, not a town
            done_to = tok.dep == "nsubjpass" and (
                tok.lower == "it"
                or (tok.lower == "they" and tokens[rm.anchor].lower in _PLURAL_TIES)
            )
            if (
                not ended
                and not done_to
                and ((tok.lower != "it" and not that) or tok.dep not in ("nsubj", "nsubjpass"))
            ):
                continue
            verb = tokens[tok.head]
            # "X and Y renewed their agreement on Friday. The two cities first signed it
            # in 1978": the pair itself doing it to "it"
            by_pair = ended and _pair_subject(verb, tokens)
            if tokens[rm.anchor].dep == "dobj" and not that and not by_pair and not done_to:
                continue  # ("raised our old agreement with Polkowice. That was signed ...")
            classes = _PRONOUN_CLASSES
            if ended and not by_pair:
                # ("In 2022 the council voted to restore it"; not "Officials said they
                # would like to revive it", a wish)
                decided = verb.tag == "VBD" or (
                    verb.dep == "xcomp" and tokens[verb.head].lemma in _DECIDING
                )
                classes = _ENDED_OR_RESTORED if decided else ("terminate", "suspend")
            if verb.pos == "VERB" and _trigger_for(verb, tokens, classes):
                out.append((verb.i, rm))
    return out


def _it_after_tie_subject(
    parsed: Parsed, by_sentence, ordered, tokens, children
) -> list[tuple[int, RelationMention]]:
    """ "The relationship hit a bump in 2017, when Coun. Dave Hartwick moved to end it":
    "it", the object of a verb that ends or suspends, in a sentence naming no tie but
    opening on "the relationship", is that relationship, the one in focus."""
    out = []
    for s, sent in enumerate(parsed.sentences):
        if by_sentence.get(s):
            continue
        subject = next(
            (
                t for t in tokens[sent.tok_start : min(sent.tok_end, sent.tok_start + 4)]
                if t.dep in ("nsubj", "nsubjpass")
                and t.lower in _ENDED_OBJECTS
                and _definite_singular(t, tokens, children)
            ),
            None,
        )  # fmt: skip
        if subject is None:
            continue
        for tok in tokens[subject.i + 1 : sent.tok_end]:
            if tok.lower != "it" or tok.dep != "dobj":
                continue
            verb = tokens[tok.head]
            if verb.pos == "VERB" and _trigger_for(verb, tokens, ("terminate", "suspend")):
                target = _focus(parsed, ordered, sent)
                if target is not None and target.b is not None:
                    out.append((verb.i, target))
    return out


def _pair_subject(verb: Token, tokens) -> bool:
    """The verb's subject is the two sides: "they", "the two cities", "both towns"."""
    for t in tokens[max(0, verb.i - 6) : verb.i]:
        if t.head != verb.i or t.dep != "nsubj":
            continue
        if t.lower == "they":
            return True
        if t.lemma in ("city", "town", "municipality", "community") and any(
            k.head == t.i and k.lower in ("two", "both") for k in tokens[max(0, t.i - 3) : t.i]
        ):
            return True
    return False


def _it_clause(rm, tokens, children) -> int | None:
    """ "decided not to renew its sister city agreement with Beijing when it expired in
    2022": "it" as the subject of a clause on the verb whose object is the tie."""
    if rm.anchor is not None and tokens[rm.anchor].dep in ("nsubj", "nsubjpass"):
        return _it_below_subject(rm.anchor, tokens, children)
    if rm.anchor is None or tokens[rm.anchor].dep != "dobj":
        return None
    verb = tokens[rm.anchor].head
    for c in children.get(verb, ()):
        clause = tokens[c]
        if clause.dep != "advcl" or clause.i < rm.anchor or clause.pos != "VERB":
            continue
        subjects = [tokens[k] for k in children.get(c, ()) if tokens[k].dep == "nsubj"]
        it = len(subjects) == 1 and subjects[0].lower == "it"
        if it and _trigger_for(clause, tokens, ("terminate", "suspend")) is not None:
            return c
    return None


def _it_below_subject(anchor: int, tokens, children) -> int | None:
    """ "The agreement with Changshu has been largely inactive, the report said,
    recommending that it be ended": "it" under the clause whose subject is the tie."""
    root = tokens[anchor].head
    # (or the verb of saying above it: '"The agreement ... has been inactive", the
    # report said, recommending that it be ended')
    roots = {root, tokens[root].head} if tokens[root].dep == "ccomp" else {root}
    sent = tokens[anchor].sent
    for k in range(anchor + 1, len(tokens)):
        t = tokens[k]
        if t.sent != sent:
            break
        if t.pos != "VERB" or _trigger_for(t, tokens, ("terminate", "suspend")) is None:
            continue
        subjects = [
            tokens[c] for c in children.get(k, ()) if tokens[c].dep in ("nsubj", "nsubjpass")
        ]
        if len(subjects) != 1 or subjects[0].lower != "it":
            continue
        up = t
        for _ in range(3):
            up = tokens[up.head]
            if up.i in roots:
                return k
            if up.head == up.i:
                break
    return None


def _tie_subject(verb: int, tokens, children) -> bool:
    """The clause's subject is "which"/"that" or "whose contacts"."""
    for s in children.get(verb, ()):
        subj = tokens[s]
        if subj.dep not in ("nsubj", "nsubjpass"):
            continue
        if subj.lower in ("which", "that"):
            return True
        whose = any(tokens[x].lower == "whose" for x in children.get(s, ()))
        if whose and subj.lower in _TIE_CONTACT_NOUNS:
            return True
    return False


def _said_of_other_tie(trig_tok: int, rm, relations, tokens) -> bool:
    """ "... has sister city ties with Seattle and Guangzhou, and its longest-standing
    partnership, with Busan, dates back to 1994": another tie's noun stands between the
    relation's own noun and the verb after them (not one coordinated with it: "the
    agreement with X and the partnership with Y were suspended")."""
    if rm.anchor is None or trig_tok <= rm.anchor:
        return False
    return any(
        r.anchor is not None
        and rm.anchor < r.anchor < trig_tok
        and _key(r) != _key(rm)
        and tokens[r.anchor].pos == "NOUN"
        # (a new clause: ", and its longest-standing partnership")
        and any(
            tokens[k].text == "," and tokens[k + 1].lower == "and"
            for k in range(rm.anchor, r.anchor - 1)
        )
        for r in relations
    )


def _set_off_for_another(rm, trig_tok: int, relations, tokens) -> bool:
    """ "partnerships with Lviv, dating back to 1992, and with Ivano-Frankivsk": a
    participle set off after one of several partners of the same noun is that partner's."""
    at = tokens[trig_tok].start
    partners = [
        r.b for r in relations
        if r.anchor == rm.anchor and r.b is not None and r.sentence == rm.sentence
    ]  # fmt: skip
    if len(partners) < 2 or rm.b is None:
        return False
    before = [b for b in partners if b.end <= at]
    if not before:
        return False
    owner = max(before, key=lambda b: b.end)
    return owner.place.key != rm.b.place.key


def _one_establishment(events: list[EventMention], since: list[EventMention]):
    """A tie is established once per sentence. "Florence, twinned with Kyiv since 1967":
    the dated "since" event (or a list line's or bracketed year) is the establishment, and
    the participle beside it says the same without its date. "... concluded in 1986
    between Saarlouis and Eisenhüttenstadt, and Trier and Weimar finally signed their
    agreement in 1987": the pair's own establishment beats a word of its sentence lent to
    it for want of an owner."""
    dated_ids = {id(e) for e in since}
    events = [*events, *since]
    established = [e for e in events if e.type == "established"]
    dated = {
        (e.sentence, _key(e.relation)) for e in established
        if id(e) in dated_ids or e.own_date is not None
    }  # fmt: skip
    # ("Okehampton is twinned with Montmorillon, a relationship dating from 1996": the
    # state verb, kept only if dated, leaves the beginning to the clause that dates it)
    own = {
        (e.sentence, _key(e.relation)) for e in established
        if ".sentence" not in e.rule_id and ".needs_date" not in e.rule_id
    }  # fmt: skip
    # "twinned with Oxford (since 1947) and Tel Aviv (since 1983)": a bracketed "since"
    # already read with its own year and partner is no second beginning
    read = {e.trigger_start for e in established if e.own_date is not None}

    def redundant(e: EventMention) -> bool:
        where = (e.sentence, _key(e.relation))
        undated = id(e) not in dated_ids and e.own_date is None
        if id(e) in dated_ids and e.own_date is None and e.trigger_start in read:
            return True
        return (undated and where in dated) or (".sentence" in e.rule_id and where in own)

    return [e for e in events if not (e.type == "established" and redundant(e))]


# How far back "the twinning" or "the two cities" may reach for the relation they mean.
FOCUS_PARAGRAPHS = 3
_DIRECT = ("establish", "terminate", "suspend", "propose", "block", "retain")
_DEFINITE = frozenset("the this that these those".split())
_BOTH = frozenset("two both".split())
_PAIR_NOUNS = frozenset("cities towns municipalities sides councils".split())
_TWIN_VERBS = frozenset("twin pair".split())


def _two_sides(tok: Token, tokens, children) -> bool:
    """Both sides of a tie: "the two towns", "both cities" (or "The two had been
    partners since 1998")."""
    if tok.lower == "two" and tok.dep in ("nsubj", "nsubjpass"):
        return any(tokens[c].lower == "the" for c in children.get(tok.i, ()))
    return tok.lower in _PAIR_NOUNS and any(
        tokens[c].lower in _BOTH for c in children.get(tok.i, ())
    )


def _between_both(prep: Token, tokens, children) -> bool:
    """ "between the two cities": a preposition naming both sides of the tie in focus."""
    return prep.lower == "between" and any(
        tokens[o].dep == "pobj" and _two_sides(tokens[o], tokens, children)
        for o in children.get(prep.i, ())
    )


def _both_sides(tok: Token, tokens, children) -> bool:
    """A verb's subject that is both sides of a tie."""
    return tok.dep in ("nsubj", "nsubjpass") and _two_sides(tok, tokens, children)


def _plural_focus(tok: Token, tokens, children, parsed, ordered, sent) -> list:
    """ "ended its agreements with Pskov and Vitebsk ... Opposition deputies had first
    called for ending the agreements in 2022": "the agreements" are the ties the sentence
    in focus named together, each of them."""
    if tok.tag not in ("NNS", "NNPS"):
        return []
    kids = [tokens[c] for c in children.get(tok.i, ())]
    if any(k.lower == "both" and k.dep in ("det", "predet", "preconj") for k in kids) or (
        any(k.lower == "two" and k.dep == "nummod" for k in kids)
        and any(k.lower == "the" and k.dep == "det" for k in kids)
    ):
        # "Both relationships have been frozen since March 2022": the last two ties
        # named before, of the same city, wherever they were named
        last: dict = {}
        for r in ordered:
            if r.end <= sent.start and r.b is not None:
                last.pop(_key(r), None)
                last[_key(r)] = r
        two = list(last.values())[-2:]
        if len(two) == 2 and two[0].a.place.key == two[1].a.place.key:
            return two
        return []
    if not any(k.dep == "det" and k.lower == "the" for k in kids):
        return []
    target = _focus(parsed, ordered, sent)
    if target is None:
        return []
    group = {_key(r): r for r in ordered if r.sentence == target.sentence and r.b is not None}
    sides = {r.a.place.key for r in group.values() if r.a is not None}
    if len(group) < 2 or len(sides) != 1:
        return []
    # "... twinned with: Darmstadt (Germany), Esbjerg (Denmark), ... The Nordic twinnings
    # were concluded together in 1946": those of the partners in the countries it names
    named = [demonym_countries().get(norm(k.text)) for k in kids if k.dep in ("amod", "compound")]
    countries = frozenset().union(*(c for c in named if c))
    if countries:
        return [r for r in group.values() if r.b.place.country in countries]
    return list(group.values())


def _nation_modified(tok: Token, tokens, children) -> bool:
    """A plural tie noun named by its partners' nation: "the Nordic twinnings"."""
    return tok.tag in ("NNS", "NNPS") and any(
        tokens[c].dep in ("amod", "compound") and norm(tokens[c].text) in demonym_countries()
        for c in children.get(tok.i, ())
    )


def _refers_back(tok: Token, tokens, children, sent) -> bool:
    """ "the twinning", "this partnership", or a sentence about "the two cities".

    Only a definite singular noun points at one relation; "its 49 sister-city
    relationships" is about many.
    """
    plural = tok.tag in ("NNS", "NNPS") and tok.lower not in ("ties", "relations")
    for c in children.get(tok.i, ()):
        if tokens[c].dep == "det" and tokens[c].lower in _DEFINITE and not plural:
            return True
    return any(_two_sides(t, tokens, children) for t in tokens[sent.tok_start : sent.tok_end])


def _demonstrative_ties(sent, rms, tokens, children, strong_words, used, add) -> None:
    """ "Rēzekne, which had signed with Velikiye Luki in 1996, ended that agreement in
    April, while Ludza ...": in a sentence naming several ties, "that agreement" is the
    one named just before it."""
    for i in range(sent.tok_start, sent.tok_end):
        tok = tokens[i]
        if (
            tok.pos != "NOUN"
            or tok.tag == "NNS"
            or not any(
                tokens[c].dep == "det" and tokens[c].lower in ("that", "this")
                for c in children.get(i, ())
            )
        ):
            continue
        if not _is_relationship_noun(tok, tokens, strong_words, weak_ok=True, shared=False):
            continue
        before = [r for r in rms if r.end <= tok.start]
        if not before:
            continue
        target = max(before, key=lambda r: r.end)
        trig_tok = _governing_trigger(i, tokens)
        if trig_tok is not None and trig_tok not in used and tokens[trig_tok].pos == "VERB":
            add(trig_tok, target, ".sentence")


def _apposed_to_partner(tok: Token, rms) -> RelationMention | None:
    """The one relation whose partner (with its qualifier) the noun is set beside."""
    if tok.dep != "appos":
        return None
    owners = {
        _key(r): r for r in rms if r.b is not None and r.b.tok_start <= tok.head < r.b.span_end_tok
    }
    return next(iter(owners.values())) if len(owners) == 1 else None


def _definite_singular(tok: Token, tokens, children) -> bool:
    if tok.tag in ("NNS", "NNPS"):
        return False
    return any(
        tokens[c].dep == "det" and tokens[c].lower in _DEFINITE for c in children.get(tok.i, ())
    )


_TIE_BODIES = frozenset("association committee society club group trust foundation".split())


def _owned_by_another_place(tok: Token, tokens, children, rm: RelationMention) -> bool:
    """The body the noun names ("Bodmin's twinning association") belongs to a named
    owner that is neither side of the sentence's tie."""
    if tok.dep != "compound" or tokens[tok.head].lemma not in _TIE_BODIES:
        return False
    holders = [tok.i, tok.head]
    sides = {rm.a.text.lower(), rm.a.place.name.lower()}
    if rm.b is not None:
        sides |= {rm.b.text.lower(), rm.b.place.name.lower()}
    for h in holders:
        for c in children.get(h, ()):
            owner = tokens[c]
            if owner.dep == "poss" and owner.pos == "PROPN" and owner.lower not in sides:
                return not any(owner.lower in side.split() for side in sides)
    return False


def _focus(parsed: Parsed, ordered: list[RelationMention], sent) -> RelationMention | None:
    """The relation last named before this sentence, within two paragraphs; or, however
    far back, the last one whose partner the sentence names ("... notify the Jinan
    Municipal People's Government that the agreement is terminated")."""
    before = [r for r in ordered if r.end <= sent.start]
    if not before:
        return None
    text = parsed.text[sent.start : sent.end]
    named = [r for r in before if r.b is not None and _says(text, r.b)]
    if named:
        # (both sides named win: "The sister-city pact was signed in Prague by the Czech
        # capital's mayor and Taipei's representative", after Shanghai cut its Prague tie)
        both = [r for r in named if _says(text, r.a)]
        if (
            not both
            and len({_key(r) for r in named}) > 1
            and _key(ordered[0]) in {_key(r) for r in named}
        ):
            # ("Seattle also happens to be one of Gdynia's sister cities ... Gdynia's
            # city council approved the agreement in April": the tie the story opened on)
            return next(r for r in named if _key(r) == _key(ordered[0]))
        return (both or named)[-1]
    owned = [r for r in before if r.b is not None and _says(text, r.a)]
    if len({_key(r) for r in owned}) == 1:
        # ("In Saarlouis, the 1986 agreement is on display", in a story of many pairs:
        # the one tie of the town the sentence names)
        return owned[-1]
    ps, _ = parsed.paragraphs[sent.paragraph]
    owners = {r.a.place.name for r in before}
    opened = {
        r.b.place.key: r for r in before
        if r.b is not None
        and r.b.place.name not in owners  # ("Athens, Ohio", the namesake of its partner)
        and _says(parsed.text[ps : sent.start], r.b)
    }  # fmt: skip
    if len(opened) == 1:
        # "Magadan was the odd one out. The friendship agreement was signed in 1991":
        # the one partner the paragraph has named so far
        return next(iter(opened.values()))
    if sent.paragraph > 0:
        # "Kawasaki" as a heading over "The relationship, signed in 1988, ...": the
        # partner the paragraph's heading names
        hs, he = parsed.paragraphs[sent.paragraph - 1]
        heading = parsed.text[hs:he].strip()
        headed = [
            r for r in ordered
            if r.b is not None and heading in (r.b.text, r.b.place.name)
        ]  # fmt: skip
        if headed and len(heading.split()) <= 4:
            return headed[-1]
    # Partners listed together without a word of their own ("whose list runs from
    # Kuopio to Eldoret") are no tie a later "the agreement" means, unless named.
    listed = Counter(
        (r.sentence, r.a.place.key) for r in before if r.anchor is None and r.b is not None
    )
    unlisted = [r for r in before if listed[(r.sentence, r.a.place.key)] < 2 or r.anchor]
    if not unlisted:
        return None
    before = unlisted
    last = before[-1]
    para = parsed.sentences[last.sentence].paragraph
    if sent.paragraph - para <= FOCUS_PARAGRAPHS:
        return last
    # A story about one tie so far: "the agreement" is that tie however far down.
    return last if len({_key(r) for r in before}) == 1 else None


_DECIDING = frozenset("vote decide agree resolve".split())


def _dealings_with_partner(tok: Token, tokens, children, parsed: Parsed, ordered, sent):
    """The tie whose partner "cooperation with X" or "contacts with X" names, when X was
    named before as a partner and is no partner in this sentence."""
    if tok.lemma not in DEALINGS:
        return None
    preps = [tokens[c] for c in children.get(tok.i, ()) if tokens[c].lower == "with"]
    objs = [tokens[c] for p in preps for c in children.get(p.i, ()) if tokens[c].dep == "pobj"]
    if not objs or objs[0].pos != "PROPN":
        return None
    obj = objs[0]
    lo = min([obj.i, *(c for c in children.get(obj.i, ()) if tokens[c].dep == "compound")])
    name = parsed.text[tokens[lo].start : obj.end]
    here = [r for r in ordered if sent.start <= r.start < sent.end and r.b is not None]
    if any(name in (r.b.text, r.b.place.name) for r in here):
        return None  # its own relation in this sentence
    known = [
        r for r in ordered
        if r.b is not None and r.end <= sent.start and name in (r.b.text, r.b.place.name)
    ]  # fmt: skip
    return known[-1] if known else None


def _says(text: str, mention: PlaceMention) -> bool:
    """Whether `text` names the place of `mention`, by its gazetteer name or as the
    document spells it ("Arkhangelsk" for the gazetteer's "Arkhangel’sk")."""
    return _names(text, mention.place.name) or _names(text, mention.text)


def _names(text: str, name: str) -> bool:
    """Whether `name` occurs in `text` as whole words."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


# Participles under a relationship noun that say it was formed or ended: "the twinning,
# agreed in 1947", "the link, which dates from 1988", "the agreement signed in 1985".
_BELOW_DEPS = frozenset(("acl", "relcl"))
_PARTICIPLE_ADVERBS = frozenset("first originally initially formally officially".split())


def _triggers_below(anchor: int, tokens, children) -> list[int]:
    out = []
    kids = list(children.get(anchor, ()))
    # "the sister-city agreement between the two cities, which was signed in 2001": a
    # clause the parser hangs on the cities is the agreement's (cities are not signed)
    for c in kids:
        if tokens[c].dep == "prep" and tokens[c].lower == "between":
            for p in children.get(c, ()):
                if tokens[p].dep == "pobj" and tokens[p].lemma in ("city", "town", "side"):
                    kids.extend(
                        r for r in children.get(p, ())
                        if tokens[r].dep == "relcl" and _tie_subject(r, tokens, children)
                    )  # fmt: skip
    # "renewed their friendship agreement, first signed in 1992": a participle set off
    # right after the noun, which the parser hangs on the clause's verb
    k, set_off = anchor + 1, None
    if k < len(tokens) and tokens[k].text == "," and tokens[k].sent == tokens[anchor].sent:
        k += 1
        while k < len(tokens) and tokens[k].lower in _PARTICIPLE_ADVERBS:
            k += 1
        # (or anywhere, as in "The Rostock and Bremen twinning, formed in 1987, was the
        # first ...", "formed" hung on the comma)
        if (
            k < len(tokens)
            and tokens[k].tag == "VBN"
            and (
                (tokens[k].dep == "advcl" and tokens[k].head == tokens[anchor].head)
                or tokens[k].dep == "prep"
            )
            and tokens[anchor].dep in ("dobj", "nsubjpass", "nsubj")
        ):
            set_off = k
    for c in kids + ([set_off] if set_off is not None else []):
        tok = tokens[c]
        if tok.dep not in _BELOW_DEPS and c != set_off:
            continue
        if _trigger_for(tok, tokens, ("establish", "terminate", "suspend"), below=True):
            out.append(c)
        if tok.dep == "relcl" and _tie_subject(c, tokens, children):
            # "the agreement, which was signed in 1997 and had been suspended since March
            # 2022": the second verb of the clause is the tie's too
            out.extend(
                v for v in children.get(c, ())
                if tokens[v].dep == "conj"
                and _trigger_for(tokens[v], tokens, ("terminate", "suspend"), below=True)
            )  # fmt: skip
    return out


def _just_before(i: int, b: int, tokens) -> bool:
    """Nothing but ", with the" from token ``i`` up to a partner at ``b``."""
    return i <= b and all(t.lower in (",", "with", "to", "the") for t in tokens[i:b])


def tie_noun_since(i: int, lo: int, tokens) -> bool:
    """The "since" at `i` follows a tie's own noun phrase: "sister cities since 1985"."""
    return (
        i - 2 >= lo
        and tokens[i - 1].lower in lexicon()["strong_heads"]
        and tokens[i - 2].lower in _SINCE_CONTEXT
    )


def _since_a_state(head: Token, tokens, children) -> bool:
    """A "since" that dates a state of the tie, not its start."""
    kids = [tokens[c] for c in children.get(head.i, ())]
    if head.lemma in ("have", "be") and any(
        c.dep in ("dobj", "attr", "nsubj")
        and any(tokens[g].lower == "no" for g in children.get(c.i, ()))
        for c in kids
    ):
        # "which has had no active committee since 2018", "there has been no activity
        # under it since 2009": an absence
        return True
    if any(_in_progress(c, tokens, children) for c in kids):
        return True  # "negotiations, which had been under way since 2003": not a tie yet
    if any(c.dep == "acomp" and c.lower != "strong" for c in kids):
        # "the relationship had been largely inactive since 2014": a state (but "going
        # strong since 1992" is the tie's whole life)
        return True
    # "which had been on hold since April 2020": a pause, not a start
    return any(
        c.lower == "on" and any(tokens[o].lower in ("hold", "ice") for o in children.get(c.i, ()))
        for c in kids
    )


def _denied_since(head: Token, children, tokens) -> bool:
    """The word a "since" hangs on is denied, itself or as the object of a preposition
    under a denied noun: "there has been no activity under the agreement since 2008"."""
    while head.dep in ("pobj", "prep") and head.head != head.i:
        head = tokens[head.head]
    return _negated(head, children, tokens) or any(
        tokens[c].dep in ("attr", "nsubj", "dobj") and _negated(tokens[c], children, tokens)
        for c in children.get(head.i, ())
    )


# What else may be "sister" to its like: ports, schools, universities
_INSTITUTION_TIES = frozenset(
    "port school university college hospital club church zoo airport orchestra".split()
)


def _since(parsed: Parsed, by_sentence, ordered, children, used) -> list[EventMention]:
    """ "Exeter's twin town since 1965", "twinned since 1962": established then."""
    tokens = parsed.tokens
    out = []
    for s, sent in enumerate(parsed.sentences):
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            # ("From 1997 Lawrence had a friendship city relationship with Hereford")
            opening = tok.lower == "from" and tokens[tok.head].lemma in ("have", "maintain")
            if (tok.lower != "since" and not opening) or tok.dep != "prep":
                continue
            objs = [tokens[c] for c in children.get(i, ()) if tokens[c].dep == "pobj"]
            if not objs or not (objs[0].ent_type == "DATE" or _YEARLIKE(objs[0].text)):
                continue
            head = tokens[tok.head]
            in_place = True
            if head.lower == "place" and tokens[head.head].lower == "in":
                head = tokens[tokens[head.head].head]  # "the twinning, in place since 1989"
            elif head.lower == "in" and any(
                tokens[c].lower == "place" for c in children.get(head.i, ())
            ):
                head = tokens[head.head]  # ... however the parser hangs "since" on "in"
            else:
                # ("put its partnership with Matsue, in place since 1999, on hold": the
                # parser hangs the since on the verb)
                in_place = tokens[i - 1].lower in _IN_FORCE and tokens[i - 2].lower == "in"
            context = [
                t for t in tokens[sent.tok_start : sent.tok_end]
                if t.lower in _SINCE_CONTEXT
                # "which have had a free trade agreement since 2010": not a town's tie
                and not any(
                    tokens[c].lower in _OTHER_DEALS and tokens[c].dep in ("compound", "amod")
                    for c in children.get(t.i, ())
                )
            ]  # fmt: skip
            if not context:
                continue  # "in contact with Kolomyia's mayor since 2022" is no twinning
            # "Daqing and Calgary, sister cities since 1985", however it is attached
            # (to "put on hold" in "put on hold exchanges with Fukuoka, its sister city
            # since 2007": what the verb does says nothing of this "since")
            tie_since = tie_noun_since(i, sent.tok_start, tokens)
            # (or "Friends since 2007." opening the section under a partner's name)
            headed = [r for r in by_sentence.get(s - 1, ()) if r.rule_id == "pair.section_heading"]
            # (", and, since 2015, Kamaishi": right before a partner of the sentence)
            before_partner = any(
                r.b is not None and _just_before(objs[0].i + 1, r.b.tok_start, tokens)
                for r in by_sentence.get(s, ())
            )
            # ("... and with Kempten since 1991": hung on a partner of the sentence)
            on_partner = any(
                r.b is not None and r.b.tok_start <= head.i < r.b.tok_end
                for r in by_sentence.get(s, ())
            )
            # ("twinned with Ayamonte, just across the river in Spain, since 1992": after
            # a description set off behind a partner, however the parser hangs it)
            # (not "in talks on a sister city relationship with Nanning, ..., since 2017")
            described = [
                r for r in by_sentence.get(s, ())
                if _since_after_partner(i, r, tokens)
                and not any(t.lemma in _TALKS for t in tokens[sent.tok_start : i])
            ]  # fmt: skip
            # ("twinned with Lymington (Hampshire, England) since 1966": right after a
            # partner and its bracketed place, however the parser hangs it)
            after_partner = any(
                r.b is not None and i in (r.b.tok_end, r.b.span_end_tok)
                for r in by_sentence.get(s, ())
            )
            if not (
                headed
                or before_partner
                or on_partner
                or after_partner
                or described
                or head.lemma in _SINCE_HEADS
                or head.lower in lexicon()["strong_words"]
                or head.lower in lexicon()["strong_heads"]
                or tie_since
                or _since_after_description(i, sent, tokens)
                or (in_place and _tie_noun_subject(head, tokens, children))
            ):
                continue
            if head.lemma in _INSTITUTION_TIES or any(
                tokens[c].dep == "attr" and tokens[c].lemma in _INSTITUTION_TIES
                for c in children.get(head.i, ())
            ):
                continue  # "have been sister ports since 1986": the ports', not the towns'
            misattached = tie_since and head.lower not in lexicon()["strong_heads"]
            if not misattached and not in_place and _since_a_state(head, tokens, children):
                continue
            if _denied_since(head, children, tokens):
                continue  # "there has been no activity under the agreement since 2008"
            if any(
                tokens[c].lower == "in"
                and any(tokens[g].lemma in _TALKS for g in children.get(c, ()))
                for c in children.get(head.i, ())
            ):
                continue  # "have been in talks with Ayutthaya since late last year": a proposal's
            if head.pos == "VERB" and any(
                t.cls == "propose" for _, t in _triggers().get(head.lemma, ())
            ):
                continue  # "had been negotiating a sister-city agreement with Chengdu since
                # 2019": how long the talks have run
            if any(
                tokens[c].dep == "amod" and tokens[c].lower in _UNFORMED
                for c in children.get(head.i, ())
            ):
                continue  # "talks about a possible partnership since last year": none yet

            each = _respective_since(parsed, ordered, sent, objs[0], children)
            if each:
                for rm, year in each:
                    when = DateValue(year.text, "year", year.start, year.end)
                    out.append(
                        EventMention(
                            rm, "established", i, tok.start, tok.end, s,
                            "trigger.establish.since.respectively",
                            round(0.8 * rm.confidence**0.5, 3), False, when,
                        )
                    )  # fmt: skip
                continue
            rms = [
                r for r in by_sentence.get(s, [])
                if r.anchor is None or not contrast_between(i, r.anchor, tokens)
            ]  # fmt: skip
            if by_sentence.get(s) and not rms:
                continue  # "... partners since 1990, while the relationship with X has ..."
            # "twinned with Aberdeen since 1967 and with Wismar since 1990": a "since"
            # right after a partner is that partner's
            right_after = {
                _key(r): r for r in rms
                if r.b is not None
                and (
                    i in (r.b.tok_end, r.b.span_end_tok)
                    # ("with Tempe in Arizona since 1978, with Odesa in Ukraine since 1990")
                    or _after_where_it_lies(i, r, tokens)
                    # ("Saitama in Japan, with which Hamilton has been linked since 1989")
                    or _in_its_which_clause(i, r, tokens)
                )
            } or {
                # (or right before it: "since 1969 and, since 1980, with Lille")
                _key(r): r for r in rms
                if r.b is not None and _just_before(objs[0].i + 1, r.b.tok_start, tokens)
            }  # fmt: skip
            # ("including Jelgava in Latvia, a partner since 1994, Kristianstad ...": the
            # tie noun in apposition to a partner is that partner's, whatever follows)
            apposed = {
                _key(r): r for r in rms
                if r.b is not None and head.dep == "appos" and i == head.i + 1
                and r.b.tok_start <= head.head < r.b.tok_end
            }  # fmt: skip
            if len(apposed) == 1:
                right_after = apposed
            if len(right_after) != 1 and len({_key(r) for r in described}) == 1:
                right_after = {_key(described[0]): described[0]}
            if len(right_after) != 1 and (tie_since or tokens[i - 1].lower in _SINCE_CONTEXT):
                # "... and San Francisco, a sister city since 2003": the partner the tie
                # noun is set beside
                beside = {
                    _key(r): r for r in rms
                    if r.b is not None
                    and 0 < i - _comma_after_place(r.b, tokens) <= 6
                }  # fmt: skip
                if len(beside) == 1:
                    right_after = beside
            if len(right_after) == 1:
                (target,) = right_after.values()
            elif rms:
                target = min(
                    rms,
                    key=lambda r: min(
                        abs(tokens[r.anchor].i - i) if r.anchor is not None else 99,
                        abs(r.end - tok.start) // 5,
                    ),
                )
            elif headed:
                target = headed[0]  # "Paju" / "Friends since 2007.": the section's partner
            else:
                ties = [
                    t for t in tokens[sent.tok_start : sent.tok_end]
                    if (t.lower in _SINCE_CONTEXT or t.lower in _SINCE_PLURALS)
                    and t.dep not in ("compound", "amod")
                ]  # fmt: skip
                # ("The two cities have been sister cities since 1984": one pair's tie)
                both = any(
                    (t.lower in ("two", "both") and tokens[t.head].lower in _PAIR_HEADS)
                    or _two_sides(t, tokens, children)  # ("The two had been partners since")
                    for t in tokens[sent.tok_start : sent.tok_end]
                )
                if ties and all(t.tag in ("NNS", "NNPS") for t in ties) and not both:
                    continue  # "has had sister-city ties since 1958": its programme, no one tie
                if any(tokens[c].lower == "with" for t in ties for c in children.get(t.i, ())):
                    continue  # "its own cooperation agreement with the Port of Gdynia": not ours
                target = _focus(parsed, ordered, sent)
                if target is None:
                    continue
            year = objs[0]
            own = (
                DateValue(year.text, "year", year.start, year.end)
                if opening and _YEARLIKE(year.text)
                else None
            )  # "From 1997": the dater takes only "since" for a beginning
            # ("twinned with Clermont-Ferrand in France and with Brixen ... since 1969":
            # a partner joined to the dated one with no year of its own shares it)
            shared: list = []
            if len(right_after) == 1:
                chain = [target]
                while chain:
                    nxt = [
                        r for r in rms
                        if r not in shared and _joined_before(r, chain[-1], tokens)
                    ]  # fmt: skip
                    shared.extend(nxt[:1])
                    chain = nxt[:1]
            for each in (target, *shared):
                out.append(
                    EventMention(
                        each, "established", i, tok.start, tok.end, s,
                        "trigger.establish.since", round(0.8 * each.confidence ** 0.5, 3),
                        False, own,
                    )
                )  # fmt: skip
    return out


def _joined_before(rm: RelationMention, target: RelationMention, tokens) -> bool:
    """ "with Clermont-Ferrand in France and with Brixen": `rm`'s partner comes right
    before `target`'s, joined by "and (with)", with only where it lies between."""
    if rm.b is None or target.b is None or rm is target or rm.a.place.key != target.a.place.key:
        return False
    k = max(rm.b.tok_end, rm.b.span_end_tok)
    between = [t.lower for t in tokens[k : target.b.tok_start]]
    # (or a comma: "friendship towns in Gjøvik in Norway, Næstved in Denmark and Rauma
    # in Finland since 1947", each joined to the next)
    sep = "and" if "and" in between else ","
    if sep not in between or len(between) > 6:
        return False
    rest = between[between.index(sep) + 1 :]
    where = between[: between.index(sep)]
    return (
        rest in ([], ["with"])
        and (not where or (where[0] == "in" and all(w == "the" or w.isalpha() for w in where[1:])))
        and not any(w.isdigit() for w in where)
    )


def _tie_noun_subject(verb: Token, tokens, children) -> bool:
    """ "the twinning, in place since 1997, had become untenable": the clause the "in place
    since" hangs on is about a tie."""
    return any(
        tokens[c].dep in ("nsubj", "nsubjpass") and tokens[c].lower in rel_nouns()
        for c in children.get(verb.i, ())
    )


def _comma_after_place(m, tokens) -> int:
    """The comma that sets a description off after a partner, past where it lies
    ("Frankfurt in Germany, a partner since 1960"); -99 when none follows."""
    k = max(m.tok_end, m.span_end_tok)
    if k < len(tokens) and tokens[k].lower == "in":
        k += 1
        while (
            k < len(tokens)
            and k - m.tok_end <= 5
            and (tokens[k].lower == "the" or tokens[k].pos == "PROPN")
        ):
            k += 1
    return k if k < len(tokens) and tokens[k].text == "," else -99


def _respective_since(parsed: Parsed, ordered, sent, first: Token, children):
    """ "Durham and Kristiansand have been partners since 1990 and 2002 respectively",
    both named before as partners: each tie with its own year, in order."""
    tokens = parsed.tokens
    if "respectively" not in {t.lower for t in tokens[sent.tok_start : sent.tok_end]}:
        return []
    years = [first]
    k = first.i
    while True:
        nxt = [c for c in children.get(k, ()) if tokens[c].dep == "conj"]
        if not nxt or not _YEARLIKE(tokens[nxt[0]].text):
            break
        k = nxt[0]
        years.append(tokens[k])
    if len(years) < 2:
        return []
    text = parsed.text[sent.start : first.start]
    found = {}
    for r in ordered:
        if r.end > sent.start or r.b is None:
            continue
        m = re.search(rf"(?<!\w){re.escape(r.b.place.name)}(?!\w)", text)
        if m is not None:
            found[r.b.place.key] = (m.start(), r)  # the last telling of each
    if len(found) != len(years) or len({r.a.place.key for _, r in found.values()}) != 1:
        return []
    named = [r for _, r in sorted(found.values(), key=lambda x: x[0])]
    return list(zip(named, years, strict=True))


_IN_FORCE = frozenset("force place effect".split())


def _after_where_it_lies(i: int, rm: RelationMention, tokens) -> bool:
    """The "since" at `i` follows the partner and where it lies: "Tempe in Arizona since
    1978", "Plzeň in the Czech Republic since 1993", "Brixen (Bressanone) in South
    Tyrol since 1969"."""
    k = max(rm.b.tok_end, rm.b.span_end_tok)
    if k < len(tokens) and tokens[k].text == "(":
        close = next((j for j in range(k, min(k + 6, i)) if tokens[j].text == ")"), None)
        k = close + 1 if close is not None else k
    if not (k < i and tokens[k].lower == "in"):
        return False
    between = tokens[k + 1 : i]
    return 0 < len(between) <= 4 and all(t.lower == "the" or t.text[:1].isupper() for t in between)


def _in_its_which_clause(i: int, rm: RelationMention, tokens) -> bool:
    """The "since" at `i` ends a relative clause set off right after the partner:
    "Saitama in Japan, with which Hamilton has been linked since 1989, ..."."""
    k = max(rm.b.tok_end, rm.b.span_end_tok)
    if not (k + 2 < i and tokens[k].text == ","):
        return False
    j = k + 1
    if tokens[j].lower in ("with", "to"):
        j += 1
    if tokens[j].lower != "which":
        return False
    return not any(t.text in ",;:" for t in tokens[j:i])


def _since_after_partner(i: int, rm: RelationMention, tokens) -> bool:
    """The "since" at `i` closes a short description set off right after the partner:
    "Ayamonte, just across the Guadiana river in Spain, since 1992", "the city of
    Hualien, in force since 2012"."""
    if rm.b is None:
        return False
    k = max(rm.b.tok_end, rm.b.span_end_tok)
    if k >= i or tokens[k].text != ",":
        return False
    end = i
    if tokens[i - 1].text == ",":
        end = i - 1
    elif not (i - 2 > k and tokens[i - 2].lower == "in" and tokens[i - 1].lower in _IN_FORCE):
        return False
    between = tokens[k + 1 : end]
    return len(between) <= 12 and not any(
        t.pos in ("VERB", "AUX", "SCONJ", "CCONJ", "PRON") or t.text in ",;:" for t in between
    )


def _since_after_description(i: int, sent, tokens) -> bool:
    """ "Hikone, our sister city on the shore of Lake Biwa since 1969": "since" after a
    description of where the partner lies belongs to the tie noun before it, however
    the parser hangs it; so does one right after an owned partner noun ("Hameln, a
    market town in Lower Saxony and Torquay's partner since 1973")."""
    if (
        i - 2 >= sent.tok_start
        and tokens[i - 1].lower in ("partner", "twin")
        and tokens[i - 2].lower in ("'s", "’s", "our", "its", "their")
    ):
        return True
    for k in range(i - 1, max(sent.tok_start, i - 9) - 1, -1):
        t = tokens[k]
        if t.lower in lexicon()["strong_heads"]:
            return k > sent.tok_start and tokens[k - 1].lower in _SINCE_CONTEXT
        if t.pos in ("VERB", "AUX", "PUNCT", "CCONJ", "SCONJ", "PRON"):
            return False
    return False


_PAIR_HEADS = frozenset("cities towns municipalities sides provinces places".split())


def _in_progress(tok: Token, tokens, children) -> bool:
    """ "under way", "underway", "ongoing", "in progress" beside a verb."""
    if tok.lower in ("underway", "ongoing"):
        return True
    if tok.dep == "prep" and tok.lower in ("under", "in"):
        objs = [tokens[c].lower for c in children.get(tok.i, ()) if tokens[c].dep == "pobj"]
        return objs in (["way"], ["progress"])
    return False


_RANGE_DASHES = frozenset("- – — to until".split())


_BRACKET_YEAR = re.compile(
    r"[^()\n;]{0,40}?\((?:since |from |in )?(?:1[89]|20)\d\d(?:\s*[-–—]\s*(?:1[89]|20)\d\d)?\)"
)
_APPOSED_YEAR = re.compile(
    r"(?:,?\s+in\s+(?:the\s+)?(?:[a-z]+\s+)?[A-Z][\w-]*(?:\s+(?:of\s+)?[A-Z][\w-]*){0,3}"
    r"|,\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?(?=,)"  # (", New Jersey, which ...")
    # (", a ski village in Japan's Nagano Prefecture, dating to 1993")
    r"|,\s+(?:a|an)\s+[^,;.()\n]{3,60}?(?=,))?,\s+"
    r"(?:(?:(?:first|formally|officially|originally)\s+)?"  # (", first signed in 1964")
    r"(?:established|signed|agreed|concluded|formalised|formalized|forged|twinned|paired|"
    # "Heilongjiang Province, in northeast China, which dates back to 1984"
    r"(?:which\s+)?dat(?:ing|es?|ed)\s+(?:back\s+)?(?:from|to))\s+(?:in\s+)?"
    # "South Australia, with which it established sister-state relations in 1986"
    r"|with\s+(?:which|whom)\s+(?:it|they|the\s+\w+|[A-Z][\w-]+)\s+"
    r"(?:(?:was|were|has\s+been|had\s+been)\s+)?(?:established|signed|"
    r"formed|concluded|forged|sealed|twinned|paired)\b[^.;()]{0,50}?\bin\s+"
    # "Sapporo, Japan, which signed on in 1959"
    r"|which\s+(?:was\s+)?(?:signed|joined|twinned|established|inked|sealed|concluded)"
    r"(?:\s+on)?\s+in\s+"
    # "two sister cities: Eutin, Germany, since 1989, and Hiratsuka, Japan, since 1990"
    r"|since\s+"
    # "Harbin in northeastern China, whose ties with Niigata date back to 1979"
    r"|whose\s+(?:ties|tie|links?|partnership|relationship|twinning|friendship)\s+with\s+"
    r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?\s+(?:dat(?:es?|ed|ing)\s+(?:back\s+)?(?:from|to)"
    r"|(?:go|goes|went)\s+back\s+to|began\s+in|started\s+in)\s+)"
    r"(?:1[89]|20)\d\d\b"
)
_ITEM_YEAR = re.compile(
    # (", in northern Israel, in 1977": a place set off before the year)
    # ("Catanzaro in southern Italy in 2003": a region's point of the compass too)
    r"(?:,\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?"
    r"|\s+in\s+(?:the\s+)?(?:(?:north|south|east|west|central)[a-z]*\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}"
    r"|,\s+in\s+(?:(?:the\s+)?[a-z]+\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2},)?"
    r",?\s+in\s+(?:1[89]|20)\d\d\b(?!\s*(?:,|and)\s*(?:1[89]|20)\d\d)"
    r"(?=\s*(?:[,;.]|and\b|$|[-–—]\s))"
)
_CAME_BEFORE = re.compile(r"\b(?:came|followed by)\s+$")
_ITEM_YEAR_RULES = frozenset(
    {
        "pair.hyphenated_followed_by",
        "pair.chose_then_added",
        "pair.followed_in_year_and",
        "pair.followed_in_year_chain",
        "pair.followed_in_year_chain_first",
        "pair.signed_in_year_and",
        "pair.adding_partners",
        "pair.pairs_were",
        "pair.pairs_followed_by",
        "pair.gapped_twinned_with",
        "pair.gapped_signed_with",
        "pair.followed_and_with",
    }
)


_PARTNERS_FROM_RULES = frozenset(
    {
        "pair.were_partners_from",
        "pair.were_partners_gapped",
        "pair.couples_first",
        "pair.couples_second",
        "pair.followed_colon_couple",
    }
)
_PARTNERS_FROM = re.compile(
    r"[^.;]{0,40}?\b((?:from|since|in)\s+(?:1[89]|20)\d\d(?:\s*(?:to|[-–])\s*(?:1[89]|20)\d\d)?)"
)


# "with Bergen (Norway), Gothenburg (Sweden) and Turku (Finland), all dating from 1946":
# a year the whole list shares
_ALL_DATING = re.compile(
    r",\s+(?:all|each|both)\s+(?:(?:of\s+them|three|four|five)\s+)?(?:dating\s+(?:back\s+)?"
    r"(?:from|to)|(?:signed|established|formed|twinned|concluded)\s+in)\s+(?:1[89]|20)\d\d\b"
)
# a four-digit year standing alone (its digits are group 1)
_A_YEAR = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)(?!\d)")
_YEAR_BEFORE = re.compile(r"\s+(the year before|the previous year|a year earlier)\b")


_LEADING_SINCE = re.compile(r"\bsince\b(?=[^,;]*,\s*$)", re.I)
_YEAR_CELL = re.compile(
    r"(?:since\s+)?(?:1[89]|20)\d\d(?:\s*(?:[-–]|to)\s*(?:(?:1[89]|20)\d\d)?)?"
    r"|(?:1[89]|20)\d\d[./-]\d\d?[./-]\d\d?"  # "1993.05.12" in a table's date column
)


_SINCE_SHORT_YEAR = re.compile(r"\bsince\s+['’]\d\d(?![\w'’])")


def _list_years(parsed: Parsed, relations: list[RelationMention]) -> list[EventMention]:
    """A year on a partner list's line: "Posoltega, Nicaragua (since 1988)" or
    "Turku (Finland, 1989)" is when the twinning began; "Pskov (1996–2022)" also says
    when it ended."""
    text = parsed.text
    out = []
    starts = None
    for rm in relations:
        if rm.b is None:
            continue
        status: list[EventMention] = []
        if rm.rule_id.startswith("pair.list"):
            starts = starts or [t.start for t in parsed.tokens]
            status = _row_status(parsed, rm, round(0.8 * rm.confidence**0.5, 3), starts)
            out.extend(status)
        start, stop = rm.b.end, rm.b.end
        apposed = False
        lead = (
            _LEADING_SINCE.search(text, rm.start, rm.b.start)
            if rm.rule_id == "pair.list_inline"
            else None
        )
        if lead is not None:
            # "...; and, since last year, Musanze": the item's own "since", its date
            # dated like any other
            tok = _token_at(parsed, lead.start())
            out.append(
                EventMention(rm, "established", tok, lead.start(), lead.end(), rm.sentence,
                             "trigger.establish.since", round(0.8 * rm.confidence**0.5, 3),
                             False)
            )  # fmt: skip
            continue
        if rm.rule_id == "pair.answer_names":
            # "A: Two. Burnaby, in British Columbia, since 1965, and Kholmsk, ...": up to
            # the next partner the answer names
            later = [
                r.b.start for r in relations
                if r.b is not None and r.sentence == rm.sentence and r.b.start > rm.b.end
            ]  # fmt: skip
            stop = min([rm.end, *later])
        elif rm.rule_id.startswith("pair.list"):
            stop = rm.end  # the year may sit in the qualifier: "(Finland, 1989)"
            line_end = text.find("\n", rm.b.end)
            line_end = len(text) if line_end < 0 else line_end
            if placescan.table_row(text[rm.b.end : line_end]):
                # a table row: "| Saint-Brieuc | France (Brittany) | 1974 | ... |"
                cells = placescan.cells(text[rm.b.end : line_end])
                year_cell = next(
                    (k for k, c in enumerate(cells) if _YEAR_CELL.fullmatch(c.strip())), None
                )
                if year_cell is not None:
                    stop = max(stop, rm.b.end + sum(len(c) + 1 for c in cells[: year_cell + 1]))
        if rm.rule_id in _PARTNERS_FROM_RULES:
            # "Odesa and Saint Petersburg were partners from 1968 to 2022, and Kharkiv
            # and Belgorod from 1998 to 2022": the span of years after each pair (or the
            # couples' shared year: "Osaka and Shanghai, and Kyoto and Xi'an, signed in 1974")
            m = _PARTNERS_FROM.match(text, rm.b.end)
            if m is not None:
                start, stop = m.start(1), m.end()
        if start >= stop:
            # "twinned with Charleroi in Belgium (1965) and with Curitiba (1984)": a
            # bracketed year right after a coordinated name is that name's; so is the
            # year of a participle set off after it ("with Hokkaido in Japan,
            # established in 1980,") or after the pair's noun ("the Västerås–Jinan
            # agreement, concluded in 1994,").
            m = _BRACKET_YEAR.match(text, rm.b.end)
            if (
                m is None
                and (
                    rm.rule_id in _ITEM_YEAR_RULES
                    # ("... signed in 1994, and Pompei in Italy in 2001": the last item's;
                    # "After Boston came Cologne in 1963": the one that came)
                    or text[max(0, rm.b.start - 5) : rm.b.start] in (", and ", " and ")
                    or _CAME_BEFORE.search(text, max(0, rm.b.start - 14), rm.b.start)
                )
            ):
                # "followed by Florence in 1965, Kyiv in 1971": each item's own year
                m = _ITEM_YEAR.match(text, rm.b.end)
                before = _YEAR_BEFORE.match(text, rm.b.end) if m is None else None
                first = (
                    list(_A_YEAR.finditer(text, rm.start, rm.b.start))
                    if before is not None and rm.rule_id in _ITEM_YEAR_RULES
                    else []
                )
                if first:
                    # "... with Trenčín in 2023, and Irpin with Chełm the year before": the
                    # year before the first pair's
                    year = str(int(first[-1].group()) - 1)
                    out.append(
                        EventMention(rm, "established", _token_at(parsed, before.start(1)),
                                     before.start(1), before.end(1), rm.sentence,
                                     "trigger.establish.list_year",
                                     round(0.8 * rm.confidence**0.5, 3), False,
                                     DateValue(year, "year", before.start(1), before.end(1)))
                    )  # fmt: skip
                    continue
            if m is None:
                # (after the pair's noun, but not past a later partner: "Shijiazhuang in
                # China, Umeå in Sweden and Chernivtsi in Ukraine, which joined in 2006")
                later_partner = any(
                    r.b is not None and r.sentence == rm.sentence and rm.b.end <= r.b.start < rm.end
                    for r in relations
                )
                m = (
                    _ALL_DATING.match(text, rm.end)
                    or _APPOSED_YEAR.match(text, rm.b.end)
                    or (
                        _APPOSED_YEAR.match(text, rm.end)
                        if rm.end > rm.b.end and not later_partner
                        else None
                    )
                )
                apposed = m is not None
            if m is None and (
                _partner_after_with(rm, parsed.tokens) or _second_after_between(rm, parsed.tokens)
            ):
                # "whose twinning with Lorient dates from 1963", the parser reading "Lorient
                # dates" as one noun: a town of this century does not date from it, its
                # tie does
                m = _DATES_FROM.match(text, rm.b.end)
                apposed = m is not None
            if m is None:
                continue
            start, stop = m.start(), m.end()
        conf = round(0.8 * rm.confidence**0.5, 3)
        span = text[start:stop]
        rng = YEAR_RANGE.search(span)
        m = rng or _A_YEAR.search(span)
        if m is None and stop > start:
            # "two sister cities: Eutin, Germany, since 1989, and Hiratsuka, ..."
            after = _APPOSED_YEAR.match(text, stop)
            if after is not None:
                start, stop = after.start(), after.end()
                span = text[start:stop]
                m = _A_YEAR.search(span)
        if m is None:
            short = _SINCE_SHORT_YEAR.search(span)
            if short is not None:
                # "Ikeda since '65": a year of two digits, which only the report's date
                # completes (dated like any other "since")
                s1 = start + short.start()
                out.append(
                    EventMention(rm, "established", _token_at(parsed, s1), s1,
                                 start + short.end(), rm.sentence, "trigger.establish.since",
                                 conf, False)
                )  # fmt: skip
            continue
        s1, e1 = start + m.start(1), start + m.end(1)
        since = text[max(start, s1 - 6) : s1].strip().lower() == "since"
        if any(e.own_date is not None and e.own_date.start == s1 for e in status):
            continue  # "Nakhodka, Russia – suspended 2022": the year of the row's status
        t_start = s1 - 6 if since else s1
        tok = _token_at(parsed, s1)
        began = DateValue(text[s1:e1], "year", s1, e1)
        rule = (
            "trigger.establish.since" if since
            else "trigger.establish.apposed_year" if apposed
            else "trigger.establish.list_year"
        )  # fmt: skip
        out.append(
            EventMention(rm, "established", tok, t_start, e1, rm.sentence, rule, conf, False, began)
        )
        if rng:
            s2, e2 = start + rng.start(2), start + rng.end(2)
            ended = DateValue(text[s2:e2], "year", s2, e2)
            out.append(
                EventMention(rm, "terminated", tok, s2, e2, rm.sentence,
                             "trigger.terminate.list_year", conf, False, ended)
            )  # fmt: skip
    return out


def _year_modifiers(parsed: Parsed, relations: list[RelationMention]) -> list[EventMention]:
    """A year modifying the tie's own noun names its beginning: "a motion to scrap the
    town's 1973 twinning with Kirovsk", "the 1994 agreement between X and Y"."""
    tokens = parsed.tokens
    starts = [t.start for t in tokens]
    out = []
    for rm in relations:
        if rm.b is None:
            continue
        # (from just before the tie's noun: "approved the termination of the 1976
        # agreement with Kursk", where the evidence starts at the noun)
        lo = rm.start
        if rm.anchor is not None and rm.start <= tokens[rm.anchor].start < rm.end:
            lo = min(lo, tokens[max(0, rm.anchor - 3)].start)
        for tok in tokens[bisect.bisect_left(starts, lo) :]:
            if tok.start >= rm.end:
                break
            if not _YEARLIKE(tok.text):
                continue
            # (by the words alone where the parser makes the year the head: "the 1994
            # hermanamiento with Lugo")
            noun = (
                tok.i + 1
                if 0 < tok.i < len(tokens) - 1
                and tokens[tok.i + 1].lower in rel_nouns()
                and tokens[tok.i - 1].tag in ("DT", "PRP$", "POS")
                else tok.head
            )
            if noun == tok.head and tok.dep not in ("nummod", "compound", "amod"):
                continue
            if tokens[noun].lower not in rel_nouns():
                continue
            if rm.anchor is not None and rm.anchor not in (noun, tok.head):
                # only a year on this tie's own noun ("Chester, which ended its 1960 link
                # with Lörrach, turned down a petition to twin with Chernihiv")
                continue
            when = DateValue(tok.text, "year", tok.start, tok.end)
            conf = round(0.8 * rm.confidence**0.5, 3)
            out.append(
                EventMention(rm, "established", tok.i, tok.start, tok.end, rm.sentence,
                             "trigger.establish.year_modifier", conf, False, when)
            )  # fmt: skip
    out.extend(_under_dated_document(parsed, relations))
    return out


def _under_dated_document(parsed: Parsed, relations: list[RelationMention]) -> list[EventMention]:
    """ "Under a 2015 agreement, Tacoma and Fuzhou are friendship cities": the one tie
    of a sentence that stands under a dated document began with it."""
    tokens = parsed.tokens
    by_sentence: dict[int, list[RelationMention]] = defaultdict(list)
    for rm in relations:
        if rm.b is not None:
            by_sentence[rm.sentence].append(rm)
    out = []
    for s, here in by_sentence.items():
        if len({_key(rm) for rm in here}) != 1:
            continue
        sent = parsed.sentences[s]
        for tok in tokens[sent.tok_start : sent.tok_end]:
            doc = tokens[tok.head]
            if not (
                _YEARLIKE(tok.text)
                and tok.dep in ("nummod", "compound", "amod")
                and doc.lower in _DOCUMENTS
                and doc.dep == "pobj"
                and tokens[doc.head].lower == "under"
            ):
                continue
            rm = here[0]
            when = DateValue(tok.text, "year", tok.start, tok.end)
            out.append(
                EventMention(rm, "established", tok.i, tok.start, tok.end, s,
                             "trigger.establish.under_dated_document",
                             round(0.8 * rm.confidence**0.5, 3), False, when)
            )  # fmt: skip
    return out


_STATUS_EVENTS = {"suspend": "suspended", "terminate": "terminated"}
_STATUS_YEAR = re.compile(r"\s*\(?\s*((?:1[89]|20)\d\d)\b")


def _row_status(
    parsed: Parsed, rm: RelationMention, conf: float, starts: list[int]
) -> list[EventMention]:
    """A status cell of a partner table or list line with its year: "Makhachkala |
    Russia | Sister city | 1991 | Suspended (2022)"."""
    out = []
    for tok in parsed.tokens[bisect.bisect_left(starts, rm.b.end) :]:
        if tok.start >= rm.end:
            break
        forms = (tok.lemma, tok.lower, tok.lower[:-1], tok.lower[:-2])
        found = [t for f in forms for _, t in _triggers().get(f, ()) if not t.needs]
        trig = next((t for t in found if t.cls in _STATUS_EVENTS), None)
        m = _STATUS_YEAR.match(parsed.text, tok.end) if trig else None
        if trig is None or m is None or m.end(1) > rm.end:
            continue
        when = DateValue(m.group(1), "year", m.start(1), m.end(1))
        out.append(
            EventMention(rm, _STATUS_EVENTS[trig.cls], tok.i, tok.start, tok.end, rm.sentence,
                         f"{trig.id}.list_status", conf, False, when)
        )  # fmt: skip
    return out


def _token_at(parsed: Parsed, offset: int) -> int:
    tokens = parsed.tokens
    k = bisect.bisect_right([t.start for t in tokens], offset) - 1
    return tokens[k].i if k >= 0 and offset < tokens[k].end else 0


_SINCE_CONTEXT = frozenset(
    "sister twin twins twinned twinning linked paired partnered partner partners partnership "
    "partnerships relationship relationships relations ties tie link links agreement friendship "
    "friends jumelage hermanamiento gemellaggio städtepartnerschaft".split()
)
_SINCE_PLURALS = frozenset("cities towns partnerships agreements twinnings".split())
_OTHER_DEALS = frozenset(
    "trade economic diplomatic investment military security defence defense commercial "
    "academic university research".split()
)
_SINCE_HEADS = frozenset(
    "be have twin pair link partner remain exist relationship partnership twinning tie link "
    "agreement friendship relation maintain go".split()
)


def _YEARLIKE(text: str) -> bool:  # noqa: N802 - reads as a predicate on a token's text
    return len(text) == 4 and text.isdigit() and text[:2] in ("18", "19", "20")


_CLAUSE_HEADS = frozenset("ROOT advcl ccomp relcl parataxis csubj".split())


def _clause_head(i: int, tokens) -> int:
    tok = tokens[i]
    for _ in range(30):
        if tok.dep in _CLAUSE_HEADS or tok.head == tok.i:
            return tok.i
        tok = tokens[tok.head]
    return tok.i


def clause_has_trigger(parsed: Parsed, rm: RelationMention) -> bool:
    """Does the clause stating the relation say that something happened to it?

    "Vilnius ended all of its agreements with Russian cities" does; "Vilnius said it was
    reviewing its agreements with Russian cities" does not.
    """
    tokens = parsed.tokens
    sent = parsed.sentences[rm.sentence]
    i = rm.anchor if rm.anchor is not None else rm.a.tok_start
    head = _clause_head(i, tokens)
    return any(
        _trigger_for(t, tokens, _DIRECT) is not None and _clause_head(t.i, tokens) == head
        for t in tokens[sent.tok_start : sent.tok_end]
    )


def _key(rm: RelationMention):
    b = rm.b.place.key if rm.b is not None else rm.country_b
    return tuple(sorted((rm.a.place.key, str(b))))


_RELATIONSHIP_NOUNS = frozenset(
    "agreement agreements relationship relationships partnership partnerships ties tie "
    "relations twinning link links pact accord arrangement city cities town towns twin tie-up "
    # (a twinning's founding document: "The charter was signed in Pwllheli in 1977")
    "charter".split()
) | frozenset(
    # the twinning in the local language: "The Stadtrat approved the Städtepartnerschaft"
    "jumelage hermanamiento gemellaggio städtepartnerschaft stedenband".split()
)
_LOCAL_TWINNINGS = ("jumelage", "hermanamiento", "gemellaggio", "städtepartnerschaft", "stedenband")
_WEAK_ALONE = frozenset(
    "agreement relationship partnership ties tie relations twinning link pact accord "
    "arrangement twin charter tie-up".split()
)


_OTHER_CHARTERS = frozenset("city home royal town county municipal borough school".split())


def _is_relationship_noun(
    tok: Token, tokens, strong_words, weak_ok: bool = False, shared: bool = False
) -> bool:
    word = tok.lower
    if word == "up" and tok.i >= 2 and tokens[tok.i - 1].text == "-":
        word = tokens[tok.i - 2].lower + "-up"  # "The tie-up was first proposed ..."
    if word not in _RELATIONSHIP_NOUNS:
        return False
    if word in ("twinning", "twin", *_LOCAL_TWINNINGS):
        return True
    if tok.lower == "charter" and (
        tok.dep == "compound" or tokens[max(0, tok.i - 1)].lower in _OTHER_CHARTERS
    ):
        return False  # "a charter flight", "the city charter" (a US city's constitution)
    # The noun phrase must say sister/twin/partner ("a sister-city agreement"), unless a
    # sentence naming no place refers back with a definite "the partnership".
    lo = max(0, tok.i - 4)
    if any(t.lower in strong_words and t.sent == tok.sent for t in tokens[lo : tok.i + 1]):
        return True
    # (`shared`: "their agreements", the ties of several pairs the sentence names)
    return weak_ok and (word in _WEAK_ALONE or shared)


def _bare(noun: Token, tokens) -> bool:
    """No modifier of its own: no "school-to-school", "trade" or "diplomatic" ties."""
    lo = max(0, noun.i - 6)
    return not any(
        t.head == noun.i and t.dep in ("amod", "compound", "nmod") for t in tokens[lo : noun.i]
    )


_DOCUMENTS = frozenset("agreement memorandum protocol accord treaty pact deal letter".split())


def _verb_right_before(anchor: int, tokens, cls) -> int | None:
    """ "calling on the town to end the twinning was rejected": the parser made the noun
    the subject of the verb after it, though the infinitive right before it, left with
    no object, is what it belongs to."""
    tok = tokens[anchor]
    if tok.dep not in ("nsubj", "nsubjpass"):
        return None
    k = anchor - 1
    while k >= 0 and tokens[k].head == anchor and tokens[k].dep in _NP_LEFT:
        k -= 1
    if k < 0 or tokens[k].sent != tok.sent or tokens[k].tag not in ("VB", "VBG"):
        return None
    verb = tokens[k]
    if any(t.head == k and t.dep in ("dobj", "nsubjpass", "attr") for t in tokens[k + 1 : anchor]):
        return None
    return k if _trigger_for(verb, tokens, cls) is not None else None


_NP_LEFT = frozenset("det amod compound poss nummod punct".split())


def _other_object(verb: Token, tokens) -> bool:
    """The verb has a direct object that is neither a tie nor a pronoun ("cancelled the
    trip"; not "ended its partnership", "suspended it", "cut ties")."""
    for t in tokens[verb.i + 1 : verb.i + 8]:
        if t.head == verb.i and t.dep == "dobj":
            return (
                t.pos == "NOUN"
                and t.lemma not in rel_nouns()
                and t.lower not in rel_nouns()
                and t.lemma not in _ANAPHORS
                and t.lemma not in DEALINGS
                and t.lemma not in _DOCUMENTS
                and t.lemma != "effect"  # "the agreement took effect in 2001": an idiom
            )
    return False


def _agreed_to_other(verb: Token, tokens) -> bool:
    """ "The two cities agreed on Saturday to launch a joint program": what was agreed
    is another thing done, not the tie."""
    return any(
        t.head == verb.i and t.dep == "xcomp" and _other_object(t, tokens)
        for t in tokens[verb.i + 1 : verb.i + 10]
    )


# Occasions between partners: what is called off or held with a sister city is no tie
_OCCASIONS = frozenset(
    "ceremony visit trip tour event celebration festival meeting concert conference "
    "exhibition reception banquet forum game match".split()
)


def _occasion_object(verb: Token, tokens) -> bool:
    """The verb's direct object is an occasion ("called off a ceremony")."""
    return any(
        t.head == verb.i and t.dep == "dobj" and t.lemma in _OCCASIONS
        for t in tokens[verb.i + 1 : verb.i + 8]
    )


@lru_cache(maxsize=1)
def _no_event_rules() -> frozenset[str]:
    """Pair rules whose statement is about many partners at once ("events": false)."""
    return frozenset(
        p.id for p in load_patterns("pair_patterns.jsonl") if not p.data.get("events", True)
    )


def _governing_trigger(anchor: int, tokens) -> int | None:
    """The trigger that governs the relationship noun, if any."""
    cls = ("establish", "terminate", "suspend", "propose", "block", "retain")
    tok = tokens[anchor]
    before = _verb_right_before(anchor, tokens, cls)
    if before is not None:
        return before
    steps = 0
    while steps < 5:
        steps += 1
        if tok.head == tok.i:
            return None
        dep = tok.dep
        head = tokens[tok.head]
        if dep == "amod" and tok.i == anchor:
            dep = "compound"  # "a twinning act", the tagger's adjective
        if dep == "advmod" and tok.lower in ("away", "out", "back", "off"):
            dep = "prt"  # "walked away from a proposed twinning": the verb's particle
        if dep == "advmod" and tok.i == anchor and tok.lower in _ORDINAL_HEADS:
            # "Its first, Birmingham in England, was established in 1951": the tagger's
            # adverb is the subject the partner is set beside
            dep = "nsubjpass" if head.tag == "VBN" else "nsubj"
        if dep == "agent" and head.lemma == "follow" and _trigger_for(head, tokens, cls):
            return head.i  # "it was followed in 2005 by a second agreement, with ..."
        if dep not in _UP_FROM_NOUN and dep not in ("prep", "prt"):
            # "the agreement signed in 1985": a trigger below the noun
            return None
        if head.sent != tok.sent:
            return None
        if dep == "conj" and tok.pos in ("VERB", "AUX"):
            return None  # "were concluded in 1946, and the link with X followed": another clause
        if (
            dep == "appos"
            and head.pos == "PROPN"
            and head.dep in ("nsubj", "nsubjpass")
            # (not a misparsed relative clause: "Longyan, whose partnership ... dates")
            and not any(t.head == tok.i and t.lower == "whose" for t in tokens[head.i + 1 : tok.i])
            # (nor "The Bergen–Murmansk twinning was dissolved", no aside but one noun)
            and any(t.text == "," for t in tokens[head.i + 1 : tok.i])
        ):
            # "Qingdao, a sister city of Kiel, has also partnered with Genoa": an aside
            # about a place names no event of the clause around it
            return None
        if (
            dep in ("nsubj", "nsubjpass")
            and head.lemma in ("become", "remain")
            # (but "the twinning remains on hold": a pause told as a state)
            and _trigger_for(head, tokens, ("suspend",)) is None
            and not any(
                t.head == head.i and t.lower in _MADE_REAL
                for t in tokens[head.i + 1 : min(len(tokens), head.i + 4)]
            )
        ):
            return None  # "the relationship had become purely ceremonial": a state
        if _trigger_for(head, tokens, cls) is not None:
            if dep == "nsubj" and (_other_object(head, tokens) or _agreed_to_other(head, tokens)):
                # "Yalta's twin city, Margate, cancelled the trip": the partner as the
                # subject of a verb done to something else
                return None
            if dep == "prep" and tok.lower == "with" and _occasion_object(head, tokens):
                return None  # "called off a ceremony ... with its sister city Qingdao"
            return head.i
        if dep in ("nsubj", "nsubjpass", "dobj") and head.lemma in ("allow", "let", "leave"):
            # "Stevenage's link with Shymkent ... was allowed to lapse in 2015", "let its
            # agreement with Langenhagen, near Hanover, expire in 2019": what the tie was
            # let do
            done = [
                t for t in tokens[head.i + 1 : head.i + 14]
                if t.head == head.i and t.dep in ("xcomp", "ccomp")
                and _trigger_for(t, tokens, ("terminate", "suspend")) is not None
            ]  # fmt: skip
            if done:
                return done[0].i
        if dep == "dobj" and head.lemma in ("have", "get", "see"):
            # "Łuków, which had its French partnership with Cambrai frozen in February":
            # what was done to the tie the subject had or saw
            done = [
                t for t in tokens[tok.i + 1 : tok.i + 14]
                if t.head == head.i and t.dep in ("xcomp", "ccomp", "oprd") and t.tag == "VBN"
                and _trigger_for(t, tokens, ("terminate", "suspend", "retain")) is not None
            ]  # fmt: skip
            if done:
                return done[0].i
        if (
            dep == "pobj"
            and head.lower in ("under", "within", "despite", "beyond")
            and (head.i == 0 or tokens[head.i - 1].sent != head.sent)
        ):
            return None  # "Under the 2005 agreement, pupils planned a camp": its frame
        if dep == "pobj":
            tok = head  # the preposition; its head decides below
            continue
        if dep == "prep":
            if head.pos in ("NOUN", "PROPN", "PRON", "NUM"):
                # "a relationship with its sister city": the noun above is not a trigger
                # ("froze all three of its ties with Russian cities")
                if head.lemma in ("one", "part", "member", "number", "half", "all", "some") or (
                    head.tag == "CD" and tok.lower == "of"
                ):
                    tok = head
                    continue
                if head.lemma in ("decade", "year", "century") and tok.lower == "of":
                    # "to end more than three decades of ties with Kaliningrad"
                    tok = head
                    continue
                if head.lemma == "light" and tok.lower == "to":
                    # "gave the green light to a twinning between X and Y"
                    tok = head
                    continue
                if head.lemma in _DOCUMENTS and tok.lower in ("on", "for", "of"):
                    # "signed an agreement on twin-city relations": what is signed is the tie
                    tok = head
                    continue
                if head.lemma in DEALINGS and tok.lower in ("with", "under"):
                    # "suspending contacts with our partner city in Belarus", "suspend
                    # all contacts under the partnership": what is done to the dealings
                    # with a partner city, or under the tie, is done to the tie.
                    tok = head
                    continue
                if tok.lower == "including" and (
                    head.lemma in DEALINGS or head.lower in ("relations", "ties", "links")
                ):
                    # "suspended relations with Israel, including the city's twinning
                    # with Herzliya": what is done to all dealings is done to each named
                    tok = head
                    continue
                if head.lower in rel_nouns() and tok.lower == "with" and _bare(head, tokens):
                    # "froze ties with its sister city": the ties are the relationship
                    # (not "a school-to-school relationship with its sister city").
                    tok = head
                    continue
                return None
            tok = head
            continue
        if dep in ("conj", "appos", "compound", "npadvmod"):
            if dep == "conj" and head.pos not in ("NOUN", "PROPN"):
                return None  # a noun coordinated with a verb is a misparse, not a governor
            tok = head
            continue
        if head.pos in ("AUX",) or head.lemma == "be":
            return None  # "X is sister cities with Y": a state, no event
        if dep == "dobj" and head.lemma in _REPORTING_VERBS:
            told = _subjectless_passive(tok, head, tokens, cls)
            if told is not None:
                return told
        if dep == "nsubj" and head.pos == "VERB":
            shared = _shared_subject_passive(head, tokens, cls)
            if shared is not None:
                return shared  # "The link survived ... but was mothballed in 2014"
        tok = head
    return None


def _shared_subject_passive(verb: Token, tokens, cls) -> int | None:
    """A passive trigger coordinated with the noun's verb, with no subject of its own:
    the noun is its subject too ("The link survived the dissolution of the Soviet Union
    but was mothballed in 2014")."""
    for t in tokens[verb.i + 1 : min(len(tokens), verb.i + 25)]:
        if t.sent != verb.sent:
            break
        if t.head != verb.i or t.dep != "conj" or t.pos != "VERB":
            continue
        own = [x for x in tokens[verb.i + 1 : t.i + 3] if x.head == t.i]
        if any(x.dep in ("nsubj", "nsubjpass") for x in own):
            continue
        if not any(x.dep == "auxpass" for x in own):
            continue
        if _trigger_for(t, tokens, cls) is not None:
            return t.i
    return None


_MADE_REAL = frozenset("official formal reality permanent".split())  # "became official"
_REPORTING_VERBS = frozenset("say announce confirm report state add note".split())
_TELLING = _REPORTING_VERBS | frozenset("point argue tell remind recall".split())


def _subjectless_passive(noun: Token, verb: Token, tokens, cls) -> int | None:
    """ "Dundee said its twinning with Orenburg, which dates to 1974, had been
    suspended": the parser makes the twinning the object of "said" and leaves the
    passive without a subject; the twinning is what was suspended."""
    for t in tokens[noun.i + 1 : min(len(tokens), noun.i + 40)]:
        if t.sent != noun.sent:
            break
        if t.head != verb.i or t.dep != "ccomp":
            continue
        below = [k for k in tokens[max(0, t.i - 4) : t.i + 4] if k.head == t.i]
        if not any(k.dep == "auxpass" for k in below):
            return None
        if any(k.dep in ("nsubj", "nsubjpass") for k in tokens[noun.i + 1 : t.i] if k.head == t.i):
            return None
        return t.i if _trigger_for(t, tokens, cls) is not None else None
    return None


def _classify(
    trig_tok: int, rm: RelationMention, tokens, children, parsed: Parsed, rule_suffix: str = ""
) -> list[EventMention]:
    tok = tokens[trig_tok]
    trig = _trigger_for(
        tok, tokens, ("establish", "terminate", "suspend", "propose", "block", "retain"),
        below=".below" in rule_suffix,
    )  # fmt: skip
    if trig is None or is_question(parsed, tok.sent):
        return []
    if trig.cls == "propose":
        ending = next(
            (
                c for c in children.get(tok.i, ())
                if tokens[c].dep in ("ccomp", "xcomp") and tokens[c].pos == "VERB"
                and _trigger_for(tokens[c], tokens, ("terminate", "suspend")) is not None
            ),
            None,
        )  # fmt: skip
        if ending is not None:
            # "recommended that two of them be cancelled: a 2001 agreement with Talavera
            # ...": what is proposed is the ending
            return _classify(ending, rm, tokens, children, parsed, rule_suffix)
    head = tokens[tok.head]
    if (
        tok.lemma == "twin"
        and tok.dep == "acl"
        and head.tag == "NNS"
        and head.lower.endswith("s")
        and _ends_a_tie(head.lemma)
    ):
        return []  # "Kosice scraps twinning with Krasnodar": a headline's verb read as a noun
    if _judged(tok, tokens, children) is not None:
        return []  # "it considered the 2016 agreement terminated": a judgment, no proposal
    if tok.tag == "VBG" and tok.dep in ("csubj", "nsubj") and head.tag in ("VBZ", "VBP"):
        return []  # "Ending the Yangling relationship has no cost": an act weighed, not done
    if (
        trig.cls == "establish"
        and tok.lemma == "conclude"
        and _concluded_tie(tok, tokens, children)
    ):
        trig = _CONCLUDE_ENDS
    if trig.cls == "establish" and _restoring_object(tok, tokens, children):
        return []  # "signed a charter restoring the twinning": the signing is its restoration
    mods: list[str] = []
    if (
        _in_quoted_proposal(tok, tokens, parsed)
        or _proposal_before(tok, tokens)
        or _seconded_motion(tok, tokens, parsed)
        or motion_text(parsed, tok.sent)
    ) and not _history_participle(tok, trig, tokens, children):
        mods.append("propose")  # 'the following motion: "this Council ends the twinning"'
    denial = _denial(tok, tokens) if trig.denied else None
    if denial is None and _negated(tok, children, tokens):
        if tok.lemma in _TALK_VERBS:
            return []  # "the other relationships were not discussed": nothing happened
        mods.append("negate")
    if _short_of(tok, tokens):
        mods.append("negate")  # "the resolution stops short of ending the relationship"
    if trig.cls == "establish" and tok.lemma in _BEGIN_VERBS and tok.dep == "relcl":
        subject = next(
            (tokens[c] for c in children.get(tok.i, ()) if tokens[c].dep == "nsubj"), None
        )
        if (
            subject is not None
            and subject.lower in ("that", "which")
            and head.pos == "NOUN"
            and head.lower not in rel_nouns()
            and head.lemma not in _TALKS
        ):
            return []  # "a dispute that began last year over Prague's agreement with Beijing"
    if (
        trig.cls == "establish"
        and tok.lemma in _BEGIN_VERBS
        and any(
            tokens[c].dep in ("nsubj", "nsubjpass", "dobj")
            and (tokens[c].lemma in _TALKS or tokens[c].lemma in _FIRST_STEPS)
            for c in children.get(tok.i, ())
        )
    ):
        # "Binzhou, with which talks began in January", "Ripon began talks with ...",
        # "Seville and Cartagena began work last year on a twinning agreement", "voted to
        # start the procedure for a twinning agreement with Tiraspol": no tie yet
        mods.append("propose")
    if trig.cls == "establish" and any(
        tokens[c].dep == "advmod" and _modality_of(tokens[c]) == "former"
        for c in children.get(tok.i, ())
    ):
        return []  # "formerly twinned with Tver": a past state, not its forming
    if tok.dep == "advcl" and any(
        tokens[c].dep == "mark" and tokens[c].lower == "that" and tokens[c - 1].lower == "so"
        for c in children.get(tok.i, ())
    ):
        mods.append("propose")  # "I move to amend the resolution ... so that we sever it"
    for c in children.get(tok.i, ()):  # "could end", "may suspend"
        ctok = tokens[c]
        if ctok.dep == "aux" and _modality_of(ctok) == "propose":
            if _decided_future(tok, ctok, tokens):
                continue
            mods.append("propose")
            if ctok.lower in _FUTURE:
                rule_suffix += ".future"
    if (
        trig.cls == "establish"
        and any(
            tokens[c].dep == "dobj"
            # (on the noun or on one before it: "a renewed sister city agreement")
            and any(
                t.dep == "amod" and t.lower in _RENEWED and tok.i < t.i < c
                for t in tokens[max(tok.i, c - 4) : c]
            )
            for c in children.get(tok.i, ())
        )
    ):
        return []  # "sign a renewed friendship charter": a renewal is no event
    if trig.cls == "establish" and any(
        tokens[c].dep == "dobj" and _instrument(tokens[c], children, tokens)
        for c in children.get(tok.i, ())
    ):
        mods.append("propose")  # "signed a memorandum of understanding with Orenburg"
    if _text_proposes(tok, tokens, children):
        mods.append("propose")  # "My resolution is very simple. It ends the relationship"
    cur = tok
    subordinate = False
    outcome = None  # the verb that defeated or withdrew a proposal ("was withdrawn")
    steps = 0
    if (
        tok.dep == "acl"
        and tok.tag in ("VBN", "VBD")  # (the tagger's past tense for "Dublin, twinned with")
        and tok.i > 0
        and (
            tokens[tok.i - 1].text == ","
            # ("to end the friendship-city agreement signed with the port city in 2010":
            # a dated participle right on the tie's noun is its history too)
            or (trig.cls == "establish" and _year_below(tok.i, tokens, children) is not None)
        )
        and _modality_of(tokens[tok.head], tokens) is None
        # (a tie in focus only by default: "does not affect the youth partnership
        # between FC Hansa Rostock and Arka Gdynia, signed in 2018" is none of it;
        # "the partnership, signed in 2006, will continue" is the tie in focus)
        and (".focus" not in rule_suffix or _bare_definite(tokens[tok.head], tokens, children))
    ):
        # "The tie with Kashiwazaki, sealed in 1974, was not part of the debate": a
        # participle set off by commas says what happened, whatever the clause around
        steps = 10
    while steps < 10 and cur.head != cur.i:
        steps += 1
        dep = cur.dep
        whether = next(
            (
                c
                for c in children.get(cur.i, ())
                if tokens[c].dep == "mark" and tokens[c].lower == "whether"
            ),
            None,
        )
        if whether is not None:
            if not decided_whether(whether, tokens):
                return []  # "asked whether we will break off the partnership": a question
            mods.append("propose")  # "will vote on whether to end the twinning"
            # the deciding verb: "will decide next week whether to scrap", or past a
            # preposition, "will vote next week on whether to end"
            decider = next(
                (a for a in ancestors(cur.i, tokens, 3) if a.pos in ("VERB", "AUX")), None
            )
            if decider is not None and any(
                tokens[c].dep == "aux" and tokens[c].lower in _FUTURE
                for c in children.get(decider.i, ())
            ):
                rule_suffix += ".future"
            break
        if any(
            tokens[c].dep == "mark" and tokens[c].lower in ("if", "unless")
            for c in children.get(cur.i, ())
        ):
            return []  # "If the agreement is concluded, Turin will become ...": a condition
        if (
            cur.tag in ("VBZ", "VBP")
            and cur.i == tok.i
            and any(
                tokens[c].dep in ("mark", "advmod") and tokens[c].lower in ("when", "once")
                for c in children.get(cur.i, ())
            )
        ):
            return []  # "not to renew the agreement when it expires in June": a time ahead
        # "a proposal, drafted by officers, to form a relationship": the parser calls
        # the infinitive a relative clause; it completes the noun like any other.
        # So is "a proposal tabled in 2019 to establish", hung on the participle.
        # And "called on the city to end its ties", hung on the verb as an adverbial.
        infinitive = dep in ("relcl", "advcl") and any(
            tokens[c].dep == "aux" and tokens[c].lower == "to" for c in children.get(cur.i, ())
        )
        # "a bill ... that would have declared X and Y sister cities": what a proposal
        # would do, like "a bill to declare"
        infinitive = infinitive or (
            dep == "relcl"
            and _modality_of(tokens[cur.head], tokens) == "propose"
            and any(
                tokens[c].dep == "aux" and tokens[c].lower == "would"
                for c in children.get(cur.i, ())
            )
        )
        # "a motion that called on the city to scrap the agreement": the clause says what
        # the proposal asks, like "a motion calling on the city to scrap"
        # (the parser may hang the clause on the verb: "voted down a motion in September
        # that called on ...")
        infinitive = infinitive or (
            dep == "relcl"
            and mods[-1:] == ["propose"]
            and _modality_of(cur, tokens) == "propose"
            and any(t.lemma in _PROPOSALS for t in tokens[max(cur.head, cur.i - 5) : cur.i])
        )
        # "a suggestion from a resident that the city twin with Stanley": a subjunctive
        # the parser hung on the nearest noun says what the suggestion asks
        infinitive = infinitive or (
            dep == "relcl"
            and cur.tag in ("VB", "VBP")
            and any(
                tokens[c].lower == "that" and tokens[c].dep in ("dobj", "mark")
                for c in children.get(cur.i, ())
            )
            and any(
                tokens[c].dep == "nsubj" and tokens[c].tag == "NN" for c in children.get(cur.i, ())
            )
            and any(t.lemma in _SUGGESTIONS for t in tokens[max(0, cur.i - 10) : cur.i])
        )
        # "a motion from a councillor who wanted to sever the relationship": the mover's
        # wish is what the motion asks, like "a motion to sever"
        infinitive = infinitive or (
            dep == "relcl"
            and mods[-1:] == ["propose"]
            and tokens[cur.head].dep == "pobj"
            and tokens[tokens[cur.head].head].lower in ("from", "by")
            and tokens[tokens[tokens[cur.head].head].head].lemma in _PROPOSALS
        )
        if not infinitive and (dep in ("advcl", "relcl", "conj", "parataxis") or dep == "ROOT"):
            if dep == "advcl" and _temporal_mark(cur, children, tokens):
                subordinate = True
            if dep != "conj":
                break
        if dep not in _UP_MODALITY and dep != "conj" and not infinitive:
            break
        head = tokens[cur.head]
        if head.sent != cur.sent:
            break
        if (
            dep == "csubj"
            and head.dep in ("ccomp", "acl")
            and any(
                tokens[c].dep == "aux" and tokens[c].lower in ("would", "could", "might")
                for c in children.get(head.i, ())
            )
        ):
            # "said ending the tie would punish ordinary people", "the case that ending
            # the Arad relationship would be a mistake": an argument
            return []
        lo, hi = sorted((cur.i, head.i))
        if dep in ("ccomp", "conj", "parataxis") and any(
            tokens[k].text == ";" for k in range(lo, hi)
        ):
            break  # "...voted to put it on hold; the review had not been completed": apart
        if relative_clause_above(cur, tokens):
            # "is working on an agreement with a city in Japan, the name of which has not
            # been disclosed": a relative clause the parser made the main verb
            break
        if (
            dep == "nsubj"
            and cur.pos == "VERB"
            and any(tokens[k].text in ("–", "—") for k in range(lo, hi))
        ):
            # "Lüdenscheid twins with Kamianets-Podilskyi – motion to end Taganrog
            # partnership fails": a headline's two parts, misparsed as one
            break
        m = _modality_of(head, tokens) if head.i != denial else None
        if (
            m in ("fail", "block")
            and dep == "ccomp"
            and cur.i < head.i
            and any(tokens[c].dep == "nsubj" for c in children.get(cur.i, ()))
            and any(
                tokens[c].dep in ("nsubj", "nsubjpass") and cur.i < c
                for c in children.get(head.i, ())
            )
        ):
            # "Burgos has ended its twinning with Tula, while in Leon a bid to cut ties
            # with Orel has failed": two clauses with subjects of their own, which the
            # parser hung one on the other; the failure is the second's
            break
        if (
            m is not None
            and dep == "conj"
            and (
                _own_complement(head, cur.i, tokens, children)
                or (m == "propose" and _own_subjects(head, cur.i, children, tokens))
            )
            and not (trig.cls == "retain" and m in ("block", "fail"))
        ):
            # "rejected the amendment and ended the relationship": the first verb has its
            # own object; it says nothing of the second's (but "rejected the motion and
            # kept the tie" turned an ending down)
            m = None
        if (
            m == "fail"
            and head.lower == "against"
            and _one_voter(tokens[head.head], tokens, children)
        ):
            # "Councillor Kereama, who voted against ending the relationship, said ...":
            # one member's vote is no outcome of the motion
            return []
        if m is not None and _judged(head, tokens, children) == tok.i:
            m = None  # (the participle judged is what happened: "considered it terminated")
        if m == "block" and head.lemma == "stall" and cur.lemma in _TALKS and cur.dep == "nsubj":
            # "talks with Yunnan have stalled": negotiations stuck, no proposal blocked
            # (unlike "the plan stalled")
            m = None
        if m is None and head.pos == "NOUN":
            m = _of_modality(head, children, tokens)  # "a letter of intent on establishing"
        # "signed a letter of intent on establishing ...": the verb's object says what
        # was signed.
        if (
            m is None
            and head.pos in ("VERB", "AUX")
            and any(
                tokens[c].dep == "dobj" and c != cur.i and _instrument(tokens[c], children, tokens)
                for c in children.get(head.i, ())
            )
        ):
            m = "propose"
        if (
            m is None
            and head.pos in ("VERB", "AUX")
            and any(
                tokens[c].lower == "in"
                and any(tokens[o].lemma in _TALKS for o in children.get(c, ()))
                for c in children.get(head.i, ())
                if c != cur.i
            )
        ):
            m = "propose"  # "is also in talks with Ulaanbaatar ... on establishing ..."
        if (
            head.lemma in _ENACTING
            and head.pos == "VERB"
            and cur.lemma in _ENACTED
            and cur.i == tok.head
            and mods[-1:] == ["propose"]
        ):
            # "passed a motion to end the relationship", "approved a resolution
            # establishing a sister city relationship": the motion carried is the act
            # (not "passed a resolution urging the state to commence twinning")
            mods = [k for k in mods if k != "propose"]
            m = "realize"
        if m is not None:
            mods.append(m)
            if m in ("block", "fail") and outcome is None and "propose" in mods:
                outcome = head.i
        if (
            (m == "realize" or (m in (None, "propose") and head.pos == "VERB"))
            and "propose" in mods
            and outcome is None
        ):
            # ("A proposal to link Sylhet with Oldham was discussed in 2016, but it
            # stalled the following year")
            later = _but_failed(head, tokens, children)
            if (
                later is not None
                and m != "realize"
                and not any(tokens[k].dep == "nsubj" for k in children.get(later, ()))
            ):
                later = None  # (past a verb of talk, only "but it stalled" tells its fate)
            if later is not None:
                # "a motion to end the relationship was moved in July 2020 but was
                # defeated": the motion's fate, told by its second verb
                mods.append(_modality_of(tokens[later], tokens))
                outcome = later
        if _negated(head, children, tokens):
            if m == "propose" and head.pos == "NOUN":
                return []  # "There are no plans to end the relationship": nothing proposed
            if (head.lemma in _SUPPORTING or lacked_backing(head, tokens)) and "propose" in mods:
                # "Cabinet did not support the proposal to end the link": it failed
                mods.append("fail")
                if outcome is None:
                    outcome = head.i
            else:
                mods.append("negate")
        # ("Some will point out that in 2022 the council paused ...": what a speaker
        # will say happened is no plan)
        told = head.lemma in _TELLING and (
            cur.dep == "ccomp"
            or (
                cur.dep == "conj"  # (the parser's reading of "point out, fairly, that ...")
                and any(
                    tokens[c].dep == "mark" and tokens[c].lower == "that"
                    for c in children.get(cur.i, ())
                )
            )
        )
        for c in children.get(head.i, ()) if not told else ():
            ctok = tokens[c]
            if ctok.dep == "aux" and _modality_of(ctok) == "propose":
                mods.append("propose")
                if ctok.lower in _FUTURE and ".future" not in rule_suffix:
                    rule_suffix += ".future"  # "will travel to Chicago to sign": planned
        cur = head
    if recommended_item(cur, tokens, parsed.text):
        mods.append("propose")  # "It is recommended that the Committee: (ii) approves ..."
    if (
        trig.needs_decision
        and "realize" not in mods
        and (
            _despite_calls(tok, tokens, children)
            # (after turning down a call to end it, not a routine reaffirmation)
            or ("block" in mods and _body_did(tok, tokens, children))
        )
    ):
        mods.append("realize")  # "will keep its ties with Guangzhou despite calls to cut them"
    if not subordinate:
        subordinate = _in_temporal_clause(tok, tokens, children)
    headline_verb = _headline_verb_as_noun(cur, tokens, children, parsed)
    if headline_verb is not None:
        mods.append(headline_verb)
    etype = _decide(trig, mods)
    if etype is None:
        return []
    draft = _draft_word(rm.anchor, tokens)
    if etype == "established" and draft is not None and tokens[draft].lower == "draft":
        # "Deputies approved a draft partnership agreement with Alytus": a draft approved
        # is still to be signed
        etype = "proposed"
        mods.append("propose")
    if etype in ("terminated", "suspended") and draft is not None:
        # "withdrew from the agenda the draft friendship pact": a tie still proposed
        # cannot end; dropping it blocks the proposal.
        etype = "blocked"
        mods.append("propose")
    if (
        trig.cls == "establish"
        and tok.lemma in _STATE_VERBS
        and _present_passive(tok, tokens, children)
    ):
        rule_suffix += ".needs_date"  # "X is twinned with Y" states a fact; "in 1962" dates an act
    start, end = _trigger_span(tok, tokens, trig)
    conf = round((0.9 if not mods else 0.8) * rm.confidence**0.5, 3)
    rule = f"{trig.id}{rule_suffix}" + ("+" + "+".join(dict.fromkeys(mods)) if mods else "")
    out = [
        EventMention(
            rm, etype, tok.i, start, end, tok.sent, rule, conf, subordinate,
            _gapped_date(rm, tok, tokens, children),
        )
    ]  # fmt: skip
    # "defeated a motion to end it", "rejected a proposal to twin": the proposal was made
    # too, and is an event of its own; the outcome is the defeating verb's, with its time
    # ("A proposal tabled in 2019 to establish ... was withdrawn a year later").
    # ("rejected calls from councillors to end its twinning": an ending turned down was
    # put forward, though the parser hangs it away from the calls)
    if (
        "propose" in mods or trig.cls == "propose" or (etype == "retained" and "block" in mods)
    ) and etype in ("retained", "blocked"):
        proposed = "termination_proposed" if etype == "retained" else "proposed"
        if (
            outcome is not None
            and tokens[outcome].sent == tok.sent
            and _has_own_time(outcome, tokens, children)
        ):
            o = tokens[outcome]
            out[0] = EventMention(rm, etype, o.i, o.start, o.end, tok.sent, rule, conf, subordinate)
        out.append(EventMention(rm, proposed, tok.i, start, end, tok.sent, rule, conf, subordinate))
    if etype in ("termination_proposed", "proposed") and {"would", "have"} <= {
        tokens[c].lower for c in children.get(tok.i, ()) if tokens[c].dep == "aux"
    }:
        # "It would also have ended the relationship with Sovetsk": said of a motion that
        # failed; the tie stayed as it was
        kept = "retained" if etype == "termination_proposed" else "blocked"
        out.append(
            EventMention(rm, kept, tok.i, start, end, tok.sent, rule + "+counterfactual",
                         conf, subordinate)
        )  # fmt: skip
    given_up = _given_up(tok, children, tokens) if etype == "proposed" else None
    if given_up is None and etype == "proposed" and rm.b is not None:
        given_up = _stalled_on_partner(rm, tok, children, tokens)
    if given_up is None and etype == "proposed":
        given_up = _talks_halted(tok, tokens)
    if given_up is not None:
        g = tokens[given_up]
        out.append(
            EventMention(rm, "blocked", g.i, g.start, g.end, tok.sent, f"{trig.id}.given_up",
                         conf, subordinate)
        )  # fmt: skip
    return out


def _headline_verb_as_noun(top: Token, tokens, children, parsed: Parsed) -> str | None:
    """ "Town rejects call to end Timbuktu twinning": headline English the tagger reads
    as a noun ("rejects", NNS) subject of "call"; its modality is a verb's."""
    sent = parsed.sentences[top.sent]
    if sent.paragraph != 0:
        return None
    for c in children.get(top.i, ()):
        t = tokens[c]
        if t.dep == "nsubj" and t.tag == "NNS" and t.lower.endswith("s") and c + 1 == top.i:
            for pos, cls in _modality().get(t.lower[:-1], ()):
                if cls in ("block", "fail") and (not pos or "VERB" in pos):
                    return cls
    return None


def _ends_a_tie(lemma: str) -> bool:
    return any(trig.cls == "terminate" for _, trig in _triggers().get(lemma, ()))


def _has_own_time(i: int, tokens, children) -> bool:
    """The verb has a time of its own ("was withdrawn ... a year later", "was defeated on
    Tuesday"), not only one on the proposal it governs."""
    stack = [
        c for c in children.get(i, ())
        if tokens[c].dep in ("npadvmod", "prep", "advmod", "tmod", "advcl")
        and tokens[c].dep not in ("nsubj", "nsubjpass")
    ]  # fmt: skip
    while stack:
        c = stack.pop()
        if tokens[c].ent_type == "DATE" or tokens[c].lower in ("later", "afterwards"):
            return True
        stack.extend(children.get(c, ()))
    return False


_GIVE_UP = frozenset("proceed pursue continue".split())


# Verbs of telling: "declined to name the partner" refuses to say, not to proceed
_DISCLOSING = frozenset(
    "name disclose identify reveal comment say specify elaborate confirm".split()
)


def _given_up(tok: Token, children, tokens) -> int | None:
    """ "considered a sister city relationship with Taizhou, but resolved not to
    proceed": a verb beside the proposal that drops it."""
    for c in children.get(tok.i, ()):
        ctok = tokens[c]
        if ctok.dep != "conj" or ctok.pos != "VERB":
            continue
        kids = [tokens[x].dep for x in children.get(c, ())]
        if any(
            tokens[x].dep == "xcomp" and tokens[x].lemma in _DISCLOSING for x in children.get(c, ())
        ):
            continue  # "..., but declined to name the city": a silence, no refusal
        if _modality_of(ctok, tokens) == "block" and ("nsubj" not in kids or "dobj" in kids):
            # (not "..., but the process stalled": no one blocked it)
            return c
        for v in (ctok, *(tokens[x] for x in children.get(c, ()) if tokens[x].dep == "xcomp")):
            if v.lemma in _GIVE_UP and _negated(v, children, tokens):
                return v.i
    return None


def _gapped_date(rm, verb: Token, tokens, children) -> DateValue | None:
    """ "The Kato relationship was established in 1981 and the Rizhao relationship in
    2002": a tie noun coordinated with the verb, its own year beside it, the verb left
    out."""
    if rm.anchor is None:
        return None
    noun = tokens[rm.anchor]
    if noun.dep != "conj" or noun.head != verb.i:
        return None
    for c in children.get(noun.i, ()):
        if tokens[c].dep == "prep" and tokens[c].lower in ("in", "on"):
            year = _year_below(c, tokens, children)
            if year is not None:
                return year
    return None


def _for_it_to_be(anchor: int, tokens, children) -> int | None:
    """ "a motion calling for the city's twinning with Jönköping to be ended": the
    passive infinitive whose subject the tie is, which the parser hangs beside it."""
    noun = tokens[anchor]
    prep = tokens[noun.head]
    if noun.dep != "pobj" or prep.lower != "for" or prep.head == prep.i:
        return None
    for c in children.get(prep.head, ()):
        verb = tokens[c]
        if verb.i < anchor or verb.dep not in ("advcl", "xcomp", "ccomp"):
            continue
        aux = {tokens[a].lower for a in children.get(c, ()) if tokens[a].dep in ("aux", "auxpass")}
        if {"to", "be"} <= aux:
            return c
    return None


def _talks_halted(tok: Token, tokens) -> int | None:
    """ "had put on hold talks begun last year on a friendship agreement": the verb that
    halts the talks that proposed the tie blocks it."""
    talks = tok if tok.lemma in _TALKS else tokens[tok.head]
    if talks.lemma not in _TALKS or (talks.i != tok.i and tok.dep != "acl"):
        return None
    verb = tokens[talks.head]
    if talks.dep == "pobj" and verb.lower == "on" and verb.head != verb.i:
        verb = tokens[verb.head]  # ("put on hold talks ...", parsed as "on ... talks")
    elif talks.dep not in ("dobj", "nsubjpass") or talks.head == talks.i:
        return None
    if verb.pos != "VERB":
        return None
    if _modality_of(verb, tokens) == "block" or _trigger_for(verb, tokens, ("suspend",)):
        return verb.i
    return None


def _stalled_on_partner(rm, tok: Token, children, tokens) -> int | None:
    """ "An earlier plan to partner with Salvador, the Bahian capital, stalled in 2020":
    the outcome the parser hangs on the partner's name as a participle of its own."""
    b = next((t for t in tokens[rm.b.tok_start : rm.b.tok_end] if t.head == t.i or not (
        rm.b.tok_start <= t.head < rm.b.tok_end)), None)  # fmt: skip
    if b is None or not tok.i < b.i:
        return None
    for c in children.get(b.i, ()):
        v = tokens[c]
        if (
            v.dep == "acl"
            and v.tag in ("VBD", "VBN")
            and tokens[c - 1].text == ","
            and _modality_of(v, tokens) in ("block", "fail")
            and not any(
                tokens[x].dep in ("nsubj", "nsubjpass", "dobj") for x in children.get(c, ())
            )
        ):
            return c
    return None


_STATE_VERBS = frozenset("twin pair link partner".split())
_DRAFT = frozenset("draft proposed planned possible potential prospective".split())


def _draft_word(anchor: int | None, tokens) -> int | None:
    """The word saying the relationship noun is only proposed: "draft" in "the draft
    friendship pact", "possible" in "a possible sister-city relationship"."""
    if anchor is None:
        return None
    head = tokens[anchor]
    while head.dep == "compound" and head.head != head.i:
        head = tokens[head.head]  # "draft friendship pact": the phrase's head is "pact"
    for t in tokens[max(0, head.i - 4) : head.i]:
        up = t
        for _ in range(3):
            if up.i == head.i:
                break
            if up.dep not in ("amod", "compound"):
                break
            up = tokens[up.head]
        if up.i == head.i and t.lower in _DRAFT:
            return t.i
    return None


def _stopping_verb(anchor: int, tokens, children) -> int | None:
    """The verb above a relationship noun that stops it: "shelved the planned
    twinning", "put the brakes on a proposed link"."""
    tok = tokens[anchor]
    for _ in range(4):
        if tok.head == tok.i or tok.dep not in ("dobj", "pobj", "prep", "nsubjpass", "nsubj"):
            return None
        subject = tok.dep == "nsubj"
        tok = tokens[tok.head]
        if tok.pos not in ("VERB", "AUX"):
            continue
        if subject:
            # "the proposed twinning never went ahead", "fell through": it failed
            return tok.i if _modality_of(tok, tokens) == "fail" else None
        brakes = tok.lemma == "put" and any(
            tokens[c].lower == "brakes" for c in children.get(tok.i, ())
        )
        if brakes or _modality_of(tok, tokens) in ("block", "fail"):
            return tok.i
        return None
    return None


_MAYBE = frozenset("would could might may 'd".split())


def _maybe_above(anchor: int, tokens, children) -> bool:
    """A verb above the noun that is only a possibility or denied ("would consider a
    possible twinning", "did not discuss a potential partnership")."""
    tok = tokens[anchor]
    for _ in range(8):
        if tok.head == tok.i or tokens[tok.head].sent != tok.sent:
            return False
        if relative_clause_above(tok, tokens):
            return False  # ", the name of which has not been disclosed": a relative clause
        tok = tokens[tok.head]
        if _modality_of(tok, tokens) == "fail":
            return False  # "never went ahead": no possibility, a failure
        if _negated(tok, children, tokens) or any(
            tokens[c].dep == "aux" and tokens[c].lower in _MAYBE for c in children.get(tok.i, ())
        ):
            return True
    return False


def _present_passive(tok: Token, tokens, children) -> bool:
    aux = [tokens[c] for c in children.get(tok.i, ()) if tokens[c].dep in ("auxpass", "aux")]
    return any(a.lower in ("is", "are", "'s", "’s", "been", "remains", "remain") for a in aux) or (
        not aux and tok.tag == "VBN"
    )


_PROPOSAL_HEADS = frozenset(
    "motion resolution proposal plan bid call push petition move attempt effort bill "
    "initiative campaign request demand threat".split()
)


def _seconded_motion(tok: Token, tokens, parsed: Parsed) -> bool:
    """ "Council Member Okoro moved, seconded by Council Member Brennan, to terminate
    ...": minutes record a motion, which the vote after it carries or defeats; in news,
    "the council moved to sever ties" is the act itself."""
    sent = parsed.sentences[tok.sent]
    words = tokens[sent.tok_start : tok.i]
    # ("Proposed Cllr Fenwick, seconded Cllr Alnwick, that the Council agree to ...")
    return any(
        (t.lemma == "move" and t.pos == "VERB") or t.lower == "proposed" for t in words
    ) and any(t.lower == "seconded" for t in words)


def _proposal_before(tok: Token, tokens) -> bool:
    """ "a resolution on Monday to sever", "a call last month to end": a proposal noun
    shortly before "to <trigger>", however the parser attached the infinitive."""
    i = tok.i - 1
    if i < 0 or tokens[i].lower != "to":
        return False
    # "a proposal from the Sister Cities Association, submitted in May, to add Segovia":
    # a participle phrase set off by commas stands between
    reach = 6
    if i >= 2 and tokens[i - 1].text == ",":
        for k in range(i - 2, max(i - 10, 0), -1):
            if tokens[k].text == "," and tokens[k + 1].tag == "VBN":
                i, reach = k, 10
                break
    for j in range(i - 1, max(i - reach, -1), -1):
        t = tokens[j]
        # "a proposal tabled in 2019 to establish": a participle on the noun is no verb
        participle = t.tag == "VBN" and t.dep == "acl"
        if t.sent != tok.sent or t.text in (",", ";", ":"):
            return False
        if t.pos in ("VERB", "AUX") and not participle:
            return False
        if t.pos == "NOUN" and t.lemma in _PROPOSAL_HEADS:
            return True
    return False


_QUOTES = frozenset("\"“”‘’'")
# (and "THAT clause 3 be amended to read "Discontinues ..."": an amendment's wording)
_PROPOSAL_NOUNS = frozenset("motion proposal resolution amendment petition bill amend".split())


_MOTION_TEXT = re.compile(r"[\"“'‘]?That\s")
_MOTION_SUBJECTS = frozenset("the this a an it council".split())


def _bare_definite(noun: Token, tokens, children) -> bool:
    """ "the partnership", with nothing of its own to say whose: no preposition, no
    modifier but the article."""
    kids = [tokens[c] for c in children.get(noun.i, ())]
    return any(k.dep == "det" and k.lower in ("the", "that", "this") for k in kids) and not any(
        k.dep in ("prep", "compound", "amod", "poss") for k in kids
    )


def _history_participle(tok: Token, trig: Trigger, tokens, children) -> bool:
    """ "That this Council ends the friendship link with Grebenstein, Germany, agreed in
    1992, ...": a dated participle set off in a motion tells the tie's past, not what
    the motion proposes."""
    return (
        trig.cls == "establish"
        and tok.tag in ("VBN", "VBD")
        and tok.i > 0
        and tokens[tok.i - 1].text == ","
        and not any(tokens[c].dep.startswith("nsubj") for c in children.get(tok.i, ()))
        and _year_below(tok.i, tokens, children) is not None
    )


def motion_text(parsed: Parsed, s: int) -> bool:
    """ "That the twinning between Ballina and Tourlaville ... be formally dissolved.":
    the wording of a motion (or resolution) in minutes, proposed rather than done."""
    sent = parsed.sentences[s]
    if _MOTION_TEXT.match(parsed.text, sent.start) is None:
        return False
    tokens = parsed.tokens
    k = sent.tok_start + (1 if tokens[sent.tok_start].text != "That" else 0)
    if k + 1 >= sent.tok_end:
        return False
    # the complementizer, not the demonstrative of "That relationship, signed in 1985, ..."
    nxt = tokens[k + 1]
    return tokens[k].dep == "mark" or nxt.pos == "PROPN" or nxt.lower in _MOTION_SUBJECTS


def _in_quoted_proposal(tok: Token, tokens, parsed: Parsed) -> bool:
    """The trigger is quoted text introduced as a motion or proposal."""
    sent = parsed.sentences[tok.sent]
    opening = None
    for t in tokens[sent.tok_start : tok.i]:
        if t.text in _QUOTES:
            opening = t.i if opening is None else None  # toggles: open, close
    if opening is None:
        return _quoted_motion_paragraph(tok, parsed)
    return any(t.lemma in _PROPOSAL_NOUNS for t in tokens[sent.tok_start : opening])


_MOTION_INTRO = re.compile(r"(?i)\b(?:motion|amendment|resolution|proposal)\b[^\n]*:\s*$")


def _quoted_motion_paragraph(tok: Token, parsed: Parsed) -> bool:
    """ "The following motion ... was moved by Councillor Harvey:" / "\"... Council
    resolves that the Twinning Agreement ... be terminated ...\"": a paragraph in quotes
    under a motion's introduction is the motion's wording."""
    para = parsed.sentences[tok.sent].paragraph
    if para == 0:
        return False
    start, _ = parsed.paragraphs[para]
    text = parsed.text
    if text[start : start + 1] not in _QUOTES or any(
        c in _QUOTES for c in text[start + 1 : tok.start]
    ):
        return False
    lo, hi = parsed.paragraphs[para - 1]
    return _MOTION_INTRO.search(text, lo, hi) is not None


_TALKS = frozenset("talk talks negotiation negotiations discussion discussions".split())


_TALK_VERBS = frozenset(["discuss", "debate", "mention"])


def _decided_future(verb: Token, aux: Token, tokens) -> bool:
    """ "Hakodate announced that it would freeze its sister-city relationships": the
    future of a reported decision is the decision, not a proposal."""
    return (
        aux.lower in ("would", "will", "'ll")
        and verb.dep == "ccomp"
        and _modality_of(tokens[verb.head], tokens) == "realize"
    )


_PRESSURE = frozenset("call pressure demand criticism opposition petition protest push".split())


_DECIDING_BODIES = frozenset("council commission committee board assembly cabinet".split())


def _body_did(tok: Token, tokens, children) -> bool:
    """A governing body did it: "The Council considered that request on Thursday,
    declined it, and reaffirmed our partnerships with Chimbote, ..." is a decision."""
    if tok.tag != "VBD":
        return False
    verb = tok
    for _ in range(3):  # (up the verbs it is coordinated with, however parsed)
        subjects = [tokens[c] for c in children.get(verb.i, ()) if tokens[c].dep == "nsubj"]
        if any(t.lemma.lower() in _DECIDING_BODIES for t in subjects):
            return True
        if verb.dep not in ("conj", "ccomp") or verb.head == verb.i:
            return False
        verb = tokens[verb.head]
    return False


def _despite_calls(tok: Token, tokens, children) -> bool:
    """Keeping a tie in the face of calls to end it is a decision: "Auckland will keep
    its sister city relationship with Guangzhou despite calls to cut ties"."""
    for c in children.get(tok.i, ()):
        if tokens[c].lower not in ("despite", "notwithstanding"):
            continue
        if any(tokens[o].lemma in _PRESSURE for o in children.get(c, ())):
            return True
    return False


def _decide(trig: Trigger, mods: list[str]) -> str | None:
    cls = trig.cls
    if "negate" in mods[:2]:
        # "considered but did not pursue an agreement": a proposal that went nowhere.
        return "blocked" if cls == "propose" else None
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
        if first == "propose" and any(m in ("block", "fail") for m in mods[mods.index(first) :]):
            return "blocked"  # "a proposal to look into a partnership did not get a majority"
        if first == "oppose":
            return None
        return "proposed"
    if cls == "block":
        return "blocked"
    if cls == "retain":
        if first == "propose" and not trig.needs_decision:
            # "a bid to revive the Port Moresby link", "a motion to restore ties": a plan
            # to form the tie again; if it fails, the tie stays unformed.
            later = mods[mods.index("propose") + 1 :]
            return "blocked" if any(m in ("block", "fail") for m in later) else "proposed"
        if trig.needs_decision and "realize" not in mods:
            return None
        return "retained"
    return None


def _temporal_mark(tok: Token, children, tokens) -> bool:
    return any(
        tokens[c].dep == "mark" and tokens[c].lower in _TEMPORAL_MARKS
        for c in children.get(tok.i, ())
    )


_SUGGESTIONS = frozenset("suggestion proposal request demand recommendation motion idea".split())
_MOTION_WORDS = _PROPOSALS | frozenset("resolution bill amendment ordinance draft".split())
_PASSED = frozenset("adopt pass approve carry enact sign".split())


def _text_proposes(tok: Token, tokens, children) -> bool:
    """A proposal's text as the subject of a present-tense trigger: "My resolution ends
    the sister-city relationship" (or "It ends ...", right after the resolution is the
    subject of the sentence before): what it would do, not what happened."""
    if tok.tag != "VBZ":
        return False
    subj = next((tokens[c] for c in children.get(tok.i, ()) if tokens[c].dep == "nsubj"), None)
    if subj is None:
        return False
    if any(t.sent == tok.sent and t.lemma in _PASSED for t in tokens[max(0, tok.i - 20) : tok.i]):
        return False  # "The resolution, adopted with 29 votes, ends it formally"
    if subj.lemma in _MOTION_WORDS:
        return True
    if subj.lower != "it" or tok.sent == 0:
        return False
    prev = [t for t in tokens[max(0, subj.i - 40) : subj.i] if t.sent == tok.sent - 1]
    return any(t.dep == "nsubj" and t.lemma in _MOTION_WORDS for t in prev)


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


def _not_proceeding(parsed: Parsed, events: list[EventMention], children) -> list[EventMention]:
    """ "In 2019 Council considered a proposal ... for a friendship relationship with
    Zahlé. Council resolved not to proceed": the latest proposal, shortly before, is
    blocked."""
    tokens = parsed.tokens
    out: list[EventMention] = []
    proposals = sorted(
        (e for e in events if e.type == "proposed" and e.relation.b is not None),
        key=lambda e: e.trigger_start,
    )
    if not proposals:
        return out
    for i, tok in enumerate(tokens):
        # (or "decided not to go ahead with a proposal ... to twin the city with X")
        ahead = tok.lemma == "go" and any(tokens[c].lower == "ahead" for c in children.get(i, ()))
        if (tok.lemma != "proceed" and not ahead) or tok.pos != "VERB":
            continue
        if not any(tokens[c].dep == "neg" for c in children.get(i, ())):
            continue
        # "decided not to proceed with the visit": something else
        objects = [
            tokens[o]
            for c in children.get(i, ())
            if tokens[c].lower == "with"
            for o in children.get(c, ())
        ]
        if any(o.lemma not in _PROPOSALS and o.lower not in _RELATIONSHIP_NOUNS for o in objects):
            continue
        para = parsed.sentences[tok.sent].paragraph
        earlier = [
            e for e in proposals
            if (e.trigger_start < tok.start or e.sentence == tok.sent)
            and _same_item(parsed, parsed.sentences[e.sentence].paragraph, para)
        ]  # fmt: skip
        if not earlier or any(e.trigger == i for e in events):
            continue
        prev = earlier[-1]
        out.append(
            EventMention(
                prev.relation, "blocked", i, tok.start, tok.end, tok.sent,
                "trigger.block.not_proceed+anaphora",
                round(0.75 * prev.relation.confidence**0.5, 3), False,
            )
        )  # fmt: skip
    return out


_VOTING_BODIES = frozenset(
    "council commission committee board assembly cabinet legislature councillor councilor "
    "member alderman supervisor legislator lawmaker senate parliament they".split()
)


def _against_object(vote: Token, tokens, children) -> Token | None:
    """What a body's vote went against: "The commission voted 4-1 against the proposal"
    -> "proposal" (not one member's vote: "Park, who voted against the freeze"; nor a
    counted few's: "Two councilors voted against the resolution")."""
    subj = next((tokens[c] for c in children.get(vote.i, ()) if tokens[c].dep == "nsubj"), None)
    if subj is None or subj.lemma not in _VOTING_BODIES:
        return None
    if any(tokens[c].dep == "nummod" for c in children.get(subj.i, ())) and not any(
        t.sent == vote.sent and t.lower in ("favor", "favour") for t in tokens[vote.i : vote.i + 12]
    ):
        # "Two councilors voted against the resolution": a counted few dissenting, unless
        # the count is set against the other side's ("nine ... against and six in favor")
        return None
    for c in children.get(vote.i, ()):
        if tokens[c].lower == "against":
            objs = [tokens[o] for o in children.get(c, ()) if tokens[o].dep == "pobj"]
            if objs:
                return objs[0]
    return None


def _anaphoric(parsed: Parsed, events: list[EventMention], children) -> list[EventMention]:
    """ "The decision was later reversed", "the move failed": about the latest event."""
    tokens = parsed.tokens
    out: list[EventMention] = []
    all_events = sorted(events, key=lambda e: e.trigger_start)
    paused_instead = set()  # ties whose motion to end was amended into a pause
    for s, sent in enumerate(parsed.sentences):
        for i in range(sent.tok_start, sent.tok_end):
            tok = tokens[i]
            trig = _trigger_for(tok, tokens, ("reverse", "fail", "block"))
            passive_only = False
            if trig is None and tok.text.isupper() and tok.lower in _LOST:
                trig = _LOST_WORD  # minutes' "The motion was LOST", tagged a name
            if trig is None and tok.lower in _CARRIED and (tok.pos == "VERB" or tok.text.isupper()):
                # "The motion CARRIED, 6-1" (capitals the tagger may read as a name):
                # the proposal is done
                trig = _CARRY_WORD
            elif trig is None and tok.lemma == "vote" and _against_object(tok, tokens, children):
                # "The commission voted 4-1 against the proposal": it failed
                trig = _LOST_WORD
            elif trig is None and tok.pos == "VERB" and _modality_of(tok) == "block":
                # "it was withdrawn the following year", "the plan was shelved": words
                # that block what they govern, said in the passive of a proposal
                trig, passive_only = _BLOCK_WORD, True
            if trig is None:
                continue
            if _unrealised(tok, tokens, children):
                continue  # "I hope councillors vote the motion down when it comes up"
            deps = ("nsubjpass",) if passive_only else ("nsubj", "nsubjpass", "dobj")
            args = [tokens[c] for c in children.get(i, ()) if tokens[c].dep in deps]
            if (
                not args
                and tok.dep == "conj"
                # (a motion "put and CARRIED" in minutes' capitals; not "seconded by Cllr
                # Brosnan and passed without a vote", a motion to explore a tie)
                and (trig.cls in ("fail", "block") or tok.text.isupper())
            ):
                # "The amendment was put and LOST", "A request ... was received in 2005
                # and declined in 2006": the subject of the first verb
                args = [
                    tokens[c] for c in children.get(tok.head, ())
                    if tokens[c].dep in ("nsubjpass", "nsubj")
                ]  # fmt: skip
            if trig is _LOST_WORD and tok.lemma == "vote":
                args = [_against_object(tok, tokens, children)]
            if tok.dep == "acomp" and trig.cls == "fail":
                # "The motion was LOST": the capitals read as a complement of "was"
                args += [
                    t for t in (tokens[c] for c in children.get(tok.head, ())) if t.dep == "nsubj"
                ]
            proposal_object = False
            if passive_only:
                # "she withdrew the request in July", "rejected the demand on Tuesday": a
                # proposal as the object, too
                objects = [
                    tokens[c] for c in children.get(i, ())
                    if tokens[c].dep == "dobj" and tokens[c].lemma in _PROPOSALS
                ]  # fmt: skip
                proposal_object = any(_anaphor(a, tokens, children) for a in objects)
                args += objects
                # "It was mooted in 2019 ..., and two years later the assembly shelved
                # it": a pronoun, when what it points back to is a proposal
                # (or "them" for talks: "Talks ... began in 2017, but the council
                # abandoned them in 2019")
                args += [
                    tokens[c] for c in children.get(i, ())
                    if tokens[c].dep == "dobj" and tokens[c].lower in ("it", "them")
                ]  # fmt: skip
            # "a proposed sister city link with a town in Mexico, which the council voted
            # down": the relative pronoun points back to the proposal of its sentence
            relative = tok.dep == "relcl" and any(
                tokens[c].lower in ("which", "that") and tokens[c].dep in ("dobj", "nsubjpass")
                for c in children.get(i, ())
            )
            # "has lifted the suspension of its twinning with Petrozavodsk": the undoing
            # of the event its own object tells
            undone = next(
                (
                    e for e in events
                    if trig.cls == "reverse" and e.sentence == s
                    and e.type in ("suspended", "terminated")
                    and any(e.trigger == a.i for a in args if a.dep == "dobj")
                ),
                None,
            )  # fmt: skip
            # "A request for a twinning with Changzhou was received in 2005 and declined
            # in 2006", "Talks with Guiyang began in 2017, but the council abandoned them":
            # the proposal blocked is the one its own noun (or "them", for talks) told
            if undone is None and trig.cls in ("block", "fail"):
                # (not "talks with Yunnan have stalled": no one blocked them)
                if trig.cls == "block":
                    args = [a for a in args if a.dep != "nsubj" or a.head != i]
                undone = next(
                    (
                        e for e in events
                        if e.type == "proposed" and e.sentence == s
                        and any(
                            e.trigger == a.i
                            # ("a proposal ... to twin Surat with Ramat Gan")
                            or (a.lemma in _PROPOSALS and tokens[e.trigger].head == a.i)
                            or (a.lower == "them" and tokens[e.trigger].tag == "NNS")
                            for a in args
                        )
                    ),
                    None,
                )  # fmt: skip
            if (
                undone is None
                and not relative
                and not any(_anaphor(a, tokens, children) for a in args)
            ):
                continue
            if any(e.trigger == i for e in events):
                continue
            # Council minutes put the vote a paragraph or two after the motion, or after
            # the debate within the same numbered item.
            para = sent.paragraph
            earlier = sorted(
                (
                    e for e in all_events + out
                    if e.trigger_start < tok.start
                    and _same_item(parsed, parsed.sentences[e.sentence].paragraph, para)
                    and e.type in _REVERSIBLE
                ),
                key=lambda e: e.trigger_start,
            )  # fmt: skip
            if relative:
                earlier = [e for e in earlier if e.sentence == s]
            if undone is not None:
                earlier = [undone]
            numbered = _numbered_label(args, tokens, children, parsed.text)
            read_out: list[EventMention] = []
            if numbered is not None:
                # "Resolution 2024-05 is adopted": the proposal read out under that
                # number, whatever was proposed in the debate since
                # (however far back: the debate on it may run over many paragraphs)
                read_out = [
                    e for e in all_events + out
                    if e.trigger_start < tok.start
                    and e.type in _REVERSIBLE
                    and numbered in parsed.text[
                        parsed.sentences[e.sentence].start : parsed.sentences[e.sentence].end
                    ]
                ]  # fmt: skip
                earlier = read_out or earlier
            if not earlier:
                continue
            prev = earlier[-1]
            if (
                trig is _CARRY_WORD
                and prev.type == "termination_proposed"
                and any(a.lemma == "amendment" for a in args)
                and _amended_to_pause(parsed.text, prev.trigger_end, tok.start)
            ):
                # "... amendment: to delete the words 'be terminated with immediate
                # effect' and insert 'be suspended until further notice'" / "The
                # amendment was put to the vote and CARRIED": the motion now pauses the
                # tie, and its carrying ends nothing (what it resolved says the pause)
                paused_instead.add(_key(prev.relation))
                continue
            if any(a.lemma == "amendment" for a in args) and not any(
                t.lemma == "amend" or t.lemma == "amendment"
                for t in tokens[parsed.sentences[prev.sentence].tok_start : prev.trigger]
            ):
                continue  # an amendment lost leaves the motion's own proposal as it was
            if any(
                tokens[k].lower in _MAIN_MOTION and tokens[k].head == a.i
                for a in args
                for k in range(max(0, a.i - 2), a.i)
            ):
                prev = earlier[0]  # "Main motion carried", after an amendment failed
            if prev.relation.b is None and not (
                # ("a council member proposed adding a sister city in Taiwan. The
                # proposal was voted down": the partial's own proposal)
                prev.type == "proposed" and any(a.lemma in _PROPOSALS for a in args)
            ):
                # "you floated the idea of a sister city in Ukraine" said during the
                # debate on an amendment: "The amendment fails" is about the named tie
                named = [e for e in earlier if e.relation.b is not None]
                prev = named[-1] if named else prev
            if (
                passive_only
                and prev.type != "proposed"
                and not proposal_object
                # ("a resolution to end the relationship ... was withdrawn by its sponsor
                # before the vote": the move to end it failed)
                and not (
                    prev.type == "termination_proposed"
                    and any(a.lemma in _PROPOSALS | _DRAFTS for a in args if a.dep == "nsubjpass")
                )
            ):
                continue
            if proposal_object and prev.type in ("terminated", "suspended"):
                continue  # "shelved the proposal" after a suspension is another story's
            if undone is None and not read_out and _other_call_between(prev, i, parsed):
                # "In 1989 she persuaded the association to seek a second twin town in
                # Bavaria, but the council turned the idea down": the idea is the one
                # told since, which names no tie of ours
                continue
            if trig is _CARRY_WORD and (
                any(tokens[c].lower == "amended" for a in args for c in children.get(a.i, ()))
                or _key(prev.relation) in paused_instead
            ):
                continue  # "The amended resolution was adopted": not what was first put
            if trig is _CARRY_WORD:
                # What the motion proposed now happens: its trigger's own class.
                etype = _CARRIES.get((prev.type, prev.rule_id.split(".")[1]))
                if etype is None:
                    continue
            elif prev.type in ("terminated", "suspended", "termination_proposed"):
                etype = "retained"
            elif prev.type == "proposed":
                etype = "blocked"
            else:
                continue
            out.append(
                EventMention(
                    prev.relation, etype, i, tok.start, tok.end, s,
                    f"{trig.id}+{'object' if undone is not None else 'anaphora'}",
                    round(0.75 * prev.relation.confidence ** 0.5, 3), False,
                )
            )  # fmt: skip
    return out


_PROPOSING_VERBS = frozenset("propose suggest float moot table submit".split())
_CALLS = frozenset("seek call propose suggest request urge petition demand".split())


def _other_call_between(prev: EventMention, i: int, parsed: Parsed) -> bool:
    """A call or search told after the sentence of `prev`, before token i: what an
    anaphor there refers to ("called for the dormant twinning to be dissolved. The
    governorate turned down the request")."""
    tokens = parsed.tokens
    start = parsed.sentences[prev.sentence].tok_end
    return any(t.pos == "VERB" and t.lemma in _CALLS for t in tokens[start:i])


_RESTATED = _ANAPHORS | frozenset("memorandum agreement link partnership twinning".split())


def _proposal_dated_later(parsed: Parsed, events: list[EventMention], children):
    """ "Plans for a formal link between Dumfries and Wenzhou have been halted ... The
    memorandum was first proposed in 2022 by a local business group": a sentence that
    only says when the proposal of the story was made dates it, when its own sentence
    did not."""
    tokens = parsed.tokens
    out = list(events)
    for tok in tokens:
        if tok.lemma not in _PROPOSING_VERBS or tok.pos != "VERB" or tok.tag != "VBN":
            continue
        subj = [tokens[c] for c in children.get(tok.i, ()) if tokens[c].dep == "nsubjpass"]
        if subj and subj[0].lower in ("which", "that") and tok.dep == "relcl":
            subj = [tokens[tok.head]]  # "The agreement, which was first proposed in 2019"
        if not subj or not (
            subj[0].pos == "PRON"
            and subj[0].lower == "it"
            or subj[0].lemma in _RESTATED
            and any(
                tokens[c].dep == "det" and tokens[c].lower in _DEFINITE
                for c in children.get(subj[0].i, ())
            )
        ):
            continue
        if any(e.sentence == tok.sent for e in events):
            continue  # a sentence with ties of its own says what it says of them
        year = _year_below(tok.i, tokens, children)
        if year is None:
            continue
        para = parsed.sentences[tok.sent].paragraph
        # (within two paragraphs: the paragraphs parsed are picked so, see extract.plan)
        earlier = [
            k for k, e in enumerate(out)
            if e.trigger_start < tok.start
            and 0 <= para - parsed.sentences[e.sentence].paragraph <= 2
        ]  # fmt: skip
        if not earlier:
            continue
        # only the latest tie of the story, when it was proposed, and undated
        # (of the latest sentence: "Plans for a link ... have been halted" tells the
        # proposal and its blocking)
        latest = max(out[k].sentence for k in earlier)
        told = [out[k] for k in earlier if out[k].sentence == latest]
        prev = next((e for e in told if e.type == "proposed" and e.own_date is None), None)
        if prev is not None:
            for j, e in enumerate(out):
                if e is prev:
                    out[j] = replace(e, own_date=year, rule_id=e.rule_id + "+dated_later")
            continue
        # "... signed a sister city agreement. The agreement, which was first proposed in
        # 2019 ...": a tie formed was proposed first, then
        formed = next((e for e in told if e.type == "established"), None)
        if formed is None or any(
            e.relation is formed.relation and e.type == "proposed" for e in out
        ):
            continue
        out.append(
            EventMention(
                formed.relation, "proposed", tok.i, tok.start, tok.end, tok.sent,
                "trigger.propose.restated", round(0.7 * formed.relation.confidence**0.5, 3),
                False, year,
            )
        )  # fmt: skip
    return out


# How far after a motion the minutes may record its outcome (see _same_item).
OUTCOME_PARAGRAPHS = 5
_ITEM_HEADING = re.compile(r"\d{1,2}\.?\s+[A-Z][A-Z ,&'’-]{3,}")


_NOT_YET = frozenset("will would could should may might must shall 'll ’ll".split())


def _unrealised(tok: Token, tokens, children) -> bool:
    """A verb in the future, a modal, or under a wish or call has not happened."""
    if any(tokens[c].dep == "aux" and tokens[c].lower in _NOT_YET for c in children.get(tok.i, ())):
        return True
    return tok.dep in ("ccomp", "xcomp") and _modality_of(tokens[tok.head]) == "propose"


def _same_item(parsed: Parsed, first: int, last: int) -> bool:
    """Paragraph `last` follows `first` closely: within two paragraphs, or within five
    when no numbered item heading ("6. ROADS PROGRAMME 2023") starts between them."""
    gap = last - first
    if gap <= 2:
        return gap >= 0
    if gap > OUTCOME_PARAGRAPHS:
        return False
    text = parsed.text
    return not any(
        _ITEM_HEADING.match(text, parsed.paragraphs[k][0]) for k in range(first + 1, last + 1)
    )


_BLOCK_WORD = Trigger("trigger.block.modal_verb", "block", (), False)
_CARRY_WORD = Trigger(
    "trigger.carried.verb", "carry", (), False
)  # the event takes its class from the motion
_CARRIED = frozenset("carried passed adopted".split())
_LOST = frozenset("lost defeated failed rejected fell".split())
_LOST_WORD = Trigger("trigger.fail.verb", "fail", (), False)
_CARRIES = {
    ("proposed", "establish"): "established",
    ("termination_proposed", "terminate"): "terminated",
    ("termination_proposed", "suspend"): "suspended",
}

# What "the decision was reversed" or "the motion failed" can point back to.
_REVERSIBLE = frozenset(("terminated", "suspended", "termination_proposed", "proposed"))


def _amended_to_pause(text: str, start: int, end: int) -> bool:
    """A paragraph between a motion to end a tie and a vote moves an amendment that
    would pause the tie instead (read in the text: the parser may have skipped it)."""
    return _PAUSING_AMENDMENT.search(text, start, end) is not None


_PAUSING_AMENDMENT = re.compile(r"(?i)\bamendment\b[^\n]*\b(?:suspend|freez|froze|paus)")


def _anaphor(tok: Token, tokens, children) -> bool:
    """ "the decision", "this move", "it": pointing back, with no content of its own
    ("a motion to end the partnership with X" says what it is about)."""
    if tok.lemma not in _ANAPHORS or tok.tag in ("WDT", "WP"):
        return False  # (a relative "that" points to its own clause's noun: "any that fail")
    if tok.pos == "PRON":
        return True
    kids = [tokens[c] for c in children.get(tok.i, ())]
    if any(k.dep in ("acl", "relcl", "prep") for k in kids):
        return False
    if any(k.dep == "det" and k.lower in _DEFINITE for k in kids):
        return True
    if (
        tok.lemma in _NUMBERED_PROPOSALS
        and tok.text[:1].isupper()
        and any(k.dep == "nummod" for k in kids)
    ):
        return True  # minutes: "Resolution 2024-05 is adopted", the one read out before
    # minutes: "Main motion carried 5-1", "Amendment failed 2-4"
    lead = tokens[tok.i - 1] if tok.i > 0 and tokens[tok.i - 1].sent == tok.sent else None
    return (
        tok.lemma in ("motion", "amendment")
        and not any(k.dep == "det" for k in kids)
        and (
            (lead is None and tok.text[:1].isupper())
            or (lead is not None and lead.lower in _MAIN_MOTION and lead.head == tok.i)
        )
    )


# What minutes number and read out: "Resolution 2024-05", "Motion 7", "Ordinance 23-14"
_NUMBERED_PROPOSALS = frozenset("motion resolution ordinance bill".split())


def _numbered_label(args, tokens, children, text: str) -> str | None:
    """The text of a numbered proposal among `args` ("Resolution 2024-05")."""
    for a in args:
        nums = [tokens[c] for c in children.get(a.i, ()) if tokens[c].dep == "nummod"]
        if a.lemma in _NUMBERED_PROPOSALS and nums:
            return text[a.start : max(n.end for n in nums)]
    return None


# "Main motion carried": the motion first put, not the amendment debated since
_MAIN_MOTION = frozenset("main original substantive".split())


_FUTURE = frozenset(("will", "shall", "'ll", "’ll"))


_TIE_SUBJECTS = frozenset("relationship partnership twinning link tie friendship".split())


def _said_of_tie(tok, tokens, children, depth: int = 0) -> bool:
    """ "The relationship ... was ended", "The relationship, on the island of Madeira,
    lapsed ... and was formally ended": what the verb tells is of the tie itself."""
    if any(
        tokens[c].dep in ("nsubj", "nsubjpass") and tokens[c].lemma in _TIE_SUBJECTS
        for c in children.get(tok.i, ())
    ):
        return True
    head = tokens[tok.head]
    if tok.dep == "acl" and head.lemma in _TIE_SUBJECTS:
        return True
    return tok.dep == "conj" and depth < 2 and _said_of_tie(head, tokens, children, depth + 1)


def _year_below(i: int, tokens, children) -> DateValue | None:
    """The first year in the clause under token i."""
    todo, seen = [i], []
    while todo:
        k = todo.pop()
        seen.append(k)
        todo.extend(children.get(k, ()))
    for k in sorted(seen):
        if _MODERN_YEAR.fullmatch(tokens[k].text):
            return DateValue(tokens[k].text, "year", tokens[k].start, tokens[k].end)
    return None


_COUNTS = frozenset("two three four five six both".split())


def _all_of_them(tok, tokens, children) -> bool:
    """ "all three", "both", "all of them", "the three", "all four ties"."""
    if tok.lower in ("both", "them"):
        return True
    kids = [tokens[c] for c in children.get(tok.i, ())]
    if tok.lower in _COUNTS and any(k.lower in ("all", "the") for k in kids):
        return True
    return tok.lower == "all" and any(
        k.lower == "of" and any(tokens[g].lower == "them" for g in children.get(k.i, ()))
        for k in kids
    )


# a tie's modifiers that say it does not exist yet
_UNFORMED = frozenset("possible potential proposed prospective future planned".split())
_TALK_NOUNS = frozenset(
    ("talk", "negotiation", "discussion", "proposal", "initiative", "idea", "suggestion")
)
_RAISED_NOUNS = frozenset(("proposal", "initiative", "idea", "suggestion"))
_BEGIN_VERBS = frozenset(("begin", "start", "open", "initiate", "launch"))
_FIRST_STEPS = frozenset(("work", "process", "procedure", "proceeding", "proceedings"))
_TABLING_VERBS = frozenset(
    "table submit file introduce present raise lodge moot float broach".split()
)


def _begun(verb: Token, tokens, children) -> bool:
    """A verb of beginning talks or a proposal ("talks began", "the initiative was drawn
    up"), not "talks drew to a close"."""
    return verb.lemma in _BEGIN_VERBS or (
        verb.lemma == "draw"
        and any(
            tokens[c].lower == "up" and tokens[c].dep == "prt" for c in children.get(verb.i, ())
        )
    )


def _dedupe(events: list[EventMention]) -> list[EventMention]:
    seen = set()
    out = []
    # "The council approved the agreement ... It will be signed by the two mayors at a
    # date to be confirmed": a future signing of a tie already formed is a formality.
    formed = {_key(e.relation) for e in events if e.type == "established"}
    for e in events:
        if e.type == "proposed" and ".future" in e.rule_id and _key(e.relation) in formed:
            continue
        key = (e.trigger, e.type, _key(e.relation))
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out
