"""Scoring against gold: how a predicted side is matched to a gold side's names."""

import json

from pipeline.evaluate import load_gold, score
from pipeline.ids import doc_id_for
from pipeline.models import CleanDocument, DateValue, Extraction, Relation

TEXT = (
    "Tshwane reviews its twinning agreements\n\n"
    "Tshwane is twinned with Delft. The council kept our link with Havana."
)


def _relation(rid, city_a, a_text, a_start, city_b, b_text, b_start):
    return Relation(
        rid, doc_id_for(TEXT), city_a, city_b, "ZA", None, 964137, None, "sister",
        a_start, a_start + len(a_text), a_text, b_start, b_start + len(b_text), b_text,
        a_start, b_start + len(b_text), "pair.test", 0.9,
    )  # fmt: skip


def test_a_side_is_known_by_the_documents_own_name_for_that_place(tmp_path):
    # The gazetteer calls the city "Pretoria"; one relation writes it "Tshwane", the
    # other "our". Gold names it as the document does: "Tshwane".
    doc = CleanDocument(
        doc_id_for(TEXT), "tshwane.txt", "tshwane.txt", TEXT,
        published=DateValue("2024-01-20", "day"),
    )  # fmt: skip
    first = TEXT.index("Tshwane is")
    our = TEXT.index("our")
    relations = (
        _relation("r1", "Pretoria", "Tshwane", first, "Delft", "Delft", TEXT.index("Delft")),
        _relation("r2", "Pretoria", "our", our, "Havana", "Havana", TEXT.index("Havana")),
    )
    gold = tmp_path / "gold.jsonl"
    line = {
        "doc": "tshwane.txt",
        "published": "2024-01-20",
        "pairs": [
            {"a": ["Tshwane"], "b": ["Delft"], "events": []},
            {"a": ["Tshwane"], "b": ["Havana"], "events": []},
        ],
        "partial": [],
    }
    gold.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = score([Extraction(doc, relations)], load_gold(gold))
    assert (report.pairs.tp, report.pairs.fn, report.pairs.fp) == (2, 0, 0), report.problems
