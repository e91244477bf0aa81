"""LogisticRegressionGD: the tutorial's numbers, stability, watchable training, bad input."""

import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from lrviz import DivergenceWarning, LogisticRegressionGD
from lrviz.data import load_digits_dataset

# The NumPy tutorial's cost at iterations 0, 100, ..., 900 on digits 0 vs 1.
TUTORIAL_COSTS = [0.6931, 0.1444, 0.0832, 0.0600, 0.0476, 0.0398, 0.0344, 0.0304, 0.0274, 0.0249]


@parametrize_with_checks([LogisticRegressionGD(), LogisticRegressionGD(init="random", random_state=0, l2=0.01)])
def test_scikit_learn_check_estimator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def tutorial_split():
    digits = load_digits()
    keep = digits.target < 2
    return train_test_split(digits.data[keep] / 16, digits.target[keep], test_size=0.2, random_state=42)


def test_reproduces_the_numpy_tutorial(tutorial_split):
    X_train, X_test, y_train, y_test = tutorial_split
    model = LogisticRegressionGD(learning_rate=0.05, max_iter=1000, init="zeros").fit(X_train, y_train)
    assert np.round(model.cost_history_[::100], 4).tolist() == TUTORIAL_COSTS
    assert model.score(X_train, y_train) == 1.0
    assert model.score(X_test, y_test) == 1.0
    assert model.n_iter_ == 1000 and model.cost_history_.shape == (1000,)
    assert model.coef_.shape == (1, 64) and model.intercept_.shape == (1,)


def test_starts_at_ln_k_with_zero_init():
    data = load_digits_dataset()
    binary = LogisticRegressionGD(max_iter=1).fit(data.X, data.y == 2)
    ten = LogisticRegressionGD(max_iter=1).fit(data.X, data.y)
    assert binary.cost_history_[0] == pytest.approx(np.log(2), abs=1e-12)
    assert ten.cost_history_[0] == pytest.approx(np.log(10), abs=1e-12)
    assert ten.coef_.shape == (10, 64) and ten.intercept_.shape == (10,)


def test_cost_matches_the_textbook_formula():
    """The fused, stable cost equals -mean(y log a + (1-y) log(1-a)) + l2/2 ||w||^2 where that is finite."""
    rng = np.random.default_rng(0)
    X = rng.random((50, 5))
    y = rng.integers(0, 2, 50)
    model = LogisticRegressionGD(l2=0.3, init="random", random_state=1, max_iter=3).fit(X, y)
    a = 1 / (1 + np.exp(-(X @ model.coef_[0] + model.intercept_[0])))
    textbook = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)) + 0.15 * np.sum(model.coef_**2)
    assert model.cost(X, y) == pytest.approx(textbook, rel=1e-12)


def test_gradient_matches_finite_differences():
    """The update is plain gradient descent on J: one step equals W - lr * numerical gradient."""
    rng = np.random.default_rng(1)
    X, y = rng.random((40, 4)), rng.integers(0, 3, 40)
    for labels in (y % 2, y):
        model = LogisticRegressionGD(learning_rate=0.5, l2=0.2, init="random", random_state=2, max_iter=1)
        snapshots = list(model.train(X, labels))
        W0, b0 = snapshots[0].coef, snapshots[0].intercept
        probe = LogisticRegressionGD(l2=0.2, max_iter=1).fit(X, labels)

        def J(W, b, probe=probe, labels=labels):
            probe.coef_, probe.intercept_ = W, b
            return probe.cost(X, labels)

        eps = 1e-6
        grad_W = np.zeros_like(W0)
        for index in np.ndindex(W0.shape):
            step = np.zeros_like(W0)
            step[index] = eps
            grad_W[index] = (J(W0 + step, b0) - J(W0 - step, b0)) / (2 * eps)
        grad_b = np.array([(J(W0, b0 + e) - J(W0, b0 - e)) / (2 * eps) for e in np.eye(len(b0)) * eps])
        np.testing.assert_allclose(model.coef_, W0 - 0.5 * grad_W, atol=1e-8)
        np.testing.assert_allclose(model.intercept_, b0 - 0.5 * grad_b, atol=1e-8)


def test_labels_of_any_type_and_probabilities():
    data = load_digits_dataset()
    names = np.array(["zero", "one", "two"])
    keep = data.y < 3
    y = names[data.y[keep]]
    model = LogisticRegressionGD(learning_rate=1.0, max_iter=300).fit(data.X[keep], y)
    assert model.classes_.tolist() == ["one", "two", "zero"]
    proba = model.predict_proba(data.X[keep])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (model.classes_[proba.argmax(axis=1)] == model.predict(data.X[keep])).all()
    assert model.score(data.X[keep], y) > 0.95


def test_binary_decision_function_and_proba_agree():
    data = load_digits_dataset()
    model = LogisticRegressionGD(max_iter=200).fit(data.X, np.where(data.y == 2, "two", "other"))
    z = model.decision_function(data.X)
    proba = model.predict_proba(data.X)
    assert z.shape == (len(data.X),)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-z)))
    assert ((z > 0) == (model.predict(data.X) == model.classes_[1])).all()


def test_unscaled_pixels_train_without_runtime_warnings():
    """pytest turns RuntimeWarnings into errors (pyproject.toml); this also checks it explicitly."""
    data = load_digits_dataset()
    X_raw = data.X * 16
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for y in (data.y == 2, data.y):
            model = LogisticRegressionGD(learning_rate=1.0, max_iter=300).fit(X_raw, y)
            assert np.isfinite(model.cost_history_).all()
            assert np.isfinite(model.coef_).all()
            proba = model.predict_proba(X_raw * 1e4)
            assert np.isfinite(proba).all() and proba.min() >= 0 and proba.max() <= 1
            assert np.isfinite(model.predict_log_proba(X_raw * 1e4)).all()


def test_overshoot_that_recovers_is_not_divergence():
    """Without L2 a large step overshoots once and then converges: that is not a blow-up."""
    data = load_digits_dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        model = LogisticRegressionGD(learning_rate=10.0, max_iter=300).fit(data.X, data.y == 2)
    assert not model.diverged_
    assert model.cost_history_.max() > 1.0 > model.cost_history_[-1]


def test_blow_up_stops_keeps_finite_weights_and_warns():
    data = load_digits_dataset()
    model = LogisticRegressionGD(learning_rate=10.0, l2=1.0, max_iter=5000)
    with pytest.warns(DivergenceWarning, match=r"learning rate 10 is too large.*try 1 or smaller"):
        model.fit(data.X, data.y == 2)
    assert model.diverged_
    assert model.n_iter_ < 100
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    assert len(model.cost_history_) == model.n_iter_
    assert model.cost_history_[-1] > 1e3 * model.cost_history_[0]


def test_overflowing_weights_go_back_to_the_last_finite_ones():
    data = load_digits_dataset()
    model = LogisticRegressionGD(learning_rate=1e300, l2=1.0, max_iter=50)
    with pytest.warns(DivergenceWarning):
        model.fit(data.X, data.y == 2)
    assert model.diverged_ and np.isfinite(model.coef_).all()
    assert np.isfinite(model.cost(data.X, data.y == 2))


def test_tol_stops_early():
    data = load_digits_dataset()
    model = LogisticRegressionGD(learning_rate=1.0, tol=1e-4, max_iter=5000).fit(data.X, data.y == 2)
    assert 1 < model.n_iter_ < 5000
    assert abs(model.cost_history_[-1] - model.cost(data.X, data.y == 2)) < 1e-4


def test_random_init_is_seeded_and_small():
    data = load_digits_dataset()
    first = list(LogisticRegressionGD(init="random", random_state=3, max_iter=1).train(data.X, data.y))[0]
    again = list(LogisticRegressionGD(init="random", random_state=3, max_iter=1).train(data.X, data.y))[0]
    other = list(LogisticRegressionGD(init="random", random_state=4, max_iter=1).train(data.X, data.y))[0]
    np.testing.assert_array_equal(first.coef, again.coef)
    assert not np.array_equal(first.coef, other.coef)
    assert 0 < np.abs(first.coef).max() < 0.1


class TestWatchableTraining:
    @pytest.fixture
    def split(self):
        data = load_digits_dataset()
        return data.X[::2], data.y[::2] == 2, data.X[1::2], data.y[1::2] == 2

    def test_snapshots_at_the_chosen_cadence(self, split):
        X, y, X_test, y_test = split
        model = LogisticRegressionGD(max_iter=250)
        snapshots = list(model.train(X, y, eval_set=(X_test, y_test), snapshot_every=50, snapshot_at=[7]))
        assert [s.iteration for s in snapshots] == [0, 7, 50, 100, 150, 200, 250]
        assert [s.stop_reason for s in snapshots] == [None] * 6 + ["max_iter"]
        for s in snapshots[:-1]:
            assert s.train_cost == model.cost_history_[s.iteration]
        last = snapshots[-1]
        assert last.train_cost == pytest.approx(model.cost(X, y))
        assert last.test_cost == pytest.approx(model.cost(X_test, y_test))
        assert last.train_accuracy == model.score(X, y)
        assert last.test_accuracy == model.score(X_test, y_test)
        assert not last.coef.flags.writeable

    def test_snapshot_weights_are_copies(self, split):
        X, y, _, _ = split
        snapshots = list(LogisticRegressionGD(max_iter=100).train(X, y, snapshot_every=10))
        assert not np.array_equal(snapshots[1].coef, snapshots[-1].coef)
        assert np.array_equal(snapshots[0].coef, np.zeros((1, 64)))

    def test_stop_and_continue_equals_one_run(self, split):
        X, y, _, _ = split
        whole = LogisticRegressionGD(max_iter=500).fit(X, y)
        model = LogisticRegressionGD(max_iter=500)
        for snapshot in model.train(X, y, snapshot_every=100):
            if snapshot.iteration == 200:
                break
        assert model.n_iter_ == 200 and len(model.cost_history_) == 200
        np.testing.assert_array_equal(model.coef_, snapshot.coef)
        list(model.train(X, y, resume=True, n_iter=300))
        assert model.n_iter_ == 500
        np.testing.assert_array_equal(model.cost_history_, whole.cost_history_)
        np.testing.assert_array_equal(model.coef_, whole.coef_)

    def test_snapshots_say_how_long_training_took_not_counting_pauses(self, split):
        X, y, _, _ = split
        model = LogisticRegressionGD(max_iter=300)
        seconds = []
        began = time.perf_counter()
        for snapshot in model.train(X, y, snapshot_every=100):
            seconds.append(snapshot.seconds)
            time.sleep(0.05)  # the caller's time at a pause is not training time
        wall = time.perf_counter() - began
        assert seconds == sorted(seconds) and 0 < seconds[-1] == model.train_seconds_ < wall - 4 * 0.05
        (*_, last) = model.train(X, y, resume=True, n_iter=100)
        assert last.seconds == model.train_seconds_ > seconds[-1]  # a resumed run adds to it

    def test_resume_checks_labels_and_features(self, split):
        X, y, _, _ = split
        model = LogisticRegressionGD(max_iter=10).fit(X, y)
        with pytest.raises(ValueError, match="not trained on"):
            model.train(X, np.where(y, 5, 7), resume=True)
        with pytest.raises(ValueError, match="features"):
            model.train(X[:, :10], y, resume=True)

    def test_resume_needs_a_fitted_model(self, split):
        X, y, _, _ = split
        with pytest.raises(ValueError, match="not fitted"):
            LogisticRegressionGD().train(X, y, resume=True)


class TestBadInput:
    X = np.random.default_rng(0).random((20, 3))
    y = np.arange(20) % 2

    @pytest.mark.parametrize("value, message", [(np.nan, "NaN"), (np.inf, "infinity")])
    def test_nan_or_inf_in_X(self, value, message):
        X = self.X.copy()
        X[3, 1] = value
        with pytest.raises(ValueError, match=message):
            LogisticRegressionGD().fit(X, self.y)
        model = LogisticRegressionGD(max_iter=5).fit(self.X, self.y)
        with pytest.raises(ValueError, match=message):
            model.predict(X)

    def test_one_class(self):
        with pytest.raises(ValueError, match=r"only one class \(1\).*at least two classes"):
            LogisticRegressionGD().fit(self.X, np.ones(20, dtype=int))

    def test_lengths_differ(self):
        with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[20, 19\]"):
            LogisticRegressionGD().fit(self.X, self.y[:19])

    def test_wrong_number_of_features_at_predict_time(self):
        model = LogisticRegressionGD(max_iter=5).fit(self.X, self.y)
        with pytest.raises(ValueError, match="X has 4 features, but LogisticRegressionGD is expecting 3"):
            model.predict(np.zeros((2, 4)))

    @pytest.mark.parametrize(
        "params, message",
        [
            ({"learning_rate": 0}, "learning_rate == 0, must be > 0"),
            ({"learning_rate": -0.1}, "learning_rate == -0.1, must be > 0"),
            ({"learning_rate": np.inf}, "learning_rate == inf, must be < inf"),
            ({"max_iter": 0}, "max_iter == 0, must be >= 1"),
            ({"l2": -1.0}, "l2 == -1.0, must be >= 0"),
            ({"tol": -1e-3}, "tol == -0.001, must be >= 0"),
            ({"learning_rate": np.nan}, "learning_rate is NaN"),
            ({"l2": float("nan")}, "l2 is NaN"),
            ({"tol": np.nan}, "tol is NaN"),
            ({"init": "ones"}, r"init must be one of \('zeros', 'random'\); got 'ones'"),
            ({"solver": "sgd"}, r"solver must be one of \('gd', 'momentum', 'adam', 'newton'\); got 'sgd'"),
            ({"batch_size": 0}, "batch_size == 0, must be >= 1"),
            ({"momentum": 1.0}, "momentum == 1.0, must be < 1.0"),
            ({"momentum": np.nan}, "momentum is NaN"),
            ({"lr_decay": -0.5}, "lr_decay == -0.5, must be >= 0"),
        ],
    )
    def test_bad_hyperparameters(self, params, message):
        with pytest.raises(ValueError, match=message):
            LogisticRegressionGD(**params).fit(self.X, self.y)

    def test_wrong_type_of_max_iter(self):
        with pytest.raises(TypeError, match="max_iter must be an instance of int"):
            LogisticRegressionGD(max_iter=10.5).fit(self.X, self.y)
        with pytest.raises(TypeError, match="batch_size must be an instance of int"):
            LogisticRegressionGD(batch_size=8.0).fit(self.X, self.y)

    def test_bad_input_raises_before_training_starts(self):
        """`train` validates when called, not at the first snapshot."""
        with pytest.raises(ValueError):
            LogisticRegressionGD(learning_rate=-1).train(self.X, self.y)


class TestStateBetweenCalls:
    X = load_digits_dataset().X
    y = load_digits_dataset().y == 2

    def test_numpy_error_state_is_the_callers_while_training_pauses(self):
        """Overflow is silenced inside the loop only: the caller's code between snapshots
        (and after an abandoned run) sees NumPy's usual warnings."""
        before = np.geterr()
        for snapshot in LogisticRegressionGD(max_iter=100).train(self.X, self.y, snapshot_every=10):
            assert np.geterr() == before
            if snapshot.iteration == 50:
                break
        assert np.geterr() == before

    def test_a_call_with_bad_input_leaves_a_fitted_model_as_it_was(self):
        model = LogisticRegressionGD(max_iter=20).fit(self.X, self.y)
        coef, classes = model.coef_.copy(), model.classes_.copy()
        with pytest.raises(ValueError, match="coef_init must have shape"):
            model.fit(self.X[:, :10], np.arange(len(self.y)) % 3, coef_init=np.zeros((1, 10)))
        assert model.n_features_in_ == 64
        np.testing.assert_array_equal(model.coef_, coef)
        np.testing.assert_array_equal(model.classes_, classes)
        assert model.score(self.X, self.y) > 0.8

    def test_a_run_not_yet_iterated_is_a_model_at_its_initial_weights(self):
        model = LogisticRegressionGD(max_iter=20).fit(self.X[:, :10], self.y)
        model.train(self.X, np.arange(len(self.y)) % 3)
        assert model.coef_.shape == (3, 64) and not model.coef_.any() and model.n_iter_ == 0
        np.testing.assert_array_equal(model.predict_proba(self.X[:2]), np.full((2, 3), 1 / 3))

    def test_a_first_step_that_overflows_says_so(self):
        with pytest.warns(DivergenceWarning, match=r"blew up from 0.6931 to (inf|nan)"):
            LogisticRegressionGD(learning_rate=1e300, l2=1.0, max_iter=50).fit(self.X, self.y)
