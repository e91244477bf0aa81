"""Telling a blow-up from an overshoot or from noise: when training has diverged, and why.

The training cost is watched iteration by iteration. Training has diverged when the cost
- is no longer finite (OVERFLOW);
- has risen RISING_ITERATIONS_TO_DIVERGE times in a row to more than FAR_ABOVE times
  where it started (RISING): an overshoot that recovers rises once or twice, and the
  long swings of momentum stay far lower;
- has stayed above where it started, without falling, for STUCK_WINDOWS windows of WINDOW
  iterations running (STUCK_HIGH): in each, even the lowest cost was more than ABOVE_START
  above the start, and not at least MIN_FALL below the lowest of the window before. The cost
  swings, or sits, above the start and does not come down.

What does not count: a cost that overshoots for a few iterations and then falls (a large
step without L2 on separable digits), a cost that swings below where it started (the model
is better than the one it started from), and the noise of mini-batch training while the
cost falls on average. Each rule looks at the full training cost only, and the STUCK_HIGH
rule at the recorded history only, so a resumed run is judged as an uninterrupted one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

import numpy as np

#: A cost far above its start that has risen this many iterations in a row is blowing up.
RISING_ITERATIONS_TO_DIVERGE = 20
#: "Far above where it started": this many times the starting cost.
FAR_ABOVE = 10.0
#: Iterations in one window of the "stuck high" rule; it is checked at every multiple of it.
WINDOW = 50
#: Windows running that must all be above the start and not falling.
STUCK_WINDOWS = 3
#: "Above where it started", for that rule: more than this above the starting cost (a mean log loss
#: 0.1 worse than at the start). A model loaded already trained, whose mini-batches or Adam then
#: jitter a little above its low starting cost, is not stuck.
ABOVE_START = 0.1
#: A window's lowest cost must be at least this share below the window before's to count as falling.
MIN_FALL = 0.1
#: A swing whose highest cost is less than this factor above its lowest is said to "stay at" a level.
SWING_FACTOR = 1.5


class DivergenceKind(StrEnum):
    """Which rule found the divergence (see the module's docstring)."""

    OVERFLOW = "overflow"
    RISING = "rising"
    STUCK_HIGH = "stuck_high"


@dataclass(frozen=True)
class Divergence:
    """Why training stopped as diverged, and what to try instead.

    `iteration` is where it stopped; `start_cost` the cost it began from; `low` and `high`
    the range of the cost that decided (for OVERFLOW and RISING, `high` is the blow-up,
    possibly inf or nan). `learning_rate` (None where there is none, as for Newton's
    method) and `l2` are the run's, for the advice.
    """

    kind: DivergenceKind
    iteration: int
    start_cost: float
    low: float
    high: float
    learning_rate: float | None = None
    l2: float = 0.0

    @property
    def suggested_learning_rate(self) -> float | None:
        """A learning rate to try instead: ten times smaller."""
        return None if self.learning_rate is None else self.learning_rate / 10

    @property
    def what_happened(self) -> str:
        """One sentence on what the cost did."""
        if self.kind == DivergenceKind.OVERFLOW:
            return (f"the cost blew up from {self.start_cost:.4g} to {self.high:.4g}, so training stopped at "
                    f"iteration {self.iteration} and kept the last finite weights")
        if self.kind == DivergenceKind.RISING:
            return (f"the cost blew up from {self.start_cost:.4g} to {self.high:.4g}, rising at every step, so "
                    f"training stopped at iteration {self.iteration}")
        level = (f"swings between {self.low:.4g} and {self.high:.4g}" if self.high > SWING_FACTOR * self.low
                 else f"stays at about {self.low:.4g}")
        return (f"after {self.iteration} iterations the cost {level}, above where it started "
                f"({self.start_cost:.4g}), and is not coming down, so training stopped")

    @property
    def advice(self) -> str:
        """What to try instead."""
        if self.learning_rate is None:  # Newton's method sets its own steps, and they only lower the cost
            return "The steps were too large for this data."
        return (f"The learning rate {self.learning_rate:g} is too large"
                + (f" for l2={self.l2:g}" if self.l2 else "")
                + f": each step jumps past the minimum by more than it gains; try {self.suggested_learning_rate:g} "
                  "or smaller.")

    @property
    def message(self) -> str:
        """The whole explanation, e.g. for a warning or a page."""
        return f"Training diverged: {self.what_happened}. {self.advice}"


class DivergenceGuard:
    """Watches the cost of one training loop, iteration by iteration (see the module's docstring).

    `cost_history[i]` must hold the cost before update i for every iteration already seen,
    including those of earlier loops of the same run (a resumed run is judged on its whole
    history); `start_cost` is the cost the run began from (default: the first one seen).
    """

    def __init__(self, cost_history: np.ndarray, start_cost: float | None = None) -> None:
        self._history = cost_history
        self.start_cost = start_cost
        self._previous = math.inf
        self._rising = 0

    def overflow(self, iteration: int, cost: float) -> Divergence:
        """The verdict for a cost that is no longer finite; training goes back to `iteration`."""
        return Divergence(DivergenceKind.OVERFLOW, iteration, self.start_cost, self.start_cost, cost)

    def check(self, iteration: int, cost: float) -> Divergence | None:
        """The verdict on the (finite) cost before update `iteration`: None while training may go on."""
        if self.start_cost is None:
            self.start_cost = cost
        start = self.start_cost
        self._rising = self._rising + 1 if cost > self._previous and cost > start else 0
        self._previous = cost
        if self._rising >= RISING_ITERATIONS_TO_DIVERGE and cost > FAR_ABOVE * start:
            return Divergence(DivergenceKind.RISING, iteration, start, start, cost)
        if iteration % WINDOW == 0 and iteration >= (STUCK_WINDOWS + 1) * WINDOW:
            return self._stuck_high(iteration, start)
        return None

    def _stuck_high(self, iteration: int, start: float) -> Divergence | None:
        """The STUCK_HIGH verdict on the windows that end at `iteration`."""
        lows = [float(self._history[end - WINDOW:end].min())
                for end in range(iteration - STUCK_WINDOWS * WINDOW, iteration + 1, WINDOW)]
        stuck = all(low > start + ABOVE_START and low > (1.0 - MIN_FALL) * before for before, low in pairwise(lows))
        if not stuck:
            return None
        last = self._history[iteration - WINDOW:iteration]
        return Divergence(DivergenceKind.STUCK_HIGH, iteration, start, lows[-1], float(last.max()))
