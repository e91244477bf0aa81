"""Learning the user's handwriting: the ready model trained on with their drawings, and what changed.

`retrain_run` is the run the Draw page trains (and shows live, as Train does): the
ready model's recipe (`lrviz.ready`) with the drawings added to its training set, each
counting as a few digits (`lrviz.data.EXTRA_COPIES`). It starts from the ready model's
weights and makes RETRAIN_ITERATIONS more updates, always from that same start, so the
same drawings always give the same model, and a retrain takes a fraction of a second.

`report` then says what changed: how many drawings the model read right before and
after, and how many it reads right *fairly*: each drawing by a model that never saw it.
A model that trained on a drawing is apt to read it right; only the fair count says
whether it learnt the handwriting rather than the drawings. `fair_predictions` trains
those models by k-fold cross-validation over the drawings (FAIR_FOLDS folds; fewer
drawings than that: one model per drawing), each fold by the very same recipe without
its drawings. With more folds each model would see more of the other drawings and
score a little higher; FAIR_FOLDS keeps the fair count under a second (0.8 s for 100
drawings, bench/bench_handwriting.py), the retrain itself takes about half that.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from lrviz.data import PIXEL_MAX, check_extra
from lrviz.ready import ready_data
from lrviz.runs import Run, Settings

#: Updates a retrain makes from the ready model's weights. On digits from writers the
#: training digits never saw, ten drawings of each digit and 300 updates read the others
#: (0.87) about as well as a fit from zero of 2000 updates (0.88; bench/bench_handwriting.py),
#: with a sixth of the updates.
RETRAIN_ITERATIONS = 300
#: Folds of the fair count: that many extra trainings of RETRAIN_ITERATIONS each.
FAIR_FOLDS = 4


def retrain_settings(ready: Run) -> Settings:
    """The ready model's settings with RETRAIN_ITERATIONS iterations."""
    return dataclasses.replace(ready.settings, iterations=RETRAIN_ITERATIONS)


def retrain_run(ready: Run, extra: tuple) -> Run:
    """A new run that learns the drawings: the ready model's recipe with `extra=(X, digits)` added.

    `ready` is the trained ready model (`lrviz.ready.ready_run()`, trained); the run
    starts from its weights. It is not trained yet: drive `run.advance()` (live, as on
    Train) to its end.
    """
    _check_ready(ready)
    X, digits = check_extra(*extra)
    if not len(digits):
        raise ValueError("There are no drawings to learn from yet: draw a digit and confirm it first.")
    return Run(retrain_settings(ready), data=ready_data((X, digits)),
               initial_weights=(ready.model.coef_, ready.model.intercept_),
               origin=f"the ready model, trained on with {len(digits)} of your drawings",
               prior_iterations=ready.total_iterations)


def fair_folds(digits: np.ndarray) -> np.ndarray:
    """The fold of each drawing: drawings sorted by digit are dealt round the folds, so each fold has a mix."""
    digits = np.asarray(digits)
    folds = min(FAIR_FOLDS, len(digits))
    order = np.argsort(digits, kind="stable")
    fold = np.empty(len(digits), int)
    fold[order] = np.arange(len(digits)) % max(folds, 1)
    return fold


def fair_predictions(ready: Run, extra: tuple) -> np.ndarray:
    """For each drawing, the digit read by a model trained as `retrain_run` trains, without that drawing."""
    _check_ready(ready)
    X, digits = check_extra(*extra)
    fold = fair_folds(digits)
    predicted = np.empty(len(digits), int)
    settings = retrain_settings(ready)
    for k in np.unique(fold):
        others = fold != k
        data = ready_data((X[others], digits[others]) if others.any() else None)
        model = settings.estimator().fit(data.X_train, data.y_train, coef_init=ready.model.coef_,
                                         intercept_init=ready.model.intercept_)
        predicted[~others] = model.predict(X[~others] / PIXEL_MAX)
    return predicted


@dataclass(frozen=True)
class LearnReport:
    """What learning the drawings changed. Counts are of the drawings; accuracies of the digits' test set."""

    drawings: int
    right_before: int
    right_after: int
    right_fair: int | None
    folds: int
    test_accuracy_before: float
    test_accuracy_after: float
    read_before: np.ndarray
    read_after: np.ndarray
    read_fair: np.ndarray | None


def report(before: Run, after: Run, extra: tuple, fair: np.ndarray | None = None) -> LearnReport:
    """Compare the ready model (`before`) with the retrained run `after`: on the drawings
    `extra=(X, digits)`, and on the digits' test set (both models' inputs: stood upright).
    `fair` is `fair_predictions` for the same drawings; without it (a page shows the rest
    first: the fair count takes longer than the retrain) `right_fair` is None. Computes,
    trains nothing."""
    X, digits = check_extra(*extra)
    if fair is not None:
        fair = np.asarray(fair)
        if fair.shape != digits.shape:
            raise ValueError(f"fair must hold one digit per drawing ({len(digits)}); got shape {fair.shape}.")
    read_before, read_after = before.model.predict(X / PIXEL_MAX), after.model.predict(X / PIXEL_MAX)
    test = after.data.X_test, after.data.y_test
    return LearnReport(
        drawings=len(digits),
        right_before=int(np.sum(read_before == digits)),
        right_after=int(np.sum(read_after == digits)),
        right_fair=None if fair is None else int(np.sum(fair == digits)),
        folds=int(min(FAIR_FOLDS, len(digits))),
        test_accuracy_before=float(before.model.score(*test)),
        test_accuracy_after=float(after.model.score(*test)),
        read_before=read_before, read_after=read_after, read_fair=fair,
    )


def _check_ready(ready: Run) -> None:
    if not isinstance(ready, Run) or ready.last is None or not ready.settings.task.all_ten:
        raise ValueError("ready must be the trained ready model's run (all ten digits).")
