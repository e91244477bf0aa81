"""`LogisticRegressionGD`: logistic regression as a one-neuron network, trained from scratch.

Two classes: one sigmoid neuron, a = sigmoid(w.x + b). Three or more: a softmax layer
with one neuron per class. The cost is the mean cross-entropy plus l2/2 ||W||^2 (the
bias is not penalised). It trains by gradient descent, momentum, Adam or Newton's
method (`lrviz.optimizers`), on the full batch or on mini-batches. The estimator
follows scikit-learn's API, and `train` lets a caller watch the same training loop
that `fit` runs.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_random_state, check_scalar, validate_data
from threadpoolctl import threadpool_limits

from lrviz import neuron
from lrviz.minibatches import MiniBatches
from lrviz.optimizers import Solver, SolverState, make_optimizer
from lrviz.training import StopReason, train_loop

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
    last snapshot of a call to `train`, where it is a `StopReason`. `batch_cost` is the
    cost of the mini-batch the next update uses, at these weights: the noisy cost that
    mini-batch training sees (for full-batch training, the training cost). `seconds` is the
    time training took to get here (`train_seconds_`), for curves against time.
    """

    iteration: int
    train_cost: float
    train_accuracy: float
    coef: np.ndarray
    intercept: np.ndarray
    test_cost: float | None = None
    test_accuracy: float | None = None
    stop_reason: StopReason | None = None
    batch_cost: float | None = None
    seconds: float | None = None


class LogisticRegressionGD(ClassifierMixin, BaseEstimator):
    """Logistic regression trained from scratch by gradient descent and its relatives.

    Parameters
    ----------
    learning_rate : step size η of gd, momentum and Adam, > 0 (Newton's method sets its own).
    max_iter : number of updates (iterations) a call to `fit` makes, >= 1.
    tol : stop early once the cost changes by less than this between two iterations;
        0 runs all `max_iter` iterations.
    l2 : strength of the L2 penalty l2/2 ||W||^2 on the weights (not the bias), >= 0.
    init : "zeros" (the tutorial's start) or "random" (small normal weights, seeded by
        `random_state`).
    random_state : seed for `init="random"` and for the order of the mini-batches.
    solver : how each update is made from the gradient g (see `lrviz.optimizers`):
        "gd" (W -= η g), "momentum" (a velocity that keeps a share `momentum` of earlier
        steps), "adam" (a step per weight from running means of g and g²) or "newton"
        (the Hessian's step, shortened until the cost falls; no learning rate).
    batch_size : None for full-batch training (every update uses every example), or the
        number of examples each update averages over: the examples are shuffled every
        epoch (seeded by `random_state`) and taken `batch_size` at a time. A batch of at
        least all the examples is the full batch; Newton's method always takes it.
    momentum : the share μ of the last step that the "momentum" solver keeps, in [0, 1).
    lr_decay : shrinks the step as training goes on: update k (from 0) uses
        η / (1 + lr_decay k), so with lr_decay = 1/1000 the step has halved after 1000
        updates. 0 keeps it constant. Mini-batch training needs a decay to settle at
        the minimum rather than jitter around it. Not used by Newton's method.

    Attributes
    ----------
    classes_ : the sorted class labels.
    coef_ : weights, shape (1, n_features) for two classes, (K, n_features) for K > 2.
    intercept_ : biases, shape (1,) or (K,).
    n_iter_ : number of updates made so far.
    cost_history_ : J on the whole training set before each update (length n_iter_), for
        every solver and batch size; with zero init it starts at ln 2 for two classes
        and ln K for K classes.
    diverged_ : True when training stopped because the cost blew up.
    divergence_ : why it diverged and what to try instead (a `lrviz.divergence.Divergence`),
        or None.
    optimizer_state_ : what training carries from one update to the next besides the
        weights (a `lrviz.optimizers.SolverState`: updates made, momentum's velocity,
        Adam's moments, the mini-batch seed); `train(resume=True)` goes on from it.
    train_seconds_ : the time the training loop has spent computing so far, over every call
        (resumed ones too), not counting the pauses of `train`: the CPU time of the thread
        that trains (see `lrviz.training.Pause`).
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
        solver: str = "gd",
        batch_size: int | None = None,
        momentum: float = 0.9,
        lr_decay: float = 0.0,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.l2 = l2
        self.init = init
        self.random_state = random_state
        self.solver = solver
        self.batch_size = batch_size
        self.momentum = momentum
        self.lr_decay = lr_decay

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
        optimizer_state: SolverState | None = None,
    ) -> Iterator[Snapshot]:
        """Train and yield `Snapshot`s along the way: the loop that `fit` runs, made watchable.

        Yields at the first iteration of this call, at every multiple of
        `snapshot_every`, at each iteration number in `snapshot_at`, and at the end.
        The estimator's learned attributes always describe the latest snapshot, so a
        caller that stops iterating keeps a consistent partial model; with
        `resume=True` a later call continues from it instead of starting again.
        `n_iter` (default `max_iter`) is the number of updates this call makes.
        `eval_set=(X_test, y_test)` adds test cost and accuracy to each snapshot.
        `coef_init`/`intercept_init` are initial weights for a new run (see `fit`), and
        `optimizer_state` the state its optimizer starts from (a saved model's; default
        a fresh one). Callers that drive this loop themselves are best served by one BLAS
        thread (see `fit`); the app sets that once for its whole process.
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
                state = self.optimizer_state_.copy()
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
                state = SolverState() if optimizer_state is None else self._given_state(optimizer_state, W, b)
            batches = self._mini_batches(len(X), state)
            evaluation = None if eval_set is None else self._validate_eval_set(eval_set)
        except Exception:  # a call with bad input leaves an already fitted model as it was
            for name in self._learned_state():
                delattr(self, name)
            vars(self).update(learned_before)
            raise
        if not resume:  # until the first snapshot, the model is at its initial weights
            self.coef_, self.intercept_, self.n_iter_, self.cost_history_ = W.copy(), b.copy(), 0, np.empty(0)
            self.optimizer_state_ = state.copy()
            self.train_seconds_ = 0.0
        cost_history = np.empty(start + n_iter)
        cost_history[:start] = history
        pause_at = set(snapshot_at)
        if snapshot_every is not None:
            pause_at.update(range(start - start % snapshot_every, start + n_iter, snapshot_every))
        optimizer = make_optimizer(self.solver, state, W, b, learning_rate=float(self.learning_rate),
                                   lr_decay=float(self.lr_decay), momentum=float(self.momentum))
        loop = train_loop(self._objective(X, y_index), W, b, optimizer, n_iter=n_iter, cost_history=cost_history,
                          batches=batches, tol=float(self.tol), start=start, pause_at=pause_at)
        return self._observe(loop, cost_history, state, evaluation)

    def _observe(self, loop, cost_history: np.ndarray, state: SolverState, evaluation) -> Iterator[Snapshot]:
        """Turn the loop's pauses into the estimator's state and into snapshots."""
        self.diverged_ = False
        self.divergence_ = None
        seconds_before = self.train_seconds_
        for pause in loop:
            final = pause.stop_reason is not None
            self.coef_ = pause.W.copy()
            self.intercept_ = pause.b.copy()
            self.optimizer_state_ = state.copy()
            self.train_seconds_ = seconds_before + pause.seconds
            self.n_iter_ = pause.iteration
            history = cost_history[: pause.iteration]
            self.cost_history_ = history.copy() if final else history
            if pause.divergence is not None:
                self.diverged_ = True
                self.divergence_ = replace(pause.divergence, l2=float(self.l2), learning_rate=(
                    None if self.solver == Solver.NEWTON else float(self.learning_rate)))
                warnings.warn(self.divergence_.message, DivergenceWarning, stacklevel=2)
            test_cost = test_accuracy = None
            if evaluation is not None:
                test_cost, test_accuracy = self._evaluate(*evaluation)
            coef, intercept = self.coef_.copy(), self.intercept_.copy()
            coef.flags.writeable = intercept.flags.writeable = False
            yield Snapshot(pause.iteration, pause.cost, pause.accuracy, coef, intercept,
                           test_cost, test_accuracy, pause.stop_reason, pause.batch_cost, self.train_seconds_)

    def mini_batches(self, n_samples: int) -> MiniBatches | None:
        """The order of mini-batches in which this fitted model trains on `n_samples` examples
        (`rows(k)`: the examples of update k); None for full-batch training."""
        check_is_fitted(self)
        return self._mini_batches(n_samples, self.optimizer_state_)

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
        check_scalar(self.momentum, "momentum", numbers.Real, min_val=0.0, max_val=1.0, include_boundaries="left")
        check_scalar(self.lr_decay, "lr_decay", numbers.Real, min_val=0.0, max_val=np.inf, include_boundaries="left")
        for name in ("learning_rate", "tol", "l2", "momentum", "lr_decay"):  # NaN passes every comparison above
            if math.isnan(getattr(self, name)):
                raise ValueError(f"{name} is NaN; it must be a number.")
        if self.batch_size is not None:
            check_scalar(self.batch_size, "batch_size", numbers.Integral, min_val=1)
        if not (isinstance(self.init, str) and self.init in INITS):
            raise ValueError(f"init must be one of {INITS}; got {self.init!r}.")
        if not (isinstance(self.solver, str) and self.solver in set(Solver)):
            raise ValueError(f"solver must be one of {tuple(map(str, Solver))}; got {self.solver!r}.")

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

    def _given_state(self, state: SolverState, W: np.ndarray, b: np.ndarray) -> SolverState:
        """A copy of an optimizer state handed to `train`, checked against the weights it goes with.
        Running arrays it lacks (a state of plain gradient descent, say) start at zero."""
        if not isinstance(state, SolverState):
            raise ValueError(f"optimizer_state must be a SolverState; got {type(state).__name__}.")
        for name, (moment_W, moment_b) in state.moments.items():
            if np.shape(moment_W) != W.shape or np.shape(moment_b) != b.shape:
                raise ValueError(f"optimizer_state's {name} must have the shapes of the weights, {W.shape} and "
                                 f"{b.shape}; got {np.shape(moment_W)} and {np.shape(moment_b)}.")
        return state.copy()

    def _mini_batches(self, n_samples: int, state: SolverState) -> MiniBatches | None:
        """The mini-batch order for `n_samples` examples; draws the state's shuffle seed if it has none."""
        if self.batch_size is None or self.batch_size >= n_samples or self.solver == Solver.NEWTON:
            return None
        if state.shuffle_seed is None:
            if isinstance(self.random_state, numbers.Integral):
                check_random_state(self.random_state)  # the same seeds as scikit-learn's, 0 to 2**32 - 1
                state.shuffle_seed = int(self.random_state)
            else:
                state.shuffle_seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        return MiniBatches(n_samples, int(self.batch_size), state.shuffle_seed)

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
