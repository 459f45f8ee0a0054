"""Scoring against gold: how a predicted side is matched to a gold side's names."""

import json

from pipeline.evaluate import load_gold, score
from pipeline.ids import doc_id_for
from pipeline.models import CleanDocument, DateValue

TEXT = (
    "Seville courts American tourists\n\n"
    "Seville's tourism board took a stand at the fair. Seville is twinned with Kraków.\n\n"
    '"Kansas City has been our sister city since 1967," the deputy mayor said.'
)


def test_a_side_written_our_is_known_by_the_documents_name_for_it(extractor, tmp_path):
    # The gazetteer calls the city "Sevilla" and this side is written "our"; the gold
    # names it as the document does elsewhere, "Seville".
    doc = CleanDocument(
        doc_id_for(TEXT), "seville.txt", "seville.txt", TEXT,
        published=DateValue("2024-01-20", "day"),
    )  # fmt: skip
    gold = tmp_path / "gold.jsonl"
    line = {
        "doc": "seville.txt",
        "published": "2024-01-20",
        "pairs": [
            {"a": ["Seville"], "b": ["Kansas City"], "events": [
                {"type": "established", "year": 1967}]},
            {"a": ["Seville"], "b": ["Kraków"], "events": []},
        ],
        "partial": [],
    }  # fmt: skip
    gold.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = score(extractor.extract([doc]), load_gold(gold))
    assert (report.pairs.tp, report.pairs.fn, report.pairs.fp) == (2, 0, 0), report.problems
    assert report.events.tp == 1, report.problems
