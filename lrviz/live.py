"""A live view of training: when to send a frame, and what a frame holds.

The browser keeps the learning curve and the weight maps mounted while a run trains; a
frame sends only what changed since the last one: the curve's new points and the current
weights (see `lrviz.figures.learning_curve_points` and `weight_mosaic`). A frame costs the
server about a millisecond, so frames come by the wall clock at a steady rate:
- a short run (the default trains in a few hundredths of a second) is spread over
  `MIN_DURATION` so that the curve is seen to fall in over ten frames, `MIN_INTERVAL` apart;
  it computes at full speed and its frames are made ahead of their moments (see
  `FramePacer.frame_wait` and `LiveFeed.frame`'s `at`), so the browser can be sent them
  together, each with the moment to show it;
- a run that trains at full speed is never slowed down: a frame comes every
  `FRAME_INTERVAL` (or less often if drawing one took long, so that drawing never takes
  more than `DRAW_SHARE` of the time);
- a run that mostly waits for the CPU (a whole class pressed Train on one server) gets a
  frame when it has computed `COMPUTE_PER_FRAME` seconds since the last one, or every
  `BUSY_INTERVAL`: its frames would otherwise cost the server more than its training.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lrviz.figures import learning_curve_points, weight_mosaic
from lrviz.history import Curve

#: The shortest time a run is spread over, so that a browser shows it in over ten frames.
MIN_DURATION = 1.5
#: The time between two frames of a run that is spread over MIN_DURATION.
MIN_INTERVAL = 0.1
#: The time between two frames of a run that trains at full speed: five frames a second.
FRAME_INTERVAL = 0.2
#: Computing this long since the last frame (CPU seconds of the run itself) makes a frame due...
COMPUTE_PER_FRAME = 0.05
#: ...and so does this long: a run that waits for the CPU still shows a frame a second.
BUSY_INTERVAL = 1.0
#: Drawing may take at most this share of the time between frames.
DRAW_SHARE = 0.1
#: Ten weight maps are sent at most this often (and with the last frame): each redraw of a Plotly
#: chart costs a browser about 30 ms on a small machine, where it shares the cores with the
#: training, and late in a run the maps change little between frames. A single map goes with
#: every frame.
MAPS_INTERVAL = 0.8
#: The progress line is updated at most this often (and at the last frame): each update is one
#: more element for the server to send and the browser to render.
PROGRESS_INTERVAL = 0.5


class FramePacer:
    """Decides, snapshot by snapshot, whether a live view should send a frame now.

    `progress(iteration)` is the share of the run done; a run may not get ahead of
    `min_duration` seconds in total, so that a fast run is seen to learn. Such a run gets a
    frame at each snapshot `MIN_INTERVAL` of that schedule after the last frame's, with the
    seconds until its moment (`frame_wait`): the caller may wait for it there, or make the
    frame at once and send it ahead with its moment; never between every two snapshots (a
    thread that sleeps that often computes twice as slowly: its caches go cold, and a class
    multiplies that). A run that trains slower than the schedule never waits. The caller
    reports the CPU time the run itself computed with `computed(seconds)`.
    """

    def __init__(
        self,
        start: int,
        target: int,
        *,
        min_duration: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.start, self.target = start, max(target, start + 1)
        self.min_duration = MIN_DURATION if min_duration is None else min_duration
        self.interval = FRAME_INTERVAL
        self._clock = clock
        self._started = self._last_frame = clock()
        self._computed = 0.0
        self._due_shown = 0.0  # the moment on the schedule of the last frame sent

    def progress(self, iteration: int) -> float:
        return min(1.0, max(0.0, (iteration - self.start) / (self.target - self.start)))

    def computed(self, seconds: float) -> None:
        """Record CPU time the run spent computing (since the last call)."""
        self._computed += seconds

    def frame_wait(self, iteration: int, *, last: bool = False) -> float | None:
        """Whether a frame is due at this snapshot (the run's `last` one: always): None if not,
        else the seconds to wait for its moment first (0: now; more if the run is ahead of its
        minimum duration). The caller waits, never while it holds a turn of the CPU."""
        due = self.progress(iteration) * self.min_duration  # its moment on that schedule, from the start
        ahead = due - (self._clock() - self._started)
        if ahead > 0:
            if not last and due - self._due_shown < MIN_INTERVAL:
                return None  # on to the next frame's snapshot, without a pause
            self._due_shown = due
            return ahead
        since = self._clock() - self._last_frame
        if last or (since >= self.interval and (self._computed >= COMPUTE_PER_FRAME or since >= BUSY_INTERVAL)):
            self._due_shown = due
            return 0.0
        return None

    def drew(self, seconds: float) -> None:
        """Record a frame that took `seconds` to draw, and set the interval to the next one."""
        self._last_frame = self._clock()
        self._computed = 0.0
        self.interval = max(FRAME_INTERVAL, seconds / DRAW_SHARE)


@dataclass(frozen=True)
class Frame:
    """What one frame of a live view sends: the curve's points from index `curve_start` on
    (`learning_curve_points`), and the weights as the weight maps' heatmap shows them
    (`weight_mosaic`), and whether the progress line is to be updated with it."""

    iteration: int
    curve_start: int
    curve_points: dict
    weights: dict | None
    progress: bool


class LiveFeed:
    """What the browser has been sent of a run, and what the next frame must add.

    `shown` is how many curve points the mounted chart already holds (those it was drawn
    with). Each frame then sends the points after the last frame's, and the latest weights
    whole (they all change at every update); ten maps at most every `MAPS_INTERVAL` seconds
    (a frame without them has `weights` None); the progress line at most every
    `PROGRESS_INTERVAL` seconds. `mini_batch`: the chart has the mini-batch
    cost and its trend too (see `lrviz.figures.learning_curve`).
    """

    def __init__(self, shown: int, class_names: Sequence[str], *, mini_batch: bool = False,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.sent = shown
        self.class_names = tuple(class_names)
        self.mini_batch = mini_batch
        self._clock = clock
        self._maps_sent = -float("inf")
        self._progress_sent = clock()  # (the progress line is drawn with the charts)

    def frame(self, curve: Curve, iteration: int, coef: np.ndarray, *, last: bool = False,
              at: float | None = None) -> Frame:
        """The next frame, for a run whose curve and weights are now `curve` and `coef`; `last`: the
        run's final frame (it always has the weights and the progress); `at`: the moment it is to
        be seen, on the feed's clock, for a frame made ahead of time (a fast run's); default now."""
        start, self.sent = self.sent, len(curve)
        weights = None
        now = self._clock() if at is None else at
        if last or coef.shape[0] == 1 or now - self._maps_sent >= MAPS_INTERVAL:
            weights, self._maps_sent = weight_mosaic(coef, self.class_names), now
        progress = last or now - self._progress_sent >= PROGRESS_INTERVAL
        if progress:
            self._progress_sent = now
        return Frame(iteration, start, learning_curve_points(curve, start, mini_batch=self.mini_batch), weights,
                     progress)
