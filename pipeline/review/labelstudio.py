"""Label Studio tasks: one task per document, its extractions as pre-annotations.

Each task holds the cleaned text and one prediction whose regions carry character
offsets (`value.start`/`value.end`, Python string indexes, as Label Studio's Text tag
uses) and labels: City, the event type on a trigger, Date and Actor. Relations link
the two cities of a pair (labelled with its kind), a trigger to its cities ("event"),
and a date and actors to their trigger. Import `labelstudio-config.xml` as the
project's labelling interface, then the tasks file.
"""

from __future__ import annotations

from pipeline import EXTRACTOR_VERSION
from pipeline.ids import content_hash
from pipeline.models import EVENT_TYPES, RELATION_KINDS
from pipeline.review import candidates as cands

_LABELS = "\n".join(f'    <Label value="{v}"/>' for v in ("City", "Date", "Actor", *EVENT_TYPES))
_RELATIONS = "\n".join(
    f'    <Relation value="{v}"/>' for v in (*RELATION_KINDS, "event", "date", "actor")
)
CONFIG = f"""<View>
  <Header value="$title"/>
  <Relations>
{_RELATIONS}
  </Relations>
  <Labels name="label" toName="text">
{_LABELS}
  </Labels>
  <Text name="text" value="$text"/>
</View>
"""


def tasks(tables: dict, text_of, is_reviewed: bool) -> list[dict]:
    docs = {d["doc_id"]: d for d in cands.records(tables["documents"])}
    rels = cands.records(tables["relations"])
    evs = cands.records(tables["events"])
    acts = cands.records(tables["actors"])
    by_doc: dict[str, list] = {}
    for r in rels:
        by_doc.setdefault(r["doc_id"], [])
    out = []
    for doc_id in sorted(by_doc):
        text = text_of(doc_id)
        task = _Task(text, doc_id)
        doc_rels = [r for r in rels if r["doc_id"] == doc_id]
        for r in doc_rels:
            a = task.region(r["a_start"], r["a_end"], "City", r["confidence"])
            if r["b_start"] is not None:
                b = task.region(r["b_start"], r["b_end"], "City", r["confidence"])
                task.relation(a, b, r["kind"])
        rel_by_id = {r["relation_id"]: r for r in doc_rels}
        for e in (e for e in evs if e["doc_id"] == doc_id):
            rel = rel_by_id.get(e["relation_id"])
            if rel is None:
                continue
            trig = task.region(e["trigger_start"], e["trigger_end"], e["type"], e["confidence"])
            task.relation(trig, task.region(rel["a_start"], rel["a_end"], "City"), "event")
            if rel["b_start"] is not None:
                task.relation(trig, task.region(rel["b_start"], rel["b_end"], "City"), "event")
            if e["date_start"] is not None:
                task.relation(task.region(e["date_start"], e["date_end"], "Date"), trig, "date")
            for act in (x for x in acts if x["event_id"] == e["event_id"]):
                task.relation(task.region(act["start"], act["end"], "Actor"), trig, "actor")
        doc = docs.get(doc_id, {})
        version = f"sistercities-{EXTRACTOR_VERSION}" + ("-reviewed" if is_reviewed else "")
        out.append(
            {
                "data": {
                    "text": text,
                    "doc_id": doc_id,
                    "title": doc.get("title") or doc.get("source_name") or doc_id,
                    "source": doc.get("source"),
                },
                "predictions": [{"model_version": version, "result": task.results}],
            }
        )
    return out


class _Task:
    def __init__(self, text: str, doc_id: str):
        self.text = text
        self.doc_id = doc_id
        self.results: list[dict] = []
        self._regions: dict[tuple, str] = {}
        self._links: set[tuple] = set()

    def region(self, start: int, end: int, label: str, score: float | None = None) -> str:
        key = (start, end, label)
        if key in self._regions:
            return self._regions[key]
        value = {"start": start, "end": end, "text": self.text[start:end], "labels": [label]}
        cands.check_span(
            self.text, start, end, value["text"], f"Label Studio region in {self.doc_id}"
        )
        rid = content_hash(self.doc_id, start, end, label, length=10)
        item = {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "origin": "prediction",
            "value": value,
        }
        if score is not None:
            item["score"] = float(score)
        self._regions[key] = rid
        self.results.append(item)
        return rid

    def relation(self, from_id: str, to_id: str, label: str) -> None:
        key = (from_id, to_id, label)
        if key in self._links or from_id == to_id:
            return
        self._links.add(key)
        self.results.append(
            {
                "from_id": from_id,
                "to_id": to_id,
                "type": "relation",
                "direction": "right",
                "labels": [label],
            }
        )
