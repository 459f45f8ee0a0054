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
    return nlp


FOOTNOTE_MARKS = (r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", r"\[\d{1,3}\]")


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
        acc["entities"].append(
            Entity(
                label=ent.label_,
                start=offset + ent.start_char,
                end=offset + ent.end_char,
                tok_start=base + ent.start,
                tok_end=base + ent.end,
                text=ent.text,
            )
        )


def parse_one(nlp, text: str, paragraphs: Iterable[tuple[int, int]] | None = None) -> Parsed:
    """Parse every paragraph of one text (tests and small jobs)."""
    paras = tuple(paragraphs) if paragraphs is not None else ((0, len(text)),)
    return parse(nlp, [ParseJob(text, paras, tuple(range(len(paras))))])[0]
