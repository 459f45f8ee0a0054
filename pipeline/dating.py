"""When each event happened, and which words of the text say so.

In order of preference:
1. an explicit or relative date in the trigger's own clause ("In 2020, X severed ...",
   "This week, Kiel stalled ...") -- relative ones resolve against the publication date;
2. a dated citation in parentheses after the sentence, within its paragraph
   ("(RFA, July 23, 2021)"); year-less ones ("(Global News, January 12)") resolve
   against the publication date;
3. the date that frames the previous sentence of the same paragraph ("In 2019, tension
   emerged ... The PRC did not comply, prompting officials to terminate the agreement"),
   unless that sentence reports its own event or this one moves the story on
   ("subsequently", "later").
An event inside an "after ..." clause happened before the sentence's date: it gets
only a date of its own clause, else none.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from pipeline.dates import (
    COUNT,
    IN_SEASON,
    MONTHS,
    NAMED_PERIOD,
    SEASONS,
    SHORT_YEAR,
    SINCE_SEASON,
    YEAR_RANGE,
    YEAR_RE,
    Citation,
    count,
    find_citations,
    find_date_expressions,
    parse_expression,
    timeline_year,
)
from pipeline.events import EventMention, motion_text, noun_with_object, tie_noun_since
from pipeline.models import DateValue, Parsed
from pipeline.pairs import ancestors
from pipeline.patterns import rel_nouns

_OTHER_TIME = frozenset("after before following prior".split())
_SOON = frozenset("shortly soon immediately days weeks just".split())
_MONTH_ONLY = re.compile(
    r"\b(?:in|In|since|by|until|during|early|late|mid)[ -]"
    r"(January|February|March|April|June|July|August|September|October|November|December)\b"
    r"(?!\s+\d)"
)
_OPENING_PREPOSITION = re.compile(r"(?:(?:In|On|Back in|Early in|Late in|By)\s+)?")
_SENT = frozenset("send submit table file lodge make raise put forward present".split())
_IMPOSED = frozenset("impose introduce order declare announce decide".split())
_OCCASIONS = frozenset(
    "meeting vote session debate hearing decision ballot referendum summit conference "
    "congress forum convention ceremony".split()
)
_TIME_WORDS = frozenset("night morning afternoon evening day week weekend".split())
_NOUN_MODIFIER = frozenset("amod compound nummod poss nmod".split())
# A participle clause on a noun ("its agreement with Jinan, signed in 1994") has its own
# time, like a relative clause.
_CLAUSE_DEPS = frozenset("ROOT advcl ccomp relcl parataxis csubj acl".split())
# The opening of a story (its first characters after the headline, byline and date
# lines) carries its news. Measured in characters of the whole text, not in parsed
# sentences, so that parsing fewer paragraphs dates nothing differently.
_LEDE_CHARS = 1000
_PROSE = re.compile(r"\w[^\n]{40,}[.!?][\"'”’)]?\s*$")
_PROPOSAL_NOUNS = frozenset(
    "proposal plan bid motion initiative request petition measure resolution bill "
    # ("a 2015 letter of intent with Xuzhou")
    "application letter".split()
)
# documents that propose what their verb says ("A review, tabled on Tuesday, recommended")
_PROPOSERS = _PROPOSAL_NOUNS | frozenset("review report petition recommendation letter".split())
# (a signed document that made a tie: "An agreement signed in 1988 made X and Y sister
# cities")
_MAKERS = frozenset("agreement accord treaty pact charter memorandum protocol deal".split())
_TO_TENSE = frozenset("xcomp dobj".split())
_VAGUELY_BACK = frozenset("ago decade decades".split())
_DECADE = re.compile(r"(?:1[89]|20)\d0s|['’]?[1-9]0s")  # "in the 1990s": a decade, no year
# minutes: a motion's wording ("THAT ...", "AND THAT ...") and its outcome line
_MOTION_LINE = re.compile(r"(?:AND\s+)?THAT\s")
_CARRIED = re.compile(r"(?m)^\s*CARRIED\b")
# "marking 50 years since the two cities became sister cities" (the verb close after)
_YEARS_SINCE = re.compile(rf"(?i)\b(?P<n>{COUNT}|\d{{1,3}})\s+years\s+since\s+")
_SINCE_REACH = 40
_COUNTED_FROM_OTHER = re.compile(
    r"(?i)\b(?:(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+)?"
    r"(?:years|months|decades)\s+(?:after|later|before|earlier|afterwards)\b"
)
# "One made Ahmedabad and Guangzhou sister cities. Another set up ...": items of a count
_ENUMERATED_ITEM = re.compile(r"\s*(?:One|Another|The\s+(?:first|second|third|other))\s+(?!of\b)")
# "The measure, first filed in September last year by ...": a proposal's filing told
_FILED_OPENING = re.compile(
    r"\s*(?:The|This|That)\s+(?:measure|proposal|resolution|motion|bill|ordinance|plan)\s*,\s+"
    r"(?:which\s+was\s+)?(?:first\s+|originally\s+)?"
    r"(?:filed|submitted|tabled|introduced|proposed|raised|put\s+forward)\s+"
)
# A past reporting or mandative verb over a present clause ("said they plan to", "suggested
# that the council explore") reports news of the day.
# verbs whose "that" clause takes the bare subjunctive of what is proposed
_PROPOSING = frozenset("propose suggest recommend move urge ask request demand".split())
_REQUEST_VERBS = frozenset("ask request invite apply approach".split())
_REPORTING = frozenset("say tell announce confirm suggest propose urge recommend ask".split())
_LOOKS_BACK = frozenset("since years ever already recent recently past decade decades".split())
# "A year later", "two decades afterwards", "the following year": counted from the date
# before (the "years earlier/ago" of pipeline.dates count back from the publication).
_LATER = re.compile(
    rf"(?i)\b(?:(?P<n>{COUNT})\s+"
    r"(?P<unit>years?|decades?)\s+(?:later|afterwards?)|the\s+(?:following|next)\s+year|"
    # ("asked in 1988 ..., but the ministry turned the proposal down the following
    # spring": the season after a year told without its month)
    r"the\s+(?:following|next)\s+(?P<season>spring|summer|autumn|fall|winter)|"
    # "filed a resolution in January 1980 ... It failed the following month"
    rf"(?P<months>the\s+(?:following|next)\s+month|(?P<mn>{COUNT})\s+months?\s+"
    r"(?:later|afterwards?)|(?P<msame>later\s+that\s+month|(?:in\s+)?(?:that(?:\s+same)?|the\s+same)\s+month))|"
    r"(?P<same>(?:in\s+)?the\s+same\s+year|later\s+that\s+year|(?:in\s+)?that\s+(?:same\s+)?year"
    # ("voted down in April 2022 ... That same spring, Tromsø's council rejected calls")
    r"|(?:in\s+)?(?:that|the)\s+same\s+(?:spring|summer|autumn|fall|winter))|"
    # "In 1990 Augsburg's council voted to twin ... and the mayor signed the charter that
    # November": a month of the year just told
    r"(?:later\s+)?that\s+(?P<mname>January|February|March|April|May|June|July|August|"
    r"September|October|November|December)|"
    # ("rejected the proposal in November of that year")
    r"(?P<mof>January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+of\s+(?:that|the\s+same)\s+year|"
    # "... in 2021, or Prince George, which put its friendship with Jilin on hold the
    # year before": counted back
    rf"(?P<back>(?P<bn>{COUNT})\s+years?\s+earlier|the\s+(?:year\s+before|previous\s+year)"
    r"(?=\s*[,.;)]|\s+(?:and|but|when)\b)))\b"
)
# "At the same meeting": dated where the text named that meeting before
_SAME_OCCASION = re.compile(
    r"(?i)\b(?:at|during|in)\s+the\s+same\s+"
    r"(meeting|session|sitting|hearing|ceremony|forum|summit|conference)\b"
    # "... when Modi visited China. ... were declared sister cities during that trip"
    r"|\b(?:during|on)\s+(?:that|the\s+same)\s+(trip|visit|tour)\b"
)
_TRAVEL = r"trip|visit\w*|tour"  # ("during that trip" after "when Modi visited China")
# (the planner keeps the paragraph before one that opens so: its year is needed there)
DATED_BEFORE = _LATER
_PROGRESSION = frozenset(
    "subsequently later then afterwards afterward eventually thereafter next soon since now "
    "meanwhile recently today currently".split()
)
_RELATIVE_WORDS = ("week", "month", "year", "day", "yesterday", "today", "monday", "tuesday",
                   "wednesday", "thursday", "friday", "saturday", "sunday")  # fmt: skip


_YEARS_AGO_HEADING = re.compile(rf"(?i)\W*(?:from\s+the\s+archives\W*)?({COUNT}\s+years?\s+ago)\W*")
_AGO = re.compile(rf"(?i)\b{COUNT}\s+years?\s+ago\b")
_ITEM_MARK = re.compile(r"\s*\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[).]\s")
_RESOLVED = re.compile(r"\s*(?:(?:it\s+was\s+)?RESOLVED|Resolved)\b")
_MOTIONS = frozenset(
    "motion proposal bid plan request petition amendment resolution call demand".split()
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
# Between a partner's name and its own date: "with Wismar in 1990", "Aberdeen since 1967"
_PRESENT_WORDS = frozenset("today now currently nowadays presently".split())
# (or past a description set off: "of Xi'an, the former Chinese capital, in 1994")
_RIGHT_AFTER = re.compile(
    r"(?:,\s+(?:a|an|the)\s+[^,;.()]{1,60},)?,?\s*(?:in|since)\s+", re.IGNORECASE
)
_IN_YEAR = re.compile(r"\s+in\s+((?:1[89]|20)\d\d)(?=[,;.)]|\s+and\b)")
# "twinned with Dortmund in 1969, and in 1980 with Lille": the next partner's date first
_RIGHT_BEFORE = re.compile(r",?\s*(?:with|to)\s+(?:the\s+)?", re.IGNORECASE)


# Present-tense headline verbs the tagger often reads as nouns
_HEADLINE_SIGNING = frozenset("sign signs ink inks seal seals".split())
_HEADLINE_VERBS = frozenset("votes moves plans seeks agrees decides wants aims bids".split())
_BARE_YEAR = re.compile(r"(?<![\d$£€.,-])(?:1[89]|20)\d\d(?![\d-])")


@dataclass(frozen=True, slots=True)
class EventDate:
    value: DateValue
    source: str  # explicit | citation | relative | publication


@dataclass(frozen=True, slots=True)
class _SentDate:
    value: DateValue
    tok: int  # head token of the date expression
    relative: bool
    since: bool  # "since 1995": when the relationship began, not when the event happened


_DATES_TO = re.compile(r"\b(?:dat(?:es|ed|ing)|goes|went|going)(?:\s+back)?\s+to\s*$")
_DATE_LIST_GAP = re.compile(r"\s*(?:,|;|,?\s*and|&)\s*(?:in\s+)?")
_RESPECTIVELY = re.compile(r"\brespectively\b|\bin (?:that|the same) order\b")
_INSTRUMENTS = frozenset("ordinance decree law bylaw by-law".split())
_LIFTED = frozenset("lift end scrap reverse remove rescind".split())
_THE_SEASON = re.compile(
    r"(?i)(?:(?:in|during|over)\s+)?the\s+(?:spring|summer|autumn|fall|winter)"
)
_LOOKING_AHEAD = frozenset(
    "will would shall 'll ’ll expected scheduled due set plans intends aims hopes wants".split()
)
_ACT_ADVERBS = frozenset("officially formally finally today yesterday ceremonially".split())


class Dater:
    """Dates events of one document; caches per-sentence and per-paragraph work."""

    def __init__(
        self,
        parsed: Parsed,
        published: DateValue | None,
        base: date | None,
        is_place=None,
        claimed: frozenset[tuple[int, int]] = frozenset(),
    ):
        self.parsed = parsed
        self.claimed = claimed  # spans of dates that are an event's own (a list line's)
        self.is_place = is_place
        self.published = published
        self.base = base
        self.tokens = parsed.tokens
        self._citations: dict[int, list[Citation]] = {}
        self._sent_dates: dict[int, list[_SentDate]] = {}
        self._sections: dict[int, DateValue | None] = {}
        self.children: dict[int, list[int]] = defaultdict(list)
        for t in self.tokens:
            if t.head != t.i:
                self.children[t.head].append(t.i)
        self._starts = [t.start for t in self.tokens]
        # Where the story opens: the first prose paragraph, after the headline, date
        # and byline lines (found on the whole text, parsed or not).
        self._story_start = next(
            (ps for ps, pe in parsed.paragraphs if _PROSE.search(parsed.text[ps:pe])), 0
        )

    def citations(self, paragraph: int) -> list[Citation]:
        if paragraph not in self._citations:
            s, e = self.parsed.paragraphs[paragraph]
            self._citations[paragraph] = find_citations(
                self.parsed.text, s, e, self.base, self.is_place
            )
        return self._citations[paragraph]

    def sentence_dates(self, s: int) -> list[_SentDate]:
        if s in self._sent_dates:
            return self._sent_dates[s]
        sent = self.parsed.sentences[s]
        text = self.parsed.text
        cits = [(c.start, c.end) for c in self.citations(sent.paragraph)]
        spans: dict[tuple[int, int], None] = {}
        for ent in self.parsed.entities:
            # ("Wednesday night" is a TIME to the tagger, but its day is a date)
            dated = ent.label == "DATE" or (ent.label == "TIME" and _WEEKDAY.search(ent.text))
            if dated and sent.start <= ent.start and ent.end <= sent.end:
                spans[(ent.start, ent.end)] = None
        for span in find_date_expressions(text, sent.start, sent.end):
            spans[span] = None
        for m in _LATER.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "A year later": counted from the date before it
        for m in _SAME_OCCASION.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "At the same meeting": the meeting's date
        for m in _MONTH_ONLY.finditer(text, sent.start, sent.end):
            spans[m.span(1)] = None  # "in April": the month of the publication year
        for m in NAMED_PERIOD.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "last autumn", which the tagger may not call a date
        for m in SINCE_SEASON.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "since the spring": the latest spring
        for m in IN_SEASON.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "in the autumn", told in the past: the latest autumn
        for m in _AGO.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "two years ago", inside the tagger's "Béthune two years ago"
        for m in SHORT_YEAR.finditer(text, sent.start, sent.end):
            spans[m.span()] = None  # "signed in '98"
        for m in YEAR_RE.finditer(text, sent.start, sent.end):
            # Also inside a longer span: when that does not parse ("the spring of
            # 1987"), its year still dates the sentence; when it does, it is taken first.
            spans[m.span()] = None
        out: list[_SentDate] = []
        taken: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda se: (se[0], -(se[1] - se[0]))):
            if any(cs <= start < ce for cs, ce in cits):
                continue  # a citation dates the report, handled separately
            if any(ts <= start < te for ts, te in taken):
                continue
            # "Two years earlier, Vernon had ended ...": counted back from the story's
            # last date when it has one, else from the report's
            value = None
            counted_back = _LATER.match(text, start)
            if counted_back is not None and (
                counted_back.group("bn") or counted_back.group("mname")
            ):
                # ("announced in spring 2019, was shelved that August": the month of the
                # year just told, which the date parser would put before the report)
                value = self._later(s, start, end, out)
            if value is None:
                value = self._same_occasion(s, start, end)
            if value is None:
                value = parse_expression(text[start:end], self.base, start, end)
            if value is None:
                value = self._later(s, start, end, out)
            if value is None:
                continue
            value = _trim(value, text)
            tok = self._head_token(value.start, value.end)
            if tok is not None and tok > 0 and self.tokens[tok].dep in _NOUN_MODIFIER:
                prev = self.tokens[tok - 1]
                if prev.lower in ("in", "since") and prev.dep == "prep" and prev.end <= value.start:
                    tok = prev.i  # "In 2016 Council considered": misparsed as "2016 Council"
            # "Tuesday night": the day modifies a time word that attaches to the verb; so
            # does "last Tuesday's meeting": the meeting is when it happened.
            while (
                tok is not None
                and self.tokens[tok].dep in _NOUN_MODIFIER
                # ("in spring 2022": the season's year dates the verb)
                and self.tokens[self.tokens[tok].head].lemma
                in _TIME_WORDS | _OCCASIONS | SEASONS.keys()
            ):
                tok = self.tokens[tok].head
            opening = self._head_token(value.start, value.start + 1)
            if (
                tok is not None
                and opening
                and self.tokens[tok].dep == "poss"
                and tok + 2 < len(self.tokens)
                and self.tokens[tok + 2].lower in _OCCASIONS | {"agm", "egm"}
                and self.tokens[opening - 1].lower in ("at", "on", "during")
            ):
                # "At last November's AGM members voted": the meeting's date, whatever the
                # parser hangs the possessive on
                tok = opening - 1
            if tok is None or self._in_other_time(tok):
                continue
            if (
                self.tokens[tok].dep in _NOUN_MODIFIER
                and self._attributive(tok) is None
                and not self._during(tok)
            ):
                continue  # "the 2019 federal elections" dates the elections, not the event
            taken.append((start, end))
            relative = not YEAR_RE.search(text[start:end])
            # After trimming: spaCy's DATE entity may hold the "since" itself.
            head = text[max(sent.start, value.start - 6) : value.start]
            since = head.strip().lower().endswith("since")
            out.append(_SentDate(value, tok, relative, since))
        self._sent_dates[s] = out
        return out

    def _same_occasion(self, s: int, start: int, end: int) -> DateValue | None:
        """ "At the same meeting, a notice of motion ... was lost": the date the sentences
        before give the meeting ("the council's last meeting of the year, on December
        17"), the one nearest to where they name it."""
        m = _SAME_OCCASION.match(self.parsed.text, start)
        if m is None or m.end() != end:
            return None
        noun = re.compile(rf"(?i)\b(?:{m.group(1) or _TRAVEL})\b")
        text = self.parsed.text
        for k in range(s - 1, max(-1, s - 6), -1):
            sent = self.parsed.sentences[k]
            named = [w.start() for w in noun.finditer(text, sent.start, sent.end)]
            dates = [d for d in self.sentence_dates(k) if d.value.start is not None]
            if named and dates:
                near = min(dates, key=lambda d: min(abs(d.value.start - w) for w in named))
                return DateValue(near.value.value, near.value.precision, start, end)
        return None

    def _later(self, s: int, start: int, end: int, earlier: list[_SentDate]) -> DateValue | None:
        """ "Its partnership with Paris, signed in 1958, came first. A year later, Kyoto
        concluded ...": the year of the nearest date before it in the paragraph (`earlier`:
        those of its own sentence) plus the years counted."""
        # (not fullmatch: "the year before" looks past its end for the comma)
        m = _LATER.match(self.parsed.text, start)
        if m is None or m.end() != end:
            return None
        if m.group("months") or m.group("mname") or m.group("mof"):
            return self._months_later(m, s, start, end, earlier)
        n = 0 if m.group("same") else count(m.group("n") or "a")
        if (m.group("unit") or "year").lower().startswith("decade"):
            n *= 10
        if m.group("back"):
            n = -count(m.group("bn") or "a")
        paragraph = self.parsed.sentences[s].paragraph
        found = [d for d in earlier if d.value.end is not None and d.value.end <= start]
        if m.group("same"):
            # "Negotiations ..., under way since 2003, were broken off in the same year":
            # the year in focus, not the start of a span
            found = [d for d in found if not d.since]
        if not found:
            # "the new council's 2012 review ... and the relationship was ended that
            # year": a year its sentence names as a modifier, no date of its own
            text = self.parsed.text
            bare = [
                y for y in _BARE_YEAR.finditer(text, self.parsed.sentences[s].start, start)
                # (not the start of a span: "under way since 2003, were broken off in the
                # same year")
                if not text[max(0, y.start() - 6) : y.start()].lower().endswith("since ")
            ]  # fmt: skip
            if bare:
                if not n and not m.group("same"):
                    return None
                year = int(bare[-1].group()) + n
                return DateValue(f"{year:04d}", "year", start, end)
        found = found or self._dates_before(s, paragraph)
        if not found or (not n and not m.group("same")):
            return None
        year = int(found[-1].value.value[:4]) + n
        last = found[-1].value
        if m.group("season") and last.precision != "year":
            return None  # ("in March 1988 ... the following autumn": maybe the same year)
        if m.group("same") and last.start is not None:
            # ("severed its sister relationship with Shimane (1989-2005) ... on hold the
            # same year": the year a span ends in, the one just told)
            rng = YEAR_RANGE.search(self.parsed.text, last.start, last.end + 6)
            if rng is not None:
                year = int(rng.group(2))
        return DateValue(f"{year:04d}", "year", start, end)

    def _opens_next_clause(self, tok: int, trigger: int) -> bool:
        """The date at tok opens a clause after ", and" with a subject of its own ("...,
        and in February this year councillors voted"), whatever the parser hung it on."""
        tokens = self.tokens
        prep = tokens[tok].head
        if tokens[prep].lower not in ("in", "on", "by") or prep < 2 or prep <= trigger:
            return False
        if not (tokens[prep - 1].lower == "and" and tokens[prep - 2].text == ","):
            return False
        sent_end = self.parsed.sentences[tokens[tok].sent].tok_end
        return any(
            t.dep == "nsubj" and t.head != trigger and tokens[t.head].pos == "VERB"
            for t in tokens[tok + 1 : min(tok + 6, sent_end)]
        )

    def _dates_before(self, s: int, paragraph: int) -> list[_SentDate]:
        """The dates of the nearest sentence before s that has any, in its paragraph or,
        for a paragraph's opening sentence, the one before ("... in June 1989." / "Three
        years later, council lifted the suspension")."""
        sentences = self.parsed.sentences
        opening = s > 0 and sentences[s - 1].paragraph != paragraph
        for prev in range(s - 1, max(-1, s - 6), -1):
            if sentences[prev].paragraph != paragraph and not (
                opening and sentences[prev].paragraph >= paragraph - 2
            ):
                break
            found = self.sentence_dates(prev)
            if found:
                return found
        return []

    def _months_later(
        self, m: re.Match, s: int, start: int, end: int, earlier: list[_SentDate]
    ) -> DateValue | None:
        """ "the following month", "three months later": counted from the nearest month
        before it in its sentence or the one before; a year alone says the year."""
        named_month = m.group("mname") or m.group("mof")
        found = [d for d in earlier if d.value.end is not None and d.value.end <= start]
        if not found and named_month:
            # ("a plan ..., announced in spring 2019, was shelved that August": the year
            # its sentence names, whatever clause the parser hangs it in)
            bare = list(
                _BARE_YEAR.finditer(self.parsed.text, self.parsed.sentences[s].start, start)
            )
            if bare:
                month = MONTHS[named_month.lower()]
                return DateValue(f"{bare[-1].group()}-{month:02d}", "month", start, end)
        found = found or self._dates_before(s, self.parsed.sentences[s].paragraph)
        found = [d for d in found if not d.since]
        # (a date with its year written: "In March 2005, after an ordinance declaring
        # Feb. 22 "Takeshima Day" ... The motion was voted down the following month")
        found = [d for d in found if not d.relative] or found
        if not found:
            return None
        prev = found[-1].value
        year = int(prev.value[:4])
        if named_month:
            month = MONTHS[named_month.lower()]
            return DateValue(f"{year:04d}-{month:02d}", "month", start, end)
        n = 0 if m.group("msame") else count(m.group("mn") or "a")
        if prev.precision == "year":
            return DateValue(f"{year:04d}", "year", start, end) if n == 0 else None
        month = int(prev.value[5:7]) + n
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return DateValue(f"{year:04d}-{month:02d}", "month", start, end)

    def _shortly_after(self, d_clause: int, trig_clause: int, soon: bool = True) -> bool:
        """The date's clause hangs on the event's as "shortly / soon / days after ..."
        (`soon`=False: as any "after ...")."""
        clause = self.tokens[d_clause]
        if clause.dep != "advcl" or clause.head != trig_clause:
            return False
        marks = [
            self.tokens[c] for c in self.children.get(d_clause, ())
            if self.tokens[c].lower in ("after", "following")
        ]  # fmt: skip
        if not soon:
            return bool(marks)
        return any(
            self.tokens[k].lower in _SOON
            for m in marks
            for k in range(max(0, m.i - 2), m.i)
            if self.tokens[k].sent == m.sent
        )

    def _when_clause(self, d_clause: int, trig_clause: int) -> bool:
        """ "The twinning ended when the German town withdrew in 2019": a "when" clause
        on the event's own verb happened at the same time."""
        clause = self.tokens[d_clause]
        return (
            clause.dep == "advcl"
            and clause.head == trig_clause
            and any(self.tokens[c].lower == "when" for c in self.children.get(d_clause, ()))
        )

    def _in_other_time(self, i: int) -> bool:
        """ "eight years after the annexation of Crimea in 2014": a date inside an
        "after/before ..." phrase is the time of that other thing."""
        tok = self.tokens[i]
        for _ in range(8):
            if tok.head == tok.i or tok.dep in _CLAUSE_DEPS:
                return False
            head = self.tokens[tok.head]
            if (
                head.lower in _OTHER_TIME
                and head.dep == "prep"
                and any(self.tokens[c].dep == "npadvmod" for c in self.children.get(head.i, ()))
            ):
                return True  # "eight years after ...", not "after a debate at the meeting"
            tok = head
        return False

    def _head_token(self, start: int, end: int) -> int | None:
        lo = bisect.bisect_right(self._starts, start) - 1
        idx = []
        for i in range(max(lo, 0), len(self.tokens)):
            t = self.tokens[i]
            if t.start >= end:
                break
            if t.end > start:
                idx.append(i)
        if not idx:
            return None
        inside = set(idx)
        for i in idx:
            if self.tokens[i].head not in inside or self.tokens[i].head == i:
                return i
        return idx[0]

    def _on_subject(self, i: int, trigger: int) -> bool:
        """The date hangs on the trigger's subject, set off by a comma."""
        return any(
            self.tokens[c].dep in ("nsubj", "nsubjpass")
            and self._under(i, c)
            and any(t.text == "," for t in self.tokens[c:i])
            for c in self.children.get(trigger, ())
        )

    def _under(self, i: int, head: int) -> bool:
        tok = self.tokens[i]
        for _ in range(12):
            if tok.i == head:
                return True
            if tok.head == tok.i or tok.dep == "conj":
                return False
            tok = self.tokens[tok.head]
        return False

    def _followed_by_date(self, b, s: int):
        """ "signed with Xi'an in 1985, followed by Kyoto in 1994": the partner that
        followed has the date right after it."""
        if b is None or b.tok_start < 0 or self.tokens[b.tok_start].sent != s:
            return None
        by = self.tokens[self.tokens[b.tok_end - 1].head]
        if by.lower != "by" or self.tokens[by.head].lemma != "follow":
            return None
        b_end = self.tokens[max(b.tok_end, b.span_end_tok) - 1].end
        for sd in self.sentence_dates(s):
            if sd.value.start is not None and _RIGHT_AFTER.fullmatch(
                self.parsed.text[b_end : sd.value.start]
            ):
                return sd
        return None

    def _year_right_after(self, b, s: int):
        """A year right after the partner ("with Tokyo in 1964,")."""
        if b is None or b.tok_start < 0 or self.tokens[b.tok_start].sent != s:
            return None
        m = _IN_YEAR.match(self.parsed.text, self.tokens[max(b.tok_end, b.span_end_tok) - 1].end)
        if m is None:
            return None
        # (read here, not from the sentence's dates: "after Jakarta's first such tie,
        # with Tokyo in 1964" lies in a clause of another time, yet dates this tie)
        tok = self._head_token(m.start(1), m.end(1))
        if tok is None:
            return None
        return _SentDate(DateValue(m.group(1), "year", m.start(1), m.end(1)), tok, False, False)

    def _governs(self, verb: int, i: int) -> bool:
        """Token i hangs on `verb` with no other verb between (through coordination:
        "signed ... with Aberdeen in 1967 and with Wismar in 1990")."""
        for head in ancestors(i, self.tokens, 12):
            if head.i == verb:
                return True
            if head.pos in ("VERB", "AUX"):
                return False
        return False

    def clause_of(self, i: int) -> int:
        tok = self.tokens[i]
        for _ in range(30):
            if tok.dep in _CLAUSE_DEPS or tok.head == tok.i:
                return tok.i
            tok = self.tokens[tok.head]
        return tok.i

    def clause_chain(self, i: int) -> list[int]:
        chain = []
        c = self.clause_of(i)
        for _ in range(10):
            chain.append(c)
            tok = self.tokens[c]
            if tok.head == tok.i:
                break
            c = self.clause_of(tok.head)
        return chain

    def _inside(self, d_clause: int, chain: list[int]) -> bool:
        """The date's clause is the event's own "after ..." clause or below it: "three
        months after the council voted in October to terminate ..." (in October)."""
        for k, c in enumerate(chain):
            if self.tokens[c].dep == "advcl" and any(
                self.tokens[m].dep == "mark" and self.tokens[m].lower in _OTHER_TIME
                for m in self.children.get(c, ())
            ):
                return d_clause in chain[: k + 1]
        return False

    def respective(self, events: list[EventMention]) -> dict[int, EventDate]:
        """ "signed their agreements with Liepāja and Palanga in 1992 and 1996
        respectively": in a sentence that pairs its lists in order, the k-th tie of a
        kind takes the k-th date. Keys are positions in ``events``."""
        groups: dict[tuple[int, str], list[int]] = defaultdict(list)
        for k, ev in enumerate(events):
            if ev.relation.b is not None and ev.own_date is None:
                groups[(ev.sentence, ev.type)].append(k)
        out: dict[int, EventDate] = {}
        for (s, _), members in groups.items():
            by_b = {events[k].relation.b.start: k for k in members}
            if len(by_b) < 2:
                continue
            sent = self.parsed.sentences[s]
            said = self.parsed.text[sent.start : sent.end].lower()
            if not _RESPECTIVELY.search(said):
                continue
            last_b = max(by_b)
            dates = sorted(
                (sd for sd in self.sentence_dates(s) if not sd.since and sd.value.start > last_b),
                key=lambda sd: sd.value.start,
            )
            if len(dates) != len(by_b) or any(sd.relative for sd in dates):
                continue
            # the dates are one list of their own: "in 1992 and 1996", "1961, 1965 and 1970"
            gaps = [
                self.parsed.text[x.value.end : y.value.start]
                for x, y in zip(dates, dates[1:], strict=False)
            ]
            if not all(_DATE_LIST_GAP.fullmatch(g) for g in gaps):
                continue
            for sd, b_start in zip(dates, sorted(by_b), strict=True):
                for k in members:
                    if events[k].relation.b.start == b_start:
                        out[k] = EventDate(sd.value, "explicit")
        return out

    def date(self, ev: EventMention, event_sentences: set[int]) -> EventDate | None:
        if ev.own_date is not None:
            return EventDate(ev.own_date, "explicit")
        s = ev.sentence
        sent = self.parsed.sentences[s]
        trig_clause = self.clause_of(ev.trigger)
        chain = self.clause_chain(ev.trigger)
        own = self._proposal_own_date(ev)
        if own is not None:
            return own
        if any(
            _DECADE.fullmatch(t.lower)
            and self.tokens[t.head].lower in ("in", "during")
            and self.tokens[t.head].head == ev.trigger
            for t in self.tokens[sent.tok_start : sent.tok_end]
        ):
            # "terminated in March 2022 the agreements with Pskov and Baranovichi, which
            # had been concluded in the 1990s": the clause's own decade, no year
            return None
        candidates = []
        for sd in self.sentence_dates(s):
            # "since 1995" dates the beginning, and only the beginning: of the tie, or of
            # a pause ("has been frozen since March 2022")
            since = self.tokens[sd.tok].head
            paused = (
                sd.since
                and ev.type == "suspended"
                and self.tokens[since].head == ev.trigger
                # (not "put its partnership with Matsue, in place since 1999, on hold":
                # the tie's own age)
                and not re.search(
                    r"\bin\s+(?:place|force|effect)\s+since\s*$",
                    self.parsed.text[max(0, (sd.value.start or 0) - 24) : sd.value.start or 0],
                )
                # (not "put on hold exchanges with Fukuoka, its sister city since 2007")
                and not tie_noun_since(since, sent.tok_start, self.tokens)
            )
            # "frozen since March, when the city board suspended all cooperation": the
            # clause on the date tells what happened then
            then = (
                sd.since
                and self.tokens[ev.trigger].head == sd.tok
                and any(self.tokens[c].lower == "when" for c in self.children.get(ev.trigger, ()))
            )
            # "have been in talks with Ayutthaya since late last year": talks going on
            # since a date began then
            trig = self.tokens[ev.trigger]
            # (or "Talks on a partnership with Kecskemét have been under way since the
            # spring")
            talks = (
                sd.since
                and ev.type == "proposed"
                # ("which had been negotiating a sister-city agreement with Chengdu since
                # 2019": the talking verb's own since)
                and (trig.pos == "NOUN" or self.tokens[since].head == trig.i)
                and (
                    (
                        self.tokens[trig.head].lower == "in"
                        and self.tokens[since].head == self.tokens[trig.head].head
                    )
                    or self.tokens[since].head == trig.i
                    or (trig.dep == "nsubj" and self.tokens[since].head == trig.head)
                    # "have held talks with ... about a possible partnership since last
                    # year": the since in the talks' own phrase
                    or self._under(since, trig.i)
                )
            )
            if sd.since != (ev.rule_id == "trigger.establish.since") and not (
                paused or then or talks
            ):
                continue
            if any(sd.value.start < e and s0 < sd.value.end for s0, e in self.claimed):
                continue  # "the agreement, concluded in 1994," dates its own event only
            if sd.tok > ev.trigger and self._opens_next_clause(sd.tok, ev.trigger):
                continue  # "suspended all contact with Pskov, and in February this year
                # councillors voted to end the twinning": the next clause's date
            if then:
                candidates.append((0, abs(sd.tok - ev.trigger), sd))
                continue
            d_clause = self.clause_of(sd.tok)
            dating = self.tokens[d_clause]
            if (
                dating.lemma == "date"
                and dating.tag == "VBG"
                and dating.dep == "advcl"
                and self.tokens[self.tokens[sd.tok].head].lower not in ("from", "to", "back")
            ):
                # "put its relationship with St Petersburg, dating from 1957, on ice in
                # March 2022": the parser hangs the main clause's date on the aside
                d_clause = self.clause_of(dating.head)
            named = self._attributive(sd.tok)
            # "rejected a 2021 petition calling for the friendship with Tangshan to be
            # ended": the petition's year dates the call to end the tie, and the
            # rejection told in the same clause as well
            outcome = named == "proposed" and ev.type in ("blocked", "retained")
            if outcome:
                # ... unless the outcome has its own: "a 2019 measure proposing ties with
                # Xiamen was withdrawn by its author in 2021"; and a proposal years old
                # at the report ("formally withdrew a 2017 proposal", 2023) lingered: its
                # year says nothing of when it was dropped
                trig = self.tokens[ev.trigger]
                fate = (trig.dep == "relcl" and trig.head == self.tokens[sd.tok].head) or (
                    trig.lemma == "survive"
                )  # "a 2019 bill to end it, which the council voted down", "survived a
                # 2019 bill": the fate told of the dated proposal itself
                if fate:
                    candidates.append((-1, abs(sd.tok - ev.trigger), sd))
                elif int(self.published.value[:4]) - int(sd.value.value[:4]) < 2:
                    candidates.append((2, abs(sd.tok - ev.trigger), sd))
                continue
            if named == "instrument":
                # "rescinding the 2016 ordinance that established the tie": the act's
                # year dates what the act did, told in its own relative clause
                trig = self.tokens[ev.trigger]
                if trig.dep in ("relcl", "acl") and trig.head == self.tokens[sd.tok].head:
                    candidates.append((-1, abs(sd.tok - ev.trigger), sd))
                continue
            if named is not None:
                # "The 1991 agreement that made X and Y sister cities — signed ...": the
                # year of the tie is its beginning and dates nothing else; "Rostock's
                # 2017 proposal to twin with Prague" dates the proposal.
                if ev.type != named and not (
                    named == "proposed" and ev.type == "termination_proposed"
                ):
                    continue
                rank = -1
            elif self._made_on_noun(d_clause, ev) or self._motion_lodged(d_clause, ev):
                # "the proposal for a tie with Nara, first sent in 2022, ...", "the
                # suspension of its tie with Beppu, imposed in August 2019"
                rank = -1
            elif d_clause == trig_clause or self._occasion_of(d_clause, trig_clause):
                # ("Sibiu in Romania, European Capital of Culture in 2007, became a
                # partner in 2002": a year set off on the subject is the subject's)
                rank = 1 if self._on_subject(sd.tok, ev.trigger) else 0
            elif (
                (d_clause in chain and (not ev.subordinate or self._inside(d_clause, chain)))
                or self._beside(d_clause, trig_clause)
                or self._object_infinitive(d_clause, ev.trigger)
                or self._when_clause(d_clause, trig_clause)
                or (not ev.subordinate and self._opening_date(sd, d_clause, chain[-1], sent))
                or self._announced(d_clause, ev)
                or self._proposer_dated(d_clause, chain)
                or (
                    ev.type == "established"
                    and self._proposer_dated(d_clause, chain, _MAKERS, relative=True)
                )
            ):
                rank = 1
            elif d_clause in chain and ev.type.endswith("proposed") and sd.value.precision == "day":
                # "... survived a vote on Tuesday night, after a motion to end it drew
                # two votes": a proposal in an "after" clause comes shortly before an
                # outcome dated to the day; its year, not its day ("became sister cities
                # in 1965, after a merchant proposed the link" says nothing of when)
                rank = 2
                year = DateValue(sd.value.value[:4], "year", sd.value.start, sd.value.end)
                sd = replace(sd, value=year)
            elif self._shortly_after(d_clause, trig_clause, soon=False):
                # "suspended its partnership ... shortly after the invasion began in
                # February 2022": soon after the other thing, in its year; after it
                # with no word of how soon ("After Russia invaded Ukraine in February
                # 2022, Turku froze its ties"), its year only when nothing else dates it
                soon = self._shortly_after(d_clause, trig_clause)
                if sd.relative and not soon:
                    # ("voted to end ... after Coun. Douglas raised it in December": a
                    # month just before the report says nothing of the year)
                    continue
                rank = 2 if soon else 3
                year = DateValue(sd.value.value[:4], "year", sd.value.start, sd.value.end)
                sd = replace(sd, value=year)
            else:
                continue
            candidates.append((rank, abs(sd.tok - ev.trigger), sd))
        if ev.rule_id.startswith("trigger.establish.dates_from"):
            # "whose link with Dori dates from the 1980s, said Thursday": what a tie dates
            # from is said in its own clause, never by the date of the one around it
            # (or right after it, however the parser hangs "dates back to 1989")
            candidates = [
                c for c in candidates
                if c[0] <= 0 or self._under(c[2].tok, ev.trigger) or 0 < c[2].tok - ev.trigger <= 4
            ]  # fmt: skip
        if ev.rule_id.split("+")[0].endswith(".conj"):
            # "lapsed after 2005 and was formally concluded by Council in 2015": the
            # second verb's own date
            own = [c for c in candidates if self._under(c[2].tok, ev.trigger)]
            candidates = own or candidates
        trig = self.tokens[ev.trigger]
        if trig.pos == "VERB" and len({c[2].tok for c in candidates}) > 1:
            # "froze its twinning with Vologda in 2014 and ended it in 2022": of two
            # coordinated verbs each has its own date
            own = [c for c in candidates if self._governs(ev.trigger, c[2].tok)]
            if own and any(
                self.tokens[v].dep == "conj" and self.tokens[v].pos == "VERB"
                for v in (ev.trigger, *self.children.get(ev.trigger, ()))
            ):
                candidates = own
        if ".needs_date" in ev.rule_id:
            # "X is twinned with Y" states a fact; only a date on that very verb ("is
            # twinned with Y since 1962") makes it an act, not one of a verb it is
            # coordinated with ("was sealed in 1973, and ... is also twinned with Y").
            # Nor does "Today the town is twinned with ...": the present of a state.
            candidates = [
                c for c in candidates
                if self._under(c[2].tok, ev.trigger)
                and self.tokens[c[2].tok].lower not in _PRESENT_WORDS
            ]  # fmt: skip
        b = ev.relation.b
        followed = self._followed_by_date(b, s)
        if followed is not None:
            candidates = [(-2, 0, followed)]
        elif ev.type == "established":
            # "two decades after Jakarta's first such tie, with Tokyo in 1964": the year
            # right after a partner begins that partner's tie, whichever verb the
            # sentence hangs it on
            own_year = self._year_right_after(b, s)
            if own_year is not None and all(c[2].tok != own_year.tok for c in candidates):
                candidates.append((-1, 0, own_year))
        if (
            len(candidates) > 1
            and b is not None
            and b.tok_start >= 0
            and self.tokens[b.tok_start].sent == s
            and self._governs(ev.trigger, b.tok_start)  # (not "led a delegation to Posoltega")
        ):
            # "signed a twinning agreement with Aberdeen in 1967 and with Wismar in
            # 1990": a date right after the partner is that partner's
            b_end = self.tokens[max(b.tok_end, b.span_end_tok) - 1].end
            right_after = [
                c for c in candidates
                if _RIGHT_AFTER.fullmatch(self.parsed.text[b_end : c[2].value.start])
                or _RIGHT_BEFORE.fullmatch(self.parsed.text[c[2].value.end : b.start])
            ]  # fmt: skip
            candidates = right_after or candidates
        if candidates:
            _, _, sd = min(candidates, key=lambda c: (c[0], c[1]))
            section = self._section_date(sent.paragraph) if sd.relative else None
            if section is not None and section.precision == "year":
                # "50 YEARS AGO" / "Regional council voted Tuesday to ...": a weekday in
                # an item of a looking-back column is of that year, not of the page's
                return EventDate(section, "relative")
            if ev.type in ("proposed", "termination_proposed") and (
                (sd.relative and self._ahead(ev, sd)) or self._after_report(sd.value)
            ):
                # "The mayor is expected to sign the agreement in September" (June): the
                # coming September, when the tie is to begin; the plan itself stands as
                # of the report
                year = self.published.value[:4]
                return EventDate(DateValue(year, "year", None, None), "publication")
            return EventDate(sd.value, "relative" if sd.relative else "explicit")
        counted = self._years_since(ev)
        if counted is not None:
            return counted
        if ev.subordinate or ".needs_date" in ev.rule_id:
            return None
        if "+anaphora" in ev.rule_id:
            # "In 1986 a member moved to end the relationship; the motion failed 2-7":
            # the fate of a proposal told in its sentence, in the proposal's year
            # (not a year that dates another event: "ending the agreement with Chicago,
            # signed in 1997, but that proposal was withdrawn")
            before = [
                sd for sd in self.sentence_dates(s)
                if not sd.since and sd.tok < ev.trigger and not sd.relative
                and not any(sd.value.start < e and s0 < sd.value.end for s0, e in self.claimed)
            ]  # fmt: skip
            if before:
                v = before[-1].value
                return EventDate(DateValue(v.value[:4], "year", v.start, v.end), "explicit")
        item = self._enumerated_item_date(s)
        if item is not None:
            return item
        for cit in self.citations(sent.paragraph):
            if cit.start >= ev.trigger_end and cit.date is not None:
                return EventDate(cit.date, "citation")
        entry = self._timeline_year(sent.paragraph)
        if entry is not None:
            return EventDate(entry, "explicit")
        framed = self._frame(ev, sent, event_sentences)
        if framed is not None:
            return framed
        section = self._section_date(sent.paragraph)
        if section is not None:
            return EventDate(section, "explicit")
        return self._publication(ev)

    def _years_since(self, ev: EventMention) -> EventDate | None:
        """ "a ceremony marking 50 years since the two cities became sister cities": so
        many years before the report."""
        if ev.type != "established" or self.published is None:
            return None
        text = self.parsed.text
        sent = self.parsed.sentences[ev.sentence]
        for m in _YEARS_SINCE.finditer(text, sent.start, ev.trigger_start):
            if (
                ev.trigger_start - m.end() <= _SINCE_REACH
                and "," not in text[m.end() : ev.trigger_start]
            ):
                year = str(int(self.published.value[:4]) - count(m.group("n")))
                return EventDate(DateValue(year, "year", m.start(), m.end()), "relative")
        return None

    def _proposal_own_date(self, ev: EventMention) -> EventDate | None:
        """ "withdrew a 2017 proposal for a tie with Matanzas", "Negotiations ..., which
        had been under way since 2003, were broken off in 2005": a proposal that was
        blocked is dated by what its own noun phrase says, not by its outcome's verb."""
        if ev.type != "proposed" or not any(f"+{m}" in ev.rule_id for m in ("block", "fail")):
            return None
        heads = [ev.trigger]
        trig = self.tokens[ev.trigger]
        if trig.dep == "acl" and trig.head != trig.i:
            heads.append(trig.head)  # "a 2019 measure proposing ties with Xiamen"
        own = [
            sd
            for sd in self.sentence_dates(ev.sentence)
            if not sd.relative
            and sd.tok != ev.trigger
            and any(self._under(sd.tok, h) for h in heads)
            and not any(sd.value.start < e and s0 < sd.value.end for s0, e in self.claimed)
        ]
        if not own:
            return self._filed_next(ev)
        sd = min(own, key=lambda d: abs(d.tok - ev.trigger))
        return EventDate(sd.value, "explicit")

    def _enumerated_item_date(self, s: int) -> EventDate | None:
        """ "A decade ago to the day, officials signed three agreements ... One made
        Ahmedabad and Guangzhou sister cities": an item of the things the sentence
        before counted is dated by that sentence's one date."""
        sents = self.parsed.sentences
        if s == 0 or not _ENUMERATED_ITEM.match(self.parsed.text, sents[s].start):
            return None
        k = s - 1
        dates = [sd for sd in self.sentence_dates(k) if not sd.since]
        while (
            not dates
            and k > max(0, s - 3)
            and _ENUMERATED_ITEM.match(self.parsed.text, sents[k].start)
        ):
            k -= 1  # "... One made ... Another set up ...": the count before them both
            dates = [sd for sd in self.sentence_dates(k) if not sd.since]
        if len(dates) != 1:
            return None
        return EventDate(dates[0].value, "relative" if dates[0].relative else "explicit")

    def _filed_next(self, ev: EventMention) -> EventDate | None:
        """ "voted to shelve a proposed resolution ... The measure, first filed in
        September last year by the committee, was sent to the archives": the next
        sentence, opening on the proposal and when it was filed, dates the proposal."""
        s = ev.sentence + 1
        sents = self.parsed.sentences
        if s >= len(sents) or sents[s].paragraph not in (
            sents[ev.sentence].paragraph,
            sents[ev.sentence].paragraph + 1,
        ):
            return None
        m = _FILED_OPENING.match(self.parsed.text, sents[s].start)
        if m is None:
            return None
        for sd in self.sentence_dates(s):
            if m.end() <= (sd.value.start or 0) < m.end() + 40 and not sd.since:
                return EventDate(sd.value, "relative" if sd.relative else "explicit")
        return None

    def _section_date(self, paragraph: int) -> DateValue | None:
        """ "Extract from the minutes of the 2023 Annual General Meeting (held 8 March
        2023)": a dated heading in the body of the text dates the items under it, up to
        the next heading."""
        if paragraph not in self._sections:
            self._sections[paragraph] = self._find_section_date(paragraph)
        return self._sections[paragraph]

    def _find_section_date(self, paragraph: int) -> DateValue | None:
        for k in range(paragraph - 1, max(-1, paragraph - 7), -1):
            start, end = self.parsed.paragraphs[k]
            if start <= self._story_start:
                return None  # the page's own header lines date the page, not a section
            block = self.parsed.text[start:end]
            words = len(block.split())
            if words > 16 or block.rstrip().endswith((".", "?", "!", ":", '"', "”")):
                continue  # prose, not a heading
            for ds, de in find_date_expressions(self.parsed.text, start, end):
                if self.published is not None and self.published.start in (ds, de):
                    # ("Katrin Lehto / 5 March 2024" under a commentary's standfirst):
                    # the byline's date is the page's, no section's
                    return None
                value = parse_expression(self.parsed.text[ds:de], self.base, ds, de)
                if value is not None and value.precision == "day":
                    return value
            back = _YEARS_AGO_HEADING.fullmatch(block)
            if back is not None:
                # "50 YEARS AGO" over an item of a looking-back column: the item's year
                value = parse_expression(back.group(1), self.base, start, end)
                if value is not None:
                    return replace(value, start=start, end=end)
            return None  # the nearest heading has no date
        return None

    def _timeline_year(self, paragraph: int) -> DateValue | None:
        """ "2019 – The Deliberative Council terminates the dormant twinning with
        Puebla": a timeline entry's leading year dates what the entry tells."""
        start, end = self.parsed.paragraphs[paragraph]
        return timeline_year(self.parsed.text, start, end)

    def _publication(self, ev: EventMention) -> EventDate | None:
        """A dated news report tells its news in the simple past without a date ("the
        motion was defeated", "Edinburgh had suspended its link"): it happened around
        the publication date. The present perfect ("some have ended their partnership")
        and anything in an "after ..." clause look further back and stay undated."""
        if self.published is None or self.published.precision == "year" or ev.subordinate:
            return None
        trig = self.tokens[ev.trigger]
        if (
            ev.type == "suspended"
            and trig.pos == "NOUN"
            and trig.dep in ("dobj", "nsubjpass")
            and self.tokens[trig.head].lemma in _LIFTED
        ):
            return None  # "Yeosu lifts 4-year freeze on sister-city ties": a pause long begun
        if not (
            self._simple_past(ev.trigger)
            or self._lede_perfect(ev)
            or self._headline_present(ev)
            or (ev.type.endswith("proposed") and self._present_proposal(ev))
            # "It would also have ended the relationship with Sovetsk": what a motion
            # just defeated would have done
            or (
                ev.type in ("proposed", "termination_proposed", "retained", "blocked")
                and self._counterfactual(ev)
            )
            # "Mombasa will be twinned with Durban": planned as of the report
            # (or to end it: "will decide next week whether to scrap the twinning")
            or (ev.type.endswith("proposed") and ".future" in ev.rule_id)
            # "will keep its ties ... despite calls to cut them": decided as of the report
            or (ev.type == "retained" and ".future" in ev.rule_id and "+realize" in ev.rule_id)
            # minutes record the wording of a motion moved at the meeting
            or (ev.type.endswith("proposed") and motion_text(self.parsed, ev.sentence))
            # ... and what the meeting resolved: "RESOLVED that: ... (2) the Twinning
            # Agreement ... be suspended until further notice"
            or self._resolved(ev)
            # ... or carried: "AND THAT the Mayor and City Clerk be authorized to sign the
            # Agreement;" over "CARRIED"
            or self._carried(ev)
            # a report's recommendation: "3. Formally conclude the friendship
            # relationships with Kalamata and Wenzhou"
            or (ev.type.endswith("proposed") and self._imperative(ev))
            # "The proposed tie with Queenstown was first raised by tour operators"
            or (ev.type == "proposed" and self._draft_subject_past(ev))
        ):
            return None
        if ev.type == "established" and not self._in_lede(ev) and self._quoted(ev):
            return None  # "'The partnership was signed in a different era,' he said": history
        if ev.type == "established" and self._passive_state(ev):
            return None  # "Ivanovo ... was paired with Łódź because of ...": background
        sent = self.parsed.sentences[ev.sentence]
        own = self.clause_chain(ev.trigger)
        if any(
            (t.lower in _VAGUELY_BACK or _DECADE.fullmatch(t.lower)) and self.clause_of(t.i) in own
            for t in self.tokens[sent.tok_start : sent.tok_end]
        ):
            # "lapsed more than a decade ago", "lapsed in the 1990s": long before the
            # report, year unknown
            return None
        counted = _COUNTED_FROM_OTHER.search(self.parsed.text[sent.start : sent.end])
        if counted and not (counted.group("n") and self._in_lede(ev)):
            # "formalised several years after a 1986 trade mission": not news; but a
            # lede's "have voted to restore ..., five years after suspending it" is
            return None
        year = self.published.value[:4]
        return EventDate(DateValue(year, "year", None, None), "publication")

    def _resolved(self, ev: EventMention) -> bool:
        """The event is a decision recorded under "RESOLVED that" in minutes."""
        para = self.parsed.sentences[ev.sentence].paragraph
        text = self.parsed.text
        # (up through the resolution's numbered items: "(1) ...", "(2) ...")
        for k in range(para, max(-1, para - 8), -1):
            start, _ = self.parsed.paragraphs[k]
            if _RESOLVED.match(text, start):
                return True
            if not _ITEM_MARK.match(text, start):
                return False
        return False

    def _carried(self, ev: EventMention) -> bool:
        """The event is in the wording of a motion that the minutes record as carried."""
        para = self.parsed.sentences[ev.sentence].paragraph
        text = self.parsed.text
        start, end = self.parsed.paragraphs[para]
        line = text.rfind("\n", start, ev.trigger_start) + 1
        if not _MOTION_LINE.match(text, max(start, line)):
            return False
        # (past the other clauses and a recorded vote, up to the next motion)
        for k in range(para, min(len(self.parsed.paragraphs), para + 8)):
            k_start, k_end = self.parsed.paragraphs[k]
            if _CARRIED.search(text, k_start, k_end):
                return True
            if k > para and text.startswith("MOVED", k_start):
                return False
        return False

    def _passive_state(self, ev: EventMention) -> bool:
        """ "was paired with", "were twinned with": a passive of a pairing verb tells
        what a place is, unless a date says when."""
        tok = self.tokens[ev.trigger]
        below = [self.tokens[c] for c in self.children.get(tok.i, ())]
        return (
            tok.lemma in ("pair", "twin", "link", "partner")
            and any(t.dep == "auxpass" for t in below)
            # "were officially twinned at a ceremony": an act, today's news
            and not any(t.lower in _ACT_ADVERBS for t in below)
        )

    def _in_lede(self, ev: EventMention) -> bool:
        return self.parsed.sentences[
            ev.sentence
        ].start - self._story_start < _LEDE_CHARS or self._item_lede(ev)

    def _item_lede(self, ev: EventMention) -> bool:
        """The first sentence under a heading of its own ("HASTINGS PAUSES GUILIN
        RELATIONSHIP" over "Hastings District Council has paused ..."): a newsletter's or
        digest's item opens with its news as a report does."""
        sent = self.parsed.sentences[ev.sentence]
        para = sent.paragraph
        if para == 0 or self.parsed.paragraphs[para][0] != sent.start:
            return False
        start, end = self.parsed.paragraphs[para - 1]
        heading = self.parsed.text[start:end].strip()
        return (
            0 < len(heading.split()) <= 10
            and not heading.endswith((".", "”", '"', ":", ","))
            and heading.upper() == heading
        )

    def _quoted(self, ev: EventMention) -> bool:
        """The trigger is inside a quotation."""
        sent = self.parsed.sentences[ev.sentence]
        before = self.parsed.text[sent.start : self.tokens[ev.trigger].start]
        opened = before.count("“") - before.count("”")
        straight = before.count('"') % 2
        return opened > 0 or straight == 1

    def _imperative(self, ev: EventMention) -> bool:
        """The trigger opens its sentence in the bare form, after at most an item number
        and an adverb: an instruction or recommendation, not a report."""
        tok = self.tokens[ev.trigger]
        if tok.tag != "VB" or tok.dep != "ROOT":
            return False
        sent = self.parsed.sentences[ev.sentence]
        before = self.tokens[sent.tok_start : tok.i]
        return len(before) <= 3 and all(
            t.pos in ("NUM", "PUNCT", "ADV", "X") or t.tag == "LS" for t in before
        )

    def _present_proposal(self, ev: EventMention) -> bool:
        """ "talks on establishing ... are under way", "the city is in talks with ...",
        "I urge the council to end ...": a proposal told in the present tense is under
        way on the publication date."""
        tok = self.tokens[ev.trigger]
        for _ in range(5):
            aux = [
                self.tokens[c] for c in self.children.get(tok.i, ())
                if self.tokens[c].dep in ("aux", "auxpass")
            ]  # fmt: skip
            if any(a.tag in ("VBD", "MD") for a in aux):
                return False
            if any(a.lower in ("has", "have") for a in aux):
                # "has asked SKR to help it find a partner": a request just made stands;
                # "have proposed twinning for years" does not tell when
                return tok.lemma in _REQUEST_VERBS
            if tok.tag in ("VBZ", "VBP"):
                return True
            if tok.tag == "VBG" and any(a.lower in ("is", "are", "am") for a in aux):
                return True  # "Cllr Ní Bhriain is moving her motion to end the twinning"
            if tok.head == tok.i:
                return False
            tok = self.tokens[tok.head]
        return False

    def _ahead(self, ev: EventMention, sd: _SentDate) -> bool:
        """A year-less month or day in a clause that looks ahead ("is expected to sign ...
        in September", "will sign in March") that would fall before the report."""
        # (or a year-less day: "will be debated at the next meeting on March 10")
        if self.published is None:
            return False
        season = (
            sd.value.start is not None
            and _THE_SEASON.fullmatch(self.parsed.text, sd.value.start, sd.value.end) is not None
        )  # ("are expected to sign ... in the autumn": the autumn to come)
        if sd.value.precision not in ("month", "day") and not season:
            return False
        if sd.value.value >= self.published.value[: len(sd.value.value)]:
            return False
        sent = self.parsed.sentences[ev.sentence]
        chain = self.clause_chain(ev.trigger)
        words = {
            t.lower
            for t in self.tokens[sent.tok_start : sent.tok_end]
            if self.clause_of(t.i) in chain
        }
        return bool(words & _LOOKING_AHEAD)

    def _after_report(self, value: DateValue) -> bool:
        if self.published is None:
            return False
        n = min(len(value.value), len(self.published.value))
        return value.value[:n] > self.published.value[:n]

    def _draft_subject_past(self, ev: EventMention) -> bool:
        """ "The proposed tie ... was raised": a planned tie as the subject of a verb in
        the simple past is news of the report."""
        if "draft_noun" not in ev.rule_id:
            return False
        noun = self.tokens[self.tokens[ev.trigger].head]
        if noun.dep not in ("nsubj", "nsubjpass") or noun.head == noun.i:
            return False
        return self._simple_past(noun.head)

    def _counterfactual(self, ev: EventMention) -> bool:
        """ "would have ended": the trigger's own auxiliaries are "would" and "have"."""
        aux = {
            self.tokens[c].lower
            for c in self.children.get(ev.trigger, ())
            if self.tokens[c].dep == "aux"
        }
        return {"would", "have"} <= aux

    def _headline_present(self, ev: EventMention) -> bool:
        """ "Wichita adds Taiwan's Kaohsiung as sister city": a headline tells the news
        of its day in the present tense."""
        sent = self.parsed.sentences[ev.sentence]
        start, end = self.parsed.paragraphs[sent.paragraph]
        # the first paragraph, or any one-sentence line above the story's first prose
        # paragraph (a site's name and section line may come first)
        headline = (sent.paragraph == 0 or end <= self._story_start) and (
            sent.start == start and sent.end == end
        )
        if not headline or self.parsed.text[start:end].rstrip().endswith((".", "?", "!")):
            return False
        t = ev.trigger
        before = self.tokens[sent.tok_start : t]
        if any(b.lower in _HEADLINE_SIGNING for b in before[-4:]) or (
            # "Tshwane council votes to pursue twinning with Gaza City": a present
            # verb the tagger reads as a plural noun
            len(before) >= 2 and before[-1].lower == "to" and before[-2].lower in _HEADLINE_VERBS
        ):
            return True  # "Kazan, Iran's Tabriz sign memorandum on sister-city ties"
        # the finite verb the trigger hangs on: "Town rejects call to end Timbuktu twinning"
        tok = self.tokens[ev.trigger]
        for _ in range(4):
            if tok.tag in ("VBZ", "VBP"):
                return True
            if (
                tok.tag == "VBN"
                and tok.head == tok.i
                and not any(
                    self.tokens[c].dep in ("aux", "auxpass") for c in self.children.get(tok.i, ())
                )
            ):
                return True  # "Okhtyrka and Valmiera become partner cities": the tagger's VBN
            if noun_with_object(tok, self.tokens):
                return True  # "Mysuru, Japan's Matsue sign sister-city pact": a verb misread
            if tok.head == tok.i or tok.dep not in ("xcomp", "acl", "dobj", "advcl", "relcl"):
                return False
            tok = self.tokens[tok.head]
        return False

    def _announced(self, d_clause: int, ev: EventMention) -> bool:
        """A participle on a nominalised event, or on the tie it names, dates that
        event: "The termination of Joensuu's agreement with Petrozavodsk, announced ...
        in March 2022" (not "ended the agreement, signed in 1994")."""
        d = self.tokens[d_clause]
        if d.dep != "acl" or self.tokens[ev.trigger].pos != "NOUN":
            return False
        return d.head in (ev.trigger, ev.relation.anchor)

    def _proposer_dated(
        self, d_clause: int, chain: list[int], nouns=_PROPOSERS, relative: bool = False
    ) -> bool:
        """ "A review ..., tabled at last Tuesday's council meeting, recommended that the
        council end ...": a participle on the proposing document that is the subject
        dates the proposal (not "The agreement, signed in 1985, was terminated"); with
        the documents that make ties, the beginning ("An agreement signed in 1988 made
        X and Y sister cities", "The agreement, which took effect on January 1, 2020,
        twins Trondheim with Darkhan")."""
        d = self.tokens[d_clause]
        if not ((d.dep == "acl" and d.tag == "VBN") or (relative and d.dep == "relcl")):
            return False
        noun = self.tokens[d.head]
        return noun.dep in ("nsubj", "nsubjpass") and noun.lemma in nouns and noun.head in chain

    def _occasion_of(self, d_clause: int, trig_clause: int) -> bool:
        """ "were twinned in a ceremony held in June 1990", "ended it at a meeting held
        on Tuesday": a participle dating the occasion the trigger's clause names."""
        d = self.tokens[d_clause]
        if d.dep != "acl" or d.tag != "VBN" or self.tokens[d.head].lemma not in _OCCASIONS:
            return False
        prep = self.tokens[self.tokens[d.head].head]
        return prep.dep == "prep" and self.clause_of(prep.i) == trig_clause

    def _during(self, i: int) -> bool:
        """ "during the 1986 Commonwealth Games": what happened during an occasion
        happened in its year."""
        noun = self.tokens[self.tokens[i].head]
        return noun.dep == "pobj" and self.tokens[noun.head].lower == "during"

    def _attributive(self, i: int) -> str | None:
        """The event a year names by modifying its noun: the tie's beginning ("the 1991
        agreement") or a proposal ("the 2017 proposal"); None for any other year."""
        tok = self.tokens[i]
        if tok.dep not in ("nummod", "compound", "amod") or tok.head == tok.i:
            return None
        head = self.tokens[tok.head]
        if head.dep == "poss" and head.head != head.i:
            head = self.tokens[head.head]  # "a 2022 residents' petition"
        noun = head.lower
        if noun in rel_nouns():
            return "established"
        if noun in _INSTRUMENTS:
            return "instrument"  # "the 2016 ordinance that established the tie"
        return "proposed" if noun in _PROPOSAL_NOUNS else None

    def _made_on_noun(self, d_clause: int, ev: EventMention) -> bool:
        """A participle of making on the trigger noun's own phrase dates that noun, not
        the verb the noun hangs on: a proposal sent ("the proposal for a friendship tie
        with Nara, first sent in 2022 through the consulate"), a pause or an end imposed
        ("lifted the suspension of its relationship with Beppu, the resort in Oita
        Prefecture, imposed in August 2019"; the parser hangs it on the last noun)."""
        makers = (
            _SENT if ev.type.endswith("proposed")
            else _IMPOSED if ev.type in ("suspended", "terminated")
            else None
        )  # fmt: skip
        d = self.tokens[d_clause]
        begun = (
            # "Talks that the PMC began last year with Bremen": the talks' own start
            ev.type == "proposed"
            and d.dep in ("relcl", "ccomp")  # (the parser's reading of "talks that ...")
            and d.lemma in ("begin", "start", "open", "launch")
            and d.head == ev.trigger
        )
        if not begun and (
            makers is None or d.dep != "acl" or d.tag != "VBN" or d.lemma not in makers
        ):
            return False
        trigger = ev.trigger
        t = self.tokens[trigger]
        if t.pos != "NOUN":
            return False
        k = d.head
        for _ in range(10):
            if k == trigger:
                return True
            tok = self.tokens[k]
            if tok.head == k or tok.dep in _CLAUSE_DEPS:
                return False
            k = tok.head
        return False

    def _motion_lodged(self, d_clause: int, ev: EventMention) -> bool:
        """ "Next month councillors will debate a motion, lodged last week, asking the
        council to open talks with Bucheon": a motion's proposal is dated by its lodging
        set off after it, wherever the parser hangs the participle."""
        d = self.tokens[d_clause]
        return (
            ev.type.endswith("proposed")
            and "+propose" in ev.rule_id
            and d.tag == "VBN"
            and d.lemma in _SENT
            and d.i >= 2
            and self.tokens[d.i - 1].text == ","
            and self.tokens[d.i - 2].lemma in _MOTIONS
        )

    def _opening_date(self, sd: _SentDate, d_clause: int, root: int, sent) -> bool:
        """ "Fifty years ago this week, in a chamber hung with flags, Jacksonville signed
        ...": a date opening the sentence, set off by a comma, is the main clause's
        (`root`, atop the event's clauses), however the parser hangs it on a clause in
        between."""
        first = sent.tok_start
        while first < sent.tok_end and self.tokens[first].text in ('"', "“", "'", "‘"):
            first += 1
        start = self.tokens[first].start
        return (
            _OPENING_PREPOSITION.fullmatch(self.parsed.text, start, sd.value.start) is not None
            and self.parsed.text[sd.value.end : sd.value.end + 1] == ","
            and self.tokens[d_clause].head == root
            and self.tokens[root].head == root
        )

    def _beside(self, d_clause: int, trig_clause: int) -> bool:
        """ "A request by Trier to establish a partnership with Weimar, submitted in
        1984, ...": a participle on the same noun as the trigger's clause dates it."""
        d, t = self.tokens[d_clause], self.tokens[trig_clause]
        return d.dep == "acl" and d.tag == "VBN" and t.dep == "acl" and d.head == t.head

    def _object_infinitive(self, d_clause: int, trigger: int) -> bool:
        """ "shelved a proposal to twin with Havana in 2016": the parser hangs a date at
        the end on the infinitive, but it dates the verb whose object that is."""
        d = self.tokens[d_clause]
        return (
            d.dep in ("acl", "xcomp")
            and d.tag == "VB"
            and (d.head == trigger or self.tokens[d.head].head == trigger)
            and any(self.tokens[k].lower == "to" for k in self.children.get(d.i, ()))
        )

    def _named_subject(self, i: int) -> bool:
        """The trigger's own subject is a name ("Białystok ... has frozen")."""
        return any(
            self.tokens[c].dep == "nsubj" and self.tokens[c].pos == "PROPN"
            for c in self.children.get(i, ())
        )

    def _lede_perfect(self, ev: EventMention) -> bool:
        """ "Christchurch City Council has put its sister-city relationship with Wuhan on
        hold": the present perfect at the top of a report is its news, not history,
        unless the sentence itself reaches back ("since 2019", "in recent years")."""
        # A proposal is news wherever it is told: "In Umeå, opposition councillors have
        # tabled a motion calling on the city to sever its links with Petrozavodsk".
        proposal = ev.type in ("proposed", "termination_proposed")
        # An ending or a freeze a named city has made is news wherever a report tells it
        # in the present perfect: "In the east, Białystok ... has frozen its links with
        # Grodno" (not a survey's "Some, like Prague with Beijing, have ended theirs").
        ending = ev.type in ("suspended", "terminated") and self._named_subject(ev.trigger)
        if not self._in_lede(ev) and not proposal and not ending:
            return False
        tok = self.tokens[ev.trigger]
        # Up to the verb that carries the tense: "we have decided to suspend", "have
        # agreed to begin talks on a friendship link", "have tabled a motion calling on".
        # ("has voted down a proposal to establish": the outcome of one, too)
        about_proposal = proposal or ev.type in ("blocked", "retained")
        if about_proposal and tok.dep in ("nsubj", "nsubjpass") and tok.head != tok.i:
            tok = self.tokens[tok.head]  # "Plans for a formal link ... have been halted"
        for _ in range(7 if about_proposal else 3):
            if tok.tag == "VBN" or tok.head == tok.i:
                break
            if about_proposal and tok.dep in ("nsubj", "nsubjpass") and tok.lemma in _MOTIONS:
                # "Plans to twin Galway with Qingdao have been shelved", "A petition
                # calling on Bath to sever ties ... has gathered 2,000 signatures"
                tok = self.tokens[tok.head]
                continue
            infinitive = tok.dep == "advcl" and any(
                self.tokens[c].dep == "aux" and self.tokens[c].lower == "to"
                for c in self.children.get(tok.i, ())
            )  # "has given the mayor the go-ahead to negotiate a sister city agreement"
            # ("has signed a letter of intent to form a sister city relationship")
            instrument = tok.dep in ("pobj", "prep") and tok.lower in ("of", "intent")
            # ("has proposed twinning Bath with Kaposvár": the tagger's gerund modifier)
            gerund = tok.dep == "amod" and tok.tag == "VBG"
            # ("has voted against ending the partnership": a preposition's gerund)
            against = (tok.dep == "pcomp" and tok.tag == "VBG") or (
                tok.dep == "prep" and tok.lower in ("against", "for", "on")
            )
            if tok.dep not in _TO_TENSE and not (
                # ("has asked Cambridge to review and possibly end its link")
                about_proposal
                and (tok.dep in ("acl", "conj") or infinitive or instrument or gerund or against)
            ):
                break
            tok = self.tokens[tok.head]
        if tok.tag != "VBN" or not any(
            self.tokens[c].dep == "aux" and self.tokens[c].lower in ("has", "have")
            for c in self.children.get(tok.i, ())
        ):
            return False
        sent = self.parsed.sentences[ev.sentence]
        own = self.clause_chain(tok.i)
        words = {
            t.lower for t in self.tokens[sent.tok_start : sent.tok_end]
            # (not "its sister city of 30 years": how long the tie had lasted)
            if not (
                t.lower in ("years", "decades")
                and t.i >= 2
                and self.tokens[t.i - 1].tag == "CD"
                and self.tokens[t.i - 2].lower == "of"
            )
            # nor a relative clause's ("Karlovy Vary, the spa town that has for decades
            # been a magnet for Russian visitors, has frozen ...")
            # (or any clause below another word: "days before a community celebration
            # marking 35 years since the agreement was signed in 1986")
            and not (
                self.tokens[self.clause_of(t.i)].dep in ("relcl", "acl", "advcl")
                and self.clause_of(t.i) not in own
            )
        }  # fmt: skip
        counted = _COUNTED_FROM_OTHER.search(self.parsed.text[sent.start : sent.end])
        if counted and counted.group("n"):
            # "have voted to restore ..., five years after suspending it": counted from the
            # earlier event up to now, not back from now
            words -= {"years", "decades"}
        # A date in another clause ("the agreement signed in 1993") dates that clause.
        dated = any(self.clause_of(sd.tok) in own for sd in self.sentence_dates(ev.sentence))
        return not words & _LOOKS_BACK and not dated

    def _simple_past(self, i: int) -> bool:
        # The tense is carried by the trigger or by the verb it depends on ("voted to
        # suspend", "moved to sever").
        tok = self.tokens[i]
        # (up to "asked during the same meeting for the commission to bring back a
        # resolution ending ...": seven steps; a motion seeking approval of a memorandum
        # twinning X with Y: ten)
        for _ in range(10):
            aux = [
                self.tokens[c]
                for c in self.children.get(tok.i, ())
                if self.tokens[c].dep in ("aux", "auxpass")
            ]
            head = self.tokens[tok.head]
            if (
                any(a.lower in ("will", "would", "should") for a in aux)
                and tok.dep == "ccomp"
                and head.tag == "VBD"
                and head.lemma in _REPORTING
            ):
                # ("a councillor suggested that the town should also seek a twinning")
                return True  # "Mercer said he would bring a motion to end ...": today's news
            if any(
                a.lower
                in (
                    "has",
                    "have",
                    "'ve",
                    "’ve",
                    "will",
                    "would",
                    "could",
                    "may",
                    "might",
                    "should",
                    "can",
                )
                for a in aux
            ):
                return False
            # "was frozen": the tagger's adjective in a passive is a past participle
            if tok.tag == "VBD" or (
                tok.tag in ("VBN", "JJ") and any(a.lower in ("had", "was", "were") for a in aux)
            ):
                return True
            if tok.tag == "VB" and any(a.lower == "did" for a in aux):
                return True  # "Cabinet did not support the proposal"
            if tok.text.isupper() and tok.lower.endswith("ed") and len(tok.text) > 3:
                return True  # minutes' "The motion CARRIED", which the tagger calls a name
            if tok.dep == "acomp" and tok.text.isupper() and self.tokens[tok.head].tag == "VBD":
                return True  # minutes' "The motion was LOST"
            head = self.tokens[tok.head]
            if (
                tok.tag in ("VBP", "VBZ")
                and tok.dep == "ccomp"
                # minutes' capitalised "RESOLVED that the Council approves" is tagged a name
                and ((head.tag == "VBD" and head.lemma in _REPORTING) or head.lower == "resolved")
            ):
                return True  # "officials said they plan to establish ...": news of the day
            if (
                # (or passive: "recommended that the agreement ... be terminated")
                (tok.tag == "VB" or (tok.tag == "VBN" and any(a.lower == "be" for a in aux)))
                and tok.dep == "ccomp"
                and head.tag == "VBD"
                and head.lemma in _PROPOSING
            ):
                return True  # "Cllr Mason proposed that the Council explore a link": subjunctive
            # An infinitive or participle clause ("moved, seconded by B, to terminate")
            # takes the tense of the verb it hangs on.
            nonfinite = (
                (tok.dep == "advcl" and tok.tag in ("VB", "VBN", "VBG"))
                or (tok.dep == "amod" and tok.tag == "VBG")  # "a memorandum ... twinning X"
                # "rejected calls to suspend the twinning": the parser's relative clause
                or (
                    tok.dep == "relcl"
                    and tok.tag == "VB"
                    and any(
                        self.tokens[c].dep == "aux" and self.tokens[c].lower == "to"
                        for c in self.children.get(tok.i, ())
                    )
                )
            )
            # "A motion to sever ... was defeated 10-4": a proposal as the subject takes
            # the tense of its verb
            proposal_subject = tok.dep in ("nsubj", "nsubjpass") and tok.lemma in _MOTIONS
            if (
                tok.dep not in ("xcomp", "acl", "pcomp", "pobj", "prep", "dobj", "conj")
                and not nonfinite
                and not proposal_subject
            ) or tok.head == tok.i:
                return False
            tok = self.tokens[tok.head]
        return False

    def _frame(self, ev: EventMention, sent, event_sentences: set[int]) -> EventDate | None:
        s = ev.sentence
        # (an outcome told right after its proposal shares the proposal's frame: "In
        # 2019 a councilor proposed dropping the Lerdo relationship. The council voted it
        # down 6-1.")
        if s == 0 or ((s - 1) in event_sentences and "+anaphora" not in ev.rule_id):
            return None
        prev = self.parsed.sentences[s - 1]
        if prev.paragraph != sent.paragraph:
            return None
        words = {t.lower for t in self.tokens[sent.tok_start : sent.tok_end]}
        if words & _PROGRESSION and "+anaphora" not in ev.rule_id:
            return None
        dates = self.sentence_dates(s - 1)
        if not dates:
            return None
        first = dates[0]
        # Only a date that opens the sentence frames the narrative ("In 2019, ...").
        lead = self.tokens[prev.tok_start : first.tok + 1]
        # ("In March last year a councillor called for ... The motion was heavily
        # defeated": a relative date reaching back past the report's year frames it too)
        back = (
            first.relative
            and self.published is not None
            and first.value.value[:4] < self.published.value[:4]
        )
        # (the sentence before must tell the proposal itself, not a speech against it:
        # "Several Members spoke against the motion, noting the flood-relief collection
        # made in 1997. ... the motion was LOST")
        if len(lead) > 4 and "+anaphora" in ev.rule_id and (s - 1) in event_sentences:
            # "The relationship hit a bump in 2017, when a councillor moved to end it.
            # The motion failed 9-2": a proposal's fate shares the one year its
            # sentence gives, wherever it stands there
            # (not a tie's age: "a resolution in February to end the relationship,
            # which dates back to 1984")
            told = [
                d for d in dates
                if not d.since
                and not _DATES_TO.search(
                    self.parsed.text, max(0, (d.value.start or 0) - 30), d.value.start or 0
                )
            ]  # fmt: skip
            years = {d.value.value[:4] for d in told}
            if len(told) == len(dates) and len(years) == 1 and not told[0].relative:
                v = told[0].value
                return EventDate(DateValue(v.value[:4], "year", v.start, v.end), "explicit")
        if len(lead) > 4 or (first.relative and not back):
            return None
        return EventDate(first.value, "relative" if first.relative else "explicit")


def _trim(value: DateValue, text: str) -> DateValue:
    """Drop a leading preposition from the span ("in 2020" -> "2020")."""
    s, e = value.start, value.end
    while s < e and text[s] in " ,(":
        s += 1
    for prep in ("in ", "In ", "on ", "On ", "since ", "Since ", "by ", "By ", "from ", "From "):
        if text.startswith(prep, s) and s + len(prep) < e:
            s += len(prep)
            break
    while e > s and text[e - 1] in " ,.;:)":
        e -= 1
    return DateValue(value.value, value.precision, s, e)
