"""A training run: the settings a user chose, the data split, the model, and what it saw.

The app keeps `Run` objects in its session so that a trained model, its history and
its settings survive reruns and page changes. `Run.advance` is the only way a run
trains: it drives `LogisticRegressionGD.train` toward the run's target, remembers its
snapshots compactly (`lrviz.history`), and can be abandoned at any snapshot and called
again to go on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from lrviz.data import DEFAULT_SPLIT_SEED, DEFAULT_TEST_SIZE, Task, TaskData, load_task
from lrviz.history import Curve, History
from lrviz.model import INITS, LogisticRegressionGD, Snapshot

#: Ranges the app offers; a link or file with values outside them is not trusted.
LEARNING_RATE_RANGE = (1e-4, 10.0)
ITERATIONS_RANGE = (1, 50_000)
L2_RANGE = (0.0, 10.0)
SEED_RANGE = (0, 2**31 - 1)
TEST_SIZE_RANGE = (0.05, 0.5)
#: The ready model a first-time visitor can draw for at once: all ten digits, trained to
#: 96 % test accuracy in two to three seconds, in the background while the app starts.
READY_SETTINGS_KW = dict(learning_rate=1.0, iterations=2000)
#: Points a learning curve gets: snapshots every target / CURVE_POINTS iterations, plus
#: log-spaced ones so that the fast change of the first iterations is seen.
CURVE_POINTS = 100
#: Weight maps a run keeps for a replay, log-spaced (see `lrviz.history`).
REPLAY_POINTS = 40


@dataclass(frozen=True)
class Settings:
    """Everything that defines a run. Validated on creation: bad values raise ValueError."""

    task: Task = field(default_factory=lambda: Task.versus([0], [1]))
    learning_rate: float = 0.05
    iterations: int = 1000
    l2: float = 0.0
    init: str = "zeros"
    seed: int = 0
    test_size: float = DEFAULT_TEST_SIZE

    def __post_init__(self) -> None:
        _check_range("learning rate", self.learning_rate, LEARNING_RATE_RANGE)
        _check_range("iterations", self.iterations, ITERATIONS_RANGE, integer=True)
        _check_range("L2 strength", self.l2, L2_RANGE)
        _check_range("seed", self.seed, SEED_RANGE, integer=True)
        _check_range("test share", self.test_size, TEST_SIZE_RANGE)
        if self.init not in INITS:
            raise ValueError(f"Initialisation must be {' or '.join(map(repr, INITS))}; got {str(self.init)[:20]!r}.")
        if not isinstance(self.task, Task):
            raise ValueError(f"task must be a Task; got {type(self.task).__name__}.")

    @property
    def label(self) -> str:
        """A short human-readable summary, e.g. "0 vs 1 · lr 0.05 · 1000 it · L2 0 · zeros"."""
        init = "zeros" if self.init == "zeros" else f"random (seed {self.seed})"
        return (f"{self.task.name} · lr {self.learning_rate:g} · {self.iterations} it · "
                f"L2 {self.l2:g} · {init} · test {self.test_size:g}")

    def estimator(self) -> LogisticRegressionGD:
        """A fresh, untrained estimator with these hyperparameters."""
        return LogisticRegressionGD(learning_rate=self.learning_rate, max_iter=self.iterations, l2=self.l2,
                                    init=self.init, random_state=self.seed)


def ready_settings() -> Settings:
    """Settings of the ready ten-digit model (see READY_SETTINGS_KW)."""
    return Settings(task=Task.all_digits(), **READY_SETTINGS_KW)


def is_finite_number(value: float) -> bool:
    """Whether a number from outside (a link, a file) is finite; an int too large for a float
    is not (`math.isfinite` would raise OverflowError for it)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _check_range(name: str, value, bounds: tuple, integer: bool = False) -> None:
    kind = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    low, high = bounds
    shown = (lambda v: str(v)) if integer else (lambda v: f"{v:g}")
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "a whole number" if integer else "a number"
        raise ValueError(f"The {name} must be {what}; got {str(value)[:20]!r}.")
    if not is_finite_number(value):
        if isinstance(value, int):  # finite, but beyond the range of floats
            raise ValueError(f"The {name} must be between {shown(low)} and {shown(high)}; got a number of "
                             f"{len(str(abs(value)))} digits.")
        raise ValueError(f"The {name} must be a number; got {value!r}.")
    if not low <= value <= high:
        raise ValueError(f"The {name} must be between {shown(low)} and {shown(high)}; got {shown(value)}.")


class Run:
    """One training run of the app: settings, split, model and what it remembers of its training.

    `initial_weights=(coef, intercept)` starts from given weights instead of the
    settings' initialisation: from another run's start, or from a loaded model;
    `origin` then says where they came from, and `prior_iterations` how much training
    they had already had (a model file's). `history` holds the learning curve and the
    weights at the iterations a replay shows (see `lrviz.history`).
    """

    def __init__(self, settings: Settings, data: TaskData | None = None,
                 initial_weights: tuple[np.ndarray, np.ndarray] | None = None, origin: str | None = None,
                 prior_iterations: int = 0) -> None:
        self.settings = settings
        self.data = data if data is not None else load_task(settings.task, settings.test_size, DEFAULT_SPLIT_SEED)
        self.model = settings.estimator()
        self.history = History()
        self.target = settings.iterations
        self.initial_weights = initial_weights
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
    def status(self) -> str:
        """"new" (never trained), "loaded" (weights trained elsewhere, not trained here yet),
        "stopped" (short of its target), "finished" or "diverged"."""
        last = self.last
        if last is None:
            return "new"
        if last.iteration == 0 and self.prior_iterations > 0 and last.stop_reason is None:
            return "loaded"
        return {None: "stopped", "diverged": "diverged"}.get(last.stop_reason, "finished")

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
        if remaining <= 0 or self.status == "diverged":
            return iter(())
        resume = self.last is not None
        coef_init, intercept_init = (None, None) if resume or self.initial_weights is None else self.initial_weights
        replay = log_spaced(self.target, REPLAY_POINTS)
        steps = self.model.train(
            self.data.X_train, self.data.y_train, eval_set=(self.data.X_test, self.data.y_test),
            snapshot_every=max(1, self.target // CURVE_POINTS), snapshot_at=log_spaced(self.target),
            resume=resume, n_iter=remaining, coef_init=coef_init, intercept_init=intercept_init,
        )
        return self._keep(steps, set(replay))

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


def log_spaced(n: int, count: int = 40) -> list[int]:
    """About `count` distinct iteration numbers from 1 to n, evenly spaced on a log scale."""
    if n < 1:
        return []
    return sorted({int(round(v)) for v in np.geomspace(1, n, count)})
