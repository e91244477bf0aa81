"""The settings table: every setting checked, and each one round-trips through links, model files and labels."""

import dataclasses
import inspect
import json

import pytest

from lrviz import LogisticRegressionGD
from lrviz.data import Task
from lrviz.links import settings_from_query, settings_to_query
from lrviz.model_file import model_from_json, model_to_json
from lrviz.runs import Run
from lrviz.settings import SETTINGS, Settings, WidgetKind


def test_settings_validate_every_value():
    assert Settings().label == "0 vs 1 · lr 0.05 · 1000 it · L2 0 · zeros · test 0.2"
    for bad, message in [
        (dict(learning_rate=0.0), "The learning rate must be between 0.0001 and 10; got 0"),
        (dict(learning_rate=float("nan")), "learning rate must be a number"),
        (dict(iterations=0), "iterations must be between 1 and 50000"),
        (dict(iterations=2.5), "iterations must be a whole number"),
        (dict(iterations=10**400), "iterations must be between 1 and 50000; got a number of 401 digits"),
        (dict(l2=-1.0), "L2 strength must be between 0 and 10"),
        (dict(seed=-3), "seed must be between 0"),
        (dict(test_size=0.9), "test share must be between 0.05 and 0.5"),
        (dict(init="ones"), "The initial weights must be 'zeros' or 'random'; got 'ones'"),
        (dict(learning_rate="0.1"), "learning rate must be a number"),
        (dict(solver="sgd"), "The solver must be 'gd', 'momentum', 'adam' or 'newton'; got 'sgd'"),
        (dict(batch_size=0), "batch size must be between 1 and 2048"),
        (dict(batch_size=True), "batch size must be a whole number"),
        (dict(momentum=1.0), "momentum must be between 0 and 0.99"),
        (dict(lr_decay=-0.01), "step decay must be between 0 and 1"),
        (dict(task="0v1"), "digits to tell apart must be a Task; got str"),
    ]:
        with pytest.raises(ValueError, match=message):
            Settings(**bad)


def test_settings_are_built_by_keyword_only():
    with pytest.raises(TypeError):
        Settings(Task.parse("0v1"), 0.5)  # a new field could otherwise shift every value after it


def test_the_table_has_one_valid_entry_per_field():
    assert list(SETTINGS) == [f.name for f in dataclasses.fields(Settings)]
    assert len({entry.link_key for entry in SETTINGS.values()}) == len(SETTINGS)
    estimator_params = inspect.signature(LogisticRegressionGD).parameters
    for name, entry in SETTINGS.items():
        assert entry.name == name and entry.title and entry.help.endswith(".")
        entry.check(entry.default)
        assert entry.estimator_param is None or entry.estimator_param in estimator_params
        for option in entry.widget.options:  # every value a widget offers is valid, and can be shown
            entry.check(option)
            assert entry.format(option)
        if entry.widget.kind is WidgetKind.SELECT_SLIDER:
            assert entry.default in entry.widget.options


def test_values_are_shown_in_words():
    assert SETTINGS["solver"].format("gd") == "gradient descent" and SETTINGS["solver"].format("adam") == "Adam"
    assert SETTINGS["batch_size"].format(None) == "full batch" and SETTINGS["batch_size"].format(32) == "32"
    assert SETTINGS["test_size"].format(0.25) == "25%" and SETTINGS["learning_rate"].format(0.0005) == "0.0005"
    assert SETTINGS["task"].format(Task.parse("38v5")) == "3 and 8 vs 5"
    assert SETTINGS["l2"].noun == "L2 strength" and SETTINGS["learning_rate"].noun == "learning rate"


def test_which_settings_apply():
    momentum, newton = Settings(solver="momentum"), Settings(solver="newton", batch_size=32)
    assert SETTINGS["momentum"].applies(momentum) and not SETTINGS["momentum"].applies(Settings())
    assert not SETTINGS["learning_rate"].applies(newton) and not SETTINGS["batch_size"].applies(newton)
    assert not SETTINGS["seed"].applies(Settings()) and SETTINGS["seed"].applies(Settings(batch_size=8))


def test_labels_say_what_matters():
    assert Settings(solver="momentum", learning_rate=0.1, batch_size=32).label == (
        "0 vs 1 · lr 0.1 · momentum 0.9 · batch 32 (seed 0) · 1000 it · L2 0 · zeros · test 0.2")
    assert Settings(solver="adam", learning_rate=0.01, lr_decay=0.001, init="random", seed=3).label == (
        "0 vs 1 · Adam · lr 0.01 · decay 0.001 · 1000 it · L2 0 · random (seed 3) · test 0.2")
    assert Settings(solver="newton", learning_rate=7.0, batch_size=32).label == (
        "0 vs 1 · Newton · 1000 it · L2 0 · zeros · test 0.2")  # Newton sets its own step, on the full batch


def test_the_estimator_gets_every_hyperparameter():
    settings = Settings(solver="momentum", learning_rate=0.2, momentum=0.5, lr_decay=0.01, batch_size=16,
                        iterations=30, l2=0.1, init="random", seed=9)
    assert settings.estimator().get_params() == LogisticRegressionGD(
        solver="momentum", learning_rate=0.2, momentum=0.5, lr_decay=0.01, batch_size=16, max_iter=30, l2=0.1,
        init="random", random_state=9).get_params()


def _other_value(entry):
    """A valid value of the setting other than its default."""
    if entry.kind is Task:
        return Task.parse("38v5")
    candidates = entry.choices or entry.widget.options or (entry.range[1],)
    return next(value for value in candidates if value != entry.default)


@pytest.fixture(scope="module")
def model_file_settings():
    """For each setting, the settings with that one changed, as they come back from a model file."""
    back = {}
    for name, entry in SETTINGS.items():
        settings = Settings(**{"iterations": 3, name: _other_value(entry)})
        run = Run(settings)
        run.begin()
        back[name] = settings, model_from_json(model_to_json(run)).settings
    return back


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_setting_round_trips_through_a_link_a_model_file_and_a_label(name, model_file_settings):
    entry = SETTINGS[name]
    settings, from_file = model_file_settings[name]
    assert getattr(settings, name) != entry.default
    assert settings_from_query(settings_to_query(settings)) == (settings, [])
    assert from_file == settings
    query = json.loads(json.dumps(settings_to_query(settings)))  # links are text
    assert query[entry.link_key] == entry.to_text(getattr(settings, name))
    shown = entry.label(settings)
    if shown is not None:
        assert shown in settings.label
        assert entry.label(Settings(iterations=3)) != shown  # the label tells the two apart
