"""Prefect's temporary server, ended with the process that started it, however it ends.

Without PREFECT_API_URL, a flow run starts Prefect's temporary API server as a child
process and stops it at exit. A run that is killed (SIGKILL, the OOM killer) never gets
to stop it, and the server would stay up for good. So the server is started here, after
a small watcher process that is told the server's pid and holds the read end of a pipe
only this process writes: when the pipe closes, this process has ended, whatever ended
it, and the watcher stops the server.
"""

from __future__ import annotations

import subprocess
import sys
import threading

from prefect.server.api.server import SubprocessASGIServer

_WATCHER = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the run, not for us
# One pid per line (the server's, and its replacement's if its port was taken); the
# end of the input comes when the process that started the server has ended.
pids = [int(line) for line in sys.stdin.buffer]


def running(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"uvicorn" in f.read()  # not a zombie, not a new process with the pid
    except OSError:
        return False


for pid in pids:
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 0.0)):
        if not running(pid):
            break
        os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
"""

_watchers: list[subprocess.Popen] = []  # kept, so their pipes stay open until we end


def start_temporary() -> None:
    """Start the temporary server the flow would start, now, watched (once)."""
    server = SubprocessASGIServer()
    if server.running or not sys.platform.startswith("linux"):
        server.start()
        return
    watcher = subprocess.Popen(
        [sys.executable, "-c", _WATCHER],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _watchers.append(watcher)
    started = threading.Event()
    told: set[int] = set()

    def tell() -> None:
        # The server's pid exists as soon as its process does, while start() still
        # waits for it to answer: pass it on at once, not when start() returns.
        while True:
            last = started.wait(0.005)
            process = server.server_process
            if process is not None and process.pid not in told:
                told.add(process.pid)
                watcher.stdin.write(f"{process.pid}\n".encode())  # type: ignore[union-attr]
                watcher.stdin.flush()  # type: ignore[union-attr]
            if last:
                return

    teller = threading.Thread(target=tell, name="temporary-server-watch", daemon=True)
    teller.start()
    try:
        server.start()
    finally:
        started.set()
        teller.join()
