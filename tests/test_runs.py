"""Runs (settings, stop and continue) and the live-view frame pacer."""

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.live import FramePacer
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
    assert snapshots == run.snapshots
    iterations = [s.iteration for s in run.snapshots]
    assert iterations == sorted(set(iterations)) and iterations[0] == 0 and iterations[-1] == 300
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
    assert [s.iteration for s in run.snapshots] == [s.iteration for s in whole.snapshots]


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


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept += seconds
        self.now += seconds


def test_pacer_spreads_a_fast_run_over_the_minimum_duration():
    t = FakeTime()
    pacer = FramePacer(0, 1000, min_duration=1.5, min_interval=0.12, clock=t.clock, sleep=t.sleep)
    frames = 0
    for iteration in range(0, 1001, 5):  # training itself takes no time here
        t.now += 0.0001
        if pacer.should_draw(iteration):
            pacer.drew(0.01)
            frames += 1
    assert t.now == pytest.approx(1.5, abs=0.05)
    assert 10 <= frames <= 13


def test_pacer_never_slows_a_long_run_and_bounds_drawing():
    t = FakeTime()
    pacer = FramePacer(0, 20_000, min_duration=1.5, min_interval=0.12, clock=t.clock, sleep=t.sleep)
    drawing = 0.0
    for iteration in range(0, 20_001, 100):
        t.now += 0.05  # 100 iterations take 50 ms: 10 s of training in all
        if pacer.should_draw(iteration):
            pacer.drew(0.04)
            t.now += 0.04
            drawing += 0.04
    assert t.slept == 0
    assert drawing / 10.0 < 0.15
    assert pacer.interval >= 0.2 * 9  # frames space out as the run goes on


def test_pacer_interval_follows_slow_drawing_unless_the_run_is_held_back():
    t = FakeTime()
    pacer = FramePacer(0, 100, min_duration=1.5, min_interval=0.12, clock=t.clock, sleep=t.sleep)
    assert pacer.should_draw(50)  # ahead of schedule: it waits 0.75 s first
    assert t.slept == pytest.approx(0.75)
    pacer.drew(0.3)
    assert pacer.interval == pytest.approx(0.12)  # held back: drawing costs the run nothing
    t.now = 10.0
    assert pacer.should_draw(60)  # behind schedule: no waiting
    pacer.drew(0.3)
    assert pacer.interval == pytest.approx(2.0)  # a fifth of the 10 s elapsed
    t.now = 10.5
    pacer.drew(1.5)
    assert pacer.interval == pytest.approx(3.0)  # twice a slow frame


def test_replay_points_are_kept_snapshots_spread_on_a_log_scale():
    run = Run(Settings(iterations=1000))
    list(run.advance())
    points = run.replay_points(count=20)
    kept = {s.iteration for s in run.snapshots}
    assert set(points) <= kept and points[0] == 0 and points[-1] == 1000
    assert points[:4] == [0, 1, 2, 3]  # dense at the start, where the weights change fastest
    gaps = np.diff(points)
    assert gaps[-1] > 10 * gaps[1]
    assert run.snapshot_at(points[5]).iteration == points[5]
    with pytest.raises(ValueError, match="no snapshot at iteration 7777"):
        run.snapshot_at(7777)


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
