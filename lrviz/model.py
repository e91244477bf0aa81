"""`LogisticRegressionGD`: logistic regression as a one-neuron network, trained by gradient descent.

Two classes: one sigmoid neuron, a = sigmoid(w.x + b). Three or more: a softmax layer
with one neuron per class. The cost is the mean cross-entropy plus l2/2 ||W||^2 (the
bias is not penalised). The estimator follows scikit-learn's API, and `train` lets a
caller watch the same training loop that `fit` runs.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_random_state, check_scalar, validate_data
from threadpoolctl import threadpool_limits

from lrviz import neuron
from lrviz.training import gradient_descent

INITS = ("zeros", "random")
#: Standard deviation of the random initial weights: small, so training starts near
#: the zero-init point but with the neurons' symmetry broken.
RANDOM_INIT_SCALE = 0.01


class DivergenceWarning(UserWarning):
    """The cost blew up during training: the learning rate is too large."""


@dataclass(frozen=True)
class Snapshot:
    """The model as it stood after `iteration` updates.

    Costs are J = mean cross-entropy + l2/2 ||W||^2 on the training data and, when
    an evaluation set was given, on that set. `coef` and `intercept` are read-only
    copies, shaped like `coef_` and `intercept_`. `stop_reason` is None until the
    last snapshot of a call to `train`, where it is "max_iter", "tol" or "diverged".
    """

    iteration: int
    train_cost: float
    train_accuracy: float
    coef: np.ndarray
    intercept: np.ndarray
    test_cost: float | None = None
    test_accuracy: float | None = None
    stop_reason: str | None = None


class LogisticRegressionGD(ClassifierMixin, BaseEstimator):
    """Logistic regression trained from scratch by batch gradient descent.

    Parameters
    ----------
    learning_rate : step size of gradient descent, > 0.
    max_iter : number of updates (iterations) a call to `fit` makes, >= 1.
    tol : stop early once the cost changes by less than this between two iterations;
        0 runs all `max_iter` iterations.
    l2 : strength of the L2 penalty l2/2 ||W||^2 on the weights (not the bias), >= 0.
    init : "zeros" (the tutorial's start) or "random" (small normal weights, seeded by
        `random_state`).
    random_state : seed for `init="random"`.

    Attributes
    ----------
    classes_ : the sorted class labels.
    coef_ : weights, shape (1, n_features) for two classes, (K, n_features) for K > 2.
    intercept_ : biases, shape (1,) or (K,).
    n_iter_ : number of updates made so far.
    cost_history_ : J before each update (length n_iter_); with zero init it starts at
        ln 2 for two classes and ln K for K classes.
    diverged_ : True when training stopped because the cost blew up.
    n_features_in_ : number of features seen in `fit`.
    """

    def __init__(
        self,
        learning_rate: float = 0.05,
        max_iter: int = 1000,
        tol: float = 0.0,
        l2: float = 0.0,
        init: str = "zeros",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.l2 = l2
        self.init = init
        self.random_state = random_state

    def fit(self, X, y, coef_init=None, intercept_init=None) -> LogisticRegressionGD:
        """Train from the initial weights for `max_iter` iterations (or until `tol` or a blow-up).

        `coef_init` and `intercept_init` replace the initial weights `init` would give
        (shapes as `coef_` and `intercept_`), e.g. to start two runs from the same point.
        Runs BLAS on one thread: the products are far too small to gain from more, and
        several BLAS threads on a busy machine can make a run many times slower.
        """
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in self.train(X, y, coef_init=coef_init, intercept_init=intercept_init):
                pass
        return self

    def train(
        self,
        X,
        y,
        *,
        eval_set: tuple | None = None,
        snapshot_every: int | None = None,
        snapshot_at: Collection[int] = (),
        resume: bool = False,
        n_iter: int | None = None,
        coef_init=None,
        intercept_init=None,
    ) -> Iterator[Snapshot]:
        """Train and yield `Snapshot`s along the way: the loop that `fit` runs, made watchable.

        Yields at the first iteration of this call, at every multiple of
        `snapshot_every`, at each iteration number in `snapshot_at`, and at the end.
        The estimator's learned attributes always describe the latest snapshot, so a
        caller that stops iterating keeps a consistent partial model; with
        `resume=True` a later call continues from it instead of starting again.
        `n_iter` (default `max_iter`) is the number of updates this call makes.
        `eval_set=(X_test, y_test)` adds test cost and accuracy to each snapshot.
        `coef_init`/`intercept_init` are initial weights for a new run (see `fit`).
        Callers that drive this loop themselves are best served by one BLAS thread
        (see `fit`); the app sets that once for its whole process.
        """
        learned_before = self._learned_state()
        try:
            self._validate_hyperparameters()
            n_iter = self.max_iter if n_iter is None else n_iter
            check_scalar(n_iter, "n_iter", numbers.Integral, min_val=1)
            if snapshot_every is not None:
                check_scalar(snapshot_every, "snapshot_every", numbers.Integral, min_val=1)
            if resume:
                check_is_fitted(self)
                X, y = validate_data(self, X, y, reset=False, dtype=np.float64)
                y_index = self._encode(y, "y")
                W, b = self._weights()
                start, history = self.n_iter_, self.cost_history_
            else:
                X, y = validate_data(self, X, y, dtype=np.float64)
                check_classification_targets(y)
                self.classes_ = np.unique(y)
                if len(self.classes_) < 2:
                    raise ValueError(
                        f"y holds only one class ({self.classes_.tolist()[0]!r}); logistic regression needs "
                        "examples of at least two classes to learn to tell them apart."
                    )
                y_index = np.searchsorted(self.classes_, y)
                W, b = self._initial_weights(X.shape[1], coef_init, intercept_init)
                start, history = 0, np.empty(0)
            evaluation = None if eval_set is None else self._validate_eval_set(eval_set)
        except Exception:  # a call with bad input leaves an already fitted model as it was
            for name in self._learned_state():
                delattr(self, name)
            vars(self).update(learned_before)
            raise
        if not resume:  # until the first snapshot, the model is at its initial weights
            self.coef_, self.intercept_, self.n_iter_, self.cost_history_ = W.copy(), b.copy(), 0, np.empty(0)
        cost_history = np.empty(start + n_iter)
        cost_history[:start] = history
        pause_at = set(snapshot_at)
        if snapshot_every is not None:
            pause_at.update(range(start - start % snapshot_every, start + n_iter, snapshot_every))
        loop = gradient_descent(
            self._objective(X, y_index),
            W,
            b,
            learning_rate=float(self.learning_rate),
            n_iter=n_iter,
            tol=float(self.tol),
            start=start,
            pause_at=pause_at,
            cost_history=cost_history,
            initial_cost=float(history[0]) if start else None,
        )
        return self._observe(loop, cost_history, evaluation)

    def _observe(self, loop, cost_history: np.ndarray, evaluation) -> Iterator[Snapshot]:
        """Turn the loop's pauses into the estimator's state and into snapshots."""
        self.diverged_ = False
        for pause in loop:
            final = pause.stop_reason is not None
            self.coef_ = pause.W.copy()
            self.intercept_ = pause.b.copy()
            self.n_iter_ = pause.iteration
            history = cost_history[: pause.iteration]
            self.cost_history_ = history.copy() if final else history
            if pause.stop_reason == "diverged":
                self.diverged_ = True
                self._warn_divergence(cost_history[0], pause.blow_up_cost)
            test_cost = test_accuracy = None
            if evaluation is not None:
                test_cost, test_accuracy = self._evaluate(*evaluation)
            coef, intercept = self.coef_.copy(), self.intercept_.copy()
            coef.flags.writeable = intercept.flags.writeable = False
            yield Snapshot(pause.iteration, pause.cost, pause.accuracy, coef, intercept,
                           test_cost, test_accuracy, pause.stop_reason)

    def decision_function(self, X) -> np.ndarray:
        """The logits z = X W^T + b: shape (m,) for two classes (z > 0 means classes_[1]), else (m, K)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Z = X @ self.coef_.T + self.intercept_
        return Z[:, 0] if len(self.classes_) == 2 else Z

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in `classes_` order; each row sums to 1."""
        Z = self.decision_function(X)
        if len(self.classes_) == 2:
            return np.column_stack([neuron.sigmoid(-Z), neuron.sigmoid(Z)])
        return neuron.softmax(Z)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log of `predict_proba`, computed from the logits so it is finite."""
        Z = self.decision_function(X)
        if len(self.classes_) == 2:
            Z = np.column_stack([np.zeros_like(Z), Z])
        return neuron.log_probabilities(Z)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row."""
        Z = self.decision_function(X)
        index = (Z > 0).astype(int) if len(self.classes_) == 2 else Z.argmax(axis=1)
        return self.classes_[index]

    def cost(self, X, y) -> float:
        """J = mean cross-entropy + l2/2 ||W||^2 of the current weights on (X, y)."""
        check_is_fitted(self)
        X, y = validate_data(self, X, y, reset=False, dtype=np.float64)
        return self._evaluate(X, self._encode(y, "y"))[0]

    # -- internals ---------------------------------------------------------------------

    def _validate_hyperparameters(self) -> None:
        check_scalar(self.learning_rate, "learning_rate", numbers.Real, min_val=0.0, max_val=np.inf,
                     include_boundaries="neither")
        check_scalar(self.max_iter, "max_iter", numbers.Integral, min_val=1)
        check_scalar(self.tol, "tol", numbers.Real, min_val=0.0, max_val=np.inf, include_boundaries="left")
        check_scalar(self.l2, "l2", numbers.Real, min_val=0.0, max_val=np.inf, include_boundaries="left")
        for name in ("learning_rate", "tol", "l2"):  # NaN passes every comparison above
            if math.isnan(getattr(self, name)):
                raise ValueError(f"{name} is NaN; it must be a number.")
        if not (isinstance(self.init, str) and self.init in INITS):
            raise ValueError(f"init must be one of {INITS}; got {self.init!r}.")

    def _learned_state(self) -> dict:
        """The attributes that fitting sets (trailing underscore), by name."""
        return {name: value for name, value in vars(self).items() if name.endswith("_") and not name.startswith("_")}

    def _n_neurons(self) -> int:
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _initial_weights(self, n_features: int, coef_init=None, intercept_init=None) -> tuple[np.ndarray, np.ndarray]:
        shape = (self._n_neurons(), n_features)
        if coef_init is not None:
            W = self._given_weights(coef_init, shape, "coef_init")
        elif self.init == "zeros":
            W = np.zeros(shape)
        else:
            W = check_random_state(self.random_state).normal(0.0, RANDOM_INIT_SCALE, size=shape)
        if intercept_init is not None:
            return W, self._given_weights(intercept_init, shape[:1], "intercept_init")
        return W, np.zeros(shape[0])

    @staticmethod
    def _given_weights(values, shape: tuple[int, ...], name: str) -> np.ndarray:
        array = np.array(values, dtype=float)
        if array.shape != shape:
            raise ValueError(f"{name} must have shape {shape} for this data; got {array.shape}.")
        if not np.isfinite(array).all():
            raise ValueError(f"{name} holds NaN or infinity; initial weights must be finite numbers.")
        return array

    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array(self.coef_, dtype=float), np.array(self.intercept_, dtype=float)

    def _objective(self, X: np.ndarray, y_index: np.ndarray):
        if len(self.classes_) == 2:
            return neuron.BinaryCrossEntropy(X, y_index, self.l2)
        return neuron.SoftmaxCrossEntropy(X, y_index, len(self.classes_), self.l2)

    def _encode(self, y: np.ndarray, name: str) -> np.ndarray:
        """Class indices of the labels in y; every label must be one of `classes_`."""
        y = np.asarray(y)
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"{name} holds labels the model was not trained on: {unknown[:5].tolist()}; "
                f"the model knows {self.classes_.tolist()}."
            )
        return np.searchsorted(self.classes_, y)

    def _validate_eval_set(self, eval_set) -> tuple[np.ndarray, np.ndarray]:
        if not (isinstance(eval_set, tuple) and len(eval_set) == 2):
            raise ValueError(f"eval_set must be a pair (X_test, y_test); got {type(eval_set).__name__}.")
        X_test, y_test = validate_data(self, eval_set[0], eval_set[1], reset=False, dtype=np.float64)
        return X_test, self._encode(y_test, "eval_set's y")

    def _evaluate(self, X: np.ndarray, y_index: np.ndarray) -> tuple[float, float]:
        """(J, accuracy) of the current weights on validated X and class indices."""
        Z = X @ self.coef_.T + self.intercept_
        if len(self.classes_) == 2:
            z = Z[:, 0]
            data_cost = neuron.binary_cross_entropy(z, y_index)
            accuracy = np.mean((z > 0) == (y_index == 1))
        else:
            data_cost = neuron.softmax_cross_entropy(Z, y_index)
            accuracy = np.mean(Z.argmax(axis=1) == y_index)
        penalty = 0.5 * float(self.l2) * float(np.vdot(self.coef_, self.coef_))
        return data_cost + penalty, float(accuracy)

    def _warn_divergence(self, first_cost: float, blow_up_cost: float) -> None:
        warnings.warn(
            f"Training diverged: the cost blew up from {first_cost:.4g} to {blow_up_cost:.4g}, so it "
            f"stopped at iteration {self.n_iter_} and kept the last finite weights. The learning "
            f"rate {self.learning_rate:g} is too large"
            + (f" for l2={self.l2:g}" if self.l2 else "")
            + f"; try {self.learning_rate / 10:g} or smaller.",
            DivergenceWarning,
            stacklevel=3,
        )
