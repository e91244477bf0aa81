"""Digit tasks: names, short codes, labels, splits and the errors for impossible choices."""

import numpy as np
import pytest

from lrviz.data import Task, examples, load_digits_dataset, load_task


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
