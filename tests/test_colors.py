"""Colours that hold: every colour of the app's own content has WCAG's contrast on both looks.

WCAG 2.1: 4.5:1 for text, 3:1 for lines, bars and marks. Checked from the figures' own
colours (every figure builder, on the light page and restyled for the dark one) and from
the colour table the style sheets use.
"""

import itertools
import math

import numpy as np
import pytest

from lrviz import colors, figures, lesson_figures
from lrviz.history import Curve
from lrviz.model import Snapshot

TEXT, GRAPHICS = 4.5, 3.0
LOOKS = {"light": (figures.Display(), colors.LIGHT_BACKGROUND),
         "dark": (figures.Display(dark=True, scale=1.35), colors.DARK_BACKGROUND)}


def test_contrast_is_wcags():
    assert colors.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert colors.contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert colors.contrast("#E69F00", "#FFFFFF") == pytest.approx(2.25, abs=0.01)  # Okabe-Ito orange: too light
    with pytest.raises(ValueError, match="#RRGGBB"):
        colors.contrast("red", "#FFFFFF")


def _curve():
    curve = Curve()
    for i in range(5):
        curve.append(Snapshot(i, 1 / (i + 1), 0.5, np.zeros((1, 64)), np.zeros(1), 1.1 / (i + 1), 0.5))
    return curve


def _all_figures():
    from lrviz import backprop
    from lrviz.data import Task, load_task
    from lrviz.model import LogisticRegressionGD

    data = load_task(Task.parse("0v1"))
    model = LogisticRegressionGD(max_iter=20).fit(data.X_train, data.y_train)
    example = backprop.example_pass(model, data.X_test[0], int(data.y_test[0]))
    return {
        "learning curve": figures.learning_curve(_curve()),
        "mini-batch learning curve": figures.learning_curve(_curve(), mini_batch=True),
        "compare": figures.compare_curves([figures.RunLine(f"run {k}", _curve(), colors.run_color(k))
                                           for k in range(1, 9)]),
        "probabilities": figures.probability_bars([0.1, 0.7, 0.2], ["a", "b", "c"]),
        "input": figures.digit_image(np.eye(8)),
        "graph": lesson_figures.computation_graph(example, data.task.class_names),
        "sigmoid": lesson_figures.sigmoid_plot(1.0, example_z=2.0),
        "log loss": lesson_figures.log_loss_plot(0.8, 0.2, 1),
    }


def _marks(figure: dict):
    """(what, colour, kind) of every coloured line, bar, mark and text of a figure."""
    for trace in figure["data"]:
        name = trace.get("name", trace["type"])
        line = trace.get("line", {}).get("color")
        if isinstance(line, str):
            yield name, line, "graphics"
        marker = trace.get("marker", {}).get("color")
        for color in ([marker] if isinstance(marker, str) else marker or []):
            yield name, color, "graphics"
    for annotation in figure["layout"].get("annotations", []):
        if annotation.get("text"):
            yield annotation["text"][:30], annotation.get("font", {}).get("color", colors.TEXT), "text"
    yield "layout text", figure["layout"]["font"]["color"], "text"


@pytest.mark.parametrize("look", LOOKS)
def test_every_figures_colours_hold_on_both_looks(look):
    display, background = LOOKS[look]
    failures = []
    for name, figure in _all_figures().items():
        for what, color, kind in _marks(figures.for_display(figure, display)):
            if not color.startswith("#"):
                continue  # translucent fills behind text, not marks of their own
            needed = TEXT if kind == "text" else GRAPHICS
            if colors.contrast(color, background) < needed:
                failures.append(f"{name}: {what} {color} {colors.contrast(color, background):.2f} < {needed}")
    assert failures == []


def test_runs_keep_their_colours_and_never_take_train_or_tests():
    assert colors.run_color(1) == colors.run_color(1 + len(colors.RUN_PALETTE))
    assert len(set(colors.RUN_PALETTE)) == len(colors.RUN_PALETTE) == 8
    assert {colors.TRAIN, colors.TEST}.isdisjoint(colors.RUN_PALETTE + colors.DARK_RUN_PALETTE)
    spec = figures.compare_curves([figures.RunLine("run 3", _curve(), colors.run_color(3)),
                                   figures.RunLine("run 5", _curve(), colors.run_color(5))])
    assert [t["line"]["color"] for t in spec["data"]] == [colors.run_color(3)] * 2 + [colors.run_color(5)] * 2


def _lab(color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of #RRGGBB."""
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


@pytest.mark.parametrize("palette", [colors.RUN_PALETTE, colors.DARK_RUN_PALETTE])
def test_run_colours_are_told_apart(palette):
    """Every two colours on one chart differ clearly (CIE76 distance over 15) from each other and
    from the train/test pair."""
    shown = list(palette) + [colors.TRAIN, colors.TEST]
    closest = min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(shown, 2))
    assert closest > 15


@pytest.mark.parametrize("look", [colors.LIGHT, colors.DARK], ids=["light", "dark"])
def test_the_style_sheets_colours_hold_on_both_looks(look):
    """Every pair of a look's colours that meet on the page (text on the page, on the sidebar and on
    inputs; icons; edges of inputs and buttons; the progress bar on its track; ...)."""
    failures = []
    for foreground, background, kind in colors.LOOK_PAIRS:
        ratio = colors.contrast(getattr(look, foreground), getattr(look, background))
        if ratio < (TEXT if kind == "text" else GRAPHICS):
            failures.append(f"{foreground} on {background}: {ratio:.2f}")
    assert failures == []
    shown = {name for pair in colors.LOOK_PAIRS for name in pair[:2]}
    assert shown == set(vars(look)), "every colour of a look is checked against what it sits on"


@pytest.mark.parametrize("present, dark", [(False, False), (True, False), (True, True)])
def test_the_style_sheets_take_every_colour_from_the_looks(present, dark):
    """The CSS names no colour of its own: only the look's variables, defined once from lrviz.colors."""
    import re

    from pages import _shared

    css = _shared.style_sheets(present, dark)
    variables, rules = css.split("}", 1)
    look = colors.DARK if dark else colors.LIGHT
    for name, value in vars(look).items():
        assert f"--lrviz-{name.replace('_', '-')}: {value}" in variables
    assert re.findall(r"#[0-9A-Fa-f]{3,8}\b|rgba?\(", rules) == []
    used = set(re.findall(r"var\(--lrviz-([a-z-]+)\)", rules)) - {"chart-height", "own-height"}
    assert used <= {name.replace("_", "-") for name in vars(look)}
    assert ("var(--lrviz-background)" in rules) == dark  # the light look keeps Streamlit's own page


def test_the_light_look_is_streamlits_theme():
    import tomllib

    from conftest import ROOT

    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert (theme["backgroundColor"], theme["secondaryBackgroundColor"], theme["textColor"],
            theme["primaryColor"]) == (colors.LIGHT.background, colors.LIGHT.surface, colors.LIGHT.text,
                                       colors.LIGHT.primary)
