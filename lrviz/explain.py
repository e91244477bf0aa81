"""The numbers behind one decision of a model: z = w·x + b, the probabilities, w ⊙ x.

Used wherever the app explains a prediction (the Draw page, How it works): one forward
pass of the neuron(s) for a single input, kept as plain arrays a page can show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lrviz.model import LogisticRegressionGD


@dataclass(frozen=True)
class Decision:
    """One input x (64 features in [0, 1]) through a trained model.

    For a two-class model there is one neuron: `logits`, `bias` and `contributions`
    have one row, and z > 0 means `class_names[1]`. For K classes there is a row per
    class. `contributions[k] = w_k ⊙ x`, so `contributions[k].sum() + bias[k] == logits[k]`.
    """

    x: np.ndarray
    class_names: tuple[str, ...]
    logits: np.ndarray
    bias: np.ndarray
    contributions: np.ndarray
    probabilities: np.ndarray
    predicted: int

    @property
    def binary(self) -> bool:
        return len(self.class_names) == 2

    @property
    def name(self) -> str:
        """The name of the predicted class."""
        return self.class_names[self.predicted]

    @property
    def confidence(self) -> float:
        """The probability of the predicted class."""
        return float(self.probabilities[self.predicted])


def decide(model: LogisticRegressionGD, x: np.ndarray, class_names: Sequence[str]) -> Decision:
    """Run one input through a fitted model and keep every number of the forward pass."""
    x = np.asarray(x, dtype=float).reshape(-1)
    if x.shape != (model.n_features_in_,):
        raise ValueError(f"x must have {model.n_features_in_} features; got {x.size}.")
    if len(class_names) != len(model.classes_):
        raise ValueError(f"{len(class_names)} class names for a model of {len(model.classes_)} classes.")
    contributions = model.coef_ * x
    probabilities = model.predict_proba(x[np.newaxis, :])[0]
    return Decision(
        x=x,
        class_names=tuple(class_names),
        logits=contributions.sum(axis=1) + model.intercept_,
        bias=model.intercept_.copy(),
        contributions=contributions,
        probabilities=probabilities,
        predicted=int(np.argmax(probabilities)),
    )
