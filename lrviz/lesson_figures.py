"""Figures of the How-it-works lesson, as pure functions: the computation graph, the sigmoid
and the log loss, drawn with one example's numbers (its gradient maps are `figures.signed_map`).

They follow `lrviz.figures`' conventions: plain data in, a figure in Plotly's JSON form out
(`lrviz.figures.Figure`), the shared `BASE_LAYOUT` (its font sets every text's family, size
and colour).
`format_number` writes the numbers the figures and the page show, so that a test can find
them again.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

import numpy as np

from lrviz import colors, neuron
from lrviz.backprop import ExamplePass
from lrviz.figures import BASE_LAYOUT, MUTED_COLOR, PLOT_AXIS, TEST_COLOR, TRAIN_COLOR, Figure, described, values

#: The backward pass's text and marks: a darker vermilion, readable on white (lrviz.colors).
BACKWARD_COLOR = colors.BACKWARD
#: Node fills, translucent so that they work on a light or a dark background.
INPUT_FILL = "rgba(154,165,177,0.18)"
NEURON_FILL = "rgba(0,114,178,0.14)"
LOSS_FILL = "rgba(213,94,0,0.14)"
ARROW_COLOR = colors.ARROW
#: The z range the sigmoid plot shows.
Z_LIMIT = 10.0
#: The loss range the log-loss plot shows; a larger loss is marked at the top edge.
LOSS_LIMIT = 7.0

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def format_number(value: float, digits: int = 4) -> str:
    """A number as a student reads it: 4 significant digits, ×10ⁿ when tiny or huge, "∞".

    A value that would round to ±1 keeps enough decimals to differ from 1 (0.999955),
    or is written 1 - 4.5×10⁻¹³ when even that takes more than six decimals.
    """
    v = float(value)
    if math.isnan(v):
        return "undefined"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if v == 0:
        return "0"
    sign, m = ("-" if v < 0 else ""), abs(v)
    plain = f"{m:.{digits}g}"
    if plain == "1" and m != 1:
        gap = abs(1.0 - m)
        if gap >= 1e-6:
            decimals = -math.floor(math.log10(gap)) + 1
            return f"{sign}{m:.{decimals}f}"
        return f"{sign}(1 {'-' if m < 1 else '+'} {format_number(gap, 2)})"
    if 1e-4 <= m and "e" not in plain:
        return sign + plain
    mantissa, exponent = f"{m:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{sign}{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


# -- the computation graph ---------------------------------------------------------------------

_NODE_HELP = {
    "x": "the input: the digit's 64 pixels, ink from 0 to 1",
    "w": "the weights, one per pixel, learned by gradient descent",
    "b": "the bias, learned too",
    "z": "the weighted sum of the pixels plus the bias: the logit",
    "a": "the activation: the probability the neuron gives",
    "L": "the loss: how wrong the probability is for the true class y",
    "y": "the true class of the example",
}

def computation_graph(example: ExamplePass, class_names: Sequence[str], *, height: int = 360) -> Figure:
    """The neuron as a computation graph, x, w, b -> z -> a -> L(a, y), with the example's numbers.

    Forward values sit in the nodes (left to right); the backward pass's derivatives are
    written in `BACKWARD_COLOR` under the arrows they flow back along (right to left).
    For two classes a is the probability of `class_names[1]` and y = 1 means that class;
    for K classes the nodes show the entries of the example's own class y.
    """
    n = len(class_names)
    if example.n_classes != n:
        raise ValueError(f"{n} class names for an example of a {example.n_classes}-class model.")
    f = format_number
    k = example.y_index
    name = class_names[k]
    if example.binary:
        nodes = {
            "x": (0.9, 3.3, "<b>x</b><br>64 pixels", INPUT_FILL),
            "w": (0.9, 2.0, "<b>w</b><br>64 weights", INPUT_FILL),
            "b": (0.9, 0.7, f"<b>b</b><br>= {f(example.b[0])}", INPUT_FILL),
            "z": (4.0, 2.0, f"<b>z</b> = w·x + b<br>= {f(example.z[0])}", NEURON_FILL),
            "a": (6.55, 2.0, f"<b>a</b> = σ(z)<br>= {f(example.a[0])}", NEURON_FILL),
            "L": (9.0, 2.0, f"<b>L</b>(a, y)<br>= {f(example.loss)}", LOSS_FILL),
            "y": (9.0, 0.55, f"<b>y</b> = {k}<br>(“{name}”)", INPUT_FILL),
        }
        backward = [
            (7.9, 1.0, f"∂L/∂a<br>= {f(example.dL_da[0])}"),
            (5.28, 1.0, f"∂a/∂z<br>= {f(example.da_dz[0, 0])}"),
            (4.0, 0.55, f"dz = a - y<br>= {f(example.dz[0])}"),
            (2.3, 2.33, "dw<br>= x·dz"),
            (2.3, 0.75, f"db = dz<br>= {f(example.db[0])}"),
        ]
    else:
        sub = f"<sub>{name}</sub>"
        nodes = {
            "x": (0.9, 3.3, "<b>x</b><br>64 pixels", INPUT_FILL),
            "w": (0.9, 2.0, f"<b>W</b><br>{n} × 64<br>weights", INPUT_FILL),
            "b": (0.9, 0.7, f"<b>b</b><br>{n} biases", INPUT_FILL),
            "z": (4.0, 2.0, f"<b>z</b> = Wx + b<br>{n} logits<br>z{sub} = {f(example.z[k])}", NEURON_FILL),
            "a": (6.55, 2.0, f"<b>a</b> = softmax(z)<br>a{sub} = {f(example.a[k])}", NEURON_FILL),
            "L": (9.0, 2.0, f"<b>L</b> = -log a{sub}<br>= {f(example.loss)}", LOSS_FILL),
            "y": (9.0, 0.55, f"<b>y</b> = {name}", INPUT_FILL),
        }
        backward = [
            (7.9, 1.0, f"∂L/∂a{sub}<br>= {f(example.dL_da[k])}"),
            (5.28, 1.0, f"∂a{sub}/∂z{sub}<br>= {f(example.da_dz[k, k])}"),
            (4.0, 0.4, f"dz<sub>k</sub> = a<sub>k</sub> - [k = y]<br>dz{sub} = {f(example.dz[k])}"),
            (2.3, 2.33, "dW<br>= dz xᵀ"),
            (2.3, 0.75, "db = dz"),
        ]
    half = {"x": (0.7, 0.45), "w": (0.7, 0.45), "b": (0.7, 0.45), "z": (1.05, 0.62), "a": (1.05, 0.62),
            "L": (0.8, 0.62), "y": (0.6, 0.45)}
    shapes = [
        dict(type="rect", x0=x - half[key][0], x1=x + half[key][0], y0=y - half[key][1], y1=y + half[key][1],
             fillcolor=fill, line=dict(color=ARROW_COLOR, width=1.5), layer="below")
        for key, (x, y, _, fill) in nodes.items()
    ]
    annotations = [dict(x=x, y=y, text=text, showarrow=False, xref="x", yref="y", name=f"node {key}")
                   for key, (x, y, text, _) in nodes.items()]

    def arrow(tail: str, head: str) -> dict:
        (tx, ty), (hx, hy) = nodes[tail][:2], nodes[head][:2]
        # leave the tail's box on its right (or top) edge, enter the head's box on its left (or bottom) edge
        if tx == hx:
            start, end = (tx, ty + half[tail][1]), (hx, hy - half[head][1])
        else:
            start, end = (tx + half[tail][0], ty), (hx - half[head][0], hy + 0.25 * (ty - hy) / max(abs(ty - hy), 1))
        return dict(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
                    text="", showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.8, arrowcolor=ARROW_COLOR,
                    name=f"{tail} -> {head}")

    annotations += [arrow(t, h) for t, h in (("x", "z"), ("w", "z"), ("b", "z"), ("z", "a"), ("a", "L"), ("y", "L"))]
    annotations += [dict(x=x, y=y, text=text, showarrow=False, xref="x", yref="y", font=dict(color=BACKWARD_COLOR),
                         name="backward")
                    for x, y, text in backward]
    annotations.append(dict(x=0.2, y=4.05, xref="x", yref="y", showarrow=False, xanchor="left",
                            text="forward: values →", name="legend"))
    annotations.append(dict(x=10.0, y=4.05, xref="x", yref="y", showarrow=False, xanchor="right",
                            text="← backward: derivatives of L", font=dict(color=BACKWARD_COLOR),
                            name="legend"))
    # an invisible marker on each node: hovering over a node tells what it is
    hover = dict(type="scatter", x=[x for x, _, _, _ in nodes.values()], y=[y for _, y, _, _ in nodes.values()],
                       mode="markers", marker=dict(size=40, opacity=0), name="nodes",
                       hovertext=[_NODE_HELP[key] for key in nodes], hovertemplate="%{hovertext}<extra></extra>")
    if example.binary:
        text = (f"Computation graph of the neuron for one example: x (64 pixels), w and b = {f(example.b[0])} "
                f"give z = w·x + b = {f(example.z[0])}, then a = σ(z) = {f(example.a[0])} and, with y = {k}, "
                f"the loss L = {f(example.loss)}. Backward: ∂L/∂a = {f(example.dL_da[0])}, ∂a/∂z = "
                f"{f(example.da_dz[0, 0])}, dz = a - y = {f(example.dz[0])}, dw = x·dz, db = {f(example.db[0])}.")
    else:
        text = (f"Computation graph of the ten-neuron layer for one example of class {name}: z = Wx + b, "
                f"z{name} = {f(example.z[k])}; a = softmax(z), a{name} = {f(example.a[k])}; "
                f"L = -log a{name} = {f(example.loss)}. Backward: dz{name} = {f(example.dz[k])}, dW = dz xᵀ, db = dz.")
    return described(dict(data=[hover], layout=dict(
        **copy.deepcopy(BASE_LAYOUT),
        xaxis=dict(visible=False, range=[0.2, 10.0], fixedrange=True),
        yaxis=dict(visible=False, range=[-0.05, 4.3], fixedrange=True),
        shapes=shapes, annotations=annotations, height=height, margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
    )), text)


# -- the sigmoid and the log loss ---------------------------------------------------------------

def sigmoid_plot(z: float, *, example_z: float | None = None, example_label: str = "this example",
                 height: int = 360) -> Figure:
    """a = σ(z) for z in [-Z_LIMIT, Z_LIMIT], with the point (z, σ(z)) and its tangent (slope da/dz).

    `example_z` marks the current example's point too; beyond the plotted range it is
    drawn at the edge, labelled with its true z.
    """
    t = np.linspace(-Z_LIMIT, Z_LIMIT, 241)
    z = float(np.clip(z, -Z_LIMIT, Z_LIMIT))
    a = _sigmoid(z)
    slope = a * (1.0 - a)
    tangent = np.array([max(z - 2.0, -Z_LIMIT), min(z + 2.0, Z_LIMIT)])
    traces = [
        dict(type="scatter", x=values(t), y=values(_sigmoid(t)), mode="lines", name="a = σ(z)",
             line=dict(color=TRAIN_COLOR, width=3), hovertemplate="z = %{x:.2f}<br>a = %{y:.4f}<extra></extra>"),
        dict(type="scatter", x=values(tangent), y=values(a + slope * (tangent - z)), mode="lines",
             name="slope da/dz = a(1 - a)", line=dict(color=MUTED_COLOR, width=2, dash="dash"), hoverinfo="skip"),
        dict(type="scatter", x=[z], y=[a], mode="markers+text", name="z",
             marker=dict(color=TRAIN_COLOR, size=13),
             text=[f"σ({format_number(z, 3)}) = {format_number(a)}"], cliponaxis=False,
             textposition="top left" if z >= 0 else "bottom right",  # beside the curve, not on it
             hovertemplate="z = %{x:.2f}<br>a = %{y:.4f}<extra></extra>"),
    ]
    annotations = []
    if example_z is not None:
        shown = float(np.clip(example_z, -Z_LIMIT, Z_LIMIT))
        edge = "" if shown == example_z else (" →" if example_z > 0 else " ←")
        traces.append(dict(
            type="scatter", x=[shown], y=[_sigmoid(example_z)], mode="markers", name=example_label,
            cliponaxis=False,
            marker=dict(color=TEST_COLOR, size=14, symbol="diamond", line=dict(color="#111827", width=1)),
            hovertemplate=f"{example_label}<br>z = {format_number(example_z)}<br>"
                          f"a = {format_number(_sigmoid(example_z))}<extra></extra>"))
        # the label sits where the curve is not (below it on the right, above it on the left), with an arrow
        right = shown >= 0
        annotations.append(dict(
            x=shown, y=_sigmoid(shown), ax=Z_LIMIT / 2 if right else -Z_LIMIT / 2, ay=0.3 if right else 0.7,
            xref="x", yref="y", axref="x", ayref="y", text=f"{example_label}: z = {format_number(example_z, 3)}{edge}",
            showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor=MUTED_COLOR, standoff=8, name=example_label))
    text = (f"The sigmoid a = σ(z) for z from {-Z_LIMIT:g} to {Z_LIMIT:g}: at z = {format_number(z, 3)}, "
            f"a = {format_number(a)} and its slope da/dz = {format_number(slope)}")
    if example_z is not None:
        text += f"; {example_label}: z = {format_number(example_z, 3)}, a = {format_number(_sigmoid(example_z))}"
    return described(dict(data=traces, layout=dict(
        **copy.deepcopy(BASE_LAYOUT),
        xaxis=dict(PLOT_AXIS, title=dict(text="z"), range=[-Z_LIMIT - 0.3, Z_LIMIT + 0.3], zeroline=True,
                   zerolinecolor=MUTED_COLOR),
        yaxis=dict(PLOT_AXIS, title=dict(text="a = σ(z)"), range=[-0.08, 1.08], dtick=0.25),
        shapes=[dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=0.5, y1=0.5,
                     line=dict(color=MUTED_COLOR, width=1, dash="dot"))],
        annotations=annotations,
        height=height, margin=dict(l=10, r=10, t=30, b=10), showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )), text + ".")


def log_loss_plot(a: float, loss: float, y: int, *, binary: bool = True, example_label: str = "this example",
                  height: int = 360) -> Figure:
    """The log loss as a function of a, with the current example's (a, L) marked.

    Two classes: both curves, L = -log a for y = 1 and L = -log(1 - a) for y = 0, the
    example on its own y's curve (a is the probability of class 1). K classes: the one
    curve L = -log a_y, with a the probability of the example's class. A loss above
    `LOSS_LIMIT` is marked at the top edge, labelled with its value.
    """
    grid = np.linspace(0.0005, 0.9995, 400)
    if binary:
        curves = [(-np.log(grid), "y = 1: L = -log a", TRAIN_COLOR), (-np.log1p(-grid), "y = 0: L = -log(1 - a)",
                                                                      TEST_COLOR)]
        mark_color, x_title = (TRAIN_COLOR if y == 1 else TEST_COLOR), "a (the neuron's probability of class 1)"
    else:
        curves = [(-np.log(grid), "L = -log a<sub>y</sub>", TRAIN_COLOR)]
        mark_color, x_title = TRAIN_COLOR, "a<sub>y</sub> (the probability of the true class)"
    traces = [dict(type="scatter", x=values(grid), y=values(loss_values), mode="lines", name=name,
                   line=dict(color=color, width=3), hovertemplate="a = %{x:.3f}<br>L = %{y:.3f}<extra></extra>")
              for loss_values, name, color in curves]
    off_chart = loss > LOSS_LIMIT
    traces.append(dict(
        type="scatter", x=[float(a)], y=[min(float(loss), LOSS_LIMIT)], mode="markers+text", name=example_label,
        cliponaxis=False,
        marker=dict(color=mark_color, size=14, symbol="triangle-up" if off_chart else "diamond",
                    line=dict(color="#111827", width=1)),
        text=[f"L = {format_number(loss)}" + (" ↑" if off_chart else "")],
        textposition=("bottom" if off_chart else "top") + (" left" if a > 0.5 else " right"),
        hovertemplate=f"{example_label}<br>a = {format_number(a)}<br>L = {format_number(loss)}<extra></extra>"))
    curve = ("L = -log a for y = 1 and L = -log(1 - a) for y = 0" if binary
             else "L = -log a of the true class")
    text = (f"The log loss against the probability a: {curve}; {example_label}: a = {format_number(a)}, "
            f"y = {y}, L = {format_number(loss)}.")
    return described(dict(data=traces, layout=dict(
        **copy.deepcopy(BASE_LAYOUT),
        xaxis=dict(PLOT_AXIS, title=dict(text=x_title), range=[-0.02, 1.02]),
        yaxis=dict(PLOT_AXIS, title=dict(text="loss L"), range=[-0.15, LOSS_LIMIT + 0.3]),
        height=height, margin=dict(l=10, r=10, t=30, b=10), showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )), text)


def _sigmoid(z):
    """σ(z) without overflow (plain floats or arrays)."""
    result = neuron.sigmoid(np.asarray(z, dtype=float))
    return float(result) if np.ndim(result) == 0 else result
