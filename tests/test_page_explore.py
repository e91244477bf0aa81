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
