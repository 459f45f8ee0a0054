"""The spaCy stage: parse selected paragraphs and hand back plain records.

spaCy is used here and nowhere else. Downstream stages see `Parsed` records (tokens,
sentences, entities with offsets into the cleaned text), so rules can be written and
tested without a model, and the parser only runs on the paragraphs chosen upstream.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import ModelError
from pipeline.models import Entity, Parsed, Sentence, Token
from pipeline.patterns import ITEM_MARK

# Components extraction never reads; skipping them is free speed.
UNUSED_COMPONENTS = ()


@dataclass(frozen=True, slots=True)
class ParseJob:
    """One document's text and which of its paragraphs to parse."""

    text: str
    paragraphs: tuple[tuple[int, int], ...]
    selected: tuple[int, ...]


@lru_cache(maxsize=2)
def load(model: str):
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise ModelError(
            f"spaCy model {model!r} is not installed; install it or set SISTERCITIES_MODEL"
        ) from exc
    # A footnote mark glued to a full stop ("school exchanges.⁸ Where ...", "(Iceland).[31]
    # The ...") would hide the sentence end, and the name, from the parser; split it off
    # like any other suffix.
    from spacy.util import compile_suffix_regex

    suffixes = [*nlp.Defaults.suffixes, *FOOTNOTE_MARKS]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    # Councillors' titles the English tokenizer does not know as abbreviations: "a motion
    # from Coun. Mel Brandon to end ..." must stay one sentence.
    for title in TITLE_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(title, [{"ORTH": title}])
    # English reads "im" as an apostrophe-less "I'm" and splits it; in this domain it is
    # the German "in the" of "Freiburg im Breisgau", "Kronberg im Taunus".
    for word in ("im", "Im"):
        nlp.tokenizer.add_special_case(word, [{"ORTH": word}])
    if "attribute_ruler" in nlp.pipe_names:
        _tabulate_attribute_ruler(nlp)
    if "parser" in nlp.pipe_names:
        _set_sentence_bounds(nlp)
    return nlp


# A semicolon never ends a sentence, but the parser sometimes starts one after it, and
# then an inline list ("sister cities: Reggio Emilia, Italy (1985); Trier, Germany
# (1987); ...") loses every item after the first from its sentence. The parser keeps a
# boundary preset to "not a start".
_SENTENCE_BOUNDS = "sistercities_sentence_bounds"


# A wire dateline ("MOMBASA, Kenya, March 6 (Xinhua) --") is no part of the sentence
# after it; read as one, its city becomes the subject of the story's first verb.
# (no dash before the one that ends it: "SEOUL, May 3 (Yonhap) -- Seoul's Jung District,
# home to the Myeong-dong shopping area" has its dateline already; "TAIPEI (Taiwan News) -"
# names its agency in brackets)
_DATELINE = re.compile(r"[A-Z][A-Z'’. -]{2,}(?:,[^\n\-–—]{0,60})?(?:\s*\([^()\n]{1,40}\))?\s*$")
_DATELINE_DASHES = frozenset(("--", "—", "–", "-"))


def _after_item_mark(text: str, i: int) -> bool:
    """Position i follows only a list item's mark on its line ("4. Yamagata")."""
    lo = max(0, i - 10)  # (a mark is a few characters: look no further back)
    nl = text.rfind("\n", lo, i)
    if nl < 0 and lo > 0:
        return False
    m = ITEM_MARK.match(text, nl + 1)
    return m is not None and m.end() == i


def _sentence_bounds(doc):
    text = doc.text
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.text == ";":
            tok.is_sent_start = False
        elif prev.text[-1:] in (".", ")") and _after_item_mark(text, tok.idx):
            tok.is_sent_start = False  # "4. Yamagata, Japan": an item's number is no sentence
        elif prev.text in _DATELINE_DASHES and prev.i > 0:
            line = text.rfind("\n", 0, prev.idx) + 1
            if _DATELINE.fullmatch(text, line, prev.idx):
                tok.is_sent_start = True
            elif prev.text != "-" and "\n" not in text[prev.idx : tok.idx]:
                # "declaring Feb. 22 "Takeshima Day" -- Takeshima being ... -- a group of
                # councillors tabled a motion": an aside between dashes is no sentence
                tok.is_sent_start = False
        elif prev.text in _MONTH_ABBREVIATIONS and tok.text[:1].isdigit():
            tok.is_sent_start = False  # "Feb. 22"
        elif prev.text in _NAME_PARTICLES and "\n" not in text[prev.idx : tok.idx]:
            tok.is_sent_start = False  # "Alcalá la Real": no sentence starts inside a name
    return doc


# lowercase particles inside place names, after which no sentence starts on its line
_NAME_PARTICLES = frozenset(
    "la le les de del della di da do dos das du des sur am im an der".split()
)


_MONTH_ABBREVIATIONS = frozenset(
    "Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.".split()
)


def _set_sentence_bounds(nlp) -> None:
    from spacy.language import Language

    if not Language.has_factory(_SENTENCE_BOUNDS):
        Language.component(_SENTENCE_BOUNDS, func=_sentence_bounds)
    nlp.add_pipe(_SENTENCE_BOUNDS, before="parser")


TITLE_ABBREVIATIONS = ("Coun.", "Couns.", "Cllr.", "Cllrs.", "Clr.", "Cr.", "Crs.", "Ald.")
FOOTNOTE_MARKS = (r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", r"\[\d{1,3}\]")


# --- the attribute ruler as table lookups ----------------------------------------------
# The model's attribute ruler (tag -> POS and morphology, plus ~30 exceptions) runs a
# Matcher over every token with all of its 179 patterns: a sixth of the whole parse time.
# Its patterns test only a token's tag, lower-case form, dependency and is_space, plus
# the lower-case form of a neighbour, so the tokens that look alike get the same result:
# `TableAttributeRuler` works each distinct look out once, with the model's own patterns,
# and sets exactly the attributes the Matcher version sets (test_nlp.py compares them).

_TABLE_RULER = "sistercities_table_attribute_ruler"
_TOKEN_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_MAX_LOOKS = 200_000


def _tabulate_attribute_ruler(nlp) -> None:
    from spacy.language import Language

    if not Language.has_factory(_TABLE_RULER):
        Language.factory(_TABLE_RULER, func=lambda nlp, name: TableAttributeRuler(nlp.vocab))
    original = nlp.get_pipe("attribute_ruler")
    nlp.replace_pipe("attribute_ruler", _TABLE_RULER)
    nlp.get_pipe("attribute_ruler").adopt(original)


def _satisfies(spec: dict, values: dict) -> bool:
    """One token pattern of the Matcher (the operators the model's patterns use)."""
    for attr, want in spec.items():
        value = values[attr]
        if isinstance(want, dict):
            for op, arg in want.items():
                if op == "IN":
                    ok = value in arg
                elif op == "NOT_IN":
                    ok = value not in arg
                elif op == "REGEX":
                    ok = re.search(arg, value) is not None
                else:  # a pattern this table does not know: a bug, not a silent mismatch
                    raise ValueError(f"attribute ruler operator {op!r} is not supported")
                if not ok:
                    return False
        elif value != want:
            return False
    return True


class TableAttributeRuler:
    """The model's attribute ruler, applied per distinct token look (see above)."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.specs: list[tuple[int, int, dict]] = []  # (pattern, position, token spec)
        self.multi: list[tuple[int, int, int]] = []  # (pattern, spec no. of first, length)
        self.single: dict[int, list[int]] = {}  # spec no. -> pattern
        self.attrs: list[dict] = []
        self.indices: list[int] = []
        self._looks: dict[tuple, tuple[tuple[int, ...], frozenset, tuple[int, ...]]] = {}
        # Lower-case forms no pattern names (nor matches by regex) all look alike.
        self._named: set[str] = set()
        self._regexes: list[str] = []
        self._lowers: dict[int, int] = {}  # lower-case form -> itself, or 0 if unnamed
        self._merged: dict[tuple[int, ...], dict] = {}

    def adopt(self, ruler) -> None:
        """Take the patterns of a spaCy `AttributeRuler`, in its order (later wins)."""
        self.attrs = list(ruler.attrs)
        self.indices = list(ruler.indices)
        for i, pattern in enumerate(ruler.patterns):
            for alternative in pattern["patterns"]:
                first = len(self.specs)
                for k, spec in enumerate(alternative):
                    unknown = set(spec) - set(_TOKEN_ATTRS)
                    if unknown:
                        raise ValueError(f"attribute ruler pattern tests {sorted(unknown)}")
                    self.specs.append((i, k, spec))
                    lower = spec.get("LOWER")
                    if isinstance(lower, str):
                        self._named.add(lower)
                    elif isinstance(lower, dict):
                        self._named.update(lower.get("IN", ()))
                        self._named.update(lower.get("NOT_IN", ()))
                        self._regexes.extend(v for op, v in lower.items() if op == "REGEX")
                if not -len(alternative) <= self.indices[i] < len(alternative):
                    raise ValueError(f"attribute ruler pattern {i} sets a token outside it")
                if len(alternative) == 1:
                    self.single.setdefault(first, []).append(i)
                else:
                    self.multi.append((i, first, len(alternative)))

    def _lower(self, lower: int) -> int:
        found = self._lowers.get(lower)
        if found is None:
            text = self.vocab.strings[lower]
            named = text in self._named or any(re.search(r, text) for r in self._regexes)
            if len(self._lowers) >= _MAX_LOOKS:  # a bound on memory over endless runs
                self._lowers.clear()
            found = self._lowers[lower] = lower if named else 0
        return found

    def _look(self, key: tuple, lower: int) -> tuple[tuple[int, ...], frozenset, tuple[int, ...]]:
        """Patterns one token matches alone, the token specs it satisfies, and the
        longer patterns it can start."""
        found = self._looks.get(key)
        if found is None:
            strings = self.vocab.strings
            tag, _, dep, space = key
            # Every unnamed form gives what the first one seen gives.
            values = {"TAG": strings[tag], "LOWER": strings[lower], "DEP": strings[dep]}
            values["IS_SPACE"] = bool(space)
            ok = frozenset(n for n, (*_, spec) in enumerate(self.specs) if _satisfies(spec, values))
            alone = tuple(sorted(i for n in ok for i in self.single.get(n, ())))
            starts = tuple(m for m, (_, first, _) in enumerate(self.multi) if first in ok)
            if len(self._looks) >= _MAX_LOOKS:  # a bound on memory over endless runs
                self._looks.clear()
            found = self._looks[key] = (alone, ok, starts)
        return found

    def __call__(self, doc):
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
        from spacy.tokens._retokenize import set_token_attrs

        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
        lowers = self._lower
        looks = [self._look((t, lowers(lower), d, s), lower) for t, lower, d, s in rows]
        extra: dict[int, list[int]] = {}
        for start, (_, _, starts) in enumerate(looks):
            for m in starts:
                i, first, length = self.multi[m]
                if start + length <= len(looks) and all(
                    first + k in looks[start + k][1] for k in range(1, length)
                ):
                    extra.setdefault(start + self.indices[i] % length, []).append(i)
        for t, (alone, _, _) in enumerate(looks):
            ids = tuple(sorted((*alone, *extra[t]))) if t in extra else alone
            if not ids:
                continue
            merged = self._merged.get(ids)
            if merged is None:
                merged = {}
                for i in ids:  # in pattern order: a later pattern overrides, as in spaCy
                    merged.update(self.attrs[i])
                self._merged[ids] = merged
            set_token_attrs(doc[t], merged)
        return doc


def parse(nlp, jobs: Sequence[ParseJob], batch_size: int = 64, n_process: int = 1) -> list[Parsed]:
    """Parse the selected paragraphs of each job, one spaCy call for the whole batch."""
    segments: list[tuple[int, int, int]] = []  # (job index, paragraph index, char offset)
    texts: list[str] = []
    for j, job in enumerate(jobs):
        for p in job.selected:
            for start, end in pieces(job.text, *job.paragraphs[p]):
                segments.append((j, p, start))
                texts.append(job.text[start:end])
    per_job: list[dict] = [{"tokens": [], "sentences": [], "entities": []} for _ in jobs]
    with nlp.memory_zone():
        docs = nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
        for (j, p, offset), doc in zip(segments, docs, strict=True):
            _convert(doc, offset, p, per_job[j])
    return [
        Parsed(
            text=job.text,
            paragraphs=job.paragraphs,
            parsed=tuple(job.selected),
            tokens=tuple(acc["tokens"]),
            sentences=tuple(acc["sentences"]),
            entities=tuple(acc["entities"]),
        )
        for job, acc in zip(jobs, per_job, strict=True)
    ]


# spaCy refuses a text over nlp.max_length (1,000,000 characters) and needs about a
# gigabyte of memory per 100,000 characters it parses at once; a longer paragraph (a
# page that is one endless line) is parsed in pieces of at most this many characters.
MAX_PIECE_CHARS = 100_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


def pieces(text: str, start: int, end: int, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """[start, end) cut into spans of at most `limit` characters, each ending after a
    sentence end where there is one, else after a space, else anywhere."""
    out = []
    while end - start > limit:
        cut = None
        for pattern in (_SENTENCE_END, _SPACE):
            # The last break in the second half of the window keeps pieces long.
            for m in pattern.finditer(text, start + limit // 2, start + limit):
                cut = m.end()
            if cut is not None:
                break
        cut = cut or start + limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        out.append((start, piece_end))
        start = cut
    out.append((start, end))
    return out


def _convert(doc, offset: int, paragraph: int, acc: dict) -> None:
    tokens: list[Token] = acc["tokens"]
    sentences: list[Sentence] = acc["sentences"]
    base = len(tokens)
    sent_of: dict[int, int] = {}
    for sent in doc.sents:
        first = sent.start
        last = sent.end
        # Whitespace-only "sentences" (blank lines inside a paragraph) carry nothing.
        while first < last and doc[first].is_space:
            first += 1
        while last > first and doc[last - 1].is_space:
            last -= 1
        if first == last:
            continue
        index = len(sentences)
        for i in range(sent.start, sent.end):
            sent_of[i] = index
        sentences.append(
            Sentence(
                start=offset + doc[first].idx,
                end=offset + doc[last - 1].idx + len(doc[last - 1]),
                tok_start=base + sent.start,
                tok_end=base + sent.end,
                paragraph=paragraph,
            )
        )
    fallback = len(sentences) - 1
    for tok in doc:
        tokens.append(
            Token(
                i=base + tok.i,
                start=offset + tok.idx,
                end=offset + tok.idx + len(tok),
                text=tok.text,
                lower=tok.lower_,
                lemma=tok.lemma_.lower(),
                pos=tok.pos_,
                tag=tok.tag_,
                dep=tok.dep_,
                head=base + tok.head.i,
                ent_type=tok.ent_type_,
                sent=sent_of.get(tok.i, max(fallback, 0)),
                space=bool(tok.whitespace_),
            )
        )
    for ent in doc.ents:
        for span in _cell_parts(ent):
            acc["entities"].append(
                Entity(
                    label=span.label_,
                    start=offset + span.start_char,
                    end=offset + span.end_char,
                    tok_start=base + span.start,
                    tok_end=base + span.end,
                    text=span.text,
                )
            )


def _cell_parts(ent) -> list:
    """An entity cut at table cell borders: the tagger reads "Izmit<tab>Türkiye" in a
    table copied as text as one organisation (and "Wujiang District - Bunbury", a list
    line's two sides set apart by a spaced dash, as one person)."""
    doc = ent.doc
    parts, first = [], ent.start
    # (a dash only in a "person" opening its line, where list lines stand)
    person_line = ent.label_ == "PERSON" and (ent.start == 0 or "\n" in doc[ent.start - 1].text)
    for i in range(ent.start, ent.end):
        if (
            doc[i].text == "|"
            or (doc[i].is_space and "\t" in doc[i].text)
            or (
                person_line
                and doc[i].text in ("-", "–", "—")
                and doc[i].whitespace_
                and i > 0
                and doc[i - 1].whitespace_
            )
        ):
            if first < i:
                parts.append(doc[first:i])
            first = i + 1
    if first == ent.start:
        return [ent]
    if first < ent.end:
        parts.append(doc[first : ent.end])
    for part in parts:
        part.label_ = ent.label_
    return parts


def parse_one(nlp, text: str, paragraphs: Iterable[tuple[int, int]] | None = None) -> Parsed:
    """Parse every paragraph of one text (tests and small jobs)."""
    paras = tuple(paragraphs) if paragraphs is not None else ((0, len(text)),)
    return parse(nlp, [ParseJob(text, paras, tuple(range(len(paras))))])[0]
