"""The spaCy stage: the table attribute ruler must annotate exactly as spaCy's own; a
semicolon never ends a sentence."""

from __future__ import annotations

import pytest
import spacy

from pipeline import nlp
from pipeline.config import Settings

# Sentences that reach the ruler's exceptions: negation, auxiliaries, "there is",
# pronoun case, subordinators, two-token patterns ("gonna", "ain't", "let's", "y'all"),
# determiners used as pronouns, blank lines inside a paragraph.
SENTENCES = [
    "The council did not vote to end the sister city agreement with Qingdao.",
    "There is no plan, but the mayor said that it was gonna be reviewed.",
    "Y'all ain't seen nothin' yet, let's go: I told you it will be signed.",
    "That was the deal which Kiel and Wagga Wagga had since 1988.\n\n  Both said so.",
    "Have they ended it? Councillors had, because the motion was carried; whether "
    "the twinning survives is unclear.",
]


@pytest.fixture(scope="module")
def models():
    model = Settings().model
    ours = nlp.load(model)
    reference = spacy.load(model)
    reference.tokenizer.suffix_search = ours.tokenizer.suffix_search
    reference.add_pipe(nlp._SENTENCE_BOUNDS, before="parser")  # (the ruler alone differs)
    return ours, reference


def _annotations(doc):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_table_attribute_ruler_sets_what_spacys_sets(models):
    ours, reference = models
    assert type(ours.get_pipe("attribute_ruler")).__name__ == "TableAttributeRuler"
    for text in SENTENCES * 2:  # the second round reads the ruler's table, not patterns
        assert _annotations(ours(text)) == _annotations(reference(text)), text


def test_a_semicolon_never_ends_a_sentence(models):
    ours, _ = models
    text = (
        "Fort Worth has seven sister cities: Reggio Emilia, Italy (1985); Trier, Germany "
        "(1987); Nagaoka, Japan (1987); Bandung, Indonesia (1990)."
    )
    assert len(list(ours(text).sents)) == 1
