"""Score extractions against gold annotations written to GUIDELINES.md.

- pairs: unordered pairs of places, a predicted name matching any of a gold side's
  surface forms (canonical name or the text's own surface form, compared without
  case, accents or "St."/"Saint" differences; a side written "our" or "the city" is
  known by the names the document gives that same place elsewhere);
- events: per (pair, type); optional gold events are neither rewarded nor punished;
  events of a predicted pair that is not in the gold are false positives;
- years: of each matched required event, the predicted year against the gold year
  (null against null counts as right);
- partial relations (one side unnamed) and their events are scored separately;
- spans: every recorded span must reproduce its recorded surface text.
Every false positive and miss is listed so a change can be judged line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import GoldError
from pipeline.gazetteer import norm
from pipeline.models import EVENT_TYPES, Event, Extraction, Relation


@dataclass(frozen=True, slots=True)
class GoldEvent:
    type: str
    year: int | None
    optional: bool


@dataclass(frozen=True, slots=True)
class GoldPair:
    a: tuple[str, ...]
    a_country: str | None
    b: tuple[str, ...] | None  # None for a partial relation
    b_country: str | None
    events: tuple[GoldEvent, ...]

    @property
    def label(self) -> str:
        return f"{self.a[0]} -- {self.b[0] if self.b else '(' + str(self.b_country) + ')'}"


@dataclass(frozen=True, slots=True)
class GoldDoc:
    doc: str
    published: str | None
    pairs: tuple[GoldPair, ...]
    partial: tuple[GoldPair, ...]
    notes: str = ""


def _names(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise GoldError(f"{where}: a place must be a non-empty list of names")
    return tuple(value)


def _events(raw, where: str) -> tuple[GoldEvent, ...]:
    out = []
    for k, ev in enumerate(raw or []):
        if not isinstance(ev, dict) or ev.get("type") not in EVENT_TYPES:
            raise GoldError(f"{where}, event {k + 1}: type must be one of {', '.join(EVENT_TYPES)}")
        year = ev.get("year")
        if year is not None and not isinstance(year, int):
            raise GoldError(f"{where}, event {k + 1}: year must be an integer or null")
        out.append(GoldEvent(ev["type"], year, bool(ev.get("optional", False))))
    return tuple(out)


def load_gold(path: str | Path) -> list[GoldDoc]:
    path = Path(path)
    if not path.exists():
        raise GoldError(f"{path} does not exist")
    docs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(rec, dict) or not isinstance(rec.get("doc"), str):
            raise GoldError(f"{where}: each line needs a 'doc' file name")
        pairs = []
        for k, p in enumerate(rec.get("pairs") or []):
            w = f"{where}, pair {k + 1}"
            pairs.append(
                GoldPair(
                    _names(p.get("a"), w), p.get("a_country"), _names(p.get("b"), w),
                    p.get("b_country"), _events(p.get("events"), w),
                )
            )  # fmt: skip
        partial = []
        for k, p in enumerate(rec.get("partial") or []):
            w = f"{where}, partial {k + 1}"
            partial.append(
                GoldPair(
                    _names(p.get("a"), w), p.get("a_country"), None, p.get("b_country"),
                    _events(p.get("events"), w),
                )
            )  # fmt: skip
        docs.append(
            GoldDoc(
                rec["doc"], rec.get("published"), tuple(pairs), tuple(partial), rec.get("notes", "")
            )
        )
    return docs


# --- matching --------------------------------------------------------------------------


def name_key(name: str) -> str:
    key = norm(name)
    key = re.sub(r"^(the)\s+", "", key)
    key = re.sub(r"\bst\.?\s", "saint ", key)
    key = re.sub(r"\bft\.?\s", "fort ", key)
    key = re.sub(r"[.'’]", "", key).replace("-", " ")
    return " ".join(key.split())


def _side_matches(pred_names: set[str], gold: tuple[str, ...]) -> bool:
    return bool(pred_names & {name_key(g) for g in gold})


def _pred_names(
    name: str | None, surface: str | None, geonameid: int | None = None, named=None
) -> set[str]:
    out = {name_key(n) for n in (name, surface) if n}
    if geonameid is not None and named:
        out |= named.get(geonameid, set())  # "our sister city": Sevilla, written "Seville"
    return out


def _doc_names(relations) -> dict[int, set[str]]:
    """The names a document writes each place with, by GeoNames id."""
    named: dict[int, set[str]] = {}
    for r in relations:
        for gid, text in ((r.geonameid_a, r.a_text), (r.geonameid_b, r.b_text)):
            if gid is not None and text:
                named.setdefault(gid, set()).add(name_key(text))
    return named


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<10} P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}"
            f"   (tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


@dataclass
class Report:
    pairs: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    partials: Counts = field(default_factory=Counts)
    partial_events: Counts = field(default_factory=Counts)
    years_right: int = 0
    years_total: int = 0
    published_right: int = 0
    published_total: int = 0
    spans_valid: int = 0
    spans_total: int = 0
    problems: list[str] = field(default_factory=list)  # one line per FP / miss / wrong year

    @property
    def year_accuracy(self) -> float:
        return self.years_right / self.years_total if self.years_total else 1.0

    @property
    def span_validity(self) -> float:
        return self.spans_valid / self.spans_total if self.spans_total else 1.0

    def summary(self) -> str:
        years = f"({self.years_right}/{self.years_total} matched events)"
        spans = f"({self.spans_valid}/{self.spans_total})"
        lines = [
            self.pairs.line("pairs"),
            self.events.line("events"),
            f"{'years':<10} accuracy {self.year_accuracy:.3f}   {years}",
            self.partials.line("partials"),
            self.partial_events.line("partial ev"),
            f"{'published':<10} accuracy {self.published_right}/{self.published_total}",
            f"{'spans':<10} valid {100 * self.span_validity:.1f}%   {spans}",
        ]
        return "\n".join(lines)


def _collapse_year(events: list[Event]) -> int | None:
    """The year the dataset gives a (pair, type): the best dated mention, else null. A
    date the text states (explicit, relative, citation) beats one that only falls back on
    the publication date, as a reader of the dataset would take it."""
    dated = [e for e in events if e.date]
    if not dated:
        return None
    best = max(
        dated,
        key=lambda e: (e.date_source != "publication", e.confidence, -e.trigger_start),
    )
    return int(best.date[:4])


def check_spans(ex: Extraction) -> tuple[int, int, list[str]]:
    text = ex.document.text
    n = len(text)
    ok = total = 0
    bad = []

    def check(label: str, start, end, surface=None) -> None:
        nonlocal ok, total
        total += 1
        valid = (
            isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n
            and (surface is None or text[start:end] == surface)
        )  # fmt: skip
        if valid:
            ok += 1
        else:
            bad.append(f"invalid span {label} [{start}:{end}] {surface!r}")

    for r in ex.relations:
        check("city_a", r.a_start, r.a_end, r.a_text)
        if r.city_b is not None:
            check("city_b", r.b_start, r.b_end, r.b_text)
        check("evidence", r.evidence_start, r.evidence_end)
    for e in ex.events:
        check("trigger", e.trigger_start, e.trigger_end, e.trigger_text)
        if e.date_start is not None:
            check("date", e.date_start, e.date_end)
    for a in ex.actors:
        check("actor", a.start, a.end, a.name)
    return ok, total, bad


def score(extractions: Sequence[Extraction], gold: Sequence[GoldDoc]) -> Report:
    report = Report()
    by_name = {ex.document.source_name: ex for ex in extractions}
    for g in gold:
        ex = by_name.get(g.doc)
        if ex is None:
            report.problems.append(f"{g.doc}: no such document among the inputs")
            _all_missed(report, g)
            continue
        _score_doc(report, g, ex)
    for ex in extractions:
        ok, total, bad = check_spans(ex)
        report.spans_valid += ok
        report.spans_total += total
        report.problems.extend(f"{ex.document.source_name}: {b}" for b in bad)
    return report


def _all_missed(report: Report, g: GoldDoc) -> None:
    for gp in g.pairs:
        report.pairs.fn += 1
        report.events.fn += sum(1 for e in {(ev.type, ev.optional) for ev in gp.events} if not e[1])
    report.partials.fn += len(g.partial)


def _score_doc(report: Report, g: GoldDoc, ex: Extraction) -> None:
    doc = g.doc
    report.published_total += 1
    pub = ex.document.published.value if ex.document.published else None
    if pub == g.published:
        report.published_right += 1
    else:
        report.problems.append(f"{doc}: published {pub} (gold {g.published})")

    events_by_rel: dict[str, list[Event]] = {}
    for e in ex.events:
        events_by_rel.setdefault(e.relation_id, []).append(e)

    full = [r for r in ex.relations if r.city_b is not None]
    partial = [r for r in ex.relations if r.city_b is None]
    named = _doc_names(ex.relations)
    _match(report, doc, g.pairs, full, events_by_rel, report.pairs, report.events, True, named)
    _match(
        report,
        doc,
        g.partial,
        partial,
        events_by_rel,
        report.partials,
        report.partial_events,
        False,
        named,
    )


def _match(
    report,
    doc,
    gold_pairs,
    preds: list[Relation],
    events_by_rel,
    pair_counts,
    event_counts,
    full: bool,
    named: dict[int, set[str]] | None = None,
):
    used: set[str] = set()
    for gp in gold_pairs:
        match = None
        for r in preds:
            if r.relation_id in used:
                continue
            a = _pred_names(r.city_a, r.a_text, r.geonameid_a, named)
            if full:
                b = _pred_names(r.city_b, r.b_text, r.geonameid_b, named)
                if (_side_matches(a, gp.a) and _side_matches(b, gp.b)) or (
                    _side_matches(b, gp.a) and _side_matches(a, gp.b)
                ):
                    match = r
                    break
            elif _side_matches(a, gp.a) and (
                gp.b_country is None or r.country_b is None or gp.b_country == r.country_b
            ):
                match = r
                break
        if match is None:
            pair_counts.fn += 1
            report.problems.append(f"{doc}: MISSED pair {gp.label}")
            required = {e.type for e in gp.events if not e.optional}
            event_counts.fn += len(required)
            for t in sorted(required):
                report.problems.append(f"{doc}: MISSED event {gp.label} {t}")
            continue
        used.add(match.relation_id)
        pair_counts.tp += 1
        _score_events(report, doc, gp, events_by_rel.get(match.relation_id, []), event_counts, full)
    for r in preds:
        if r.relation_id in used:
            continue
        pair_counts.fp += 1
        label = f"{r.city_a} -- {r.city_b or '(' + str(r.country_b) + ')'}"
        report.problems.append(f"{doc}: FALSE pair {label} [{r.rule_id}]")
        types = {e.type for e in events_by_rel.get(r.relation_id, [])}
        event_counts.fp += len(types)
        for t in sorted(types):
            report.problems.append(f"{doc}: FALSE event {label} {t} (pair not in gold)")


def _score_events(report, doc, gp: GoldPair, events: list[Event], counts: Counts, full: bool):
    required: dict[str, int | None] = {}
    optional: set[str] = set()
    for e in gp.events:
        if e.optional:
            optional.add(e.type)
        else:
            required[e.type] = e.year
    optional -= set(required)
    predicted: dict[str, list[Event]] = {}
    for e in events:
        predicted.setdefault(e.type, []).append(e)
    for t, year in required.items():
        if t not in predicted:
            counts.fn += 1
            report.problems.append(f"{doc}: MISSED event {gp.label} {t} ({year})")
            continue
        counts.tp += 1
        if full:
            report.years_total += 1
            got = _collapse_year(predicted[t])
            if got == year:
                report.years_right += 1
            else:
                report.problems.append(f"{doc}: WRONG year {gp.label} {t}: {got} (gold {year})")
    for t, evs in predicted.items():
        if t in required or t in optional:
            continue
        counts.fp += 1
        rules = ",".join(sorted({e.rule_id for e in evs}))
        report.problems.append(f"{doc}: FALSE event {gp.label} {t} [{rules}]")
