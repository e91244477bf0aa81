"""The handwritten digits, and the tasks a model can learn on them.

The data are scikit-learn's copy of the UCI digits: 1797 images of 8x8 pixels, each
pixel a count 0..16 of ink in a 4x4 block of a 32x32 bitmap. lrviz scales them to
[0, 1] (pixels / 16), as the tutorials do.

A `Task` says which digits to tell apart: some digits against others ("3 and 8 vs 5"),
some digits against the rest ("2 vs rest"), or all ten digits (a softmax layer). It has
a readable name and a short code for links (`38v5`, `2vrest`, `all`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

DIGITS = tuple(range(10))
IMAGE_SHAPE = (8, 8)
#: The largest pixel value of the digits: a count of ink in 16 bitmap cells.
PIXEL_MAX = 16.0
DEFAULT_TEST_SIZE = 0.2
DEFAULT_SPLIT_SEED = 42
#: How to say what a task code looks like, in messages.
TASK_CODE_EXAMPLES = "e.g. 0v1, 38v5, 2vrest or all"


@dataclass(frozen=True)
class DigitsDataset:
    """All 1797 digits: features X in [0, 1] (pixels / 16), shape (1797, 64), and labels y."""

    X: np.ndarray
    y: np.ndarray

    @property
    def images(self) -> np.ndarray:
        """The digits as 8x8 images in [0, 1], row 0 at the top."""
        return self.X.reshape(-1, *IMAGE_SHAPE)


@lru_cache(maxsize=1)
def load_digits_dataset() -> DigitsDataset:
    """Load the digits shipped with scikit-learn (no download), scaled to [0, 1]; read-only arrays."""
    digits = load_digits()
    X = digits.data / PIXEL_MAX
    y = digits.target.astype(int)
    X.flags.writeable = y.flags.writeable = False
    return DigitsDataset(X, y)


def _join(digits: tuple[int, ...], word: str) -> str:
    """(3,) -> "3"; (3, 8) -> "3 and 8"; (1, 3, 8) -> "1, 3 and 8" (word = "and" or "or")."""
    names = [str(d) for d in digits]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


@dataclass(frozen=True)
class Task:
    """Which digits a model learns to tell apart.

    `left` and `right` are the two sides of the name "left vs right"; `right` is None
    for all other digits ("rest"). A two-class neuron's y = 1 (its "yes", a = P(y = 1))
    is the second side of "A vs B", as in the tutorial's "0 vs 1" where y is the digit,
    and the named digits of "A vs rest", as in its "2 vs rest": see `positive`.
    `Task.all_digits()` is the ten-class task. Build tasks with `Task.versus`,
    `Task.versus_rest`, `Task.all_digits` or `Task.parse`.
    """

    left: tuple[int, ...]
    right: tuple[int, ...] | None
    all_ten: bool = False

    @classmethod
    def versus(cls, left, right) -> Task:
        """Some digits against some others, e.g. Task.versus([3, 8], [5])."""
        left, right = _digit_set(left, "the first side"), _digit_set(right, "the second side")
        both = sorted(set(left) & set(right))
        if both:
            raise ValueError(
                f"{'Digit' if len(both) == 1 else 'Digits'} {_join(tuple(both), 'and')} cannot be on both sides; "
                "put each digit on one side only."
            )
        return cls(left, right)

    @classmethod
    def versus_rest(cls, left) -> Task:
        """Some digits against all the others, e.g. Task.versus_rest([2])."""
        left = _digit_set(left, "the first side")
        if len(left) == len(DIGITS):
            raise ValueError("All ten digits are on the first side, so 'the rest' is empty: leave some out.")
        return cls(left, None)

    @classmethod
    def all_digits(cls) -> Task:
        """All ten digits, each its own class: a softmax layer of ten neurons."""
        return cls(DIGITS, None, all_ten=True)

    @classmethod
    def parse(cls, code: str) -> Task:
        """Read a short code: `0v1`, `38v5`, `2vrest` or `all` (the form of `Task.code`)."""
        text = str(code).strip().lower()
        if text == "all":
            return cls.all_digits()
        match = re.fullmatch(r"(\d+)v(\d+|rest)", text)
        if not match:
            raise ValueError(
                f"{str(code)[:40]!r} is not a task code; expected digits, 'v', then digits or "
                "'rest', e.g. '0v1', '38v5', '2vrest', or 'all'."
            )
        left, right = match.groups()
        for side in (left, right):
            if side != "rest" and len(set(side)) < len(side):
                raise ValueError(f"Task code {text!r} repeats a digit on one side; name each digit once.")
        if right == "rest":
            return cls.versus_rest([int(c) for c in left])
        return cls.versus([int(c) for c in left], [int(c) for c in right])

    @property
    def code(self) -> str:
        """The short form for links: `0v1`, `38v5`, `2vrest`, `all`."""
        if self.all_ten:
            return "all"
        right = "rest" if self.right is None else "".join(map(str, self.right))
        return f"{''.join(map(str, self.left))}v{right}"

    @property
    def name(self) -> str:
        """The readable form: "0 vs 1", "3 and 8 vs 5", "2 vs rest", "all ten digits"."""
        if self.all_ten:
            return "all ten digits"
        right = "rest" if self.right is None else _join(self.right, "and")
        return f"{_join(self.left, 'and')} vs {right}"

    @property
    def digits(self) -> tuple[int, ...]:
        """Every digit whose examples the task uses."""
        if self.right is None:
            return DIGITS
        return tuple(sorted(self.left + self.right))

    @property
    def positive(self) -> tuple[int, ...]:
        """The digits of class 1 (y = 1) of a two-class task: `right`, or `left` against the rest."""
        return self.left if self.right is None else self.right

    @property
    def class_names(self) -> tuple[str, ...]:
        """A name per class, in the order of the labels `labels` gives (and of `classes_`).

        Two classes: index 1 is `positive` ("1" in "0 vs 1", "5" in "3 and 8 vs 5", "2" in
        "2 vs rest"), index 0 the other side ("0", "3 or 8", "not 2").
        """
        if self.all_ten:
            return tuple(str(d) for d in DIGITS)
        if self.right is None:
            return (f"not {_join(self.left, 'or')}", _join(self.left, "or"))
        return (_join(self.left, "or"), _join(self.right, "or"))

    @property
    def sides(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """(class name, digits) of each side, in the order of the task's name ("2" before "not 2")."""
        if self.all_ten:
            return tuple((str(d), (d,)) for d in DIGITS)
        if self.right is None:
            rest = tuple(d for d in DIGITS if d not in self.left)
            return ((self.class_names[1], self.left), (self.class_names[0], rest))
        return ((self.class_names[0], self.left), (self.class_names[1], self.right))

    def labels(self, digit_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of the examples the task uses, their class labels) for an array of digit labels."""
        digit_labels = np.asarray(digit_labels)
        mask = np.isin(digit_labels, self.digits)
        if self.all_ten:
            return mask, digit_labels[mask].astype(int)
        return mask, np.isin(digit_labels[mask], self.positive).astype(int)


def _digit_set(digits, side: str) -> tuple[int, ...]:
    """Validate a side of a task: distinct digits 0..9, at least one; sorted."""
    values = list(digits) if not isinstance(digits, (int, np.integer)) else [digits]
    if not values:
        raise ValueError(f"No digit is selected for {side}: pick at least one.")
    result = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= 9:
            raise ValueError(f"{value!r} on {side} is not a digit; digits are the whole numbers 0 to 9.")
        result.append(int(value))
    return tuple(sorted(set(result)))


#: Each of the user's drawings counts as this many training digits (it is put in the
#: training set that many times, identical copies: the same as a weight, for a model that
#: takes none), so that ten drawings of a digit are heard next to the ~140 digits of it.
EXTRA_COPIES = 3
#: ... but the copies of all drawings together stop at about this many rows (down to one
#: copy each): a class's merged file of hundreds of drawings needs no extra weight, and
#: each copy makes every training iteration slower.
EXTRA_ROWS = 300


@dataclass(frozen=True)
class TaskData:
    """A task's examples split into training and test sets.

    X_* are features in [0, 1], y_* the class labels of the task, digits_* the digit
    each example shows (for pictures and error analysis). `extra_train` says which
    training rows are the user's own drawings (see `load_task`'s `extra`): for each
    training row, the index in `extra` of the drawing it is a copy of, or -1 for the
    digits' own examples. The test set only ever holds the digits' own examples.
    """

    task: Task
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    digits_train: np.ndarray
    digits_test: np.ndarray
    extra_train: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.extra_train is None:  # no drawings: every row is one of the digits
            rows = np.full(len(self.y_train), -1)
            rows.flags.writeable = False
            object.__setattr__(self, "extra_train", rows)

    @property
    def is_extra(self) -> np.ndarray:
        """A mask of the training rows that are (copies of) the user's drawings."""
        return self.extra_train >= 0

    @property
    def extras_used(self) -> np.ndarray:
        """Indices in `extra` of the drawings this task trains on, each once, in order."""
        return np.unique(self.extra_train[self.is_extra])

    def used_extra(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The drawings this split trains on, each once, as an `extra=(X, digits)` pair (counts
        0..16, as `load_task` took them), or None when it has none."""
        rows = np.flatnonzero(self.is_extra)
        if not rows.size:
            return None
        _, first = np.unique(self.extra_train[rows], return_index=True)
        return self.X_train[rows[first]] * PIXEL_MAX, self.digits_train[rows[first]]

    def test_example(self, digit: int) -> int:
        """The row of the first test example that shows `digit` (e.g. a digit to classify without
        drawing it); ValueError if the test set has none."""
        rows = np.flatnonzero(self.digits_test == digit)
        if not rows.size:
            raise ValueError(f"The test set has no example of digit {digit}; it has digits "
                             f"{sorted(set(self.digits_test.tolist()))}.")
        return int(rows[0])

    @property
    def nbytes(self) -> int:
        """Memory the split's arrays take."""
        return sum(getattr(self, field.name).nbytes for field in dataclasses.fields(self) if field.name != "task")


def extra_copies(n: int) -> int:
    """How many times each of n drawings goes into a training set: EXTRA_COPIES, fewer for many."""
    return int(np.clip(EXTRA_ROWS // max(n, 1), 1, EXTRA_COPIES))


def check_extra(X, digits) -> tuple[np.ndarray, np.ndarray]:
    """Validate the user's drawings: X of shape (n, 64) with values 0..16, digits n whole numbers 0..9.

    Returns them as (float array, int array); ValueError says what is wrong.
    """
    n_features = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    try:
        X = np.array(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"The drawings must be numbers: an array of shape (n, {n_features}).") from None
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(f"The drawings must have shape (n, {n_features}), one row of {n_features} features "
                         f"(8x8 pixels, 0..16) per drawing; got shape {X.shape}.")
    if not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"Drawing {row} holds NaN or infinity; features must be numbers from 0 to {PIXEL_MAX:g}.")
    outside = (X < 0) | (X > PIXEL_MAX)
    if outside.any():
        row, col = (int(i) for i in np.argwhere(outside)[0])
        raise ValueError(f"Drawing {row} has {X[row, col]:g} at feature {col}; features are counts of ink from 0 "
                         f"to {PIXEL_MAX:g}, as canvas_to_digit returns them (not divided by 16).")
    labels = np.asarray(digits)
    if labels.ndim != 1 or len(labels) != len(X):
        raise ValueError(f"There must be one digit per drawing: {len(X)} drawings, but digits of shape "
                         f"{labels.shape}.")
    whole = labels.dtype.kind in "iu" or (
        labels.dtype.kind == "f" and bool(np.isfinite(labels).all()) and bool((labels == np.round(labels)).all()))
    if labels.size and not whole:
        raise ValueError(f"The drawings' digits must be whole numbers from 0 to 9; got {labels[:3].tolist()!r}"
                         f"{' ...' if len(labels) > 3 else ''}.")
    labels = labels.astype(int) if labels.size else np.zeros(0, int)
    wrong = (labels < 0) | (labels > 9)
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise ValueError(f"Drawing {row} is labelled {labels[row]}; digits are the whole numbers 0 to 9.")
    return X, labels


def load_task(task: Task, test_size: float = DEFAULT_TEST_SIZE, random_state: int = DEFAULT_SPLIT_SEED,
              extra: tuple | None = None) -> TaskData:
    """The task's examples in a train/test split stratified by digit, reproducible by `random_state`.

    Stratifying by digit keeps each digit's share equal in both sets (so "2 vs rest"
    tests on every other digit, not on a lucky draw).

    `extra=(X, digits)` adds the user's own drawings to the training set: X of shape
    (n, 64) with counts 0..16 as `canvas_to_digit` returns them (divided by 16 here, like
    the digits), and the digit each shows. They are labelled for the task as the digits
    are; drawings of digits the task does not use are left out. Each counts as
    `extra_copies(n)` training digits (see EXTRA_COPIES), in rows after the digits' own.
    The split of the digits themselves is the same with or without extras, and the test
    set stays theirs alone, so test accuracies with and without drawings compare. The
    same call gives the same data, and so the same model.
    """
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0 < test_size < 1:
        raise ValueError(f"The test share must be a number between 0 and 1 (exclusive); got {test_size!r}.")
    if extra is not None and not (isinstance(extra, tuple) and len(extra) == 2):
        raise ValueError(f"extra must be a pair (X, digits); got {type(extra).__name__}.")
    extra_X, extra_digits = check_extra(*extra) if extra is not None else (np.zeros((0, 64)), np.zeros(0, int))
    data = load_digits_dataset()
    mask, y = task.labels(data.y)
    X, digits = data.X[mask], data.y[mask]
    n_digits, n = len(task.digits), len(y)
    n_test = math.ceil(test_size * n)
    if n_test < n_digits or n - n_test < n_digits:
        part, count = ("test", n_test) if n_test < n_digits else ("training", n - n_test)
        raise ValueError(
            f"A test share of {test_size:g} leaves {count} {part} examples for the {n_digits} digits of "
            f"'{task.name}', so some digit would have no {part} example; choose a test share between "
            f"{n_digits / n:.3f} and {1 - n_digits / n:.3f}."
        )
    X_train, X_test, y_train, y_test, digits_train, digits_test = train_test_split(
        X, y, digits, test_size=test_size, random_state=random_state, stratify=digits)
    used, extra_y = task.labels(extra_digits)
    kept = np.flatnonzero(used)
    times = extra_copies(len(kept))
    copies = np.tile(kept, times)
    parts = (np.concatenate([X_train, extra_X[copies] / PIXEL_MAX]), X_test,
             np.concatenate([y_train, np.tile(extra_y, times)]), y_test,
             np.concatenate([digits_train, extra_digits[copies]]), digits_test,
             np.concatenate([np.full(len(y_train), -1), copies]))
    for part in parts:
        part.flags.writeable = False  # a split may be shared (the app caches it across sessions)
    return TaskData(task, *parts)


def examples(task: Task, per_class: int = 8) -> list[tuple[str, int, np.ndarray]]:
    """For each side of the task (see `Task.sides`): (name, number of examples, the first `per_class` images)."""
    data = load_digits_dataset()
    result = []
    for name, digits in task.sides:
        rows = np.flatnonzero(np.isin(data.y, digits))
        # Take examples round-robin over the side's digits, so "not 2" shows several digits.
        by_digit = [rows[data.y[rows] == d] for d in digits]
        picked = [r[i] for i in range(per_class) for r in by_digit if i < len(r)][:per_class]
        result.append((name, len(rows), data.images[picked]))
    return result
