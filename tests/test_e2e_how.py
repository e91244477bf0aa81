"""The How-it-works page as a student uses it, in headless Chromium against `streamlit run app.py`."""

import pytest
from threadpoolctl import threadpool_limits

from lrviz import backprop
from lrviz.lesson_figures import format_number as num
from lrviz.neuron import sigmoid
from lrviz.ready import ready_run
from lrviz.runs import Run, Settings

from browser import chart_data, click, exceptions, screenshot, set_iterations, settle, wait_idle

pytestmark = pytest.mark.e2e
GRAPH = ".st-key-graph"
SIGMOID = ".st-key-sigmoid"


def _screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so make the window tall enough for it all."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 3000})
    settle(page, ".st-key-logloss")
    screenshot(page, name)
    page.set_viewport_size(size)


def _trained(settings: Settings | Run) -> Run:
    run = settings if isinstance(settings, Run) else Run(settings)
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in run.advance():
            pass
    return run


@pytest.fixture(scope="module")
def ready():
    """The ready model, as the server has it (the shipped weights)."""
    return ready_run()


def _example(run: Run, index: int) -> backprop.ExamplePass:
    label = run.data.y_test[index]
    return backprop.example_pass(run.model, run.data.X_test[index], backprop.class_index(run.model, label))


def _example_index(page) -> int:
    return int(page.locator(".st-key-example input").input_value())


def _assert_numbers_match(page, ex: backprop.ExamplePass, names) -> None:
    """The forward and backward texts on the page show the core's numbers for this example."""
    forward, backward = page.inner_text(".st-key-forward"), page.inner_text(".st-key-backward")
    if ex.binary:
        expected_forward = [f"z = {num(ex.z[0])}", f"a = {num(ex.a[0])}", f"y = {ex.y_index}", f"L = {num(ex.loss)}"]
        expected_backward = [f"∂L/∂a = {num(ex.dL_da[0])}", f"∂a/∂z = {num(ex.da_dz[0, 0])}",
                             f"dz = {num(ex.dz[0])}", f"db = {num(ex.db[0])}"]
    else:
        k = ex.y_index
        s = "₀₁₂₃₄₅₆₇₈₉"[k]
        expected_forward = [f"z{s} = {num(ex.z[k])}", f"a{s} = {num(ex.a[k])}", f"y = {names[k]}",
                            f"L = {num(ex.loss)}"]
        expected_backward = [f"∂L/∂a{s} = {num(ex.dL_da[k])}", f"∂a{s}/∂z{s} = {num(ex.da_dz[k, k])}",
                             f"dz{s} = {num(ex.dz[k])}"]
    for text in expected_forward:
        assert text in forward, f"{text!r} not in the forward pass: {forward!r}"
    for text in expected_backward:
        assert text in backward, f"{text!r} not in the backward pass: {backward!r}"


@pytest.mark.opens_its_page
def test_the_ready_models_numbers_and_the_sigmoid(page, server, ready):
    page.goto(server + "/how")
    wait_idle(page)
    settle(page, GRAPH)
    assert exceptions(page) == []
    assert "ready model" in page.inner_text(".st-key-model")
    names = ready.settings.task.class_names
    index = _example_index(page)
    ex = _example(ready, index)
    _assert_numbers_match(page, ex, names)
    digit = page.evaluate("() => document.querySelector('.st-key-digit .js-plotly-plot')._fullLayout.yaxis.range")
    assert digit[0] > digit[1]  # row 0 at the top: upright
    assert chart_data(page, ".st-key-digit")["yaxis"]["scaleanchor"] == "x"  # square pixels
    _screenshot(page, "how-ready")

    # move the sigmoid's z with the keyboard: ten steps of 0.1 to the right
    thumb = page.locator(".st-key-sigmoid_z input[type='range']")
    thumb.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_idle(page)
    data = settle(page, SIGMOID)
    (point,) = [t for t in data["traces"] if t["name"] == "z"]
    assert point["x"] == [pytest.approx(1.0)] and point["y"] == [pytest.approx(float(sigmoid(1.0)))]
    (mark,) = [t for t in data["traces"] if t["name"] == "this digit's margin"]
    assert mark["x"] == [pytest.approx(ex.margin)]  # ten classes: a_y = sigmoid(margin)
    assert exceptions(page) == []

    # a random example: other numbers, still the core's
    click(page, "random")
    wait_idle(page)
    settle(page, GRAPH)
    other = _example_index(page)
    assert other != index
    _assert_numbers_match(page, _example(ready, other), names)
    assert exceptions(page) == []
    _screenshot(page, "how-ready-random")


@pytest.mark.opens_its_page
def test_a_link_to_an_example(page, server, ready):
    page.goto(server + "/how?example=17")
    wait_idle(page)
    settle(page, GRAPH)
    assert _example_index(page) == 17
    _assert_numbers_match(page, _example(ready, 17), ready.settings.task.class_names)
    assert exceptions(page) == []
    page.goto(server + "/how?example=%3Cb%3E9")  # not a number: says so, never echoes it
    wait_idle(page)
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "not the number of a test digit" in warning and "<b>" not in warning
    assert _example_index(page) == 0 and exceptions(page) == []


def test_the_session_model_after_training(page, server):
    set_iterations(page, 200)  # the Train page: 0 vs 1 by default
    click(page, "train")
    settle(page, ".st-key-learning_curve")
    page.locator("[data-testid='stSidebarNav'] a", has_text="How it works").click()
    wait_idle(page)
    settle(page, GRAPH)
    assert exceptions(page) == []
    model_text = page.inner_text(".st-key-model")
    assert "this session's model" in model_text and "0 vs 1" in model_text
    run = _trained(Settings(iterations=200))
    _assert_numbers_match(page, _example(run, _example_index(page)), run.settings.task.class_names)
    _screenshot(page, "how-session-0v1")
