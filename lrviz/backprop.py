"""The forward and backward pass of the neuron(s) for one example, and the gradient over a batch.

This is the math the How-it-works page shows with the numbers of a real model:

- Two classes, one sigmoid neuron: z = w·x + b, a = sigmoid(z), L = -(y log a + (1 - y) log(1 - a)),
  where y = 1 means `classes_[1]`. The chain rule gives dL/da = -y/a + (1 - y)/(1 - a),
  da/dz = a (1 - a), so dz = dL/da · da/dz = a - y, dw = x dz and db = dz.
- K classes, a softmax layer: z_k = w_k·x + b_k, a = softmax(z), L = -log a_y. Then
  dL/da_k = -[k = y] / a_y, da_j/dz_k = a_j ([j = k] - a_k), and dz_k = a_k - [k = y].
- Over a batch of m examples the gradient is the average of the examples' gradients, plus
  the L2 term: dW = (A - Y)^T X / m + l2 W and db = mean(A - Y), exactly what the training
  loop (`lrviz.neuron.BinaryCrossEntropy` / `SoftmaxCrossEntropy`) computes.
- One update of a solver (`solver_step`): how that gradient g becomes the change of the
  weights, with every number of the rule (see `lrviz.optimizers`): gradient descent
  ΔW = -η g; momentum v <- μ v - η g, ΔW = v; Adam's moments m and s, their bias correction
  and ΔW = -η m̂ / (√ŝ + ε); Newton's Hessian H, its damping λ, the direction
  d = (H + λI)^-1 g and the step ΔW = -t d.

Everything is computed from the logits z, never from a rounded a: in floating point a =
sigmoid(z) is exactly 1 once z > 37 (and exactly 0 once z < -745), where -y/a + (1 - y)/(1 - a)
would divide by zero. The loss, dL/da and da/dz here are the exact values computed from z;
only when even those overflow (|z| > 709) is dL/da infinite (`inf`), and no NumPy warning is
ever raised.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from sklearn.utils.validation import check_is_fitted

from lrviz import neuron
from lrviz.model import LogisticRegressionGD
from lrviz.optimizers import ADAM_BETA1, ADAM_BETA2, NEWTON_DAMPING, Solver, SolverState, make_optimizer

#: Largest exponent whose exp is finite in float64 (exp(709.78) ~ 1.8e308).
_EXP_MAX = math.log(np.finfo(float).max)


@dataclass(frozen=True)
class ExamplePass:
    """Every number of one example's forward and backward pass.

    n is the number of neurons: 1 for a two-class model (the sigmoid neuron, whose a is the
    probability of `classes_[1]`), K for a K-class model (a softmax layer). Arrays:

    - x (64,): the input; y_index: its class index; y (n,): the target, y = [y_index] for
      two classes (0 or 1), the one-hot vector of y_index for K classes.
    - wx (n,): w·x of each neuron; b (n,): its bias; z (n,) = wx + b: the logits.
    - a (n,): the activations; loss: L (a float, finite for every finite z).
    - dL_da (n,): dL/da, exact (computed from z); +-inf only where it overflows.
    - da_dz (n, n): the Jacobian da_j/dz_k: [[a (1 - a)]] for the sigmoid,
      diag(a) - a a^T for the softmax.
    - dz (n,) = a - y; dw (n, 64) = dz x (one row per neuron); db (n,) = dz.
    """

    x: np.ndarray
    y_index: int
    y: np.ndarray
    wx: np.ndarray
    b: np.ndarray
    z: np.ndarray
    a: np.ndarray
    loss: float
    dL_da: np.ndarray
    da_dz: np.ndarray
    dz: np.ndarray
    dw: np.ndarray
    db: np.ndarray

    @property
    def binary(self) -> bool:
        """True for a two-class model: one sigmoid neuron."""
        return self.z.shape == (1,)

    @property
    def n_classes(self) -> int:
        return 2 if self.binary else len(self.z)

    @property
    def probabilities(self) -> np.ndarray:
        """The probability of each class, in `classes_` order (two classes: [1 - a, a])."""
        return np.array([1.0 - self.a[0], self.a[0]]) if self.binary else self.a

    @property
    def predicted(self) -> int:
        """The class index the model predicts (two classes: 1 when z > 0)."""
        return int(self.z[0] > 0) if self.binary else int(np.argmax(self.z))

    @property
    def saturated(self) -> bool:
        """Whether a rounds to exactly 0 or 1 in floating point (a sigmoid or softmax output).

        There a (1 - a) computed from the rounded a is 0 and -y/a + (1 - y)/(1 - a) may
        divide by zero, which is why this module computes from z.
        """
        return bool(np.any((self.a == 0.0) | (self.a == 1.0)))

    @property
    def margin(self) -> float:
        """The t with a_true = sigmoid(t), the probability of the class as a sigmoid.

        Two classes: z for y = 1 and -z for y = 0. K classes: z_y - log sum_{k != y} e^{z_k},
        since softmax(z)_y = e^{z_y} / (e^{z_y} + sum_{k != y} e^{z_k}) = sigmoid(that).
        """
        if self.binary:
            return float(self.z[0] if self.y_index == 1 else -self.z[0])
        others = np.delete(self.z, self.y_index)
        return float(self.z[self.y_index] - logsumexp(others))


def class_indices(model: LogisticRegressionGD, labels) -> np.ndarray:
    """The class index of each label (its position in `model.classes_`); ValueError for unknown labels."""
    check_is_fitted(model)
    labels = np.asarray(labels)
    if labels.ndim > 1:
        raise ValueError(f"labels must be one label or a 1-D array of labels; got shape {labels.shape}.")
    unknown = np.setdiff1d(labels, model.classes_)
    if unknown.size:
        raise ValueError(f"{unknown[:5].tolist()} is not a class of this model; its classes are "
                         f"{model.classes_.tolist()}.")
    return np.searchsorted(model.classes_, labels)


def class_index(model: LogisticRegressionGD, label) -> int:
    """The class index of one label; ValueError when the model has no such class."""
    return int(class_indices(model, np.asarray([label]))[0])


def example_pass(model: LogisticRegressionGD, x, y_index: int) -> ExamplePass:
    """Run one example forward and backward through a fitted model.

    x: the 64 features (shape (64,) or (1, 64)); y_index: its class index, 0..K-1 (for two
    classes, 1 means `classes_[1]`). Raises ValueError for a wrong shape, non-finite
    features or a class index the model does not have.
    """
    check_is_fitted(model)
    x = _check_features(model, x, batch=False)
    n_classes = len(model.classes_)
    y_index = _check_index(y_index, n_classes)
    W, b = np.asarray(model.coef_, dtype=float), np.asarray(model.intercept_, dtype=float)
    wx = W @ x
    z = wx + b
    _check_logits(z)
    if n_classes == 2:
        y = np.array([float(y_index)])
        zf = float(z[0])
        a = np.array([float(neuron.sigmoid(zf))])
        loss = float(np.logaddexp(0.0, zf) - y_index * zf)
        # -y/a + (1-y)/(1-a) = -(1 + e^-z) for y = 1 and 1 + e^z for y = 0.
        sign = 1.0 if y_index == 1 else -1.0
        dL_da = np.array([-sign * _one_plus_exp(-sign * zf)])
        # a (1 - a) = sigmoid(z) sigmoid(-z): not 0 where a rounds to 1.
        da_dz = np.array([[float(neuron.sigmoid(zf) * neuron.sigmoid(-zf))]])
    else:
        y = np.zeros(n_classes)
        y[y_index] = 1.0
        a = neuron.softmax(z[np.newaxis, :])[0]
        loss = float(logsumexp(z) - z[y_index])
        dL_da = np.zeros(n_classes)
        dL_da[y_index] = -_exp(loss)  # -1/a_y = -e^L, exactly
        da_dz = np.diag(a) - np.outer(a, a)
    dz = a - y
    return ExamplePass(x=x, y_index=y_index, y=y, wx=wx, b=b.copy(), z=z, a=a, loss=loss, dL_da=dL_da,
                       da_dz=da_dz, dz=dz, dw=dz[:, np.newaxis] * x[np.newaxis, :], db=dz.copy())


def batch_gradient(model: LogisticRegressionGD, X, y_index) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of the cost J over a batch, at the model's weights: (dW, db).

    dW = (A - Y)^T X / m + l2 W, shaped like `coef_`; db = mean(A - Y), shaped like
    `intercept_`. This is the average of the examples' dw and db plus the L2 term, the
    gradient each step of the training loop follows. y_index holds class indices.
    """
    check_is_fitted(model)
    X = _check_features(model, X, batch=True)
    n_classes = len(model.classes_)
    y_index = _check_indices(y_index, X.shape[0], model.classes_)
    W, b = np.asarray(model.coef_, dtype=float), np.asarray(model.intercept_, dtype=float)
    Z = X @ W.T + b
    _check_logits(Z)
    if n_classes == 2:
        residual = (neuron.sigmoid(Z[:, 0]) - y_index)[:, np.newaxis]  # (m, 1)
    else:
        residual = neuron.softmax(Z)
        residual[np.arange(len(y_index)), y_index] -= 1.0
    m = X.shape[0]
    dW = residual.T @ X / m + float(model.l2) * W
    return dW, residual.mean(axis=0)


@dataclass(frozen=True)
class SolverStep:
    """Every number of one update of a model's weights by a solver (see `solver_step`).

    - solver; updates: k, the updates made before this one (the step's number, from 0);
      step_size: η_k = learning_rate / (1 + lr_decay k) (None for Newton's method, which sets
      its own); momentum: μ (the momentum solver's; None for the others).
    - rows: the examples (indices into the X given) the update averages over; None for all.
    - cost_before, cost_after: the cost J on those examples before and after the update.
    - dW, db: the gradient g at the weights before (shaped like coef_ and intercept_).
    - coef_change, intercept_change: ΔW and Δb, the update itself (made by the solver's own
      optimizer, `lrviz.optimizers`, on copies of the weights).
    - moments_before, moments_after: the solver's running arrays by name, each (W part, b
      part): "velocity" (momentum), "first_moment" and "second_moment" (Adam); empty for others.
    - bias_correction: Adam's (1 - β1^(k+1), 1 - β2^(k+1)); None for the others.
    - Newton's method only (else None): hessian_size (its rows: every weight and bias),
      hessian_diagonal (shaped like (coef_ | intercept_), the curvature of each parameter
      on its own), damping λ = NEWTON_DAMPING ‖g‖, direction d = (H + λI)^-1 g (as (dW part,
      db part)), and step_length t with ΔW = -t d: 1, or halved until the cost fell enough
      (0 when no step could lower the cost).
    """

    solver: Solver
    updates: int
    step_size: float | None
    momentum: float | None
    rows: np.ndarray | None
    cost_before: float
    cost_after: float
    dW: np.ndarray
    db: np.ndarray
    coef_change: np.ndarray
    intercept_change: np.ndarray
    moments_before: dict[str, tuple[np.ndarray, np.ndarray]]
    moments_after: dict[str, tuple[np.ndarray, np.ndarray]]
    bias_correction: tuple[float, float] | None = None
    hessian_size: int | None = None
    hessian_diagonal: np.ndarray | None = None
    damping: float | None = None
    direction: tuple[np.ndarray, np.ndarray] | None = None
    step_length: float | None = None


def solver_step(model: LogisticRegressionGD, X, y_index, *, rows: np.ndarray | None = None,
                solver: str | None = None, learning_rate: float | None = None,
                state: SolverState | None = None) -> SolverStep:
    """One update of a fitted model's weights, with every number of its rule; the model is left as it is.

    X and y_index are the training examples and their class indices; `rows` the mini-batch
    the update averages over (None: all of them; Newton's method always takes all). `solver`
    (default: the model's) steps with `learning_rate` (default: the model's) and the model's
    momentum and lr_decay, from the optimizer `state` (default: the model's own when it is the
    model's solver, else a fresh one, as for a first update). The update is the one training
    would make: that solver's `lrviz.optimizers.Optimizer`, run on copies.
    """
    check_is_fitted(model)
    X = _check_features(model, X, batch=True)
    y_index = _check_indices(y_index, X.shape[0], model.classes_)
    solver = Solver(model.solver if solver is None else solver)
    learning_rate = float(model.learning_rate if learning_rate is None else learning_rate)
    if state is None:
        state = model.optimizer_state_ if solver == model.solver else SolverState()
    state = state.copy()
    if solver == Solver.NEWTON:
        rows = None
    if rows is not None:
        X, y_index = X[rows], y_index[rows]
    n_classes = len(model.classes_)
    objective = (neuron.BinaryCrossEntropy(X, y_index, model.l2) if n_classes == 2
                 else neuron.SoftmaxCrossEntropy(X, y_index, n_classes, model.l2))
    W, b = np.array(model.coef_, dtype=float), np.array(model.intercept_, dtype=float)
    W_before, b_before = W.copy(), b.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        cost_before = objective.forward(W, b)
        dW, db = (g.copy() for g in objective.backward(W))
        newton = _newton_parts(objective, dW, db) if solver == Solver.NEWTON else {}
        optimizer = make_optimizer(solver, state, W, b, learning_rate=learning_rate, lr_decay=float(model.lr_decay),
                                   momentum=float(model.momentum))
        updates = state.updates
        moments_before = {name: (mW.copy(), mb.copy()) for name, (mW, mb) in state.moments.items()}
        step_size = None if solver == Solver.NEWTON else optimizer.step_size()
        objective.forward(W, b)  # the optimizer steps from the objective evaluated at (W, b)
        optimizer.step(objective, W, b, cost_before)
        cost_after = objective.forward(W, b)
    coef_change, intercept_change = W - W_before, b - b_before
    if newton:
        d_W, d_b = newton["direction"]
        length = float(np.vdot(d_W, d_W) + np.vdot(d_b, d_b))
        along = 0.0 if length == 0 else -float(np.vdot(coef_change, d_W) + np.vdot(intercept_change, d_b)) / length
        # the line search takes t = 1, 1/2, 1/4, ...: the nearest of those, exactly (or 0: no step)
        newton["step_length"] = 2.0 ** round(math.log2(along)) if along > 0 else 0.0
    correction = None
    if solver == Solver.ADAM:
        correction = (1.0 - ADAM_BETA1 ** (updates + 1), 1.0 - ADAM_BETA2 ** (updates + 1))
    return SolverStep(
        solver=solver, updates=updates, step_size=step_size,
        momentum=float(model.momentum) if solver == Solver.MOMENTUM else None,
        rows=None if rows is None else np.asarray(rows).copy(), cost_before=cost_before, cost_after=cost_after,
        dW=dW, db=db, coef_change=coef_change, intercept_change=intercept_change, moments_before=moments_before,
        moments_after={name: (mW.copy(), mb.copy()) for name, (mW, mb) in state.moments.items()},
        bias_correction=correction, **newton)


def _newton_parts(objective, dW: np.ndarray, db: np.ndarray) -> dict:
    """Newton's Hessian (its size and diagonal), damping and direction at the last `forward`."""
    g = np.concatenate([dW, db[:, np.newaxis]], axis=1).ravel()
    H = objective.hessian()
    damping = NEWTON_DAMPING * float(np.linalg.norm(g))
    diagonal = np.diag(H).reshape(dW.shape[0], -1).copy()
    H[np.diag_indices_from(H)] += damping
    d = np.linalg.solve(H, g).reshape(dW.shape[0], -1)
    return dict(hessian_size=len(g), hessian_diagonal=diagonal, damping=damping,
                direction=(d[:, :-1].copy(), d[:, -1].copy()))


# -- checks and safe arithmetic -------------------------------------------------------------

def _check_features(model: LogisticRegressionGD, X, *, batch: bool) -> np.ndarray:
    n = model.n_features_in_
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"the features must be numbers; {error}") from None
    if batch:
        if X.ndim != 2 or X.shape[1] != n or X.shape[0] == 0:
            raise ValueError(f"X must have shape (m, {n}) with m >= 1: one row of {n} features per example; "
                             f"got shape {X.shape}.")
    else:
        if X.shape == (1, n):
            X = X[0]
        if X.shape != (n,):
            raise ValueError(f"x must be one example of {n} features, shape ({n},) or (1, {n}); "
                             f"got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError("the features must be finite numbers; got NaN or infinity.")
    return X


def _check_indices(y_index, m: int, classes: np.ndarray) -> np.ndarray:
    """Class indices, one per example of a batch of m, each an index into `classes`."""
    n_classes = len(classes)
    y_index = np.asarray(y_index)
    if y_index.shape != (m,):
        raise ValueError(f"y_index must hold one class index per row of X ({m}); got shape {y_index.shape}.")
    if y_index.dtype == bool or not np.issubdtype(y_index.dtype, np.integer):
        raise ValueError(f"y_index must hold whole-number class indices; got dtype {y_index.dtype}.")
    bad = y_index[(y_index < 0) | (y_index >= n_classes)]
    if bad.size:
        raise ValueError(f"class index {int(bad[0])} is not a class of this model: its class indices are "
                         f"0 to {n_classes - 1} (classes {classes.tolist()}).")
    return y_index


def _check_index(y_index, n_classes: int) -> int:
    if isinstance(y_index, np.ndarray) and y_index.shape == ():
        y_index = y_index.item()
    if isinstance(y_index, bool) or not isinstance(y_index, numbers.Integral):
        raise ValueError(f"y_index must be a whole-number class index 0 to {n_classes - 1}; "
                         f"got {str(y_index)[:20]!r}.")
    if not 0 <= y_index < n_classes:
        raise ValueError(f"class index {y_index} is not a class of this model: its class indices are "
                         f"0 to {n_classes - 1}.")
    return int(y_index)


def _check_logits(z: np.ndarray) -> None:
    if not np.all(np.isfinite(z)):
        raise ValueError("the model's logits z = W x + b are not finite for this input: its weights are too large.")


def _exp(t: float) -> float:
    """e^t, inf where it overflows (without a warning)."""
    return math.exp(t) if t <= _EXP_MAX else math.inf


def _one_plus_exp(t: float) -> float:
    """1 + e^t, inf where it overflows."""
    return 1.0 + _exp(t)
