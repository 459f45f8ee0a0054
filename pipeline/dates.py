"""Date expressions: find them, parse them at their true precision, resolve relative ones.

dateparser is used here and nowhere else, always with `languages=["en"]` (much faster
and far fewer false dates) and only on short date spans, never on whole articles. It
fills a bare "1988" with today's month and day, so the precision is worked out from
the expression itself and kept beside the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from pipeline.models import DateValue

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
    # a page header's capitals: "16:42, 5 FEB 2025"
    r"|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|"
    r"DECEMBER|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT|SEP|OCT|NOV|DEC)\.?"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9][0-9]{2}|20[0-9]{2})"
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?"

# Written-out date expressions, most specific first so alternation prefers them.
DATE_RE = re.compile(
    rf"""(?x)
    (?<![:.]) # (not the minutes of "14:03 November 21, 2022")
    \b(?:{_WEEKDAY}\s+)?(?:
        {_MONTH}\s+{_DAY},?\s+{_YEAR}          # August 1, 2010 / May 05, 2021
      | {_DAY}\s+day\s+of\s+{_MONTH},?\s+{_YEAR}  # 14th day of June, 2023 (minutes)
      | {_DAY}\.?\s+{_MONTH},?\s+{_YEAR}       # 1 August 2010, 27. June 2024
      | {_DAY}-{_MONTH}-{_YEAR}                # 15-Sep-2023
      | {_MONTH}\s+-\s+{_DAY}\s+-\s+{_YEAR}      # Jan - 20 - 2025 (Graphic Online)
      | {_MONTH},?\s+{_YEAR}                   # May 2023 / May, 2023
      | {_MONTH},\s+{_DAY}/{_YEAR}              # October, 17/2019 (Viet Nam News)
      | {_MONTH}\s+of\s+{_YEAR}                # March of 2022
      | {_MONTH}\s+(?:of\s+)?['’]\d\d(?![\w'’])   # March of '22, March '22 (speech)
      | {_YEAR}([-/.])(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12][0-9]|3[01])  # 2021-05-05, 2024.04.23
      | (?:0?[1-9]|1[0-2])([/-])(?:0?[1-9]|[12][0-9]|3[01])\2{_YEAR}  # 07/01/2020
      | (?:1[3-9]|2[0-9]|3[01])([/-])(?:0?[1-9]|1[0-2])\3{_YEAR}      # 18/01/2024: day first
      | (?:0?[1-9]|[12][0-9]|3[01])\.(?:0?[1-9]|1[0-2])\.{_YEAR}  # 15.02.2024: day first
      | {_MONTH}\s+{_DAY}(?![\d,]*\s*{_YEAR})  # January 12 (year from context)
      | {_DAY}\s+{_MONTH}(?!,?\s*{_YEAR})      # 12 January
    )(?![a-z0-9_-])""",
)
_YMD = re.compile(rf"({_YEAR})[-/.](0[1-9]|1[0-2])[-/.](0[1-9]|[12][0-9]|3[01])")
_DMY_DOTS = re.compile(rf"(0?[1-9]|[12][0-9]|3[01])\.(0?[1-9]|1[0-2])\.({_YEAR})")
# (a range's first year too: "in 1986-87", "1986–1987"; not a numeric date "1986-05-12")
YEAR_RE = re.compile(rf"(?<![\w/.-]){_YEAR}(?![\w/]|\.\d)(?![-–](?!(?:\d{{2}}|\d{{4}})(?![\w/-])))")
# "signed in '98": a year by its last two digits (not "the '90s", a decade)
# "1953–2022", "(1989-2005)", "1990 to 2015": a span of years, its first and last
YEAR_RANGE = re.compile(r"((?:1[89]|20)\d\d)\s*(?:[-–—]|\bto\b)\s*((?:1[89]|20)\d\d)")
SHORT_YEAR = re.compile(r"(?<![\w'’])['’](\d\d)(?![\w'’%])")

_DURATION = re.compile(
    r"(?i)(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|several|many))"
    r"[\s-]*(?:year|month|week|day|decade|centur)|\b(?:years|decades|centuries)\b|"
    r"\d{4}s\b|'\d0s\b|\bold\b|\bage\b|\bago\b|\brecent\b"
)
_RELATIVE = re.compile(
    r"(?i)\b(?:today|yesterday|tonight|this\s+(?:morning|afternoon|evening|week|month|year)|"
    r"(?:last|past|previous)\s+(?:week|month|year|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|earlier\s+this\s+(?:week|month|year)|"
    r"(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
                "eighteen": 18, "nineteen": 19}  # fmt: skip
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
              "seventy": 70, "eighty": 80, "ninety": 90}  # fmt: skip
_UNITS = "|".join(w for w, n in NUMBER_WORDS.items() if 1 <= n <= 9 and w not in ("a", "an"))
# A count in words or digits: "a", "three", "10", "twenty", "Twenty-five".
COUNT = (
    "(?:(?:" + "|".join(TENS_WORDS) + rf")(?:[-\s](?:{_UNITS}))?"
    "|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|\d{1,2})"
)
_YEARS_BACK = re.compile(
    rf"(?i)({COUNT})\s+(years?|decades?)\s+(?:earlier|before|ago)"
    # "Forty years ago this June": that month, so many years back
    rf"(?:,?\s+this\s+({_MONTH}|month|week))?"
)


def count(word: str) -> int:
    """The number a COUNT match stands for."""
    word = word.lower()
    tens, _, units = word.replace(" ", "-").partition("-")
    if tens in TENS_WORDS:
        return TENS_WORDS[tens] + NUMBER_WORDS.get(units, 0)
    return NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else 0)


_DAY_OF = re.compile(r"(?i)^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+day\s+of\b")
_MONTH_OF_YEAR = re.compile(rf"(?i)({_MONTH})\s+(?:of\s+)?(last|previous|this|next)\s+year")
_MONTH_OF_NUMBER = re.compile(rf"(?i)({_MONTH})\s+(?:of\s+)?({_YEAR}|['’]\d\d)")
_MONTH_NUMBERS = {
    m: k for k, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}
_LEADING = re.compile(r"(?i)^(?:in|on|since|from|by|as\s+of|during|at|until|of)\s+")
# A part of a period is dated by the period, at its precision: "earlier this month",
# "late last year", "the end of April", "mid-2019". ("later this year" is still to come.)
_PART_OF = re.compile(
    r"(?i)^(?:(?:at\s+|by\s+)?(?:the\s+)?(?:end|start|beginning|middle|turn)\s+of\s+"
    r"|(?:earlier|early|late)\s+(?=this\b|last\b|\w+\s+\d{4}\b|\d{4}\b|[A-Z][a-z]+$)"
    r"|mid-?\s*(?=\d{4}\b|[A-Za-z]+\s+\d{4}\b|this\b|last\b))"
)


@dataclass(frozen=True, slots=True)
class Citation:
    """A parenthesised source citation with a date: "(RFA, July 23, 2021)"."""

    start: int
    end: int
    date: DateValue | None  # the first dated item, resolved if it had no year


def _as_datetime(base: date | None) -> datetime | None:
    if base is None:
        return None
    return datetime(base.year, base.month, base.day)


@lru_cache(maxsize=1)
def _parser():
    # Imported lazily: dateparser takes a moment to import and most callers never need it.
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"])


def _dateparser(expr: str, base: date | None) -> tuple[date, str] | None:
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = _as_datetime(base)
    from dateparser.date import DateDataParser

    parser = DateDataParser(languages=["en"], settings=settings) if base else _parser()
    data = parser.get_date_data(expr)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), (data.period or "day")


def _format(d: date, precision: str) -> str:
    if precision == "year":
        return f"{d.year:04d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


SEASONS = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
NAMED_PERIOD = re.compile(
    # ("this may take years": the modal is no month)
    r"(?i)\b(last|this|past|next)\s+(january|february|march|april|(?-i:May)|june|july|"
    r"august|september|october|november|december|spring|summer|autumn|fall|winter)\b"
)


def _named_period(m: re.Match, base: date | None, start, end) -> DateValue | None:
    """ "last July" (the latest July before the report's month), "this summer", "last
    spring": resolved against the publication date; a season to its year."""
    if base is None:
        return None
    which, name = m.group(1).lower(), m.group(2).lower()
    if which == "next":
        return None  # a plan, not yet an event
    if name in SEASONS:
        year = base.year - (1 if which in ("last", "past") else 0)
        if name == "winter" and which in ("last", "past") and base.month <= 3:
            year = base.year  # "last winter" said in February: the winter just gone
        return DateValue(f"{year:04d}", "year", start, end)
    month = MONTHS[name]
    if which == "this":
        return DateValue(f"{base.year:04d}-{month:02d}", "month", start, end)
    year = base.year if month < base.month else base.year - 1
    return DateValue(f"{year:04d}-{month:02d}", "month", start, end)


# "talks have been under way since the spring": the latest such season, begun by now
# ("since the spring of 2022" has its year)
SINCE_SEASON = re.compile(
    r"(?i)\bsince\s+(?:the\s+)?(spring|summer|autumn|fall|winter)\b(?!\s+(?:of\s+)?\d)"
)


# "The idea took shape in the autumn": told in the past, the latest such season begun by
# the report (a season to come is told with a year or "next")
IN_SEASON = re.compile(
    r"(?i)\b(?:in|during|over)\s+the\s+(spring|summer|autumn|fall|winter)\b"
    r"(?!\s+(?:of\s+)?(?:\d|last|this|next))"
)


def _since_season(m: re.Match, base: date | None, start, end) -> DateValue | None:
    if base is None:
        return None
    month = SEASONS[m.group(1).lower()]
    year = base.year if month <= base.month else base.year - 1
    return DateValue(f"{year:04d}", "year", start, end)


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_expression(
    expr: str, base: date | None = None, start: int | None = None, end: int | None = None
) -> DateValue | None:
    """Parse one date expression ("August 1, 2010", "1988", "this week", "January 12").

    `base` is the publication date that relative and year-less expressions resolve
    against; without it they give None rather than a guess. Durations ("21-year",
    "35 years"), decades ("the 1990s") and ages are not dates and give None.
    """
    text = " ".join(expr.split())
    text = re.sub(r"['’]s$", "", text)  # "last Tuesday's meeting"
    season = SINCE_SEASON.fullmatch(text) or IN_SEASON.fullmatch(text)
    if season is not None:
        return _since_season(season, base, start, end)
    text = _LEADING.sub("", text).strip(" ,.;:()[]")
    text = _DAY_OF.sub(r"\1", text)  # "the 14th day of June, 2023"
    text = _PART_OF.sub("", text)  # "earlier this year", "the end of April": that period
    if not text or len(text) > 60:
        return None
    if base is not None and text.lower() == _DAY_NAMES[base.weekday()]:
        # "on Wednesday" in a story of Wednesday: that very day (a wire story is filed
        # the day it tells of), not the week before
        return DateValue(base.isoformat(), "day", start, end)
    month_of = _MONTH_OF_YEAR.fullmatch(text)
    if month_of:
        # "March last year", "in May of this year": the month of the year counted from
        # the publication date (dateparser reads neither)
        if base is None:
            return None
        month = _MONTH_NUMBERS[month_of.group(1)[:3].lower()]
        year = (
            base.year
            + {"last": -1, "previous": -1, "this": 0, "next": 1}[month_of.group(2).lower()]
        )
        return DateValue(f"{year:04d}-{month:02d}", "month", start, end)
    month_year = _MONTH_OF_NUMBER.fullmatch(text)
    if month_year:
        # "March of 2022", "March of '22": the month of that year (a two-digit year the
        # latest not after the report)
        year_text = month_year.group(2)
        if year_text[0] in "'’":
            if base is None:
                return None
            year = base.year // 100 * 100 + int(year_text[1:])
            year -= 100 if year > base.year else 0
        else:
            year = int(year_text)
        month = _MONTH_NUMBERS[month_year.group(1)[:3].lower()]
        return DateValue(f"{year:04d}-{month:02d}", "month", start, end)
    back = _YEARS_BACK.fullmatch(text)
    if back:
        # "a year earlier", "two years ago": counted back from the publication date.
        if base is None:
            return None
        n = count(back.group(1)) * (10 if back.group(2).lower().startswith("decade") else 1)
        if back.group(3):
            this = back.group(3)[:3].lower()
            month = base.month if this in ("mon", "wee") else _MONTH_NUMBERS[this]
            return DateValue(f"{base.year - n:04d}-{month:02d}", "month", start, end)
        return DateValue(f"{base.year - n:04d}", "year", start, end)  # ("a decade ago")
    named = NAMED_PERIOD.fullmatch(text)
    if named:
        return _named_period(named, base, start, end)
    if _DURATION.search(text):
        return None
    if re.fullmatch(_YEAR, text):
        return DateValue(text, "year", start, end)
    short = SHORT_YEAR.fullmatch(text)
    if short:
        # the latest such year not after the report ("'98" in 2022 is 1998, "'05" 2005)
        if base is None:
            return None
        year = base.year // 100 * 100 + int(short.group(1))
        year -= 100 if year > base.year else 0
        return DateValue(f"{year:04d}", "year", start, end)
    ymd = _YMD.fullmatch(text)
    if ymd:  # "2019/08/07" (agency datelines): year first, so never day-month ambiguous
        return DateValue("-".join(ymd.groups()), "day", start, end)
    dots = _DMY_DOTS.fullmatch(text)
    if dots:  # "15.02.2024": where dots separate the numbers, the day comes first
        day, month, year = (int(g) for g in dots.groups())
        try:
            return DateValue(date(year, month, day).isoformat(), "day", start, end)
        except ValueError:  # 31.02.2024
            return None
    has_year = re.search(_YEAR, text) is not None
    relative = _RELATIVE.search(text) is not None
    has_month = re.search(_MONTH, text) is not None
    if not has_year and base is None:
        return None
    if not (has_year or relative or has_month):
        return None
    if has_month and not has_year and not relative and text.lower().strip(". ") == "may":
        return None  # "may" is far more often the modal verb than the month
    parsed = _dateparser(text, base)
    if parsed is None:
        return None
    d, period = parsed
    if period in ("day", "time"):
        precision = "day"
    elif period in ("month", "week"):
        precision = "month"
    else:
        precision = "year"
    if has_year and not re.search(rf"{_DAY}\b(?!\d)", re.sub(_YEAR, "", text)):
        # "May 2023" and "Fri May, 2023" name a month, however dateparser filled it in.
        precision = "month" if has_month else "year"
    if re.search(r"(?i)\bweek\b", text):
        precision = "month"  # a week is narrower than a month but has no ISO form here
    elif re.search(r"(?i)\b(?:this|last|past|previous)\s+year\b", text):
        precision = "year"
    return DateValue(_format(d, precision), precision, start, end)


# ("- 1949 - Sunderland becomes ...": a bulleted entry too)
_TIMELINE_ENTRY = re.compile(
    rf"[ \t]*(?:[-–—•·*▪][ \t]+)?({_YEAR})[ \t]*(?:[–—:]|-(?!\d))[ \t]+(?=[A-Z\"“'])"
)


def timeline_year(text: str, start: int, end: int) -> DateValue | None:
    """The leading year of a timeline entry in text[start:end] ("2019 – The council
    terminates ..."), with its span; None for any other paragraph."""
    m = _TIMELINE_ENTRY.match(text, start, end)
    return DateValue(m.group(1), "year", m.start(1), m.end(1)) if m else None


def find_date_expressions(text: str, start: int = 0, end: int | None = None):
    """Spans of written-out dates in text[start:end], as (start, end) pairs."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in DATE_RE.finditer(text, start, end)]


_CITATION = re.compile(r"\(([^()\n]{3,400})\)")
_UNDATED = re.compile(r"(?i)\bundated\b|\bn\.d\.")


def find_citations(
    text: str, start: int, end: int, base: date | None, is_place=None
) -> list[Citation]:
    """Dated source citations in parentheses within text[start:end].

    A citation is a parenthesis whose items look like "Source, <date>" separated by
    semicolons; `is_place(source)` rules out "(Finland, 1989)". The first dated item
    dates the citation; a year-less one
    ("Global News, January 12") resolves against the publication date.
    """
    found = []
    for m in _CITATION.finditer(text, start, end):
        inner_start = m.start(1)
        body = m.group(1)
        first: DateValue | None = None
        dated_items = 0
        offset = 0
        for item in body.split(";"):
            item_start = inner_start + offset
            offset += len(item) + 1
            if "," not in item:
                continue
            if _UNDATED.search(item):
                dated_items += 1
                continue
            # The date sits at the end of the item: take the last match.
            dm = next(reversed(list(DATE_RE.finditer(item))), None)
            if dm is None:
                ym = list(YEAR_RE.finditer(item))
                if not ym:
                    continue
                s, e = ym[-1].span()
            else:
                s, e = dm.span()
            if item[e:].strip(" .,"):
                continue  # text after the date: a sentence in parentheses, not a citation
            source = item[:s].strip(" ,")
            if is_place is not None and is_place(source):
                continue  # "Turku (Finland, 1989)": a place and a year, not a source
            dated_items += 1
            if first is None:
                first = parse_expression(item[s:e], base, item_start + s, item_start + e)
        if dated_items:
            found.append(Citation(m.start(), m.end(), first))
    return found


def relative_base(value: DateValue | None) -> date | None:
    """The date relative expressions resolve against: the last day `value` covers.

    A publication date known only to the month ("May 2023") must still put
    "May 10" in 2023 and "this week" in May, so the period's end is the base.
    """
    if value is None:
        return None
    parts = [int(p) for p in value.value.split("-")]
    try:
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            nxt = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


# --- Day or month first --------------------------------------------------------------

_NUMERIC = re.compile(rf"(?<![\d/.-])(\d{{1,2}})([/-])(\d{{1,2}})\2({_YEAR})(?![\d/-])")
_DAY_CLOCK = re.compile(r"\b(?:1[3-9]|2[0-3])[:.][0-5]\d\b(?!\s*[ap]\.?m)", re.I)
_DAY_MONTH_WORDS = re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b")
_MONTH_DAY_WORDS = re.compile(rf"\b{_MONTH}\s+{_DAY},\s+{_YEAR}\b")
# Spellings and time zones of countries that write the day first (Britain, Ireland,
# Australia, New Zealand, India...) against those of the United States.
_DAY_FIRST_HINTS = re.compile(
    r"\b(?:\w+is(?:ed|ation|ing)|travell(?:ed|ing)|centre|programme|colour|honour|"
    r"favour|neighbour\w*|labour|organis\w+|BST|GMT|AEST|AEDT|NZST|NZDT|IST|Cllr)\b"
)
_MONTH_FIRST_HINTS = re.compile(
    r"\b(?:\w+iz(?:ed|ation|ing)|travel(?:ed|ing)|center|color|honor|favor|neighbor\w*|"
    r"labor|EST|EDT|CST|CDT|MST|MDT|PST|PDT)\b"
)
# Words like "realised" and "organized" are common; ambiguous-looking words that are
# spelled alike everywhere ("raised", "advertised", "size") must not count.
_SAME_EVERYWHERE = frozenset(
    "raised praised poised advised devised revised supervised televised surprised "
    "promised compromised exercised advertised comprised premised chastised "
    "raising praising advising revising supervising surprising promising exercising "
    "advertising comprising rising arising bruised cruised despised improvised "
    "franchised seized sized prized".split()
)


def day_first(text: str) -> bool:
    """Whether "12/03/2024" in this text means 12 March (True) or December 3 (False).

    Decided by the text's other dates first (a "25/03/2024" or "12 March 2024" settles
    it), then by spellings and time zones ("organised", "BST" against "organized",
    "EST"); with no evidence, month first as in the United States.
    """
    votes = 0
    for m in _NUMERIC.finditer(text):
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 >= second:
            votes += 10
        elif second > 12 >= first:
            votes -= 10
    votes += 3 * len(_DAY_MONTH_WORDS.findall(text))
    votes -= 3 * len(_MONTH_DAY_WORDS.findall(text))
    # A 24-hour clock ("07/04/2022 - 14:11") is not the United States'.
    votes += len(_DAY_CLOCK.findall(text))
    if votes:
        return votes > 0
    uk = [w for w in _DAY_FIRST_HINTS.findall(text) if w.lower() not in _SAME_EVERYWHERE]
    us = [w for w in _MONTH_FIRST_HINTS.findall(text) if w.lower() not in _SAME_EVERYWHERE]
    return len(uk) > len(us)


def swap_day_month(value: DateValue, expr: str) -> DateValue:
    """`value` read day first when `expr` is an ambiguous "a/b/yyyy" (both at most 12)."""
    m = _NUMERIC.fullmatch(expr.strip())
    if m is None or value.precision != "day":
        return value
    a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if a > 12 or b > 12 or a == b:
        return value
    return DateValue(date(year, b, a).isoformat(), "day", value.start, value.end)
