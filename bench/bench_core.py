"""How fast is the core's training loop? Run: python bench/bench_core.py [--repeats N]

On all 1797 digits / 16, 2 vs rest, 1000 iterations, it alternates in one process:
  bare      the tutorial's vectorised NumPy loop (sigmoid, cost from the activations,
            gradient, update), nothing else;
  estimator LogisticRegressionGD.fit, with validation and the cost history;
  snapshots LogisticRegressionGD.train with a snapshot (test cost and accuracy, a copy
            of the weights) every 50 iterations, on one BLAS thread as `fit` and the
            app run it.
It prints the median time of each and the median of the per-round ratios: the estimator
must be no slower than the bare loop (ratio <= 1.0), and snapshots every 50 iterations
may add at most 10 % (ratio <= 1.10). Timings on a shared machine drift, so the ratios
are taken within each round, not across runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrviz import LogisticRegressionGD  # noqa: E402
from lrviz.data import load_digits_dataset  # noqa: E402

ITERATIONS = 1000
LEARNING_RATE = 0.05


def tutorial_loop(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The NumPy tutorial's training loop, as written there: features x examples."""
    X, Y = X.T, y.reshape(1, -1)
    m = X.shape[1]
    w, b = np.zeros((X.shape[0], 1)), 0.0
    costs = []
    for _ in range(ITERATIONS):
        A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
        cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
        dw = 1 / m * np.dot(X, (A - Y).T)
        db = 1 / m * np.sum(A - Y)
        w = w - LEARNING_RATE * dw
        b = b - LEARNING_RATE * db
        costs.append(cost)
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="rounds of the three contenders")
    args = parser.parse_args()

    digits = load_digits_dataset()
    X, y = digits.X, (digits.y == 2).astype(float)
    X_test, y_test = X[::5], y[::5]

    def estimator() -> None:
        LogisticRegressionGD(learning_rate=LEARNING_RATE, max_iter=ITERATIONS).fit(X, y)

    def snapshots() -> None:
        model = LogisticRegressionGD(learning_rate=LEARNING_RATE, max_iter=ITERATIONS)
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in model.train(X, y, eval_set=(X_test, y_test), snapshot_every=50):
                pass

    contenders = {"bare": lambda: tutorial_loop(X, y), "estimator": estimator, "snapshots": snapshots}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for run in contenders.values():  # warm-up
        run()
    for _ in range(args.repeats):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))

    print(f"1797 x 64, 2 vs rest, {ITERATIONS} iterations, {args.repeats} rounds (median seconds):")
    for name in contenders:
        print(f"  {name:10s} {statistics.median(times[name]):.4f} s")
    print(f"estimator / bare loop:           {ratio('estimator', 'bare'):.2f}  (must be <= 1.0, aim 0.5)")
    print(f"snapshots every 50 / no snapshot: {ratio('snapshots', 'estimator'):.2f}  (must be <= 1.10)")


if __name__ == "__main__":
    main()
