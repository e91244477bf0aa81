"""scripts/serve.sh: app workers behind nginx, balanced and sticky, with websockets, static files from disk,
and every process stopped on the way out. Plain HTTP on loopback, no browser."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import importlib.util
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import serving
from browser import ROOT

REAL_PYTHON = sys.executable  # the interpreter itself: a pyenv shim would put its own first in PATH
STREAMLIT_STATIC = Path(importlib.util.find_spec("streamlit").origin).parent / "static"
PLOTLY_JS = Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
#: For a fake `python3 -m streamlit ...`: a worker that starts at once (tests/stand_in_worker.py).
STAND_IN = f'shift 2; exec {REAL_PYTHON} {ROOT}/tests/stand_in_worker.py "$@"'


def request(served, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """One request through nginx; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookie(worker: str) -> dict:
    """The header of a browser that nginx pinned to `worker`."""
    return {"Cookie": f"lrviz_worker={worker}"}


@contextlib.contextmanager
def websocket(served, marker: str, headers: dict | None = None) -> Iterator[str]:
    """A browser tab's websocket (`/_stcore/stream?<marker>`) through nginx, held open inside the
    `with`; yields the head of the answer to the upgrade."""
    host = f"127.0.0.1:{served.port}"
    lines = [f"GET /_stcore/stream?{marker} HTTP/1.1", f"Host: {host}", f"Origin: http://{host}",
             "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: streamlit"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = s.recv(4096)
            if not data:
                break
            answer += data
        yield answer.decode("latin-1")


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
    assert serving.pinned_by(headers) in class_server.workers  # nginx's affinity cookie


def test_a_new_browser_is_pinned_to_the_worker_that_served_it(class_server):
    status, headers, page = request(class_server, "/?fresh=1")
    assert status == 200 and b"<html" in page
    worker = serving.pinned_by(headers)
    cookies = ";".join(headers.get_all("Set-Cookie"))
    assert f"lrviz_worker={worker}; Path=/; Max-Age=604800; SameSite=Lax; HttpOnly" in cookies
    (entry,) = class_server.entries("?fresh=1 ")
    assert entry.pinned is None and entry.worker == worker
    for _ in range(4):
        _, again, _ = request(class_server, "/_stcore/health?fresh=again", headers=cookie(worker))
        assert serving.pinned_by(again) == worker  # the cookie is renewed for another week
    assert {e.worker for e in class_server.entries("?fresh=again ", 4)} == {worker}
    assert {e.pinned for e in class_server.entries("?fresh=again ", 4)} == {worker}


def test_new_browsers_are_dealt_out_in_turn_and_keep_their_tabs_on_their_worker(class_server):
    """Each new browser gets its cookie from its first request, then holds its websocket open
    with it: 40 of them, one after another, while 4 other tabs are held on one worker. The new
    browsers go to the workers in turn (so a class splits evenly however its tabs come and go),
    and each websocket reaches the worker its page's cookie names."""
    first, second = class_server.workers
    dealt = []
    with contextlib.ExitStack() as tabs:
        for i in range(4):
            answer = tabs.enter_context(websocket(class_server, f"held={i}", cookie(first)))
            assert answer.startswith("HTTP/1.1 101"), answer
        for i in range(40):
            _, headers, _ = request(class_server, f"/_stcore/health?new_browser={i}")
            dealt.append(serving.pinned_by(headers))
            answer = tabs.enter_context(websocket(class_server, f"tab={i}", cookie(dealt[-1])))
            assert answer.startswith("HTTP/1.1 101"), answer
    assert all(a != b for a, b in zip(dealt, dealt[1:], strict=False)), dealt
    assert Counter(dealt) == {first: 20, second: 20}
    for i, worker in enumerate(dealt):  # logged once closed
        (entry,) = class_server.entries(f"?tab={i} ")
        assert (entry.status, entry.pinned, entry.worker) == (101, worker, worker)
    assert [e.worker for e in class_server.entries("?held=0 ")] == [first]


def test_a_browser_with_its_cookie_always_reaches_its_worker(class_server):
    for worker in class_server.workers:
        for _ in range(6):
            status, headers, body = request(class_server, f"/_stcore/health?own={worker}", headers=cookie(worker))
            assert (status, body, serving.pinned_by(headers)) == (200, b"ok", worker)
        upload = f"/_stcore/upload_file/x/y?own_upload={worker}"
        assert request(class_server, upload, "PUT", cookie(worker), b"0" * 300_000)[0] != 502
        with websocket(class_server, f"own_tab={worker}", cookie(worker)) as answer:
            assert answer.startswith("HTTP/1.1 101"), answer
        assert {(e.pinned, e.worker) for e in class_server.entries(f"?own={worker} ", 6)} == {(worker, worker)}
        for marker in (f"?own_upload={worker} ", f"?own_tab={worker} "):
            assert [e.worker for e in class_server.entries(marker)] == [worker], marker


def test_a_forged_cookie_is_never_proxied_to_and_gets_a_worker_in_turn(class_server):
    with socket.socket() as trap:  # an address a forged cookie might name: nothing may connect
        trap.bind(("127.0.0.1", 0))
        trap.listen()
        trap.setblocking(False)
        first, second = class_server.workers
        forged = [f"127.0.0.1:{trap.getsockname()[1]}", "127.0.0.1:22", "10.0.0.1:80", "lrviz_workers",
                  f"unix:{class_server.run_dir}/nginx.pid", f"{first}0", f"{first}/x", f'"{first}"',
                  f"localhost:{first.rsplit(':')[1]}", "", "%00"]
        dealt = []
        for i, value in enumerate(forged):
            status, headers, body = request(class_server, f"/_stcore/health?forged={i}", headers=cookie(value))
            assert (status, body) == (200, b"ok"), value
            dealt.append(serving.pinned_by(headers))
            (entry,) = class_server.entries(f"?forged={i} ")
            assert (entry.pinned, entry.worker) == (None, dealt[-1]), value
        assert all(a != b for a, b in zip(dealt, dealt[1:], strict=False)), dealt  # in turn, as new browsers
        assert set(dealt) == {first, second}
        with websocket(class_server, "forged_tab", cookie(forged[0])) as answer:
            assert answer.startswith("HTTP/1.1 101"), answer
        with pytest.raises(BlockingIOError):
            trap.accept()
    assert [e.worker for e in class_server.entries("?forged_tab ")] in ([first], [second])
    assert "10.0.0.1" not in (class_server.run_dir / "error.log").read_text()


def test_the_websocket_is_proxied(class_server):
    with websocket(class_server, "ws=1") as answer:  # a websocket without a cookie is balanced
        assert answer.startswith("HTTP/1.1 101"), answer
        assert "upgrade: websocket" in answer.lower()
    (entry,) = class_server.entries("?ws=1 ")
    assert entry.status == 101 and entry.worker in class_server.workers


def test_streamlit_frontend_comes_from_nginx_compressed_and_cached_for_good(class_server):
    _, _, index = request(class_server, "/")
    bundle = re.search(rb"\./(static/js/index\.[\w-]+\.js)", index).group(1).decode()
    status, headers, body = request(class_server, f"/{bundle}?frontend=1", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(body) == (STREAMLIT_STATIC / bundle).read_bytes()
    (entry,) = class_server.entries("?frontend=1 ")
    assert entry.worker is None  # nginx answered, no worker
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
    assert class_server.entries("?plotly=1 ")[0].worker is None
    status, _, body = request(class_server, path, headers={"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    # anything else under /component/ is the worker's (a component's own files)
    request(class_server, "/component/x/y/plotly.min.js?nested=1")
    assert class_server.entries("?nested=1 ")[0].worker in class_server.workers


def test_uploads_of_a_class_pass_and_huge_ones_are_refused(class_server):
    worker = class_server.workers[1]
    upload = "/_stcore/upload_file/x/y?upload="
    status, _, _ = request(class_server, upload + "small", "PUT", cookie(worker), b"0" * 1_500_000)
    assert status not in (413, 502)  # a worker's answer (no XSRF token here), not nginx's refusal
    # nginx routed it by the browser's pin (this bare request has no XSRF token, so the worker may
    # refuse it before reading the whole body, and nginx then tries another: not what a browser meets)
    assert class_server.entries("?upload=small ")[0].pinned == worker
    status, _, _ = request(class_server, upload + "huge", "PUT", cookie(worker), b"0" * 6_000_000)
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
        gone, alive = served.workers
        nginx = [process for process in served.started() if process.pid not in served.worker_pids]
        os.kill(served.worker_pids[0], signal.SIGTERM)
        output = serving.wait_output(served, "nginx sends its students to the others")
        assert f"worker 1 (pid {served.worker_pids[0]}) stopped" in output
        for i in range(4):  # its browsers are pinned anew, to the one left, not left with errors
            status, headers, body = request(served, f"/_stcore/health?orphan={i}", headers=cookie(gone))
            assert (status, body, serving.pinned_by(headers)) == (200, b"ok", alive)
            assert [(e.pinned, e.worker) for e in served.entries(f"?orphan={i} ")] == [(gone, alive)]
        for headers in (cookie(alive), {}):  # the others' browsers, and new ones, go there too
            status, answer, _ = request(served, "/_stcore/health?others=1", headers=headers)
            assert (status, serving.pinned_by(answer)) == (200, alive)
        assert served.process.poll() is None
        os.kill(served.worker_pids[1], signal.SIGTERM)
        assert served.process.wait(timeout=30) == 1
        assert "every worker has stopped; stopping nginx" in served.output()
        assert serving.wait_gone(nginx) == []
    finally:
        served.stop(signal.SIGKILL)


def test_warm_up_opens_a_workers_pages_and_says_when_it_cannot(server):
    """serve.sh opens each worker's Train and Draw pages once before the class arrives."""
    spec = importlib.util.spec_from_file_location("serve_helpers", ROOT / "scripts" / "serve_helpers.py")
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    helpers.warm_up(server)  # returns once both pages have finished their first run
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(OSError):
        helpers.warm_up(f"http://127.0.0.1:{port}")  # nothing listens there
