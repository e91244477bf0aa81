"""The solvers: scikit-learn's optimum, their update rules against finite differences, mini-batches,
and an optimizer state that survives a pause, a resume, a rollback and a new call."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from lrviz import DivergenceWarning, LogisticRegressionGD
from lrviz.data import load_digits_dataset
from lrviz.minibatches import MiniBatches
from lrviz.neuron import BinaryCrossEntropy, SoftmaxCrossEntropy, binary_cross_entropy, softmax_cross_entropy
from lrviz.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, NEWTON_DAMPING, SolverState

L2 = 0.01


@parametrize_with_checks([
    LogisticRegressionGD(solver="momentum", learning_rate=0.05, max_iter=300),
    LogisticRegressionGD(solver="adam", learning_rate=0.05, max_iter=300),
    LogisticRegressionGD(solver="newton", max_iter=20),
    LogisticRegressionGD(batch_size=8, learning_rate=0.2, lr_decay=0.01, max_iter=300, random_state=0),
])
def test_scikit_learn_check_estimator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def problems():
    """2 vs rest and all ten digits, with the cost J of scikit-learn's optimum (lbfgs, C = 1 / (l2 m))."""
    data = load_digits_dataset()
    found = {}
    for task, y in (("2 vs rest", data.y == 2), ("all ten digits", data.y)):
        with threadpool_limits(limits=1, user_api="blas"):  # many BLAS threads make lbfgs 100 times slower here
            reference = LogisticRegression(C=1 / (L2 * len(y)), tol=1e-14, max_iter=100_000).fit(data.X, y)
        probe = LogisticRegressionGD(l2=L2, max_iter=1).fit(data.X, y)
        probe.coef_ = reference.coef_.reshape(probe.coef_.shape)
        probe.intercept_ = reference.intercept_.reshape(probe.intercept_.shape)
        found[task] = (data.X, y, probe.cost(data.X, y))
    return found


@pytest.mark.parametrize("task", ["2 vs rest", "all ten digits"])
@pytest.mark.parametrize("params, n_iter, within", [  # n_iter: for 2 vs rest and for all ten digits
    (dict(solver="gd", learning_rate=1.0), (5500, 5000), 1e-8),
    (dict(solver="momentum", learning_rate=0.1), (5500, 5000), 1e-8),
    (dict(solver="adam", learning_rate=0.01), (3000, 3000), 1e-4),  # a constant step hovers near the optimum
    (dict(solver="newton"), (10, 10), 1e-8),
], ids=["gd", "momentum", "adam", "newton"])
def test_full_batch_solvers_reach_scikit_learns_optimum(problems, task, params, n_iter, within):
    X, y, optimum = problems[task]
    model = LogisticRegressionGD(l2=L2, max_iter=n_iter[task != "2 vs rest"], **params).fit(X, y)
    assert not model.diverged_
    assert abs(model.cost(X, y) - optimum) <= within


@pytest.mark.parametrize("task", ["2 vs rest", "all ten digits"])
def test_mini_batch_sgd_with_a_decaying_step_reaches_the_optimum(problems, task):
    X, y, optimum = problems[task]
    params = dict(l2=L2, learning_rate=2.0, batch_size=64, random_state=0)
    model = LogisticRegressionGD(lr_decay=0.01, max_iter=6000 if task == "2 vs rest" else 4000, **params).fit(X, y)
    assert abs(model.cost(X, y) - optimum) <= 1e-3
    if task == "all ten digits":  # without the decay it keeps jittering around the optimum
        constant = LogisticRegressionGD(max_iter=1000, **params).fit(X, y)
        assert constant.cost(X, y) - optimum > 5e-3


def test_newton_without_l2_on_separable_digits_never_blows_up():
    data = load_digits_dataset()
    keep = data.y < 2
    X, y = data.X[keep], data.y[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        model = LogisticRegressionGD(solver="newton", max_iter=100).fit(X, y)
    history = model.cost_history_
    assert (np.diff(history) <= 0).all()  # the line search only takes steps that lower the cost
    assert history[-1] < 1e-6 and model.score(X, y) == 1.0
    assert np.isfinite(model.coef_).all() and np.abs(model.coef_).max() < 1e3


# -- the update rules, one step at a time, against finite differences --------------------------------------

def _small_problem(n_classes):
    rng = np.random.default_rng(n_classes)
    X = rng.random((30, 4))
    return X, rng.integers(0, n_classes, 30)


def _numerical_gradient(X, y, W, b, l2, eps=1e-6):
    """dJ/dθ by central differences, θ = each neuron's weights then its bias; J = mean cross-entropy + l2/2 ||W||²."""
    def J(theta):
        T = theta.reshape(W.shape[0], -1)
        Z = X @ T[:, :-1].T + T[:, -1]
        data_cost = binary_cross_entropy(Z[:, 0], y) if W.shape[0] == 1 else softmax_cross_entropy(Z, y)
        return data_cost + 0.5 * l2 * np.sum(T[:, :-1] ** 2)

    theta = _theta(W, b)
    return np.array([(J(theta + e) - J(theta - e)) / (2 * eps) for e in np.eye(theta.size) * eps])


def _numerical_hessian(X, y, W, b, l2, eps=1e-4):
    """d²J/dθ² by central differences of `_numerical_gradient`."""
    def gradient(theta):
        T = theta.reshape(W.shape[0], -1)
        return _numerical_gradient(X, y, T[:, :-1], T[:, -1], l2, eps)

    theta = _theta(W, b)
    return np.array([(gradient(theta + e) - gradient(theta - e)) / (2 * eps) for e in np.eye(theta.size) * eps])


def _first_two_steps(X, y, **params):
    model = LogisticRegressionGD(init="random", random_state=1, l2=0.2, max_iter=2, **params)
    snapshots = list(model.train(X, y, snapshot_every=1))
    return [(s.coef, s.intercept) for s in snapshots]


def _theta(W, b):
    return np.concatenate([W, b[:, None]], axis=1).ravel()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_the_hessian_matches_finite_differences(n_classes):
    X, y = _small_problem(n_classes)
    model = LogisticRegressionGD(init="random", random_state=1, max_iter=1).fit(X, y)
    W, b = model.coef_ * 20, model.intercept_ + 0.3  # away from zero, where a (1 - a) varies
    objective = BinaryCrossEntropy(X, y, 0.2) if n_classes == 2 else SoftmaxCrossEntropy(X, y, n_classes, 0.2)
    objective.forward(W, b)
    np.testing.assert_allclose(objective.hessian(), _numerical_hessian(X, y, W, b, 0.2), atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["momentum", "adam", "newton"])
def test_each_step_follows_its_update_rule(n_classes, solver):
    """Two steps of each solver, recomputed from numerical gradients (and Hessians) by the textbook rules."""
    X, y = _small_problem(n_classes)
    (W0, b0), (W1, b1), (W2, b2) = _first_two_steps(X, y, solver=solver, learning_rate=0.3, momentum=0.8)
    g0, g1 = _numerical_gradient(X, y, W0, b0, 0.2), _numerical_gradient(X, y, W1, b1, 0.2)
    if solver == "momentum":
        v1 = -0.3 * g0
        v2 = 0.8 * v1 - 0.3 * g1
        expected = [_theta(W0, b0) + v1, _theta(W0, b0) + v1 + v2]
    elif solver == "adam":
        m1, s1 = (1 - ADAM_BETA1) * g0, (1 - ADAM_BETA2) * g0**2
        m2, s2 = ADAM_BETA1 * m1 + (1 - ADAM_BETA1) * g1, ADAM_BETA2 * s1 + (1 - ADAM_BETA2) * g1**2
        step1 = 0.3 * (m1 / (1 - ADAM_BETA1)) / (np.sqrt(s1 / (1 - ADAM_BETA2)) + ADAM_EPSILON)
        step2 = 0.3 * (m2 / (1 - ADAM_BETA1**2)) / (np.sqrt(s2 / (1 - ADAM_BETA2**2)) + ADAM_EPSILON)
        expected = [_theta(W0, b0) - step1, _theta(W0, b0) - step1 - step2]
    else:  # the full damped Newton step is taken here: it lowers the cost enough
        H0, H1 = _numerical_hessian(X, y, W0, b0, 0.2), _numerical_hessian(X, y, W1, b1, 0.2)
        damping = NEWTON_DAMPING * np.linalg.norm(g0), NEWTON_DAMPING * np.linalg.norm(g1)
        step1 = np.linalg.solve(H0 + damping[0] * np.eye(g0.size), g0)
        step2 = np.linalg.solve(H1 + damping[1] * np.eye(g1.size), g1)
        expected = [_theta(W0, b0) - step1, _theta(W0, b0) - step1 - step2]
    # Newton's solve magnifies the numerical Hessian's error along softmax's flat direction (all biases alike)
    atol = 1e-6 if solver == "newton" else 1e-7
    np.testing.assert_allclose(_theta(W1, b1), expected[0], atol=atol)
    np.testing.assert_allclose(_theta(W2, b2), expected[1], atol=atol)


def test_the_step_decays():
    """With lr_decay, update k uses learning_rate / (1 + lr_decay k): plain gd's second step is smaller."""
    X, y = _small_problem(2)
    (W0, b0), (W1, b1), (W2, b2) = _first_two_steps(X, y, learning_rate=0.3, lr_decay=0.5)
    g0, g1 = _numerical_gradient(X, y, W0, b0, 0.2), _numerical_gradient(X, y, W1, b1, 0.2)
    np.testing.assert_allclose(_theta(W1, b1), _theta(W0, b0) - 0.3 * g0, atol=1e-8)
    np.testing.assert_allclose(_theta(W2, b2), _theta(W1, b1) - 0.3 / 1.5 * g1, atol=1e-8)


def test_a_mini_batch_step_is_the_gradient_of_that_batch():
    X, y = _small_problem(3)
    model = LogisticRegressionGD(init="random", random_state=1, l2=0.2, batch_size=7, learning_rate=0.3,
                                 max_iter=1)
    (W0, b0), (W1, b1) = [(s.coef, s.intercept) for s in model.train(X, y)]
    rows = model.mini_batches(len(X)).rows(0)
    g = _numerical_gradient(X[rows], y[rows], W0, b0, 0.2)
    np.testing.assert_allclose(_theta(W1, b1), _theta(W0, b0) - 0.3 * g, atol=1e-8)


# -- mini-batches ---------------------------------------------------------------------------------------

def test_mini_batches_visit_every_example_once_an_epoch_in_a_seeded_order():
    batches = MiniBatches(n_samples=10, batch_size=4, seed=3)
    assert batches.per_epoch == 3
    epochs = [np.concatenate([batches.rows(k) for k in range(e * 3, e * 3 + 3)]) for e in range(3)]
    assert [len(batches.rows(k)) for k in range(3)] == [4, 4, 2]  # the last batch takes what is left
    for order in epochs:
        assert sorted(order.tolist()) == list(range(10))
    assert not np.array_equal(epochs[0], epochs[1])  # shuffled anew every epoch
    np.testing.assert_array_equal(MiniBatches(10, 4, 3).rows(4), batches.rows(4))  # a pure function of the seed
    assert not np.array_equal(MiniBatches(10, 4, 4).rows(0), batches.rows(0))
    with pytest.raises(ValueError, match="a batch of all of them is the full batch"):
        MiniBatches(10, 10, 0)


def test_a_batch_as_large_as_the_data_is_the_full_batch():
    X, y = _small_problem(2)
    full = LogisticRegressionGD(max_iter=20).fit(X, y)
    model = LogisticRegressionGD(max_iter=20, batch_size=30).fit(X, y)
    assert model.mini_batches(len(X)) is None and model.optimizer_state_.shuffle_seed is None
    np.testing.assert_array_equal(model.coef_, full.coef_)


def test_newton_ignores_the_batch_size_and_the_learning_rate():
    X, y = _small_problem(2)
    newton = LogisticRegressionGD(solver="newton", l2=0.1, max_iter=5).fit(X, y)
    other = LogisticRegressionGD(solver="newton", l2=0.1, max_iter=5, batch_size=4, learning_rate=7.0).fit(X, y)
    np.testing.assert_array_equal(newton.coef_, other.coef_)


# -- the optimizer's state: pause, resume, rollback ------------------------------------------------------

SOLVER_PARAMS = [
    dict(solver="gd", learning_rate=0.5, lr_decay=0.01),
    dict(solver="gd", learning_rate=0.5, batch_size=50, lr_decay=0.01),
    dict(solver="momentum", learning_rate=0.1),
    dict(solver="momentum", learning_rate=0.1, batch_size=64),
    dict(solver="adam", learning_rate=0.01),
    dict(solver="adam", learning_rate=0.01, batch_size=16),
    dict(solver="newton"),
]


@pytest.mark.parametrize("params", SOLVER_PARAMS, ids=lambda p: "-".join(map(str, p.values())))
def test_pause_and_resume_equal_an_uninterrupted_run(params):
    data = load_digits_dataset()
    X, y = data.X[::2], data.y[::2] % 3  # three classes: a softmax layer
    n = 10 if params["solver"] == "newton" else 120
    whole = LogisticRegressionGD(max_iter=n, random_state=3, l2=0.01, **params).fit(X, y)
    model = LogisticRegressionGD(max_iter=n, random_state=3, l2=0.01, **params)
    with threadpool_limits(limits=1, user_api="blas"):  # as `fit`: BLAS's rounding depends on its threads
        for snapshot in model.train(X, y, snapshot_every=n // 10):
            if snapshot.iteration == 3 * n // 10:
                break  # a pause abandoned mid-epoch
        assert model.optimizer_state_.updates == 3 * n // 10
        list(model.train(X, y, resume=True, n_iter=n // 2))
        list(model.train(X, y, resume=True, n_iter=n - 3 * n // 10 - n // 2))
    assert model.n_iter_ == n
    np.testing.assert_array_equal(model.cost_history_, whole.cost_history_)
    np.testing.assert_array_equal(model.coef_, whole.coef_)
    for name, (W, b) in whole.optimizer_state_.moments.items():
        np.testing.assert_array_equal(model.optimizer_state_.moments[name][0], W)
        np.testing.assert_array_equal(model.optimizer_state_.moments[name][1], b)


def test_with_random_state_none_a_resumed_run_keeps_its_batch_order():
    X, y = _small_problem(2)
    model = LogisticRegressionGD(batch_size=4, max_iter=5).fit(X, y)
    seed = model.optimizer_state_.shuffle_seed
    assert isinstance(seed, int)
    list(model.train(X, y, resume=True, n_iter=5))
    assert model.optimizer_state_.shuffle_seed == seed and model.optimizer_state_.updates == 10


def test_a_rollback_takes_the_optimizer_state_back_too():
    """A cost that overflows sends the weights back one update, and the velocity with them."""
    data = load_digits_dataset()
    X, y = data.X, data.y == 2
    params = dict(solver="momentum", learning_rate=1e150, l2=1.0)
    with pytest.warns(DivergenceWarning, match="blew up"):
        blown = LogisticRegressionGD(max_iter=50, **params).fit(X, y)
    assert blown.diverged_ and blown.divergence_.kind == "overflow" and 0 < blown.n_iter_ < 50
    assert blown.optimizer_state_.updates == blown.n_iter_
    before = LogisticRegressionGD(max_iter=blown.n_iter_, **params).fit(X, y)
    np.testing.assert_array_equal(blown.coef_, before.coef_)
    np.testing.assert_array_equal(blown.optimizer_state_.moments["velocity"][0],
                                  before.optimizer_state_.moments["velocity"][0])


def test_a_given_optimizer_state_is_checked_and_copied():
    X, y = _small_problem(2)
    state = SolverState(updates=5, moments={"velocity": (np.ones((1, 4)), np.ones(1))})
    model = LogisticRegressionGD(solver="momentum", max_iter=3)
    list(model.train(X, y, optimizer_state=state))
    assert model.optimizer_state_.updates == 8 and state.updates == 5  # the caller's state is left alone
    np.testing.assert_array_equal(state.moments["velocity"][0], np.ones((1, 4)))
    wrong = SolverState(moments={"velocity": (np.ones((1, 5)), np.ones(1))})
    with pytest.raises(ValueError, match=r"velocity must have the shapes of the weights, \(1, 4\)"):
        model.train(X, y, optimizer_state=wrong)
