"""The lesson's figures, checked by inspecting the Plotly figures they return (as in test_figures)."""

import numpy as np
import pytest

from lrviz import backprop, figures, lesson_figures
from lrviz.data import Task, load_task
from lrviz.lesson_figures import format_number as num
from lrviz.model import LogisticRegressionGD
from lrviz.neuron import sigmoid

from test_figures import plotly_figure


@pytest.fixture(scope="module")
def binary_pass():
    data = load_task(Task.parse("0v1"))
    model = LogisticRegressionGD(max_iter=40).fit(data.X_train, data.y_train)
    return backprop.example_pass(model, data.X_test[0], int(data.y_test[0])), data.task.class_names


@pytest.fixture(scope="module")
def ten_pass():
    data = load_task(Task.all_digits())
    model = LogisticRegressionGD(learning_rate=0.5, max_iter=20).fit(data.X_train, data.y_train)
    return backprop.example_pass(model, data.X_test[3], int(data.y_test[3])), data.task.class_names


def _texts(fig, name=None):
    return [a.text for a in fig.layout.annotations if a.text and (name is None or a.name == name)]


@pytest.mark.parametrize(
    "value, text",
    [
        (0.0, "0"), (-0.0, "0"), (2.71356, "2.714"), (-0.06224, "-0.06224"), (1.0, "1"), (12346.0, "1.235×10⁴"),
        (2.4e-7, "2.4×10⁻⁷"), (0.99995460, "0.999955"), (1 - 4.5e-13, "(1 - 4.5×10⁻¹³)"), (-1.00041, "-1.00041"),
        (-np.inf, "-∞"), (np.inf, "∞"), (9999.6, "1×10⁴"), (0.5, "0.5"),
    ],
)
def test_format_number(value, text):
    assert num(value) == text


def test_binary_graph_shows_the_numbers_at_every_node(binary_pass):
    ex, names = binary_pass
    fig = plotly_figure(lesson_figures.computation_graph(ex, names))
    nodes = " ".join(_texts(fig, "node z") + _texts(fig, "node a") + _texts(fig, "node L"))
    assert f"w·x + b<br>= {num(ex.z[0])}" in nodes
    assert f"σ(z)<br>= {num(ex.a[0])}" in nodes
    assert f"<b>L</b>(a, y)<br>= {num(ex.loss)}" in nodes
    assert f"<b>b</b><br>= {num(ex.b[0])}" in _texts(fig, "node b")[0]
    assert _texts(fig, "node y") == [f"<b>y</b> = {ex.y_index}<br>(“{names[ex.y_index]}”)"]
    backward = " ".join(_texts(fig, "backward"))
    for text in (f"∂L/∂a<br>= {num(ex.dL_da[0])}", f"∂a/∂z<br>= {num(ex.da_dz[0, 0])}",
                 f"dz = a - y<br>= {num(ex.dz[0])}", f"db = dz<br>= {num(ex.db[0])}", "dw<br>= x·dz"):
        assert text in backward
    backward_colors = {a.font.color for a in fig.layout.annotations if a.name == "backward"}
    assert backward_colors == {lesson_figures.BACKWARD_COLOR}
    # arrows run forward: into z from x, w, b; z -> a -> L; y -> L
    arrows = [a.name for a in fig.layout.annotations if a.showarrow]
    assert arrows == ["x -> z", "w -> z", "b -> z", "z -> a", "a -> L", "y -> L"]
    assert len(fig.layout.shapes) == 7  # a box per node
    assert "template" not in lesson_figures.computation_graph(ex, names)["layout"]  # plotly.js's plain look


def test_ten_class_graph_shows_the_true_class_entries(ten_pass):
    ex, names = ten_pass
    k = ex.y_index
    fig = plotly_figure(lesson_figures.computation_graph(ex, names))
    text = " ".join(_texts(fig))
    assert f"z<sub>{k}</sub> = {num(ex.z[k])}" in text
    assert f"a<sub>{k}</sub> = {num(ex.a[k])}" in text
    assert f"-log a<sub>{k}</sub><br>= {num(ex.loss)}" in text
    assert f"dz<sub>{k}</sub> = {num(ex.dz[k])}" in text
    assert f"∂L/∂a<sub>{k}</sub><br>= {num(ex.dL_da[k])}" in text
    assert "softmax(z)" in text and "10 logits" in text


def test_graph_refuses_mismatched_names(ten_pass):
    with pytest.raises(ValueError, match="2 class names for an example of a 10-class model"):
        lesson_figures.computation_graph(ten_pass[0], ("a", "b"))


def _trace(fig, name):
    (trace,) = [t for t in fig.data if t.name == name]
    return trace


@pytest.mark.parametrize("z", [-3.2, 0.0, 1.5])
def test_sigmoid_marks_the_point_and_its_slope(z):
    fig = plotly_figure(lesson_figures.sigmoid_plot(z, example_z=2.5, example_label="this digit"))
    curve = _trace(fig, "a = σ(z)")
    np.testing.assert_allclose(curve.y, sigmoid(np.asarray(curve.x)))
    point = _trace(fig, "z")
    assert point.x == (z,) and point.y[0] == pytest.approx(sigmoid(z))
    a = sigmoid(z)
    tangent = _trace(fig, "slope da/dz = a(1 - a)")
    slope = (tangent.y[1] - tangent.y[0]) / (tangent.x[1] - tangent.x[0])
    assert slope == pytest.approx(a * (1 - a))
    example = _trace(fig, "this digit")
    assert example.x == (2.5,) and example.y[0] == pytest.approx(sigmoid(2.5))
    (label,) = fig.layout.annotations
    assert label.text == "this digit: z = 2.5" and (label.x, label.y) == (2.5, pytest.approx(sigmoid(2.5)))


def test_sigmoid_keeps_a_far_example_at_the_edge():
    fig = plotly_figure(lesson_figures.sigmoid_plot(0.0, example_z=40.0))
    example = _trace(fig, "this example")
    assert example.x == (lesson_figures.Z_LIMIT,) and example.y == (1.0,)
    assert fig.layout.annotations[0].text == "this example: z = 40 →"
    assert len(plotly_figure(lesson_figures.sigmoid_plot(0.0)).data) == 3  # no example: curve, tangent, point


def test_log_loss_binary_has_both_curves_and_marks_the_example():
    fig = plotly_figure(lesson_figures.log_loss_plot(0.8, -np.log(0.8), 1))
    one, zero = _trace(fig, "y = 1: L = -log a"), _trace(fig, "y = 0: L = -log(1 - a)")
    np.testing.assert_allclose(one.y, -np.log(one.x))
    np.testing.assert_allclose(zero.y, -np.log(1 - np.asarray(zero.x)))
    mark = _trace(fig, "this example")
    assert mark.x == (0.8,) and mark.y[0] == pytest.approx(-np.log(0.8))
    assert mark.marker.color == one.line.color  # on the y = 1 curve
    example = _trace(plotly_figure(lesson_figures.log_loss_plot(0.8, 1.6, 0)), "this example")
    assert example.marker.color == zero.line.color


def test_log_loss_caps_a_huge_loss_at_the_top():
    fig = plotly_figure(lesson_figures.log_loss_plot(1.0, 40.0, 0))
    mark = _trace(fig, "this example")
    assert mark.y == (lesson_figures.LOSS_LIMIT,) and mark.marker.symbol == "triangle-up"
    assert mark.text == ("L = 40 ↑",)


def test_log_loss_for_ten_classes_is_one_curve():
    fig = plotly_figure(lesson_figures.log_loss_plot(0.3, -np.log(0.3), 4, binary=False))
    assert [t.name for t in fig.data] == ["L = -log a<sub>y</sub>", "this example"]


def test_gradient_map_is_upright_square_and_centred(binary_pass):
    ex, _ = binary_pass
    fig = plotly_figure(figures.signed_map(ex.dw[0], name="dw"))
    (trace,) = fig.data
    np.testing.assert_array_equal(np.asarray(trace.z), ex.dw[0].reshape(8, 8))
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis.scaleanchor == "x"
    limit = np.abs(ex.dw).max()
    assert (trace.zmin, trace.zmid, trace.zmax) == (-limit, 0.0, limit)
    assert trace.colorscale == plotly_figure(figures.weight_maps(np.ones((1, 64)), ("a", "b"))).data[0].colorscale
    assert trace.colorbar.title.text == "dw"
