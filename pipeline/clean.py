"""Cleaning: raw bytes -> the cleaned text every later offset points into.

`clean(raw)` never raises on bad input. Empty, binary or undecodable bytes, pages
without an article body, pages trafilatura fails on and articles in another language
come back as a CleanDocument with `status="skipped:<reason>"` (empty, binary,
undecodable, no-article-body, html-error, not-english) and empty text; such a
document's doc_id is `doc_id_for("skipped:<sha256 of the raw bytes>")`, so two different
bad inputs never share an id while the same bytes always get the same one.

Cleaned-text contract (extraction depends on it): `\\n` line endings, one block
(paragraph, heading, byline line) per line, blocks separated by exactly one blank line,
no trailing whitespace and no leading or trailing blank lines. Words are never
rewritten: no quote or Unicode normalisation of our own, so spans quote the article
(only characters that print as nothing are dropped: controls, zero-width spaces,
direction marks, soft hyphens).

HTML goes through trafilatura (precision mode, comments off) and its metadata; plain
text goes through our own rule file (`data/boilerplate.jsonl`, see `textclean`) and a
byline/dateline reader for title, author and publication date.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from datetime import date as calendar_date
from functools import lru_cache
from importlib import resources

from pipeline import language
from pipeline.dates import DATE_RE, day_first, parse_expression, swap_day_month
from pipeline.ids import doc_id_for
from pipeline.models import CleanDocument, DateValue, RawDocument
from pipeline.textclean import boilerplate_rule, looks_hard_wrapped, menu_runs, unwiki, unwrap

# --- Bytes -> str ------------------------------------------------------------------

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"\x7fELF",
    b"OggS",
    b"ID3",
    b"\xd0\xcf\x11\xe0",  # OLE: .doc, .xls
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252, and so do the pages that declare them.
_WINDOWS_1252_ALIASES = {"latin_1", "iso8859-1", "ascii", "iso8859_1", "cp819"}
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Invisible formatting characters: soft hyphen, zero-width space, direction marks and
# embeddings, word joiner, invisible operators. They print as nothing, but inside a
# word ("Bei\u200bjing") or glued to one ("Cardiff.\u200f") they hide the word from the
# gazetteer and the tagger. Zero-width (non-)joiners stay: scripts and emoji need them.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_HTML_START = re.compile(
    r"(?is)\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title)\b"
)
_HTML_ANYWHERE = re.compile(r"(?i)<(?:html|body|head)[\s>]")
_ANY_TAG = re.compile(r"<[A-Za-z!/]")
_MEDIA_CHARSET = re.compile(r"(?i)charset\s*=\s*[\"']?([\w.:-]+)")


@dataclass(frozen=True, slots=True)
class _Decoded:
    text: str | None
    reason: str | None  # skip reason when text is None
    encoding: str | None = None


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC):
        return True
    sample = data[:8192]
    # Text may carry a stray control character (a bell, an ESC); binary data is full of them.
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 11, 12, 13))
    return controls > max(4, 0.02 * len(sample))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few stray bytes (a cut-off character, one pasted cp1252 quote)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good >= 2 * bad


def decode(raw: RawDocument) -> _Decoded:
    """Decode robustly: UTF-8 first, then the declared or <meta> charset, then a guess.

    The declared charset is tried only after UTF-8 because servers and files often
    declare latin-1 for UTF-8 bytes; the reverse mistake makes strict UTF-8 fail.
    """
    data = raw.content
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _Decoded(data[len(bom) :].decode(encoding), None, encoding)
            except UnicodeDecodeError:
                return _Decoded(None, "undecodable")
    if b"\x00" in data[:8192]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            return _Decoded(None, "binary")
        try:
            return _Decoded(data.decode(encoding), None, encoding)
        except UnicodeDecodeError:
            return _Decoded(None, "undecodable")
    if _looks_binary(data):
        return _Decoded(None, "binary")
    declared = raw.charset
    if declared is None and (m := _MEDIA_CHARSET.search(raw.media_type or "")):
        declared = m.group(1)  # "text/html; charset=ISO-8859-1"
    # Only HTML has <meta charset>, and a plain text that happens to contain one is rare.
    meta = _META_CHARSET.search(data[:8192])
    candidates = ["utf-8", _codec(declared), _codec(meta.group(1)) if meta else None]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            return _Decoded(data.decode(encoding), None, encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    fallback = "utf-8" if _mostly_utf8(data) else "cp1252"
    text = data.decode(fallback, "replace")
    if text.count("\ufffd") > 0.05 * len(text):
        return _Decoded(None, "undecodable")
    return _Decoded(text, None, fallback)


def _normalise_text(text: str) -> str:
    """One kind of line break, no control or invisible characters; nothing else changes."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", text)).replace("\ufeff", "")
    return _INVISIBLE.sub("", text)


def _is_html(text: str, media_type: str | None) -> bool:
    """Declared HTML with some markup, or text that clearly is HTML whatever was declared."""
    head = text[:4096]
    if _HTML_START.match(head) or _HTML_ANYWHERE.search(head[:1024]):
        return True
    declared = "html" in (media_type or "").lower()
    return declared and _ANY_TAG.search(text[:65536]) is not None


# --- Assembly ------------------------------------------------------------------------


def _has_words(block: str) -> bool:
    return any(ch.isalnum() for ch in block)


def _assemble(blocks: list[str]) -> tuple[str, list[int]]:
    offsets = []
    pos = 0
    for block in blocks:
        offsets.append(pos)
        pos += len(block) + 2
    return "\n\n".join(blocks), offsets


def _skipped(raw: RawDocument, reason: str) -> CleanDocument:
    digest = hashlib.sha256(raw.content).hexdigest()
    return CleanDocument(
        doc_id=doc_id_for(f"skipped:{digest}"),
        source=raw.source,
        source_name=raw.source_name,
        text="",
        status=f"skipped:{reason}",
    )


def clean(raw: RawDocument, check_language: bool = True) -> CleanDocument:
    """Raw bytes -> cleaned text, title, author and publication date (see module doc).

    A cleaned text that is clearly not English is `skipped:not-english` (the rules only
    read English); `check_language=False` keeps it (to measure the cleaner alone).
    """
    if not raw.content or not raw.content.strip():
        return _skipped(raw, "empty")
    decoded = decode(raw)
    if decoded.text is None:
        return _skipped(raw, decoded.reason or "undecodable")
    text = _normalise_text(decoded.text)
    if not text.strip():
        return _skipped(raw, "empty")
    html = _is_html(text, raw.media_type)
    try:
        result = _clean_html(text) if html else _clean_plain(text)
    except _HtmlFailed:
        return _skipped(raw, "html-error")
    if result is None or not result.blocks:
        return _skipped(raw, "no-article-body")
    body, offsets = _assemble(result.blocks)
    if check_language and not language.is_english(body):
        return _skipped(raw, "not-english")
    published = result.published
    if published is not None and result.date_block is not None:
        base = offsets[result.date_block]
        published = DateValue(
            published.value, published.precision, base + published.start, base + published.end
        )
    return CleanDocument(
        doc_id=doc_id_for(body),
        source=raw.source,
        source_name=raw.source_name,
        text=body,
        title=result.title,
        author=result.author,
        published=published,
    )


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one path found: blocks of text and metadata before assembly."""

    blocks: list[str]
    title: str | None = None
    author: str | None = None
    # A date read from the text has start/end relative to blocks[date_block].
    published: DateValue | None = None
    date_block: int | None = None


# --- Plain text ----------------------------------------------------------------------

_PROSE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_BYLINE = re.compile(
    r"^(?:by|written by|words by|posted by|author)\s*:?\s+"
    r"(?P<names>[^\W\d_][\w.'’-]*(?:[ ,&]+(?:and\s+)?[^\W\d_][\w.'’-]*){0,11})"
    # (the date may follow the name with no mark between: "by Olena Hrytsenko June 7, 2023
    # 5:48 PM  3 min read")
    r"(?P<rest>\s*(?:[,|•·–—-]|\bon\b|(?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d)).*)?$",
    re.IGNORECASE,
)
_FILED_FROM = re.compile(r"\s+(?:in|from)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}\s*$")
_NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s+|,|&|\band\b)\s*", re.IGNORECASE)
_NAME_PARTICLES = {"de", "da", "del", "der", "van", "von", "bin", "al", "la", "le", "di", "du"}
_DATE_LABEL = re.compile(
    r"(?i)^(?:(?:published|posted|updated|date[d]?|first published|last updated)"
    r"(?:\s+on)?\s*:?\s*|on\s+)?$"
)
# "All News 14:03 November 21, 2022": a wire site's section and the hour, then the date
_SECTION_TIME = re.compile(r"(?:[A-Z][\w&-]*\s+){0,3}\d{1,2}:\d{2}\s+")
_HEADER_BLOCKS = 12


def _words(block: str) -> int:
    return len(block.split())


def _is_prose(block: str) -> bool:
    n = _words(block)
    return n >= 30 or (n >= 20 and _PROSE_END.search(block) is not None)


def _byline_names(block: str) -> list[str] | None:
    if len(block) > 120:
        return None
    m = _BYLINE.match(block)
    if not m:
        return None
    # "By Zhao Lin in Harbin": where the reporter filed from is not part of the name.
    listed = _FILED_FROM.sub("", m.group("names"))
    names = [n.strip(" .") for n in _NAME_SPLIT.split(listed) if n.strip(" .")]
    for name in names:
        tokens = name.split()
        if not 1 <= len(tokens) <= 5:
            return None
        if not all(t[0].isupper() or t.lower() in _NAME_PARTICLES for t in tokens):
            return None
    return names or None


def _date_in_line(block: str, allow_byline: bool) -> DateValue | None:
    """A publication-style date in a short header line, with its span in the block."""
    if len(block) > 80:
        return None
    updated = None
    prev_end = 0
    for m in DATE_RE.finditer(block):
        before = block[: m.start()]
        label = block[prev_end : m.start()]
        prev_end = m.end()
        if not (
            _DATE_LABEL.match(before)
            or _SECTION_TIME.fullmatch(before)
            or (allow_byline and _BYLINE.match(block))
            # "Updated March 4 2022 - 6:14am, first published March 3 2022 - 9:30pm"
            or _PUBLISHED.search(label)
        ):
            continue
        value = parse_expression(m.group(0), None, m.start(), m.end())
        if value is None:
            continue
        if _UPDATED.search(label):
            updated = updated or value  # the publication date may follow
            continue
        return value
    return updated


def _title_like(block: str) -> bool:
    n = _words(block)
    return (
        2 <= n <= 30
        and len(block) <= 200
        and (block[0].isupper() or block[0].isdigit() or block[0] in "\"'“‘")
        and not block.endswith((".", ",", ";", ":"))
        and "|" not in block
        and _BYLINE.match(block) is None
        and DATE_RE.match(block) is None
    )


def _read_header(
    blocks: list[str], copyright_year: str | None = None
) -> tuple[str | None, str | None, int | None, DateValue | None]:
    """Title, author, and the block index and value of the publication date."""
    header = []
    for i, block in enumerate(blocks[:_HEADER_BLOCKS]):
        if _is_prose(block) and not _MINUTES.match(block):
            break
        header.append(i)

    byline, names = None, None
    for i in header:
        names = _byline_names(blocks[i])
        if names:
            byline = i
            break
    author = "; ".join(names) if names else None

    first_date_line = next(
        (i for i in header if _date_in_line(blocks[i], allow_byline=False) is not None), None
    )
    # A headline has something under it: the last block of a document is never its title.
    candidates = [
        i
        for i in header
        if _title_like(blocks[i]) and i < len(blocks) - 1 and _dateline(blocks[i]) is None
    ]
    title_at = None
    if byline is not None:
        title_at = max((i for i in candidates if i < byline), default=None)
    if title_at is None:
        # Headlines come before datelines; a date at the very top leaves all candidates.
        before = [i for i in candidates if first_date_line is None or i < first_date_line]
        before = before or candidates
        title_at = max(before, key=lambda i: (_words(blocks[i]), -i), default=None)
    title = blocks[title_at] if title_at is not None else None

    date_at, date = None, None
    if byline is not None:
        # The date printed with the byline (same line or right next to it) is the article's;
        # a date elsewhere in the header can be the page's own (an issue date, today).
        for i in (byline, byline + 1, byline - 1, byline + 2):
            if i in header:
                date = _date_in_line(blocks[i], allow_byline=i == byline)
                if date is not None:
                    date_at = i
                    break
    if date is None and len(header) == _HEADER_BLOCKS:
        # A long header (a blog's sidebar copied first: "Archives", "April 2022", ...): a
        # labelled line further down, before the story, is the post's own date.
        for i in range(_HEADER_BLOCKS, min(len(blocks), _LONG_HEADER_BLOCKS)):
            if _is_prose(blocks[i]):
                break
            value = _date_in_line(blocks[i], allow_byline=True)
            if value is not None:
                date_at, date = i, value
                break
    if date is None:
        # No byline date: a header line that is a date and little else ("Published 12 May
        # 2021", "Mar. 8, 2022 4:51 PM CST", "World News | Thu Mar 3, 2022 | 4:12pm EST").
        # A labelled publication date beats an unlabelled one (a meeting date); an
        # "Updated" date never wins.
        found = []
        for i in header:
            hit = _dateline(blocks[i], i > 0 and bool(_MEETING_HEADING.match(blocks[i - 1])))
            if hit is None:
                continue
            label = blocks[i - 1].strip().casefold() if i > 0 else ""
            if label in _UPDATED_LABELS:
                continue  # "UPDATED" / "JAN 12, 2024, 10:40 AM": a label on its own line
            if _LIFE_DATE.match(blocks[i]):
                continue  # an obituary's "Born: May 2nd, 1931" / "Died: October 11th, 2016"
            labelled = hit[1] or label in _PUBLISHED_LABELS
            # "THE IRISH TIMES          Tue, Mar 4, 2025": the masthead's date, set apart
            # at the line's end, is the day the page was printed or viewed; a date line of
            # the story's own comes first
            # (so is a first line's "GhanaWeb | Sunday, 14 January 2024", a site's name
            # and the day the page was viewed)
            masthead = hit[0].start is not None and (
                _MASTHEAD_DATE.search(blocks[i][: hit[0].start])
                or (i == 0 and _SITE_BAR.match(blocks[i][: hit[0].start]))
            )
            # (a date labelled as the publication's beats a meeting's: "Draft minutes,
            # published 16 November 2023" under the minutes of the 13 November meeting)
            published = labelled and _PUBLISHED.search(
                _FILLER.sub(" ", _TIME.sub(" ", blocks[i][: hit[0].start]))
            )
            found.append((-1 if published else 0 if labelled else 2 if masthead else 1, i, hit[0]))
        if found:
            _, date_at, date = min(found, key=lambda f: (f[0], f[1]))
    if date is None:
        # A paper's or journal's issue line: "Working Paper No. 14, March 2021", "Vol. 38,
        # No. 4, December 2010, pp. 512-515", "Latin American Municipal Studies 23 (2008):
        # 77-102" (never the dates of the works it cites, further down)
        for i in header:
            value = _issue_date(blocks[i])
            if value is not None:
                date_at, date = i, value
                break
    if date is None:
        # A standfirst between headline and date ("An Ohio city's bond with ... chapter." /
        # "Published Aug. 4, 2021"): a labelled date line just below it.
        after = header[-1] + 1 if header else 0
        for i in range(after, min(after + _DEK_BLOCKS, len(blocks))):
            value = _date_in_line(blocks[i], allow_byline=False)
            if value is not None and _PUBLISHED.search(blocks[i][: value.start]):
                date_at, date = i, value
                break
            # "Kirra Donnelly / April 6, 2024 - 5:30AM" under the standfirst: a short
            # line that is a name and a date, or a date alone
            hit = _dateline(blocks[i]) if len(blocks[i]) <= 80 else None
            if hit is not None and hit[0].precision == "day":
                date_at, date = i, hit[0]
                break
    if date is None:
        # No date above the story: its wire dateline ("MACON, France, Sept 16, 2023 (AFP) -")
        lead = header[-1] + 1 if header else 0
        if lead < len(blocks):
            date = _wire_dateline(blocks[lead])
            date_at = lead if date is not None else None
    if date is None:
        # Nor in its first lines: a note at the end ("This article was first published
        # on 3 April 2023."), or a resolution's adoption above its signatures
        date_at, date = _closing_date(blocks, _trailer_date, _TRAILER_BLOCKS)
    if date is None:
        date_at, date = _closing_date(blocks, _adopted_date, _ADOPTED_BLOCKS)
    if date is None:
        # An encyclopedia page's stamp of its version ("This page was last edited on 2
        # February 2025, at 06:41 (UTC)."): the text as of that day, for a page that
        # states no date of its own
        date_at, date = _closing_date(blocks, _edited_date, _TRAILER_BLOCKS)
    if date is None:
        # A wire story with the day in its dateline and the year only in the closing
        # copyright line ("BRATISLAVA, Feb 16 (Reuters) -" ... "© 2024 Thomson Reuters")
        lead = header[-1] + 1 if header else 0
        day = _wire_day(blocks[lead]) if lead < len(blocks) else None
        if day is not None and copyright_year is not None:
            span, text = day
            value = parse_expression(f"{text} {copyright_year}", None, *span)
            if value is not None and value.precision == "day":
                date_at, date = lead, value
    if date is None:
        # Only an "Updated" stamp ("PTI | Pune | Updated: 14-02-2023 17:12 IST"): the
        # page's own date all the same.
        after = header[-1] + 1 if header else 0
        near = [*header, *(i for i in range(after, min(after + _DEK_BLOCKS, len(blocks))))]
        for i in near:
            hit = _updated_line(blocks[i])
            if hit is not None:
                date_at, date = i, hit
                break
        lead = next(
            (i for i in range(date_at + 1, len(blocks)) if _is_prose(blocks[i])), len(blocks)
        ) if date_at is not None else len(blocks)  # fmt: skip
        if date is not None and lead < len(blocks):
            # ... and the story's dateline has the day without the year ("SEOUL, Oct 12
            # (Reuters) -" under "Last Updated: Oct 13, 2021"): the day is the story's.
            filed = _yearless_dateline(blocks[lead], date)
            if filed is not None:
                date_at, date = lead, filed
    if date_at is not None and _TABLED.search(blocks[date_at]):
        # "UIN 134227, tabled on 3 March 2022" over the question, then "Answered on 10
        # March 2022": the record is the answer's
        for i in range(date_at + 1, min(date_at + _DEK_BLOCKS * 2, len(blocks))):
            m = _ANSWERED.match(blocks[i])
            value = parse_expression(m.group(1), None, *m.span(1)) if m else None
            if value is not None and value.precision == "day":
                date_at, date = i, value
                break
    return title, author, date_at, date


_TABLED = re.compile(r"(?i)\btabled\b")
_ANSWERED = re.compile(r"(?i)^answered\s+on\s+(.{6,30}?)\s*$")


_ISSUE_LINE = re.compile(
    r"(?i)^[^\n]{0,80}?(?:"
    r"\b(?:working|discussion|research|occasional|policy|briefing)\s+paper\s+(?:no\.?\s*)?"
    r"[\w./-]{1,10},?\s+"
    r"|\bvol(?:\.|ume)?\s*\d{1,4},\s*(?:no\.?|issue)\s*\d{1,4},\s*"
    r")(?P<date>(?:(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+)?(?:19|20)\d\d)\b"
)
# "Latin American Municipal Studies 23 (2008): 77-102": a journal, its volume, year, pages
_JOURNAL_LINE = re.compile(
    r"^[A-Z][\w&'’ .-]{5,80}\s\d{1,3}(?:\(\d{1,2}\))?\s*\((?P<date>(?:19|20)\d\d)\)\s*:\s*"
    r"\d+\s*[-–]\s*\d+\s*$"
)


_LIFE_DATE = re.compile(r"(?i)\s*(?:born|died|birth|death)\b\s*:?")
_MASTHEAD_DATE = re.compile(r"^[^\n]*[^\s\n] {3,}$")
# minutes' outcome lines, repeated under every motion and each telling its own
_OUTCOME_LINES = frozenset(
    ("carried", "carried unanimously", "defeated", "lost", "motion carried", "motion defeated")
)
_SITE_BAR = re.compile(r"^[^\s|][^|\n]{0,30}\|\s*$")


def _issue_date(block: str) -> DateValue | None:
    if len(block) > 160:
        return None
    m = _ISSUE_LINE.match(block) or _JOURNAL_LINE.match(block)
    if m is None:
        return None
    return parse_expression(m.group("date"), None, m.start("date"), m.end("date"))


_WIRE_NO_YEAR = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.'’ -]{1,30}){0,2},\s*"
    r"(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})"
    r"\s*\([A-Za-z][\w .&/-]{1,30}\)"
)


def _yearless_dateline(block: str, stamp: DateValue) -> DateValue | None:
    m = _WIRE_NO_YEAR.match(block)
    if m is None or stamp.precision != "day":
        return None
    base = calendar_date.fromisoformat(stamp.value)
    value = parse_expression(m.group("date"), base, m.start("date"), m.end("date"))
    if value is None or value.precision != "day" or value.value > stamp.value:
        return None
    return value


def _trailer_date(block: str) -> DateValue | None:
    """The date of a closing line: "This article was first published on 3 April 2023.",
    "Page last updated: 3 March 2022", "Issued: 12/04/2022 | Authorised by ..."."""
    trailer = _TRAILER.search(block) if len(block) <= 160 else None
    if trailer is None:
        return None
    span = _FROM_TO.match(block, trailer.end())
    if span is not None:
        # "Published by The Herald-Times from Nov. 17 to Nov. 19, 2023": the first day
        value = parse_expression(f"{span['first']} {span['year']}", None, *span.span("first"))
        if value is not None:
            return value
    m = DATE_RE.match(block, trailer.end())
    return parse_expression(m.group(0), None, m.start(), m.end()) if m else None


# A resolution's closing formula, above its signature blocks: "ADOPTED BY THE CITY
# COUNCIL ... at a regular meeting thereof this 9th day of March, 2023."
# A report's own note of its adoption: "This Annual Report was adopted by the Members of
# Wexford County Council at the Ordinary Meeting of the Council held on 8 May 2023".
_ADOPTED = re.compile(
    r"(?i)\b(?:passed|adopted|approved)\b[^.\n]{0,120}?\bthis\s+(?=\d)"
    r"|\bthis\s+(?:[a-z]+\s+){0,2}(?:report|plan|strategy|policy|document)\s+was\s+"
    r"(?:adopted|approved)\b[^.\n]{0,160}?\bon\s+(?=\d)"
)
_ADOPTED_BLOCKS = 12


def _closing_date(blocks: list[str], read, within: int) -> tuple[int | None, DateValue | None]:
    """The last of the closing `within` blocks that `read` finds a date in."""
    for i in range(len(blocks) - 1, max(len(blocks) - within, 0) - 1, -1):
        value = read(blocks[i])
        if value is not None:
            return i, value
    return None, None


_EDITED = re.compile(r"(?i)^this page was last edited on\s+")


def _edited_date(block: str) -> DateValue | None:
    found = _EDITED.match(block) if len(block) <= 120 else None
    m = DATE_RE.match(block, found.end()) if found else None
    return parse_expression(m.group(0), None, m.start(), m.end()) if m else None


def _adopted_date(block: str) -> DateValue | None:
    found = _ADOPTED.search(block) if len(block) <= 300 else None
    m = DATE_RE.match(block, found.end()) if found else None
    return parse_expression(m.group(0), None, m.start(), m.end()) if m else None


_FROM_TO = re.compile(
    r"from\s+(?P<first>[A-Z][a-z]{2,8}\.?\s+\d{1,2})\s+to\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+"
    r"(?P<year>(?:19|20)\d\d)"
)
# "April 2, 1936 – November 14, 2023" under an obituary's name: a life, not the page's date
_LIFESPAN = re.compile(
    r"^\W*(?:\w+\.?\s+)?\d{1,2},?\s+(?:1[89]|20)\d\d"
    r"\s*[–—-]\s*\w+\.?\s+\d{1,2},?\s+(?:19|20)\d\d\W*$"
)

_SLUG_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})/")
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*(?P<y>(?:19|20)\d\d)\b", re.I)

_UPDATED_LABELS = frozenset(("updated", "last updated", "modified", "last modified"))
_PUBLISHED_LABELS = frozenset(("published", "posted", "first published", "published on"))


def _updated_line(block: str) -> DateValue | None:
    """The date of a short header line labelled "Updated"."""
    if len(block) > 120:
        return None
    for m in DATE_RE.finditer(block):
        # ("Posted: June 21, 2022, 5:32 p.m. | Updated: June 22, 2022": the posting)
        if _PUBLISHED.search(block[: m.start()]):
            value = parse_expression(m.group(0), None, m.start(), m.end())
            if value is not None and value.precision == "day":
                return value
    for m in DATE_RE.finditer(block):
        if _UPDATED.search(block[: m.start()]):
            value = parse_expression(m.group(0), None, m.start(), m.end())
            if value is not None and value.precision == "day":
                return value
    return None


_TRAILER_BLOCKS = 4
_DEK_BLOCKS = 6
_LONG_HEADER_BLOCKS = 40
_TRAILER = re.compile(
    r"(?i)\b(?:(?:was\s+)?(?:first|originally)\s+(?:published|printed|appeared)\b[^.]{0,40}?"
    r"\b(?:on|in)\s+"
    # "Originally published as <headline> | Townsville Bulletin, 2 August 2023"
    r"|(?:first|originally)\s+published\s+as\b.{0,140}[|,–—]\s*(?=[^|,–—]{0,30}$)"
    # "Published by The Daily Gazette on Mar. 3", "... from Nov. 17 to Nov. 19, 2023"
    r"|published\s+by\b[^.\n]{0,60}?\b(?:on|(?=from\s))\s*"
    # a page's only date: "Page last updated: 3 March 2022", "This page was last updated
    # on 28/08/2023" (not a wiki's "last edited" stamp of its latest change)
    r"|(?:page\s+)?last\s+(?:updated|modified|reviewed)\s*:?\s*(?:on\s+)?"
    r"|(?:issued|date\s+of\s+issue|published|posted)\s*:\s*"  # "Issued: 12/04/2022 | ..."
    # "© 2022 Urban Foreign Policy Network. Posted 11/08/2022"
    r"|\bposted\s+(?:on\s+)?(?=\d)"
    # a municipal page's "Stand: 14.06.2023" (German: as of)
    r"|stand\s*:\s*"
    # "This article appeared in the print edition of The Examiner on Tuesday, November 21"
    r"|appeared\s+in\s+(?:the\s+)?print\s+edition\b[^.\n]{0,60}?\bon\s+)"
)


# A dateline opening a story: a place in capitals, perhaps its region or country, a date
# with its year, perhaps the agency, then a dash: "TEGUCIGALPA, 18 May 2023 (EFE).-".
# A press release's: "FLAGSTAFF, Ariz. — March 6, 2024 —", "Cape Coast, 4th September
# 2023 –" (the place in capitals or capitalised, the date between dashes).
_WIRE = re.compile(
    r"^(?:[A-Z][A-Z.'’ /-]{1,40}|[A-Z][a-z]+(?:[ /-][A-Z][a-z]+){0,2})"
    r"(?:,\s*[A-Z](?:[^\W\d_]|[.'’ -]){1,30}){0,2}(?:,|\s+[–—])\s*(?P<date>[^()]{5,30}?)"
    r"\s*(?:\([A-Za-z][\w .&/-]{1,30}\))?\s*\.?\s*[-–—]"
)


def _wire_day(block: str) -> tuple[tuple[int, int], str] | None:
    """The day of a wire dateline that gives no year ("BRATISLAVA, Feb 16 (Reuters) -")."""
    m = _WIRE.match(block)
    if m is None or re.search(r"\b(?:19|20)\d\d\b", m.group("date")):
        return None
    if not re.fullmatch(r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}", m["date"]):
        return None
    return (m.start("date"), m.end("date")), m.group("date")


def _wire_dateline(block: str) -> DateValue | None:
    m = _WIRE.match(block)
    if m is None:
        return None
    d = DATE_RE.fullmatch(m.group("date"))
    if d is None:
        return None
    value = parse_expression(d.group(0), None, m.start("date"), m.end("date"))
    return value if value is not None and value.precision == "day" else None


_TIME = re.compile(
    r"(?i)\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}T)?\b|\b\d{1,2}\s*[ap]\.?m\.?\b"
)
# ("Answered on 10 March 2022": a parliamentary answer's record is the answer's date)
_PUBLISHED = re.compile(
    r"(?i)\b(?:published(?: online)?|posted|first published|dated?|answered|issued)\b\W*$"
)
_UPDATED = re.compile(r"(?i)\b(?:updated|last updated|modified|edited)\b\W*$")
# ("| 1988 |", "| 1990 to 2015 |", "| 1996–2022 |")
_YEAR_IN_ROW = re.compile(r"\|\s*(?:1[89]|20)\d\d(?:\s*(?:[-–]|to)\s*(?:1[89]|20)\d\d)?\s*(?:\||$)")


@lru_cache(maxsize=1)
def _foreign_months() -> tuple[re.Pattern, dict[str, int]]:
    text = resources.files("pipeline.data").joinpath("month_names.tsv").read_text("utf-8")
    months = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, number = line.split("\t")
            months[name] = int(number)
    names = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    return (
        re.compile(
            rf"(?i)(?:\b(?P<day>[12]\d|3[01]|0?[1-9])\.?\s+(?:de\s+)?)?\b(?P<month>{names})"
            rf"\s+(?:de\s+)?(?P<year>(?:19|20)\d\d)\b"
        ),
        months,
    )


def _foreign_month(block: str) -> DateValue | None:
    """ "Bulletin municipal n° 87 – Juillet 2024": a month of another language in a
    header line (an English date is read first)."""
    if DATE_RE.search(block):
        return None
    regex, months = _foreign_months()
    m = regex.search(block)
    if m is None:
        return None
    month = f"{m.group('year')}-{months[m.group('month').lower()]:02d}"
    if m.group("day"):
        # "12. Oktober 2022", "8 de mayo de 2023", "12 septembre 2023"
        try:
            day = calendar_date(
                int(m.group("year")), months[m.group("month").lower()], int(m.group("day"))
            )
        except ValueError:
            return None
        return DateValue(day.isoformat(), "day", m.start(), m.end())
    return DateValue(month, "month", m.start("month"), m.end())


_SEASON_YEAR = re.compile(r"(?i)\b(spring|summer|autumn|fall|winter)\s+((?:19|20)\d\d)\b")
_ISSUE = re.compile(r"(?i)\b(?:no|vol|issue|nr)\.?\s*\d+")
_ISSUE_DATE = re.compile(
    r"(?i)\b(?:no|issue|nr)\.?\s*\d+[^()\n]{0,12}\((?P<date>[A-Za-z]{0,9}\.?\s*(?:1[89]|20)\d\d)\)"
)
_FILLER = re.compile(
    r"(?i)\b(?:on|at|am|pm|gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|aest|et|ct|pt|mt)\b"
)


# (or a run of spaces set between columns: "Tuesday, June 13, 2023     6:30 PM     Hybrid")
_CELL_SEP = re.compile(r"\s+[|–—•·]\s+|\s+-\s+| {4,}|\t")
_EDITION = re.compile(r"\((?:[^()]{0,30})\)")
# "Minutes of the ... Meeting held ... on <date>", or its second line on its own
# ("held in the Council Chamber, ... on Monday 14 October 2024").
# ("EXTRACT FROM THE MINUTES OF THE ORDINARY COUNCIL MEETING HELD ON TUESDAY, ...")
_MINUTES = re.compile(
    r"(?i)^(?:(?:extract|excerpt)\s+from\s+(?:the\s+)?)?(?:minutes of\b[^.]{0,200}?)?\bheld\b"
)


def _header_cell_date(block: str) -> DateValue | None:
    """A masthead line of cells, one of them a date: "Bay Business Review | Wednesday,
    21 August 2024 | By Lincoln Hastings", "Source: Xinhua | 2025-11-18 21:06:14",
    "Eastern Borderlands Institute – Working Paper No. 14 – September 2025"."""
    if len(block) > 160:
        return None
    pos = 0
    cells = []
    for sep in _CELL_SEP.finditer(block):
        cells.append((pos, block[pos : sep.start()]))
        pos = sep.end()
    cells.append((pos, block[pos:]))
    if len(cells) < 2:
        return None
    for offset, cell in cells:
        for m in DATE_RE.finditer(cell):
            if _UPDATED.search(cell[: m.start()]):
                break
            rest = _EDITION.sub(" ", cell[: m.start()] + " " + cell[m.end() :])
            rest = _FILLER.sub(" ", _TIME.sub(" ", rest))
            if len(re.findall(r"[^\W\d_]{2,}", rest)) > 1:
                continue
            value = parse_expression(m.group(0), None, offset + m.start(), offset + m.end())
            if value is not None and value.precision in ("day", "month"):
                return value
    return None


_ERA_DATE = re.compile(
    r"\b(?P<md>[A-Z][a-z]{2,8}\.? \d{1,2}),? (?:Reiwa|Heisei|Showa|Shōwa) \d{1,2} "
    r"\((?P<y>(?:19|20)\d\d)\)"
)
# ("Meeting of Wednesday 22 June 2022, Kirkenes town hall", "Presented to the Annual
# General Meeting, Thursday, 14 March 2024, Rathaus Tübingen")
_MEETING_HEADING = re.compile(
    r"(?i)^(?:(?:minutes|agenda|notice)\s+of|presented\s+(?:to|at))\b.{0,60}\bmeeting\W*$"
)
_MEETING_LABEL = re.compile(
    r"(?i)\bmeeting(?:\s+(?:held\s+)?(?:on|of))?\s*[-–—:,]?\s*"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?$"
)
# A numbered row of a text table, cells split by bars, tabs or runs of spaces
_NUMBERED_ROW = re.compile(
    r"^\s*\|?\s*\d{1,3}\.?(?:\s*[|\t]|\s{2,})(?:[^|\t\n]+(?:[|\t]| {2,})){2,}"
)
_HELD_IN = re.compile(r"\sheld\s+(?:in|at)\s+the\s+(?:[A-Z]\w+\s+){1,3}on\b")
_ISSUED = re.compile(r"(?i)\b(?:issued|date of issue|release date)\b")


def _dateline(block: str, meeting_above: bool = False) -> tuple[DateValue, bool] | None:
    """The date of a header line that is mostly a date, and whether it is labelled
    (`meeting_above`: the line under a meeting's heading gives the meeting's date)."""
    if _NUMBERED_ROW.match(block):
        return None  # "8 | Usuki | Japan | Friendly city | 2011.08.03": a table's row
    if block.isupper() and len(block.title()) == len(block):
        block = block.title()  # "COUNCIL MEETING – WEDNESDAY 24 APRIL 2024": same offsets
    # (or its "held" line run on after the address above it: "... Herefordshire HR8 1DH
    # held in the Council Chamber on Monday 14 October 2019")
    minutes = _MINUTES.match(block) or _HELD_IN.search(block)
    if minutes is not None:
        # "Minutes of the Ordinary Meeting of the Council held ... on Thursday 14 March
        # 2024": the meeting's date is the record's.
        m = DATE_RE.search(block, minutes.end())
        value = parse_expression(m.group(0), None, m.start(), m.end()) if m else None
        if value is not None and value.precision == "day":
            return value, True
    if len(block) > 90:
        cell = _header_cell_date(block)
        if cell is not None:
            return cell, False
        if len(block) > 160 or not any(
            _MEETING_LABEL.search(block[: m.start()]) for m in DATE_RE.finditer(block)
        ):
            return None
    if _LIFESPAN.match(block):
        return None
    slug = _SLUG_DATE.search(block) if " " not in block.strip() else None
    if slug is not None:
        # "sheffieldtelegraph.co.uk/news/people/2023/10/17/bochum-and-sheffield-...": a
        # page address copied above the story carries its date
        y, mo, d = (int(slug[g]) for g in ("y", "m", "d"))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return DateValue(f"{y:04d}-{mo:02d}-{d:02d}", "day", slug.start(), slug.end()), False
    era = _ERA_DATE.search(block)
    if era is not None:
        # "Date of issue: October 5, Reiwa 4 (2022)": a Japanese era year, the Western
        # year in brackets
        value = parse_expression(f"{era['md']} {era['y']}", None, era.start(), era.end())
        if value is not None:
            return value, bool(_PUBLISHED.search(block[: era.start()]) or _ISSUED.search(block))
    for m in DATE_RE.finditer(block):
        before = block[: m.start()]
        if _UPDATED.search(before):
            continue
        value = parse_expression(m.group(0), None, m.start(), m.end())
        if value is None:
            continue
        rest = block[: m.start()] + " " + block[m.end() :]
        if _ISSUE.search(rest):
            continue  # "07/01/2020 No. 157": a periodical's issue header, not the article's
        rest = _TIME.sub(" ", rest)
        rest = _FILLER.sub(" ", rest)
        words = re.findall(r"[^\W\d_]{2,}", rest)
        # "Published 3:14 p.m. ET March 9, 2022": a time may sit between label and date
        labelled = bool(_PUBLISHED.search(_FILLER.sub(" ", _TIME.sub(" ", before))))
        allowed = 6 if labelled else 4
        if _MEETING_LABEL.search(before) or meeting_above:
            # "AGENDA ITEM 7 – Ordinary Council Meeting 12 March 2024": the paper's (or
            # "Wednesday 27 November 2019, 7:00pm, Council Chamber, Town Hall" under
            # "MINUTES OF COUNCIL MEETING")
            allowed = 10
        if len(words) <= allowed:
            return value, labelled
        if labelled and _own_segment_short(block, m.start(), m.end()):
            return value, labelled  # "Published Nov 22, 2023 • Last updated 2 days ago • ..."
    # "Working Paper No. 27 (March 2016)", "Vol. 14, No. 2 (2018), pp. 211–236": the
    # bracketed date of a numbered issue is the date of the document it heads.
    issue = _ISSUE_DATE.search(block)
    if issue is not None:
        value = parse_expression(issue.group("date"), None, *issue.span("date"))
        if value is not None:
            return value, False
    cell = _header_cell_date(block)
    if cell is not None:
        return cell, False
    foreign = _foreign_month(block)
    if foreign is not None:
        return foreign, False
    short = _SHORT_NUMERIC.match(block)
    if short is not None:
        # "21/02/24 13:40, Society": a two-digit year with the time of posting (day
        # first where the first number cannot be a month, else month first)
        a, b, yy = (int(g) for g in short.groups())
        day, month = (a, b) if a > 12 else (b, a)
        if 1 <= month <= 12 and 1 <= day <= 31:
            value = f"20{yy:02d}-{month:02d}-{day:02d}"
            return DateValue(value, "day", short.start(1), short.end(3)), False
    season = _SEASON_YEAR.search(block)
    if season is not None and len(block.split()) <= 8:
        # "Spring 2022 Newsletter": the season's year
        return DateValue(season.group(2), "year", season.start(2), season.end(2)), False
    return None


_SHORT_NUMERIC = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d\d)\s+\d{1,2}:\d{2}\b")


# (or a sentence's end: "Draft minutes, published 16 November 2023. Subject to ...")
_SEGMENT_BREAK = re.compile(r"\s[•|·]\s|\.\s+(?=[A-Z])")


def _own_segment_short(block: str, start: int, end: int) -> bool:
    """The date's own part of a line cut by bullets or bars holds little but the date."""
    lo = max((m.end() for m in _SEGMENT_BREAK.finditer(block, 0, start)), default=0)
    nxt = _SEGMENT_BREAK.search(block, end)
    hi = nxt.start() if nxt else len(block)
    rest = _FILLER.sub(" ", _TIME.sub(" ", block[lo:start] + " " + block[end:hi]))
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 3


def _only_date(block: str, date: DateValue) -> bool:
    rest = block[: date.start] + block[date.end :]
    return not re.search(r"\w", rest)


def plain_blocks(text: str) -> list[str]:
    """Blank-line-separated groups of lines -> blocks, unwrapping hard-wrapped text."""
    lines = [line.strip() for line in text.split("\n")]
    width = looks_hard_wrapped(lines)
    blocks: list[str] = []
    group: list[str] = []
    for line in [*lines, ""]:
        if line:
            group.append(line)
        elif group:
            blocks.extend(unwrap(group, width))
            group = []
    return blocks


_PAGE_MARK = re.compile(
    r"(?i)(?:\b(?:page|pg\.?|packet\s+pg\.?)\s*\d+(?:\s*(?:of|/)\s*\d+)?\b|^\W*\d{1,4}\W*$)"
)
# A sentence cut by a page break ends on a word or a comma; the page's footnotes,
# running lines and attachment notes stand between it and its rest.
_CUT_OFF = re.compile(r"(?:[^\W\d_]|[,;–-])$")  # (not a footer's page number)
_WORD_CUT = re.compile(r"[^\W\d_]-$")  # "delegations from Tla-" / "quepaque visited"
_PAGE_GAP_BLOCKS = 4
_PAGE_GAP_CHARS = 200


def _carry_over_pages(blocks: list[str]) -> list[str]:
    """Join a paragraph cut by a page break to its rest, which starts in lower case after
    the page's furniture ("... resuming the relationship and" / [footer] / "recommend that
    it be formally ended."); the furniture follows the joined paragraph."""
    out: list[str] = []
    for block in blocks:
        # (not a lower-case byline under a headline: "by Olena Hrytsenko June 7, 2023")
        at = _cut_paragraph(out) if block[:1].islower() and _byline_names(block) is None else None
        if at is None:
            out.append(block)
            continue
        prev = out[at]
        hyphenated = prev.endswith("-") and prev[-2:-1].isalpha()  # "con-" / "sidered"
        out[at] = prev[:-1] + block if hyphenated else prev + " " + block
    return out


def _cut_paragraph(out: list[str]) -> int | None:
    """The index of the paragraph a page break cut, among the last few blocks; only short
    blocks (footnotes, running lines) may stand after it."""
    for k in range(len(out) - 1, max(len(out) - _PAGE_GAP_BLOCKS, 0) - 1, -1):
        if (len(out[k]) >= 60 and _CUT_OFF.search(out[k])) or _WORD_CUT.search(out[k]):
            return k
        if len(out[k]) > _PAGE_GAP_CHARS:
            return None
    return None


def _clean_plain(text: str) -> Extracted:
    kept: list[str] = []
    seen_short: set[str] = set()
    blocks = plain_blocks(unwiki(text))
    menus = menu_runs(blocks)
    blocks = [b for i, b in enumerate(blocks) if i not in menus]
    for n, block in enumerate(blocks):
        if not _has_words(block):
            continue
        # "World News | Thu Mar 3, 2022 | 4:12pm EST" looks like a navigation bar but
        # carries the publication date: near the top it stays.
        # A closing "Issued: 12/04/2022 | Authorised by ..." line dates a page too.
        dateline = (
            _trailer_date(block) is not None
            or n < _HEADER_BLOCKS
            and (
                _dateline(block) is not None
                or _updated_line(block) is not None
                # "By Zhao Lin | China Daily | Published: 2021-09-22": a byline with its date
                or (_byline_names(block) is not None and _date_in_line(block, True) is not None)
            )
        )
        # A table row ("Kansas City | United States | 1988 | notes") has the pipes of a
        # navigation bar but a year a navigation bar never has.
        table_row = "|" in block and _YEAR_IN_ROW.search(block) is not None
        if boilerplate_rule(block, "plain") is not None and not (dateline or table_row):
            continue
        # (a page's number changes from page to page: "AGENDA ITEM 7 – ... Page 41")
        key = " ".join(_PAGE_MARK.sub(" ", block).split()).casefold()
        if not key and _PAGE_MARK.search(block):
            continue  # "Packet Pg. 58", "Page 1 of 1": a page's number alone
        if len(key) <= 80 and not _PROSE_END.search(block) and key not in _OUTCOME_LINES:
            if key in seen_short:
                continue  # a running header or footer repeated on every page
            seen_short.add(key)
        kept.append(block)
    kept = _carry_over_pages(kept)
    # (the copyright line itself is debris and goes, but its year can date a wire story)
    marks = [_COPYRIGHT_YEAR.search(b) for b in blocks[-_TRAILER_BLOCKS:]]
    copyright_year = next((m["y"] for m in reversed(marks) if m is not None), None)
    title, author, date_at, date = _read_header(kept, copyright_year)
    if date is not None and date_at is not None and day_first("\n".join(kept)):
        # "Published: 12/03/2024" on an Irish page is 12 March.
        date = swap_day_month(date, kept[date_at][date.start : date.end])
    return Extracted(kept, title, author, date, date_at)


# --- HTML ----------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")
# Precision mode sometimes latches onto a small box (a reprint notice, a teaser) and
# misses the article that balanced mode finds; below this share of the balanced text
# the precision result is not trusted.
_PRECISION_MIN_SHARE = 0.25
# Only short precision results are worth a second, balanced run.
_PRECISION_CHECK_BELOW = 1500
_TITLE_REPEAT_WITHIN = 3  # blocks from the top where a repeated headline is looked for
_TITLE_REPEAT_OVERLAP = 0.7  # Jaccard overlap of word sets that counts as the same headline
_MONTH_NAMES = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
)  # fmt: skip


class _HtmlFailed(Exception):
    """trafilatura raised on this page."""


def _trafilatura(html: str, precision: bool, metadata: bool):
    import trafilatura  # slow to import; plain-text runs never need it

    # trafilatura's parsers and fallbacks can fail on malformed markup in ways that are
    # the input's fault: such a page gets its own skip status (so it can be counted and
    # looked at) instead of crashing the whole run.
    try:
        return trafilatura.bare_extraction(
            html,
            favor_precision=precision,
            include_comments=False,
            include_tables=True,
            with_metadata=metadata,
        )
    except Exception as err:
        raise _HtmlFailed from err


def _lines(text: str | None) -> list[str]:
    if not text:
        return []
    lines = (line.strip() for line in _normalise_text(text).split("\n"))
    return [line for line in lines if line]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _drop_title_repeat(blocks: list[str], title: str | None) -> list[str]:
    """Drop the headline where it opens the body again; it is kept as `title` already.

    Pages often print a slightly different headline than their <title> ("Julian
    Assange: Sweden drops rape investigation" vs "Sweden drops Assange rape
    investigation"), so near-equal word sets count, but only for a headline-like block
    (no sentence end) among the first few.
    """
    wanted = set(_tokens(title or ""))
    if not wanted:
        return blocks
    kept = []
    for i, block in enumerate(blocks):
        words = set(_tokens(block))
        if (
            i < _TITLE_REPEAT_WITHIN
            and words
            and len(words & wanted) >= _TITLE_REPEAT_OVERLAP * len(words | wanted)
            and _words(block) <= 30
            and not _PROSE_END.search(block)
        ):
            continue
        kept.append(block)
    return kept


def _has_evidence(html: str, patterns: list[str]) -> bool:
    return any(re.search(p, html, re.IGNORECASE) for p in patterns)


def _metadata_date(iso: str | None, html: str) -> DateValue | None:
    """A metadata date at the precision the page supports.

    htmldate fills a missing day or month with 01 (a URL like /2019/11/ gives
    2019-11-01), so a first-of-month date is only trusted to the day when the page
    itself writes that day somewhere.
    """
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return None
    year, month, day = iso.split("-")
    if day != "01":
        return DateValue(iso, "day")
    name = _MONTH_NAMES[int(month) - 1]  # a prefix: Sep, Sept, September
    m = str(int(month))
    day_patterns = [
        rf"{year}-{month}-01",
        rf"{year}/{month}/01",
        rf"{year}\.{month}\.01",
        rf"\b0?1[./]0?{m}[./]{year}",
        rf"\b0?{m}/0?1/{year}",
        rf"\b{name}[a-z]*\.?\s+0?1(?:st)?,?\s+{year}",
        rf"\b0?1(?:st)?\s+{name}[a-z]*\.?,?\s+{year}",
    ]
    if _has_evidence(html, day_patterns):
        return DateValue(iso, "day")
    if month != "01" or _has_evidence(
        html, [rf"{year}-01\b", rf"{year}/01\b", rf"\bjan[a-z]*\.?,?\s+{year}"]
    ):
        return DateValue(iso[:7], "month")
    return DateValue(year, "year")


def _htmldate_fallback(html: str) -> str | None:
    import htmldate
    from lxml import html as lxml_html

    # A tree, never a string: htmldate fetches a string that looks like a URL.
    try:
        tree = lxml_html.fromstring(html)
        return htmldate.find_date(tree, original_date=True)
    except Exception:  # noqa: BLE001 - malformed markup is the input's fault
        return None


# A heading about a place's ties: "Twin towns – sister cities", "Sister cities",
# "International relations", "Partner cities", "Former twin towns".
_TIE_HEADING = re.compile(r"(?i)\b(?:twin|sister|partner|friendship|international relations)")
_TIE_HEADING_HTML = re.compile(
    r"(?is)<h[2-4]\b[^>]*>(?:(?!</h[2-4]).){0,300}?"
    r"\b(?:twin|sister|partner|friendship|international relations)"
)
_HEADINGS = ("h1", "h2", "h3", "h4")
_NOTE_CLASSES = ("hatnote", "navbox", "reflist", "references", "noprint")


def _restore_tie_sections(blocks: list[str], html: str) -> list[str]:
    """Put back what a section about a town's ties holds when the extractor dropped it.

    A wiki's "Twin towns – sister cities" section is a list of links ("Bourges,
    France"), which link-density filters take for navigation, and its lead-in
    ("Koszalin is twinned with:[3]") goes with it. Only a section whose heading the
    extractor kept is restored, so sidebars and menus it dropped stay dropped.
    """
    if not _TIE_HEADING_HTML.search(html):
        return blocks
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - malformed markup is the input's fault
        return blocks
    out = list(blocks)
    present = " ".join(_bare(b) for b in blocks)
    for heading in tree.iter(*_HEADINGS):
        name = _heading_text(heading.text_content())
        if not name or not _TIE_HEADING.search(name):
            continue
        at = next((i for i, b in enumerate(out) if _heading_text(b) == name), None)
        if at is None:
            continue
        missing = [
            line for line in _section_lines(heading) if _bare(line.lstrip("- ")) not in present
        ]
        out[at + 1 : at + 1] = missing
        present += " " + " ".join(_bare(line) for line in missing)
    return out


def _bare(text: str) -> str:
    """Text without its reference marks ("[4]") and with single spaces, for comparing."""
    return " ".join(re.sub(r"\[\d+\]", " ", text).split())


def _heading_text(text: str) -> str:
    """A heading's words without a wiki's "[edit]" link, for comparing."""
    return " ".join(re.sub(r"\[\s*edit\s*\]", " ", text).split()).casefold()


def _section_lines(heading) -> list[str]:
    """The text lines of what follows a heading up to the next heading: paragraphs,
    list items ("- Bourges, France") and table rows (cells joined by " | ")."""
    # (a heading wrapped in its own block: <div class="mw-heading"><h2>...</h2></div>)
    start = heading
    parent = heading.getparent()
    if (
        parent is not None
        and parent.tag == "div"
        and len(parent) == 1 + len(parent.findall("span"))
    ):
        start = parent
    lines: list[str] = []
    for sib in start.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib.tag in _HEADINGS or (sib.tag == "div" and any(True for _ in sib.iter(*_HEADINGS))):
            break
        lines.extend(_element_lines(sib))
    return lines


def _element_lines(el) -> list[str]:
    if any(c in (el.get("class") or "") for c in _NOTE_CLASSES):
        return []
    for sup in list(el.iter("sup")):
        sup.drop_tree()  # reference marks ("[3]")
    if el.tag in ("ul", "ol"):
        return [f"- {t}" for li in el.iter("li") if (t := " ".join(li.text_content().split()))]
    if el.tag == "table":
        rows = []
        for tr in el.iter("tr"):
            cells = [" ".join(c.text_content().split()) for c in tr if c.tag in ("td", "th")]
            if any(cells):
                rows.append("| " + " | ".join(cells) + " |")
        return rows
    if el.tag == "p":
        text = " ".join(el.text_content().split())
        return [text] if text else []
    if el.tag == "div":
        return [
            line for child in el if isinstance(child.tag, str) for line in _element_lines(child)
        ]
    return []


def _clean_html(html: str) -> Extracted | None:
    doc = _trafilatura(html, precision=True, metadata=True)
    text = doc.text if doc is not None else None
    if text is None or len(text) < _PRECISION_CHECK_BELOW:
        balanced = _trafilatura(html, precision=False, metadata=doc is None)
        if balanced is not None and balanced.text:
            if text is None or len(text) < _PRECISION_MIN_SHARE * len(balanced.text):
                text = balanced.text
            if doc is None:
                doc = balanced
    if doc is None:
        return None
    title = " ".join(doc.title.split()) if doc.title else None
    blocks = [
        block
        for block in _drop_title_repeat(_lines(text), title)
        if _has_words(block) and boilerplate_rule(block, "html") is None
    ]
    blocks = _restore_tie_sections(blocks, html)
    iso = doc.date or _htmldate_fallback(html)
    author = " ".join(doc.author.split()) if doc.author else None
    return Extracted(blocks, title or None, author or None, _metadata_date(iso, html))
