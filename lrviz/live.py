"""A live view of training: when to send a frame, and what a frame holds.

The browser keeps the learning curve and the weight maps mounted while a run trains; a
frame sends only what changed since the last one: the curve's new points and the current
weights (see `lrviz.figures.learning_curve_points` and `weight_mosaic`). A frame then
costs the server about a millisecond, so frames come by the wall clock at a steady rate:
- a short run (the default trains in a few hundredths of a second) is spread over
  `MIN_DURATION` so that the curve is seen to fall in about ten frames;
- a long run is never slowed down: a frame comes every `MIN_INTERVAL` seconds, or less
  often if drawing one took long (so that drawing never takes more than about a tenth of
  the time), but at least every `MAX_INTERVAL` seconds once a snapshot is there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lrviz.figures import learning_curve_points, weight_mosaic
from lrviz.history import Curve

#: The shortest time a run is spread over, so that a browser shows it in about ten frames.
MIN_DURATION = 1.5
#: The shortest time between two frames.
MIN_INTERVAL = 0.1
#: The longest time between two frames (a long run shows at least four frames a second).
MAX_INTERVAL = 0.2
#: Drawing may take at most this share of the time between frames.
DRAW_SHARE = 0.1


class FramePacer:
    """Decides, snapshot by snapshot, whether a live view should send a frame now.

    `progress(iteration)` is the share of the run done; a run may not get ahead of
    `min_duration` seconds in total (it sleeps instead), so that a fast run is seen to
    learn. A run that trains slower than that never waits.
    """

    def __init__(
        self,
        start: int,
        target: int,
        *,
        min_duration: float | None = None,
        min_interval: float | None = None,
        max_interval: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.start, self.target = start, max(target, start + 1)
        self.min_duration = MIN_DURATION if min_duration is None else min_duration
        self.min_interval = MIN_INTERVAL if min_interval is None else min_interval
        self.max_interval = MAX_INTERVAL if max_interval is None else max_interval
        self.interval = self.min_interval
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
        """Record a frame that took `seconds` to draw, and set the interval to the next one."""
        self._last_frame = self._clock()
        self.interval = min(self.max_interval, max(self.min_interval, seconds / DRAW_SHARE))


@dataclass(frozen=True)
class Frame:
    """What one frame of a live view sends: the curve's points from index `curve_start` on
    (`learning_curve_points`), and the weights as the weight maps' heatmap shows them
    (`weight_mosaic`)."""

    iteration: int
    curve_start: int
    curve_points: dict
    weights: dict


class LiveFeed:
    """What the browser has been sent of a run, and what the next frame must add.

    `shown` is how many curve points the mounted chart already holds (those it was drawn
    with). Each frame then sends the points after the last frame's, and the latest weights
    whole (they all change at every update).
    """

    def __init__(self, shown: int, class_names: Sequence[str]) -> None:
        self.sent = shown
        self.class_names = tuple(class_names)

    def frame(self, curve: Curve, iteration: int, coef: np.ndarray) -> Frame:
        """The next frame, for a run whose curve and weights are now `curve` and `coef`."""
        start, self.sent = self.sent, len(curve)
        return Frame(iteration, start, learning_curve_points(curve, start), weight_mosaic(coef, self.class_names))
