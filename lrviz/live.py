"""When to redraw a live view of training: by the wall clock, never per iteration.

A short run (the default trains in a few hundredths of a second) is spread over a
minimum duration so that the learning curve is seen to fall in several frames: a
browser needs 0.1-0.2 s to show a new Plotly chart. A long run is never slowed down,
and its frames come at an interval that keeps drawing's share of the time bounded:
at least twice the last frame's drawing time, and a fifth of the time elapsed, so a
run of a minute draws about as many frames as one of ten seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: A long run's frames come at least this share of the elapsed time apart.
ELAPSED_SHARE = 0.2
#: The shortest time a run is spread over, so that a browser shows it in ten frames or more.
MIN_DURATION = 2.0
#: The shortest time between two frames.
MIN_INTERVAL = 0.15


class FramePacer:
    """Decides, snapshot by snapshot, whether a live view should draw a frame now.

    `progress(iteration)` is the share of the run done; a run may not get ahead of
    `min_duration` seconds in total (it sleeps instead). While it is held back like that,
    drawing costs it nothing and frames come every `min_interval` seconds; a run that
    trains slower than that never waits, and its frames space out as it goes on.
    """

    def __init__(
        self,
        start: int,
        target: int,
        *,
        min_duration: float | None = None,
        min_interval: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.start, self.target = start, max(target, start + 1)
        self.min_duration = MIN_DURATION if min_duration is None else min_duration
        self.min_interval = MIN_INTERVAL if min_interval is None else min_interval
        self.interval = self.min_interval
        self._clock, self._sleep = clock, sleep
        self._started = self._last_frame = clock()
        self._held_back = False

    def progress(self, iteration: int) -> float:
        return min(1.0, max(0.0, (iteration - self.start) / (self.target - self.start)))

    def should_draw(self, iteration: int) -> bool:
        """Wait if the run is ahead of its minimum duration, then say whether a frame is due."""
        ahead = self.progress(iteration) * self.min_duration - (self._clock() - self._started)
        if ahead > 0:
            self._sleep(ahead)
            self._held_back = True
        return self._clock() - self._last_frame >= self.interval

    def drew(self, seconds: float) -> None:
        """Record a frame that took `seconds` to draw, and set the interval to the next one."""
        self._last_frame = self._clock()
        if self._held_back:
            self.interval = self.min_interval
        else:
            elapsed = self._last_frame - self._started
            self.interval = max(self.min_interval, 2.0 * seconds, ELAPSED_SHARE * elapsed)
        self._held_back = False
