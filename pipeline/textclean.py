"""Plain-text blocks and the boilerplate filter shared by the HTML and plain-text paths.

A *block* is one paragraph, heading or byline line, without line breaks. Every rule that
drops a block lives in `data/boilerplate.jsonl` with an id, so a wrongly dropped block
can be traced to the rule that dropped it and that rule fixed in one place.

Rules only ever drop whole blocks; they never edit the words inside a block (only wiki
source is first read as its page shows it), so the text we return keeps the source's own
words, which extraction's character spans point into.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RULES_PATH = Path(__file__).parent / "data" / "boilerplate.jsonl"
SCOPES = ("plain", "html")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str  # "exact" (case-insensitive whole block) or "regex" (full match)
    scope: tuple[str, ...]  # which paths apply it: "plain", "html"
    pattern: str
    note: str
    regex: re.Pattern[str] | None


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_PATH) -> tuple[Rule, ...]:
    rules = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        rule_id = row["id"]
        if rule_id in seen:
            raise ValueError(f"{path}:{n}: duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        kind = row["kind"]
        scope = tuple(row["scope"])
        if kind not in ("exact", "regex") or not set(scope) <= set(SCOPES):
            raise ValueError(f"{path}:{n}: bad kind or scope in rule {rule_id!r}")
        pattern = row["pattern"]
        regex = re.compile(pattern) if kind == "regex" else None
        rules.append(Rule(rule_id, kind, scope, pattern, row.get("note", ""), regex))
    return tuple(rules)


def _squash(block: str) -> str:
    return " ".join(block.split())


def boilerplate_rule(block: str, scope: str, rules: Iterable[Rule] | None = None) -> str | None:
    """The id of the first rule that marks `block` as boilerplate, or None to keep it."""
    text = _squash(block)
    folded = text.casefold()
    for rule in load_rules() if rules is None else rules:
        if scope not in rule.scope:
            continue
        if rule.kind == "exact":
            if folded == rule.pattern.casefold():
                return rule.id
        elif rule.regex is not None and rule.regex.fullmatch(text):
            return rule.id
    return None


# --- Plain text: lines to blocks ---------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_WRAP_MAX = 100  # hard-wrapped text is wrapped narrower than this (72, 76, 80 are usual)


def looks_hard_wrapped(lines: list[str]) -> int | None:
    """The wrap width if this document's multi-line paragraphs are hard-wrapped.

    A hard-wrapped text has most of its lines close to one width and none much longer;
    a text with one paragraph per line (most web copies) has long lines, and a header of
    short lines ("By X", "August 1, 2010") must stay one block per line.
    """
    lengths = [len(line) for line in lines if line]
    if len(lengths) < 3:
        return None
    ordered = sorted(lengths)
    width = ordered[int(0.95 * (len(ordered) - 1))]
    if width > _WRAP_MAX or width < 30:
        return None
    if sum(1 for n in lengths if n > 1.5 * width) > 0.05 * len(lengths):
        return None  # short header lines over one long line per paragraph: not wrapped
    long_lines = [line for line in lines if len(line) >= 0.6 * width]
    if len(long_lines) < max(3, 0.4 * len(lengths)):
        return None
    # Wrapped lines mostly end mid-sentence; short one-paragraph-per-line text mostly
    # ends its lines with a full stop and must not be joined into one block.
    ended = sum(1 for line in long_lines if _SENTENCE_END.search(line))
    return width if ended < 0.5 * len(long_lines) else None


def _join(left: str, right: str) -> str:
    # A hyphen at the end of a wrapped line stays: dropping it would rewrite words
    # ("sister-\ncity"), and keeping the join tight keeps "inter-national" one token run.
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        return left + right
    return f"{left} {right}"


def unwrap(lines: list[str], width: int | None) -> list[str]:
    """Join the lines of one blank-line-separated group into blocks.

    Without a wrap width every line is its own block. With one, a line is continued on
    the next when the next line's first word would not have fitted on it: that is the
    one thing a wrapping program guarantees. Bulleted lines always start a block.
    """
    if width is None:
        return list(lines)
    blocks: list[str] = []
    current = ""
    last_len = 0  # length of the last physical line joined into `current`
    for line in lines:
        first_word = line.split(" ", 1)[0]
        # (or a long line of prose that stops mid-sentence: "approved by the former New" /
        # "Plymouth City Council in March 1975", wrapped short by hand or by justification)
        cut = last_len >= 0.6 * width and _MID_SENTENCE.search(current) is not None
        if (
            current
            and not _BULLET.match(line)
            and (last_len + 1 + len(first_word) > 0.85 * width or cut)
        ):
            current = _join(current, line)
        else:
            if current:
                blocks.append(current)
            current = line
        last_len = len(line)
    if current:
        blocks.append(current)
    return blocks


# MediaWiki source pasted as text: "* {{flagicon|FIN}} [[Kokkola|Karleby]], Finland (1940)",
# "'''Tartu'''"
_WIKI_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]|]+)\]\]")
_WIKI_FLAG = re.compile(r"\{\{\s*(?:flag|flagcountry|flagu)\s*\|\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}")
_WIKI_TEMPLATE = re.compile(r"\{\{[^{}\n]{0,200}\}\}\s?")
_WIKI_EMPHASIS = re.compile(r"'{2,3}([^'\n]+?)'{2,3}")
_WIKI_MIN_LINKS = 2


def unwiki(text: str) -> str:
    """Wiki source read as the page shows it: a link as its label ("[[Kokkola|Karleby]]"
    -> "Karleby"), a flag template as its country, other templates and bold/italic
    quotes gone. Only text with a few links or templates is taken for wiki source; a
    lone "[[" or "{{" is left alone."""
    if len(_WIKI_LINK.findall(text)) + len(_WIKI_TEMPLATE.findall(text)) < _WIKI_MIN_LINKS:
        return text
    text = _WIKI_LINK.sub(r"\1", text)
    text = _WIKI_FLAG.sub(r"\1", text)
    text = _WIKI_TEMPLATE.sub("", text)
    return _WIKI_EMPHASIS.sub(r"\1", text)


_MID_SENTENCE = re.compile(r"[a-z][a-z,;]?$")
_BULLET = re.compile(r"^(?:[-*•·▪–]\s|\d{1,3}[.)]\s)")


# --- Plain text: navigation menus ----------------------------------------------------

NAV_WORDS_PATH = Path(__file__).parent / "data" / "nav_words.txt"
_MENU_ITEM_MAX_WORDS = 3
_MENU_ITEM_MAX_CHARS = 30
_MENU_RUN_MIN = 4


@lru_cache(maxsize=1)
def nav_words() -> frozenset[str]:
    lines = NAV_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().casefold() for w in lines if w.strip() and not w.startswith("#"))


def _menu_item(block: str) -> bool:
    words = block.split()
    return (
        0 < len(words) <= _MENU_ITEM_MAX_WORDS
        and len(block) <= _MENU_ITEM_MAX_CHARS
        and not re.search(r"[.!?:,;|\d]", block)
    )


def menu_runs(blocks: list[str]) -> set[int]:
    """Indexes of blocks that are a site's navigation menu copied one item per line
    ("Home", "News", "Sport", "Weather", ...): runs of short lines, at least half of them
    menu words. A partner list ("Kumagaya", "Suqian", ...) names places, not sections."""
    words = nav_words()
    out: set[int] = set()
    k = 0
    while k < len(blocks):
        if not _menu_item(blocks[k]):
            k += 1
            continue
        j = k
        while j < len(blocks) and _menu_item(blocks[j]):
            j += 1
        run = range(k, j)
        known = sum(1 for i in run if " ".join(blocks[i].split()).casefold() in words)
        if len(run) >= _MENU_RUN_MIN and known * 2 >= len(run):
            out.update(run)
        k = j
    return out
