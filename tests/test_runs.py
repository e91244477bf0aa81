"""Runs: stop and continue, one step, what a run remembers."""

from dataclasses import replace

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.divergence import DivergenceKind
from lrviz.runs import NEWTON_ITERATIONS, Run, RunStatus, log_spaced, solver_runs
from lrviz.settings import Settings
from lrviz.training import StopReason


def test_a_run_trains_to_its_target_and_keeps_snapshots():
    run = Run(Settings(iterations=300))
    assert run.status is RunStatus.NEW and run.last is None
    snapshots = list(run.advance())
    assert run.status is RunStatus.FINISHED and run.iteration == 300
    assert snapshots[-1].stop_reason is StopReason.MAX_ITER
    iterations = list(run.curve.iterations)
    assert iterations == [s.iteration for s in snapshots]
    assert iterations == sorted(set(iterations)) and iterations[0] == 0 and iterations[-1] == 300
    assert list(run.curve.train_cost) == [s.train_cost for s in snapshots]
    assert {1, 2, 3}.issubset(iterations)  # log-spaced: the fast start is seen
    assert run.last.test_accuracy == 1.0
    assert list(run.advance()) == []  # nothing left to do


def test_stop_then_continue_matches_an_uninterrupted_run():
    whole = Run(Settings(iterations=400))
    list(whole.advance())
    run = Run(Settings(iterations=400))
    for snapshot in run.advance():
        if snapshot.iteration >= 150:
            break
    assert run.status == "stopped" and run.iteration == snapshot.iteration
    list(run.advance())
    assert run.status == "finished" and run.iteration == 400
    np.testing.assert_array_equal(run.model.coef_, whole.model.coef_)
    assert list(run.curve.iterations) == list(whole.curve.iterations)
    np.testing.assert_array_equal(run.curve.test_cost, whole.curve.test_cost)
    assert run.replay_points() == whole.replay_points()


def test_continue_after_finishing_trains_another_round():
    run = Run(Settings(iterations=100))
    list(run.advance())
    cost = run.last.train_cost
    run.extend()
    assert run.status is RunStatus.STOPPED and run.target == 200  # short of its new target
    list(run.advance())
    assert run.iteration == 200 and run.last.train_cost < cost


def test_a_diverged_run_does_not_go_on():
    with pytest.warns(Warning, match="diverged"):
        run = Run(Settings(learning_rate=10.0, l2=10.0, iterations=500))
        list(run.advance())
    assert run.status is RunStatus.DIVERGED and run.iteration < 500
    assert list(run.advance()) == []
    assert run.peak_cost == max(run.model.cost_history_.max(), run.last.train_cost) > 1e3
    assert run.divergence.kind is DivergenceKind.RISING and "try 1 or smaller" in run.divergence.message
    with pytest.raises(ValueError, match="This run diverged"):
        run.step()


def test_predictions_on_the_test_set():
    run = Run(Settings(task=Task.parse("38v5"), iterations=200))
    list(run.advance())
    index, confidence = run.predictions()
    assert index.shape == run.data.y_test.shape
    assert ((confidence >= 0.5) & (confidence <= 1)).all()
    assert np.mean(index == run.data.y_test) == pytest.approx(run.last.test_accuracy)
    wrong = run.misread()
    assert sorted(wrong) == list(np.flatnonzero(index != run.data.y_test)) and len(wrong) > 0
    assert list(confidence[wrong]) == sorted(confidence[wrong], reverse=True)
    assert list(run.misread(limit=3)) == list(wrong[:3])


def test_log_spaced():
    points = log_spaced(1000, 20)
    assert points[0] == 1 and points[-1] == 1000 and points == sorted(set(points))
    assert log_spaced(0) == []


def test_replay_points_are_kept_weights_spread_on_a_log_scale():
    run = Run(Settings(iterations=1000))
    snapshots = {s.iteration: s for s in run.advance()}
    points = run.replay_points()
    assert set(points) <= set(snapshots) and points[0] == 0 and points[-1] == 1000
    assert points[:4] == [0, 1, 2, 3]  # dense at the start, where the weights change fastest
    assert 30 <= len(points) <= 45
    gaps = np.diff(points)
    assert gaps[-1] > 10 * gaps[1]
    coef, intercept = run.weights_at(points[5])
    np.testing.assert_allclose(coef, snapshots[points[5]].coef, rtol=1e-6)  # kept as float32
    np.testing.assert_array_equal(run.weights_at(0)[0], snapshots[0].coef)  # the start exactly
    np.testing.assert_array_equal(run.weights_at(1000)[0], run.model.coef_)  # the last exactly
    with pytest.raises(ValueError, match="kept no weights at iteration 7777"):
        run.weights_at(7777)


def test_a_ten_digit_run_stays_small():
    run = Run(Settings(task=Task.all_digits(), learning_rate=1.0, iterations=2000))
    list(run.advance())
    assert len(run.curve) > 100 and run.nbytes < 200_000  # every snapshot's weights would take 0.7 MB


def test_summary_and_label():
    run = Run(Settings(iterations=20), origin="from the start of run 1")
    assert run.summary()["iterations"] == 0 and run.summary()["test accuracy"] is None
    list(run.advance())
    row = run.summary()
    assert row["iterations"] == 20 and row["status"] == "finished" and 0 <= row["test accuracy"] <= 1
    assert row["run"] == run.label == "0 vs 1 · lr 0.05 · 20 it · L2 0 · zeros · test 0.2 · from the start of run 1"


def test_begin_sets_the_model_up_without_training():
    weights = (np.full((1, 64), 0.1), np.array([-0.5]))
    run = Run(Settings(iterations=30), initial_weights=weights)
    first = run.begin()
    assert first.iteration == 0 and run.iteration == 0 and run.status == "stopped"
    np.testing.assert_array_equal(run.model.coef_, weights[0])
    np.testing.assert_array_equal(first.intercept, weights[1])
    list(run.advance())
    assert run.iteration == 30


@pytest.mark.parametrize("solver, batch_size", [("gd", None), ("momentum", 16), ("adam", 16), ("newton", None)])
def test_steps_then_training_on_equal_an_uninterrupted_run(solver, batch_size):
    settings = Settings(task=Task.parse("38v5"), solver=solver, batch_size=batch_size, learning_rate=0.1,
                        iterations=12)
    whole = Run(settings)
    list(whole.advance())
    run = Run(settings)
    steps = [run.step() for _ in range(3)]
    assert [(s.before.iteration, s.after.iteration) for s in steps] == [(0, 1), (1, 2), (2, 3)]
    assert run.status is RunStatus.STOPPED and run.iteration == 3 and len(run.model.cost_history_) == 3
    assert list(run.curve.iterations) == [0, 1, 2, 3]
    list(run.advance())
    assert run.status is RunStatus.FINISHED and run.iteration == 12
    np.testing.assert_array_equal(run.model.coef_, whole.model.coef_)
    np.testing.assert_array_equal(run.model.cost_history_, whole.model.cost_history_)


def test_a_step_says_what_it_changed():
    run = Run(Settings(task=Task.parse("2vrest"), learning_rate=0.5, batch_size=32, iterations=100, seed=4))
    list(run.advance())
    step = run.step()
    assert run.target == 101 and run.status is RunStatus.FINISHED  # a finished run stays finished
    assert step.before.iteration == 100 and step.after is run.last and step.after.iteration == 101
    assert step.cost_change == step.after.train_cost - step.before.train_cost
    np.testing.assert_array_equal(step.coef_change, run.model.coef_ - step.before.coef)
    np.testing.assert_array_equal(step.intercept_change, run.model.intercept_ - step.before.intercept)
    # one mini-batch: 32 distinct training examples, the 101st batch of the seeded order
    assert len(step.batch) == 32 == len(set(step.batch.tolist()))
    np.testing.assert_array_equal(step.batch, run.model.mini_batches(len(run.data.X_train)).rows(100))
    assert step.state_before.updates == 100 and step.state_after.updates == 101
    # the update is the gradient of that batch's cost: it lowers that cost, and agrees with the snapshot
    assert step.batch_cost_after < step.batch_cost_before == pytest.approx(step.before.batch_cost)
    X, y = run.data.X_train[step.batch], run.data.y_train[step.batch]
    assert step.batch_cost_after == pytest.approx(run.model.cost(X, y))


def test_a_step_of_a_new_run_starts_it_and_of_full_batch_gd_is_the_gradient_step():
    run = Run(Settings(learning_rate=0.5, iterations=10))
    step = run.step()
    assert step.batch is None and step.before.iteration == 0 and run.iteration == 1
    assert step.batch_cost_before == step.before.train_cost and step.batch_cost_after == step.after.train_cost
    assert step.after.train_cost < step.before.train_cost
    # from zero weights the first gradient is X^T (1/2 - y) / m, so the step is -0.5 times it
    X, y = run.data.X_train, run.data.y_train
    np.testing.assert_allclose(step.coef_change[0], -0.5 * X.T @ (0.5 - y) / len(y), atol=1e-12)


def test_a_run_knows_its_mini_batches():
    full = Run(Settings(iterations=3))
    assert full.mini_batches is None and full.updates_per_epoch == 1  # not begun yet
    full.begin()
    assert full.mini_batches is None and full.next_batch is None and full.updates_per_epoch == 1
    run = Run(Settings(batch_size=100, iterations=3))
    run.begin()
    m = len(run.data.X_train)
    assert run.updates_per_epoch == -(-m // 100) == 3
    first = run.next_batch
    assert len(first) == 100
    step = run.step()
    np.testing.assert_array_equal(step.batch, first)
    assert not np.array_equal(run.next_batch, first)  # the next update takes the next batch
    newton = Run(Settings(solver="newton", batch_size=100, iterations=3))
    newton.begin()
    assert newton.mini_batches is None  # Newton's method always takes the full batch


def test_solver_runs_start_from_the_same_weights_and_batches():
    base = Settings(task=Task.parse("2vrest"), init="random", seed=4, batch_size=64, iterations=200, l2=0.01)
    runs = solver_runs(base, {"gd": 1.0, "momentum": 0.1, "adam": 0.01, "newton": None})
    assert [run.settings.solver for run in runs] == ["gd", "momentum", "adam", "newton"]
    assert [run.settings.learning_rate for run in runs] == [1.0, 0.1, 0.01, base.learning_rate]
    assert [run.settings.iterations for run in runs] == [200, 200, 200, NEWTON_ITERATIONS]
    assert all(run.data is runs[0].data for run in runs)  # one split
    for run in runs:
        run.begin()
        np.testing.assert_array_equal(run.start.coef, runs[0].start.coef)
        assert run.settings.l2 == 0.01 and run.settings.seed == 4
    np.testing.assert_array_equal(runs[1].next_batch, runs[0].next_batch)  # the same mini-batches too
    assert runs[0].start.coef.std() > 0  # random weights, the same for all


def test_solver_runs_from_the_start_of_another_run():
    earlier = Run(Settings(init="random", seed=1, iterations=10))
    earlier.name = "run 3"
    list(earlier.advance())
    runs = solver_runs(replace(earlier.settings, seed=2), {"adam": 0.01, "gd": 0.5}, start=earlier)
    for run in runs:
        list(run.advance())
        np.testing.assert_array_equal(run.start.coef, earlier.start.coef)
        assert run.label.endswith("from the start of run 3") and run.data is earlier.data
    with pytest.raises(ValueError, match="another task"):
        solver_runs(Settings(task=Task.all_digits()), {"gd": 1.0}, start=earlier)
    with pytest.raises(ValueError, match="'sgd' is not a solver"):
        solver_runs(Settings(), {"sgd": 1.0})
    with pytest.raises(ValueError, match="at least one solver"):
        solver_runs(Settings(), {})
