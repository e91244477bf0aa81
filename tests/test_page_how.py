"""The How-it-works page in AppTest: the ready model's numbers, a session model's, changing the example."""

import numpy as np
import pytest

from lrviz import backprop
from lrviz.lesson_figures import format_number as num
from lrviz.neuron import sigmoid
from lrviz.runs import Run, Settings
from pages import _shared

from conftest import array, chart, charts, texts

PAGE = "pages/how.py"


def _open(at, run: Run | None = None):
    """Run the app once (its first page), then switch to How it works."""
    if run is not None:
        at.session_state["run"] = run
    at.run()
    return at.switch_page(PAGE).run()


def _trained(iterations: int = 60, **settings) -> Run:
    run = Run(Settings(iterations=iterations, **settings))
    for _ in run.advance():
        pass
    return run


def _example(run: Run, index: int) -> backprop.ExamplePass:
    label = run.data.y_test[index]
    return backprop.example_pass(run.model, run.data.X_test[index], backprop.class_index(run.model, label))


def _expected(ex: backprop.ExamplePass, names) -> list[str]:
    """What the forward and backward texts must say for this example."""
    if ex.binary:
        return [f"z = {num(ex.z[0])}", f"a = {num(ex.a[0])}", f"y = {ex.y_index}", f"L = {num(ex.loss)}",
                f"∂L/∂a = {num(ex.dL_da[0])}", f"∂a/∂z = {num(ex.da_dz[0, 0])}", f"dz = {num(ex.dz[0])}",
                f"db = {num(ex.db[0])}"]
    k = ex.y_index
    s = "₀₁₂₃₄₅₆₇₈₉"[k]
    return [f"z{s} = {num(ex.z[k])}", f"a{s} = {num(ex.a[k])}", f"y = {names[k]}", f"L = {num(ex.loss)}",
            f"∂L/∂a{s} = {num(ex.dL_da[k])}", f"∂a{s}/∂z{s} = {num(ex.da_dz[k, k])}",
            f"dz{s} = {num(ex.dz[k])}"]


def _assert_shows(at, run: Run, index: int) -> backprop.ExamplePass:
    ex = _example(run, index)
    page = texts(at)
    for text in _expected(ex, run.settings.task.class_names):
        assert text in page, f"{text!r} is not on the page"
    return ex


def test_the_ready_model_by_default(app):
    at = _open(app)
    assert not at.exception and not at.error
    assert "the **ready model** (all ten digits" in texts(at)
    assert at.number_input(key="example").value == 0
    ready = _shared.ready_run()  # the app's cached ready model
    ex = _assert_shows(at, ready, 0)
    assert {"digit", "graph", "example_gradient", "batch_gradient", "sigmoid", "logloss"} <= set(charts(at))
    digit = array(chart(at, "digit")["data"][0]["z"])
    np.testing.assert_allclose(digit, ready.data.X_test[0].reshape(8, 8), atol=1e-4)  # sent to 4 decimals
    graph = " ".join(a.get("text", "") for a in chart(at, "graph")["layout"]["annotations"])
    assert f"= {num(ex.z[ex.y_index])}" in graph and "softmax(z)" in graph
    # the maps show the true digit's neuron: this example's dw and the training set's average
    k = ex.y_index
    assert at.button_group(key="neuron").value == str(k)
    np.testing.assert_allclose(array(chart(at, "example_gradient")["data"][0]["z"]), ex.dw[k].reshape(8, 8))
    dW, _ = backprop.batch_gradient(ready.model, ready.data.X_train, ready.data.y_train)
    np.testing.assert_allclose(array(chart(at, "batch_gradient")["data"][0]["z"]), dW[k].reshape(8, 8))
    assert f"m = {len(ready.data.y_train)}" in texts(at)


def test_changing_the_example_changes_the_numbers(app):
    at = _open(app)
    ready = _shared.ready_run()
    before = texts(at)
    at.number_input(key="example").set_value(7).run()
    assert not at.exception
    assert texts(at) != before
    ex = _assert_shows(at, ready, 7)
    assert at.button_group(key="neuron").value == str(ex.y_index)
    at.button(key="random").click().run()
    index = at.number_input(key="example").value
    assert index != 7 and 0 <= index < len(ready.data.y_test)
    _assert_shows(at, ready, index)


def test_another_neurons_gradient(app):
    at = _open(app)
    ready = _shared.ready_run()
    ex = _example(ready, 0)
    other = (ex.y_index + 1) % 10
    at.button_group(key="neuron").set_value(str(other)).run()
    assert not at.exception
    np.testing.assert_allclose(array(chart(at, "example_gradient")["data"][0]["z"]), ex.dw[other].reshape(8, 8))


def test_the_sigmoid_slider_moves_the_point(app):
    at = _open(app)
    at.slider(key="sigmoid_z").set_value(2.0).run()
    assert not at.exception
    (point,) = [t for t in chart(at, "sigmoid")["data"] if t["name"] == "z"]
    assert array(point["x"])[0] == pytest.approx(2.0) and array(point["y"])[0] == pytest.approx(sigmoid(2.0))


def test_a_session_model_is_shown_with_its_task(app):
    run = _trained(60)
    at = _open(app, run)
    assert not at.exception and not at.error
    assert "**this session's model**: 0 vs 1 (60 iterations" in texts(at)
    at.number_input(key="example").set_value(5).run()
    ex = _assert_shows(at, run, 5)
    names = run.settings.task.class_names
    assert f"probability that this is a “{names[1]}”" in texts(at)
    graph = " ".join(a.get("text", "") for a in chart(at, "graph")["layout"]["annotations"])
    assert f"σ(z)<br>= {num(ex.a[0])}" in graph
    np.testing.assert_allclose(array(chart(at, "example_gradient")["data"][0]["z"]), ex.dw[0].reshape(8, 8))
    assert not [w for w in at.button_group if w.key == "neuron"]  # one neuron: nothing to choose


def test_an_example_beyond_a_smaller_test_set_is_clamped(app):
    at = _open(app)
    at.number_input(key="example").set_value(300).run()  # the ready model has 360 test digits
    run = _trained(20)  # 0 vs 1 has 72
    at.session_state["run"] = run
    at.run()
    assert not at.exception
    index = at.number_input(key="example").value
    assert index == len(run.data.y_test) - 1
    _assert_shows(at, run, index)


def test_a_saturated_neuron_is_explained(app):
    run = _trained(20)
    run.model.coef_ = run.model.coef_ * 1e4  # z in the thousands: a is exactly 0 or 1
    at = _open(app, run)
    assert not at.exception
    ex = _example(run, 0)
    assert ex.saturated
    assert "exactly" in at.info[0].value and "computed from z" in at.info[0].value
    _assert_shows(at, run, 0)


# -- one update of the solver ---------------------------------------------------------------------

def _step(run: Run, solver=None, learning_rate=None) -> backprop.SolverStep:
    y = backprop.class_indices(run.model, run.data.y_train)
    return backprop.solver_step(run.model, run.data.X_train, y, rows=run.next_batch, solver=solver,
                                learning_rate=learning_rate)


def _latex(at) -> str:
    return "\n".join(element.value for element in at.get("latex"))


@pytest.mark.parametrize("solver, learning_rate, batch_size, shows", [
    ("gd", 0.5, None, [r"\alpha_k = \frac{\alpha}"]),
    ("momentum", 0.1, None, [r"v \leftarrow \mu\, v"]),
    ("adam", 0.01, 16, [r"\hat m = \frac{m}{1 - \beta_1^{k+1}}"]),
])
def test_the_update_rule_of_the_session_models_solver_with_its_numbers(app, solver, learning_rate, batch_size,
                                                                       shows):
    from pages.layout.how import tex

    run = _trained(30, solver=solver, learning_rate=learning_rate, batch_size=batch_size)
    at = _open(app, run)
    assert not at.exception and not at.error
    assert at.button_group(key="how_solver").value == solver  # the model's own solver first
    step = _step(run)  # the run's own next update, computed by the core
    i = int(np.argmax(np.abs(step.coef_change[0])))
    page, latex = texts(at), _latex(at)
    assert f"Δw = {num(step.coef_change[0, i])}" in page and f"dw = {num(step.dW[0, i])}" in page
    assert f"at its update k = {step.updates}" in page and f"from **{num(step.cost_before)}**" in page
    assert f"= {tex(step.coef_change[0, i])}" in latex and f"{tex(step.step_size)} \\times" in latex
    for formula in shows:
        assert formula in latex
    if batch_size:
        assert "a mini-batch of 16 of the 288 training digits" in page
    np.testing.assert_allclose(array(chart(at, "update_change")["data"][0]["z"]), step.coef_change[0].reshape(8, 8))
    # the numbers are the update training makes next
    taken = run.step()
    np.testing.assert_allclose(step.coef_change, taken.coef_change, atol=1e-15)


def test_another_solver_shows_its_first_update_from_these_weights(app):
    from pages.layout.how import tex

    at = _open(app)
    ready = _shared.ready_run()  # trained by gradient descent, ten digits
    assert at.button_group(key="how_solver").value == "gd"
    at.button_group(key="how_solver").set_value("newton").run()
    assert not at.exception
    step = _step(ready, solver="newton")
    k = _example(ready, 0).y_index  # the neuron the maps show: the example's own digit
    i = int(np.argmax(np.abs(step.coef_change[k])))
    latex, page = _latex(at), texts(at)
    assert r"H: 650 \times 650" in latex and f"t = {tex(step.step_length)}" in latex
    assert f"\\delta = 0.1\\,\\lVert dw \\rVert = {tex(step.damping)}" in latex
    assert f"Δw = {num(step.coef_change[k, i])}" in page and "(it was trained by gradient descent)" in page
    assert step.cost_after < step.cost_before
    at.button_group(key="how_solver").set_value("adam").run()
    adam = _step(ready, solver="adam", learning_rate=0.01)
    i = int(np.argmax(np.abs(adam.coef_change[k])))
    assert f"Δw = {num(adam.coef_change[k, i])}" in texts(at) and "k = 0" in texts(at)
    assert r"\hat s = \frac" in _latex(at)


def test_how_it_works_opens_again_after_another_page(app):
    """Its pickers (solver, neuron, example) keep or regain a value when the page is shown a second time."""
    at = app
    at.run()
    at.switch_page("pages/how.py").run()
    assert not at.exception
    at.switch_page("pages/explore.py").run()
    at.switch_page("pages/how.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="how_solver").value is not None
