"""The review web app: a queue of candidates, least confident first, with keyboard
decisions, and a view of each whole document with its extractions highlighted.

Bound to 127.0.0.1 by default. Article text is untrusted: pages are rendered by
auto-escaping Jinja2 templates, highlighted spans by `spans.render`, and a strict
Content-Security-Policy (no inline script) is a second line of defence. Requests with
an unexpected Host header (DNS rebinding) or a cross-site Origin are refused, and
state-changing requests must be JSON, which a plain cross-site form cannot send.
"""

from __future__ import annotations

import contextlib
import math
import threading
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from pipeline.models import EVENT_TYPES, RELATION_KINDS
from pipeline.review import candidates as cands
from pipeline.review import config, decisions, spans
from pipeline.review.candidates import EVENT, RELATION, Candidate
from pipeline.review.store import DecisionStore, ReviewError

HERE = Path(__file__).parent
PAGE_SIZE = 50
FILTER_STATUSES = (
    "unreviewed",
    "accepted",
    "rejected",
    "edited",
    "added",
    "disagreement",
    "changed",
)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]


class DecisionIn(BaseModel):
    action: str
    changes: dict[str, str | None] = Field(default_factory=dict)
    note: str | None = None


class EventIn(BaseModel):
    type: str
    date: str | None = None
    trigger_text: str | None = None
    trigger_start: int | None = None
    trigger_end: int | None = None
    note: str | None = None


class Review:
    """The dataset, its decision store and the reviewer this app records for."""

    def __init__(self, out_dir: Path, store: DecisionStore, reviewer: str):
        self.out_dir = Path(out_dir)
        self.store = store
        self.reviewer = reviewer
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._cs: cands.CandidateSet | None = None

    def candidates(self) -> cands.CandidateSet:
        """Loaded once, and again when a re-extraction rewrote the tables."""
        stamp = tuple(
            (p.name, p.stat().st_mtime_ns) for p in sorted(self.out_dir.glob("*.parquet"))
        )
        with self._lock:
            if self._cs is None or stamp != self._stamp:
                self._cs = cands.load(self.out_dir)
                self._stamp = stamp
            return self._cs

    def resolved(self) -> decisions.Resolved:
        return decisions.resolve(self.candidates(), self.store.all())


def create_app(
    out_dir: str | Path,
    db_url: str | None = None,
    reviewer: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The app for one dataset folder. Raises DatasetError if it holds no dataset."""
    out = Path(out_dir)
    store = DecisionStore(config.db_url(out, db_url))
    review = Review(out, store, config.reviewer(reviewer))
    review.candidates()  # fail now, not on the first page view

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        store.close()

    app = FastAPI(
        title="sistercities review", docs_url=None, redoc_url=None, openapi_url=None,
        lifespan=lifespan,
    )  # fmt: skip
    app.state.review = review
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOCAL_HOSTS)
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
            return JSONResponse({"error": "cross-site request refused"}, status_code=403)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip()
            if ctype != "application/json":
                return JSONResponse({"error": "send JSON"}, status_code=415)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def page(request: Request, name: str, **ctx) -> HTMLResponse:
        ctx.update(reviewer=review.reviewer, dataset=str(out), statuses=FILTER_STATUSES)
        return templates.TemplateResponse(request, name, ctx)

    def get_candidate(rs: decisions.Resolved, cid: str) -> Candidate:
        c = rs.candidates.get(cid)
        if c is None:
            raise HTTPException(404, f"no candidate {cid}")
        return c

    @app.get("/", response_class=HTMLResponse)
    def queue(
        request: Request,
        doc: str = "",
        country: str = "",
        type: str = "",
        status: str = "",
        page_no: int = 1,
    ):
        rs = review.resolved()
        items = select(rs, doc, country, type, status)
        pages = max(1, math.ceil(len(items) / PAGE_SIZE))
        page_no = min(max(page_no, 1), pages)
        shown = items[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        filters = {"doc": doc, "country": country, "type": type, "status": status}
        return page(
            request,
            "queue.html",
            cards=[card(rs, c) for c in shown],
            total=len(items),
            counts=counts(rs),
            filters=filters,
            options=filter_options(rs),
            page_no=page_no,
            pages=pages,
            page_link=lambda n: "?" + urlencode({**filters, "page_no": n}),
            orphans=len(rs.orphans),
            event_types=EVENT_TYPES,
            kinds=RELATION_KINDS,
        )

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    @app.get("/card/{cid}", response_class=HTMLResponse)
    def card_fragment(request: Request, cid: str):
        rs = review.resolved()
        c = get_candidate(rs, cid)
        return page(
            request, "card.html", c=card(rs, c), event_types=EVENT_TYPES, kinds=RELATION_KINDS
        )

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str, focus: str = ""):
        rs = review.resolved()
        if doc_id not in rs.candidates.documents:
            raise HTTPException(404, f"no document {doc_id}")
        return page(request, "document.html", **document_view(rs, doc_id, focus))

    @app.get("/orphans", response_class=HTMLResponse)
    def orphan_page(request: Request):
        rs = review.resolved()
        disputed = [card(rs, c) for c in rs.candidates if rs.state(c.candidate_id).disagreement]
        return page(
            request, "orphans.html", orphans=[orphan_view(d) for d in rs.orphans], disputed=disputed
        )

    @app.get("/api/candidates")
    def api_candidates(doc: str = "", country: str = "", type: str = "", status: str = ""):
        rs = review.resolved()
        return [candidate_json(rs, c) for c in select(rs, doc, country, type, status)]

    @app.get("/api/candidates/{cid}")
    def api_candidate(cid: str):
        rs = review.resolved()
        return candidate_json(rs, get_candidate(rs, cid), history=True)

    @app.post("/api/candidates/{cid}/decision")
    def api_decide(cid: str, body: DecisionIn):
        rs = review.resolved()
        get_candidate(rs, cid)
        new = decisions.new_decision(rs, cid, body.action, review.reviewer, body.changes, body.note)
        review.store.append(new)
        rs = review.resolved()
        return candidate_json(rs, get_candidate(rs, cid))

    @app.post("/api/candidates/{cid}/undo")
    def api_undo(cid: str):
        rs = review.resolved()
        get_candidate(rs, cid)
        review.store.append(decisions.new_undo(rs, cid, review.reviewer))
        rs = review.resolved()
        c = rs.candidates.get(cid)
        return candidate_json(rs, c) if c else {"candidate_id": cid, "status": "removed"}

    @app.post("/api/relations/{rid}/events")
    def api_add_event(rid: str, body: EventIn):
        rs = review.resolved()
        new = decisions.new_event(rs, rid, review.reviewer, **body.model_dump())
        review.store.append(new)
        rs = review.resolved()
        return candidate_json(rs, get_candidate(rs, new.candidate_id))

    @app.get("/api/orphans")
    def api_orphans():
        return [orphan_view(d) for d in review.resolved().orphans]

    @app.exception_handler(ReviewError)
    async def review_error(_request: Request, exc: ReviewError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    return app


# --- view models ------------------------------------------------------------------


def select(rs: decisions.Resolved, doc="", country="", type="", status="") -> list[Candidate]:
    out = []
    for c in rs.candidates:
        st = rs.state(c.candidate_id)
        if doc and c.doc_id != doc:
            continue
        if country and country.upper() not in c.countries:
            continue
        if type == RELATION and c.kind != RELATION:
            continue
        if type and type != RELATION and c.event_type != type:
            continue
        if status == "disagreement":
            if not st.disagreement:
                continue
        elif status == "changed":
            if not st.changed:
                continue
        elif status and st.status != status:
            continue
        out.append(c)
    return out


def counts(rs: decisions.Resolved) -> dict[str, int]:
    out = dict.fromkeys(decisions.STATUSES, 0)
    for c in rs.candidates:
        out[rs.state(c.candidate_id).status] += 1
    return out


def filter_options(rs: decisions.Resolved) -> dict:
    docs = {}
    countries = set()
    for c in rs.candidates:
        docs[c.doc_id] = c.title or c.source.rsplit("/", 1)[-1]
        countries |= c.countries
    return {
        "docs": sorted(docs.items(), key=lambda kv: kv[1].casefold()),
        "countries": sorted(countries),
        "types": [RELATION, *EVENT_TYPES],
    }


def card(rs: decisions.Resolved, c: Candidate) -> dict:
    text = rs.candidates.text(c.doc_id)
    st = rs.state(c.candidate_id)
    current = decisions.values(c)
    reviewed = decisions.reviewed_values(c, st)
    events = []
    if c.kind == RELATION:
        events = [
            {"id": e.candidate_id, "type": e.row["type"], "date": e.row["date"]}
            for e in rs.candidates
            if e.kind == EVENT and e.relation_id == c.candidate_id
        ]
    others = [
        {"reviewer": r, "action": d.action, "at": d.created_at[:16].replace("T", " ")}
        for r, d in sorted(st.by_reviewer.items())
    ]
    d = st.decision
    return {
        "id": c.candidate_id,
        "kind": c.kind,
        "origin": c.origin,
        "pair": c.pair,
        "doc_id": c.doc_id,
        "title": c.title or c.source.rsplit("/", 1)[-1],
        "confidence": c.confidence,
        "rule": c.row.get("rule_id"),
        "relation": c.relation,
        "row": c.row,
        "values": current,
        "reviewed": reviewed,
        "status": st.status,
        "changed": st.changed,
        "disagreement": st.disagreement,
        "decided_by": d.reviewer if d else None,
        "decided_at": d.created_at[:16].replace("T", " ") if d else None,
        "note": d.note if d else None,
        "by_reviewer": others,
        "sentence": spans.render(text, c.evidence_start, c.evidence_end, c.marks),
        "paragraph": spans.render(text, c.paragraph_start, c.paragraph_end, c.marks)
        if (c.paragraph_start, c.paragraph_end) != (c.evidence_start, c.evidence_end)
        else None,
        "doc_link": f"/doc/{c.doc_id}?{urlencode({'focus': c.candidate_id})}#c-{c.candidate_id}",
        "events": events,
    }  # fmt: skip


def document_view(rs: decisions.Resolved, doc_id: str, focus: str) -> dict:
    text = rs.candidates.text(doc_id)
    mine = [c for c in rs.candidates if c.doc_id == doc_id]
    marks = {m for c in mine for m in c.marks}
    focus_c = rs.candidates.get(focus) if focus else None
    if focus_c is not None and focus_c.doc_id == doc_id:
        marks.add(cands.Mark(focus_c.evidence_start, focus_c.evidence_end, "focus", "under review"))
    anchors: dict[int, list[str]] = {}
    paras = spans.paragraphs(text)
    for c in mine:
        i = next((i for i, (s, e) in enumerate(paras) if s <= c.evidence_start < e + 1), 0)
        anchors.setdefault(i, []).append(c.candidate_id)
    doc = rs.candidates.documents[doc_id]
    return {
        "doc": doc,
        "paragraphs": [
            {"html": spans.render(text, s, e, marks), "anchors": anchors.get(i, [])}
            for i, (s, e) in enumerate(paras)
        ],
        "n_candidates": len(mine),
    }


def candidate_json(rs: decisions.Resolved, c: Candidate, history: bool = False) -> dict:
    st = rs.state(c.candidate_id)
    d = st.decision
    out = {
        "candidate_id": c.candidate_id,
        "kind": c.kind,
        "origin": c.origin,
        "doc_id": c.doc_id,
        "relation_id": c.relation_id,
        "pair": c.pair,
        "confidence": c.confidence,
        "fingerprint": c.fingerprint,
        "values": decisions.values(c),
        "reviewed": decisions.reviewed_values(c, st),
        "status": st.status,
        "disagreement": st.disagreement,
        "changed": st.changed,
        "attached_by": st.via,
        "reviewer": d.reviewer if d else None,
        "note": d.note if d else None,
        "evidence": [c.evidence_start, c.evidence_end],
        "reviewers": {r: x.action for r, x in st.by_reviewer.items()},
    }
    if history:
        out["history"] = [decision_json(x) for x in st.history]
    return out


def decision_json(d) -> dict:
    return {
        "decision_id": d.decision_id,
        "action": d.action,
        "changes": d.changes,
        "note": d.note,
        "reviewer": d.reviewer,
        "created_at": d.created_at,
        "reverts": d.reverts,
    }


def orphan_view(d) -> dict:
    return {
        **decision_json(d),
        "candidate_kind": d.candidate_kind,
        "candidate_id": d.candidate_id,
        "doc_id": d.doc_id,
        "source": d.source,
        "pair": d.snapshot.get("pair"),
        "values": d.snapshot.get("values"),
        "evidence_text": d.snapshot.get("evidence_text"),
    }
