"""What a run remembers of its training, compactly: the learning curve and a few weight maps.

A run yields a snapshot (weights, costs, accuracies) a few hundred times. Keeping every
snapshot's weights costs about 1.3 MB for a ten-digit run, and a class of students makes
many runs, so a `History` keeps:
- the learning curve: iteration, train and test cost and accuracy, the cost of the
  mini-batch the next update uses and the training time of every snapshot, in growable
  NumPy arrays (seven numbers a point);
- the weights at the start (iteration 0, exactly: a new run can start from them) and at
  the log-spaced iterations a replay shows (as float32: a picture needs no more);
- the latest snapshot whole.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from lrviz.model import Snapshot

#: The curve's columns, in the order of `Curve.columns`.
CURVE_COLUMNS = ("iteration", "train_cost", "test_cost", "train_accuracy", "test_accuracy", "batch_cost", "seconds")
#: The trend of a noisy cost averages over about this share of the iterations made so far (see `moving_average`).
TREND_SHARE = 0.1


def moving_average(values: np.ndarray, iterations: np.ndarray, share: float = TREND_SHARE) -> np.ndarray:
    """The trend of a noisy series measured at `iterations`: an exponential moving average whose memory grows
    with training, so that it keeps close behind the fast fall of the first iterations and is smooth where
    training has slowed down.

    t_0 = v_0 and t_i = t_(i-1) + w_i (v_i - t_(i-1)), with w_i = 1 - exp(-(x_i - x_(i-1)) / τ_i) and
    τ_i = max(1, share · x_i): each point weighs about the last `share` of the iterations x made so far,
    however unevenly the points are spaced. NaN values are skipped (the trend holds its last value there).
    """
    if not share > 0:
        raise ValueError(f"share must be positive; got {share}.")
    values = np.asarray(values, dtype=float)
    iterations = np.asarray(iterations, dtype=float)
    if values.shape != iterations.shape:
        raise ValueError(f"values and iterations must have the same shape; got {values.shape} and {iterations.shape}.")
    gaps = np.diff(iterations, prepend=iterations[:1])
    weights = -np.expm1(-gaps / np.maximum(1.0, share * iterations))
    trend = np.empty_like(values)
    level = np.nan
    for i, (value, weight) in enumerate(zip(values.tolist(), weights.tolist(), strict=True)):
        if value == value:  # not NaN
            level = value if level != level else level + weight * (value - level)
        trend[i] = level
    return trend


class Curve:
    """A learning curve: one row per snapshot, growing as training goes on.

    Test cost and accuracy are NaN when a run has no test set; the batch cost and the
    seconds are NaN for snapshots that do not say them.
    """

    def __init__(self) -> None:
        self._rows = np.empty((64, len(CURVE_COLUMNS)))
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def append(self, snapshot: Snapshot) -> None:
        """Add the snapshot's point; a snapshot of the last point's iteration replaces it."""
        if self._length and self._rows[self._length - 1, 0] == snapshot.iteration:
            self._length -= 1
        if self._length == len(self._rows):
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[self._length] = [snapshot.iteration, snapshot.train_cost, _or_nan(snapshot.test_cost),
                                    snapshot.train_accuracy, _or_nan(snapshot.test_accuracy),
                                    _or_nan(snapshot.batch_cost), _or_nan(snapshot.seconds)]
        self._length += 1

    def _column(self, name: str) -> np.ndarray:
        column = self._rows[: self._length, CURVE_COLUMNS.index(name)]
        column.flags.writeable = False
        return column

    @property
    def iterations(self) -> np.ndarray:
        return self._column("iteration").astype(int)

    @property
    def train_cost(self) -> np.ndarray:
        return self._column("train_cost")

    @property
    def test_cost(self) -> np.ndarray:
        return self._column("test_cost")

    @property
    def train_accuracy(self) -> np.ndarray:
        return self._column("train_accuracy")

    @property
    def test_accuracy(self) -> np.ndarray:
        return self._column("test_accuracy")

    @property
    def batch_cost(self) -> np.ndarray:
        """The cost of the mini-batch the next update uses (for full-batch training, the train cost)."""
        return self._column("batch_cost")

    @property
    def batch_cost_trend(self) -> np.ndarray:
        """The trend of the noisy mini-batch cost: its exponential moving average (`moving_average`)."""
        return moving_average(self.batch_cost, self._column("iteration"))

    @property
    def seconds(self) -> np.ndarray:
        """The time training took to reach each point (`Snapshot.seconds`), for curves against time."""
        return self._column("seconds")

    @property
    def has_test(self) -> bool:
        """Whether the points have a test cost (a run trained with a test set)."""
        return bool(self._length) and not np.isnan(self._rows[0, 2])

    def upto(self, iteration: int) -> Curve:
        """The curve up to and including `iteration` (for a replay)."""
        part = Curve()
        count = int(np.searchsorted(self._rows[: self._length, 0], iteration, side="right"))
        part._rows, part._length = self._rows[:count].copy(), count
        return part

    def sample(self, max_points: int) -> Curve:
        """At most `max_points` of the curve's points, spread evenly over them, the first and the last
        included (a table of the curve a person can read, or a screen reader read out)."""
        if max_points < 2:
            raise ValueError(f"max_points must be at least 2 (the first and the last point); got {max_points}.")
        keep = np.unique(np.linspace(0, self._length - 1, min(max_points, self._length)).round().astype(int))
        part = Curve()
        part._rows, part._length = self._rows[keep].copy(), len(keep)
        return part

    def to_csv(self) -> str:
        """Every point of the curve as CSV text, one row a point, headed by `CURVE_COLUMNS` (empty
        fields where a value is NaN: no test set, or no mini-batch cost)."""
        lines = [",".join(CURVE_COLUMNS)]
        for row in self._rows[: self._length].tolist():
            iteration, *rest = row
            lines.append(",".join([str(int(iteration))] + ["" if v != v else repr(v) for v in rest]))
        return "\n".join(lines) + "\n"

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes


class History:
    """A run's memory of its training: the curve, the weights at chosen iterations, the last snapshot.

    `keep_weights_at` names the iterations whose weights are kept (the start, iteration 0,
    always is, exactly); the others are kept in float32.
    """

    def __init__(self) -> None:
        self.curve = Curve()
        self.last: Snapshot | None = None
        self.first: Snapshot | None = None
        self._weights: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def keep(self, snapshot: Snapshot, keep_weights_at: Collection[int] = ()) -> None:
        """Remember a snapshot: its point on the curve, and its weights if its iteration is wanted."""
        self.curve.append(snapshot)
        self.last = snapshot
        if self.first is None:
            self.first = snapshot
        elif snapshot.iteration in keep_weights_at:
            coef, intercept = snapshot.coef.astype(np.float32), snapshot.intercept.astype(np.float32)
            coef.flags.writeable = intercept.flags.writeable = False
            self._weights[snapshot.iteration] = (coef, intercept)

    @property
    def weight_iterations(self) -> list[int]:
        """Iterations whose weights are kept, in order (the start and the last included)."""
        kept = set(self._weights)
        kept.update(s.iteration for s in (self.first, self.last) if s is not None)
        return sorted(kept)

    def weights_at(self, iteration: int) -> tuple[np.ndarray, np.ndarray]:
        """(coef, intercept) kept at `iteration`; ValueError if they were not kept."""
        for snapshot in (self.last, self.first):
            if snapshot is not None and snapshot.iteration == iteration:
                return snapshot.coef, snapshot.intercept
        if iteration not in self._weights:
            raise ValueError(f"This run kept no weights at iteration {iteration}; it kept them at "
                             f"{self.weight_iterations[:8]}….")
        return self._weights[iteration]

    @property
    def nbytes(self) -> int:
        """About how much memory the history holds (for memory budgets)."""
        snapshots = sum(s.coef.nbytes + s.intercept.nbytes for s in (self.first, self.last) if s is not None)
        return self.curve.nbytes + snapshots + sum(c.nbytes + i.nbytes for c, i in self._weights.values())


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else value
