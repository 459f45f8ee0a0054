"""Fault injection shared by tests/test_reliability.py (quick) and `make reliability`
(long): runs of the real command line killed with SIGKILL, run under a file-size limit
or on a nearly full file system, and the comparison of the datasets they leave."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline import dataset

ROOT = Path(__file__).resolve().parents[1]
# What a killed run may leave that the next writer removes or takes over.
LOCK = dataset.LOCK_NAME
JOURNAL = dataset.JOURNAL_NAME


def extract_cmd(docs: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "extract", str(docs), "--out", str(out), *extra]


def run_cmd(sources: Path, out: Path, *extra: str) -> list[str]:
    """`sistercities run`: the Prefect flow, on its temporary server."""
    cli = [sys.executable, "-m", "pipeline.cli", "run"]
    return [*cli, "--sources", str(sources), "--out", str(out), *extra]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    e["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return e


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of a dataset folder by relative path (the lock aside)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != LOCK
    }


def leftovers(out: Path) -> list[str]:
    """Temporary files and commit journals: a finished run leaves none."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob(".*")
        if p.is_file() and (p.name.endswith(".tmp") or p.name == JOURNAL)
    )


def differences(expected: dict[str, bytes], got: dict[str, bytes]) -> list[str]:
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    changed = sorted(k for k in set(expected) & set(got) if expected[k] != got[k])
    return (
        [f"missing {k}" for k in missing]
        + [f"extra {k}" for k in extra]
        + [f"changed {k}" for k in changed]
    )


def phase(out: Path) -> str:
    """Where a killed run was, judged from what it left."""
    if (out / JOURNAL).exists():
        return "renaming"
    if any(p.name.endswith(".tmp") for p in out.glob(".*")):
        return "writing"
    held = (out / LOCK).exists() and (out / LOCK).stat().st_size > 0  # a pid: it was held
    if held and (out / dataset.REGISTRY_STALE).exists():
        return "after the commit"
    if held:
        return "extracting"
    return "starting"


@dataclass
class Killed:
    finished: bool  # the run ended before the kill came
    phase: str
    orphans: int  # processes of the run still alive after their parent was killed
    seconds: float = 0.0  # how long the run took, when it finished


def run_and_kill(
    cmd: list[str],
    out: Path,
    after: float,
    grace: float = 5.0,
    when: str | None = None,
    then: float = 0.0,
) -> Killed:
    """Start `cmd`, SIGKILL its main process after `after` seconds (only that process,
    as the kernel's OOM killer would), and count what of it survives. With `when` (a
    glob under `out`), kill it the moment such a file appears instead (or `then`
    seconds later), if it does within `after` seconds."""
    proc = subprocess.Popen(
        cmd,
        env=env(),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        if when is not None:
            while time.monotonic() - started < after and proc.poll() is None:
                if next(out.glob(when), None) is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=then)
                        return Killed(True, "finished", 0, time.monotonic() - started)
                    raise subprocess.TimeoutExpired(cmd, after)
                time.sleep(0.0005)
        proc.wait(timeout=max(0.0, after - (time.monotonic() - started)))
        return Killed(True, "finished", 0, time.monotonic() - started)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    where = phase(out)
    deadline = time.monotonic() + grace
    while (alive := _session_members(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:  # never leave them running, whatever the verdict
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return Killed(False, where, len(alive))


def _session_members(sid: int) -> list[int]:
    """Live processes of session `sid` (Linux /proc), zombies excluded."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            state, session = fields[0], int(fields[3])
            if session == sid and state != "Z":
                members.append(int(stat.parent.name))
    return members


def run(cmd: list[str], fsize: int | None = None) -> subprocess.CompletedProcess:
    """Run `cmd` to the end; with `fsize`, no file it writes may grow beyond that many
    bytes (RLIMIT_FSIZE: writes past it fail with EFBIG, as on a full disk)."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        cmd,
        env=env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limit if fsize is not None else None,
        timeout=600,
    )


@dataclass
class ReviewRace:
    returncode: int
    stderr: str
    decided: int  # decisions written
    during: int  # of which while the run was going
    stored: int  # decisions in the store afterwards
    kept: int  # candidates whose review state is the decided one afterwards
    orphans: int


def review_during(cmd: list[str], out: Path, pause: float = 0.05) -> ReviewRace:
    """Accept and reject every candidate of the dataset in `out`, one decision at a
    time, while `cmd` (an extraction into `out`) runs; then check what survived."""
    from pipeline.review import candidates, config, decisions
    from pipeline.review.store import DecisionStore

    url = config.db_url(out)
    rs = decisions.resolve(candidates.load(out), [])
    proc = subprocess.Popen(
        cmd, env=env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    wanted: dict[str, str] = {}
    during = 0
    with DecisionStore(url) as store:
        for i, c in enumerate(rs.candidates):
            action = "accept" if i % 2 else "reject"
            store.append(decisions.new_decision(rs, c.candidate_id, action, "alice"))
            wanted[c.candidate_id] = "accepted" if i % 2 else "rejected"
            during += proc.poll() is None
            time.sleep(pause)
    returncode = proc.wait(timeout=600)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    with DecisionStore(url) as store:
        stored = store.all()
    after = decisions.resolve(candidates.load(out), stored)
    kept = sum(after.state(cid).status == status for cid, status in wanted.items())
    orphans = len(after.orphans)
    return ReviewRace(returncode, stderr, len(wanted), during, len(stored), kept, orphans)
