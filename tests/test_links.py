"""Settings in links: read every valid value, ignore and name the bad ones, never echo them."""

import pytest

from lrviz.data import Task
from lrviz.links import MAX_VALUE_LENGTH, settings_from_query, settings_to_query
from lrviz.settings import SETTINGS, Settings


def test_round_trip():
    settings = Settings(task=Task.parse("38v5"), solver="momentum", learning_rate=0.5, momentum=0.8, lr_decay=0.001,
                        batch_size=32, iterations=200, l2=0.01, init="random", seed=7, test_size=0.25)
    query = settings_to_query(settings)
    assert query == {"task": "38v5", "solver": "momentum", "lr": "0.5", "momentum": "0.8", "decay": "0.001",
                     "batch": "32", "iters": "200", "l2": "0.01", "init": "random", "seed": "7", "test": "0.25"}
    assert settings_from_query(query) == (settings, [])


def test_full_batch_and_every_solver_round_trip():
    for solver in ("gd", "momentum", "adam", "newton"):
        settings = Settings(solver=solver)
        query = settings_to_query(settings)
        assert query["batch"] == "full" and query["solver"] == solver
        assert settings_from_query(query) == (settings, [])


def test_a_link_made_before_solvers_opens_as_plain_gradient_descent():
    settings, ignored = settings_from_query({"task": "2vrest", "lr": "0.5", "iters": "200", "l2": "0.01",
                                             "init": "zeros", "seed": "0", "test": "0.2"})
    assert ignored == []
    assert settings.solver == "gd" and settings.batch_size is None and settings.lr_decay == 0
    assert settings == Settings(task=Task.parse("2vrest"), learning_rate=0.5, iterations=200, l2=0.01)


def test_a_partial_link_keeps_the_defaults_for_the_rest():
    settings, ignored = settings_from_query({"task": "3v8", "lr": "0.5", "iters": "200"})
    assert ignored == []
    assert settings == Settings(task=Task.parse("3v8"), learning_rate=0.5, iterations=200)


def test_unknown_parameters_are_left_alone():
    assert settings_from_query({"present": "1", "utm_source": "x"}) == (Settings(), [])


def test_lists_take_the_last_value():
    settings, _ = settings_from_query({"lr": ["0.1", "0.2"]})
    assert settings.learning_rate == 0.2
    settings, ignored = settings_from_query({"lr": []})
    assert settings.learning_rate == Settings().learning_rate and [i.parameter for i in ignored] == ["lr"]


def test_a_link_gives_back_an_l2_typed_to_many_digits():
    settings = Settings(l2=0.0012345678, learning_rate=0.05)
    assert settings_from_query(settings_to_query(settings)) == (settings, [])


HOSTILE = [
    ("task", "<script>alert(1)</script>", "not a task"),
    ("task", "0v0", "cannot be on both sides"),
    ("task", "x" * 500, f"longer than {MAX_VALUE_LENGTH}"),
    ("lr", "-1", "between 0.0001 and 10"),
    ("lr", "abc", "must be a number"),
    ("lr", "nan", "must be a number"),
    ("lr", "1e999", "must be a number"),
    ("lr", "0x10", "must be a number"),
    ("iters", "abc", "whole number"),
    ("iters", "2.5", "whole number"),
    ("iters", "99999999999", "between 1 and 50000"),
    ("iters", "\u0663", "whole number"),  # an Arabic-Indic 3
    ("lr", "\uff11", "must be a number"),  # a full-width 1
    ("seed", "99999999999", "between 0 and 2147483647"),
    ("iters", "0", "between 1 and 50000"),
    ("l2", "-0.5", "between 0 and 10"),
    ("init", "<b>ones</b>", "must be 'zeros' or 'random'"),
    ("seed", "-5", "between 0 and 2147483647"),
    ("test", "0.9", "between 0.05 and 0.5"),
    ("test", "", "must be a number"),
    ("solver", "sgd", "must be 'gd', 'momentum', 'adam' or 'newton'"),
    ("solver", "<i>adam</i>", "must be 'gd', 'momentum', 'adam' or 'newton'"),
    ("batch", "0", "between 1 and 2048"),
    ("batch", "all", "must be a whole number or 'full'"),
    ("batch", "3.5", "must be a whole number or 'full'"),
    ("momentum", "1", "between 0 and 0.99"),
    ("decay", "-0.1", "between 0 and 1"),
    ("decay", "inf", "must be a number"),
]


@pytest.mark.parametrize("parameter, value, reason", HOSTILE)
def test_a_bad_value_falls_back_and_is_named_without_its_text(parameter, value, reason):
    settings, ignored = settings_from_query({parameter: value, "iters": "300"} if parameter != "iters"
                                            else {parameter: value})
    (item,) = ignored
    assert item.parameter == parameter and reason in item.reason
    if len(value) > 2:
        assert value not in str(item)  # the raw text never comes back
    (field,) = [entry.name for entry in SETTINGS.values() if entry.link_key == parameter]
    assert getattr(settings, field) == getattr(Settings(), field)


def test_everything_bad_at_once():
    query = {value[0]: value[1] for value in HOSTILE}
    settings, ignored = settings_from_query(query)
    assert settings == Settings()
    assert sorted(i.parameter for i in ignored) == sorted(set(query))
