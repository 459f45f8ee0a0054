"""End to end in a real headless Chromium: keyboard review, edits kept across reloads,
inert script payloads, decisions surviving a full re-extraction."""

import re

import pytest

from pipeline.review.app import create_app

from .conftest import LiveServer, extract_into, input_paths
from .helpers import kiel, resolve

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def server(ds, db_url):
    with LiveServer(create_app(ds, db_url, reviewer="alice")) as live:
        yield live


def _card(page, cid):
    return page.locator(f"#card-{cid}")


def test_keyboard_accept_reject_and_undo(page, server):
    page.goto(server.url + "/")
    cards = page.locator("#queue .card")
    first, second = cards.nth(0).get_attribute("data-id"), cards.nth(1).get_attribute("data-id")
    expect(cards.nth(0)).to_have_class(re.compile("focused"))
    page.keyboard.press("a")
    expect(_card(page, first).locator(".status")).to_have_text("accepted")
    expect(_card(page, second)).to_have_class(re.compile("focused"))
    page.keyboard.press("r")
    expect(_card(page, second).locator(".status")).to_have_text("rejected")
    page.keyboard.press("u")
    expect(_card(page, second).locator(".status")).to_have_text("unreviewed")
    page.keyboard.press("ArrowUp")
    expect(_card(page, first)).to_have_class(re.compile("focused"))
    page.reload()
    expect(_card(page, first).locator(".status")).to_have_text("accepted")
    expect(_card(page, second).locator(".status")).to_have_text("unreviewed")
    assert not page.js_errors


def test_edit_a_date_with_the_keyboard_and_see_it_kept_after_reload(page, server, ds, db_url):
    ev = kiel(resolve(ds, db_url), "event", "established").candidate_id
    page.goto(server.url + f"/?type=established#card-{ev}")
    card = _card(page, ev)
    expect(card).to_have_class(re.compile("focused"))
    page.keyboard.press("e")
    expect(card.locator("form.edit select[name=type]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(card.locator("form.edit input[name=date]")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2005")
    page.keyboard.press("Enter")
    expect(_card(page, ev).locator(".status")).to_have_text("edited")
    page.reload()
    card = _card(page, ev)
    expect(card.locator(".v-date")).to_have_text("2005")
    expect(card.locator(".status")).to_have_text("edited")
    assert not page.js_errors


def test_a_note_goes_with_the_decision(page, server, ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation").candidate_id
    page.goto(server.url + f"/?type=relation#card-{rel}")
    page.keyboard.press("n")
    page.keyboard.type("council minutes say so")
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    expect(_card(page, rel).locator(".note-text")).to_have_text("council minutes say so")


def test_script_payloads_in_a_document_stay_inert_text(page, server, ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    page.goto(server.url + f"/?doc={rel.doc_id}")
    expect(page.locator("#queue .card").first).to_be_visible()
    expect(page.locator("#queue")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("#queue")).to_contain_text("<img src=x onerror=alert(2)>")
    page.goto(server.url + f"/doc/{rel.doc_id}")
    expect(page.locator("article.document")).to_contain_text('<a href="javascript:alert(3)"')
    expect(page.locator("h1")).to_contain_text("<script>alert(1)</script>")
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    assert page.dialogs == []
    assert (
        page.locator("article img, #queue img, article a[onclick], script:not([src])").count() == 0
    )


def test_the_document_link_shows_every_extraction_highlighted(page, server, ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    page.goto(server.url + f"/?doc={rel.doc_id}")
    _card(page, rel.candidate_id).locator("a.doclink").click()
    expect(page).to_have_url(re.compile(f"/doc/{rel.doc_id}"))
    for role in ("city", "trigger", "date", "actor"):
        assert page.locator(f"article.document mark.hl-{role}").count() > 0


def test_decisions_survive_a_full_re_extraction(page, server, ds, db_url, extractor):
    rel = kiel(resolve(ds, db_url), "relation").candidate_id
    page.goto(server.url + f"/?type=relation#card-{rel}")
    page.keyboard.press("r")
    expect(_card(page, rel).locator(".status")).to_have_text("rejected")
    extract_into(extractor, input_paths(), ds)
    page.reload()
    expect(_card(page, rel).locator(".status")).to_have_text("rejected")
