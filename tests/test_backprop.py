"""The forward and backward pass of one example, and the batch gradient, against the core's own math."""

import warnings
from copy import deepcopy

import numpy as np
import pytest

from lrviz import backprop, neuron
from lrviz.data import Task, load_task
from lrviz.model import LogisticRegressionGD


@pytest.fixture(scope="module")
def binary():
    """A 0 vs 1 model, a few iterations into training, with an L2 penalty."""
    data = load_task(Task.parse("0v1"))
    model = LogisticRegressionGD(learning_rate=0.5, max_iter=30, l2=0.01).fit(data.X_train, data.y_train)
    return model, data


@pytest.fixture(scope="module")
def ten():
    """A ten-digit model (softmax), from small random weights, a few iterations in, with an L2 penalty."""
    data = load_task(Task.all_digits())
    model = LogisticRegressionGD(learning_rate=0.5, max_iter=30, l2=0.01, init="random", random_state=1)
    return model.fit(data.X_train, data.y_train), data


def _passes(model, data, n=12):
    indices = backprop.class_indices(model, data.y_test[:n])
    return [(backprop.example_pass(model, data.X_test[i], int(indices[i])), i) for i in range(n)]


def test_binary_forward_pass_is_the_models(binary):
    model, data = binary
    z = model.decision_function(data.X_test[:12])
    proba = model.predict_proba(data.X_test[:12])
    for ex, i in _passes(model, data):
        assert ex.binary and ex.n_classes == 2
        assert ex.z.shape == ex.a.shape == ex.dz.shape == ex.db.shape == (1,) and ex.dw.shape == (1, 64)
        assert ex.z[0] == pytest.approx(z[i], rel=1e-12)
        assert ex.wx[0] + ex.b[0] == pytest.approx(ex.z[0], rel=1e-12)
        assert ex.a[0] == pytest.approx(proba[i, 1], rel=1e-12)  # a is the probability of classes_[1]
        np.testing.assert_allclose(ex.probabilities, proba[i], rtol=1e-12)
        y = data.y_test[i]
        assert ex.y_index == y and ex.y[0] == y  # for 0 vs 1 the labels are the class indices
        assert ex.loss == pytest.approx(-(y * np.log(ex.a[0]) + (1 - y) * np.log(1 - ex.a[0])), rel=1e-9)
        assert ex.predicted == int(model.predict(data.X_test[i : i + 1])[0])


def test_binary_backward_pass_is_the_chain_rule(binary):
    model, data = binary
    for ex, i in _passes(model, data):
        a, y = ex.a[0], ex.y[0]
        assert ex.dL_da[0] == pytest.approx(-y / a + (1 - y) / (1 - a), rel=1e-9)
        assert ex.da_dz[0, 0] == pytest.approx(a * (1 - a), rel=1e-9)
        assert ex.dz[0] == a - y  # dz = a - y, exactly
        assert ex.dL_da[0] * ex.da_dz[0, 0] == pytest.approx(ex.dz[0], rel=1e-9)
        np.testing.assert_array_equal(ex.dw[0], data.X_test[i] * ex.dz[0])  # dw = x dz
        np.testing.assert_array_equal(ex.db, ex.dz)


def test_ten_class_forward_pass_is_the_models(ten):
    model, data = ten
    Z = model.decision_function(data.X_test[:12])
    proba = model.predict_proba(data.X_test[:12])
    for ex, i in _passes(model, data):
        assert not ex.binary and ex.n_classes == 10
        assert ex.z.shape == ex.a.shape == (10,) and ex.dw.shape == (10, 64) and ex.da_dz.shape == (10, 10)
        np.testing.assert_allclose(ex.z, Z[i], rtol=1e-12)
        np.testing.assert_allclose(ex.a, proba[i], rtol=1e-12)
        k = data.y_test[i]
        assert ex.y_index == k and ex.y.sum() == 1 and ex.y[k] == 1
        assert ex.loss == pytest.approx(-np.log(proba[i, k]), rel=1e-9)
        assert ex.probabilities[k] == pytest.approx(proba[i, k])
        # the true class's probability is the sigmoid of the margin
        assert neuron.sigmoid(ex.margin) == pytest.approx(ex.a[k], rel=1e-12)


def test_ten_class_backward_pass_is_the_chain_rule(ten):
    model, data = ten
    for ex, i in _passes(model, data):
        k = ex.y_index
        expected_dL_da = np.zeros(10)
        expected_dL_da[k] = -1 / ex.a[k]
        np.testing.assert_allclose(ex.dL_da, expected_dL_da, rtol=1e-9)
        np.testing.assert_allclose(ex.da_dz, np.diag(ex.a) - np.outer(ex.a, ex.a), rtol=1e-12)
        one_hot = np.eye(10)[k]
        np.testing.assert_array_equal(ex.dz, ex.a - one_hot)  # dz_k = a_k - [k == y]
        np.testing.assert_allclose(ex.dL_da @ ex.da_dz, ex.dz, atol=1e-12)  # the chain rule, summed over j
        np.testing.assert_array_equal(ex.dw, np.outer(ex.dz, data.X_test[i]))
        np.testing.assert_array_equal(ex.db, ex.dz)


@pytest.mark.parametrize("which", ["binary", "ten"])
def test_batch_gradient_is_the_training_loops(which, request):
    model, data = request.getfixturevalue(which)
    y_index = backprop.class_indices(model, data.y_train)
    dW, db = backprop.batch_gradient(model, data.X_train, y_index)
    assert dW.shape == model.coef_.shape and db.shape == model.intercept_.shape
    if which == "binary":
        objective = neuron.BinaryCrossEntropy(data.X_train, y_index, model.l2)
    else:
        objective = neuron.SoftmaxCrossEntropy(data.X_train, y_index, 10, model.l2)
    objective.forward(model.coef_, model.intercept_)
    loop_dW, loop_db = objective.backward(model.coef_)
    np.testing.assert_allclose(dW, loop_dW, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(db, loop_db, rtol=1e-10, atol=1e-15)
    # the average of the examples' gradients, plus the L2 term on the weights
    passes = [backprop.example_pass(model, x, int(k)) for x, k in zip(data.X_train, y_index, strict=True)]
    np.testing.assert_allclose(dW, np.mean([p.dw for p in passes], axis=0) + model.l2 * model.coef_, atol=1e-14)
    np.testing.assert_allclose(db, np.mean([p.db for p in passes], axis=0), atol=1e-14)


@pytest.mark.parametrize("which", ["binary", "ten"])
def test_batch_gradient_is_the_slope_of_the_cost(which, request):
    """Central finite differences of model.cost for a couple of weights and a bias."""
    model, data = request.getfixturevalue(which)
    dW, db = backprop.batch_gradient(model, data.X_train, backprop.class_indices(model, data.y_train))
    h = 1e-6
    coef, intercept = model.coef_.copy(), model.intercept_.copy()
    try:
        for row, col in [(0, 20), (0, 43), (model.coef_.shape[0] - 1, 36)]:
            model.coef_ = coef.copy()
            model.coef_[row, col] += h
            up = model.cost(data.X_train, data.y_train)
            model.coef_[row, col] -= 2 * h
            down = model.cost(data.X_train, data.y_train)
            assert (up - down) / (2 * h) == pytest.approx(dW[row, col], rel=1e-5, abs=1e-9)
        model.coef_ = coef.copy()
        model.intercept_ = intercept.copy()
        model.intercept_[0] += h
        up = model.cost(data.X_train, data.y_train)
        model.intercept_[0] -= 2 * h
        down = model.cost(data.X_train, data.y_train)
        assert (up - down) / (2 * h) == pytest.approx(db[0], rel=1e-5, abs=1e-9)
    finally:
        model.coef_, model.intercept_ = coef, intercept


def _scaled(model, factor, bias=None):
    """A copy of a fitted model with its weights multiplied by `factor` (and its bias too, or set to `bias`)."""
    copy = deepcopy(model)
    copy.coef_ = model.coef_ * factor
    copy.intercept_ = model.intercept_ * factor if bias is None else np.full_like(model.intercept_, bias)
    return copy


@pytest.mark.parametrize("z", [-800.0, -300.0, -40.0, 40.0, 300.0, 800.0])
@pytest.mark.parametrize("y_index", [0, 1])
def test_a_saturated_sigmoid_computes_from_z(binary, z, y_index):
    """a rounds to 1 beyond z = 37 (to 0 below -745); L, dL/da, da/dz come from z: exact, no warning."""
    model, _ = binary
    flat = _scaled(model, 0.0, bias=z)  # z = b for every input
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = backprop.example_pass(flat, np.zeros(64), y_index)
    assert ex.z[0] == z
    # a = 1 exactly from z = 37 up; downwards it stays a tiny positive number until z = -745
    assert ex.saturated == (z > 0 or z < -745) and ex.saturated == (ex.a[0] in (0.0, 1.0))
    assert ex.loss == pytest.approx(max(z, 0.0) - y_index * z)  # log(1 + e^z) - yz
    sign = 1.0 if y_index == 1 else -1.0
    wrong = sign * z < 0
    if not wrong:  # sure and right: dL/da = -1/a or 1/(1 - a) with a = 1 or 0
        assert ex.dL_da[0] == pytest.approx(-sign)
    elif abs(z) < 709:  # sure and wrong: -(1 + e^-z) or 1 + e^z, huge but finite
        assert ex.dL_da[0] == pytest.approx(-sign * np.exp(abs(z)), rel=1e-12)
    else:  # ... or beyond what a float holds
        assert ex.dL_da[0] == -sign * np.inf
    assert ex.da_dz[0, 0] == pytest.approx(np.exp(-abs(z)) / (1 + np.exp(-abs(z))) ** 2, rel=1e-12)
    assert ex.dz[0] == ex.a[0] - y_index


@pytest.mark.parametrize("factor", [1e3, 1e5])
def test_saturated_binary_neuron_gives_finite_loss_and_no_warning(binary, factor):
    model, data = binary
    big = _scaled(model, factor)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow, divide by zero) fails
        for i in range(6):
            z = big.decision_function(data.X_test[i : i + 1])[0]
            for y_index in (0, 1):
                ex = backprop.example_pass(big, data.X_test[i], y_index)
                assert abs(ex.z[0]) > 40 and ex.saturated  # a is exactly 0 or 1 in floating point
                assert np.isfinite(ex.loss)
                assert ex.loss == pytest.approx(max(z, 0) - y_index * z, rel=1e-12)  # log(1 + e^z) - yz
                assert ex.dz[0] == ex.a[0] - y_index
                right = (z > 0) == (y_index == 1)
                if right:  # the neuron is sure and right: dL/da is finite, -1 or +1
                    assert ex.dL_da[0] == pytest.approx(-1.0 if y_index == 1 else 1.0)
                elif abs(z) > 709:  # sure and wrong: dL/da = -(1 + e^-z) or 1 + e^z overflows
                    assert np.isinf(ex.dL_da[0])
                else:
                    assert np.isfinite(ex.dL_da[0]) and abs(ex.dL_da[0]) > 1e15
                assert np.all(np.isfinite(ex.da_dz)) and np.all(np.isfinite(ex.dw))
        dW, db = backprop.batch_gradient(big, data.X_train, data.y_train)
        assert np.all(np.isfinite(dW)) and np.all(np.isfinite(db))


def test_saturated_softmax_gives_finite_loss_and_no_warning(ten):
    model, data = ten
    big = _scaled(model, 1e4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for i in range(6):
            for y_index in (0, 9):
                ex = backprop.example_pass(big, data.X_test[i], y_index)
                assert ex.saturated and np.isfinite(ex.loss) and ex.loss >= 0
                np.testing.assert_array_equal(ex.dz, ex.a - np.eye(10)[y_index])
                if ex.loss > 710:
                    assert ex.dL_da[y_index] == -np.inf
                assert np.all(np.isfinite(ex.da_dz))


def test_class_indices_map_labels_and_reject_unknown_ones(binary, ten):
    model, _ = binary
    assert backprop.class_index(model, 1) == 1
    with pytest.raises(ValueError, match=r"\[7\] is not a class of this model; its classes are \[0, 1\]"):
        backprop.class_index(model, 7)
    model, _ = ten
    np.testing.assert_array_equal(backprop.class_indices(model, [9, 0, 3]), [9, 0, 3])
    with pytest.raises(ValueError, match="not a class of this model"):
        backprop.class_indices(model, [1, 12])


@pytest.mark.parametrize(
    "x, y_index, message",
    [
        (np.zeros(63), 0, r"x must be one example of 64 features, shape \(64,\) or \(1, 64\); got shape \(63,\)"),
        (np.zeros((2, 64)), 0, r"got shape \(2, 64\)"),
        (np.full(64, np.nan), 0, "finite numbers"),
        (np.zeros(64), 2, "class index 2 is not a class of this model: its class indices are 0 to 1"),
        (np.zeros(64), -1, "class index -1 is not a class"),
        (np.zeros(64), 0.5, "whole-number class index"),
        (np.zeros(64), True, "whole-number class index"),
    ],
)
def test_example_pass_rejects_bad_input(binary, x, y_index, message):
    model, _ = binary
    with pytest.raises(ValueError, match=message):
        backprop.example_pass(model, x, y_index)


def test_example_pass_takes_a_row(binary):
    model, data = binary
    row = backprop.example_pass(model, data.X_test[:1], 0)
    flat = backprop.example_pass(model, data.X_test[0], 0)
    np.testing.assert_array_equal(row.dw, flat.dw)


@pytest.mark.parametrize(
    "X, y_index, message",
    [
        (np.zeros((3, 10)), [0, 1, 0], r"X must have shape \(m, 64\)"),
        (np.zeros(64), [0], r"X must have shape \(m, 64\)"),
        (np.zeros((0, 64)), [], r"m >= 1"),
        (np.zeros((3, 64)), [0, 1], r"one class index per row of X \(3\)"),
        (np.zeros((2, 64)), [0, 2], "class index 2 is not a class of this model"),
        (np.zeros((2, 64)), [0.0, 1.0], "whole-number class indices"),
    ],
)
def test_batch_gradient_rejects_bad_input(binary, X, y_index, message):
    model, _ = binary
    with pytest.raises(ValueError, match=message):
        backprop.batch_gradient(model, X, y_index)


def test_an_unfitted_model_is_refused():
    with pytest.raises(ValueError, match="not fitted"):
        backprop.example_pass(LogisticRegressionGD(), np.zeros(64), 0)


# -- one update of a solver ------------------------------------------------------------------

SOLVER_CASES = [("gd", 0.5, None), ("momentum", 0.1, 32), ("adam", 0.01, 16), ("newton", 0.05, None)]


@pytest.mark.parametrize("task", ["0v1", "all"])
@pytest.mark.parametrize("solver, learning_rate, batch_size", SOLVER_CASES)
def test_a_solver_step_is_the_update_training_makes(task, solver, learning_rate, batch_size):
    """The numbers solver_step gives are those of the run's own next update, and they follow the rule."""
    from lrviz.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, NEWTON_DAMPING
    from lrviz.runs import Run
    from lrviz.settings import Settings

    run = Run(Settings(task=Task.parse(task), solver=solver, learning_rate=learning_rate, batch_size=batch_size,
                       lr_decay=0.01, iterations=2, l2=0.01))
    list(run.advance())
    model = run.model
    coef_before = model.coef_.copy()
    y = backprop.class_indices(model, run.data.y_train)
    step = backprop.solver_step(model, run.data.X_train, y, rows=run.next_batch)
    np.testing.assert_array_equal(model.coef_, coef_before)  # the model is left as it was
    X = run.data.X_train if step.rows is None else run.data.X_train[step.rows]
    g = backprop.batch_gradient(model, X, y if step.rows is None else y[step.rows])
    taken = run.step()
    np.testing.assert_allclose(step.coef_change, taken.coef_change, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(step.intercept_change, taken.intercept_change, rtol=1e-12, atol=1e-15)
    assert step.cost_before == pytest.approx(taken.batch_cost_before, rel=1e-12)
    assert step.cost_after == pytest.approx(taken.batch_cost_after, rel=1e-12)
    assert step.updates == 2 and step.solver == solver
    if batch_size:
        np.testing.assert_array_equal(step.rows, taken.batch)
    np.testing.assert_allclose(step.dW, g[0], atol=1e-14)
    eta = None if solver == "newton" else learning_rate / (1 + 0.01 * 2)
    assert step.step_size == (pytest.approx(eta) if eta else None)
    if solver == "gd":
        np.testing.assert_allclose(step.coef_change, -eta * step.dW, atol=1e-15)
    elif solver == "momentum":
        (v, _), (v_new, _) = step.moments_before["velocity"], step.moments_after["velocity"]
        np.testing.assert_allclose(v_new, 0.9 * v - eta * step.dW, atol=1e-15)
        np.testing.assert_allclose(step.coef_change, v_new, atol=1e-15)
        assert step.momentum == 0.9
    elif solver == "adam":
        (m, _), (m_new, _) = step.moments_before["first_moment"], step.moments_after["first_moment"]
        (s, _), (s_new, _) = step.moments_before["second_moment"], step.moments_after["second_moment"]
        np.testing.assert_allclose(m_new, ADAM_BETA1 * m + (1 - ADAM_BETA1) * step.dW, atol=1e-15)
        np.testing.assert_allclose(s_new, ADAM_BETA2 * s + (1 - ADAM_BETA2) * step.dW**2, atol=1e-15)
        c1, c2 = step.bias_correction
        assert (c1, c2) == pytest.approx((1 - ADAM_BETA1**3, 1 - ADAM_BETA2**3))
        np.testing.assert_allclose(step.coef_change, -eta * (m_new / c1) / (np.sqrt(s_new / c2) + ADAM_EPSILON),
                                   atol=1e-15)
    else:
        gradient = np.concatenate([step.dW, step.db[:, None]], axis=1).ravel()
        assert step.damping == pytest.approx(NEWTON_DAMPING * np.linalg.norm(gradient))
        assert step.hessian_size == gradient.size == (65 if task == "0v1" else 650)
        assert step.hessian_diagonal.shape == (step.dW.shape[0], 65) and (step.hessian_diagonal[:, -1] > 0).all()
        d_W, _ = step.direction
        np.testing.assert_allclose(step.coef_change, -step.step_length * d_W, atol=1e-15)
        assert 0 < step.step_length <= 1 and step.cost_after < step.cost_before


def test_another_solver_steps_as_its_first_update(binary):
    model, data = binary  # trained by gradient descent
    y = backprop.class_indices(model, data.y_train)
    step = backprop.solver_step(model, data.X_train, y, solver="adam", learning_rate=0.01)
    assert step.updates == 0 and step.bias_correction == pytest.approx((0.1, 0.001))
    assert not step.moments_before["first_moment"][0].any()  # fresh moments
    # Adam's first step moves every weight with a gradient by about the learning rate
    moved = np.abs(step.coef_change[np.abs(step.dW) > 1e-4])
    np.testing.assert_allclose(moved, 0.01, rtol=1e-3)
    with pytest.raises(ValueError):
        backprop.solver_step(model, data.X_train, y, solver="sgd")
    with pytest.raises(ValueError, match="one class index per row"):
        backprop.solver_step(model, data.X_train, y[:5])
