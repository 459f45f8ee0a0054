# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Prefect keeps its state inside the project and never phones home.
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install run test lint clean reliability

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sistercities run --sources corpus/sources.toml --out extracted

# Browser tests drive Debian's chromium (playwright's own browser download fails here).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Review decisions (extracted/review.sqlite*) are kept: they are not reproducible.
clean:
	rm -rf extracted/*.parquet extracted/texts extracted/exports extracted/datapackage.json
	rm -rf .pytest_cache .ruff_cache

# Cleaning benchmark: clean() against trafilatura defaults on real news pages (prints figures).
BENCH_DATA ?= ../shared/benchmarks/article-extraction

.PHONY: bench-clean
bench-clean: $(STAMP)
	$(BIN)/python benchmarks/bench_clean.py $(BENCH_DATA)

# Publication dates of plain-text page copies: layouts read right (tuned and held-out).
.PHONY: bench-dates
bench-dates: $(STAMP)
	$(BIN)/python benchmarks/bench_dates.py

# Registry benchmark: build time, report size, derived years against gold (prints figures).
.PHONY: bench-registry
bench-registry: $(STAMP)
	$(BIN)/python benchmarks/bench_registry.py corpus/documents tests/data/seeds_gold.jsonl
	$(BIN)/python benchmarks/bench_registry.py tests/data/devset/docs tests/data/devset/gold.jsonl

# Ingestion benchmark: cold run vs unchanged rerun, with and without Prefect, on the
# sample corpus and on the benchmark pages served locally (prints figures).
.PHONY: bench-ingest
bench-ingest: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py $(BENCH_DATA)

# Throughput benchmark: raw spaCy against our extraction, the CLI path and the flow on the
# same texts; memory as the corpus grows; unchanged reruns (prints figures, ~10 minutes).
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_throughput.py $(BENCH_DATA)

# Reliability, long version: hostile inputs, SIGKILL at 20 random points of a run over the
# mixed corpus, full disks, concurrent runs; prints a table (rows lost must be 0).
# The quick version is part of `make test` (tests/test_reliability.py).
reliability: $(STAMP)
	$(BIN)/python benchmarks/reliability.py $(BENCH_DATA)
