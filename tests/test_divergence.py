"""Divergence: the rules on recorded cost sequences, and on real runs (the issue's targets)."""

import warnings

import numpy as np
import pytest

from lrviz import DivergenceWarning, LogisticRegressionGD
from lrviz.data import Task, load_task
from lrviz.divergence import FAR_ABOVE, WINDOW, Divergence, DivergenceGuard, DivergenceKind


def verdict(costs) -> Divergence | None:
    """The guard's first verdict on a sequence of costs, fed as the training loop feeds it."""
    history = np.asarray(costs, dtype=float)
    guard = DivergenceGuard(history)
    for i, cost in enumerate(history):
        found = guard.check(i, cost)
        if found is not None:
            return found
    return None


START = np.log(2)
rng = np.random.default_rng(0)


def test_a_cost_swinging_far_above_its_start_is_stopped():
    """0 vs 1 at learning rate 10 with L2 0.1: from 0.69 the cost swings between about 22 and 57."""
    costs = [START, 2.2, 0.69, 2.6, 8.0] + [22.6, 56.7] * 300
    found = verdict(costs)
    assert found.kind is DivergenceKind.STUCK_HIGH and found.iteration == 4 * WINDOW
    assert (found.low, found.high) == (22.6, 56.7) and found.start_cost == START
    assert "the cost swings between 22.6 and 56.7, above where it started (0.6931)" in found.message


def test_a_cost_swinging_a_little_above_its_start_is_stopped():
    """2 vs rest at learning rate 10 with L2 0.1: between 0.88 and 3.1, always answering "not 2"."""
    assert verdict([START, 12.8, 6.9, 52.2] + [0.877, 3.126] * 300).kind is DivergenceKind.STUCK_HIGH


def test_a_cost_sitting_above_its_start_is_stopped():
    found = verdict([2.303, 2.21, 2.209] + list(2.476 + 0.0005 * (-1) ** np.arange(600)))
    assert found.kind is DivergenceKind.STUCK_HIGH and "stays at about 2.47" in found.message


def test_a_cost_far_above_its_start_that_falls_too_slowly_is_stopped():
    """Falling 5 % per window, it would take hundreds of windows to come back down."""
    costs = [START] + list(37.4 * 0.95 ** (np.arange(1000) / WINDOW) + 2 * (np.arange(1000) % 2))
    assert verdict(costs).kind is DivergenceKind.STUCK_HIGH


def test_a_rising_cost_is_stopped_once_it_is_far_above_its_start():
    costs = START * 1.5 ** np.arange(100)
    found = verdict(costs)
    assert found.kind is DivergenceKind.RISING and found.high == costs[found.iteration] > FAR_ABOVE * START
    assert "blew up from 0.6931 to" in found.message and "rising at every step" in found.message
    # a long rise that stays near its start (momentum's slow swings) is not a blow-up
    assert verdict(START * (1 + 0.01 * np.arange(60))) is None


def test_an_overshoot_that_recovers_is_not_stopped():
    """2 vs rest at learning rate 10 without L2: a few iterations above the start, then it falls for good."""
    costs = [START, 4.288, 2.997, 1.706, 0.425, 0.441, 1.633, 0.37] + list(0.13 * np.exp(-np.arange(1000) / 300))
    assert verdict(costs) is None


def test_a_noisy_cost_that_falls_on_average_is_not_stopped():
    """Mini-batch training with a large step: above the start for a few windows, but falling."""
    i = np.arange(1500)
    trend = 3 * START * np.exp(-i / 150) + 0.05
    costs = np.concatenate([[START], trend * np.exp(rng.normal(0, 0.3, i.size))])
    assert np.median(costs[1:2 * WINDOW]) > START  # at first mostly above where it started
    assert verdict(costs) is None


def test_a_cost_that_swings_below_its_start_is_not_stopped():
    """0 vs 1 at learning rate 10 with L2 0.01: mostly near the optimum 0.076, now and then a spike up to 20."""
    costs = np.full(2000, 0.076) + 0.01 * rng.random(2000)
    costs[::37] = 19.9
    costs[::53] = 4.7
    costs[0] = START
    assert verdict(costs) is None


def test_a_resumed_run_is_judged_on_its_whole_history():
    costs = [START, 2.2] + [22.6, 56.7] * 200
    history = np.asarray(costs)
    verdicts = []
    for start in range(0, len(costs), 30):  # a run trained 30 iterations at a time
        guard = DivergenceGuard(history, history[0])
        verdicts += [guard.check(i, history[i]) for i in range(start, min(start + 30, len(costs)))]
    first = next(i for i, v in enumerate(verdicts) if v is not None)
    assert first == verdict(costs).iteration == 4 * WINDOW


def test_the_advice_names_a_learning_rate():
    found = Divergence(DivergenceKind.OVERFLOW, 12, START, START, np.inf, learning_rate=5.0, l2=0.1)
    assert found.suggested_learning_rate == 0.5
    assert found.message == ("Training diverged: the cost blew up from 0.6931 to inf, so training stopped at "
                             "iteration 12 and kept the last finite weights. The learning rate 5 is too large for "
                             "l2=0.1: each step jumps past the minimum by more than it gains; try 0.5 or smaller.")


# -- real runs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["0v1", "2vrest", "all"])
def test_learning_rate_10_with_l2_diverges_on_every_task(code):
    """The issue's cases: the cost swings far above its start, accuracy near chance; stopped and explained."""
    data = load_task(Task.parse(code))
    model = LogisticRegressionGD(learning_rate=10.0, l2=0.1, max_iter=1000)
    with pytest.warns(DivergenceWarning, match=r"above where it started.*learning rate 10 is too large for "
                                               r"l2=0\.1.*try 1 or smaller"):
        model.fit(data.X_train, data.y_train)
    assert model.diverged_ and model.divergence_.kind is DivergenceKind.STUCK_HIGH
    assert model.n_iter_ <= 400 and model.divergence_.iteration == model.n_iter_
    assert model.score(data.X_test, data.y_test) < 0.95


@pytest.mark.parametrize("code, params", [
    ("0v1", dict(learning_rate=10.0)),  # the example
    ("2vrest", dict(learning_rate=10.0)),  # overshoots, then falls further than a small step
    ("2vrest", dict(learning_rate=5.0, batch_size=1)),  # noisy, and above its start for a few windows
    ("2vrest", dict(solver="momentum", learning_rate=1.0, batch_size=1)),  # rises for 20 iterations and more
])
def test_runs_that_learn_are_not_called_diverged(code, params):
    data = load_task(Task.parse(code))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        model = LogisticRegressionGD(max_iter=1000, random_state=0, **params).fit(data.X_train, data.y_train)
    assert not model.diverged_ and model.divergence_ is None and model.n_iter_ == 1000
    if code == "2vrest":
        assert model.cost_history_.max() > 1.5 * START  # it did go well above where it started
    assert model.score(data.X_test, data.y_test) >= 0.95


def test_the_jitter_of_a_model_that_starts_trained_is_not_divergence():
    """A loaded model at its optimum, trained on by mini-batches: the cost jitters just above its low start."""
    data = load_task(Task.parse("2vrest"))
    trained = LogisticRegressionGD(solver="newton", l2=0.001, max_iter=15).fit(data.X_train, data.y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        model = LogisticRegressionGD(learning_rate=1.0, batch_size=4, l2=0.001, max_iter=600, random_state=0).fit(
            data.X_train, data.y_train, coef_init=trained.coef_, intercept_init=trained.intercept_)
    history = model.cost_history_
    assert (history[1:] > history[0]).mean() > 0.9  # nearly always above where it started
    assert not model.diverged_ and model.score(data.X_test, data.y_test) >= 0.95
