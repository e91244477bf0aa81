"""Slant: a leaning digit is measured and stood upright, on a canvas and in the 8x8 digits."""

import numpy as np
import pytest

from lrviz.canvas import canvas_to_digit
from lrviz.data import load_digits_dataset
from lrviz.slant import MAX_SLANT, slant, upright, upright_digits

from drawn_digits import DRAWN_DIGITS, render, to_canvas


def line(top_col: float, bottom_col: float, height: int = 41, width: int = 41) -> np.ndarray:
    """A one-pixel line from (row 0, top_col) to (row height-1, bottom_col)."""
    ink = np.zeros((height, width))
    for row in range(height):
        ink[row, int(round(top_col + (bottom_col - top_col) * row / (height - 1)))] = 1.0
    return ink


@pytest.mark.parametrize("top, bottom, expected", [(30, 10, -0.5), (10, 30, 0.5), (20, 20, 0.0)])
def test_the_slant_of_a_line_is_columns_per_row(top, bottom, expected):
    assert slant(line(top, bottom)) == pytest.approx(expected, abs=0.02)


def test_a_leaning_line_stood_upright_is_a_bar_of_the_same_height_and_ink():
    ink = line(30, 10)
    stood = upright(ink)
    assert abs(slant(stood)) < 0.02
    columns = np.flatnonzero(stood.sum(axis=0) > 0.05)
    assert columns.max() - columns.min() <= 2  # one column, give or take the interpolation
    assert np.flatnonzero(stood.sum(axis=1) > 0).tolist() == list(range(ink.shape[0]))
    assert stood.sum() == pytest.approx(ink.sum(), rel=0.02)


def test_no_ink_and_a_flat_dash_are_left_alone_or_bounded():
    assert slant(np.zeros((10, 10))) == 0.0
    assert upright(np.zeros((10, 10))).shape == (10, 10)
    dash = np.zeros((20, 40))
    dash[10, 5:35] = 1.0
    dash[11, 34] = 0.2  # a dash with a hook: a slant from almost no height
    assert abs(slant(dash)) <= MAX_SLANT
    assert np.isfinite(upright(dash)).all()


def test_the_8x8_digits_stood_upright_stay_digits():
    data = load_digits_dataset()
    X = data.X[:300]
    stood = upright_digits(X)
    assert stood.shape == X.shape and stood.min() >= 0 and stood.max() <= 1
    assert stood.sum(axis=1) == pytest.approx(X.sum(axis=1), rel=0.08)  # ink is kept
    slants = np.array([abs(slant(x.reshape(8, 8))) for x in X])
    after = np.array([abs(slant(x.reshape(8, 8))) for x in stood])
    assert np.median(after) < 0.5 * np.median(slants)


def test_a_slanted_drawing_reads_like_an_upright_one():
    """canvas_to_digit stands drawings upright: the same 1 drawn upright and leaning right
    gives nearly the same 8x8 picture."""
    upright_one = [[(140, 40), (140, 240)]]
    leaning_one = [[(190, 40), (90, 240)]]
    a, b = (canvas_to_digit(to_canvas(render(strokes, 12), "dark_on_light")) for strokes in (upright_one,
                                                                                               leaning_one))
    assert np.linalg.norm(a - b) / 16 < 0.35
    four = next(strokes for digit, strokes in DRAWN_DIGITS if digit == 4)
    sheared = [[(x - 0.4 * (y - 140), y) for x, y in stroke] for stroke in four]
    a, b = (canvas_to_digit(to_canvas(render(strokes, 12), "dark_on_light")) for strokes in (four, sheared))
    assert np.linalg.norm(a - b) / 16 < 0.5
