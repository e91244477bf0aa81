"""Model files: save, load back exactly, and refuse malformed, foreign or hostile files clearly."""

import json

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.model_file import MAX_BYTES, model_from_json, model_to_json, run_from_saved
from lrviz.runs import Run, RunStatus
from lrviz.settings import Settings


@pytest.fixture(scope="module")
def trained():
    run = Run(Settings(task=Task.parse("38v5"), learning_rate=0.5, iterations=150, l2=0.01, init="random", seed=3))
    list(run.advance())
    return run


def test_round_trip_keeps_weights_task_and_settings(trained):
    text = model_to_json(trained)
    document = json.loads(text)
    assert document["format"] == "lrviz-model" and document["version"] == 2
    assert document["task"] == "38v5" and document["class_names"] == ["3 or 8", "5"]
    saved = model_from_json(text.encode())
    assert saved.settings == trained.settings
    np.testing.assert_array_equal(saved.coef, trained.model.coef_)  # exact, not rounded
    np.testing.assert_array_equal(saved.intercept, trained.model.intercept_)
    assert saved.iterations == 150 and saved.test_accuracy == trained.last.test_accuracy


def test_a_loaded_model_decides_like_the_original_and_trains_on(trained):
    run = run_from_saved(model_from_json(model_to_json(trained)))
    assert run.iteration == 0 and "loaded from a file (trained 150 iterations)" in run.label
    assert run.status is RunStatus.LOADED and run.total_iterations == 150
    X = trained.data.X_test
    np.testing.assert_array_equal(run.model.predict_proba(X), trained.model.predict_proba(X))
    assert run.last.test_accuracy == trained.last.test_accuracy
    list(run.advance())
    assert run.iteration == 150 and run.status == "finished" and run.total_iterations == 300


def test_an_untrained_run_cannot_be_saved():
    with pytest.raises(ValueError, match="not trained yet"):
        model_to_json(Run(Settings()))


def _changed(trained, **changes):
    document = json.loads(model_to_json(trained))
    document.update(changes)
    return json.dumps(document)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda t: b"{" + b" " * MAX_BYTES, "has 200,001 bytes; an lrviz model file has at most 200,000"),
        (lambda t: "{" + "é" * (MAX_BYTES // 2), "has 200,001 bytes"),  # bytes, not characters
        (lambda t: "[" * 100_000 + "]" * 100_000, "nests lists far too deep"),
        (lambda t: _changed(t, version=10**400), "no valid \"version\""),
        (lambda t: _changed(t, version=10**40), "no valid \"version\""),
        (lambda t: _changed(t, coef=[[10**400] * 64]), "\"coef\" must be 1 x 64 numbers"),
        (lambda t: _changed(t, coef=[[1e300] * 64]), "each finite and at most 1e\\+06 in size"),
        (lambda t: _changed(t, hyperparameters={**json.loads(model_to_json(t))["hyperparameters"],
                                                "iterations": 10**400}),
         "got a number of 401 digits"),
        (lambda t: b"\xff\xfe\x00", "not valid JSON"),
        (lambda t: "not json at all", "not valid JSON"),
        (lambda t: "[1, 2, 3]", "not an lrviz model file"),
        (lambda t: '{"format": "keras"}', "not an lrviz model file"),
        (lambda t: _changed(t, version=3), "version 3, made by a newer lrviz"),
        (lambda t: _changed(t, version="1"), "no valid \"version\""),
        (lambda t: _changed(t, task="<script>alert(1)</script>"), "\"task\" is invalid: not a task"),
        (lambda t: _changed(t, task=5), "\"task\" is missing or not a text"),
        (lambda t: _changed(t, classes=[0, 1, 2]), "classes do not fit"),
        (lambda t: _changed(t, class_names=["5", "3 or 8"]), "class names do not fit its task '3 and 8 vs 5'"),
        (lambda t: _changed(t, coef=[[0.0] * 63]), "\"coef\" must be 1 x 64 numbers"),
        (lambda t: _changed(t, coef=[[True] * 64]), "\"coef\" must be 1 x 64"),
        (lambda t: _changed(t, coef="AAAA"), "\"coef\" must be 1 x 64"),
        (lambda t: _changed(t, intercept=[1e400]), "not valid JSON"),
        (lambda t: model_to_json(t).replace('"intercept": [', '"intercept": [NaN, '), "not valid JSON"),
        (lambda t: _changed(t, hyperparameters={"learning_rate": -1}), "hyperparameters are invalid"),
        (lambda t: _changed(t, hyperparameters={"solver": "lbfgs"}), "solver must be 'gd', 'momentum'"),
        (lambda t: _changed(t, hyperparameters={"batch_size": 0.5}), "batch size must be a whole number"),
        (lambda t: _changed(t, hyperparameters={"rm -rf": 1}), "include 'rm -rf', which this lrviz does not know"),
        (lambda t: _changed(t, optimizer=None), "\"optimizer\" is missing"),
        (lambda t: _changed(t, optimizer={"updates": -1}), "\"updates\" must be a whole number"),
        (lambda t: _changed(t, optimizer={"updates": 3, "shuffle_seed": 2**40}), "\"shuffle_seed\" must be null"),
        (lambda t: _changed(t, optimizer={"updates": 3, "velocity": {}}), "holds 'velocity', which the solver 'gd'"),
        (lambda t: _changed(t, trained_iterations=-4), "whole number >= 0"),
        (lambda t: _changed(t, test_accuracy=7), "between 0 and 1"),
    ],
)
def test_bad_files_are_refused_with_a_reason(trained, make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        model_from_json(make(trained))


@pytest.mark.parametrize("solver, batch_size", [("momentum", 16), ("adam", None)])
def test_a_saved_run_trains_on_as_if_it_had_never_stopped(solver, batch_size):
    """The optimizer's state (velocity, Adam's moments, updates, mini-batch order) travels in the file."""
    settings = Settings(task=Task.parse("38v5"), solver=solver, batch_size=batch_size, learning_rate=0.05,
                        lr_decay=0.01, iterations=40, seed=5)
    whole = Run(settings)
    list(whole.advance())
    whole.extend(40)
    list(whole.advance())
    half = Run(settings)
    list(half.advance())
    text = model_to_json(half)
    assert json.loads(text)["optimizer"]["updates"] == 40
    run = run_from_saved(model_from_json(text))
    list(run.advance())
    assert run.total_iterations == 80
    np.testing.assert_array_equal(run.model.coef_, whole.model.coef_)
    np.testing.assert_array_equal(run.model.cost_history_, whole.model.cost_history_[40:])


def test_a_version_1_file_opens_as_plain_gradient_descent(trained):
    document = json.loads(model_to_json(trained))
    document["version"] = 1
    del document["optimizer"]
    for name in ("solver", "batch_size", "momentum", "lr_decay"):
        del document["hyperparameters"][name]
    saved = model_from_json(json.dumps(document))
    assert saved.settings == trained.settings and saved.settings.solver == "gd" and saved.settings.batch_size is None
    assert saved.optimizer_state.updates == 0 and saved.optimizer_state.moments == {}
    run = run_from_saved(saved)
    list(run.advance())
    assert run.status is RunStatus.FINISHED


def test_an_adam_file_with_a_negative_second_moment_is_refused():
    run = Run(Settings(task=Task.parse("38v5"), solver="adam", iterations=5))
    list(run.advance())
    document = json.loads(model_to_json(run))
    assert set(document["optimizer"]) == {"updates", "shuffle_seed", "first_moment", "second_moment"}
    document["optimizer"]["second_moment"]["intercept"] = [-1.0]
    with pytest.raises(ValueError, match="second_moment.*cannot be negative"):
        model_from_json(json.dumps(document))
    del document["optimizer"]["first_moment"]
    with pytest.raises(ValueError, match="\"first_moment\" must hold its \"coef\" and \"intercept\""):
        model_from_json(json.dumps(document))
