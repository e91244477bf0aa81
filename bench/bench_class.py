"""Can one server take a class? Run: python bench/bench_class.py [--students 60] [--draw 3] ...

Simulates N students against an lrviz server without a browser: each student is a new
browser (own cookies, own websocket) that speaks Streamlit's own protocol, on loopback only.
A visitor first opens the Train and Draw pages once (the lecturer, before sharing the link;
`--no-warmup` skips it). Then the class acts in phases, the students starting within
`--spread` seconds of each other, and each phase waiting for all of them (so that the
server's CPU and memory in a phase belong to it alone):
  open      each student opens the Train page (`/`, or `/draw` with `--rounds 0`): from the
            first rerun to the page being there;
  train     all press Train, `--rounds` times: with the page's defaults, or `--task all
            --iterations K` from a link; from the click to the final charts (the run, then
            the rerun the page asks for); frames = learning-curve updates during the run;
  to draw   with `--draw K` after training: each follows the sidebar's link to Draw;
  draw      each draws K digits one after another (the strokes of tests/drawn_digits.py as
            the pad's 280x280 PNG): from lifting the pen to the answer.
`--eager`: each student presses Train as soon as its own page is there (one phase
"open+train"; page opens then compete with training). `--waves W`: W classes one after
another, new students each time, with the server's memory after each (the memory test:
`--task all --rounds 5 --waves 2`). `--assets`: each student also fetches the static files
(JS, CSS, fonts: about 7.5 MB) a browser with an empty cache fetches.

Reported per phase and in all: latency p50/p95/max, failures (timeouts, errors, missing
results) and exceptions shown in the page (with their texts), frames per Train, bytes
received per student, the server's CPU seconds (per action and per process) and memory (RSS
peak, at the end of a phase and after each wave), and this process's own CPU (it must not
starve the server). The last line of the output is the whole report as JSON.

The server is one `streamlit run app.py` started here (the default), `scripts/serve.sh
--workers N --port P` started here (`--workers N`: its address is the http:// URL on port P it
prints; SIGTERM stops it), or a running one (`--url`, its processes found by the port they
listen on, or given with `--server-pid`: behind a proxy, give the workers' pids). Everything
is bounded in time (`--deadline` for the whole run, `--timeout` for any one wait) and stops
by itself.

The protocol, as Streamlit 1.67 speaks it (see also ../shared/NOTES.md, "Serving a class"):
- HTTP first, as a browser: GET the page (a proxy may set its affinity cookie), then
  `/_stcore/health` (sets the `_streamlit_xsrf` cookie) and `/_stcore/host-config`.
- The websocket `/_stcore/stream`, with `Origin` = the page's origin (the server compares it
  with `Host`), the cookies, and `Sec-WebSocket-Protocol: streamlit, <xsrf cookie>`.
- Up: `BackMsg.rerun_script` (a `ClientState`): `query_string` (the page's, as the server last
  set it; empty after a page change), `page_name` (the URL path, on the first run only),
  `page_script_hash` (empty on the first run; then the page's, from `navigation`; a page
  change sends the new page's), `fragment_id` (a fragment's rerun), `widget_states` (every
  widget shown, with the value the browser holds: see `widget_value`), `cached_message_hashes`
  and `context_info`. A click is the button's `WidgetState` with `trigger_value`; a drawing is
  the drawing pad's `json_value`, `{"image": {"url": "data:image/png;base64,...", "clears": n}}` (n:
  how often the page had the pad wiped, from the pad's data, as the pad stamps it), in a rerun of its
  fragment (the pad element's `delta.fragment_id`).
- Down: `ForwardMsg`s: `new_session` starts a run, `navigation` lists the pages, `delta`s (at
  `metadata.delta_path`) build the page, `page_info_changed` sets the query string,
  `script_finished` ends a run, and `ref_hash` stands for a message the browser said it has
  cached. Widgets and containers are found by key: their ids end with "-" + the key.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
import websockets  # noqa: E402
from PIL import Image  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.NumberInput_pb2 import NumberInput  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from browser import ARTIFACTS, free_port, streamlit_server  # noqa: E402
from drawn_digits import DRAWN_DIGITS, render, to_canvas  # noqa: E402

FINISHED = ForwardMsg.ScriptFinishedStatus
SUCCESS = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Keys the pages give their widgets and containers (the ids end with "-" + the key).
TRAIN_BUTTON, CURVE_BLOCK, PAD, ANSWER_BLOCK = "train", "learning_curve", "canvas", "answer"
RESULT_METRIC = "Test accuracy"  # shown once a run has finished
PEN = 22  # the drawing pad's default pen width, in pixels of its 280-pixel canvas
#: Seconds a phase's CPU is still counted after its last answer: what the server does after it
#: has sent a run's last message (cleanup, garbage collection) belongs to that phase.
PHASE_TAIL = 0.3
CONTEXT = dict(timezone="UTC", timezone_offset=0, locale="en-US", is_embedded=False, color_scheme="light")


class ActionFailed(Exception):
    """A student's action that did not end as a browser would show it (timeout, error, no result)."""


# -- what a browser holds -------------------------------------------------------------------

def curve_updates(kind: str, element) -> int:
    """How many learning-curve updates an element under the curve's container brings: a chart drawn
    whole is one; a live feed (pages/_chart.py) one for each of its frames that adds points to the
    curve (a fast run sends its frames in one feed, each to be seen at its moment)."""
    if kind != "bidi_component" or '"frames"' not in element.json:
        return 1
    return sum("extend" in frame["patches"].get("curve", {}) for frame in json.loads(element.json)["frames"])


def widget_value(kind: str, element, known: WidgetState | None) -> WidgetState | None:
    """The state the browser holds for a widget just drawn, as Streamlit 1.67's frontend keeps it.

    A widget keeps the value the browser already holds, else takes its default; when the
    server sets its value (`set_value`), it takes that. Select sliders, segmented controls and
    multiselects hold the labels of their options, radios and select boxes the label. Buttons
    and custom components hold nothing until they are used.
    """
    current = bool(getattr(element, "set_value", False))
    if known is not None and not current:
        return known
    state = WidgetState(id=element.id)
    if kind == "checkbox":  # also st.toggle
        state.bool_value = element.value if current else element.default
    elif kind == "number_input":
        if current and element.HasField("value"):
            number = element.value
        elif element.HasField("default"):
            number = element.default
        else:
            return None
        if element.data_type == NumberInput.INT:
            state.int_value = int(number)
        else:
            state.double_value = number
    elif kind == "slider" and element.options:  # st.select_slider
        labels = list(element.raw_value) if current and element.raw_value else [
            element.options[int(i)] for i in element.default]
        state.string_array_value.data.extend(labels)
    elif kind == "slider":
        state.double_array_value.data.extend(element.value if current else element.default)
    elif kind == "button_group":  # st.segmented_control, st.pills
        labels = list(element.raw_values) if current else [
            element.options[i].content for i in element.default if 0 <= i < len(element.options)]
        state.string_array_value.data.extend(labels)
    elif kind in ("radio", "selectbox"):
        if current and element.HasField("raw_value"):
            state.string_value = element.raw_value
        elif element.options and element.HasField("default"):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "multiselect":
        labels = list(element.raw_values) if current else [element.options[i] for i in element.default]
        state.string_array_value.data.extend(labels)
    elif kind == "file_uploader":
        state.file_uploader_state_value.SetInParent()
    else:
        return known
    return state


@dataclass
class Node:
    """An element or block of the page as the browser shows it."""

    kind: str  # the element's type ("button", "plotly_chart", ...) or "block"
    proto: object  # the element (its oneof value) or the Block
    run: int  # the run that sent it
    fragment_id: str
    script_hash: str  # the script that sent it: the main script's (app.py) or a page's


@dataclass
class Finish:
    """A `script_finished`, as the student saw it."""

    status: int
    at: float
    curve_frames: int  # learning-curve updates seen so far in this session


@dataclass
class Stats:
    """What one student measured."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)  # learning-curve updates per Train
    answers: list[tuple[int, str]] = field(default_factory=list)  # (digit drawn, answer shown)
    bytes_received: int = 0  # websocket messages (uncompressed)
    asset_bytes: int = 0  # static files (with --assets)
    connect: float | None = None


class Student:
    """One simulated browser tab: its cookies, its websocket and the page it has been sent."""

    def __init__(self, url: str, timeout: float, deadline: float, assets: Assets | None = None) -> None:
        parts = urlsplit(url)
        self.origin, self.netloc = f"{parts.scheme}://{parts.netloc}", parts.netloc
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout, self.deadline = timeout, deadline
        self.cookies: dict[str, str] = {}
        self.assets, self.fetched = assets, {""}
        self.stats = Stats()
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.finished: asyncio.Queue[Finish | Exception] = asyncio.Queue()
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.widgets: dict[str, WidgetState] = {}
        self.cache: dict[str, list] = {}  # message hash -> [message bytes, run count, fragment id]
        self.cache_runs = 0
        self.max_cache_age = 2
        self.runs = 0
        self.run_fragments: list[str] = []
        self.main_hash = self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path of a page ("" for the default one) -> its script hash
        self.query = ""
        self.url = self.origin + "/"
        self.curve_path: tuple[int, ...] | None = None
        self.curve_frames = 0

    # -- connection ---------------------------------------------------------------------

    def wait_time(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ActionFailed("the benchmark's deadline passed")
        return min(self.timeout, left)

    async def http_get(self, path: str, encoding: str = "identity") -> tuple[int, int]:
        """GET `path` as a browser would (keeping the cookies it sets); returns (status, bytes)."""
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.wait_time())
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            request = (f"GET {path} HTTP/1.1\r\nHost: {self.netloc}\r\nUser-Agent: lrviz-bench-class\r\n"
                       f"Accept: */*\r\nAccept-Encoding: {encoding}\r\nConnection: close\r\n"
                       + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n")
            writer.write(request.encode("latin-1"))
            await writer.drain()
            response = await asyncio.wait_for(reader.read(), self.wait_time())
        finally:
            writer.close()
        head = response.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                key, _, val = value.strip().split(";")[0].partition("=")
                self.cookies[key.strip()] = val.strip()
        return (int(head[0].split()[1]) if head and len(head[0].split()) > 1 else 0), len(response)

    async def fetch_assets(self, paths: list[str]) -> None:
        """GET static files as a browser with an empty cache does: six at a time."""
        todo = [path for path in paths if path not in self.fetched]
        self.fetched.update(todo)
        limit = asyncio.Semaphore(6)

        async def one(path: str) -> None:
            async with limit:
                status, size = await self.http_get("/" + path, "gzip, deflate, br, zstd")
            self.stats.asset_bytes += size
            if status != 200:
                raise ActionFailed(f"GET /{path} answered {status}")

        await asyncio.gather(*(one(path) for path in todo))

    async def fetch_chunks(self) -> None:
        """The code for the kinds of element on the page (a browser loads it when it first shows one)."""
        if self.assets is not None:
            kinds = {node.kind for node in self.nodes.values()}
            await self.fetch_assets([path for kind in sorted(kinds) for path in self.assets.chunks.get(kind, [])])

    async def connect(self, path: str) -> None:
        """Load the page's address and open the websocket, as the browser does before the first run."""
        began = time.perf_counter()
        self.url = self.origin + path
        for resource in (path, "/_stcore/health", "/_stcore/host-config"):
            status, _ = await self.http_get(resource)
            if status != 200:
                raise ActionFailed(f"GET {resource} answered {status}")
            if resource == path and self.assets is not None:
                await self.fetch_assets(self.assets.entry)
        token = self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await asyncio.wait_for(websockets.connect(
            f"ws://{self.netloc}/_stcore/stream", origin=self.origin, subprotocols=["streamlit", token],
            additional_headers={"Cookie": cookie} if cookie else None, max_size=None, ping_interval=None,
            open_timeout=None, user_agent_header="lrviz-bench-class"), self.wait_time())
        self.reader = asyncio.create_task(self.read())
        self.stats.connect = time.perf_counter() - began

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)

    # -- down: what the server sends ----------------------------------------------------

    async def read(self) -> None:
        try:
            async for data in self.ws:
                self.stats.bytes_received += len(data)
                self.receive(data, time.perf_counter())
        except Exception as error:  # the connection broke: whoever waits learns it at once
            self.finished.put_nowait(error)
        else:
            self.finished.put_nowait(ActionFailed("the server closed the connection"))

    def receive(self, data: bytes, at: float) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "ref_hash":  # a message the browser has cached
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                self.stats.failures.append(f"cached message {msg.ref_hash} missing")
                return
            cached[1] = self.cache_runs
            metadata = msg.metadata
            msg = ForwardMsg()
            msg.ParseFromString(cached[0])
            msg.metadata.CopyFrom(metadata)
        elif msg.metadata.cacheable and msg.hash:
            if msg.hash in self.cache:
                self.cache[msg.hash][1] = self.cache_runs
            else:
                self.cache[msg.hash] = [data, self.cache_runs, msg.delta.fragment_id]
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs += 1
            self.run_fragments = list(msg.metadata.run.fragment_ids)
            if not self.run_fragments:  # the whole page runs: its blocks come again
                self.curve_path = None
            self.page_hash, self.main_hash = msg.new_session.page_script_hash, msg.new_session.main_script_hash
            self.max_cache_age = msg.new_session.config.max_cached_message_age or self.max_cache_age
        elif kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash  # the page st.navigation runs
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self.stats.failures.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "delta":
            self.delta(msg, at)
        elif kind == "script_finished":
            self.script_finished(msg.script_finished)
            self.finished.put_nowait(Finish(msg.script_finished, at, self.curve_frames))

    def delta(self, msg: ForwardMsg, at: float) -> None:
        path, delta = tuple(msg.metadata.delta_path), msg.delta
        script = msg.metadata.active_script_hash
        if delta.WhichOneof("type") == "add_block":
            self.nodes[path] = Node("block", delta.add_block, self.runs, delta.fragment_id, script)
            if delta.add_block.id.endswith("-" + CURVE_BLOCK):
                self.curve_path = path
            return
        if delta.WhichOneof("type") != "new_element":
            return
        kind = delta.new_element.WhichOneof("type")
        element = getattr(delta.new_element, kind)
        self.nodes[path] = Node(kind, element, self.runs, delta.fragment_id, script)
        widget_id = getattr(element, "id", "")
        if widget_id:
            state = widget_value(kind, element, self.widgets.get(widget_id))
            if state is not None:
                self.widgets[widget_id] = state
        if kind == "exception":
            self.stats.exceptions.append(f"{element.type}: {element.message}".strip())
        curve = self.curve_path
        if curve is not None and path[:len(curve)] == curve and len(path) > len(curve) and kind != "empty":
            self.curve_frames += curve_updates(kind, element)

    def script_finished(self, status: int) -> None:
        """What the browser does at the end of a run: forget what the run did not send again
        (in a fragment's run, only in that fragment) and age its message cache."""
        fragments = set(self.run_fragments)
        if status in SUCCESS:
            self.nodes = {path: node for path, node in self.nodes.items()
                          if node.run == self.runs or (fragments and node.fragment_id not in fragments)}
            shown = {getattr(node.proto, "id", "") for node in self.nodes.values()}
            self.widgets = {key: state for key, state in self.widgets.items() if key in shown}
        if status != FINISHED.FINISHED_EARLY_FOR_RERUN:
            self.cache_runs += 1
            self.cache = {key: entry for key, entry in self.cache.items() if (fragments and entry[2] not in fragments)
                          or self.cache_runs - entry[1] <= self.max_cache_age}

    async def next_finish(self, what: str) -> Finish:
        try:
            finish = await asyncio.wait_for(self.finished.get(), self.wait_time())
        except TimeoutError:
            raise ActionFailed(f"timeout waiting for {what}") from None
        if isinstance(finish, Exception):
            raise ActionFailed(f"{what}: {type(finish).__name__}: {finish}".strip())
        if finish.status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
            raise ActionFailed(f"{what}: the script did not compile")
        return finish

    async def until_done(self, what: str) -> tuple[Finish, Finish]:
        """Wait for the end of the run just asked for, and of the reruns it asks for itself
        (`st.rerun()`); returns (the first finish, the last)."""
        first = last = await self.next_finish(what)
        while last.status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            last = await self.next_finish(what)
        return first, last

    # -- up: what the browser sends -----------------------------------------------------

    async def rerun(self, *, extra: list[WidgetState] = (), fragment_id: str = "", page_hash: str | None = None,
                    page_name: str = "", states: bool = True) -> float:
        """Send a rerun as the browser does; returns when it was sent."""
        while not self.finished.empty():  # nothing left over from an earlier run
            leftover = self.finished.get_nowait()
            if isinstance(leftover, Exception):
                raise ActionFailed(f"{type(leftover).__name__}: {leftover}")
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.widget_states.SetInParent()
        if states:
            replaced = {state.id for state in extra}
            rerun.widget_states.widgets.extend(state for key, state in self.widgets.items() if key not in replaced)
        rerun.widget_states.widgets.extend(extra)
        rerun.page_script_hash = self.page_hash if page_hash is None else page_hash
        rerun.page_name = page_name
        rerun.fragment_id = fragment_id
        rerun.cached_message_hashes.extend(self.cache)
        rerun.context_info.url = self.url
        for key, value in CONTEXT.items():
            setattr(rerun.context_info, key, value)
        sent = time.perf_counter()
        await asyncio.wait_for(self.ws.send(msg.SerializeToString()), self.wait_time())
        return sent

    def find(self, kind: str, key: str) -> tuple[tuple[int, ...], Node]:
        """The element or block with this key on the page (its id ends with "-" + key)."""
        for path, node in self.nodes.items():
            if node.kind == kind and getattr(node.proto, "id", "").endswith("-" + key):
                return path, node
        raise ActionFailed(f"no {kind} with key {key!r} on the page")

    def under(self, path: tuple[int, ...]) -> list[Node]:
        return [node for p, node in sorted(self.nodes.items()) if p[:len(path)] == path and p != path]

    # -- what a student does ------------------------------------------------------------

    async def open(self, path: str, query: str = "") -> float:
        """Open the app at `path` (+ `?query`) in a new browser; returns the seconds from the
        first rerun to the page being there."""
        await self.connect(path + (f"?{query}" if query else ""))
        self.query = query
        sent = await self.rerun(page_name=path.strip("/"), page_hash="", states=False)
        _, last = await self.until_done(f"the page {path}")
        await self.fetch_chunks()
        return last.at - sent

    async def train(self) -> tuple[float, int]:
        """Press Train; returns (seconds from the click to the final charts, curve updates during the run)."""
        _, button = self.find("button", TRAIN_BUTTON)
        if button.proto.disabled:
            raise ActionFailed("the Train button is disabled")
        frames_before = self.curve_frames
        sent = await self.rerun(extra=[WidgetState(id=button.proto.id, trigger_value=True)])
        first, last = await self.until_done("the training run")
        shown = [node.proto.label for node in self.nodes.values() if node.kind == "metric"]
        if RESULT_METRIC not in shown:
            raise ActionFailed(f"no {RESULT_METRIC!r} after training (metrics shown: {shown})")
        return last.at - sent, first.curve_frames - frames_before

    async def go_to(self, url_path: str) -> float:
        """Follow the sidebar's link to another page of the app; returns the seconds to the page."""
        if url_path not in self.pages:
            raise ActionFailed(f"no page /{url_path} in the navigation: {sorted(self.pages)}")
        self.nodes = {path: node for path, node in self.nodes.items() if node.script_hash == self.main_hash}
        shown = {getattr(node.proto, "id", "") for node in self.nodes.values()}
        self.widgets = {key: state for key, state in self.widgets.items() if key in shown}
        self.query = ""
        sent = await self.rerun(page_hash=self.pages[url_path])
        self.url = f"{self.origin}/{url_path}"
        _, last = await self.until_done(f"the page /{url_path}")
        await self.fetch_chunks()
        return last.at - sent

    async def draw(self, digit: int, png_url: str) -> float:
        """Lift the pen after drawing a digit; returns the seconds to the answer."""
        _, pad = self.find("bidi_component", PAD)
        known = self.widgets.get(pad.proto.id)
        value = json.loads(known.json_value) if known is not None and known.json_value else {}
        drawn = {"url": png_url, "clears": json.loads(pad.proto.json or "{}").get("clears", 0)}  # stamped as the pad
        state = WidgetState(id=pad.proto.id, json_value=json.dumps({**value, "image": drawn}, separators=(",", ":")))
        self.widgets[pad.proto.id] = state  # the browser holds it from now on
        sent = await self.rerun(extra=[state], fragment_id=pad.fragment_id)
        _, last = await self.until_done("the answer to a drawing")
        answer_path, _ = self.find("block", ANSWER_BLOCK)
        texts = [node.proto.body for node in self.under(answer_path)
                 if node.kind == "markdown" and node.run == self.runs]  # this run's answer
        if not texts:
            raise ActionFailed("no answer shown for the drawing")
        self.stats.answers.append((digit, texts[0].lstrip("# ").strip()))
        return last.at - sent


# -- static files ---------------------------------------------------------------------------

_HTML_REF = re.compile(r'(?:src|href)="\./(static/[^"]+|favicon\.png)"')
_JS_IMPORT = re.compile(r'(?:from|import)\s*"\./([^"]+\.js)"')
_CHUNK = re.compile(r'"\./([A-Za-z]+)\.([A-Za-z0-9_-]+)\.js"')


@dataclass
class Assets:
    """What a browser with an empty cache fetches besides the page: the files the page's HTML
    loads with everything they import, and the chunk of each kind of element it shows."""

    entry: list[str]
    chunks: dict[str, list[str]]  # element kind ("plotly_chart") -> the files its chunk needs

    @classmethod
    def plan(cls, url: str) -> Assets:
        read = {}

        def fetch(path: str) -> str:
            if path not in read:
                with urllib.request.urlopen(f"{url}/{path}", timeout=30) as response:
                    read[path] = response.read().decode("utf-8", errors="replace")
            return read[path]

        def with_imports(paths: list[str]) -> list[str]:
            found, todo = [], list(paths)
            while todo:
                path = todo.pop(0)
                if path in found:
                    continue
                found.append(path)
                if path.endswith(".js"):
                    folder = path.rpartition("/")[0]
                    todo += [f"{folder}/{name}" for name in _JS_IMPORT.findall(fetch(path))]
            return found

        entry = with_imports(_HTML_REF.findall(fetch("")))
        names = {name.lower(): f"static/js/{name}.{suffix}.js"
                 for path in entry if path.endswith(".js") for name, suffix in _CHUNK.findall(fetch(path))}
        kinds = ("bidi_component button button_group checkbox download_button file_uploader metric multiselect "
                 "number_input plotly_chart progress radio selectbox slider exception alert").split()
        chunks = {kind: [p for p in with_imports([names[kind.replace("_", "")]]) if p not in entry]
                  for kind in kinds if kind.replace("_", "") in names}
        return cls(entry, chunks)


# -- drawings -------------------------------------------------------------------------------

_PNG: dict[int, str] = {}


def drawing(index: int) -> tuple[int, str]:
    """(the digit, the PNG data URL the drawing pad sends for it: black ink on white, 280x280)."""
    index %= len(DRAWN_DIGITS)
    digit, strokes = DRAWN_DIGITS[index]
    if index not in _PNG:
        buffer = io.BytesIO()
        Image.fromarray(to_canvas(render(strokes, PEN), "dark_on_light"), "RGBA").save(buffer, "PNG")
        _PNG[index] = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return digit, _PNG[index]


# -- the server's processes -----------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from its third field on (the state), or None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float | None:
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def started_at(pid: int) -> int | None:
    """When the process started (clock ticks since boot): a pid with another start is another process."""
    fields = _stat(pid)
    return None if fields is None else int(fields[19])


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def children() -> dict[int, list[int]]:
    """Parent pid -> its children's pids, for every process this user can see."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def listening(port: int) -> list[int]:
    """The processes holding a socket that listens on this TCP port (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and int(cols[1].rpartition(":")[2], 16) == port:
                    inodes.add(f"socket:[{cols[9]}]")
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                    pids.append(int(entry.name))
    return pids


class ServerWatch:
    """The CPU and memory of the server's processes: CPU by phase, RSS sampled every 0.1 s."""

    def __init__(self, find) -> None:
        self.find = find  # () -> the server's pids now
        self.pids: list[int] = []
        self.commands: dict[int, str] = {}
        self.last_cpu: dict[int, float] = {}
        self.peak = 0
        self.refresh()

    def refresh(self) -> None:
        for pid in self.find():
            if pid not in self.pids:
                self.pids.append(pid)
                self.commands[pid] = command(pid)

    def cpu(self) -> dict[int, float]:
        for pid in self.pids:
            seconds = cpu_seconds(pid)
            if seconds is not None:
                self.last_cpu[pid] = seconds
        return dict(self.last_cpu)

    def rss(self) -> int:
        return sum(rss_bytes(pid) for pid in self.pids)

    async def sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.rss())
            await asyncio.sleep(0.1)

    def describe(self) -> str:
        return ", ".join(f"{pid} ({self.commands[pid][:60]})" for pid in self.pids)


@contextlib.contextmanager
def started_streamlit() -> Iterator[tuple[str, ServerWatch]]:
    """One `streamlit run app.py` on a free loopback port (tests/browser.py starts it)."""
    with streamlit_server() as url:
        port = urlsplit(url).port
        yield url, ServerWatch(lambda: listening(port))


@contextlib.contextmanager
def started_serve(workers: int) -> Iterator[tuple[str, ServerWatch]]:
    """`scripts/serve.sh --workers N --port P`: waits for the address it prints and for the
    app to answer through it; stops it with SIGTERM (and whatever it left, by pid)."""
    script = ROOT / "scripts" / "serve.sh"
    if not script.exists():
        raise SystemExit(f"{script} does not exist (yet): use --url, or no --workers for one `streamlit run`")
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"serve-{port}.log"
    process = subprocess.Popen(["bash", str(script), "--workers", str(workers), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []

    def copy() -> None:
        with open(log_path, "w") as log:
            for line in process.stdout:
                lines.append(line)
                log.write(line)
                log.flush()

    threading.Thread(target=copy, daemon=True).start()
    seen: dict[int, int | None] = {}  # pid -> when it started

    def server_pids() -> list[int]:
        pids = [process.pid, *descendants(process.pid)]
        for pid in listening(port):  # a proxy that daemonized is no child of the script
            pids += [pid, *descendants(pid)]
        for pid in pids:
            seen.setdefault(pid, started_at(pid))
        return sorted(set(pids))

    try:
        deadline = time.monotonic() + 120
        url = None
        while True:
            if url is None:
                # the proxy's address: the one on the port given (serve.sh also prints its workers')
                found = re.search(rf"https?://[^\s/]+:{port}\b", "".join(lines))
                url = found.group(0) if found else None
            if url is not None:
                with contextlib.suppress(OSError):
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                        break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"scripts/serve.sh did not come up; see {log_path}")
            time.sleep(0.3)
        time.sleep(1.0)  # the workers behind the proxy: every one of them up
        yield url, ServerWatch(server_pids)
    finally:
        server_pids()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print(f"scripts/serve.sh did not stop within 30 s of SIGTERM; killing pid {process.pid}", flush=True)
            process.kill()
        time.sleep(1.0)
        left = [pid for pid, start in sorted(seen.items())
                if pid != process.pid and start is not None and started_at(pid) == start]
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if left:
            print(f"scripts/serve.sh left {len(left)} processes behind (killed): {left}", flush=True)


# -- the class ------------------------------------------------------------------------------

def spread(index: int, count: int, seconds: float) -> float:
    """When the index-th of `count` students acts, evenly spread over `seconds`."""
    return seconds * index / max(count - 1, 1) if count > 1 else 0.0


@dataclass
class Phase:
    """What the class did in one phase, and what it cost the server."""

    name: str
    wave: int
    students: int
    latencies: dict[str, list[float]] = field(default_factory=dict)  # action ("open", "train", ...) -> seconds
    failures: list[str] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)  # learning-curve updates per Train
    wall: float = 0.0
    server_cpu: float = 0.0
    server_cpu_by_pid: dict[int, float] = field(default_factory=dict)
    bench_cpu: float = 0.0
    rss_peak: int = 0
    rss_end: int = 0
    bytes_received: int = 0

    @property
    def actions(self) -> int:
        return sum(len(values) for values in self.latencies.values())


Act = Callable[[Student, int], Awaitable[list[tuple[str, float, int | None]]]]


async def phase(name: str, wave: int, students: list[Student], act: Act, args, watch: ServerWatch) -> Phase:
    """Every student still in the class does `act(student, index)`, which returns its actions
    as (action, latency, curve frames or None); they start within the spread. Measures the
    server meanwhile."""
    record = Phase(name, wave, len(students))
    watch.refresh()
    cpu_before, own_before, wall_before = watch.cpu(), time.process_time(), time.perf_counter()
    bytes_before = sum(s.stats.bytes_received for s in students)
    watch.peak = watch.rss()

    async def one(index: int, student: Student) -> None:
        await asyncio.sleep(spread(index, len(students), args.spread))
        try:
            for action, latency, frames in await act(student, index):
                record.latencies.setdefault(action, []).append(latency)
                student.stats.latencies.setdefault(action, []).append(latency)
                if frames is not None:
                    record.frames.append(frames)
                    student.stats.frames.append(frames)
        except (ActionFailed, OSError, websockets.exceptions.WebSocketException) as error:
            message = str(error) or type(error).__name__
            record.failures.append(message)
            student.stats.failures.append(f"{name}: {message}")

    live = [s for s in students if not s.stats.failures]
    exceptions_before = sum(len(s.stats.exceptions) for s in live)
    await asyncio.gather(*(one(i, s) for i, s in enumerate(live)))
    if sum(len(s.stats.exceptions) for s in live) > exceptions_before:
        record.failures.append("exceptions shown in the page")
    record.wall = time.perf_counter() - wall_before
    await asyncio.sleep(PHASE_TAIL)
    cpu_after = watch.cpu()
    record.bench_cpu = time.process_time() - own_before
    record.server_cpu_by_pid = {pid: cpu_after[pid] - cpu_before.get(pid, cpu_after[pid]) for pid in cpu_after}
    record.server_cpu = sum(record.server_cpu_by_pid.values())
    record.rss_end, record.rss_peak = watch.rss(), max(watch.peak, watch.rss())
    record.bytes_received = sum(s.stats.bytes_received for s in students) - bytes_before
    print(phase_line(record), flush=True)
    return record


async def warm_up(url: str, args) -> None:
    """One visitor before the class: the server has run each page once and trained its ready
    model (as when the lecturer opened the app before sharing the link)."""
    student = Student(url, args.timeout, time.monotonic() + args.timeout)
    try:
        await student.open("/")
        await student.go_to("draw")
    finally:
        await student.close()


async def run_class(url: str, args, watch: ServerWatch) -> tuple[list[Phase], list[Student], list[dict]]:
    deadline = time.monotonic() + args.deadline
    query = f"task={args.task}" + (f"&iters={args.iterations}" if args.iterations else "") if args.task else ""
    phases: list[Phase] = []
    everyone: list[Student] = []
    waves: list[dict] = []
    assets = await asyncio.to_thread(Assets.plan, url) if args.assets else None
    sampler = asyncio.create_task(watch.sample())

    async def open_page(student: Student, index: int) -> list:
        latency = await student.open("/" if args.rounds else "/draw", query if args.rounds else "")
        if args.rounds and args.task and not all(part in student.query for part in query.split("&")):
            raise ActionFailed(f"the link's settings were not taken: the page says {student.query!r}")
        return [("open", latency, None)]

    async def train(student: Student, index: int) -> list:
        return [("train", *await student.train())]

    async def open_and_train(student: Student, index: int) -> list:
        return await open_page(student, index) + [("train", *await student.train()) for _ in range(args.rounds)]

    async def to_draw(student: Student, index: int) -> list:
        return [("to draw", await student.go_to("draw"), None)]

    async def draw(student: Student, index: int) -> list:
        results = []
        for k in range(args.draw):
            digit, png = drawing(index * args.draw + k)
            results.append(("draw", await student.draw(digit, png), None))
        return results

    try:
        if args.warmup:
            try:
                await warm_up(url, args)
            except (ActionFailed, OSError, websockets.exceptions.WebSocketException) as error:
                raise SystemExit(f"the first visitor could not use the app: {error}") from None
        for wave in range(1, args.waves + 1):
            students = [Student(url, args.timeout, deadline, assets) for _ in range(args.students)]
            everyone += students
            try:
                if args.eager and args.rounds:
                    phases.append(await phase("open+train", wave, students, open_and_train, args, watch))
                else:
                    phases.append(await phase("open", wave, students, open_page, args, watch))
                    for round_ in range(1, args.rounds + 1):
                        name = f"train {round_}" if args.rounds > 1 else "train"
                        phases.append(await phase(name, wave, students, train, args, watch))
                if args.draw:
                    if args.rounds:
                        phases.append(await phase("to draw", wave, students, to_draw, args, watch))
                    phases.append(await phase("draw", wave, students, draw, args, watch))
            finally:
                await asyncio.gather(*(s.close() for s in students))
            await asyncio.sleep(args.settle)
            waves.append({"wave": wave, "rss_after": watch.rss()})
            print(f"wave {wave}: all {len(students)} students left; server RSS {watch.rss() / 1e6:.0f} MB "
                  f"{args.settle:g} s later", flush=True)
    finally:
        sampler.cancel()
    return phases, everyone, waves


# -- the report -----------------------------------------------------------------------------

def quantiles(values: list[float]) -> dict | None:
    if not values:
        return None
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "max": max(values)}


def phase_line(p: Phase) -> str:
    latencies = "  ".join(f"{action} p50 {q['p50']:.2f} p95 {q['p95']:.2f} max {q['max']:.2f} s"
                          for action, values in p.latencies.items() for q in [quantiles(values)])
    frames = (f"  frames/Train min {min(p.frames)} median {np.median(p.frames):g} max {max(p.frames)}"
              if p.frames else "")
    per = (f" ({p.server_cpu / p.actions:.3f} s per action, {p.server_cpu / p.students:.3f} s per student)"
           if p.actions else "")
    return (f"wave {p.wave} {p.name:<10} {p.actions:>4} actions, {len(p.failures)} failed  {latencies or '-'}"
            f"{frames}  server CPU {p.server_cpu:.2f} s{per}  RSS peak {p.rss_peak / 1e6:.0f} MB end "
            f"{p.rss_end / 1e6:.0f} MB  bench CPU {p.bench_cpu:.2f} s  wall {p.wall:.1f} s")


def report(phases: list[Phase], students: list[Student], waves: list[dict], server: str,
           commands: dict[int, str]) -> dict:
    """Everything measured, as plain data (the last line of the output, as JSON)."""
    kinds: dict[str, list[Phase]] = {}  # a phase's name without its round ("train 2" -> "train")
    for p in phases:
        kinds.setdefault(p.name.split()[0] if p.name.startswith("train ") else p.name, []).append(p)
    actions = sorted({action for p in phases for action in p.latencies}, key=["open", "train", "to draw",
                                                                              "draw"].index)
    exceptions = [text for s in students for text in s.stats.exceptions]
    answers = [a for s in students for a in s.stats.answers]
    return {
        "students": len(students),
        "server": server,
        "latency": {action: quantiles([x for p in phases for x in p.latencies.get(action, [])]) for action in actions},
        # server CPU per action of the phases that do one kind of action ("open+train": per student)
        "server_cpu_per_action": {kind: sum(p.server_cpu for p in items) / max(1, sum(
            p.students if kind == "open+train" else p.actions for p in items)) for kind, items in kinds.items()},
        "failures": sum(len(s.stats.failures) for s in students),
        "failed_students": sum(1 for s in students if s.stats.failures),
        "failure_texts": sorted({f for s in students for f in s.stats.failures})[:10],
        "exceptions": len(exceptions),
        "exception_texts": exceptions[:5],
        "frames_per_train": [f for s in students for f in s.stats.frames],
        "trained": [len(s.stats.latencies.get("train", [])) for s in students],
        "drawings_answered": len(answers),
        "drawings_read_right": sum(1 for digit, shown in answers if shown == str(digit)),
        "bytes_per_student": quantiles([s.stats.bytes_received for s in students]),
        "asset_bytes_per_student": quantiles([s.stats.asset_bytes for s in students]),
        "connect": quantiles([s.stats.connect for s in students if s.stats.connect is not None]),
        "server_cpu": sum(p.server_cpu for p in phases),
        "server_cpu_by_process": {f"{pid} {commands.get(pid, '?')[:70]}":
                                  sum(p.server_cpu_by_pid.get(pid, 0.0) for p in phases)
                                  for pid in sorted({pid for p in phases for pid in p.server_cpu_by_pid})},
        "bench_cpu": sum(p.bench_cpu for p in phases),
        "rss_peak": max((p.rss_peak for p in phases), default=0),
        "rss_after_waves": [w["rss_after"] for w in waves],
        "phases": [{k: v for k, v in vars(p).items() if k not in ("latencies", "failures")}
                   | {"actions": p.actions, "failures": len(p.failures),
                      "latency": {action: quantiles(values) for action, values in p.latencies.items()}}
                   for p in phases],
    }


def print_summary(s: dict) -> None:
    print("\nsummary")
    for action, q in s["latency"].items():
        if q:
            print(f"  {action:<8} p50 {q['p50']:.2f} s  p95 {q['p95']:.2f} s  max {q['max']:.2f} s")
    print("  server CPU per action: " + ", ".join(f"{kind} {cpu:.3f} s" for kind, cpu in
                                                   s["server_cpu_per_action"].items())
          + (" (open+train: per student)" if "open+train" in s["server_cpu_per_action"] else ""))
    if s["frames_per_train"]:
        f = s["frames_per_train"]
        print(f"  frames per Train: median {np.median(f):g} (min {min(f)}, max {max(f)})")
    if s["drawings_answered"]:
        print(f"  drawings answered {s['drawings_answered']}, read as the digit drawn {s['drawings_read_right']}")
    b, a = s["bytes_per_student"], s["asset_bytes_per_student"]
    print(f"  bytes received per student: median {b['p50'] / 1e6:.2f} MB, max {b['max'] / 1e6:.2f} MB"
          + (f" (and {a['p50'] / 1e6:.1f} MB of static files)" if a["max"] else ""))
    print(f"  server CPU {s['server_cpu']:.1f} s in all; this benchmark's own CPU {s['bench_cpu']:.1f} s")
    if len(s["server_cpu_by_process"]) > 1:
        for process, cpu in s["server_cpu_by_process"].items():
            print(f"    {cpu:7.2f} s  {process}")
    print(f"  server RSS peak {s['rss_peak'] / 1e6:.0f} MB; after each wave "
          + ", ".join(f"{r / 1e6:.0f} MB" for r in s["rss_after_waves"]))
    print(f"  failures {s['failures']} ({s['failed_students']} students), exceptions shown {s['exceptions']}")
    for text in s["failure_texts"]:
        print(f"    failure: {text}")
    for text in s["exception_texts"]:
        print(f"    exception: {text[:300]}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="a running server (loopback only), e.g. http://127.0.0.1:8501")
    where.add_argument("--workers", type=int, help="start `scripts/serve.sh --workers N` on a free port")
    parser.add_argument("--server-pid", type=int, nargs="*", default=None,
                        help="with --url: the server's processes (default: whatever listens on the port)")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds within which the students act (1)")
    parser.add_argument("--task", help="train this task (a link's code: 0v1, 2vrest, all, 38v5), not the default")
    parser.add_argument("--iterations", type=int, help="with --task: iterations per Train")
    parser.add_argument("--rounds", type=int, default=1, help="Trains per student (1; 0: open the Draw page)")
    parser.add_argument("--draw", type=int, default=0, help="digits each student draws on the Draw page (0)")
    parser.add_argument("--waves", type=int, default=1, help="classes one after another, new students each (1)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds after a wave before its memory is read (1; Streamlit keeps a closed "
                             "session for server.disconnectedSessionTTL, 120 s)")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for any one answer (300 s)")
    parser.add_argument("--deadline", type=float, default=3600.0, help="the whole run stops after this (3600 s)")
    parser.add_argument("--eager", action="store_true",
                        help="each student presses Train as soon as its page is there (default: when the whole "
                             "class has opened it, all within the spread)")
    parser.add_argument("--assets", action="store_true",
                        help="each student also fetches the static files a browser with an empty cache fetches")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip the visitor who opens every page before the class")
    args = parser.parse_args(argv)
    if args.iterations and not args.task:
        parser.error("--iterations needs --task")
    if args.students < 1 or args.rounds < 0 or args.draw < 0 or args.waves < 1:
        parser.error("--students and --waves must be at least 1, --rounds and --draw at least 0")
    if args.rounds == 0 and args.draw == 0:
        parser.error("nothing to do: --rounds 0 needs --draw K")
    return args


@contextlib.contextmanager
def server(args) -> Iterator[tuple[str, ServerWatch, str]]:
    if args.url:
        parts = urlsplit(args.url)
        if parts.hostname not in LOOPBACK:
            raise SystemExit("--url must be on loopback (127.0.0.1 or localhost): this load is for this machine only")
        pids = args.server_pid
        watch = ServerWatch((lambda: pids) if pids else (lambda: listening(parts.port or 80)))
        if not watch.pids:
            print("warning: no server process found (give --server-pid): server CPU and memory read 0", flush=True)
        yield args.url.rstrip("/"), watch, "running server"
    elif args.workers:
        with started_serve(args.workers) as (url, watch):
            yield url, watch, f"scripts/serve.sh --workers {args.workers}"
    else:
        with started_streamlit() as (url, watch):
            yield url, watch, "one streamlit run"


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    with server(args) as (url, watch, kind):
        if urlsplit(url).hostname not in LOOPBACK:
            raise SystemExit(f"{url} is not on loopback")
        print(f"lrviz class: {args.students} students x {args.waves} waves against {kind} at {url}; "
              f"spread {args.spread:g} s, task {args.task or 'default'}"
              + (f" ({args.iterations} iterations)" if args.iterations else "")
              + f", {args.rounds} Trains, {args.draw} drawings each", flush=True)
        print(f"server processes: {watch.describe() or 'none found'}; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores (timings need a quiet machine)", flush=True)
        try:
            phases, students, waves = asyncio.run(asyncio.wait_for(run_class(url, args, watch), args.deadline + 60))
        except TimeoutError:
            raise SystemExit(f"the benchmark's deadline ({args.deadline:g} s) passed") from None
    summary = report(phases, students, waves, kind, watch.commands) | {"load_average": os.getloadavg()[0]}
    print_summary(summary)
    print("JSON " + json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
