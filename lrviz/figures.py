"""Plotly figures of a model and its training, as pure functions.

Every function takes plain data (arrays, snapshots, names) and returns a
`plotly.graph_objects.Figure`, so tests can inspect what is drawn. Conventions:
- Images and weight maps are 8x8 heatmaps drawn upright (row 0 at the top, which a
  Plotly heatmap would otherwise put at the bottom) with square pixels. Several maps
  are tiled into one heatmap with blank gaps: one trace draws ten times faster than ten
  subplots, which matters when the maps are redrawn live during training.
- Weights use one diverging colour scale centred at zero and symmetric about it, shared
  by all maps of a model: white always means 0, blue pushes toward a class, red away.
- Colours are told apart by colour-blind viewers (blue/orange lines, red/blue maps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from lrviz.data import IMAGE_SHAPE
from lrviz.model import Snapshot

#: Diverging scale for weights and contributions: red negative, white zero, blue positive.
WEIGHT_COLORSCALE = "RdBu"
#: Ink on paper: white 0, black 1. Traces drawn in it carry INK_META, so a display can recolour them.
INK_COLORSCALE = "Greys"
INK_META = "ink"
TRAIN_COLOR = "#0072B2"  # Okabe-Ito blue
TEST_COLOR = "#E69F00"  # Okabe-Ito orange
MUTED_COLOR = "#9AA5B1"
#: Okabe-Ito colours, for the curves of several runs.
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
#: Blank cells between tiles of a mosaic.
TILE_GAP = 1
#: Blank rows above each row of titled tiles but the first: room for the titles even when
#: a narrow column draws the tiles small.
TITLE_GAP = 4

#: What every figure shares. A browser draws a figure two to three times faster without a
#: Plotly template (Plotly's default one is merged into every draw) or Streamlit's chart
#: theme, which matters for live redraws; so figures carry their own few styles instead.
GRID_COLOR = "#E5E7EB"
BASE_LAYOUT = dict(
    template="none",
    font=dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=14, color="#111827"),
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


def weight_limit(values: np.ndarray) -> float:
    """Half-width of the symmetric colour range that shows every value (1 when all are 0)."""
    limit = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return limit if limit > 0 else 1.0


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


@lru_cache(maxsize=32)
def _tile_labels(names: tuple[str, ...], columns: int, value_name: str,
                 row_gap: int) -> tuple[np.ndarray, list[dict]]:
    """Hover text for every cell of a mosaic, and the title annotations above each tile."""
    rows = -(-len(names) // columns)
    down, across = _SIDE + row_gap, _SIDE + TILE_GAP
    text = np.full((rows * down - row_gap, columns * across - TILE_GAP), "", dtype=object)
    titles = []
    for k, name in enumerate(names):
        r, c = divmod(k, columns)
        for i in range(_SIDE):
            for j in range(_SIDE):
                text[r * down + i, c * across + j] = f"{name}<br>row {i}, column {j}<br>{value_name}"
        titles.append(dict(x=c * across + (_SIDE - 1) / 2, y=r * down - 0.6, text=name, showarrow=False,
                           xref="x", yref="y", yanchor="bottom", font=dict(size=14)))
    return text, titles


def _tiled_heatmap(images: np.ndarray, names: Sequence[str], columns: int, value_name: str,
                   **heatmap) -> tuple[go.Heatmap, list[dict]]:
    """One heatmap of tiles; titled tiles in several rows get `TITLE_GAP` blank rows between rows."""
    row_gap = TITLE_GAP if len(names) > columns and any(names) else TILE_GAP
    text, titles = _tile_labels(tuple(names), columns, value_name, row_gap)
    if len(names) == 1:  # one tile: the cell's own coordinates say it all, and drawing is faster
        hover = dict(hovertemplate=f"row %{{y}}, column %{{x}}<br>{value_name} %{{z:.3f}}<extra></extra>")
    else:
        hover = dict(text=text, hovertemplate="%{text} %{z:.3f}<extra></extra>")
    trace = go.Heatmap(z=mosaic(images, columns, row_gap), hoverongaps=False, **hover, **heatmap)
    return trace, titles


def weight_maps(coef: np.ndarray, class_names: Sequence[str], *, limit: float | None = None,
                height: int | None = None) -> go.Figure:
    """The weights as 8x8 pictures: one map for a two-class model, one per class otherwise.

    coef has shape (1, 64) or (K, 64). A two-class map's blue (positive) weights push
    toward `class_names[1]`, red ones toward `class_names[0]`. All maps share one colour
    range from -limit to +limit (default: the largest |weight|), centred at zero.
    """
    coef = np.asarray(coef, dtype=float)
    limit = weight_limit(coef) if limit is None else float(limit)
    binary = coef.shape[0] == 1
    names = [f"blue → {class_names[1]}, red → {class_names[0]}"] if binary else list(class_names)
    columns = 1 if binary else min(5, coef.shape[0])
    trace, titles = _tiled_heatmap(
        coef, names, columns, "weight", zmin=-limit, zmid=0.0, zmax=limit, colorscale=WEIGHT_COLORSCALE,
        colorbar=dict(title=dict(text="weight"), thickness=12),
    )
    rows = -(-coef.shape[0] // columns)
    return go.Figure(trace, layout=dict(
        **BASE_LAYOUT,
        **IMAGE_AXES, annotations=titles, margin=dict(l=10, r=10, t=30, b=10),
        height=height or (290 if binary else 150 * rows + 40),
    ))


def digit_row(images: np.ndarray, titles: Sequence[str] | None = None, *, columns: int | None = None,
              height: int | None = None) -> go.Figure:
    """8x8 images (values in [0, 1], dark ink on white) side by side, each upright and square."""
    images = np.asarray(images, dtype=float).reshape(-1, *IMAGE_SHAPE)
    columns = columns or max(len(images), 1)
    names = list(titles) if titles else [""] * len(images)
    trace, annotations = _tiled_heatmap(images, names, columns, "ink", zmin=0.0, zmax=1.0,
                                        colorscale=INK_COLORSCALE, showscale=False, meta=INK_META)
    rows = -(-len(images) // columns)
    return go.Figure(trace, layout=dict(
        **BASE_LAYOUT,
        **IMAGE_AXES, annotations=annotations if titles else [], margin=dict(l=0, r=0, t=24 if titles else 0, b=0),
        height=height or 90 * rows + (24 if titles else 0),
    ))


def digit_image(image: np.ndarray, *, title: str | None = None, height: int = 260) -> go.Figure:
    """One 8x8 image (values in [0, 1]), upright and square, pixels drawn as cells, framed so
    that blank cells still show where the image ends."""
    frame = dict(type="rect", x0=-0.5, x1=_SIDE - 0.5, y0=-0.5, y1=_SIDE - 0.5, line=dict(color=MUTED_COLOR, width=1))
    return go.Figure(
        go.Heatmap(z=np.asarray(image, dtype=float).reshape(IMAGE_SHAPE), zmin=0, zmax=1,
                   colorscale=INK_COLORSCALE, showscale=False, xgap=1, ygap=1, meta=INK_META,
                   hovertemplate="row %{y}, column %{x}<br>ink %{z:.2f}<extra></extra>"),
        layout=dict(**BASE_LAYOUT, **IMAGE_AXES, title=dict(text=title) if title else None, height=height,
                    margin=dict(l=1, r=1, t=40 if title else 1, b=1), shapes=[frame]),
    )


def signed_map(values: np.ndarray, *, name: str, title: str | None = None, height: int = 260,
               limit: float | None = None) -> go.Figure:
    """64 signed numbers named `name` (w ⊙ x: which pixels pushed which way; a gradient dw)
    as an upright, square 8x8 map in the weights' diverging colours: blue positive, red
    negative, white zero, on a range symmetric about 0 (default: the largest |value|)."""
    values = np.asarray(values, dtype=float).reshape(IMAGE_SHAPE)
    limit = weight_limit(values) if limit is None else float(limit)
    return go.Figure(
        go.Heatmap(z=values, colorscale=WEIGHT_COLORSCALE, zmin=-limit, zmid=0.0, zmax=limit, xgap=1, ygap=1,
                   colorbar=dict(title=dict(text=name), thickness=12, exponentformat="power"),
                   hovertemplate=f"row %{{y}}, column %{{x}}<br>{name} %{{z:.3g}}<extra></extra>"),
        layout=dict(**BASE_LAYOUT, **IMAGE_AXES, title=dict(text=title) if title else None, height=height,
                    margin=dict(l=0, r=0, t=40 if title else 0, b=0)),
    )


def learning_curve(snapshots: Sequence[Snapshot], *, log_y: bool = False, max_iteration: int | None = None,
                   height: int = 330, legend: bool = True) -> go.Figure:
    """Train and test cost against iteration (left axis) and accuracy (dotted, right axis).

    `max_iteration` fixes the x range (e.g. to the planned number of iterations) so
    that the axis does not jump while a run is drawn live. Without its `legend` a
    browser draws the figure in half the time, which a live view redrawn many times a
    second can use; the lines are still named on hover.
    """
    x = [s.iteration for s in snapshots]
    has_test = bool(snapshots) and snapshots[0].test_cost is not None
    traces = [go.Scatter(x=x, y=[s.train_cost for s in snapshots], name="train cost", mode="lines",
                         line=dict(color=TRAIN_COLOR, width=3))]
    if has_test:
        traces.append(go.Scatter(x=x, y=[s.test_cost for s in snapshots], name="test cost", mode="lines",
                                 line=dict(color=TEST_COLOR, width=3)))
    traces.append(go.Scatter(x=x, y=[s.train_accuracy for s in snapshots], name="train accuracy", mode="lines",
                             yaxis="y2", line=dict(color=TRAIN_COLOR, width=2, dash="dot")))
    if has_test:
        traces.append(go.Scatter(x=x, y=[s.test_accuracy for s in snapshots], name="test accuracy",
                                 mode="lines", yaxis="y2", line=dict(color=TEST_COLOR, width=2, dash="dot")))
    last = x[-1] if x else 1
    return go.Figure(traces, layout=dict(
        **BASE_LAYOUT,
        xaxis=dict(PLOT_AXIS, title=dict(text="iteration"), range=[0, max(max_iteration or 0, last, 1)]),
        yaxis=dict(PLOT_AXIS, title=dict(text="cost J (log scale)" if log_y else "cost J"),
                   type="log" if log_y else "linear", rangemode="tozero"),
        yaxis2=dict(PLOT_AXIS, title=dict(text="accuracy"), overlaying="y", side="right", range=[0, 1.02],
                    tickformat=".0%", dtick=0.25, showgrid=False),
        height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="x unified", showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    ))


def probability_bars(probabilities: Sequence[float], class_names: Sequence[str], *, height: int = 260) -> go.Figure:
    """One bar per class with its probability; the most probable class stands out."""
    probabilities = np.asarray(probabilities, dtype=float)
    best = int(np.argmax(probabilities))
    colors = [TRAIN_COLOR if k == best else MUTED_COLOR for k in range(len(probabilities))]
    return go.Figure(
        go.Bar(x=list(class_names), y=probabilities, marker_color=colors, text=[f"{p:.0%}" for p in probabilities],
               textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{y:.3f}<extra></extra>"),
        layout=dict(**BASE_LAYOUT, xaxis=dict(PLOT_AXIS, type="category", title=dict(text="class")),
                    yaxis=dict(PLOT_AXIS, range=[0, 1.25], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%",
                               title=dict(text="probability")),
                    height=height, margin=dict(l=10, r=10, t=10, b=10)),
    )


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str], *,
                     height: int = 360) -> go.Figure:
    """Counts of (true class, predicted class) over class indices 0..K-1; rows true, top to bottom."""
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    names = list(class_names)
    return go.Figure(
        go.Heatmap(z=counts, x=names, y=names, colorscale="Blues", showscale=False, text=counts,
                   texttemplate="%{text}", xgap=2, ygap=2,
                   hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"),
        layout=dict(**BASE_LAYOUT,
                    xaxis=dict(title=dict(text="predicted"), type="category", constrain="domain", automargin=True,
                               ticks=""),
                    yaxis=dict(title=dict(text="true"), type="category", autorange="reversed", scaleanchor="x",
                               constrain="domain", automargin=True, ticks=""),
                    height=height, margin=dict(l=10, r=10, t=10, b=10)),
    )


def compare_curves(runs: Sequence[tuple[str, Sequence[Snapshot]]], *, log_y: bool = False,
                   height: int = 420) -> go.Figure:
    """The learning curves of several runs on one chart: train cost solid, test cost dashed, a colour per run."""
    traces = []
    for k, (label, snapshots) in enumerate(runs):
        color = RUN_COLORS[k % len(RUN_COLORS)]
        x = [s.iteration for s in snapshots]
        traces.append(go.Scatter(x=x, y=[s.train_cost for s in snapshots], name=f"{label} · train", mode="lines",
                                 legendgroup=label, line=dict(color=color, width=2.5)))
        if snapshots and snapshots[0].test_cost is not None:
            traces.append(go.Scatter(x=x, y=[s.test_cost for s in snapshots], name=f"{label} · test",
                                     mode="lines", legendgroup=label, line=dict(color=color, width=2, dash="dash")))
    return go.Figure(traces, layout=dict(
        **BASE_LAYOUT,
        xaxis=dict(PLOT_AXIS, title=dict(text="iteration"), rangemode="tozero"),
        yaxis=dict(PLOT_AXIS, title=dict(text="cost J (log scale)" if log_y else "cost J"),
                   type="log" if log_y else "linear", rangemode="tozero"),
        height=height, margin=dict(l=10, r=10, t=10, b=10), hovermode="x unified",
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
    ))


@dataclass(frozen=True)
class Display:
    """How figures are shown: on a light or dark page, and how much larger than usual."""

    dark: bool = False
    scale: float = 1.0


DARK_TEXT_COLOR = "#F1F5F9"
DARK_GRID_COLOR = "#475569"


def for_display(fig: go.Figure, display: Display) -> go.Figure:
    """The figure restyled for a display: light text and dim grid on a dark page, and fonts
    and height scaled (a projector). Returns a restyled copy (the figure itself for the
    default display); `fig` is left as it was."""
    if display == Display():
        return fig
    fig = go.Figure(fig)
    text = DARK_TEXT_COLOR if display.dark else BASE_LAYOUT["font"]["color"]
    grid = DARK_GRID_COLOR if display.dark else GRID_COLOR
    size = round(BASE_LAYOUT["font"]["size"] * display.scale)
    fig.update_layout(font=dict(color=text, size=size), legend_font_size=size)
    if fig.layout.height:
        fig.update_layout(height=round(fig.layout.height * display.scale))
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        if axis.gridcolor:
            axis.update(gridcolor=grid, linecolor=grid)
    if display.dark:  # ink light on dark, as chalk on a blackboard, instead of a white square
        fig.update_traces(reversescale=True, selector=dict(meta=INK_META))
    for annotation in fig.layout.annotations:
        annotation.font.size = round((annotation.font.size or BASE_LAYOUT["font"]["size"]) * display.scale)
        if annotation.font.color in (None, BASE_LAYOUT["font"]["color"]):
            annotation.font.color = text
    return fig
