"""Taking turns at the CPU: at most a few training loops compute at once in a server process.

Streamlit runs every session's script in a thread of one Python process, and Python runs one
thread at a time. When a class presses Train together, thirty training loops would share
the process evenly with everything else it does: opening pages, and the event loop that
sends each page's updates to its browser. Those then wait behind thirty loops, and the live
frames of a run are dropped unsent when its page reruns. So training computes in turns:
`Turns(n)` lets n loops compute at once, the others wait (using no CPU), and turns are handed
on in order of arrival, so no loop waits for long while another takes turn after turn. A loop
takes a turn for a stretch of computing (a few snapshots, up to `pages._live.TURN_SECONDS`),
never while it sleeps or draws.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class Turns:
    """A fair counting semaphore: at most `n` holders, and waiters served first come, first served.

    (`threading.Semaphore` is not fair: a thread that releases it can take it again at once,
    before the thread it woke runs, and keep others waiting indefinitely.)
    """

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError(f"Turns needs at least one place; got {n}.")
        self._free = n
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a place for the block; wait for one (in order of arrival) if all are taken."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                ready = None
            else:
                ready = threading.Event()
                self._waiting.append(ready)
        if ready is not None:
            ready.wait()  # the place is handed over by the thread that leaves it
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting.popleft().set()
                else:
                    self._free += 1

    @property
    def waiting(self) -> int:
        """How many are waiting for a turn now."""
        return len(self._waiting)
