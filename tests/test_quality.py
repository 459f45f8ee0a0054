"""Quality floors: scores on annotated documents may only go up."""

import json

import pytest

from pipeline import runner, sources
from pipeline.evaluate import load_gold, score

from .conftest import DEVSET, LATER_DEVSETS, ROOT, SEEDS_GOLD

FLOORS = json.loads((ROOT / "tests/data/quality_floors.json").read_text())


def _figures(report):
    return {
        "pair_f1": report.pairs.f1,
        "event_f1": report.events.f1,
        "year_accuracy": report.year_accuracy,
        "partial_f1": report.partials.f1,
        "span_validity": report.span_validity,
    }


@pytest.mark.parametrize("metric", sorted(FLOORS["seeds"]))
def test_seed_scores_stay_above_floor(seed_extractions, metric):
    report = score(seed_extractions, load_gold(SEEDS_GOLD))
    got = _figures(report)[metric]
    assert got >= FLOORS["seeds"][metric], "\n".join(report.problems)


@pytest.mark.parametrize("metric", sorted(FLOORS["devset"]))
def test_devset_scores_stay_above_floor(devset_extractions, metric):
    report = score(devset_extractions, load_gold(DEVSET / "gold.jsonl"))
    assert _figures(report)[metric] >= FLOORS["devset"][metric]


_REPORTS: dict = {}


def _report(extractor, dataset: str):
    """One extraction per development set for all its metrics."""
    if dataset not in _REPORTS:
        folder = ROOT / "tests" / "data" / dataset
        docs = [runner.read_and_clean(p) for p in sources.discover(folder / "docs")]
        _REPORTS[dataset] = score(extractor.extract(docs), load_gold(folder / "gold.jsonl"))
    return _REPORTS[dataset]


@pytest.mark.parametrize(
    ("dataset", "metric"),
    [(d, m) for d in LATER_DEVSETS for m in sorted(FLOORS[d])],
)
def test_development_scores_stay_above_floor(extractor, dataset, metric):
    assert _figures(_report(extractor, dataset))[metric] >= FLOORS[dataset][metric]


def test_every_seed_gets_its_publication_date(seed_extractions):
    gold = {g.doc: g.published for g in load_gold(SEEDS_GOLD)}
    got = {
        ex.document.source_name: ex.document.published.value if ex.document.published else None
        for ex in seed_extractions
    }
    assert got == gold
