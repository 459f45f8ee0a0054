"""The ingestion flow under Prefect's test harness, reading real pages from real local
HTTP servers: same rows as `extract` for folders, nothing redone on a rerun, superseded
versions kept, one state per source whatever goes wrong, one run at a time, and the
same output on a multi-process Dask cluster."""

import shutil

import pytest

from pipeline import dataset, manifest
from pipeline.errors import DatasetError
from pipeline.schema import DOCUMENTS, TABLES

from .conftest import SEEDS, bench_pages, seed_html

pytestmark = pytest.mark.usefixtures("prefect_harness")

FETCH = """[fetch]
allow_private = true
delay = 0.0
backoff = 0.01
retries = 1
read_timeout = 1.0
total_timeout = 2.0
"""


def sources_file(tmp_path, *entries: str):
    path = tmp_path / "sources.toml"
    path.write_text(FETCH + "".join(f"\n[[source]]\n{e}\n" for e in entries), encoding="utf-8")
    return path


def ingest(sources, out, **kw):
    from flows.ingest import run

    return run(sources, out, **kw)


def seed_pages(site, n=2, **kw) -> list[str]:
    seeds = sorted(SEEDS.glob("*.txt"))[:n]
    return [site.add(f"/news/{p.stem}.html", seed_html(p), **kw) for p in seeds]


def snapshot(out) -> dict:
    """Bytes and modification time of every file but the per-run source states and the
    lock (each run takes it, writing its pid there)."""
    return {
        p.relative_to(out): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in ("sources.parquet", dataset.LOCK_NAME)
    }


def states(out) -> dict[str, str]:
    return {r["source"]: r["state"] for r in dataset.read_records(out, dataset.SOURCES)}


def test_folder_source_gives_the_rows_of_extract(tmp_path, seed_extractions):
    writer = dataset.DatasetWriter(tmp_path / "extract")
    for ex in seed_extractions:
        writer.add(ex)
    writer.commit()
    ingest(sources_file(tmp_path, f"path = '{SEEDS}'"), tmp_path / "run")
    for table in TABLES:
        expected = dataset.read_table(tmp_path / "extract", table)
        assert dataset.read_table(tmp_path / "run", table).equals(expected), table.name


def test_progress_hears_of_every_batch_written(tmp_path):
    heard = []
    ingest(sources_file(tmp_path, f"path = '{SEEDS}'"), tmp_path / "run", batch_size=2,
           progress=lambda done, total: heard.append((done, total)))  # fmt: skip
    n = len(list(SEEDS.glob("*.txt")))
    assert heard[0] == (0, n) and heard[-1] == (n, n)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)


def test_rerun_over_unchanged_sources_redoes_nothing(tmp_path, site):
    folder = tmp_path / "docs"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[2:4]:
        shutil.copy(seed, folder / seed.name)
    validated = seed_pages(site, 2, etag='"v1"')
    unvalidated = site.add("/real.html", bench_pages(1)[0], gzip=True)  # no ETag: hash decides
    sources = sources_file(
        tmp_path,
        f"path = '{folder}'",
        *(f"url = '{u}'" for u in [*validated, unvalidated]),
    )
    first = ingest(sources, tmp_path / "out")
    assert first.categories == {"new": 5}
    before = snapshot(tmp_path / "out")

    again = ingest(sources, tmp_path / "out")
    assert again.categories == {"unchanged": 5}
    assert again.extracted.documents == 0
    assert snapshot(tmp_path / "out") == before
    assert again.holdings.pairs == first.holdings.pairs
    for url in validated:
        second = site.requests(url.removeprefix(site.origin))[-1]
        assert second.headers.get("If-None-Match") == '"v1"'


def test_rerun_after_the_rules_changed_extracts_everything_again(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[2:4]:
        shutil.copy(seed, folder / seed.name)
    sources = sources_file(tmp_path, f"path = '{folder}'")
    assert ingest(sources, tmp_path / "out").categories == {"new": 2}
    # As after an update of the extraction code or its data files.
    monkeypatch.setattr(manifest, "rules_version", lambda settings: "0.0.0+other-rules")
    again = ingest(sources, tmp_path / "out")
    assert again.categories == {"re-extracted": 2}
    versions = dataset.read_table(tmp_path / "out", DOCUMENTS)["extractor_version"]
    assert set(versions) == {"0.0.0+other-rules"}


def test_changed_page_supersedes_its_old_version_and_keeps_its_rows(tmp_path, site):
    seeds = sorted(SEEDS.glob("*.txt"))
    url = site.add("/story.html", seed_html(seeds[3]), etag='"v1"')
    sources = sources_file(tmp_path, f"url = '{url}'")
    ingest(sources, tmp_path / "out")
    old = dataset.read_records(tmp_path / "out", dataset.DOCUMENTS)[0]["doc_id"]
    old_relations = dataset.read_table(tmp_path / "out", dataset.RELATIONS)
    assert len(old_relations)

    site.add("/story.html", seed_html(seeds[4]), etag='"v2"')
    report = ingest(sources, tmp_path / "out")
    assert report.categories == {"changed": 1}
    docs = {d["doc_id"]: d for d in dataset.read_records(tmp_path / "out", dataset.DOCUMENTS)}
    (new,) = set(docs) - {old}
    assert docs[old]["superseded_by"] == new and docs[new]["superseded_by"] is None
    relations = dataset.read_table(tmp_path / "out", dataset.RELATIONS)
    kept = relations[relations["doc_id"] == old].reset_index(drop=True)
    assert kept.equals(old_relations.reset_index(drop=True))
    source = dataset.read_records(tmp_path / "out", dataset.SOURCES)[0]
    assert (source["doc_id"], source["etag"]) == (new, '"v2"')


def test_page_that_turns_unusable_keeps_its_good_version_current(tmp_path, site):
    url = site.add("/story.html", seed_html(sorted(SEEDS.glob("*.txt"))[3]))
    sources = sources_file(tmp_path, f"url = '{url}'")
    ingest(sources, tmp_path / "out")
    (good,) = [d["doc_id"] for d in dataset.read_records(tmp_path / "out", dataset.DOCUMENTS)]
    site.add("/story.html", "")
    ingest(sources, tmp_path / "out")
    (source,) = dataset.read_records(tmp_path / "out", dataset.SOURCES)
    assert source["state"] == "skipped:empty"
    assert source["doc_id"] == good
    docs = dataset.read_records(tmp_path / "out", dataset.DOCUMENTS)
    assert [(d["doc_id"], d["superseded_by"]) for d in docs] == [(good, None)]


def test_every_source_ends_in_one_state_and_bad_ones_do_not_stop_the_run(tmp_path, site):
    good = seed_pages(site, 1)[0]
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/private/p.html", seed_html(sorted(SEEDS.glob("*.txt"))[1]))
    site.add("/report.pdf", b"%PDF-1.7", content_type="application/pdf")
    site.add("/broken.html", "oops", status=500)
    site.add("/slow.html", "<p>late</p>", delay=3.0)
    site.add("/moved.html", status=301, headers={"Location": good})
    items = "".join(
        f"<item><link>{site.url(p)}</link></item>"
        for p in ["/private/p.html", "/report.pdf", "/missing.html", "/broken.html",
                  "/slow.html", "/moved.html"]
    )  # fmt: skip
    feed = site.add(
        "/rss.xml", f"<rss version='2.0'><channel>{items}</channel></rss>", content_type="text/xml"
    )
    not_a_sitemap = site.add("/sitemap.xml", "<html><body>hello</body></html>")
    sources = sources_file(
        tmp_path,
        f"url = '{good}'",
        f"feed = '{feed}'",
        f"feed = '{site.url('/gone.xml')}'",
        f"sitemap = '{not_a_sitemap}'",
        f"path = '{tmp_path / 'no-such-folder'}'",
    )
    report = ingest(sources, tmp_path / "out")
    assert states(tmp_path / "out") == {
        good: "ok",
        feed: "ok",
        site.url("/private/p.html"): "skipped:robots-disallowed",
        site.url("/report.pdf"): "skipped:pdf",
        site.url("/missing.html"): "failed:http-404",
        site.url("/broken.html"): "failed:http-500",
        site.url("/slow.html"): "failed:timeout",
        site.url("/moved.html"): "ok",
        site.url("/gone.xml"): "failed:http-404",
        not_a_sitemap: "failed:not-a-sitemap",
        str(tmp_path / "no-such-folder"): "failed:not-found",
    }
    assert report.categories == {"new": 2, "failed": 3, "skipped": 2}


def test_run_leaves_a_report_artifact(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterId,
    )

    seed = sorted(SEEDS.glob("*.txt"))[0]
    report = ingest(sources_file(tmp_path, f"path = '{seed}'"), tmp_path / "out")
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["sistercities-ingest-report"])
            ),
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[report.run.run_id])),
        )
    assert "## Documents" in artifact.data and "| new | 1 |" in artifact.data


def test_second_concurrent_run_is_refused(tmp_path):
    sources = sources_file(tmp_path, f"path = '{SEEDS}'")
    with dataset.lock(tmp_path / "out"), pytest.raises(DatasetError, match="another run"):
        ingest(sources, tmp_path / "out")


@pytest.mark.dask
def test_dask_cluster_gives_the_single_process_output(tmp_path, site):
    from distributed import LocalCluster

    pages = seed_pages(site, 3, etag='"v1"')
    sources = sources_file(tmp_path, f"path = '{SEEDS}'", *(f"url = '{u}'" for u in pages))
    ingest(sources, tmp_path / "single", batch_size=3)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        ingest(sources, tmp_path / "dask", batch_size=3, dask_address=cluster.scheduler_address)
    for table in TABLES:
        single = dataset.read_table(tmp_path / "single", table)
        assert dataset.read_table(tmp_path / "dask", table).equals(single), table.name
    per_run = ["run_id", "checked_at", "changed_at"]
    single = dataset.read_table(tmp_path / "single", dataset.SOURCES).drop(columns=per_run)
    on_dask = dataset.read_table(tmp_path / "dask", dataset.SOURCES).drop(columns=per_run)
    assert on_dask.equals(single)
    texts = sorted(p.name for p in (tmp_path / "single" / "texts").iterdir())
    assert texts == sorted(p.name for p in (tmp_path / "dask" / "texts").iterdir())
