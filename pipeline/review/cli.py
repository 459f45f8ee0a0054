"""Command-line commands for reviewing: `sistercities review ...` and `sistercities export`.

Registered in pipeline/cli.py. Heavy imports happen inside the commands so that
`sistercities --help` stays fast.
"""

from __future__ import annotations

import socket
import webbrowser
from pathlib import Path

import typer
from typer.core import TyperGroup

from pipeline.errors import InputError


class _ServeByDefault(TyperGroup):
    """`sistercities review DATASET` means `sistercities review serve DATASET`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


review_app = typer.Typer(
    cls=_ServeByDefault,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Review extractions by hand: a local web app, CSV round trips, a status summary.",
)

_DB_HELP = "Decision store: SQLAlchemy URL or SQLite file (default: $SISTERCITIES_REVIEW_DB or DATASET/review.sqlite)."  # noqa: E501
_REVIEWER_HELP = (
    "Reviewer name recorded with each decision (default: $SISTERCITIES_REVIEWER or the login name)."  # noqa: E501
)


@review_app.command()
def serve(
    dataset: Path = typer.Argument(Path("extracted"), help="Dataset folder written by extract."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (keep it local)."),
    port: int = typer.Option(8765, help="Port; 0 picks a free one."),
    reviewer: str = typer.Option(None, help=_REVIEWER_HELP),
    db: str = typer.Option(None, help=_DB_HELP),
    open_browser: bool = typer.Option(False, "--open", help="Open the queue in a browser."),
) -> None:
    """Serve the review queue of DATASET on http://127.0.0.1:PORT/ .

    \b
    Examples:
      sistercities review extracted/
      sistercities review extracted/ --port 0 --reviewer alice
      SISTERCITIES_REVIEW_DB=postgresql://review@db/review sistercities review extracted/

    Keys in the queue: a accept, r reject, e edit, u undo, arrows move.
    """  # fmt: skip
    import uvicorn

    from pipeline.review import config
    from pipeline.review.app import LOCAL_HOSTS, create_app

    local = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(dataset, db, config.reviewer(reviewer), allowed_hosts=None if local else ["*"])
    sock = _bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{actual}/"
    who = app.state.review.reviewer
    typer.echo(f"Reviewing {dataset} as {who}; decisions in {app.state.review.store.url}")
    typer.echo(f"Open {url}  (Ctrl+C to stop)")
    if not local:
        typer.echo(f"Warning: listening on {host}, not only on this machine ({LOCAL_HOSTS[0]}).")
    if open_browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port (0 = any free)"
        ) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


@review_app.command("import")
def import_csv(
    file: Path = typer.Argument(..., help="CSV written by `review queue-csv`, decisions filled."),
    dataset: Path = typer.Option(Path("extracted"), "--dataset", "-d", help="Dataset folder."),
    reviewer: str = typer.Option(None, help=_REVIEWER_HELP),
    db: str = typer.Option(None, help=_DB_HELP),
) -> None:
    """Import decisions from a filled-in queue CSV: all rows or none.

    \b
    Examples:
      sistercities review queue-csv extracted/ -o queue.csv
      (fill the decision column: accept, reject or edit, with corrected values)
      sistercities review import queue.csv --dataset extracted/ --reviewer alice

    Invalid rows are listed with their spreadsheet row number; then nothing is applied.
    """  # fmt: skip
    from pipeline.review import candidates as cands
    from pipeline.review import config, decisions, queuecsv
    from pipeline.review.store import DecisionStore

    cs = cands.load(dataset)
    with DecisionStore(config.db_url(dataset, db)) as store:
        rs = decisions.resolve(cs, store.all())
        try:
            parsed = queuecsv.import_file(rs, store, file, config.reviewer(reviewer))
        except queuecsv.ImportRejected as exc:
            for line in exc.problems:
                typer.echo(line, err=True)
            raise
    by_action: dict[str, int] = {}
    for d in parsed.decisions:
        by_action[d.action] = by_action.get(d.action, 0) + 1
    summary = ", ".join(f"{n} {a}" for a, n in sorted(by_action.items())) or "no decisions"
    typer.echo(f"imported {summary}; {parsed.skipped} rows without a decision skipped")


@review_app.command("queue-csv")
def queue_csv(
    dataset: Path = typer.Argument(Path("extracted"), help="Dataset folder."),
    out: Path = typer.Option(Path("review-queue.csv"), "--out", "-o", help="CSV file to write."),
    status: str = typer.Option(None, help="Only candidates with this status (e.g. unreviewed)."),
    db: str = typer.Option(None, help=_DB_HELP),
) -> None:
    """Write the review queue as a CSV to fill in a spreadsheet (least confident first).

    \b
    Examples:
      sistercities review queue-csv extracted/ -o queue.csv --status unreviewed
    """  # fmt: skip
    from pipeline.review import candidates as cands
    from pipeline.review import config, decisions, queuecsv
    from pipeline.review.store import DecisionStore

    if status and status not in decisions.STATUSES:
        raise InputError(f"status must be one of {', '.join(decisions.STATUSES)}")
    cs = cands.load(dataset)
    with DecisionStore(config.db_url(dataset, db)) as store:
        rs = decisions.resolve(cs, store.all())
    n = queuecsv.write_queue(rs, out, status)
    typer.echo(f"wrote {n} rows to {out}; fill the decision column, then `review import`")


@review_app.command()
def status(
    dataset: Path = typer.Argument(Path("extracted"), help="Dataset folder."),
    db: str = typer.Option(None, help=_DB_HELP),
) -> None:
    """Counts by review status, disagreements between reviewers, and orphaned decisions.

    \b
    Examples:
      sistercities review status extracted/
    """  # fmt: skip
    from pipeline.review import candidates as cands
    from pipeline.review import config, decisions
    from pipeline.review.store import DecisionStore

    cs = cands.load(dataset)
    with DecisionStore(config.db_url(dataset, db)) as store:
        all_decisions = store.all()
    rs = decisions.resolve(cs, all_decisions)
    counts = dict.fromkeys(decisions.STATUSES, 0)
    disputed = changed = 0
    for c in rs.candidates:
        st = rs.state(c.candidate_id)
        counts[st.status] += 1
        disputed += st.disagreement
        changed += st.changed
    typer.echo(
        f"candidates {len(rs.candidates)}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    typer.echo(
        f"decisions  {len(all_decisions)} stored; disagreements {disputed}; "
        f"changed since review {changed}"
    )
    typer.echo(f"orphaned   {len(rs.orphans)}")
    for d in rs.orphans:
        pair = d.snapshot.get("pair", "?")
        typer.echo(
            f"  #{d.decision_id} {d.action} {d.candidate_kind} {pair} "
            f"by {d.reviewer} {d.created_at[:10]} ({d.source})"
        )


def export(
    dataset: Path = typer.Argument(Path("extracted"), help="Dataset folder."),
    is_reviewed: bool = typer.Option(
        False, "--reviewed", help="Apply the review decisions (rejected out, edits in)."
    ),
    fmt: str = typer.Option("parquet", "--format", "-f", help="parquet, csv or labelstudio."),
    out: Path = typer.Option(
        None, "--out", "-o", help="Folder to write (default: DATASET/exports/<kind>-<format>)."
    ),
    accepted_only: bool = typer.Option(
        False, "--accepted-only", help="With --reviewed: only rows a reviewer accepted or added."
    ),
    db: str = typer.Option(None, help=_DB_HELP),
) -> None:
    """Export the dataset as Parquet or CSV (with datapackage.json), or as Label Studio tasks.

    \b
    Examples:
      sistercities export extracted/ --reviewed --format parquet
      sistercities export extracted/ --reviewed --format csv -o reviewed-csv/
      sistercities export extracted/ --format labelstudio

    Every span is checked against the text before anything is written.
    """  # fmt: skip
    from pipeline.review import export as exporter

    if accepted_only and not is_reviewed:
        raise InputError("--accepted-only needs --reviewed")
    result = exporter.export(dataset, fmt, out, is_reviewed, db, accepted_only)
    for line in result.lines():
        typer.echo(line)
