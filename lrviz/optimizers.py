"""How one training step moves the weights: gradient descent, momentum, Adam, Newton's method.

Every solver is an `Optimizer` with one method, `step`, which makes one update of W and b
in place from the objective evaluated at them (the full training set, or a mini-batch).
The training loop (`lrviz.training`) is the same for all: it computes the cost, decides
whether to go on, and asks the optimizer for the step.

What an optimizer carries from one step to the next (the number of updates made,
momentum's velocity, Adam's moments, the seed of the mini-batch order) is its
`SolverState`. The estimator keeps it with the weights, so a run that is paused,
resumed, rolled back or saved to a file goes on exactly as an uninterrupted one.

The update rules, with g the gradient and η_k = learning_rate / (1 + lr_decay k) the
step size of update k (k counted from 0):
- gd:        W ← W − η_k g
- momentum:  v ← μ v − η_k g;  W ← W + v                        (μ = `momentum`)
- adam:      m ← β1 m + (1 − β1) g;  s ← β2 s + (1 − β2) g²;
             W ← W − η_k m̂ / (√ŝ + ε), with m̂ = m / (1 − β1^(k+1)), ŝ = s / (1 − β2^(k+1))
- newton:    W ← W − t (H + λI)⁻¹ g, H the Hessian (all weights and biases together),
             λ = NEWTON_DAMPING ‖g‖, t = 1, halved until the cost falls enough (Armijo),
             or skipped when no step can lower the cost any more (at the minimum).
             Newton's method sets its own step: it has no learning rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np


class Solver(StrEnum):
    """How the gradient becomes a step."""

    GD = "gd"
    MOMENTUM = "momentum"
    ADAM = "adam"
    NEWTON = "newton"


#: Adam's decay rates of its first and second moments, and the ε that keeps its division finite
#: (the values of Kingma & Ba, 2015, and of every library's default).
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPSILON = 1e-8
#: Newton's step solves (H + λI) d = g with λ = NEWTON_DAMPING ‖g‖: next to nothing near the
#: minimum (so the last steps are Newton's own, converging quadratically), and enough far
#: from it that a step is never longer than 1 / NEWTON_DAMPING, even where H vanishes (separable
#: data without L2, whose minimum lies at infinity) or is singular (softmax's biases).
NEWTON_DAMPING = 0.1
#: Armijo's condition: a step t d is taken once it lowers J by at least this share of t g·d.
ARMIJO_SHARE = 1e-4
#: Newton's step stops halving once the fall it asks for, t g·d, is below this share of the cost:
#: the cost cannot fall measurably any more (it is at its minimum, to rounding), and the update is skipped.
ROUNDING = 1e-15


class Objective(Protocol):
    """What an optimizer needs of a cost function (see `lrviz.neuron`)."""

    def forward(self, W: np.ndarray, b: np.ndarray) -> float: ...

    def backward(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def hessian(self) -> np.ndarray: ...


@dataclass
class SolverState:
    """What training carries from one update to the next, besides the weights.

    `updates` counts the updates made (the k of the step size, Adam's bias correction and
    the mini-batch order); `shuffle_seed` seeds the mini-batch order (None for full-batch
    training); `moments` holds the optimizer's running arrays by name, each a pair shaped
    like (coef_, intercept_): "velocity" (momentum), "first_moment" and "second_moment" (Adam).
    """

    updates: int = 0
    shuffle_seed: int | None = None
    moments: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def copy(self) -> SolverState:
        """An independent copy (the arrays too)."""
        moments = {name: (W.copy(), b.copy()) for name, (W, b) in self.moments.items()}
        return SolverState(self.updates, self.shuffle_seed, moments)

    def restore(self, saved: SolverState) -> None:
        """Become `saved` again, in place (the arrays keep their identity): a rollback."""
        self.updates, self.shuffle_seed = saved.updates, saved.shuffle_seed
        for name, (W, b) in saved.moments.items():
            np.copyto(self.moments[name][0], W)
            np.copyto(self.moments[name][1], b)


class Optimizer:
    """Makes one update of W and b at a time and keeps its `state` (see `SolverState`)."""

    #: The names of the running arrays this optimizer keeps in its state.
    moment_names: tuple[str, ...] = ()

    def __init__(self, state: SolverState, W: np.ndarray, b: np.ndarray, *, learning_rate: float,
                 lr_decay: float = 0.0) -> None:
        self.state = state
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        for name in self.moment_names:  # a fresh state (or one of another solver) starts them at zero
            if name not in state.moments:
                state.moments[name] = (np.zeros_like(W), np.zeros_like(b))

    def step_size(self) -> float:
        """η_k = learning_rate / (1 + lr_decay k), k the updates made so far."""
        if self.lr_decay:
            return self.learning_rate / (1.0 + self.lr_decay * self.state.updates)
        return self.learning_rate

    def step(self, objective: Objective, W: np.ndarray, b: np.ndarray, cost: float) -> None:
        """One update of W and b in place; `objective` was last evaluated at (W, b), where it is `cost`."""
        self._update(objective, W, b, cost)
        self.state.updates += 1

    def _update(self, objective: Objective, W: np.ndarray, b: np.ndarray, cost: float) -> None:
        raise NotImplementedError


class GradientDescent(Optimizer):
    """W ← W − η_k g."""

    def _update(self, objective, W, b, cost):
        dW, db = objective.backward(W)
        eta = self.step_size()
        dW *= eta
        db *= eta
        W -= dW
        b -= db


class Momentum(Optimizer):
    """v ← μ v − η_k g; W ← W + v: a velocity that keeps a share μ of every earlier step."""

    moment_names = ("velocity",)

    def __init__(self, state, W, b, *, learning_rate, lr_decay=0.0, momentum: float = 0.9):
        super().__init__(state, W, b, learning_rate=learning_rate, lr_decay=lr_decay)
        self.momentum = momentum

    def _update(self, objective, W, b, cost):
        gradients = objective.backward(W)
        eta = self.step_size()
        for param, v, g in zip((W, b), self.state.moments["velocity"], gradients, strict=True):
            v *= self.momentum
            g *= eta
            v -= g
            param += v


class Adam(Optimizer):
    """A step per weight: the running mean of its gradient over the root of the running mean of its square."""

    moment_names = ("first_moment", "second_moment")

    def _update(self, objective, W, b, cost):
        gradients = objective.backward(W)
        eta = self.step_size()
        t = self.state.updates + 1
        correction1, correction2 = 1.0 - ADAM_BETA1**t, 1.0 - ADAM_BETA2**t
        moments = zip(self.state.moments["first_moment"], self.state.moments["second_moment"], strict=True)
        for param, (m, s), g in zip((W, b), moments, gradients, strict=True):
            m *= ADAM_BETA1
            m += (1.0 - ADAM_BETA1) * g
            s *= ADAM_BETA2
            s += (1.0 - ADAM_BETA2) * g * g
            param -= eta * (m / correction1) / (np.sqrt(s / correction2) + ADAM_EPSILON)


class Newton(Optimizer):
    """The step to the minimum of the cost's quadratic model, damped and shortened until the cost falls."""

    def _update(self, objective, W, b, cost):
        dW, db = objective.backward(W)
        g = np.concatenate([dW, db[:, np.newaxis]], axis=1).ravel()
        H = objective.hessian()
        H[np.diag_indices_from(H)] += NEWTON_DAMPING * np.linalg.norm(g)
        d = np.linalg.solve(H, g).reshape(dW.shape[0], -1)
        slope = float(g @ d.ravel())
        if not slope > 0:  # at the minimum already (to rounding): no step can lower the cost
            return
        t = 1.0
        while t * slope > ROUNDING * abs(cost):
            W_try, b_try = W - t * d[:, :-1], b - t * d[:, -1]
            if objective.forward(W_try, b_try) <= cost - ARMIJO_SHARE * t * slope:
                W[...], b[...] = W_try, b_try
                return
            t /= 2


OPTIMIZERS: dict[Solver, type[Optimizer]] = {Solver.GD: GradientDescent, Solver.MOMENTUM: Momentum,
                                              Solver.ADAM: Adam, Solver.NEWTON: Newton}


def make_optimizer(solver: str, state: SolverState, W: np.ndarray, b: np.ndarray, *, learning_rate: float,
                   lr_decay: float = 0.0, momentum: float = 0.9) -> Optimizer:
    """The optimizer of `solver`, continuing from `state` (which it updates in place)."""
    options = {"momentum": momentum} if solver == Solver.MOMENTUM else {}
    return OPTIMIZERS[Solver(solver)](state, W, b, learning_rate=learning_rate, lr_decay=lr_decay, **options)
