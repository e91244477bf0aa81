"""A training run: the settings a user chose, the data split, the model, and what it saw.

The app keeps `Run` objects in its session so that a trained model, its history and
its settings survive reruns and page changes. A run trains only by driving
`LogisticRegressionGD.train`: `Run.advance` toward the run's target (it can be abandoned
at any snapshot and called again to go on), and `Run.step` by exactly one update. It
remembers its snapshots compactly (`lrviz.history`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from lrviz.data import DEFAULT_SPLIT_SEED, Task, TaskData, load_task
from lrviz.divergence import Divergence
from lrviz.history import Curve, History
from lrviz.minibatches import MiniBatches
from lrviz.model import Snapshot
from lrviz.optimizers import Solver, SolverState
from lrviz.settings import Settings
from lrviz.training import StopReason

#: The ready model a first-time visitor can draw for at once: all ten digits, trained to
#: 96 % test accuracy in two to three seconds, in the background while the app starts.
READY_SETTINGS_KW = dict(learning_rate=1.0, iterations=2000)
#: Points a learning curve gets: snapshots every target / CURVE_POINTS iterations, plus
#: log-spaced ones so that the fast change of the first iterations is seen.
CURVE_POINTS = 100
#: Weight maps a run keeps for a replay, log-spaced (see `lrviz.history`).
REPLAY_POINTS = 40
#: Iterations Newton's method gets in a comparison of solvers (`solver_runs`): it reaches the
#: optimum in about ten, and each of its iterations costs as much as a hundred of the others
#: on ten digits (it solves a 650 x 650 system).
NEWTON_ITERATIONS = 20


class RunStatus(StrEnum):
    """Where a run stands."""

    NEW = "new"  # never trained
    LOADED = "loaded"  # weights trained elsewhere (a model file), not trained here yet
    STOPPED = "stopped"  # short of its target
    FINISHED = "finished"  # reached its target, or the cost stopped changing (tol)
    DIVERGED = "diverged"  # the cost blew up (see `Run.divergence`)


@dataclass(frozen=True)
class Step:
    """What one update of a run changed (see `Run.step`).

    `before` and `after` are the run's snapshots on either side of the update (after a
    blow-up, `after` is the last finite one and `after.stop_reason` is DIVERGED).
    `batch` holds the indices (into the run's `data.X_train`) of the examples the
    update's gradient averaged over, None for all of them; `batch_cost_before` and
    `batch_cost_after` are the cost on those examples before and after the update.
    `state_before` and `state_after` are the optimizer's state (velocity, moments).
    """

    before: Snapshot
    after: Snapshot
    batch: np.ndarray | None
    batch_cost_before: float
    batch_cost_after: float
    state_before: SolverState
    state_after: SolverState

    @property
    def cost_change(self) -> float:
        """Change of the training cost (negative: it fell)."""
        return self.after.train_cost - self.before.train_cost

    @property
    def coef_change(self) -> np.ndarray:
        """ΔW: how the update moved each weight, shaped like `coef_`."""
        return self.after.coef - self.before.coef

    @property
    def intercept_change(self) -> np.ndarray:
        """Δb: how the update moved each bias."""
        return self.after.intercept - self.before.intercept


def ready_settings() -> Settings:
    """Settings of the ready ten-digit model (see READY_SETTINGS_KW)."""
    return Settings(task=Task.all_digits(), **READY_SETTINGS_KW)


class Run:
    """One training run of the app: settings, split, model and what it remembers of its training.

    `initial_weights=(coef, intercept)` starts from given weights instead of the
    settings' initialisation: from another run's start, or from a loaded model;
    `origin` then says where they came from, and `prior_iterations` how much training
    they had already had (a model file's), and `initial_state` the optimizer state that
    goes with them (a model file's; default a fresh one). `history` holds the learning
    curve and the weights at the iterations a replay shows (see `lrviz.history`).
    """

    def __init__(self, settings: Settings, data: TaskData | None = None,
                 initial_weights: tuple[np.ndarray, np.ndarray] | None = None, origin: str | None = None,
                 prior_iterations: int = 0, initial_state: SolverState | None = None) -> None:
        self.settings = settings
        self.data = data if data is not None else load_task(settings.task, settings.test_size, DEFAULT_SPLIT_SEED)
        self.model = settings.estimator()
        self.history = History()
        self.target = settings.iterations
        self.initial_weights = initial_weights
        self.initial_state = initial_state
        self.origin = origin
        self.prior_iterations = prior_iterations
        self.name: str | None = None  # how the app calls the run, e.g. "run 3"

    @property
    def last(self) -> Snapshot | None:
        """The latest snapshot (None before the run has begun)."""
        return self.history.last

    @property
    def start(self) -> Snapshot | None:
        """The snapshot at iteration 0: the initial weights, exactly."""
        return self.history.first

    @property
    def curve(self) -> Curve:
        """The learning curve so far."""
        return self.history.curve

    @property
    def iteration(self) -> int:
        """Updates made so far."""
        return self.last.iteration if self.last is not None else 0

    @property
    def total_iterations(self) -> int:
        """Updates its weights have had: this run's and those before it (`prior_iterations`)."""
        return self.prior_iterations + self.iteration

    @property
    def status(self) -> RunStatus:
        """Where the run stands (see `RunStatus`)."""
        last = self.last
        if last is None:
            return RunStatus.NEW
        reason = last.stop_reason
        if reason == StopReason.DIVERGED:
            return RunStatus.DIVERGED
        if self.iteration == 0 and self.prior_iterations > 0 and reason is None:
            return RunStatus.LOADED
        if reason == StopReason.TOL or self.iteration >= self.target:
            return RunStatus.FINISHED
        return RunStatus.STOPPED

    @property
    def mini_batches(self) -> MiniBatches | None:
        """The order of the mini-batches the run trains on (`rows(k)`, `per_epoch`); None for full-batch
        training, and before the run has begun (its model then has no state yet)."""
        return None if self.last is None else self.model.mini_batches(len(self.data.X_train))

    @property
    def next_batch(self) -> np.ndarray | None:
        """The examples (indices into `data.X_train`) the next update averages over; None for all of them."""
        batches = self.mini_batches
        return None if batches is None else batches.rows(self.model.optimizer_state_.updates)

    @property
    def updates_per_epoch(self) -> int:
        """Updates in one pass over the training examples: 1 for full-batch training."""
        batches = self.mini_batches
        return 1 if batches is None else batches.per_epoch

    @property
    def divergence(self) -> Divergence | None:
        """Why the run diverged and what to try instead (its `message` explains it), or None."""
        return self.model.divergence_ if self.status == RunStatus.DIVERGED else None

    def extend(self, iterations: int | None = None) -> None:
        """Raise the target by `iterations` (default: the settings' iterations), to train further."""
        self.target = self.iteration + (iterations or self.settings.iterations)

    def begin(self) -> Snapshot:
        """Set the model up at its initial weights (iteration 0) without training, and keep that snapshot."""
        return next(iter(self.advance()))

    def advance(self) -> Iterator[Snapshot]:
        """Train from where the run stands toward its target, yielding (and remembering) each snapshot.

        Stopping the iteration at any snapshot leaves a consistent partial run; calling
        `advance` again goes on from there.
        """
        remaining = self.target - self.iteration
        if remaining <= 0 or self.status == RunStatus.DIVERGED:
            return iter(())
        return self._keep(self._train(remaining, snapshot_every=max(1, self.target // CURVE_POINTS),
                                      snapshot_at=log_spaced(self.target)),
                          set(log_spaced(self.target, REPLAY_POINTS)))

    def step(self) -> Step:
        """Make exactly one update (one mini-batch, or the full batch) and say what it changed.

        A new run is set up at its initial weights first. The update is kept in the run's
        history like any other; at or beyond the target it raises the target by one, so
        the run stays finished. ValueError for a run that diverged.
        """
        if self.status == RunStatus.DIVERGED:
            raise ValueError("This run diverged: it cannot take another step. Start a new run with a smaller "
                             "learning rate.")
        before = self.last if self.last is not None else self.begin()
        state_before = self.model.optimizer_state_.copy()
        batch = self.next_batch
        X, y = (self.data.X_train, self.data.y_train) if batch is None else (
            self.data.X_train[batch], self.data.y_train[batch])
        batch_cost_before = self.model.cost(X, y)
        if self.iteration >= self.target:
            self.target = self.iteration + 1
        *_, after = self._keep(self._train(1), set(log_spaced(self.target, REPLAY_POINTS)))
        return Step(before, after, batch, batch_cost_before, self.model.cost(X, y), state_before,
                    self.model.optimizer_state_.copy())

    def _train(self, n_iter: int, **snapshots) -> Iterator[Snapshot]:
        """The model's training loop for `n_iter` more updates, from where the run stands."""
        resume = self.last is not None
        fresh = resume or self.initial_weights is None
        coef_init, intercept_init = (None, None) if fresh else self.initial_weights
        return self.model.train(
            self.data.X_train, self.data.y_train, eval_set=(self.data.X_test, self.data.y_test), resume=resume,
            n_iter=n_iter, coef_init=coef_init, intercept_init=intercept_init,
            optimizer_state=None if resume else self.initial_state, **snapshots,
        )

    def _keep(self, steps: Iterator[Snapshot], keep_weights_at: set[int]) -> Iterator[Snapshot]:
        for snapshot in steps:
            self.history.keep(snapshot, keep_weights_at)
            yield snapshot

    @property
    def label(self) -> str:
        """The run's settings, how many of the user's drawings it trains on, and where its weights
        came from if not from them."""
        drawings = self.data.extras_used.size
        return (self.settings.label + (f" · +{drawings} drawing{'s' * (drawings != 1)}" if drawings else "")
                + (f" · {self.origin}" if self.origin else ""))

    def summary(self) -> dict:
        """The run's outcome as one row of a comparison table."""
        last = self.last
        return {"run": self.label, "iterations": last.iteration if last else 0, "status": self.status,
                "train accuracy": last.train_accuracy if last else None,
                "test accuracy": last.test_accuracy if last else None,
                "train cost": last.train_cost if last else None, "test cost": last.test_cost if last else None}

    def replay_points(self) -> list[int]:
        """Iterations a replay can show: those whose weights the run kept (log-spaced, the start too)."""
        return self.history.weight_iterations

    def weights_at(self, iteration: int) -> tuple[np.ndarray, np.ndarray]:
        """(coef, intercept) at one of `replay_points`."""
        return self.history.weights_at(iteration)

    def predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """(class index predicted, probability of that class) for every test example."""
        proba = self.model.predict_proba(self.data.X_test)
        index = proba.argmax(axis=1)
        return index, proba[np.arange(len(index)), index]

    def misread(self, limit: int | None = None) -> np.ndarray:
        """Indices of the test examples the model gets wrong, the most confident mistakes first."""
        predicted, confidence = self.predictions()
        wrong = np.flatnonzero(predicted != self.data.y_test)
        return wrong[np.argsort(-confidence[wrong], kind="stable")][:limit]

    @property
    def peak_cost(self) -> float:
        """The highest training cost the run has met (the blow-up, for a run that diverged)."""
        history = self.model.cost_history_ if self.last is not None else []
        return max(max(history, default=-np.inf), self.last.train_cost if self.last else -np.inf)

    @property
    def nbytes(self) -> int:
        """About how much memory the run holds of its own (its data split is shared; see `task_data`)."""
        model = sum(getattr(self.model, name).nbytes for name in ("coef_", "intercept_", "cost_history_")
                    if hasattr(self.model, name))
        return self.history.nbytes + model


def solver_runs(base: Settings, learning_rates: Mapping[str, float | None], *, start: Run | None = None,
                data: TaskData | None = None, newton_iterations: int = NEWTON_ITERATIONS) -> list[Run]:
    """New runs that differ from `base` in their solver only, for a comparison: one per solver of
    `learning_rates` (solver name -> its learning rate; Newton's method needs none).

    All of them start from the same weights and meet the same mini-batches: those of `base`
    (its initialisation and seed), or the initial weights of `start` (a run of the same task
    and test share, whose `start` they all take). Newton's method makes at most
    `newton_iterations` updates. ValueError for an unknown solver or a run of another task.
    """
    if not learning_rates:
        raise ValueError("Pick at least one solver to compare.")
    unknown = [name for name in learning_rates if name not in set(Solver)]
    if unknown:
        raise ValueError(f"{str(unknown[0])[:20]!r} is not a solver; the solvers are "
                         f"{', '.join(map(str, Solver))}.")
    weights, origin = None, None
    if start is not None:
        if start.start is None:
            raise ValueError("That run has not begun: it has no initial weights to start from.")
        if (start.settings.task, start.settings.test_size) != (base.task, base.test_size):
            raise ValueError(f"That run is of another task or test share ({start.settings.task.name}); runs compared "
                             "from its start must have its data.")
        weights, origin = (start.start.coef, start.start.intercept), f"from the start of {start.name or 'a run'}"
    data = data if data is not None else (start.data if start is not None else None)
    runs = []
    for solver, learning_rate in learning_rates.items():
        changes = {"solver": solver}
        if learning_rate is not None:
            changes["learning_rate"] = learning_rate
        if solver == Solver.NEWTON:
            changes["iterations"] = min(base.iterations, newton_iterations)
        run = Run(replace(base, **changes), data, initial_weights=weights, origin=origin)
        data = run.data  # one split for all
        runs.append(run)
    return runs


def log_spaced(n: int, count: int = 40) -> list[int]:
    """About `count` distinct iteration numbers from 1 to n, evenly spaced on a log scale."""
    if n < 1:
        return []
    return sorted({int(round(v)) for v in np.geomspace(1, n, count)})
