"""When to redraw a live view of training: by the wall clock, never per iteration.

A short run (the default trains in a few hundredths of a second) is spread over a
minimum duration so that the learning curve is seen to fall in several frames: a
browser needs 0.1-0.2 s to show a new Plotly chart. A long run is never slowed down,
and its frames come at an interval that keeps drawing's share of the time bounded:
at least twice the last frame's drawing time, and a tenth of the time elapsed.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class FramePacer:
    """Decides, snapshot by snapshot, whether a live view should draw a frame now.

    `progress(iteration)` is the share of the run done; a run may not get ahead of
    `min_duration` seconds in total (it sleeps instead), and frames come at least
    `min_interval` seconds apart, more if drawing is slow or the run is long.
    """

    def __init__(
        self,
        start: int,
        target: int,
        *,
        min_duration: float = 2.0,
        min_interval: float = 0.15,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.start, self.target = start, max(target, start + 1)
        self.min_duration, self.min_interval = min_duration, min_interval
        self.interval = min_interval
        self._clock, self._sleep = clock, sleep
        self._started = self._last_frame = clock()

    def progress(self, iteration: int) -> float:
        return min(1.0, max(0.0, (iteration - self.start) / (self.target - self.start)))

    def should_draw(self, iteration: int) -> bool:
        """Wait if the run is ahead of its minimum duration, then say whether a frame is due."""
        ahead = self.progress(iteration) * self.min_duration - (self._clock() - self._started)
        if ahead > 0:
            self._sleep(ahead)
        return self._clock() - self._last_frame >= self.interval

    def drew(self, seconds: float) -> None:
        """Record a frame that took `seconds` to draw, and set the interval to the next one.

        Within the minimum duration the run is paced anyway, so drawing costs it
        nothing; after that, frames wait at least twice as long as they take to draw.
        """
        self._last_frame = self._clock()
        elapsed = self._last_frame - self._started
        slow_drawing = 2.0 * seconds if elapsed >= self.min_duration else 0.0
        self.interval = max(self.min_interval, slow_drawing, 0.1 * elapsed)
