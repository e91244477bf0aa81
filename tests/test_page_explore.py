"""Links, model files and the Explore page in AppTest."""

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.model_file import model_to_json
from lrviz.runs import Run, Settings

from conftest import array, chart, texts


def _trained(**settings):
    run = Run(Settings(**settings))
    list(run.advance())
    return run


def test_a_link_sets_every_widget(app):
    app.query_params.update({"task": "38v5", "lr": "0.5", "iters": "200", "l2": "0.01", "init": "random",
                             "seed": "7", "test": "0.25"})
    at = app.run()
    assert not at.exception and not at.warning
    assert at.button_group(key="task_preset").value == "custom"
    assert at.multiselect(key="task_left").value == [3, 8] and at.multiselect(key="task_right").value == [5]
    assert at.select_slider(key="lr").value == 0.5 and at.number_input(key="iters").value == 200
    assert at.number_input(key="l2").value == 0.01 and at.radio(key="init").value == "random"
    assert at.number_input(key="seed").value == 7 and at.select_slider(key="test").value == 0.25
    at.button(key="train").click().run()
    run = at.session_state["run"]
    assert run.settings == Settings(task=Task.parse("38v5"), learning_rate=0.5, iterations=200, l2=0.01,
                                    init="random", seed=7, test_size=0.25)
    assert run.iteration == 200


def test_widgets_write_the_address(app):
    at = app.run()
    at.number_input(key="iters").set_value(321).run()
    at.button_group(key="task_preset").set_value("2 vs rest").run()
    assert at.query_params["iters"] == "321" and at.query_params["task"] == "2vrest"


def test_a_nonsense_link_says_what_it_ignored_and_still_trains(app):
    app.query_params.update({"task": "<img src=x onerror=alert(1)>", "lr": "-3", "iters": "1e9", "init": "x"})
    at = app.run()
    assert not at.exception
    (warning,) = at.warning
    for part in ("task: not a task", "lr: the learning rate must be between", "iters: must be a whole number",
                 "init: must be 'zeros' or 'random'"):
        assert part in warning.value
    assert "<img" not in warning.value and "onerror" not in texts(at)
    at.number_input(key="iters").set_value(50).run()
    at.button(key="train").click().run()
    assert at.session_state["run"].status == "finished"
    assert not at.warning  # gone once the user trains


def test_load_a_model_file_and_use_it(app):
    original = _trained(task=Task.parse("2vrest"), iterations=120)
    at = app.run()
    at.file_uploader(key="load_model").set_value(("m.json", model_to_json(original).encode(), "application/json"))
    at.run()
    assert not at.exception and not at.error
    run = at.session_state["run"]
    assert run.settings.task == Task.parse("2vrest") and run.origin.startswith("loaded from a file")
    np.testing.assert_array_equal(run.model.coef_, original.model.coef_)
    assert "started loaded from a file (trained 120 iterations)" in texts(at)
    # the page shows the model's settings, says what it is, and Continue trains it further
    assert at.button_group(key="task_preset").value == "2 vs rest" and at.number_input(key="iters").value == 120
    assert at.query_params["task"] == "2vrest"
    (metric,) = [m for m in at.metric if m.label == "Trained iterations"]
    assert metric.value == "120" and "Stopped at" not in texts(at)
    assert not at.button(key="continue").disabled
    at.button(key="continue").click().run()
    assert run.status == "finished" and run.iteration == 120 and run.total_iterations == 240
    assert any(m.label == "Finished after iterations" and m.value == "240" for m in at.metric)
    at.switch_page("pages/draw.py").run()
    assert "this session's model" in texts(at) and "2 vs rest" in texts(at)


def test_a_bad_model_file_gets_a_message(app):
    at = app.run()
    at.file_uploader(key="load_model").set_value(("x.json", b'{"format": "keras", "version": 3}', "application/json"))
    at.run()
    assert not at.exception
    assert any("That file could not be loaded. This is not an lrviz model file" in e.value for e in at.error)
    assert "run" not in at.session_state or at.session_state["run"] is None


def test_download_offers_the_current_model(app):
    at = app.run()
    at.number_input(key="iters").set_value(40).run()
    at.button(key="train").click().run()
    assert at.get("download_button"), "no download button after training"


def test_explore_without_runs(app):
    at = app.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert "No runs yet" in texts(at)


def _with_runs(app, runs):
    at = app.run()
    at.session_state["runs"] = runs
    for k, run in enumerate(runs, 1):
        run.name = f"run {k}"
    at.switch_page("pages/explore.py").run()
    return at


def test_compare_two_runs(app):
    slow, fast = _trained(iterations=100), _trained(learning_rate=0.5, iterations=100)
    at = _with_runs(app, [slow, fast])
    assert not at.exception
    spec = chart(at, "compare_chart")
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["run 1 · train", "run 1 · test", "run 2 · train", "run 2 · test"]
    assert array(spec["data"][2]["y"])[-1] < array(spec["data"][0]["y"])[-1]  # the faster run got lower
    table = at.table[0].value
    assert list(table["name"]) == ["run 1", "run 2"]
    assert list(table["test accuracy"]) == [f"{slow.last.test_accuracy:.1%}", f"{fast.last.test_accuracy:.1%}"]
    at.toggle(key="compare_log").set_value(True).run()
    assert chart(at, "compare_chart")["layout"]["yaxis"]["type"] == "log"


def test_remove_and_clear_runs(app):
    runs = [_trained(iterations=30), _trained(iterations=40), _trained(iterations=50)]
    at = _with_runs(app, runs)
    at.multiselect(key="compare_runs").set_value([f"run 1: {runs[0].label}"]).run()
    at.button(key="remove_runs").click().run()
    assert [run.name for run in at.session_state["runs"]] == ["run 2", "run 3"]
    at.button(key="clear_runs").click().run()
    assert at.session_state["runs"] == []
    assert "No runs yet" in texts(at)


def test_replay_steps_through_the_kept_log_spaced_weights(app):
    run = _trained(task=Task.all_digits(), iterations=200)
    at = _with_runs(app, [run])
    slider = at.select_slider(key="replay_iteration")
    points = slider.options
    assert points[:4] == ["0", "1", "2", "3"] and points[-1] == "200"
    slider.set_value(12).run()
    curve = chart(at, "replay_curve_chart")
    assert array(curve["data"][0]["x"])[-1] == 12
    weights = array(chart(at, "replay_weights_chart")["data"][0]["z"])
    np.testing.assert_allclose(weights[:8, :8], run.weights_at(12)[0][0].reshape(8, 8), atol=1e-4)
    limit = max(np.abs(run.weights_at(int(i))[0]).max() for i in points)
    assert chart(at, "replay_weights_chart")["data"][0]["zmax"] == limit  # one scale for the whole replay


def test_a_run_that_blew_up_is_readable(app):
    calm = _trained(task=Task.parse("2vrest"), learning_rate=0.5, iterations=100)
    with pytest.warns(Warning, match="diverged"):
        wild = _trained(task=Task.parse("2vrest"), learning_rate=10.0, l2=10.0, iterations=300)
    at = _with_runs(app, [calm, wild])
    assert "switch on **Log scale** to see every curve" in texts(at)
    at.toggle(key="compare_log").set_value(True).run()
    assert "switch on **Log scale**" not in texts(at)
    slider = at.select_slider(key="replay_iteration")
    slider.set_value(int(slider.options[1])).run()
    shown, _ = wild.weights_at(int(slider.options[1]))
    (trace,) = chart(at, "replay_weights_chart")["data"]
    assert trace["zmax"] == np.abs(shown).max()  # its own scale: not blank next to the blow-up
    assert "colour scale is set anew" in texts(at)


def test_start_a_run_from_another_runs_weights(app):
    at = app.run()
    at.radio(key="init").set_value("random").run()
    at.number_input(key="seed").set_value(5)
    at.number_input(key="iters").set_value(30).run()
    at.button(key="train").click().run()
    first = at.session_state["run"]
    at.number_input(key="seed").set_value(6)
    at.select_slider(key="lr").set_value(0.5).run()
    options = at.selectbox(key="start_from").options
    assert options[0] == "the initial weights chosen above" and options[1].startswith("run 1")
    at.selectbox(key="start_from").set_value(options[1]).run()
    at.button(key="train").click().run()
    second = at.session_state["run"]
    assert second is not first and second.settings.seed == 6
    np.testing.assert_array_equal(second.start.coef, first.start.coef)
    assert "from the start of run 1" in second.label


def test_a_session_keeps_its_last_runs_only(app):
    from pages._shared import MAX_RUNS

    runs = [_trained(iterations=5) for _ in range(MAX_RUNS)]
    for k, run in enumerate(runs, start=1):
        run.name = f"run {k}"
    app.session_state["runs"], app.session_state["run_count"] = list(runs), MAX_RUNS
    at = app.run()
    at.number_input(key="iters").set_value(5).run()
    at.button(key="train").click().run()
    kept = at.session_state["runs"]
    assert len(kept) == MAX_RUNS and kept[0].name == "run 2" and kept[-1].name == f"run {MAX_RUNS + 1}"
    at.switch_page("pages/explore.py").run()
    assert f"This session's last {MAX_RUNS} runs are kept here" in texts(at)


# -- the new settings in links and model files ------------------------------------------------------

def test_a_link_with_solver_settings_sets_their_widgets(app):
    app.query_params.update({"task": "2vrest", "solver": "momentum", "lr": "0.1", "momentum": "0.5",
                             "decay": "0.001", "batch": "64", "iters": "50"})
    at = app.run()
    assert not at.exception and not at.warning
    assert at.button_group(key="solver").value == "momentum" and at.select_slider(key="momentum").value == 0.5
    assert at.select_slider(key="batch").value == 64 and at.select_slider(key="decay").value == 0.001
    at.button(key="train").click().run()
    assert at.session_state["run"].settings == Settings(task=Task.parse("2vrest"), solver="momentum",
                                                        learning_rate=0.1, momentum=0.5, lr_decay=0.001,
                                                        batch_size=64, iterations=50)


def test_a_link_with_unusable_solver_settings_says_which(app):
    app.query_params.update({"solver": "sgd<script>", "batch": "0", "momentum": "1.5", "lr": "0.5"})
    at = app.run()
    assert not at.exception
    (warning,) = at.warning
    for part in ("solver: must be 'gd', 'momentum', 'adam' or 'newton'", "batch: the batch size must be between",
                 "momentum: the momentum must be between"):
        assert part in warning.value
    assert "<script>" not in warning.value
    assert at.button_group(key="solver").value == "gd" and at.select_slider(key="batch").value == "full"
    assert at.select_slider(key="lr").value == 0.5  # the usable values are used


def test_a_link_from_before_the_solvers_opens_as_plain_gradient_descent(app):
    app.query_params.update({"task": "0v1", "lr": "0.5", "iters": "30", "l2": "0.01"})  # no solver, batch, ...
    at = app.run()
    assert not at.warning
    assert at.button_group(key="solver").value == "gd" and at.select_slider(key="batch").value == "full"
    at.button(key="train").click().run()
    run = at.session_state["run"]
    assert run.settings.solver == "gd" and run.settings.batch_size is None and run.model.solver == "gd"
    assert at.query_params["solver"] == "gd" and at.query_params["batch"] == "full"  # the address now says so


def test_a_model_file_carries_the_solver_settings_into_the_widgets(app):
    original = _trained(task=Task.parse("2vrest"), solver="adam", learning_rate=0.01, batch_size=32,
                        lr_decay=0.001, iterations=40)
    at = app.run()
    at.file_uploader(key="load_model").set_value(("m.json", model_to_json(original).encode(), "application/json"))
    at.run()
    assert not at.exception and not at.error
    assert at.button_group(key="solver").value == "adam" and at.select_slider(key="batch").value == 32
    assert at.select_slider(key="lr").value == 0.01 and at.select_slider(key="decay").value == 0.001
    run = at.session_state["run"]
    np.testing.assert_array_equal(run.model.optimizer_state_.moments["first_moment"][0],
                                  original.model.optimizer_state_.moments["first_moment"][0])
    at.button(key="continue").click().run()  # goes on as the original would have
    original.extend(40)
    list(original.advance())
    np.testing.assert_allclose(run.model.coef_, original.model.coef_)


def test_an_old_model_file_opens_as_plain_gradient_descent(app):
    import json

    document = json.loads(model_to_json(_trained(task=Task.parse("2vrest"), learning_rate=0.5, iterations=30)))
    document["version"] = 1
    del document["optimizer"]
    for name in ("solver", "momentum", "lr_decay", "batch_size"):
        del document["hyperparameters"][name]
    at = app.run()
    at.session_state["solver"] = "adam"  # whatever the widgets held before
    at.file_uploader(key="load_model").set_value(("old.json", json.dumps(document).encode(), "application/json"))
    at.run()
    assert not at.exception and not at.error
    assert at.button_group(key="solver").value == "gd" and at.select_slider(key="batch").value == "full"
    assert at.select_slider(key="lr").value == 0.5
    assert at.session_state["run"].settings.solver == "gd"


# -- solvers side by side --------------------------------------------------------------------------

def _solver_comparison(at):
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


def test_solvers_side_by_side_from_the_same_start(app):
    at = app.run()
    at.radio(key="init").set_value("random").run()
    at.number_input(key="seed").set_value(3)
    at.select_slider(key="batch").set_value(64)
    at.number_input(key="l2").set_value(0.01)
    at.number_input(key="iters").set_value(60).run()
    at = _solver_comparison(at)
    assert at.selectbox(key="solvers_from").value.startswith("the Train page's settings: 0 vs 1 · lr 0.05 · batch 64")
    # the learning rates start at the Train page's own for its solver and at one that suits each other
    assert [at.select_slider(key=f"solvers_lr_{s}").value for s in ("gd", "momentum", "adam")] == [0.05, 0.1, 0.01]
    at.select_slider(key="solvers_lr_gd").set_value(0.5).run()
    at.button(key="compare_solvers").click().run()
    assert not at.exception and not at.error
    runs = at.session_state["runs"]
    assert [run.settings.solver for run in runs] == ["gd", "momentum", "adam", "newton"]
    assert [run.settings.learning_rate for run in runs[:3]] == [0.5, 0.1, 0.01]
    assert all(run.status == "finished" for run in runs)
    assert [run.iteration for run in runs] == [60, 60, 60, 20]  # Newton: at most 20
    for run in runs:
        np.testing.assert_array_equal(run.start.coef, runs[0].start.coef)
        assert run.settings.batch_size == 64 and run.settings.l2 == 0.01
    assert runs[0].start.coef.std() > 0  # the random start of seed 3, shared
    # the chart shows them (they are picked), against iterations first
    spec = chart(at, "compare_chart")
    assert [t["name"] for t in spec["data"][::2]] == ["run 1 · train", "run 2 · train", "run 3 · train",
                                                      "run 4 · train"]
    assert spec["layout"]["xaxis"]["title"]["text"] == "iteration (updates)"
    np.testing.assert_array_equal(array(spec["data"][0]["x"]), runs[0].curve.iterations)
    colors = [t["line"]["color"] for t in spec["data"][::2]]
    assert len(set(colors)) == 4
    at.button_group(key="compare_x").set_value("seconds").run()
    spec = chart(at, "compare_chart")
    assert spec["layout"]["xaxis"]["title"]["text"] == "computing time (s)"
    np.testing.assert_allclose(array(spec["data"][6]["x"]), runs[3].curve.seconds)
    at.button_group(key="compare_x").set_value("epochs").run()
    spec = chart(at, "compare_chart")
    per_epoch = -(-len(runs[0].data.X_train) // 64)
    np.testing.assert_allclose(array(spec["data"][0]["x"]), runs[0].curve.iterations / per_epoch)
    np.testing.assert_allclose(array(spec["data"][6]["x"]), runs[3].curve.iterations)  # Newton: full batches
    assert "seconds" in at.table[0].value.columns


def test_solvers_from_the_start_of_an_earlier_run(app):
    at = app.run()
    at.radio(key="init").set_value("random").run()
    at.number_input(key="iters").set_value(30).run()
    at.button(key="train").click().run()
    first = at.session_state["run"]
    at = _solver_comparison(at)
    options = at.selectbox(key="solvers_from").options
    assert options[1].startswith("the start of run 1")
    at.selectbox(key="solvers_from").set_value(options[1]).run()
    at.pills(key="solvers").set_value(["adam", "newton"]).run()
    assert [s.key for s in at.select_slider if s.key.startswith("solvers_lr")] == ["solvers_lr_adam"]
    at.button(key="compare_solvers").click().run()
    runs = at.session_state["runs"][1:]
    assert [run.settings.solver for run in runs] == ["adam", "newton"]
    for run in runs:
        np.testing.assert_array_equal(run.start.coef, first.start.coef)
        assert run.label.endswith("from the start of run 1")
    assert at.multiselect(key="compare_runs").value == [f"run {k}: {run.label}" for k, run in enumerate(runs, 2)]


def test_every_setting_round_trips_widgets_link_and_model_file(app):
    """Widgets -> the address -> a new visitor's widgets -> a trained model's file -> another visitor's widgets,
    for every setting of the table (none at its default), without naming them."""
    from streamlit.testing.v1 import AppTest

    from lrviz.settings import WidgetKind
    from pages import _settings

    from conftest import APP

    chosen = Settings(task=Task.parse("38v5"), solver="momentum", learning_rate=0.2, momentum=0.5, lr_decay=0.01,
                      batch_size=32, iterations=7, l2=0.01, init="random", seed=5, test_size=0.25)
    getters = {WidgetKind.SELECT_SLIDER: "select_slider", WidgetKind.NUMBER_INPUT: "number_input",
               WidgetKind.RADIO: "radio", WidgetKind.SEGMENTED_CONTROL: "button_group"}

    def widgets(at):
        return {entry.name: getattr(at, getters[entry.widget.kind])(key=_settings.widget_key(entry)).value
                for entry in _settings.HYPERPARAMETERS}

    expected = {entry.name: _settings.to_widget(entry, getattr(chosen, entry.name))
                for entry in _settings.HYPERPARAMETERS}
    assert all(getattr(chosen, entry.name) != entry.default for entry in _settings.HYPERPARAMETERS)
    at = app.run()
    at.button_group(key="task_preset").set_value("custom").run()
    at.multiselect(key="task_left").set_value([3, 8])
    at.multiselect(key="task_right").set_value([5])
    for _ in range(2):  # (a widget is enabled once the setting it depends on has been chosen: momentum by the solver)
        for entry in _settings.HYPERPARAMETERS:
            widget = getattr(at, getters[entry.widget.kind])(key=_settings.widget_key(entry))
            if not widget.disabled:
                widget.set_value(expected[entry.name])
        at.run()
    assert widgets(at) == expected
    link = dict(at.query_params)
    visitor = AppTest.from_file(APP, default_timeout=60)
    visitor.query_params.update(link)
    visitor.run()
    assert not visitor.warning and widgets(visitor) == expected
    visitor.button(key="train").click().run()
    run = visitor.session_state["run"]
    assert run.settings == chosen and run.iteration == 7
    other = AppTest.from_file(APP, default_timeout=60).run()
    other.file_uploader(key="load_model").set_value(("m.json", model_to_json(run).encode(), "application/json"))
    other.run()
    assert not other.error and widgets(other) == expected
    assert other.session_state["run"].settings == chosen
