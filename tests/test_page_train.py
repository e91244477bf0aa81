"""The Train page in AppTest: train, stop and continue, reset, impossible tasks, ten digits."""

import json

import numpy as np
import pytest

from lrviz import live
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


def test_a_fast_run_sends_its_frames_together_each_with_its_moment(app, monkeypatch):
    """The default run trains in a few hundredths of a second and is shown over 1.5 s: it computes
    at once and sends its frames in few feeds (not one element per frame), each frame with the
    moment the browser shows it."""
    monkeypatch.setattr(live, "MIN_DURATION", 1.5)  # (the page tests' `app` shows runs at once)
    at = app.run()
    at.button(key="train").click().run()
    assert not at.exception
    feeds = [json.loads(e.proto.json)["frames"] for e in at.get("bidi_component")
             if e.proto.component_name.endswith("lrviz_chart") and '"frames"' in e.proto.json]
    frames = [frame for feed in feeds for frame in feed if "extend" in frame["patches"].get("curve", {})]
    assert len(frames) >= 10
    assert len(feeds) < len(frames) / 2  # bundled (the last feed: the charts' texts)
    for feed in feeds:
        moments = [frame["at"] for frame in feed]
        assert moments == sorted(moments)
    assert max(frame["at"] for frame in frames) > 1.0  # shown over the run's 1.5 s, not at once
    assert feeds[-1][-1]["patches"]["curve"]["text"].startswith("Learning curve of 0 vs 1")


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


@pytest.mark.parametrize("l2, kind", [(1.0, "rising"), (0.1, "stuck_high")])
def test_a_diverged_run_is_explained(app, l2, kind):
    """A blow-up, and the swings of learning rate 10 with L2 0.1 (the cost stays between about 20 and 57
    while accuracy sits near chance): both stopped and explained by the core, never called finished."""
    at = app.run()
    at.select_slider(key="lr").set_value(10.0)
    at.number_input(key="l2").set_value(l2).run()
    at.button(key="train").click().run()
    assert not at.exception
    run = at.session_state["run"]
    assert run.status == "diverged" and run.divergence.kind == kind
    (error,) = at.error
    assert run.divergence.what_happened in error.value and run.divergence.advice in error.value
    assert "try 1 or smaller" in error.value and f"for l2={l2:g}" in error.value
    page = texts(at)
    for misleading in ("Finished", "Misread", "100 %", "100%", "Reading the weight map"):
        assert misleading not in page
    curve = chart(at, "curve")
    assert curve["layout"]["xaxis"]["range"] == [0, run.iteration]  # the blow-up fills the chart
    assert "confusion" not in charts(at)


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


# -- the settings table's widgets -------------------------------------------------------------

def test_every_setting_has_its_widget_with_the_tables_help(app):
    from lrviz.settings import SETTINGS

    at = app.run()
    widgets = {w.key: w for kind in ("select_slider", "number_input", "radio", "button_group")
               for w in at.get(kind) if getattr(w, "key", None)}
    for entry in SETTINGS.values():
        if entry.name == "task":
            continue
        widget = widgets[entry.link_key]  # the widget's key is the link key
        assert widget.label == entry.title and widget.help == entry.help
    assert at.button_group(key="solver").value == "gd" and at.select_slider(key="batch").value == "full"
    # momentum is only the momentum solver's: its widget is disabled for the others, as is the seed with zeros
    assert at.select_slider(key="momentum").disabled and at.number_input(key="seed").disabled
    assert not at.select_slider(key="decay").disabled
    at.button_group(key="solver").set_value("momentum").run()
    assert not at.select_slider(key="momentum").disabled
    at.button_group(key="solver").set_value("newton").run()
    assert at.select_slider(key="lr").disabled and at.select_slider(key="batch").disabled
    assert "Newton's method always uses all 288 training digits" in texts(at)


def test_solver_widgets_set_the_runs_settings(app):
    at = app.run()
    at.button_group(key="solver").set_value("adam").run()
    at.select_slider(key="lr").set_value(0.01)
    at.select_slider(key="batch").set_value(32)
    at.select_slider(key="decay").set_value(0.001)
    at.number_input(key="iters").set_value(120).run()
    assert "Each update uses 32 of the 288 training digits: 9 updates a pass" in texts(at)
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    run = at.session_state["run"]
    assert run.settings == Settings(solver="adam", learning_rate=0.01, batch_size=32, lr_decay=0.001, iterations=120)
    assert run.model.solver == "adam" and run.model.batch_size == 32 and run.iteration == 120
    assert at.query_params["solver"] == "adam" and at.query_params["batch"] == "32"
    # the live curve shows the noisy mini-batch cost and its trend beneath the train and test lines
    names = [trace["name"] for trace in chart(at, "curve")["data"]]
    assert names[:3] == ["mini-batch cost", "mini-batch trend", "train cost"]
    np.testing.assert_allclose(array(chart(at, "curve")["data"][0]["y"]), run.curve.batch_cost)
    assert "Adam" in texts(at) or "Adam" in run.label


def test_a_full_batch_curve_looks_as_before(app):
    at = _set_iterations(app.run(), 50).run()
    at.button(key="train").click().run()
    names = [trace["name"] for trace in chart(at, "curve")["data"]]
    assert names == ["train cost", "test cost", "train accuracy", "test accuracy"]


# -- Step ---------------------------------------------------------------------------------------

def test_step_makes_one_update_and_shows_what_it_changed(app):
    at = app.run()
    at.select_slider(key="batch").set_value(16).run()
    at.button(key="step").click().run()
    assert not at.exception and not at.error
    run = at.session_state["run"]
    assert run.iteration == 1 and run.status == "stopped" and at.session_state["training"] is False
    step = at.session_state["last_step"][1]
    assert len(step.batch) == 16
    shown = texts(at)
    assert "**One update** of run 1 (gradient descent), iteration 0 → 1, on a mini-batch of 16 of the 288" in shown
    progress = " ".join(p.proto.text for p in at.get("progress"))
    assert (f"Iteration 1 of 1000 · **Step**: cost {step.before.train_cost:.4f} → "
            f"{step.after.train_cost:.4f}, details below") in progress
    metrics = {m.label: m for m in at.metric}
    assert metrics["Training cost"].value == f"{step.after.train_cost:.4f}"
    assert metrics["Mini-batch cost"].value == f"{step.batch_cost_after:.4f}"
    np.testing.assert_allclose(array(chart(at, "step_change")["data"][0]["z"]), step.coef_change.reshape(8, 8))
    batch = array(chart(at, "step_batch")["data"][0]["z"])
    np.testing.assert_allclose(batch[:8, :8], run.data.X_train[step.batch[0]].reshape(8, 8), atol=1e-4)
    # a second press goes on from there: the same run, one more update, the next mini-batch
    at.button(key="step").click().run()
    again = at.session_state["last_step"][1]
    assert at.session_state["run"] is run and run.iteration == 2 and not np.array_equal(again.batch, step.batch)
    assert "iteration 1 → 2" in texts(at)
    # Continue trains on from there, and Step is not shown once the run has moved on
    at.number_input(key="iters").set_value(30).run()  # other settings: Continue still trains this run
    at.button(key="continue").click().run()
    assert at.session_state["run"] is run and run.status == "finished"
    assert "One update" not in texts(at) and "step_change" not in charts(at)


def test_step_starts_a_new_run_when_the_settings_changed(app):
    at = _set_iterations(app.run(), 40).run()
    at.button(key="train").click().run()
    first = at.session_state["run"]
    at.button(key="step").click().run()
    assert at.session_state["run"] is first and first.iteration == 41  # a finished run takes one more step
    assert "Finished at iteration 41" in texts(at)
    at.select_slider(key="lr").set_value(0.5).run()
    at.button(key="step").click().run()
    second = at.session_state["run"]
    assert second is not first and second.settings.learning_rate == 0.5 and second.iteration == 1
    assert [run.name for run in at.session_state["runs"]] == ["run 1", "run 2"]
    step = at.session_state["last_step"][1]
    np.testing.assert_allclose(step.coef_change, -0.5 * _gradient(second, step.before))
    assert "on all 288 training digits" in texts(at) and "step_batch" not in charts(at)


def _gradient(run, snapshot):
    """The gradient of the training cost at a snapshot's weights."""
    import copy

    from lrviz import backprop

    model = copy.deepcopy(run.model)
    model.coef_, model.intercept_ = snapshot.coef.copy(), snapshot.intercept.copy()
    return backprop.batch_gradient(model, run.data.X_train, backprop.class_indices(model, run.data.y_train))[0]


def test_step_of_ten_digits_shows_ten_maps_of_the_change(app):
    at = app.run()
    at.button_group(key="task_preset").set_value("all ten").run()
    at.button_group(key="solver").set_value("newton").run()
    at.button(key="step").click().run()
    assert not at.exception
    run = at.session_state["run"]
    assert run.settings.solver == "newton" and run.iteration == 1
    z = array(chart(at, "step_change")["data"][0]["z"])
    assert z.shape == (20, 44)  # ten maps
    assert chart(at, "step_change")["data"][0]["colorbar"]["title"]["text"] == "ΔW"
    (metric,) = [m for m in at.metric if m.label == "Training cost"]
    assert metric.delta.startswith("-")  # Newton's step lowers the cost


def _table(at, header="| iteration |"):
    """The rows of the Markdown table that starts with `header`, as lists of cell texts."""
    (table,) = [m.value for m in at.markdown if m.value.startswith(header)]
    lines = table.splitlines()
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_the_learning_curves_numbers_as_a_table_are_the_curves(app):
    at = _set_iterations(app.run(), 300).run()
    at.button(key="train").click().run()
    rows = _table(at)
    curve = chart(at, "curve")
    x = array(curve["data"][0]["x"])
    traces = {trace["name"]: array(trace["y"]) for trace in curve["data"]}
    assert 2 < len(rows) <= 21 and rows[0][0] == "0" and rows[-1][0] == "300"
    for iteration, train_cost, test_cost, train_accuracy, test_accuracy in rows:
        (i,) = np.flatnonzero(x == int(iteration.replace(",", "")))
        assert float(train_cost) == pytest.approx(traces["train cost"][i], abs=5e-5)
        assert float(test_cost) == pytest.approx(traces["test cost"][i], abs=5e-5)
        assert float(train_accuracy.rstrip("%")) == pytest.approx(100 * traces["train accuracy"][i], abs=0.05)
        assert float(test_accuracy.rstrip("%")) == pytest.approx(100 * traces["test accuracy"][i], abs=0.05)
    download = at.get("download_button")
    assert any("curve_table_csv" in str(d.proto.id) for d in download)
