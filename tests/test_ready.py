"""The ready model: trained on the digits stood upright, at least 96 % on their test set, reads drawings;
shipped as a model file that training gives again."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from lrviz.canvas import canvas_to_digit
from lrviz.data import Task, load_task
from lrviz.ready import MODEL_FILE, ready_data, ready_run, train_ready_run
from lrviz.runs import ready_settings
from lrviz.slant import upright_digits

from drawn_digits import DRAWN_DIGITS, render, to_canvas


@pytest.fixture(scope="module")
def ready():
    return ready_run()


def test_the_ready_model_keeps_its_accuracy_on_the_digits(ready):
    assert ready.settings == ready_settings() and ready.status == "loaded"
    assert ready.total_iterations == ready_settings().iterations and list(ready.advance()) == []
    assert ready.last.test_accuracy >= 0.96
    assert ready.model.score(ready.data.X_test, ready.data.y_test) == ready.last.test_accuracy


def test_training_gives_the_shipped_weights(ready):
    """If this fails, the way the ready model is trained changed: run python scripts/build_ready_model.py."""
    trained = train_ready_run()
    with threadpool_limits(limits=1, user_api="blas"):  # as the app trains it; more threads are far slower here
        for _ in trained.advance():
            pass
    np.testing.assert_allclose(ready.model.coef_, trained.model.coef_, rtol=1e-8, atol=1e-10,
                               err_msg=f"{MODEL_FILE.name} is out of date: run python scripts/build_ready_model.py")
    np.testing.assert_allclose(ready.model.intercept_, trained.model.intercept_, rtol=1e-8, atol=1e-10)
    assert ready.last.test_accuracy == trained.last.test_accuracy


def test_the_ready_split_is_the_digits_split_stood_upright():
    plain, data = load_task(Task.all_digits()), ready_data()
    for name in ("y_train", "y_test", "digits_train", "digits_test"):
        np.testing.assert_array_equal(getattr(data, name), getattr(plain, name))
    np.testing.assert_allclose(data.X_test, upright_digits(plain.X_test))
    np.testing.assert_allclose(data.X_train, upright_digits(plain.X_train))
    assert not np.allclose(data.X_test, plain.X_test)


def test_drawings_join_the_ready_split_as_they_are():
    X = np.random.default_rng(0).uniform(0, 16, size=(4, 64))
    plain, data = ready_data(), ready_data((X, [1, 2, 3, 4]))
    n = len(plain.y_train)
    np.testing.assert_array_equal(data.X_train[:n], plain.X_train)
    np.testing.assert_array_equal(data.X_test, plain.X_test)
    np.testing.assert_array_equal(data.X_train[n:], X[data.extra_train[n:]] / 16)  # not stood upright again
    assert data.extras_used.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("pen", [8, 25])
def test_the_ready_model_reads_the_mouse_drawn_digits(ready, pen):
    features = np.stack([canvas_to_digit(to_canvas(render(strokes, pen), "dark_on_light"))
                         for _, strokes in DRAWN_DIGITS])
    digits = np.array([digit for digit, _ in DRAWN_DIGITS])
    read = ready.model.predict(features / 16)
    wrong = [(int(d), int(r)) for d, r in zip(digits, read, strict=True) if d != r]
    assert len(wrong) <= 1, f"{pen} px pen: misread (drawn, read): {wrong}"
