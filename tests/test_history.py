"""What a run remembers of its training: the curve and a few weight maps, compactly."""

import numpy as np
import pytest

from lrviz.history import Curve, History, moving_average
from lrviz.model import Snapshot


def _snapshot(i, coef_value=0.0, test=True):
    return Snapshot(i, 1.0 / (i + 1), 0.5, np.full((10, 64), coef_value), np.zeros(10),
                    2.0 / (i + 1) if test else None, 0.4 if test else None)


def test_a_curve_grows_and_a_repeated_iteration_replaces_its_point():
    curve = Curve()
    for i in range(100):
        curve.append(_snapshot(i))
    curve.append(Snapshot(99, 7.0, 0.9, np.zeros((10, 64)), np.zeros(10), 8.0, 0.8))  # a resumed call
    assert len(curve) == 100 and list(curve.iterations[-2:]) == [98, 99]
    assert curve.train_cost[-1] == 7.0 and curve.test_accuracy[-1] == 0.8 and curve.has_test
    part = curve.upto(9)
    assert list(part.iterations) == list(range(10)) and len(curve) == 100
    with pytest.raises(ValueError):
        curve.train_cost[0] = 1.0  # read-only views


def test_a_curve_without_a_test_set():
    curve = Curve()
    curve.append(_snapshot(0, test=False))
    assert not curve.has_test and np.isnan(curve.test_cost[0])


def test_history_keeps_weights_where_asked_and_the_start_and_last_exactly():
    history = History()
    for i in range(50):
        history.keep(_snapshot(i, coef_value=i + 1 / 3), keep_weights_at={5, 20})
    assert history.weight_iterations == [0, 5, 20, 49]
    assert history.weights_at(0)[0].dtype == np.float64 and history.weights_at(0)[0][0, 0] == 1 / 3
    assert history.weights_at(5)[0].dtype == np.float32
    assert history.weights_at(5)[0][0, 0] == pytest.approx(5 + 1 / 3, rel=1e-6)
    assert history.weights_at(49)[0][0, 0] == 49 + 1 / 3
    with pytest.raises(ValueError, match="kept no weights at iteration 6"):
        history.weights_at(6)
    assert history.nbytes < 50 * 10 * 64 * 8 / 5  # far less than every snapshot's weights


def test_a_curve_keeps_the_batch_cost_and_the_time():
    curve = Curve()
    curve.append(Snapshot(0, 0.7, 0.5, np.zeros((1, 64)), np.zeros(1), batch_cost=0.9, seconds=0.0))
    curve.append(Snapshot(5, 0.5, 0.6, np.zeros((1, 64)), np.zeros(1), batch_cost=0.3, seconds=0.25))
    curve.append(_snapshot(6))  # a snapshot that says neither
    np.testing.assert_array_equal(curve.batch_cost[:2], [0.9, 0.3])
    np.testing.assert_array_equal(curve.seconds[:2], [0.0, 0.25])
    assert np.isnan(curve.batch_cost[2]) and np.isnan(curve.seconds[2])
    w = 1 - np.exp(-5 / 1)  # five iterations later, with a memory of max(1, 0.1 * 5) iterations
    np.testing.assert_allclose(curve.batch_cost_trend, [0.9, 0.9 + w * (0.3 - 0.9), 0.9 + w * (0.3 - 0.9)])
    np.testing.assert_array_equal(curve.upto(5).seconds, [0.0, 0.25])


def test_the_trend_follows_the_level_and_smooths_the_noise():
    rng = np.random.default_rng(3)
    iterations = np.arange(0, 4000, 10)
    level = np.where(iterations < 2000, 2.0, 1.0)
    noisy = level + rng.normal(0, 0.3, size=len(iterations))
    trend = moving_average(noisy, iterations)
    assert trend[0] == noisy[0]
    late = iterations >= 3000
    assert abs(trend[(iterations >= 1500) & (iterations < 2000)].mean() - 2.0) < 0.05
    assert abs(trend[late].mean() - 1.0) < 0.05
    assert np.std(trend[late]) < np.std(noisy[late]) / 3


def test_the_trend_keeps_close_behind_a_fast_fall():
    """Log-spaced points at the start, then every 10 iterations, as a run's learning curve has them: a
    trend with a memory of a fixed number of points would lag far behind the first fall."""
    iterations = np.unique(np.r_[np.geomspace(1, 1000, 40).round(), np.arange(0, 1001, 10)])
    cost = 1.0 / (1.0 + iterations / 10)
    trend = moving_average(cost, iterations)
    assert np.all(trend >= cost - 1e-12)  # a falling series: the trend is behind, above it
    assert np.max((trend - cost) / cost) < 0.6 and np.median((trend - cost) / cost) < 0.15
    with pytest.raises(ValueError, match="share"):
        moving_average(cost, iterations, share=0)


def test_a_sample_of_the_curve_keeps_its_ends_and_its_numbers():
    curve = Curve()
    for i in range(0, 1000, 3):
        curve.append(_snapshot(i))
    part = curve.sample(21)
    assert len(part) == 21 and part.iterations[0] == 0 and part.iterations[-1] == curve.iterations[-1]
    assert list(part.iterations) == sorted(set(part.iterations))  # each point once, in order
    rows = np.searchsorted(curve.iterations, part.iterations)
    np.testing.assert_array_equal(part.train_cost, curve.train_cost[rows])
    np.testing.assert_array_equal(part.test_accuracy, curve.test_accuracy[rows])
    assert len(curve.upto(4).sample(21)) == 2  # a short curve whole
    with pytest.raises(ValueError, match="at least 2"):
        curve.sample(1)


def test_the_curve_as_csv_has_every_point():
    curve = Curve()
    for i in range(5):
        curve.append(_snapshot(i, test=i % 2 == 0))
    lines = curve.to_csv().splitlines()
    assert lines[0] == "iteration,train_cost,test_cost,train_accuracy,test_accuracy,batch_cost,seconds"
    assert len(lines) == 6
    first, second = lines[1].split(","), lines[2].split(",")
    assert first[0] == "0" and float(first[1]) == 1.0 and float(first[2]) == 2.0
    assert second[0] == "1" and float(second[1]) == 0.5 and second[2] == "" and second[4] == ""  # no test: empty
