"""The live view: when a frame is sent (the pacer) and what it holds (the feed)."""

import numpy as np
import pytest

from lrviz import figures
from lrviz.data import Task
from lrviz.history import Curve
from lrviz.live import MAPS_INTERVAL, PROGRESS_INTERVAL, FramePacer, LiveFeed
from lrviz.runs import Run, Settings


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept += seconds
        self.now += seconds

    def draws(self, pacer, iteration, last=False):
        """Whether the pacer sends a frame at this snapshot, after waiting as the live view does."""
        wait = pacer.frame_wait(iteration, last=last)
        if wait:
            self.sleep(wait)
        return wait is not None


def test_pacer_spreads_a_fast_run_over_the_minimum_duration():
    t = FakeTime()
    pacer = FramePacer(0, 1000, min_duration=1.5, clock=t.clock)
    frames = 0
    for iteration in range(0, 1001, 5):  # training itself takes no time here
        t.now += 0.0001
        pacer.computed(0.0001)
        if t.draws(pacer, iteration):
            pacer.drew(0.001)
            frames += 1
    assert t.now == pytest.approx(1.5, abs=0.05)
    assert 12 <= frames <= 16


def test_a_fast_run_pauses_only_at_its_frames():
    """A thread that sleeps between every two snapshots computes about twice as slowly (cold
    caches): a run ahead of its schedule computes on to its next frame and sleeps only there."""
    t = FakeTime()
    pacer = FramePacer(0, 1000, min_duration=1.5, clock=t.clock)
    sleeps, frames = [], []
    for iteration in range(0, 1001, 10):
        t.now += 0.0005
        wait = pacer.frame_wait(iteration, last=iteration == 1000)
        if wait:
            sleeps.append(wait)
            t.sleep(wait)
        if wait is not None:
            frames.append((iteration, t.now))
            pacer.drew(0.001)
    assert len(sleeps) == len(frames)  # one wait per frame, none between them
    assert 12 <= len(frames) <= 16 and frames[-1][0] == 1000
    assert t.now == pytest.approx(1.5, abs=0.01)  # the last frame comes when the schedule ends
    moments = [moment for _, moment in frames[:-1]]  # (the last one comes when the run ends)
    assert min(np.diff(moments)) >= 0.1 - 1e-9  # frames at least MIN_INTERVAL apart


def test_the_last_snapshot_always_makes_a_frame():
    t = FakeTime()
    pacer = FramePacer(0, 20_000, clock=t.clock)
    t.now = 10.0  # a long run, far behind any minimum duration
    pacer.drew(0.001)
    t.now += 0.01  # just after a frame: the next is not yet due...
    pacer.computed(0.01)
    assert pacer.frame_wait(20_000 - 100) is None
    assert pacer.frame_wait(20_000, last=True) == 0  # ...but the run's last one always is, at once


def test_pacer_never_slows_a_long_run_and_keeps_frames_coming():
    t = FakeTime()
    pacer = FramePacer(0, 20_000, clock=t.clock)
    frames, drawing = [], 0.0
    for iteration in range(0, 20_001, 100):
        t.now += 0.05  # 100 iterations take 50 ms: 10 s of training in all
        pacer.computed(0.05)
        if t.draws(pacer, iteration):
            pacer.drew(0.002)
            t.now += 0.002
            drawing += 0.002
            frames.append(t.now)
    assert t.slept == 0
    assert drawing / 10.0 < 0.05  # cheap frames: drawing adds little to the training time
    gaps = np.diff(frames)
    assert gaps.max() <= 0.3 and len(frames) / t.now >= 4  # at least four frames a second, to the end


def test_a_run_that_waits_for_the_cpu_gets_a_frame_a_second():
    """A class on one server: each run computes a thirtieth of the time, and its frames would cost
    more than its training if they came five times a second."""
    t = FakeTime()
    pacer = FramePacer(0, 1000, clock=t.clock)
    frames = 0
    for iteration in range(0, 1001, 10):
        t.now += 0.15  # waiting for a turn
        pacer.computed(0.005)
        if t.draws(pacer, iteration):
            pacer.drew(0.002)
            frames += 1
    assert t.slept == 0 and t.now == pytest.approx(15.15)
    assert 10 <= frames <= 16  # about one a second (and one for every 0.05 s of its own computing)


def test_slow_drawing_spaces_the_frames_out():
    t = FakeTime()
    pacer = FramePacer(0, 100, clock=t.clock)
    pacer.drew(0.05)
    assert pacer.interval == pytest.approx(0.5)  # drawing takes at most a tenth of the time
    pacer.drew(0.001)
    assert pacer.interval == pytest.approx(0.2)


def test_each_frame_sends_the_new_points_and_the_current_weights():
    run = Run(Settings(task=Task.parse("2vrest"), iterations=200))
    run.begin()
    feed = LiveFeed(len(run.curve), run.settings.task.class_names)  # the chart was drawn with the first point
    frames, seen = [], []
    for k, snapshot in enumerate(run.advance()):
        seen.append(snapshot.iteration)
        if k in (5, 6, 30) or snapshot.stop_reason:
            frames.append(feed.frame(run.curve, snapshot.iteration, snapshot.coef))
    starts = [f.curve_start for f in frames]
    assert starts[0] == 1 and starts == sorted(starts)
    # together the frames add every point after the first exactly once, in order
    x = [i for f in frames for i in f.curve_points["x"]]
    assert x == list(run.curve.iterations[1:])
    for f in frames:
        assert len(f.curve_points["y"]) == 4 and all(len(y) == len(f.curve_points["x"]) for y in f.curve_points["y"])
    assert frames[1].curve_points["x"] == [seen[6]]  # only what changed since the last frame
    # the weights are those of the frame's snapshot, as the weight maps draw them
    assert frames[-1].weights == figures.weight_mosaic(run.model.coef_, run.settings.task.class_names)
    assert frames[-1].iteration == 200


def test_a_frame_with_nothing_new_sends_no_points():
    run = Run(Settings(iterations=20))
    list(run.advance())
    feed = LiveFeed(len(run.curve), ("0", "1"))
    frame = feed.frame(run.curve, run.iteration, run.last.coef)
    assert frame.curve_points["x"] == [] and frame.curve_start == len(run.curve)


def test_frames_of_a_mini_batch_run_carry_the_noisy_cost_and_its_trend():
    run = Run(Settings(batch_size=16, iterations=100))
    run.begin()
    assert run.mini_batches is not None
    drawn = figures.learning_curve(run.curve, mini_batch=True)  # what the page draws first
    feed = LiveFeed(len(run.curve), run.settings.task.class_names, mini_batch=True)
    frames = [feed.frame(run.curve, s.iteration, s.coef) for k, s in enumerate(run.advance()) if k % 7 == 0 or
              s.stop_reason]
    y = [list(column) for column in zip(*[f.curve_points["y"] for f in frames], strict=True)]
    assert len(y) == len(drawn["data"]) == 6  # one list per trace of the chart, in its order
    batch, trend = [sum(lists, []) for lists in y[:2]]
    np.testing.assert_allclose(batch, run.curve.batch_cost[1:])
    np.testing.assert_allclose(trend, run.curve.batch_cost_trend[1:])
    assert not np.allclose(batch, run.curve.train_cost[1:])  # a mini-batch's cost is not the whole set's


def test_ten_maps_go_at_most_every_maps_interval_and_always_with_the_last_frame():
    now = [0.0]
    ten = LiveFeed(1, [str(d) for d in range(10)], clock=lambda: now[0])
    one = LiveFeed(1, ["0", "1"], clock=lambda: now[0])
    curve = Curve()
    sent = []
    step = 0.375 * MAPS_INTERVAL  # three frames apart: just past MAPS_INTERVAL; two: well short of it
    for k in range(8):
        now[0] = step * k
        sent.append(ten.frame(curve, k, np.full((10, 64), k)).weights is not None)
        assert one.frame(curve, k, np.full((1, 64), k)).weights is not None  # one map: every frame
    assert sent == [True, False, False, True, False, False, True, False]
    last = ten.frame(curve, 9, np.full((10, 64), 9.0), last=True)
    assert last.weights == figures.weight_mosaic(np.full((10, 64), 9.0), [str(d) for d in range(10)])


def test_the_progress_line_goes_at_most_every_progress_interval_and_with_the_last_frame():
    now = [0.0]
    feed = LiveFeed(1, ["0", "1"], clock=lambda: now[0])  # the progress line is drawn at 0 with the charts
    updates = []
    for k in range(1, 12):  # a frame every 0.1 s
        now[0] = 0.1 * k
        if feed.frame(Curve(), k, np.zeros((1, 64))).progress:
            updates.append(round(now[0], 2))
    assert updates == [PROGRESS_INTERVAL, 2 * PROGRESS_INTERVAL]
    assert feed.frame(Curve(), 12, np.zeros((1, 64)), last=True).progress  # the end is always shown

