"""Test helpers for scripts/serve.sh: start it, read what it printed, check its processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from browser import ARTIFACTS, ROOT, free_port

SERVE = ROOT / "scripts" / "serve.sh"
#: The cookie nginx pins a browser with: the address of its worker.
WORKER_COOKIE = re.compile(r"lrviz_worker=([^;]*);")
#: A line of nginx's access log (serve.sh's log_format `lrviz`).
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d{3}) \d+ pinned=(?P<pinned>\S*) worker=(?P<worker>\S+) ')


@dataclass(frozen=True)
class Entry:
    """One request in nginx's access log: the worker the browser's cookie pinned it to (None: no
    valid cookie) and the worker that answered (None: nginx itself, or none could)."""

    request: str
    status: int
    pinned: str | None
    worker: str | None

    @classmethod
    def parse(cls, line: str) -> Entry:
        found = LOG_LINE.search(line)
        if found is None:
            raise AssertionError(f"not a line of serve.sh's access log: {line!r}")
        worker = found["worker"] if found["worker"] != "-" else None
        return cls(found["request"], int(found["status"]), found["pinned"] or None, worker)


def pinned_by(headers) -> str | None:
    """The worker a response's Set-Cookie pins the browser to (None: it sets no such cookie)."""
    found = WORKER_COOKIE.search(";".join(headers.get_all("Set-Cookie") or []))
    return found.group(1) if found else None


@dataclass
class Served:
    """A running serve.sh and what it printed about the processes it started."""

    process: subprocess.Popen
    output_path: Path
    port: int
    worker_pids: list[int] = field(default_factory=list)
    worker_ports: list[int] = field(default_factory=list)
    nginx_pid: int | None = None
    access_log: Path | None = None
    run_dir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def workers(self) -> list[str]:
        """The workers' addresses, worker 1's first (as nginx names them in cookies and its log)."""
        return [f"127.0.0.1:{port}" for port in self.worker_ports]

    def log(self, since: int = 0) -> list[Entry]:
        """nginx's access log from byte `since` on (see `log_size`)."""
        with open(self.access_log, "rb") as log:
            log.seek(since)
            return [Entry.parse(line) for line in log.read().decode().splitlines()]

    def log_size(self) -> int:
        return self.access_log.stat().st_size

    def entries(self, marker: str, count: int = 1, timeout: float = 10) -> list[Entry]:
        """The access log's entries whose request line contains `marker`, once there are `count`
        (nginx writes an entry when the request ends: a websocket's when it closes)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [entry for entry in self.log() if marker in entry.request]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def output(self) -> str:
        return self.output_path.read_text()

    def read(self) -> None:
        """Take the PIDs, ports and log paths from the output so far."""
        text = self.output()
        workers = re.findall(r"worker \d+\s+pid (\d+)\s+http://127\.0\.0\.1:(\d+)", text)
        self.worker_pids = [int(pid) for pid, _ in workers]
        self.worker_ports = [int(port) for _, port in workers]
        run_dir = re.search(r"log (\S+)/worker-1\.log", text)
        if run_dir:
            self.run_dir = Path(run_dir.group(1))
        nginx = re.search(r"nginx\s+pid (\d+)\s+config \S+\s+access log (\S+)", text)
        if nginx:
            self.nginx_pid, self.access_log = int(nginx.group(1)), Path(nginx.group(2))

    def started(self) -> list[Process]:
        """Every process serve.sh said it started, and nginx's own worker processes, now."""
        pids = list(self.worker_pids)
        if self.nginx_pid is not None:
            pids += [self.nginx_pid] + children(self.nginx_pid)
        return [process for process in map(Process.of, pids) if process is not None]

    def stop(self, how: signal.Signals = signal.SIGTERM, wait: bool = True) -> int | None:
        """Signal serve.sh (SIGINT goes to its whole process group, as Ctrl-C in a terminal
        does); return its exit status once it has ended, unless told not to wait."""
        if self.process.poll() is None:
            if how == signal.SIGINT:
                os.killpg(self.process.pid, how)
            else:
                self.process.send_signal(how)
        return self.process.wait(timeout=30) if wait else None


def launch(*args: str, env: dict | None = None) -> Served:
    """Start `bash scripts/serve.sh ARGS --host 127.0.0.1 --port <free>` in a session of its own
    (as a terminal would run it); its output goes to test-artifacts/."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    output_path = ARTIFACTS / f"serve-{port}.log"
    with open(output_path, "w") as output:
        process = subprocess.Popen(["bash", str(SERVE), *args, "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    return Served(process, output_path, port)


def wait_ready(served: Served, timeout: float = 180) -> Served:
    """Wait until serve.sh says it is ready, or has exited; then read its output."""
    deadline = time.monotonic() + timeout
    while "lrviz is ready" not in served.output() and served.process.poll() is None:
        if time.monotonic() > deadline:
            served.stop()
            raise AssertionError(f"serve.sh did not get ready in {timeout} s: {served.output()}")
        time.sleep(0.2)
    served.read()
    return served


def wait_output(served: Served, text: str, timeout: float = 30) -> str:
    """Wait until serve.sh has printed `text`; return its output."""
    deadline = time.monotonic() + timeout
    while text not in served.output():
        if time.monotonic() > deadline:
            raise AssertionError(f"serve.sh did not say {text!r}: {served.output()}")
        time.sleep(0.1)
    return served.output()


def start(*args: str, env: dict | None = None) -> Served:
    """`launch`, then `wait_ready`."""
    return wait_ready(launch(*args, env=env))


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name: state, parent, ... (None: no such PID)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


@dataclass(frozen=True)
class Process:
    """A process by PID and start time, so that a later process with a reused PID is not taken for it."""

    pid: int
    start_time: str

    @classmethod
    def of(cls, pid: int) -> Process | None:
        fields = _stat(pid)
        return cls(pid, fields[19]) if fields and fields[0] != "Z" else None

    def running(self) -> bool:
        """Whether it runs (a zombie, which has exited and waits to be reaped, does not)."""
        fields = _stat(self.pid)
        return bool(fields) and fields[19] == self.start_time and fields[0] != "Z"


def children(pid: int) -> list[int]:
    """The PIDs of the running processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(int(stat.parent.name))
        if fields and int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def wait_gone(processes: list[Process], timeout: float = 15) -> list[Process]:
    """Wait until none of the processes runs; return those still running after `timeout`."""
    deadline = time.monotonic() + timeout
    while any(p.running() for p in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in processes if p.running()]
