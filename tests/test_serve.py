"""scripts/serve.sh: app workers behind nginx, with affinity, websockets, static files from disk,
and every process stopped on the way out. Plain HTTP on loopback, no browser."""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import serving
from browser import ROOT

REAL_PYTHON = sys.executable  # the interpreter itself: a pyenv shim would put its own first in PATH
STREAMLIT_STATIC = Path(importlib.util.find_spec("streamlit").origin).parent / "static"
PLOTLY_JS = Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
#: For a fake `python3 -m streamlit ...`: a worker that starts at once (tests/stand_in_worker.py).
STAND_IN = f'shift 2; exec {REAL_PYTHON} {ROOT}/tests/stand_in_worker.py "$@"'
ROUTE = re.compile(r"lrviz_route=([0-9a-f]{32});")


def request(served, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """One request through nginx; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def log_lines(served, marker: str, count: int = 1) -> list[dict]:
    """The access log's entries whose request line contains `marker`, as {status, route, upstream},
    once there are `count` (nginx writes an entry just after the response)."""
    deadline = time.monotonic() + 10
    while True:
        entries = []
        for line in served.access_log.read_text().splitlines():
            if marker in line:
                status = re.search(r'" (\d{3}) ', line).group(1)
                route = re.search(r"route=(\S+)", line).group(1)
                upstream = re.search(r"upstream=(.+) time=", line).group(1)
                entries.append({"status": status, "route": route, "upstream": upstream})
        if len(entries) >= count or time.monotonic() > deadline:
            return entries
        time.sleep(0.05)


def workers(served) -> set[str]:
    return {f"127.0.0.1:{port}" for port in served.worker_ports}


# ---- arguments ----


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers must be a whole number from 1 to 64, not '0'"),
    (["--workers", "two"], "--workers must be a whole number from 1 to 64, not 'two'"),
    (["--workers"], "--workers needs a value"),
    (["--port", "70000"], "--port must be a port number from 1 to 65535, not '70000'"),
    (["--host", "300.1.2.3"], "--host must be an IPv4 address such as 127.0.0.1, not '300.1.2.3'"),
    (["--host", "example.org"], "--host must be an IPv4 address"),
    (["--verbose"], "unknown argument '--verbose'"),
])
def test_a_bad_argument_is_explained_and_exits_2(args, message):
    result = subprocess.run(["bash", str(serving.SERVE), *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr and "--help" in result.stderr
    assert "Starting" not in result.stdout  # nothing was started


def test_help_says_how_to_use_it():
    result = subprocess.run(["bash", str(serving.SERVE), "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0
    assert "Usage: bash scripts/serve.sh [--workers N] [--port P] [--host ADDRESS]" in result.stdout
    assert f"the number of cores, {os.cpu_count()} here" in result.stdout


def test_a_port_in_use_is_refused_before_anything_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(["bash", str(serving.SERVE), "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "Starting" not in result.stdout


# ---- serving ----


def test_health_answers_through_the_proxy(class_server):
    status, headers, body = request(class_server, "/_stcore/health")
    assert (status, body) == (200, b"ok")
    assert headers["Server"] == "nginx"
    assert ROUTE.search(";".join(headers.get_all("Set-Cookie")))  # nginx's affinity cookie


def test_browsers_spread_over_the_workers_and_each_keeps_its_own(class_server):
    routes = [secrets.token_hex(16) for _ in range(40)]
    for i, route in enumerate(routes):
        status, _, _ = request(class_server, f"/_stcore/health?spread={i}", headers={"Cookie": f"lrviz_route={route}"})
        assert status == 200
    first = {}
    for i, route in enumerate(routes):
        (entry,) = log_lines(class_server, f"?spread={i} ")
        assert entry["route"] == route
        first[route] = entry["upstream"]
    assert set(first.values()) == workers(class_server)  # both workers get browsers
    for route in routes[:8]:  # and a browser always reaches the same one
        for _ in range(4):
            request(class_server, f"/_stcore/health?again={route}", headers={"Cookie": f"lrviz_route={route}"})
        assert {entry["upstream"] for entry in log_lines(class_server, f"?again={route} ", 4)} == {first[route]}


def test_a_new_browser_gets_a_route_cookie_that_keeps_it_on_its_worker(class_server):
    status, headers, page = request(class_server, "/?fresh=1")
    assert status == 200 and b"<html" in page
    cookies = ";".join(headers.get_all("Set-Cookie"))
    route = ROUTE.search(cookies).group(1)
    assert "Path=/" in cookies and "SameSite=Lax" in cookies and "Max-Age=604800" in cookies
    (entry,) = log_lines(class_server, "?fresh=1 ")
    assert entry["route"] == route and entry["upstream"] in workers(class_server)
    for _ in range(4):
        request(class_server, "/_stcore/health?fresh=again", headers={"Cookie": f"lrviz_route={route}"})
    assert {e["upstream"] for e in log_lines(class_server, "?fresh=again ", 4)} == {entry["upstream"]}


def test_a_malformed_route_cookie_is_replaced(class_server):
    _, headers, _ = request(class_server, "/_stcore/health?odd=1", headers={"Cookie": "lrviz_route=../../etc"})
    (entry,) = log_lines(class_server, "?odd=1 ")
    assert re.fullmatch(r"[0-9a-f]{32}", entry["route"])
    assert f"lrviz_route={entry['route']};" in ";".join(headers.get_all("Set-Cookie"))


def test_the_websocket_is_proxied(class_server):
    with socket.create_connection(("127.0.0.1", class_server.port), timeout=30) as s:
        host = f"127.0.0.1:{class_server.port}"
        s.sendall((f"GET /_stcore/stream?ws=1 HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: streamlit\r\n"
                   "Cookie: lrviz_route=0123456789abcdef0123456789abcdef\r\n\r\n").encode())
        answer = s.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 101"), answer
    assert "upgrade: websocket" in answer.lower()


def test_streamlit_frontend_comes_from_nginx_compressed_and_cached_for_good(class_server):
    _, _, index = request(class_server, "/")
    bundle = re.search(rb"\./(static/js/index\.[\w-]+\.js)", index).group(1).decode()
    status, headers, body = request(class_server, f"/{bundle}?frontend=1", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(body) == (STREAMLIT_STATIC / bundle).read_bytes()
    (entry,) = log_lines(class_server, "?frontend=1 ")
    assert entry["upstream"] == "-"  # nginx answered, no worker
    status, headers, body = request(class_server, f"/{bundle}?plain=1")  # a client without gzip
    assert status == 200 and "Content-Encoding" not in headers
    assert body == (STREAMLIT_STATIC / bundle).read_bytes()


def test_plotly_js_comes_from_the_plotly_package_for_any_component(class_server):
    path = "/component/pages.live_chart.live_chart/plotly.min.js"
    status, headers, body = request(class_server, path + "?plotly=1", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip" and headers["Content-Type"] == "application/javascript"
    assert headers["Cache-Control"] == "max-age=86400"
    assert headers["ETag"] and headers["Last-Modified"]
    assert gzip.decompress(body) == PLOTLY_JS.read_bytes()
    assert log_lines(class_server, "?plotly=1 ")[0]["upstream"] == "-"
    status, _, body = request(class_server, path, headers={"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    # anything else under /component/ is the worker's (a component's own files)
    assert log_lines(class_server, "?plotly=1 ")[0]["upstream"] == "-"
    request(class_server, "/component/x/y/plotly.min.js?nested=1")
    assert log_lines(class_server, "?nested=1 ")[0]["upstream"] in workers(class_server)


def test_uploads_of_a_class_pass_and_huge_ones_are_refused(class_server):
    cookie = {"Cookie": "lrviz_route=0123456789abcdef0123456789abcdef"}
    status, _, _ = request(class_server, "/_stcore/upload_file/x/y?upload=small", "PUT", cookie, b"0" * 1_500_000)
    assert status != 413  # a worker's answer (no XSRF token here), not nginx's refusal
    assert log_lines(class_server, "?upload=small ")[0]["upstream"].split(",")[0] in workers(class_server)
    status, _, _ = request(class_server, "/_stcore/upload_file/x/y?upload=huge", "PUT", cookie, b"0" * 6_000_000)
    assert status == 413


# ---- stopping ----


def test_sigterm_ctrl_c_and_even_sigkill_leave_no_process_behind(tmp_path):
    stand_ins = _python_with_workers(tmp_path, STAND_IN)  # for Ctrl-C and SIGKILL: what matters is the same
    runs = {signal.SIGTERM: serving.launch("--workers", "2"),
            signal.SIGINT: serving.launch("--workers", "2", env=stand_ins),
            signal.SIGKILL: serving.launch("--workers", "2", env=stand_ins)}
    try:
        started = {}
        for how, served in runs.items():
            serving.wait_ready(served)
            assert request(served, "/_stcore/health")[2] == b"ok", served.output()
            started[how] = served.started()
            assert len(started[how]) >= 4, served.output()  # 2 workers, nginx and nginx's worker(s)
        for how, served in runs.items():
            served.stop(how, wait=False)
        for how, served in runs.items():
            status = served.process.wait(timeout=30)
            assert serving.wait_gone(started[how]) == [], f"{how.name} left processes behind: {served.output()}"
            if how == signal.SIGKILL:  # serve.sh could not clean up; the kernel told its processes to stop
                shutil.rmtree(served.run_dir)
            else:
                assert status == 0, served.output()
                assert "Stopping..." in served.output()
                assert not served.run_dir.exists()
    finally:
        for served in runs.values():
            served.stop(signal.SIGKILL)


def _path_with(tmp_path: Path, name: str, script: str) -> dict:
    """The environment, with an executable `name` running `script` (sh) first in PATH."""
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}


def _python_with_workers(tmp_path: Path, worker: str) -> dict:
    """The environment, with a `python3` that runs `worker` (sh) for `python3 -m streamlit ...`."""
    return _path_with(tmp_path, "python3", f'if [ "$1 $2" = "-m streamlit" ]; then {worker}; fi\n'
                                           f'exec {REAL_PYTHON} "$@"\n')


def test_a_worker_that_fails_to_start_stops_everything(tmp_path):
    served = serving.start("--workers", "2", env=_python_with_workers(tmp_path, 'echo "simulated crash" >&2; exit 3'))
    assert served.process.wait(timeout=60) == 1
    output = served.output()
    assert re.search(r"worker \d \(pid \d+\) stopped before it answered", output)
    assert "simulated crash" in output and "a worker did not start; stopping everything" in output
    assert len(served.worker_pids) == 2 and served.nginx_pid is None  # nginx was never started
    assert not served.run_dir.exists()


def test_when_nginx_fails_the_workers_are_stopped(tmp_path):
    env = _python_with_workers(tmp_path, STAND_IN)
    env = _path_with(tmp_path, "nginx", 'echo "nginx: [emerg] simulated failure" >&2\nexit 1\n') | {"PATH": env["PATH"]}
    served = serving.launch("--workers", "2", env=env)
    assert served.process.wait(timeout=60) == 1
    served.read()
    output = served.output()
    assert "simulated failure" in output and "nginx did not start; stopping everything" in output
    assert "lrviz is ready" not in output
    assert served.worker_pids and not [pid for pid in served.worker_pids if serving.Process.of(pid)]
    assert not served.run_dir.exists()


def test_a_worker_that_stops_later_leaves_the_others_serving(tmp_path):
    served = serving.start("--workers", "2", env=_python_with_workers(tmp_path, STAND_IN))
    try:
        nginx = [process for process in served.started() if process.pid not in served.worker_pids]
        os.kill(served.worker_pids[0], signal.SIGTERM)
        for _ in range(4):  # every browser, whichever worker it had, now reaches the other one
            cookie = {"Cookie": f"lrviz_route={secrets.token_hex(16)}"}
            assert request(served, "/_stcore/health", headers=cookie)[:3:2] == (200, b"ok")
        output = serving.wait_output(served, "nginx sends its students to the others")
        assert f"worker 1 (pid {served.worker_pids[0]}) stopped" in output
        assert served.process.poll() is None
        os.kill(served.worker_pids[1], signal.SIGTERM)
        assert served.process.wait(timeout=30) == 1
        assert "every worker has stopped; stopping nginx" in served.output()
        assert serving.wait_gone(nginx) == []
    finally:
        served.stop(signal.SIGKILL)
