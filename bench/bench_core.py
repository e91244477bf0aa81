"""How fast is the core's training loop? Run: python bench/bench_core.py [--repeats N] [--baseline DIR]

On all 1797 digits / 16, 2 vs rest, 1000 iterations, it alternates in one process:
  bare      the tutorial's vectorised NumPy loop (sigmoid, cost from the activations,
            gradient, update), nothing else;
  estimator LogisticRegressionGD.fit (full-batch gradient descent), with validation and
            the cost history;
  snapshots LogisticRegressionGD.train with a snapshot (test cost and accuracy, a copy
            of the weights) every 50 iterations, on one BLAS thread as `fit` and the
            app run it.
It prints the median time of each and the median of the per-round ratios: the estimator
must be no slower than the bare loop (ratio <= 1.0), and snapshots every 50 iterations
may add at most 10 % (ratio <= 1.10). Timings on a shared machine drift, so the ratios
are taken within each round, not across runs.

Then the time per iteration of every solver, full batch and in mini-batches of 32, on
2 vs rest and on all ten digits (the cost of the whole training set, which every
iteration records, included).

--baseline DIR times full-batch gradient descent against the lrviz of another checkout
(e.g. `git worktree add /tmp/lrviz-main main`, or `git archive main | tar -x -C DIR`):
its `lrviz` package is copied to a temporary folder as `lrviz_baseline` (its imports
rewritten to match) and both estimators are timed in this process, alternating; the
median of the per-round ratios must be <= 1.05.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrviz import LogisticRegressionGD  # noqa: E402
from lrviz.data import load_digits_dataset  # noqa: E402

ITERATIONS = 1000
LEARNING_RATE = 0.05
#: Solver settings timed per iteration, and the iterations each is timed over (Newton's are slow and few).
SOLVERS = {
    "gd": (dict(solver="gd", learning_rate=0.5), 300),
    "momentum": (dict(solver="momentum", learning_rate=0.05), 300),
    "adam": (dict(solver="adam", learning_rate=0.01), 300),
    "newton": (dict(solver="newton"), 10),
    "gd, batch 32": (dict(solver="gd", learning_rate=0.5, batch_size=32), 300),
    "momentum, batch 32": (dict(solver="momentum", learning_rate=0.05, batch_size=32), 300),
    "adam, batch 32": (dict(solver="adam", learning_rate=0.01, batch_size=32), 300),
}


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


def alternate(contenders: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Seconds of each contender, once per round, in turn (in reverse order every other round,
    so that none always comes first); after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for run in contenders.values():
        run()
    for round_ in range(repeats):
        for name, run in list(contenders.items())[:: -1 if round_ % 2 else 1]:
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def ratio(times: dict[str, list[float]], a: str, b: str) -> float:
    """The median over rounds of a's time over b's."""
    return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))


def load_baseline(checkout: Path, folder: Path):
    """`LogisticRegressionGD` of the lrviz in another checkout, imported as the package `lrviz_baseline`."""
    target = folder / "lrviz_baseline"
    shutil.copytree(checkout / "lrviz", target)
    for module in target.glob("*.py"):
        text = module.read_text()
        module.write_text(re.sub(r"\b(from|import) lrviz\b", r"\1 lrviz_baseline", text))
    sys.path.insert(0, str(folder))
    return importlib.import_module("lrviz_baseline").LogisticRegressionGD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="rounds of the three contenders")
    parser.add_argument("--baseline", type=Path, help="another checkout of lrviz to compare gradient descent with")
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

    times = alternate({"bare": lambda: tutorial_loop(X, y), "estimator": estimator, "snapshots": snapshots},
                      args.repeats)
    print(f"1797 x 64, 2 vs rest, {ITERATIONS} iterations, {args.repeats} rounds (median seconds):")
    for name, seconds in times.items():
        print(f"  {name:10s} {statistics.median(seconds):.4f} s")
    print(f"estimator / bare loop:           {ratio(times, 'estimator', 'bare'):.2f}  (must be <= 1.0, aim 0.5)")
    print(f"snapshots every 50 / no snapshot: {ratio(times, 'snapshots', 'estimator'):.2f}  (must be <= 1.10)")

    rounds = max(3, args.repeats // 3)
    print(f"\nTime per iteration of each solver ({rounds} rounds, all solvers in turn; median, microseconds):")
    print(f"  {'':20s} {'2 vs rest':>10s} {'all ten':>10s}")
    per_iteration = {}
    for task, labels in (("2 vs rest", y), ("all ten", digits.y)):
        solver_times = alternate({name: lambda p=params, n=n_iter, t=labels: LogisticRegressionGD(
            max_iter=n, random_state=0, **p).fit(X, t) for name, (params, n_iter) in SOLVERS.items()}, rounds)
        for name, seconds in solver_times.items():
            per_iteration[name, task] = 1e6 * statistics.median(seconds) / SOLVERS[name][1]
    for name in SOLVERS:
        print(f"  {name:20s} {per_iteration[name, '2 vs rest']:10.0f} {per_iteration[name, 'all ten']:10.0f}")

    if args.baseline is not None:
        with tempfile.TemporaryDirectory() as folder:
            Baseline = load_baseline(args.baseline.resolve(), Path(folder))
            print(f"\nFull-batch gradient descent against {args.baseline} ({args.repeats * 2} rounds):")
            for task, labels, n_iter in (("2 vs rest", y, ITERATIONS), ("all ten", digits.y, ITERATIONS // 4)):
                compared = alternate({
                    "baseline": lambda t=labels, n=n_iter: Baseline(learning_rate=LEARNING_RATE, max_iter=n).fit(X, t),
                    "this": lambda t=labels, n=n_iter: LogisticRegressionGD(
                        learning_rate=LEARNING_RATE, max_iter=n).fit(X, t),
                }, args.repeats * 2)
                per_iteration = {name: 1e6 * statistics.median(s) / n_iter for name, s in compared.items()}
                print(f"  {task:10s} baseline {per_iteration['baseline']:6.0f} us, this {per_iteration['this']:6.0f} "
                      f"us per iteration; this / baseline {ratio(compared, 'this', 'baseline'):.3f}  (must be <= 1.05)")


if __name__ == "__main__":
    main()
