"""The Train page in AppTest: train, stop and continue, reset, impossible tasks, ten digits."""

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.runs import Run, Settings

from conftest import array, chart, charts, texts


def _set_iterations(at, n):
    at.number_input(key="iters").set_value(n)
    return at


def test_first_visit(app):
    at = app.run()
    assert not at.exception and not at.error
    assert not at.button(key="train").disabled
    assert all(at.button(key=k).disabled for k in ("stop", "continue", "reset"))
    progress = " ".join(p.proto.text for p in at.get("progress"))
    assert "Press **Train**: the cost falls and the weights take shape here" in progress
    assert "curve" in charts(at) and "weight_maps" in charts(at)
    assert "0**: 178 examples" in texts(at) and "1**: 182 examples" in texts(at)
    assert at.select_slider(key="lr").value == 0.05 and at.number_input(key="iters").value == 1000
    assert at.number_input(key="l2").value == 0 and at.radio(key="init").value == "zeros"
    assert at.select_slider(key="test").value == 0.2


def test_train_the_default_task(app):
    at = _set_iterations(app.run(), 300).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    run = at.session_state["run"]
    assert run.status == "finished" and run.iteration == 300
    assert "Train accuracy 100.0%" in texts(at) and "Finished at iteration 300" in texts(at)
    curve = chart(at, "curve")
    assert curve["data"][0]["name"] == "train cost" and len(curve["data"]) == 4
    weights = chart(at, "weight_maps")
    assert weights["layout"]["yaxis"]["autorange"] == "reversed"
    assert "toward **0**" in texts(at)
    assert "confusion" in charts(at)
    # the buttons follow the state: the run can go on or be reset
    assert not at.button(key="continue").disabled and not at.button(key="reset").disabled
    assert at.button(key="stop").disabled


def test_a_stopped_run_continues_where_it_stopped(app):
    settings = Settings(iterations=400)
    run = Run(settings)
    for snapshot in run.advance():
        if snapshot.iteration >= 150:
            break
    at = app
    at.session_state["run"] = run
    at.run()
    assert f"Stopped at iteration {run.iteration}" in texts(at)
    assert not at.button(key="continue").disabled
    at.button(key="continue").click().run()
    assert at.session_state["run"].status == "finished" and at.session_state["run"].iteration == 400
    whole = Run(settings)
    list(whole.advance())
    np.testing.assert_array_equal(at.session_state["run"].model.coef_, whole.model.coef_)


def test_continue_after_finishing_adds_a_round(app):
    at = _set_iterations(app.run(), 100).run()
    at.button(key="train").click().run()
    at.button(key="continue").click().run()
    assert at.session_state["run"].iteration == 200
    assert "Finished at iteration 200" in texts(at)


def test_reset_forgets_the_run(app):
    at = _set_iterations(app.run(), 50).run()
    at.button(key="train").click().run()
    at.button(key="reset").click().run()
    assert at.session_state["run"] is None
    progress = " ".join(p.proto.text for p in at.get("progress"))
    assert "Press **Train**: the cost falls and the weights take shape here" in progress
    assert "curve" in charts(at) and "weight_maps" in charts(at)


@pytest.mark.parametrize(
    "left, right, rest, message",
    [
        ([], [5], False, "No digit is selected for the first side"),
        ([3], [], False, "No digit is selected for the second side"),
        ([3, 5], [5], False, "Digit 5 cannot be on both sides"),
        (list(range(10)), [], True, "'the rest' is empty"),
    ],
)
def test_impossible_tasks_disable_train(app, left, right, rest, message):
    at = app.run()
    at.button_group(key="task_preset").set_value("custom").run()
    at.multiselect(key="task_left").set_value(left)
    at.multiselect(key="task_right").set_value(right)
    at.toggle(key="task_rest").set_value(rest).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert at.button(key="train").disabled


def test_custom_task_trains(app):
    at = app.run()
    at.button_group(key="task_preset").set_value("custom").run()
    at.multiselect(key="task_left").set_value([3, 8])
    at.multiselect(key="task_right").set_value([5]).run()
    assert "3 or 8**: 357 examples" in texts(at)
    _set_iterations(at, 100).run()
    at.button(key="train").click().run()
    assert at.session_state["run"].settings.task == Task.parse("38v5")
    assert "toward **3 or 8**" in texts(at)


def test_all_ten_digits(app):
    at = app.run()
    at.button_group(key="task_preset").set_value("all ten").run()
    _set_iterations(at, 100).run()
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    run = at.session_state["run"]
    assert run.model.coef_.shape == (10, 64)
    z = array(chart(at, "weight_maps")["data"][0]["z"])
    assert z.shape == (20, 44)  # ten 8x8 maps, 2 rows of 5 with gaps (4 rows between, for titles)
    assert array(chart(at, "confusion")["data"][0]["z"]).shape == (10, 10)
    assert "each map is one neuron" in texts(at)


def test_a_diverged_run_is_explained(app):
    at = app.run()
    at.select_slider(key="lr").set_value(10.0)
    at.number_input(key="l2").set_value(1.0).run()
    at.button(key="train").click().run()
    assert not at.exception
    assert at.session_state["run"].status == "diverged"
    (error,) = at.error
    assert "Training diverged" in error.value and "Try a learning rate of 1, ten times smaller" in error.value
    run = at.session_state["run"]
    curve = chart(at, "curve")
    assert curve["layout"]["xaxis"]["range"] == [0, run.iteration]  # the blow-up fills the chart


def test_settings_and_model_survive_other_widgets(app):
    at = _set_iterations(app.run(), 80).run()
    at.button(key="train").click().run()
    run = at.session_state["run"]
    at.toggle(key="log_y").set_value(True).run()
    assert at.session_state["run"] is run and run.iteration == 80
    assert chart(at, "curve")["layout"]["yaxis"]["type"] == "log"
    assert at.number_input(key="iters").value == 80


def test_the_page_says_when_the_charts_are_of_other_settings(app):
    at = _set_iterations(app.run(), 60).run()
    at.button(key="train").click().run()
    assert "The charts show" not in texts(at)
    at.button_group(key="task_preset").set_value("all ten").run()
    assert "The charts show run 1: 0 vs 1 · lr 0.05 · 60 it" in texts(at)
    at.button(key="train").click().run()
    assert "The charts show" not in texts(at)
