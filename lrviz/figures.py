"""Plotly figures of a model and its training, as pure functions returning plain data.

Every function takes plain data (arrays, a learning curve, names) and returns a figure in
Plotly's own JSON form, `{"data": [traces], "layout": {...}}` of plain lists, numbers and
strings: what plotly.js draws, ready to send to a browser without Plotly's Python objects
(building and validating a `plotly.graph_objects.Figure` costs ten to a hundred times
more, and a class of students makes the server build many). Tests inspect the dicts, and
check with `go.Figure(spec)` that Plotly accepts them. Conventions:
- Images and weight maps are 8x8 heatmaps drawn upright (row 0 at the top, which a
  Plotly heatmap would otherwise put at the bottom) with square pixels. Several maps
  are tiled into one heatmap with blank gaps: one trace draws ten times faster than ten
  subplots, which matters when the maps are redrawn live during training.
- Weights use one diverging colour scale centred at zero and symmetric about it, shared
  by all maps of a model: white always means 0, blue pushes toward a class, red away.
- Colours are told apart by colour-blind viewers and have the contrast WCAG asks on the
  light and the dark page (`lrviz.colors`): blue/vermilion lines, red/blue maps.
- What a live view updates is split from what stays: `learning_curve_points` and
  `weight_mosaic` give the changing data of `learning_curve` and `weight_maps`.
- Every figure says in words what it shows, with its key numbers (`description`: its text
  alternative for screen readers, kept in the layout's `meta`).
- Text is large enough to read from the back of a room once `for_display` scales it (at least
  `MIN_PRESENTATION_FONT` px), and a chart's height can come from the page instead (a figure's
  own height is only its default: see pages/_chart.py).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np

from lrviz import colors
from lrviz.data import IMAGE_SHAPE
from lrviz.history import Curve

#: A Plotly figure as JSON-ready data: {"data": [trace, ...], "layout": {...}}.
Figure = dict[str, Any]



def described(figure: Figure, text: str) -> Figure:
    """The figure with its text alternative: what it shows and its key numbers, in a sentence or two."""
    figure["layout"]["meta"] = dict(description=text)
    return figure


def description(figure: Figure) -> str:
    """A figure's text alternative (empty when it has none)."""
    meta = figure["layout"].get("meta")
    return meta.get("description", "") if isinstance(meta, dict) else ""


def _percent(value: float) -> str:
    return f"{value:.0%}" if math.isfinite(value) else "undefined"


def _scale(colors: Sequence[str]) -> list[list]:
    """A colour scale as plotly.js takes it: [position, colour] pairs, evenly spaced. Scales are
    written out, not named: plotly.js has scales of the same names that differ from ColorBrewer's
    (its "RdBu" runs blue to red through grey, its "Greys" black to white)."""
    return [[k / (len(colors) - 1), color] for k, color in enumerate(colors)]


#: Diverging scale for weights and contributions: red negative, white zero, blue positive
#: (ColorBrewer's RdBu).
WEIGHT_COLORSCALE = _scale(("rgb(103,0,31)", "rgb(178,24,43)", "rgb(214,96,77)", "rgb(244,165,130)",
                            "rgb(253,219,199)", "rgb(247,247,247)", "rgb(209,229,240)", "rgb(146,197,222)",
                            "rgb(67,147,195)", "rgb(33,102,172)", "rgb(5,48,97)"))
#: Ink on paper: white 0, black 1 (ColorBrewer's Greys). Traces drawn in it carry INK_META, so a
#: display can recolour them.
INK_COLORSCALE = _scale(("rgb(255,255,255)", "rgb(240,240,240)", "rgb(217,217,217)", "rgb(189,189,189)",
                         "rgb(150,150,150)", "rgb(115,115,115)", "rgb(82,82,82)", "rgb(37,37,37)", "rgb(0,0,0)"))
INK_META = "ink"
#: Counts, light to dark blue (ColorBrewer's Blues).
COUNT_COLORSCALE = _scale(("rgb(247,251,255)", "rgb(222,235,247)", "rgb(198,219,239)", "rgb(158,202,225)",
                           "rgb(107,174,214)", "rgb(66,146,198)", "rgb(33,113,181)", "rgb(8,81,156)",
                           "rgb(8,48,107)"))
TRAIN_COLOR, TEST_COLOR, MUTED_COLOR = colors.TRAIN, colors.TEST, colors.MUTED  # see lrviz.colors
#: Blank cells between tiles of a mosaic.
TILE_GAP = 1
#: Blank rows above each row of titled tiles but the first: room for the titles even when
#: a narrow column draws the tiles small.
TITLE_GAP = 4
#: The learning curve's traces, in order: (name, the `Curve` column it draws, axis, colour, dash, width).
CURVE_TRACES = (("train cost", "train_cost", "y", TRAIN_COLOR, None, 3),
                ("test cost", "test_cost", "y", TEST_COLOR, None, 3),
                ("train accuracy", "train_accuracy", "y2", TRAIN_COLOR, "dot", 2),
                ("test accuracy", "test_accuracy", "y2", TEST_COLOR, "dot", 2))
#: A mini-batch run's learning curve also has, before those (drawn beneath them): the noisy cost of
#: each mini-batch, thin and grey, and its trend.
BATCH_TRACES = (("mini-batch cost", "batch_cost", "y", MUTED_COLOR, None, 1),
                ("mini-batch trend", "batch_cost_trend", "y", colors.ARROW, "dash", 2))

#: What every figure shares: no Plotly template (plotly.js draws faster without one), a
#: transparent background (the page's shows through), and the app's font.
GRID_COLOR = "#E5E7EB"
FONT_SIZE = 14
GALLERY_FONT_SIZE = 11
TEXT_COLOR = colors.TEXT
BASE_LAYOUT = dict(
    font=dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=FONT_SIZE, color=TEXT_COLOR),
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
)
#: Axis styles: a plot's axes, and the hidden axes of an upright, square 8x8 image.
PLOT_AXIS = dict(gridcolor=GRID_COLOR, zeroline=False, linecolor=GRID_COLOR, ticks="", automargin=True)

_SIDE = IMAGE_SHAPE[0]
IMAGE_AXES = dict(
    xaxis=dict(visible=False, constrain="domain"),
    yaxis=dict(visible=False, autorange="reversed", scaleanchor="x", constrain="domain"),
)


#: Decimals (after the largest value's leading digit) that pictures (digits, weight maps) are
#: sent with: a colour cannot show more, their hover text shows three decimals, and shorter
#: numbers make smaller, faster messages. Maps whose numbers a lesson reads (w ⊙ x, dw) are
#: sent whole.
PICTURE_DIGITS = 4


def values(array, digits: int | None = None) -> list:
    """An array as nested lists of Python numbers, with None where it is NaN or infinite (JSON has
    neither); rounded to `digits` decimals after its largest value's leading digit, when given (an
    ink level k/16 stays exact)."""
    array = np.asarray(array, dtype=float)
    finite = np.isfinite(array)
    if digits is not None and finite.any():
        largest = float(np.max(np.abs(array[finite])))
        if largest > 0:
            array = np.round(array, digits - math.floor(math.log10(largest)))
    if finite.all():
        return array.tolist()
    return np.where(finite, array, None).tolist()


def weight_limit(values: np.ndarray) -> float:
    """Half-width of the symmetric colour range that shows every value (1 when all are 0)."""
    limit = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return limit if limit > 0 and math.isfinite(limit) else 1.0


def mosaic(images: np.ndarray, columns: int, row_gap: int = TILE_GAP) -> np.ndarray:
    """Tile (n, 8, 8) images into one array, row by row, with NaN gaps between tiles
    (`row_gap` blank rows between rows of tiles, room for titles)."""
    images = np.asarray(images, dtype=float).reshape(-1, *IMAGE_SHAPE)
    rows = -(-len(images) // columns)
    down, across = _SIDE + row_gap, _SIDE + TILE_GAP
    tiled = np.full((rows * down - row_gap, columns * across - TILE_GAP), np.nan)
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        tiled[r * down : r * down + _SIDE, c * across : c * across + _SIDE] = image
    return tiled


def _row_gap(names: Sequence[str], columns: int) -> int:
    """Titled tiles in several rows get `TITLE_GAP` blank rows between rows."""
    return TITLE_GAP if len(names) > columns and any(names) else TILE_GAP


@lru_cache(maxsize=64)
def _tile_labels(names: tuple[str, ...], columns: int, value_name: str, row_gap: int) -> tuple[list, list[dict]]:
    """Hover text for every cell of a mosaic, and the title annotations above each tile (cached: they
    depend on the names only, and a live view redraws the same tiles many times)."""
    rows = -(-len(names) // columns)
    down, across = _SIDE + row_gap, _SIDE + TILE_GAP
    text = [[""] * (columns * across - TILE_GAP) for _ in range(rows * down - row_gap)]
    titles = []
    for k, name in enumerate(names):
        r, c = divmod(k, columns)
        for i in range(_SIDE):
            for j in range(_SIDE):
                text[r * down + i][c * across + j] = f"{name}: row {i}, column {j}"
        titles.append(dict(x=c * across + (_SIDE - 1) / 2, y=r * down - 0.6, text=name, showarrow=False,
                           xref="x", yref="y", yanchor="bottom", font=dict(size=FONT_SIZE)))
    return text, titles


def _tiled_heatmap(images: np.ndarray, names: Sequence[str], columns: int, value_name: str, *, hover: bool = True,
                   **heatmap) -> tuple[dict, list[dict]]:
    """One heatmap of tiles, and the titles above them; `hover=False` leaves out what hovering
    over a cell would say (a row of example pictures needs none, and it is most of the figure)."""
    row_gap = _row_gap(names, columns)
    text, titles = _tile_labels(tuple(names), columns, value_name, row_gap)
    if not hover:
        hover_text = dict(hoverinfo="skip")
    elif len(names) == 1:  # one tile: the cell's own coordinates say it all, and drawing is faster
        hover_text = dict(hovertemplate=f"row %{{y}}, column %{{x}}<br>{value_name} %{{z:.3f}}<extra></extra>")
    else:
        hover_text = dict(text=text, hovertemplate=f"%{{text}}<br>{value_name} %{{z:.3f}}<extra></extra>")
    trace = dict(type="heatmap", z=values(mosaic(images, columns, row_gap), PICTURE_DIGITS), hoverongaps=False,
                 **hover_text, **heatmap)
    return trace, copy.deepcopy(titles)


def _map_names(coef_rows: int, class_names: Sequence[str]) -> tuple[list[str], int]:
    """The titles of a model's weight maps and how many go in a row."""
    if coef_rows == 1:
        return [f"blue → {class_names[1]}, red → {class_names[0]}"], 1
    return list(class_names), min(5, coef_rows)


def weight_mosaic(coef: np.ndarray, class_names: Sequence[str], *, limit: float | None = None) -> dict:
    """What changes in `weight_maps` while a run trains: the tiled weights and their colour range,
    as the heatmap trace's `z`, `zmin`, `zmid` and `zmax`."""
    coef = np.asarray(coef, dtype=float)
    limit = weight_limit(coef) if limit is None else float(limit)
    names, columns = _map_names(coef.shape[0], class_names)
    return dict(z=values(mosaic(coef, columns, _row_gap(names, columns)), PICTURE_DIGITS), zmin=-limit, zmid=0.0,
                zmax=limit)


def weight_maps(coef: np.ndarray, class_names: Sequence[str], *, limit: float | None = None,
                height: int | None = None, name: str = "weight") -> Figure:
    """The weights as 8x8 pictures: one map for a two-class model, one per class otherwise.

    coef has shape (1, 64) or (K, 64). A two-class map's blue (positive) weights push
    toward `class_names[1]`, red ones toward `class_names[0]`. All maps share one colour
    range from -limit to +limit (default: the largest |weight|), centred at zero. `name`
    is what the values are called (e.g. "ΔW" for the change of the weights by one update).
    """
    coef = np.asarray(coef, dtype=float)
    names, columns = _map_names(coef.shape[0], class_names)
    # one map: its colour bar beside it; several: below them, so that the maps get the width
    colorbar = (dict(title=dict(text=name), thickness=12) if columns == 1 else
                dict(title=dict(text=name, side="top"), thickness=12, orientation="h", len=0.9, x=0.5,
                     xanchor="center", y=-0.03, yanchor="top"))
    trace, titles = _tiled_heatmap(coef, names, columns, name, colorscale=WEIGHT_COLORSCALE, colorbar=colorbar)
    trace.update(weight_mosaic(coef, class_names, limit=limit))
    rows = -(-coef.shape[0] // columns)
    shown = trace["zmax"]
    if coef.shape[0] == 1:
        text = (f"Weight map, 8×8 pixels: blue pixels push toward {class_names[1]}, red ones toward "
                f"{class_names[0]}; weights from {-shown:.3g} to {shown:.3g}.")
    else:
        text = (f"{coef.shape[0]} weight maps, one per class ({', '.join(map(str, class_names))}), 8×8 pixels each: "
                f"blue pixels raise that class's score, red ones lower it; weights from {-shown:.3g} to {shown:.3g}.")
    return described(dict(data=[trace], layout=dict(
        **copy.deepcopy(BASE_LAYOUT), **copy.deepcopy(IMAGE_AXES), annotations=titles,
        margin=dict(l=10, r=10, t=30, b=10), height=height or (290 if columns == 1 else 150 * rows + 40),
    )), text)


def digit_row(images: np.ndarray, titles: Sequence[str] | None = None, *, columns: int | None = None,
              height: int | None = None) -> Figure:
    """8x8 images (values in [0, 1], dark ink on white) side by side, each upright and square.
    Titled images say their title and pixel when hovered; untitled ones (examples) nothing."""
    images = np.asarray(images, dtype=float).reshape(-1, *IMAGE_SHAPE)
    columns = columns or max(len(images), 1)
    names = list(titles) if titles else [""] * len(images)
    trace, annotations = _tiled_heatmap(images, names, columns, "ink", hover=bool(titles), zmin=0.0, zmax=1.0,
                                        colorscale=INK_COLORSCALE, showscale=False, meta=INK_META)
    rows = -(-len(images) // columns)
    text = (f"{len(images)} handwritten digits, 8×8 pixels each"
            + (f", titled {'; '.join(names)}." if titles else "."))
    return described(dict(data=[trace], layout=dict(
        **copy.deepcopy(BASE_LAYOUT), **copy.deepcopy(IMAGE_AXES), annotations=annotations if titles else [],
        margin=dict(l=0, r=0, t=24 if titles else 0, b=0), height=height or 90 * rows + (24 if titles else 0),
    )), text)


def gallery(images: np.ndarray, titles: Sequence[str], *, columns: int, row_height: int = 64) -> Figure:
    """Many small 8x8 images (values in [0, 1], dark ink on white), `columns` to a row, each under
    a short title in small type; no hover text per pixel (for dozens of images that would be most
    of the figure), so that a gallery of the user's drawings stays light to send."""
    images = np.asarray(images, dtype=float).reshape(-1, *IMAGE_SHAPE)
    if len(titles) != len(images):
        raise ValueError(f"A gallery needs one title per image: {len(images)} images, {len(titles)} titles.")
    trace, annotations = _tiled_heatmap(images, list(titles), columns, "ink", hover=False, zmin=0.0, zmax=1.0,
                                        colorscale=INK_COLORSCALE, showscale=False, meta=INK_META)
    for annotation in annotations:
        annotation["font"] = dict(size=GALLERY_FONT_SIZE)
    rows = -(-len(images) // columns)
    return dict(data=[trace], layout=dict(
        **copy.deepcopy(BASE_LAYOUT), **copy.deepcopy(IMAGE_AXES), annotations=annotations,
        margin=dict(l=0, r=0, t=18, b=0), height=row_height * rows + 18,
    ))


def digit_image(image: np.ndarray, *, title: str | None = None, height: int = 260) -> Figure:
    """One 8x8 image (values in [0, 1]), upright and square, pixels drawn as cells, framed so
    that blank cells still show where the image ends."""
    frame = dict(type="rect", x0=-0.5, x1=_SIDE - 0.5, y0=-0.5, y1=_SIDE - 0.5, line=dict(color=MUTED_COLOR, width=1))
    layout = dict(**copy.deepcopy(BASE_LAYOUT), **copy.deepcopy(IMAGE_AXES), height=height,
                  margin=dict(l=1, r=1, t=40 if title else 1, b=1), shapes=[frame])
    if title:
        layout["title"] = dict(text=title)
    grid = np.asarray(image, dtype=float).reshape(IMAGE_SHAPE)
    inked = int(np.count_nonzero(grid > 0.25))
    text = (f"{title + ': ' if title else ''}an 8×8 digit image, {inked} of its 64 pixels inked, "
            f"{np.count_nonzero(grid > 0.75)} of them darkly.")
    return described(dict(data=[dict(type="heatmap", z=values(grid, PICTURE_DIGITS), zmin=0, zmax=1,
                                     colorscale=INK_COLORSCALE, showscale=False, xgap=1, ygap=1, meta=INK_META,
                                     hovertemplate="row %{y}, column %{x}<br>ink %{z:.2f}<extra></extra>")],
                          layout=layout), text)


def signed_map(values_: np.ndarray, *, name: str, title: str | None = None, height: int = 260,
               limit: float | None = None) -> Figure:
    """64 signed numbers named `name` (w ⊙ x: which pixels pushed which way; a gradient dw)
    as an upright, square 8x8 map in the weights' diverging colours: blue positive, red
    negative, white zero, on a range symmetric about 0 (default: the largest |value|)."""
    grid = np.asarray(values_, dtype=float).reshape(IMAGE_SHAPE)
    limit = weight_limit(grid) if limit is None else float(limit)
    layout = dict(**copy.deepcopy(BASE_LAYOUT), **copy.deepcopy(IMAGE_AXES), height=height,
                  margin=dict(l=0, r=0, t=40 if title else 0, b=0))
    if title:
        layout["title"] = dict(text=title)
    finite = np.where(np.isfinite(grid), grid, 0.0)
    high, low = np.unravel_index(np.argmax(finite), IMAGE_SHAPE), np.unravel_index(np.argmin(finite), IMAGE_SHAPE)
    text = (f"{title + ': ' if title else ''}{name} as an 8×8 map, blue positive, red negative: from "
            f"{finite.min():.3g} (row {low[0]}, column {low[1]}) to {finite.max():.3g} (row {high[0]}, column "
            f"{high[1]}), {int(np.count_nonzero(finite))} of 64 pixels not zero.")
    return described(dict(data=[dict(type="heatmap", z=values(grid), colorscale=WEIGHT_COLORSCALE,
                                     zmin=-limit, zmid=0.0, zmax=limit, xgap=1, ygap=1,
                                     colorbar=dict(title=dict(text=name), thickness=12, exponentformat="power"),
                                     hovertemplate=f"row %{{y}}, column %{{x}}<br>{name} %{{z:.3g}}<extra></extra>")],
                          layout=layout), text)


def _curve_traces(with_test: bool, mini_batch: bool) -> tuple[tuple, ...]:
    """The learning curve's traces (entries of BATCH_TRACES and CURVE_TRACES), in the order drawn."""
    traces = (BATCH_TRACES if mini_batch else ()) + CURVE_TRACES
    return tuple(trace for trace in traces if with_test or not trace[0].startswith("test"))


def learning_curve_points(curve: Curve, start: int = 0, *, mini_batch: bool = False) -> dict:
    """The curve's points from index `start` on, as the learning curve's traces hold them:
    {"x": iterations, "y": [one list per trace of `learning_curve`]}. A live view sends
    these to extend a curve it already shows. `mini_batch` as in `learning_curve`."""
    x = curve.iterations[start:].tolist()
    traces = _curve_traces(curve.has_test, mini_batch)
    return dict(x=x, y=[values(getattr(curve, column)[start:]) for _, column, *_ in traces])


#: Where iteration 0 (the start) sits on a logarithmic iteration axis, which cannot show 0: half a
#: step before iteration 1, labelled "start".
LOG_START = 0.5
#: A legend above a chart, in rows: as many entries a row as fit (never on the plot or an axis title).
TOP_LEGEND = dict(orientation="h", yanchor="bottom", y=1.02, x=0)


def log_iteration_axis(last: int) -> dict:
    """An iteration axis on a log scale from the start (at `LOG_START`, labelled "start") to `last`,
    ticked at 1, 10, 100, ... so that the first iterations, where most happens, get room."""
    last = max(int(last), 1)
    ticks = [LOG_START] + [10**k for k in range(int(math.log10(last)) + 1)]
    return dict(PLOT_AXIS, title=dict(text="iteration (log scale)"), type="log",
                range=[math.log10(LOG_START) - 0.05, math.log10(last) + 0.02], tickvals=ticks,
                ticktext=["start"] + [f"{t:,}" for t in ticks[1:]])


def learning_curve(curve: Curve, *, log_y: bool = False, max_iteration: int | None = None,
                   height: int = 330, with_test: bool | None = None, mini_batch: bool = False,
                   log_x: bool = False) -> Figure:
    """Train and test cost against iteration (left axis) and accuracy (dotted, right axis).

    `max_iteration` fixes the x range (e.g. to the planned number of iterations) so
    that the axis does not jump while a run is drawn live. `with_test` (default: whether
    the curve has test points) says whether the test traces are drawn. `mini_batch` adds,
    beneath them, the cost of each mini-batch as the run met it (thin and grey: it is noisy)
    and its trend (`Curve.batch_cost_trend`, dashed), for a run trained on mini-batches.
    `log_x` puts the iterations on a log scale (`log_iteration_axis`: the start drawn at `LOG_START`).
    """
    with_test = curve.has_test if with_test is None else with_test
    iterations = curve.iterations.tolist()
    x = [LOG_START if i == 0 else i for i in iterations] if log_x else iterations
    traces = []
    for name, column, axis, color, dash, width in _curve_traces(with_test, mini_batch):
        line = dict(color=color, width=width)
        if dash:
            line["dash"] = dash
        trace = dict(type="scatter", x=x, y=values(getattr(curve, column)), name=name, mode="lines", line=line)
        if axis == "y2":
            trace["yaxis"] = "y2"
        if name.startswith("mini-batch"):
            trace["legendrank"] = 1001  # listed after the train and test lines
        if log_x:  # the hover says the true iteration, not where the start is drawn
            trace.update(customdata=iterations, hovertemplate=f"iteration %{{customdata}}<br>{name} %{{y:.4g}}"
                                                              "<extra></extra>")
        traces.append(trace)
    last = max(max_iteration or 0, iterations[-1] if iterations else 1, 1)
    xaxis = (log_iteration_axis(last) if log_x
             else dict(PLOT_AXIS, title=dict(text="iteration"), range=[0, last], nticks=6))
    xaxis["ticklabelstandoff"] = 6  # the last iteration's label clear of the accuracy axis's 0%
    return described(dict(data=traces, layout=dict(
        **copy.deepcopy(BASE_LAYOUT),
        xaxis=xaxis,
        yaxis=dict(PLOT_AXIS, title=dict(text="cost J (log scale)" if log_y else "cost J"),
                   type="log" if log_y else "linear", rangemode="tozero"),
        yaxis2=dict(PLOT_AXIS, title=dict(text="accuracy"), overlaying="y", side="right", range=[0, 1.02],
                    tickformat=".0%", dtick=0.25, showgrid=False),
        height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest" if log_x else "x unified",
        showlegend=True, legend=dict(TOP_LEGEND),
    )), curve_description(curve))


def curve_description(curve: Curve) -> str:
    """A learning curve in words: where its costs and accuracies started and ended."""
    if not len(curve):
        return "Learning curve: no training yet."
    first, last = 0, len(curve) - 1
    text = (f"Learning curve over {int(curve.iterations[last])} iterations: the train cost went from "
            f"{curve.train_cost[first]:.4g} to {curve.train_cost[last]:.4g}, train accuracy from "
            f"{_percent(curve.train_accuracy[first])} to {_percent(curve.train_accuracy[last])}")
    if curve.has_test:
        text += (f"; the test cost from {curve.test_cost[first]:.4g} to {curve.test_cost[last]:.4g}, test accuracy "
                 f"from {_percent(curve.test_accuracy[first])} to {_percent(curve.test_accuracy[last])}")
    return text + "."


def probability_bars(probabilities: Sequence[float], class_names: Sequence[str], *, height: int = 260) -> Figure:
    """One bar per class with its probability; the most probable class stands out."""
    probabilities = np.asarray(probabilities, dtype=float)
    best = int(np.argmax(probabilities))
    colors = [TRAIN_COLOR if k == best else MUTED_COLOR for k in range(len(probabilities))]
    names = [str(name) for name in class_names]
    ranked = sorted(range(len(names)), key=lambda k: -probabilities[k])
    text = (f"Probability of each class: {names[best]} {_percent(probabilities[best])}; then "
            + ", ".join(f"{names[k]} {_percent(probabilities[k])}" for k in ranked[1:]) + ".")
    return described(dict(
        data=[dict(type="bar", x=names, y=values(probabilities), marker=dict(color=colors),
                   # a label over each bar of 1 % or more (ten labels of "0%" would run into each other)
                   text=[f"{p:.0%}" if p >= 0.01 else "" for p in probabilities], textposition="outside",
                   cliponaxis=False,
                   constraintext="none",  # labels at the chart's type size, not shrunk to a bar's width
                   hovertemplate="%{x}: %{y:.3f}<extra></extra>")],
        # every class labelled: a crowded category axis would skip some
        layout=dict(**copy.deepcopy(BASE_LAYOUT),
                    xaxis=dict(PLOT_AXIS, type="category", title=dict(text="class"), tickmode="linear", dtick=1),
                    yaxis=dict(PLOT_AXIS, range=[0, 1.25], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%",
                               title=dict(text="probability")),
                    height=height, margin=dict(l=10, r=10, t=10, b=10)),
    ), text)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str], *,
                     height: int = 360) -> Figure:
    """Counts of (true class, predicted class) over class indices 0..K-1; rows true, top to bottom."""
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    names = list(class_names)
    right = int(np.trace(counts))
    total = int(counts.sum())
    mistakes = counts - np.diag(np.diag(counts))
    text = f"Confusion matrix of {total} test digits: {right} read right ({_percent(right / max(total, 1))})"
    if mistakes.any():
        true, said = np.unravel_index(np.argmax(mistakes), counts.shape)
        text += (f"; the most frequent mistake: {names[true]} read as {names[said]}, "
                 f"{mistakes[true, said]} time{'s' if mistakes[true, said] > 1 else ''}.")
    else:
        text += "; no mistakes."
    return described(dict(
        data=[dict(type="heatmap", z=counts.tolist(), x=names, y=names, colorscale=COUNT_COLORSCALE, showscale=False,
                   text=counts.tolist(), texttemplate="%{text}", xgap=2, ygap=2,
                   hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>")],
        layout=dict(**copy.deepcopy(BASE_LAYOUT),
                    xaxis=dict(title=dict(text="predicted"), type="category", constrain="domain", automargin=True,
                               ticks=""),
                    yaxis=dict(title=dict(text="true"), type="category", autorange="reversed", scaleanchor="x",
                               constrain="domain", automargin=True, ticks=""),
                    height=height, margin=dict(l=10, r=10, t=10, b=10)),
    ), text)


class XAxis(StrEnum):
    """What a comparison of learning curves puts on its x axis."""

    ITERATIONS = "iterations"  # updates made
    SECONDS = "seconds"  # the time training computed (`Curve.seconds`: CPU time, without the waits of a busy machine)
    EPOCHS = "epochs"  # examples seen, in passes over the training set: updates / updates per epoch


X_AXIS_TITLES = {XAxis.ITERATIONS: "iteration (updates)", XAxis.SECONDS: "computing time (s)",
                 XAxis.EPOCHS: "examples seen (epochs: passes over the training set)"}


@dataclass(frozen=True)
class RunLine:
    """One run on a comparison chart: its label, learning curve and colour (`lrviz.colors.run_color`),
    and how many updates make one pass over its training set (1 for full-batch training)."""

    label: str
    curve: Curve
    color: str
    updates_per_epoch: int = 1

    def x(self, axis: XAxis) -> np.ndarray:
        """The curve's points on `axis`."""
        if axis == XAxis.SECONDS:
            return self.curve.seconds
        if axis == XAxis.EPOCHS:
            return self.curve.iterations / self.updates_per_epoch
        return self.curve.iterations


def compare_curves(runs: Sequence[RunLine], *, log_y: bool = False, x_axis: XAxis = XAxis.ITERATIONS,
                   height: int = 420) -> Figure:
    """The learning curves of several runs on one chart: train cost solid, test cost dashed, each run
    in its own colour, against iterations, training time or examples seen (`x_axis`)."""
    x_axis = XAxis(x_axis)
    traces, said = [], []
    for run in runs:
        curve = run.curve
        if len(curve):
            said.append(f"{run.label} from {curve.train_cost[0]:.4g} to {curve.train_cost[-1]:.4g} in "
                        f"{int(curve.iterations[-1])} iterations")
        x = values(run.x(x_axis))
        traces.append(dict(type="scatter", x=x, y=values(curve.train_cost), name=f"{run.label} · train",
                           mode="lines", legendgroup=run.label, line=dict(color=run.color, width=2.5)))
        if curve.has_test:
            traces.append(dict(type="scatter", x=x, y=values(curve.test_cost), name=f"{run.label} · test",
                               mode="lines", legendgroup=run.label, line=dict(color=run.color, width=2, dash="dash")))
    text = (f"Learning curves of {len(runs)} run{'s' if len(runs) != 1 else ''}, train cost solid and test cost "
            "dashed: " + ("; ".join(said) or "none has trained yet") + ".")
    return described(dict(data=traces, layout=dict(
        **copy.deepcopy(BASE_LAYOUT),
        xaxis=dict(PLOT_AXIS, title=dict(text=X_AXIS_TITLES[x_axis]), rangemode="tozero", nticks=6),
        yaxis=dict(PLOT_AXIS, title=dict(text="cost J (log scale)" if log_y else "cost J"),
                   type="log" if log_y else "linear", rangemode="tozero"),
        height=height, margin=dict(l=10, r=10, t=10, b=10), hovermode="x unified",
        legend=dict(TOP_LEGEND),  # above the chart: never on the axis title
    )), text)


@dataclass(frozen=True)
class Display:
    """How figures are shown: on a light or dark page, and how much larger than usual."""

    dark: bool = False
    scale: float = 1.0

    @property
    def font_size(self) -> int:
        """The size of the figures' type on this display, in CSS pixels."""
        return round(FONT_SIZE * self.scale)


#: Type a projector shows legibly at the back of a room: presentation mode's charts use no smaller.
MIN_PRESENTATION_FONT = 18
#: How much larger presentation mode draws the figures (their type: 19 px).
PRESENTATION_SCALE = 1.35


DARK_TEXT_COLOR = colors.DARK_TEXT
DARK_GRID_COLOR = "#475569"


def for_display(fig: Figure, display: Display) -> Figure:
    """The figure restyled for a display: light text and dim grid on a dark page, and fonts
    and height scaled (a projector). Returns a restyled copy (the figure itself for the
    default display); `fig` is left as it was. Only the layout and the traces' few style
    attributes are copied, never the data arrays."""
    if display == Display():
        return fig
    layout = copy.deepcopy(fig["layout"])
    text = DARK_TEXT_COLOR if display.dark else TEXT_COLOR
    grid = DARK_GRID_COLOR if display.dark else GRID_COLOR
    size = display.font_size
    layout.setdefault("font", {}).update(color=text, size=size)
    layout.setdefault("legend", {}).setdefault("font", {})["size"] = size
    if layout.get("height"):
        layout["height"] = round(layout["height"] * display.scale)
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and axis.get("gridcolor"):
            axis.update(gridcolor=grid, linecolor=grid)
    for annotation in layout.get("annotations", []):
        font = annotation.setdefault("font", {})
        font["size"] = round(font.get("size", FONT_SIZE) * display.scale)
        if font.get("color") in (None, TEXT_COLOR):
            font["color"] = text
    traces = fig["data"]
    if display.dark:
        for annotation in layout.get("annotations", []):
            annotation["font"]["color"] = colors.DARK_TWIN.get(annotation["font"]["color"], annotation["font"]["color"])
            if "arrowcolor" in annotation:
                annotation["arrowcolor"] = colors.DARK_TWIN.get(annotation["arrowcolor"], annotation["arrowcolor"])
        traces = [_dark_trace(trace) for trace in traces]
    return dict(data=traces, layout=layout)


def _dark_trace(trace: dict) -> dict:
    """A trace for the dark page: ink light on dark (as chalk on a blackboard, instead of a white
    square), and colours that would be too dark there replaced by their twins (`lrviz.colors`)."""
    changed = dict(trace)
    if trace.get("meta") == INK_META:
        changed["reversescale"] = True
    for part in ("line", "marker"):
        color = trace.get(part, {}).get("color")
        if isinstance(color, str) and color in colors.DARK_TWIN:
            changed[part] = dict(trace[part], color=colors.DARK_TWIN[color])
    return changed
