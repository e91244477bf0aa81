"""The one gradient-descent loop of lrviz, written so that a caller can watch it.

`gradient_descent` is a generator: it updates the weights in place and pauses at the
iterations the caller asked to see. Whoever drives it (the estimator's `fit`, or the
app through `LogisticRegressionGD.train`) can stop between two pauses and later start a
new loop from the weights it had reached.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: The cost counts as blowing up once it is above where training began and has risen
#: this many iterations in a row; an overshoot that recovers rises once or twice.
RISING_ITERATIONS_TO_DIVERGE = 20


class Objective(Protocol):
    """What the loop needs of a cost function (see `lrviz.neuron`)."""

    def forward(self, W: np.ndarray, b: np.ndarray) -> float: ...

    def backward(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def accuracy(self) -> float: ...


@dataclass
class Pause:
    """Where the loop stands when it pauses: the weights after `iteration` updates.

    `cost` and `accuracy` are those of these weights on the training data. `W` and
    `b` are the loop's own arrays: copy them to keep them. `stop_reason` is None
    while the loop runs on, and "max_iter", "tol" or "diverged" at its last pause.
    """

    iteration: int
    cost: float
    accuracy: float
    W: np.ndarray
    b: np.ndarray
    stop_reason: str | None = None
    blow_up_cost: float | None = None  # when diverged: the cost that ended training (may be inf or nan)


def gradient_descent(
    objective: Objective,
    W: np.ndarray,
    b: np.ndarray,
    *,
    learning_rate: float,
    n_iter: int,
    tol: float = 0.0,
    start: int = 0,
    pause_at: Container[int] = (),
    cost_history: np.ndarray | None = None,
    initial_cost: float | None = None,
) -> Iterator[Pause]:
    """Run up to `n_iter` updates W -= lr dW, b -= lr db, counting iterations from `start`.

    Pauses (yields) at `start`, at each iteration number in `pause_at`, and once at the
    end with `stop_reason` set. The cost before update i is written to
    `cost_history[i]` when an array is given. Training ends early when the cost changes
    by less than `tol`, or when it blows up: a cost above `initial_cost` (default: the
    first cost) that has risen `RISING_ITERATIONS_TO_DIVERGE` times in a row, or a
    cost that is no longer finite, in which case W and b go back one update to the
    last weights whose cost was finite.

    Overflow in the arithmetic of a blow-up is expected and handled, so NumPy's
    overflow and invalid-value warnings are silenced while the loop computes, and only
    then: never while it is paused, where the caller's own code runs.
    """
    steps = _descend(objective, W, b, learning_rate, n_iter, tol, start, pause_at, cost_history, initial_cost)
    while True:
        with np.errstate(over="ignore", invalid="ignore"):
            pause = next(steps, None)
        if pause is None:
            return
        yield pause


def _descend(objective, W, b, learning_rate, n_iter, tol, start, pause_at, cost_history, initial_cost):
    """The loop of `gradient_descent`, without its handling of NumPy's error state."""
    end = start + n_iter
    previous = math.inf
    rising = 0
    previous_W, previous_b = W.copy(), b.copy()
    for i in range(start, end + 1):
        cost = objective.forward(W, b)
        if not math.isfinite(cost):
            if i == start:
                raise ValueError(
                    f"The cost is {cost} at the starting weights: the inputs or the weights are too "
                    "large. Scale the features (e.g. pixels / 16) or start from smaller weights."
                )
            blow_up_cost = cost
            W[...], b[...] = previous_W, previous_b
            cost = objective.forward(W, b)
            yield Pause(i - 1, cost, objective.accuracy(), W, b, "diverged", blow_up_cost)
            return
        if i < end and cost_history is not None:
            cost_history[i] = cost
        if initial_cost is None:
            initial_cost = cost
        rising = rising + 1 if cost > previous and cost > initial_cost else 0
        if rising >= RISING_ITERATIONS_TO_DIVERGE:
            yield Pause(i, cost, objective.accuracy(), W, b, "diverged", cost)
            return
        if i == end or (i > start and abs(previous - cost) < tol):
            yield Pause(i, cost, objective.accuracy(), W, b, "max_iter" if i == end else "tol")
            return
        if i == start or i in pause_at:
            yield Pause(i, cost, objective.accuracy(), W, b)
        previous = cost
        np.copyto(previous_W, W)
        np.copyto(previous_b, b)
        dW, db = objective.backward(W)
        dW *= learning_rate
        db *= learning_rate
        W -= dW
        b -= db
