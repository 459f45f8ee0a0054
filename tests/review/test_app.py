"""The review app's HTTP API and pages (in-process client; the browser tests drive Chromium)."""

import pytest
from fastapi.testclient import TestClient

from pipeline.review.app import create_app

from .helpers import kiel, resolve


@pytest.fixture
def client(ds, db_url):
    app = create_app(ds, db_url, reviewer="alice")
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        yield c


def _decide(client, cid, **body):
    return client.post(f"/api/candidates/{cid}/decision", json=body)


def test_queue_lists_candidates_least_confident_first(client):
    items = client.get("/api/candidates").json()
    assert [i["confidence"] for i in items] == sorted(i["confidence"] for i in items)
    assert {i["kind"] for i in items} == {"relation", "event"}


@pytest.mark.parametrize(
    "query", ["type=relation", "type=terminated", "country=CN", "status=unreviewed"]
)
def test_queue_filters(client, query):
    key, value = query.split("=")
    items = client.get(f"/api/candidates?{query}").json()
    assert items
    for i in items:
        if key == "type" and value == "relation":
            assert i["kind"] == "relation"
        elif key == "type":
            assert i["values"]["type"] == value
        elif key == "status":
            assert i["status"] == value


def test_document_filter_keeps_one_document(client, ds, db_url):
    doc = kiel(resolve(ds, db_url), "relation").doc_id
    items = client.get(f"/api/candidates?doc={doc}").json()
    assert items and {i["doc_id"] for i in items} == {doc}


def test_accept_records_the_apps_reviewer(client, ds, db_url):
    cid = kiel(resolve(ds, db_url), "relation").candidate_id
    got = _decide(client, cid, action="accept", note="ok").json()
    assert (got["status"], got["reviewer"], got["note"]) == ("accepted", "alice", "ok")


def test_an_invalid_edit_is_a_400_with_the_reason(client, ds, db_url):
    cid = kiel(resolve(ds, db_url), "event", "established").candidate_id
    res = _decide(client, cid, action="edit", changes={"date": "2004-02-30"})
    assert res.status_code == 400 and "not a calendar date" in res.json()["error"]


def test_undo_returns_the_candidate_to_unreviewed(client, ds, db_url):
    cid = kiel(resolve(ds, db_url), "relation").candidate_id
    _decide(client, cid, action="reject")
    got = client.post(f"/api/candidates/{cid}/undo", json={}).json()
    assert got["status"] == "unreviewed"


def test_a_missed_event_can_be_added_from_its_trigger_words(client, ds, db_url):
    rid = kiel(resolve(ds, db_url), "relation").candidate_id
    body = {"type": "proposed", "date": "2003", "trigger_text": "sister city relationship"}
    res = client.post(f"/api/relations/{rid}/events", json=body)
    assert res.status_code == 200, res.text
    assert (res.json()["status"], res.json()["origin"]) == ("added", "reviewer")


def test_trigger_words_that_are_not_in_the_document_are_refused(client, ds, db_url):
    rid = kiel(resolve(ds, db_url), "relation").candidate_id
    res = client.post(
        f"/api/relations/{rid}/events", json={"type": "proposed", "trigger_text": "annexed"}
    )
    assert res.status_code == 400 and "does not occur" in res.json()["error"]


def test_article_markup_is_escaped_in_the_queue(client, ds, db_url):
    doc = kiel(resolve(ds, db_url), "relation").doc_id
    html = client.get(f"/?doc={doc}").text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_article_markup_is_escaped_in_the_document_view(client, ds, db_url):
    doc = kiel(resolve(ds, db_url), "relation").doc_id
    html = client.get(f"/doc/{doc}").text
    assert "<script>alert" not in html and 'onclick="alert' not in html
    assert "&lt;a href=&#34;javascript:alert(3)&#34;" in html


def test_pages_forbid_inline_script(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_a_foreign_host_header_is_refused(client):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400


def test_a_cross_site_post_is_refused(client, ds, db_url):
    cid = kiel(resolve(ds, db_url), "relation").candidate_id
    res = client.post(
        f"/api/candidates/{cid}/decision",
        json={"action": "reject"},
        headers={"origin": "http://attacker.example"},
    )
    assert res.status_code == 403


def test_a_form_post_is_refused(client, ds, db_url):
    cid = kiel(resolve(ds, db_url), "relation").candidate_id
    res = client.post(f"/api/candidates/{cid}/decision", data={"action": "reject"})
    assert res.status_code == 415


def test_orphans_page_lists_orphaned_decisions(client):
    assert "Orphaned decisions" in client.get("/orphans").text
    assert client.get("/api/orphans").json() == []


def test_unknown_candidate_is_404(client):
    assert (
        client.post("/api/candidates/nope/decision", json={"action": "accept"}).status_code == 404
    )
