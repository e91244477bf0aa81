"""What a browser keeps across a reload: its runs and drawings, in the server's memory, under a cookie.

Reloading a Streamlit page starts a new session, which would lose the trained model, every
run and the user's drawings. So each browser gets a random session cookie, and the server
keeps the values of the latest sessions under it; a new session with that cookie gets copies
of them back. (A link never carries the cookie: a shared link shares settings, not runs.)
"""

from __future__ import annotations

import copy
import os
import secrets
import threading
from collections import OrderedDict

import streamlit as st

from lrviz.runs import Run

COOKIE = "lrviz_session"
TOKEN_KEY = "_lrviz_token"
RESTORED_KEY = "_lrviz_restored"
COOKIE_SENT_KEY = "_lrviz_cookie_sent"
#: Browsers whose runs the server keeps; the least recently seen are forgotten first.
MAX_BROWSERS = 200
#: Memory the kept values may take, in megabytes: the environment variable LRVIZ_RELOAD_MB
#: (default 100; about 700 ten-digit runs, or 90 runs that train on drawings with a split of
#: their own (about 1 MB each), or 800 full sets of drawings). The least recently seen browsers are forgotten
#: first when it is full.
RELOAD_MB = float(os.environ.get("LRVIZ_RELOAD_MB", "100"))

_SET_COOKIE = """
export default function(component) {
  const { data } = component;
  document.cookie = `${data.name}=${data.token}; path=/; max-age=${data.seconds}; SameSite=Lax`;
}
"""
_cookie_setter = st.components.v2.component("lrviz_session_cookie", js=_SET_COOKIE)


class RunStore:
    """A bounded, thread-safe map from browser token to that browser's session values.

    Bounded both in browsers and in bytes (see `nbytes_of`): the least recently seen
    browsers are forgotten first.
    """

    def __init__(self, capacity: int = MAX_BROWSERS, max_bytes: int = int(RELOAD_MB * 2**20)) -> None:
        self._entries: OrderedDict[str, tuple[dict, int]] = OrderedDict()
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, token: str, values: dict) -> None:
        size = nbytes_of(values)
        with self._lock:
            if token in self._entries:
                self._bytes -= self._entries[token][1]
            self._entries[token] = (values, size)
            self._entries.move_to_end(token)
            self._bytes += size
            while len(self._entries) > self._capacity or (self._bytes > self._max_bytes and len(self._entries) > 1):
                _, (_, forgotten) = self._entries.popitem(last=False)
                self._bytes -= forgotten

    def get(self, token: str) -> dict | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            self._entries.move_to_end(token)
            return entry[0]

    @property
    def nbytes(self) -> int:
        """Bytes the kept values take (as they were when last kept)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


@st.cache_resource
def _store() -> RunStore:
    return RunStore()


def _token() -> str:
    """This browser's token: from its cookie, or a new one that the page then sets."""
    if TOKEN_KEY not in st.session_state:
        cookie = st.context.cookies.get(COOKIE, "")
        st.session_state[TOKEN_KEY] = cookie if cookie.isalnum() and len(cookie) == 32 else secrets.token_hex(16)
    return st.session_state[TOKEN_KEY]


def restore(keys: tuple[str, ...]) -> None:
    """At the start of a session: copies of this browser's kept values (runs share their data split)."""
    if st.session_state.get(RESTORED_KEY):
        return
    st.session_state[RESTORED_KEY] = True
    kept = _store().get(_token())
    if kept:
        wanted = {key: value for key, value in kept.items() if key in keys and key not in st.session_state}
        shared = {id(run.data): run.data for run in _runs(kept)}  # splits are read-only and shared
        st.session_state.update(copy.deepcopy(wanted, shared))  # one copy: the current run stays in the history


def set_cookie() -> None:
    """Give the browser its session cookie if it does not have it yet (an invisible element), on a
    session's first run only: the browser sets it as soon as it shows the element."""
    token = _token()
    if st.context.cookies.get(COOKIE) != token and not st.session_state.get(COOKIE_SENT_KEY):
        st.session_state[COOKIE_SENT_KEY] = True
        _cookie_setter(data={"name": COOKIE, "token": token, "seconds": 7 * 24 * 3600}, key="session_cookie")


def keep(keys: tuple[str, ...]) -> None:
    """At the end of every run: remember this session's values for the next session of this browser."""
    _store().put(_token(), {key: st.session_state[key] for key in keys if key in st.session_state})


def nbytes_of(values: dict) -> int:
    """Bytes a browser's values hold of their own: each value, or item of a list, that says its
    `nbytes` (runs, the user's drawings, arrays), counted once however often it appears, and the
    data split of each run that trains on drawings (the others share theirs: see `task_data`)."""
    held = {}
    for value in values.values():
        for item in value if isinstance(value, list) else [value]:
            if hasattr(item, "nbytes"):
                held[id(item)] = item
            if isinstance(item, Run) and item.data.is_extra.any():
                held[id(item.data)] = item.data
    return sum(int(item.nbytes) for item in held.values())


def _runs(values: dict) -> list[Run]:
    """Every run among the kept values (a run, or a list of runs)."""
    found = []
    for value in values.values():
        found.extend(item for item in (value if isinstance(value, list) else [value]) if isinstance(item, Run))
    return found
