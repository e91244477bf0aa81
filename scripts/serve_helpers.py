"""What scripts/serve.sh needs that plain bash cannot do portably: find installed files, free
ports, precompress static files, wait for servers to answer their health check, and start a
process that stops when serve.sh dies.

Usage: python3 scripts/serve_helpers.py COMMAND [ARGS]  (each command is one function below).
Standard library only, and no import of streamlit or plotly (they take a second to import):
the files are found by their package locations; `warm_up` alone, run once the workers answer,
speaks Streamlit's protocol with the `websockets` package Streamlit's server brings along.
"""

from __future__ import annotations

import ctypes
import gzip
import importlib.util
import os
import signal
import socket
import sys
import time
import urllib.request
from pathlib import Path

#: File types worth compressing once at start (woff2, png and gif are compressed already).
COMPRESSIBLE = frozenset({".js", ".css", ".svg", ".json", ".map", ".txt", ".html"})
#: prctl's option that sends a signal to a process when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1
#: Smaller files are sent as they are: their gzip header costs more than it saves.
MIN_GZIP_SIZE = 1024


class Failure(Exception):
    """A reason to stop, said in words for the person who started serve.sh."""


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise Failure(f"the Python package '{name}' is not installed for {sys.executable}; "
                      "install the app first: python3 -m pip install -r requirements.txt")
    return Path(spec.submodule_search_locations[0])


def paths() -> None:
    """Print, one a line: Streamlit's frontend bundle (served at /static/), its favicon, and
    plotly.js from the plotly package."""
    static = package_dir("streamlit") / "static"
    plotly_js = package_dir("plotly") / "package_data" / "plotly.min.js"
    for path in (static / "static", static / "favicon.png", plotly_js):
        if not path.exists():
            raise Failure(f"{path} is missing: is the installed package complete?")
        print(path)


def free_ports(count: str) -> None:
    """Print `count` different loopback ports that nothing listens on right now."""
    sockets = []
    try:
        for _ in range(int(count)):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)  # held open until all are chosen, so no port comes twice
        print(" ".join(str(s.getsockname()[1]) for s in sockets))
    finally:
        for s in sockets:
            s.close()


def check_port(host: str, port: str) -> None:
    """Fail unless a server could listen on host:port (empty host: every interface)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx does
        try:
            s.bind((host, int(port)))
        except OSError as error:
            where = f"{host}:{port}" if host else f"port {port}"
            raise Failure(f"cannot listen on {where}: {error.strerror} "
                          "(choose another with --port, or stop what uses it)") from None


def _compress(source: Path, target: Path) -> None:
    target.write_bytes(gzip.compress(source.read_bytes(), compresslevel=9, mtime=0))
    stat = source.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same Last-Modified either way


def mirror(*pairs: str) -> None:
    """For each SOURCE TARGET pair: make TARGET a copy of the tree or file SOURCE made of symbolic
    links, plus a gzipped `name.gz` next to each compressible file, for nginx's gzip_static:
    compressed once at start, instead of once for every student."""
    sources, gzipped = [], []
    for source, target in zip(pairs[::2], pairs[1::2], strict=True):
        source_path, target_path = Path(source), Path(target)
        if source_path.is_dir():
            files = {file: target_path / file.relative_to(source_path) for file in source_path.rglob("*")
                     if file.is_file()}
        else:
            files = {source_path: target_path / source_path.name}
        for file, link in sorted(files.items()):
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(file)
            if file.suffix in COMPRESSIBLE and file.stat().st_size >= MIN_GZIP_SIZE:
                sources.append(file)
                gzipped.append(link.with_name(link.name + ".gz"))
    for file, compressed in zip(sources, gzipped, strict=True):  # one process: the workers start meanwhile
        _compress(file, compressed)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, exited but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def wait_healthy(timeout: str, *servers: str) -> None:
    """Wait until every server, given as NAME=PID=URL, answers "ok" at URL; fail as soon as one
    of their processes has ended, or when `timeout` seconds have passed."""
    waiting = [server.split("=", 2) for server in servers]
    deadline = time.monotonic() + float(timeout)
    while waiting:
        for name, pid, url in list(waiting):
            if _healthy(url):
                waiting.remove([name, pid, url])
            elif not _alive(int(pid)):
                raise Failure(f"{name} (pid {pid}) stopped before it answered {url}")
        if waiting and time.monotonic() > deadline:
            names = ", ".join(name for name, _, _ in waiting)
            raise Failure(f"{names} did not answer its health check within {timeout} s")
        time.sleep(0.2)


def tied(parent: str, *command: str) -> None:
    """Become `command` (same PID) in a session of its own, set to get SIGTERM when its parent,
    serve.sh, dies. Its own session: Ctrl-C in the terminal reaches serve.sh alone, which then
    stops everything in order. SIGTERM on the parent's death: even a serve.sh killed with
    SIGKILL leaves nothing behind."""
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        raise Failure(f"prctl failed: {os.strerror(ctypes.get_errno())}")
    if os.getppid() != int(parent):  # the parent died before prctl: nothing would stop us
        raise Failure(f"serve.sh (pid {parent}) has gone; not starting {command[0]}")
    os.execvp(command[0], command)


def warm_up(*urls: str) -> None:
    """Open each worker's Train and Draw pages once, as a browser would, and wait until they are
    there: a worker's first visitor pays for importing the app's code and preparing its data
    (a second or two of CPU), and this way the lecturer's server pays before the class arrives."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect  # only here: the other commands need no packages

    for url in urls:
        for page in ("", "draw"):
            host = url.split("://", 1)[1]
            with connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"],
                         origin=f"http://{host}", open_timeout=30, max_size=None) as socket_:
                message = BackMsg()
                message.rerun_script.page_name = page
                socket_.send(message.SerializeToString())
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    forward = ForwardMsg()
                    forward.ParseFromString(socket_.recv(timeout=deadline - time.monotonic()))
                    if (forward.WhichOneof("type") == "script_finished"
                            and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                        break
                else:
                    raise Failure(f"the worker at {url} did not show its {page or 'Train'} page within a minute")


COMMANDS = {"paths": paths, "free-ports": free_ports, "check-port": check_port, "mirror": mirror,
            "wait-healthy": wait_healthy, "tied": tied, "warm-up": warm_up}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(COMMANDS)}}} ARGS")
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except Failure as failure:
        print(f"serve.sh: {failure}", file=sys.stderr)
        sys.exit(1)
