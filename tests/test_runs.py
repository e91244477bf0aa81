"""Runs: settings, stop and continue, what a run remembers."""

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.runs import Run, Settings, log_spaced


def test_settings_validate_every_value():
    assert Settings().label == "0 vs 1 · lr 0.05 · 1000 it · L2 0 · zeros · test 0.2"
    for bad, message in [
        (dict(learning_rate=0.0), "learning rate must be between 0.0001 and 10"),
        (dict(learning_rate=float("nan")), "learning rate must be a number"),
        (dict(iterations=0), "iterations must be between 1 and 50000"),
        (dict(iterations=2.5), "iterations must be a whole number"),
        (dict(l2=-1.0), "L2 strength must be between 0 and 10"),
        (dict(seed=-3), "seed must be between 0"),
        (dict(test_size=0.9), "test share must be between 0.05 and 0.5"),
        (dict(init="ones"), "Initialisation must be 'zeros' or 'random'"),
        (dict(learning_rate="0.1"), "learning rate must be a number"),
    ]:
        with pytest.raises(ValueError, match=message):
            Settings(**bad)


def test_a_run_trains_to_its_target_and_keeps_snapshots():
    run = Run(Settings(iterations=300))
    assert run.status == "new" and run.last is None
    snapshots = list(run.advance())
    assert run.status == "finished" and run.iteration == 300
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
    assert run.status == "finished" and run.target == 200
    list(run.advance())
    assert run.iteration == 200 and run.last.train_cost < cost


def test_a_diverged_run_does_not_go_on():
    with pytest.warns(Warning, match="diverged"):
        run = Run(Settings(learning_rate=10.0, l2=10.0, iterations=500))
        list(run.advance())
    assert run.status == "diverged" and run.iteration < 500
    assert list(run.advance()) == []
    assert run.peak_cost == max(run.model.cost_history_.max(), run.last.train_cost) > 1e3


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
