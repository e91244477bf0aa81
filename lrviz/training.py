"""The one training loop of lrviz, written so that a caller can watch it.

`train_loop` is a generator: it updates the weights in place and pauses at the
iterations the caller asked to see. Every solver runs in it: the loop computes the
training cost, records it, judges it (`lrviz.divergence`), and asks the optimizer
(`lrviz.optimizers`) for one update, on the full batch or on the next mini-batch
(`lrviz.minibatches`). Whoever drives it (the estimator's `fit`, or the app through
`LogisticRegressionGD.train`) can stop between two pauses and later start a new loop
from the weights and optimizer state it had reached.
"""

from __future__ import annotations

import math
import time
from collections.abc import Container, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from lrviz.divergence import Divergence, DivergenceGuard
from lrviz.minibatches import MiniBatches
from lrviz.optimizers import Optimizer


class StopReason(StrEnum):
    """Why a call to the training loop ended."""

    MAX_ITER = "max_iter"  # it made the updates it was asked for
    TOL = "tol"  # the cost changed by less than `tol` between two iterations
    DIVERGED = "diverged"  # the cost blew up (see `lrviz.divergence`)


class Objective(Protocol):
    """What the loop needs of a cost function (see `lrviz.neuron`)."""

    def forward(self, W: np.ndarray, b: np.ndarray) -> float: ...

    def accuracy(self) -> float: ...

    def subset(self, rows: np.ndarray) -> Objective: ...


@dataclass
class Pause:
    """Where the loop stands when it pauses: the weights after `iteration` updates.

    `cost` and `accuracy` are those of these weights on the whole training set;
    `batch_cost` is the cost of the mini-batch the next update uses (the whole training
    set's cost for full-batch training). `W` and `b` are the loop's own arrays: copy them
    to keep them. `stop_reason` is None while the loop runs on, and set at its last pause;
    `divergence` says why, when it diverged. `seconds` is the time this loop has spent
    computing so far, not counting its pauses: the CPU time of its thread, so that neither
    the waits of a busy machine nor other threads (a server's other sessions) count. (BLAS on
    one thread, as `fit` and the app run it, computes in that thread too.)
    """

    iteration: int
    cost: float
    accuracy: float
    batch_cost: float
    W: np.ndarray
    b: np.ndarray
    stop_reason: StopReason | None = None
    divergence: Divergence | None = None
    seconds: float = 0.0


def train_loop(
    objective: Objective,
    W: np.ndarray,
    b: np.ndarray,
    optimizer: Optimizer,
    *,
    n_iter: int,
    cost_history: np.ndarray,
    batches: MiniBatches | None = None,
    tol: float = 0.0,
    start: int = 0,
    pause_at: Container[int] = (),
) -> Iterator[Pause]:
    """Run up to `n_iter` updates of `optimizer`, counting iterations from `start`.

    Each iteration computes the cost J of (W, b) on the whole training set and writes it
    to `cost_history[i]` (which must be long enough and hold the costs of iterations
    before `start`), then takes one step on the full batch, or on the mini-batch
    `batches.rows(k)`, k = the optimizer's count of updates. Pauses (yields) at
    `start`, at each iteration number in `pause_at`, and once at the end with
    `stop_reason` set. Training ends early when the cost changes by less than `tol`, or
    when it diverges (`lrviz.divergence.DivergenceGuard`); a cost that is no longer
    finite sends W, b and the optimizer's state back one update, to the last finite cost.

    Overflow in the arithmetic of a blow-up is expected and handled, so NumPy's
    overflow and invalid-value warnings are silenced while the loop computes, and only
    then: never while it is paused, where the caller's own code runs. The time it computes
    is measured the same way (`Pause.seconds`), as CPU time of the thread: on a busy 2-core
    machine the wall-clock time of one and the same run varied twofold, its CPU time by 15 %.
    """
    steps = _train(objective, W, b, optimizer, n_iter, cost_history, batches, tol, start, pause_at)
    seconds = 0.0
    while True:
        began = time.thread_time()
        with np.errstate(over="ignore", invalid="ignore"):
            pause = next(steps, None)
        seconds += time.thread_time() - began
        if pause is None:
            return
        pause.seconds = seconds
        yield pause


def _train(objective, W, b, optimizer, n_iter, cost_history, batches, tol, start, pause_at):
    """The loop of `train_loop`, without its handling of NumPy's error state."""
    end = start + n_iter
    guard = DivergenceGuard(cost_history, float(cost_history[0]) if start else None)
    state = optimizer.state
    previous = math.inf
    previous_W, previous_b, previous_state = W.copy(), b.copy(), state.copy()
    for i in range(start, end + 1):
        cost = objective.forward(W, b)
        if not math.isfinite(cost):
            if i == start:
                raise ValueError(
                    f"The cost is {cost} at the starting weights: the inputs or the weights are too "
                    "large. Scale the features (e.g. pixels / 16) or start from smaller weights."
                )
            divergence = guard.overflow(i - 1, cost)
            W[...], b[...] = previous_W, previous_b
            state.restore(previous_state)
            cost = objective.forward(W, b)
            accuracy = objective.accuracy()
            batch_cost = cost if batches is None else objective.subset(batches.rows(state.updates)).forward(W, b)
            yield Pause(i - 1, cost, accuracy, batch_cost, W, b, StopReason.DIVERGED, divergence)
            return
        if i < end:
            cost_history[i] = cost
        if batches is None:
            batch, batch_cost = objective, cost
        else:
            batch = objective.subset(batches.rows(state.updates))
            batch_cost = batch.forward(W, b)
        divergence = guard.check(i, cost)
        if divergence is not None:
            yield Pause(i, cost, objective.accuracy(), batch_cost, W, b, StopReason.DIVERGED, divergence)
            return
        if i == end or (i > start and abs(previous - cost) < tol):
            yield Pause(i, cost, objective.accuracy(), batch_cost, W, b,
                        StopReason.MAX_ITER if i == end else StopReason.TOL)
            return
        if i == start or i in pause_at:
            yield Pause(i, cost, objective.accuracy(), batch_cost, W, b)
        previous = cost
        np.copyto(previous_W, W)
        np.copyto(previous_b, b)
        if state.moments:
            previous_state.restore(state)
        else:
            previous_state.updates = state.updates
        optimizer.step(batch, W, b, batch_cost)
