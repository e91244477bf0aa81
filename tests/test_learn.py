"""Learning a user's drawings: the retrain, the fair count, and the report of what changed."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from lrviz import learn
from lrviz.canvas import canvas_to_digit
from lrviz.ready import ready_run, train_ready_run

from drawn_digits import CANVAS_SIZE, DRAWN_DIGITS, render, to_canvas


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """As the app trains: more BLAS threads make these small products far slower on a busy machine."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def ready(one_blas_thread):
    return ready_run()


@pytest.fixture(scope="module")
def odd_hand():
    """A hand the ready model has not seen: the mouse-drawn digits mirrored left to right, each
    drawn with two pens; (features 0..16, digits)."""
    features, digits = [], []
    for digit, strokes in DRAWN_DIGITS:
        mirrored = [[(CANVAS_SIZE - 1 - x, y) for x, y in stroke] for stroke in strokes]
        for pen in (10, 20):
            features.append(canvas_to_digit(to_canvas(render(mirrored, pen), "dark_on_light")))
            digits.append(digit)
    return np.stack(features), np.array(digits)


def _trained(run):
    for _ in run.advance():
        pass
    return run


def test_a_retrain_starts_from_the_ready_model_and_learns_the_drawings(ready, odd_hand):
    run = learn.retrain_run(ready, odd_hand)
    first = run.begin()
    np.testing.assert_array_equal(first.coef, ready.model.coef_)
    np.testing.assert_array_equal(first.intercept, ready.model.intercept_)
    _trained(run)
    assert run.status == "finished" and run.iteration == learn.RETRAIN_ITERATIONS
    assert run.total_iterations == ready.total_iterations + learn.RETRAIN_ITERATIONS
    assert "46 of your drawings" in run.label and "+46 drawings" in run.label
    assert run.data.extras_used.size == 46
    X, digits = run.data.used_extra()  # the drawings it learns, as they were given
    np.testing.assert_array_equal(X, odd_hand[0])
    np.testing.assert_array_equal(digits, odd_hand[1])
    np.testing.assert_array_equal(run.data.X_test, ready.data.X_test)  # the same test digits


def test_the_same_drawings_give_the_same_model(ready, odd_hand):
    first, second = (_trained(learn.retrain_run(ready, odd_hand)) for _ in range(2))
    np.testing.assert_array_equal(first.model.coef_, second.model.coef_)


def test_the_report_says_what_changed(ready, odd_hand):
    X, digits = odd_hand
    run = _trained(learn.retrain_run(ready, odd_hand))
    fair = learn.fair_predictions(ready, odd_hand)
    report = learn.report(ready, run, odd_hand, fair)
    assert report.drawings == 46 and report.folds == learn.FAIR_FOLDS
    assert report.right_before == np.sum(ready.model.predict(X / 16) == digits)
    assert report.right_after == np.sum(run.model.predict(X / 16) == digits)
    assert report.right_fair == np.sum(fair == digits)
    assert report.right_before <= 36  # the mirrored hand is new to the ready model ...
    assert report.right_after >= report.right_before + 6  # ... and the retrain learns it
    assert report.right_fair <= report.right_after  # a drawing not trained on is harder
    assert report.test_accuracy_before == pytest.approx(ready.last.test_accuracy)
    assert report.test_accuracy_after == pytest.approx(run.last.test_accuracy)
    assert report.test_accuracy_after >= report.test_accuracy_before - 0.02
    first = learn.report(ready, run, odd_hand)  # what a page shows before the fair count is done
    assert first.right_fair is None and first.read_fair is None
    assert (first.right_before, first.right_after) == (report.right_before, report.right_after)
    assert report.read_before.shape == report.read_after.shape == report.read_fair.shape == (46,)


def test_the_fair_count_reads_each_drawing_with_a_model_that_never_saw_it(ready, odd_hand):
    """With no more drawings than folds, each is read by the retrain of all the others."""
    X, digits = odd_hand[0][[4, 30, 40]], odd_hand[1][[4, 30, 40]]  # a 1, a 6 and a 9, mirrored
    fair = learn.fair_predictions(ready, (X, digits))
    for i in range(len(digits)):
        others = np.arange(len(digits)) != i
        run = _trained(learn.retrain_run(ready, (X[others], digits[others])))
        assert fair[i] == run.model.predict(X[i : i + 1] / 16)[0]
    full = _trained(learn.retrain_run(ready, (X, digits)))
    assert not np.array_equal(fair, full.model.predict(X / 16))  # a model that saw them reads them otherwise
    assert learn.fair_predictions(ready, (X[:1], digits[:1]))[0] == ready.model.predict(X[:1] / 16)[0]


def test_the_folds_mix_the_digits():
    digits = np.repeat(np.arange(10), 5)
    fold = learn.fair_folds(digits)
    assert np.bincount(fold).tolist() == [13, 13, 12, 12]
    assert all(len(set(digits[fold == k])) >= 9 for k in range(learn.FAIR_FOLDS))
    assert learn.fair_folds(np.array([3, 1])).tolist() == [1, 0]


def test_bad_calls_say_what_is_wrong(ready, odd_hand):
    with pytest.raises(ValueError, match="no drawings to learn from"):
        learn.retrain_run(ready, (np.zeros((0, 64)), np.zeros(0, int)))
    with pytest.raises(ValueError, match="labelled 11"):
        learn.retrain_run(ready, (np.zeros((1, 64)), [11]))
    with pytest.raises(ValueError, match="trained ready model"):
        learn.retrain_run(train_ready_run(), odd_hand)  # not trained yet
    run = _trained(learn.retrain_run(ready, odd_hand))
    with pytest.raises(ValueError, match="one digit per drawing"):
        learn.report(ready, run, odd_hand, np.zeros(3))


def test_a_few_corrections_teach_a_backwards_three(ready):
    """What the browser test (test_e2e_handwriting) shows on the page: the ready model misreads a 3
    drawn backwards however it is redrawn; four of them learnt, a fifth is read right."""
    from drawn_digits import BACKWARDS_THREE, REDRAWN, moved

    drawn = np.stack([canvas_to_digit(to_canvas(render(moved(BACKWARDS_THREE, *how), 22), "dark_on_light"))
                      for how in REDRAWN])
    assert not (ready.model.predict(drawn / 16) == 3).any()
    run = _trained(learn.retrain_run(ready, (drawn[:4], np.full(4, 3))))
    assert run.model.predict(drawn[4:] / 16).tolist() == [3]
