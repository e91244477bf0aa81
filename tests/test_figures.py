"""The figure builders, checked by inspecting the figures they return.

The builders return Plotly's JSON form as plain dicts; `plotly_figure` checks that Plotly
accepts one (every attribute name and value valid) and that it is strict JSON (no NaN, no
NumPy types), and gives it back as a `go.Figure` to inspect.
"""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from lrviz import figures
from lrviz.data import Task, load_digits_dataset
from lrviz.history import Curve
from lrviz.model import Snapshot

TEN = [str(d) for d in range(10)]


def plotly_figure(spec: dict) -> go.Figure:
    json.dumps(spec, allow_nan=False)  # what the browser gets: strict JSON
    return go.Figure(spec)  # raises on any attribute Plotly does not know


def _heatmap(fig):
    (trace,) = fig.data
    assert trace.type == "heatmap"
    return trace


def _assert_upright_and_square(fig):
    assert fig.layout.yaxis.autorange == "reversed"  # row 0 at the top
    assert fig.layout.yaxis.scaleanchor == "x"  # square pixels


def test_binary_weight_map_is_one_upright_square_8x8_map():
    coef = np.arange(64, dtype=float).reshape(1, 64) - 20
    fig = plotly_figure(figures.weight_maps(coef, Task.parse("0v1").class_names))
    trace = _heatmap(fig)
    np.testing.assert_array_equal(np.asarray(trace.z), coef.reshape(8, 8))
    _assert_upright_and_square(fig)
    assert (trace.zmin, trace.zmid, trace.zmax) == (-43, 0, 43)
    assert fig.layout.annotations[0].text == "blue → 1, red → 0"  # as the tutorial: y = 1 is the digit 1


def test_ten_weight_maps_share_one_symmetric_scale():
    coef = np.random.default_rng(0).normal(size=(10, 64))
    coef[7, 5] = -9.0
    fig = plotly_figure(figures.weight_maps(coef, TEN))
    trace = _heatmap(fig)
    _assert_upright_and_square(fig)
    assert (trace.zmin, trace.zmid, trace.zmax) == (-9.0, 0.0, 9.0)
    assert trace.colorscale[0][1] != trace.colorscale[-1][1]  # diverging
    assert trace.colorscale[5][1] == "rgb(247,247,247)"  # white at zero (plotly.js's own "RdBu" is grey there)
    low, high = trace.colorscale[0][1], trace.colorscale[-1][1]
    assert low.startswith("rgb(103") and high.endswith(",97)")  # red for negative, blue for positive
    z = np.asarray(trace.z, dtype=float)
    assert z.shape == (2 * 8 + figures.TITLE_GAP, 5 * 8 + 4)  # 2 rows x 5 maps; blank cells between, rows for titles
    top = 8 + figures.TITLE_GAP
    np.testing.assert_allclose(z[top:top + 8, 18:26], coef[7].reshape(8, 8), atol=1e-4)  # digit 7: row 2, column 3
    assert np.isnan(z[8:top]).all() and np.isnan(z[:, 8]).all()
    assert [a.text for a in fig.layout.annotations] == TEN
    assert top - figures.TITLE_GAP < fig.layout.annotations[7].y < top  # in the gap above its map
    assert trace.text[top][23] == "7: row 0, column 5" and "weight" in trace.hovertemplate


def test_a_zero_model_keeps_zero_white():
    trace = _heatmap(plotly_figure(figures.weight_maps(np.zeros((1, 64)), ("a", "b"))))
    assert (trace.zmin, trace.zmid, trace.zmax) == (-1, 0, 1)


def test_fixed_limit_is_used():
    trace = _heatmap(plotly_figure(figures.weight_maps(np.ones((1, 64)), ("a", "b"), limit=5)))
    assert (trace.zmin, trace.zmax) == (-5, 5)


def _curve(n, test=True) -> Curve:
    curve = Curve()
    for i in range(n):
        curve.append(Snapshot(i * 10, 1.0 / (i + 1), 0.5 + i / (2 * n), np.zeros((1, 64)), np.zeros(1),
                              1.2 / (i + 1) if test else None, 0.5 + i / (3 * n) if test else None))
    return curve


def test_learning_curve_shows_costs_and_accuracies():
    fig = plotly_figure(figures.learning_curve(_curve(5), max_iteration=1000))
    names = [t.name for t in fig.data]
    assert names == ["train cost", "test cost", "train accuracy", "test accuracy"]
    assert list(fig.data[0].x) == [0, 10, 20, 30, 40]
    assert fig.data[1].y[0] == pytest.approx(1.2)
    assert [t.yaxis for t in fig.data] == [None, None, "y2", "y2"]
    assert list(fig.layout.xaxis.range) == [0, 1000]
    assert fig.layout.yaxis.type == "linear"
    assert fig.data[0].line.color != fig.data[1].line.color
    assert fig.layout.showlegend  # named lines, live or not


def test_learning_curve_log_scale_and_no_test_set():
    fig = plotly_figure(figures.learning_curve(_curve(3, test=False), log_y=True))
    assert [t.name for t in fig.data] == ["train cost", "train accuracy"]
    assert fig.layout.yaxis.type == "log"
    assert list(fig.layout.xaxis.range) == [0, 20]


def test_an_empty_curve_has_every_line_ready_for_a_live_run():
    fig = plotly_figure(figures.learning_curve(Curve(), max_iteration=300, with_test=True))
    assert [t.name for t in fig.data] == ["train cost", "test cost", "train accuracy", "test accuracy"]
    assert all(len(t.x) == 0 for t in fig.data) and list(fig.layout.xaxis.range) == [0, 300]


def test_curve_points_continue_the_curve_trace_by_trace():
    curve = _curve(6)
    whole = figures.learning_curve(curve)["data"]
    head, tail = figures.learning_curve_points(curve, 0), figures.learning_curve_points(curve, 4)
    assert head["x"] == whole[0]["x"] and [t["y"] for t in whole] == head["y"]
    assert tail["x"] == [40, 50] and [y[-2:] for y in head["y"]] == tail["y"]
    assert len(figures.learning_curve_points(_curve(6, test=False), 2)["y"]) == 2  # no test traces


def test_the_live_weights_are_the_maps_heatmap_values():
    coef = np.random.default_rng(1).normal(size=(10, 64))
    (trace,) = figures.weight_maps(coef, TEN)["data"]
    live = figures.weight_mosaic(coef, TEN)
    assert {k: trace[k] for k in live} == live
    assert figures.weight_mosaic(coef[:1], ("a", "b"))["z"] == figures.weight_maps(coef[:1], ("a", "b"))["data"][0]["z"]


def test_colour_scales_are_written_out():
    """plotly.js has its own scales named "RdBu" and "Greys" (reversed, grey in the middle): a figure
    must never name one."""
    specs = [figures.weight_maps(np.ones((1, 64)), ("a", "b")), figures.digit_image(np.eye(8)),
             figures.digit_row(np.zeros((2, 64))), figures.signed_map(np.ones(64), name="x"),
             figures.confusion_matrix([0, 1], [0, 1], ["a", "b"])]
    for spec in specs:
        assert all(isinstance(trace.get("colorscale", []), list) for trace in spec["data"])


def test_values_are_strict_json():
    assert figures.values([1.0, np.nan, np.inf, -2]) == [1.0, None, None, -2.0]
    assert figures.values(np.array([[1, 2]], dtype=np.float32)) == [[1.0, 2.0]]
    assert figures.values([0.123456, 9.87654321, 0.0625], digits=4) == [0.1235, 9.8765, 0.0625]
    assert json.loads(json.dumps(figures.values(np.array([np.nan])), allow_nan=False)) == [None]


def test_digit_row_is_upright():
    images = load_digits_dataset().images[:3]
    fig = plotly_figure(figures.digit_row(images, ["a", "b", "c"]))
    trace = _heatmap(fig)
    _assert_upright_and_square(fig)
    z = np.asarray(trace.z, dtype=float)
    np.testing.assert_array_equal(z[:, 9:17], images[1])
    assert [a.text for a in fig.layout.annotations] == ["a", "b", "c"]
    # the top row of a digit image is its first row: a 0 has ink at the top, not blank rows only
    assert trace.colorscale[0][1] == "rgb(255,255,255)" and trace.colorscale[-1][1] == "rgb(0,0,0)"  # white paper


def test_a_gallery_tiles_many_pictures_lightly():
    images = load_digits_dataset().images[:13]
    titles = [f"#{i + 1}: {d}" for i, d in enumerate(load_digits_dataset().y[:13])]
    spec = figures.gallery(images, titles, columns=6, row_height=50)
    fig = plotly_figure(spec)
    trace = _heatmap(fig)
    _assert_upright_and_square(fig)
    z = np.asarray(trace.z, dtype=float)
    down = 8 + figures.TITLE_GAP  # rows of tiles are apart, room for the titles
    np.testing.assert_array_equal(z[down : down + 8, 9:17], images[7])  # row 2, column 2
    assert z.shape == (3 * down - figures.TITLE_GAP, 6 * 9 - 1)
    assert [a.text for a in fig.layout.annotations] == titles and fig.layout.annotations[0].font.size < 14
    assert trace.hoverinfo == "skip" and trace.text is None  # no label per pixel
    assert fig.layout.height == 3 * 50 + 18
    labelled = figures.digit_row(images, titles, columns=6)  # a row of examples says each pixel when hovered
    assert len(json.dumps(spec)) < len(json.dumps(labelled)) / 2
    with pytest.raises(ValueError, match="one title per image"):
        figures.gallery(images, titles[:3], columns=6)


def test_digit_image_and_signed_map():
    image = load_digits_dataset().images[0]
    fig = plotly_figure(figures.digit_image(image, title="input"))
    _assert_upright_and_square(fig)
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), image)
    contributions = np.linspace(-2, 1, 64)
    fig = plotly_figure(figures.signed_map(contributions, name="w·x"))
    _assert_upright_and_square(fig)
    trace = _heatmap(fig)
    assert (trace.zmin, trace.zmid, trace.zmax) == (-2, 0, 2)
    assert trace.colorscale == _heatmap(plotly_figure(figures.weight_maps(np.ones((1, 64)), ("a", "b")))).colorscale
    assert trace.colorbar.title.text == "w·x"


def test_probability_bars_highlight_the_winner():
    fig = plotly_figure(figures.probability_bars([0.1, 0.7, 0.2], ["x", "y", "z"]))
    (bar,) = fig.data
    assert list(bar.x) == ["x", "y", "z"] and list(bar.text) == ["10%", "70%", "20%"]
    colors = list(bar.marker.color)
    assert colors[1] != colors[0] == colors[2]


def test_confusion_matrix_counts():
    fig = plotly_figure(figures.confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], ["no", "yes"]))
    trace = _heatmap(fig)
    np.testing.assert_array_equal(np.asarray(trace.z), [[1, 1], [1, 2]])
    assert fig.layout.yaxis.autorange == "reversed"
    assert list(trace.x) == ["no", "yes"] and list(trace.y) == ["no", "yes"]


def test_display_for_a_projector_and_a_dark_room():
    curve = figures.learning_curve(_curve(3))
    assert figures.for_display(curve, figures.Display()) is curve and curve["layout"]["font"]["size"] == 14
    big = plotly_figure(figures.for_display(curve, figures.Display(dark=True, scale=1.5)))
    assert curve["layout"]["font"]["size"] == 14  # a copy: the figure is left as it was
    assert big.layout.font.size == 21 and big.layout.height == round(330 * 1.5)
    assert big.layout.font.color == figures.DARK_TEXT_COLOR
    assert big.layout.xaxis.gridcolor == figures.DARK_GRID_COLOR
    maps = plotly_figure(figures.for_display(figures.weight_maps(np.ones((10, 64)), TEN),
                                             figures.Display(dark=True, scale=1.5)))
    title = maps.layout.annotations[0].font
    assert title.size == 21 and title.color == figures.DARK_TEXT_COLOR
    assert not maps.data[0].reversescale  # weights keep their colours: white is zero in both looks
    ink = plotly_figure(figures.for_display(figures.digit_image(np.eye(8)), figures.Display(dark=True)))
    assert ink.data[0].reversescale  # ink light on dark
    light = plotly_figure(figures.for_display(figures.digit_image(np.eye(8)), figures.Display(scale=1.2)))
    assert not light.data[0].reversescale and light.layout.font.color == "#111827"


def test_compare_curves_a_colour_per_run():
    fig = plotly_figure(figures.compare_curves([figures.RunLine("run 1", _curve(3), "#007A5A"),
                                                figures.RunLine("run 2", _curve(4, test=False), "#A64F86")]))
    assert [t.name for t in fig.data] == ["run 1 · train", "run 1 · test", "run 2 · train"]
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color
    assert fig.layout.xaxis.title.text == "iteration (updates)"


def _timed_curve(n, seconds_per_update):
    curve = Curve()
    for i in range(n):
        curve.append(Snapshot(i * 10, 1.0 / (i + 1), 0.5, np.zeros((1, 64)), np.zeros(1), 1.2 / (i + 1), 0.5,
                              seconds=i * 10 * seconds_per_update))
    return curve


@pytest.mark.parametrize("axis, title, x_fast, x_slow", [
    ("iterations", "iteration (updates)", [0, 10, 20], [0, 10, 20]),
    ("seconds", "computing time (s)", [0, 0.01, 0.02], [0, 1, 2]),
    ("epochs", "examples seen (epochs: passes over the training set)", [0, 10, 20], [0, 1, 2]),
])
def test_compare_curves_against_iterations_time_or_examples_seen(axis, title, x_fast, x_slow):
    """A run of cheap full-batch updates against one of ten mini-batches a pass whose updates take 100 times longer."""
    fast = figures.RunLine("run 1", _timed_curve(3, 0.001), "#007A5A")
    slow = figures.RunLine("run 2", _timed_curve(3, 0.1), "#A64F86", updates_per_epoch=10)
    fig = plotly_figure(figures.compare_curves([fast, slow], x_axis=figures.XAxis(axis)))
    assert fig.layout.xaxis.title.text == title
    np.testing.assert_allclose(fig.data[0].x, x_fast)
    np.testing.assert_allclose(fig.data[2].x, x_slow)
    np.testing.assert_allclose(fig.data[0].x, fig.data[1].x)  # train and test of a run share their points
    np.testing.assert_allclose(fig.data[2].y, slow.curve.train_cost)


def _noisy_curve(n):
    rng = np.random.default_rng(0)
    curve = Curve()
    for i in range(n):
        cost = 1.0 / (i + 1)
        curve.append(Snapshot(i, cost, 0.5, np.zeros((1, 64)), np.zeros(1), 1.1 * cost, 0.5,
                              batch_cost=cost * rng.uniform(0.5, 1.5)))
    return curve


def test_a_mini_batch_curve_adds_the_noisy_cost_and_its_trend_beneath_the_others():
    curve = _noisy_curve(40)
    fig = plotly_figure(figures.learning_curve(curve, mini_batch=True))
    assert [t.name for t in fig.data] == ["mini-batch cost", "mini-batch trend", "train cost", "test cost",
                                          "train accuracy", "test accuracy"]
    noisy, trend = fig.data[0], fig.data[1]
    np.testing.assert_allclose(noisy.y, curve.batch_cost)
    np.testing.assert_allclose(trend.y, curve.batch_cost_trend)
    assert noisy.line.width < fig.data[2].line.width and trend.line.dash == "dash"  # faint; the trend dashed
    wiggle = lambda y: np.abs(np.diff(np.asarray(y)[20:], 2)).sum()  # noqa: E731 (how much a line zigzags)
    assert wiggle(trend.y) < wiggle(noisy.y) / 3
    assert all(t.legendrank > 1000 for t in fig.data[:2])  # listed after train and test
    # full-batch runs look as before
    assert [t["name"] for t in figures.learning_curve(curve)["data"]] == ["train cost", "test cost", "train accuracy",
                                                                       "test accuracy"]


def test_mini_batch_points_continue_every_trace():
    curve = _noisy_curve(12)
    whole = figures.learning_curve(curve, mini_batch=True)["data"]
    head = figures.learning_curve_points(curve, 0, mini_batch=True)
    tail = figures.learning_curve_points(curve, 9, mini_batch=True)
    assert [t["y"] for t in whole] == head["y"] and len(head["y"]) == 6
    assert tail["x"] == [9, 10, 11] and [y[-3:] for y in head["y"]] == tail["y"]


def test_a_change_of_the_weights_is_named():
    fig = plotly_figure(figures.weight_maps(np.linspace(-1e-3, 2e-3, 640).reshape(10, 64), TEN, name="ΔW"))
    trace = _heatmap(fig)
    assert trace.colorbar.title.text == "ΔW" and "ΔW" in trace.hovertemplate
    assert (trace.zmin, trace.zmax) == (-2e-3, 2e-3)


def test_replay_puts_iterations_on_a_log_axis_with_the_start_marked():
    fig = plotly_figure(figures.learning_curve(_curve(5), max_iteration=2000, log_x=True))
    axis = fig.layout.xaxis
    assert axis.type == "log" and axis.title.text == "iteration (log scale)"
    assert list(fig.data[0].x) == [figures.LOG_START, 10, 20, 30, 40]  # iteration 0 drawn at the start
    assert list(fig.data[0].customdata) == [0, 10, 20, 30, 40]  # the hover says the true iteration
    assert list(axis.tickvals) == [figures.LOG_START, 1, 10, 100, 1000] and axis.ticktext[0] == "start"
    low, high = axis.range
    assert low < np.log10(figures.LOG_START) and np.log10(2000) <= high < np.log10(2000) + 0.1
    linear = plotly_figure(figures.learning_curve(_curve(5), max_iteration=2000))
    assert linear.layout.xaxis.type != "log" and list(linear.data[0].x) == [0, 10, 20, 30, 40]


def test_every_figure_says_what_it_shows_with_its_numbers():
    curve = figures.learning_curve(_curve(5))
    assert figures.description(curve).startswith("Learning curve over 40 iterations: the train cost went from 1 to 0.2")
    assert "test cost from 1.2 to 0.24, test accuracy from 50% to 77%" in figures.description(curve)
    assert figures.description(figures.learning_curve(Curve())) == "Learning curve: no training yet."
    bars = figures.description(figures.probability_bars([0.1, 0.7, 0.2], ["x", "y", "z"]))
    assert bars == "Probability of each class: y 70%; then z 20%, x 10%."
    matrix = figures.description(figures.confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], ["no", "yes"]))
    assert matrix.startswith("Confusion matrix of 5 test digits: 3 read right (60%); the most frequent mistake: no")
    maps = figures.description(figures.weight_maps(np.linspace(-2, 3, 640).reshape(10, 64), TEN))
    assert "10 weight maps" in maps and "from -3 to 3" in maps
    one = figures.description(figures.weight_maps(np.ones((1, 64)), ["3", "8"]))
    assert "toward 8" in one and "toward 3" in one
    grid = np.zeros(64)
    grid[9], grid[50] = 2.5, -1.0
    signed = figures.description(figures.signed_map(grid, name="dw"))
    assert "from -1 (row 6, column 2) to 2.5 (row 1, column 1), 2 of 64 pixels not zero" in signed
    row = figures.description(figures.digit_row(np.zeros((2, 64)), ["8 93%", "1 60%"]))
    assert row == "2 handwritten digits, 8×8 pixels each, titled 8 93%; 1 60%."
    compare = figures.description(figures.compare_curves([figures.RunLine("run 1", _curve(3), "#007A5A")]))
    assert compare.endswith("run 1 from 1 to 0.3333 in 20 iterations.")
    image = figures.description(figures.digit_image(np.eye(8)))
    assert "8 of its 64 pixels inked" in image


def test_presentation_type_is_large_enough_for_a_lecture_room():
    display = figures.Display(dark=True, scale=figures.PRESENTATION_SCALE)
    assert display.font_size >= figures.MIN_PRESENTATION_FONT
    specs = [figures.learning_curve(_curve(4)), figures.weight_maps(np.ones((10, 64)), TEN),
             figures.probability_bars([0.2, 0.8], ["a", "b"]), figures.digit_row(np.zeros((2, 64)), ["a", "b"])]
    for spec in specs:
        shown = figures.for_display(spec, display)
        layout = shown["layout"]
        sizes = [layout["font"]["size"], layout["legend"]["font"]["size"]]
        sizes += [a["font"]["size"] for a in layout.get("annotations", [])]
        assert min(sizes) >= figures.MIN_PRESENTATION_FONT, spec["layout"].get("meta")
        assert all(trace.get("constraintext", "none") == "none" for trace in shown["data"])  # bar labels too


def test_every_class_is_labelled_on_the_probability_axis():
    fig = plotly_figure(figures.probability_bars(np.full(10, 0.1), TEN))
    assert fig.layout.xaxis.tickmode == "linear" and fig.layout.xaxis.dtick == 1


def test_legends_sit_above_their_charts_and_ten_maps_have_their_colour_bar_below():
    runs = [figures.RunLine("run 1", _curve(3), "#007A5A")]
    for spec in (figures.learning_curve(_curve(3)), figures.compare_curves(runs)):
        legend = spec["layout"]["legend"]
        assert legend["yanchor"] == "bottom" and legend["y"] > 1  # never on the iteration axis's title
    ten = plotly_figure(figures.weight_maps(np.ones((10, 64)), TEN))
    assert ten.data[0].colorbar.orientation == "h" and ten.data[0].colorbar.y < 0
    one = plotly_figure(figures.weight_maps(np.ones((1, 64)), ["0", "1"]))
    assert one.data[0].colorbar.orientation in (None, "v")


def test_only_bars_of_a_percent_or_more_are_labelled():
    fig = plotly_figure(figures.probability_bars([0.004, 0.981, 0.015], ["0", "1", "2"]))
    assert list(fig.data[0].text) == ["", "98%", "2%"]
