"""Digit tasks: names, short codes, labels, splits and the errors for impossible choices."""

import numpy as np
import pytest

from lrviz.data import EXTRA_COPIES, EXTRA_ROWS, Task, examples, extra_copies, load_digits_dataset, load_task


def test_dataset_is_scaled_and_read_only():
    data = load_digits_dataset()
    assert data.X.shape == (1797, 64) and data.images.shape == (1797, 8, 8)
    assert data.X.min() == 0 and data.X.max() == 1
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0


@pytest.mark.parametrize(
    "code, name, classes, canonical",
    [
        ("0v1", "0 vs 1", ("0", "1"), "0v1"),
        ("38v5", "3 and 8 vs 5", ("3 or 8", "5"), "38v5"),
        ("83v5", "3 and 8 vs 5", ("3 or 8", "5"), "38v5"),
        ("2vrest", "2 vs rest", ("not 2", "2"), "2vrest"),
        ("147vrest", "1, 4 and 7 vs rest", ("not 1, 4 or 7", "1, 4 or 7"), "147vrest"),
        (" ALL ", "all ten digits", tuple("0123456789"), "all"),
    ],
)
def test_codes_names_and_classes(code, name, classes, canonical):
    task = Task.parse(code)
    assert (task.name, task.class_names, task.code) == (name, classes, canonical)
    assert Task.parse(task.code) == task


def test_constructors_match_codes():
    assert Task.versus([8, 3], 5) == Task.parse("38v5")
    assert Task.versus_rest([2]) == Task.parse("2vrest")
    assert Task.all_digits() == Task.parse("all")


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "not a task code"),
        ("0v0", "Digit 0 cannot be on both sides"),
        ("12v23", "Digit 2 cannot be on both sides"),
        ("123v23", "Digits 2 and 3 cannot be on both sides"),
        ("1v", "not a task code"),
        ("0123456789vrest", "'the rest' is empty"),
        ("11v2", "repeats a digit"),
        ("<script>alert(1)</script>", "not a task code"),
        ("x" * 500, "not a task code"),
    ],
)
def test_impossible_codes(code, message):
    with pytest.raises(ValueError, match=message) as error:
        Task.parse(code)
    assert len(str(error.value)) < 200


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: Task.versus([], [1]), "No digit is selected for the first side"),
        (lambda: Task.versus([1], []), "No digit is selected for the second side"),
        (lambda: Task.versus([10], [1]), "10 on the first side is not a digit"),
        (lambda: Task.versus([1], ["7"]), "'7' on the second side is not a digit"),
        (lambda: Task.versus([2, 3], [3]), "Digit 3 cannot be on both sides"),
        (lambda: Task.versus_rest(range(10)), "'the rest' is empty"),
    ],
)
def test_impossible_tasks(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_labels_follow_the_tutorial():
    """y = 1 for the second side of "A vs B" (in "0 vs 1", y is the digit), and for the
    named digits against the rest (in "2 vs rest", y = 1 means a 2)."""
    mask, y = Task.parse("0v1").labels(np.array([0, 1, 1, 7]))
    assert mask.tolist() == [True, True, True, False] and y.tolist() == [0, 1, 1]
    task = Task.parse("38v5")
    mask, y = task.labels(np.array([3, 5, 8, 1, 5]))
    assert mask.tolist() == [True, True, True, False, True]
    assert y.tolist() == [0, 1, 0, 1] and task.positive == (5,)
    mask, y = Task.parse("2vrest").labels(np.array([2, 5]))
    assert y.tolist() == [1, 0] and Task.parse("2vrest").positive == (2,)
    mask, y = Task.all_digits().labels(np.array([4, 0]))
    assert mask.all() and y.tolist() == [4, 0]


def test_split_is_stratified_by_digit_and_seeded():
    task = Task.parse("2vrest")
    data = load_task(task, test_size=0.25, random_state=7)
    assert len(data.X_test) == np.ceil(0.25 * 1797)
    counts = np.bincount(data.digits_test, minlength=10) / np.bincount(load_digits_dataset().y)
    assert counts.min() > 0.23 and counts.max() < 0.27
    assert (data.y_test == (data.digits_test == 2)).all()
    again = load_task(task, test_size=0.25, random_state=7)
    np.testing.assert_array_equal(data.X_train, again.X_train)
    other = load_task(task, test_size=0.25, random_state=8)
    assert not np.array_equal(data.X_train, other.X_train)


@pytest.mark.parametrize(
    "test_size, message",
    [
        (0, "between 0 and 1"),
        (1.0, "between 0 and 1"),
        (-0.2, "between 0 and 1"),
        ("0.2", "between 0 and 1"),
        (0.001, "leaves 1 test examples for the 2 digits"),
        (0.999, "leaves 0 training examples"),
    ],
)
def test_impossible_splits(test_size, message):
    with pytest.raises(ValueError, match=message):
        load_task(Task.parse("0v1"), test_size=test_size)


def test_smallest_allowed_test_share_keeps_every_digit():
    data = load_task(Task.all_digits(), test_size=10 / 1797)
    assert sorted(set(data.digits_test)) == list(range(10))


def test_examples_show_each_side():
    rows = examples(Task.parse("2vrest"), per_class=6)
    assert [(name, count) for name, count, _ in rows] == [("2", 177), ("not 2", 1620)]  # in the name's order
    assert [name for name, _, _ in examples(Task.parse("38v5"), 1)] == ["3 or 8", "5"]
    not_two = rows[1][2]
    assert not_two.shape == (6, 8, 8)
    data = load_digits_dataset()
    shown = [data.y[np.flatnonzero((data.images == image).all(axis=(1, 2)))[0]] for image in not_two]
    assert 2 not in shown and len(set(shown)) == 6


# The user's drawings as extra training examples ---------------------------------------


def _drawings(digits, seed=0):
    """Made-up drawings (counts 0..16) of the given digits."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 16, size=(len(digits), 64)).round(3), np.array(digits)


@pytest.mark.parametrize(
    "code, labels",
    [
        ("38v5", {3: 0, 8: 0, 5: 1}),
        ("2vrest", {d: int(d == 2) for d in range(10)}),
        ("all", {d: d for d in range(10)}),
        ("0v1", {0: 0, 1: 1}),
    ],
)
def test_extras_join_the_training_set_labelled_for_the_task(code, labels):
    task = Task.parse(code)
    X, digits = _drawings([3, 5, 8, 2, 0, 1, 7, 9, 4, 6, 5])
    plain, data = load_task(task), load_task(task, extra=(X, digits))
    used = np.flatnonzero(np.isin(digits, task.digits))
    copies = extra_copies(len(used))
    assert copies == EXTRA_COPIES
    n = len(plain.y_train)
    assert len(data.y_train) == n + copies * len(used)
    assert data.extras_used.tolist() == used.tolist()
    assert data.is_extra.sum() == copies * len(used) and not data.is_extra[:n].any()
    rows = data.extra_train[n:]
    np.testing.assert_array_equal(data.X_train[n:], X[rows] / 16)  # scaled like the digits
    assert data.y_train[n:].tolist() == [labels[d] for d in digits[rows]]
    assert data.digits_train[n:].tolist() == digits[rows].tolist()
    # The digits' own split is untouched: the same training rows first, the same test set.
    np.testing.assert_array_equal(data.X_train[:n], plain.X_train)
    np.testing.assert_array_equal(data.y_train[:n], plain.y_train)
    for name in ("X_test", "y_test", "digits_test"):
        np.testing.assert_array_equal(getattr(data, name), getattr(plain, name))


def test_extras_of_digits_the_task_does_not_use_are_left_out():
    X, digits = _drawings([7, 7, 2, 9])
    data = load_task(Task.parse("38v5"), extra=(X, digits))
    assert not data.is_extra.any() and data.extras_used.size == 0
    assert len(data.y_train) == len(load_task(Task.parse("38v5")).y_train)
    data = load_task(Task.parse("38v5"), extra=(X[:0], digits[:0]))  # none at all
    assert not data.is_extra.any() and data.used_extra() is None


def test_a_split_gives_back_the_drawings_it_uses_and_says_its_size():
    X, digits = _drawings([7, 3, 2, 5, 8])
    data = load_task(Task.parse("38v5"), extra=(X, digits))
    used_X, used_digits = data.used_extra()
    assert used_digits.tolist() == [3, 5, 8]  # each once, in order, those of the task only
    np.testing.assert_array_equal(used_X, X[[1, 3, 4]])  # exactly as given (counts 0..16)
    arrays = (data.X_train, data.X_test, data.y_train, data.y_test, data.digits_train, data.digits_test,
              data.extra_train)
    assert data.nbytes == sum(a.nbytes for a in arrays)


def test_a_digits_only_split_marks_no_row_as_extra():
    data = load_task(Task.parse("0v1"))
    assert data.extra_train.shape == data.y_train.shape and (data.extra_train == -1).all()
    with pytest.raises(ValueError):
        data.X_train[-1, 0] = 0.5  # read-only, as the digits' split is shared


def test_many_drawings_count_less_each():
    assert [extra_copies(n) for n in (1, 10, EXTRA_ROWS // EXTRA_COPIES, 150, EXTRA_ROWS, 1000)] == [
        EXTRA_COPIES, EXTRA_COPIES, EXTRA_COPIES, 2, 1, 1]
    X, digits = _drawings([d % 10 for d in range(400)])
    data = load_task(Task.all_digits(), extra=(X, digits))
    assert data.is_extra.sum() == 400


def test_the_same_call_gives_the_same_model():
    from lrviz.model import LogisticRegressionGD

    X, digits = _drawings([3, 8, 5, 5, 3])
    models = [LogisticRegressionGD(learning_rate=1.0, max_iter=50).fit(data.X_train, data.y_train)
              for data in (load_task(Task.parse("38v5"), extra=(X, digits)) for _ in range(2))]
    np.testing.assert_array_equal(models[0].coef_, models[1].coef_)
    plain = load_task(Task.parse("38v5"))
    without = LogisticRegressionGD(learning_rate=1.0, max_iter=50).fit(plain.X_train, plain.y_train)
    assert not np.array_equal(models[0].coef_, without.coef_)  # and the drawings do change it


@pytest.mark.parametrize(
    "extra, message",
    [
        ((np.zeros((2, 63)), [1, 2]), r"shape \(n, 64\).*got shape \(2, 63\)"),
        ((np.zeros(64), [1]), r"got shape \(64,\)"),
        ((np.zeros((1, 8, 8)), [1]), r"got shape \(1, 8, 8\)"),
        (([["a"] * 64], [1]), "must be numbers"),
        ((np.full((1, 64), np.nan), [1]), "Drawing 0 holds NaN or infinity"),
        ((np.vstack([np.zeros(64), np.full(64, np.inf)]), [1, 2]), "Drawing 1 holds NaN or infinity"),
        ((np.full((1, 64), 17.0), [1]), "Drawing 0 has 17 at feature 0; features are counts of ink from 0 to 16"),
        ((np.full((1, 64), -0.5), [1]), "has -0.5 at feature 0"),
        ((np.zeros((2, 64)), [1]), "one digit per drawing: 2 drawings"),
        ((np.zeros((1, 64)), [10]), "Drawing 0 is labelled 10; digits are the whole numbers 0 to 9"),
        ((np.zeros((2, 64)), [3, -1]), "Drawing 1 is labelled -1"),
        ((np.zeros((1, 64)), [3.5]), "whole numbers from 0 to 9; got \\[3.5\\]"),
        ((np.zeros((1, 64)), ["3"]), "whole numbers from 0 to 9"),
        ((np.zeros((1, 64)), [True]), "whole numbers from 0 to 9"),
        ((np.zeros((1, 64)), [np.nan]), "whole numbers from 0 to 9"),
        (np.zeros((1, 64)), "extra must be a pair"),
    ],
)
def test_bad_extras_say_what_is_wrong(extra, message):
    with pytest.raises(ValueError, match=message):
        load_task(Task.all_digits(), extra=extra)


def test_whole_float_labels_and_lists_are_accepted():
    data = load_task(Task.parse("0v1"), extra=([[0.0] * 64, [16.0] * 64], [0.0, 1.0]))
    assert data.y_train[data.is_extra].tolist() == [0, 1] * EXTRA_COPIES


def test_a_test_example_of_each_digit():
    data = load_task(Task.parse("all"), 0.2)
    for digit in range(10):
        row = data.test_example(digit)
        assert data.digits_test[row] == digit and not (data.digits_test[:row] == digit).any()
    with pytest.raises(ValueError, match="no example of digit 5"):
        load_task(Task.parse("0v1"), 0.2).test_example(5)
