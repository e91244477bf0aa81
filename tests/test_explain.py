"""One decision of a model, with its numbers: z = w·x + b, the probabilities, w ⊙ x."""

import numpy as np
import pytest

from lrviz.data import Task, load_digits_dataset
from lrviz.explain import decide
from lrviz.runs import Run, Settings


@pytest.fixture(scope="module")
def models():
    binary = Run(Settings(task=Task.parse("2vrest"), learning_rate=1.0, iterations=1000))
    ten = Run(Settings(task=Task.all_digits(), learning_rate=1.0, iterations=200))
    for run in (binary, ten):
        list(run.advance())
    return binary, ten


def test_a_binary_decision(models):
    binary, _ = models
    data = load_digits_dataset()
    two = data.X[np.flatnonzero(data.y == 2)[0]]
    decision = decide(binary.model, two, binary.settings.task.class_names)
    assert decision.binary and decision.name == "2" and decision.confidence > 0.5
    z = binary.model.decision_function(two[np.newaxis])[0]
    assert decision.logits == pytest.approx([z])
    assert decision.contributions.sum() + decision.bias[0] == pytest.approx(z)
    np.testing.assert_allclose(decision.contributions[0], binary.model.coef_[0] * two)
    np.testing.assert_allclose(decision.probabilities, binary.model.predict_proba(two[np.newaxis])[0])


def test_a_ten_class_decision(models):
    _, ten = models
    data = load_digits_dataset()
    seven = data.X[np.flatnonzero(data.y == 7)[0]]
    decision = decide(ten.model, seven, ten.settings.task.class_names)
    assert not decision.binary and decision.name == "7"
    assert decision.logits.shape == (10,) and decision.contributions.shape == (10, 64)
    np.testing.assert_allclose(decision.contributions.sum(axis=1) + decision.bias, decision.logits)
    assert decision.predicted == int(np.argmax(decision.logits))
    assert decision.probabilities.sum() == pytest.approx(1.0)


def test_bad_input(models):
    binary, _ = models
    with pytest.raises(ValueError, match="x must have 64 features; got 10"):
        decide(binary.model, np.zeros(10), binary.settings.task.class_names)
    with pytest.raises(ValueError, match="3 class names for a model of 2 classes"):
        decide(binary.model, np.zeros(64), ["a", "b", "c"])
