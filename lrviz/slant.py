"""How far a handwritten digit leans, and the same digit stood upright.

People slant their handwriting, most of them to the right, and by different amounts.
The digits lrviz learns from lean less, and a linear model reads a 5 that leans far to
the right as a 1. Shearing each row of the ink sideways, in proportion to its distance
from the ink's centre row, by the ink's own slant (its second moments: cov(row, col) /
var(row)) stands a digit upright without changing its height or the column of its mass.

`canvas_to_digit` stands every drawing upright this way, and the ready model learns from
the digits stood upright too (`upright_digits`), so both sides meet in the middle.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

#: The largest slant corrected, in columns per row (45 degrees). A near-flat stroke (a
#: dash) has no meaningful slant; this keeps it from being sheared into a streak.
MAX_SLANT = 1.0
#: Bitmap cells per 8x8 pixel: the digits were counted in 4x4 blocks of a 32x32 bitmap.
BLOCK = 4


def slant(ink: np.ndarray) -> float:
    """How many columns the ink moves per row down, clipped to +-MAX_SLANT.

    Negative for the usual right-leaning writing (its top is further right than its
    bottom), positive for a left lean, 0 for upright ink or none at all.
    """
    ink = np.asarray(ink, dtype=float)
    total = ink.sum()
    if total <= 0:
        return 0.0
    rows, cols = np.arange(ink.shape[0], dtype=float), np.arange(ink.shape[1], dtype=float)
    row_mass, col_mass = ink.sum(axis=1), ink.sum(axis=0)
    row_mean, col_mean = row_mass @ rows / total, col_mass @ cols / total
    row_var = row_mass @ (rows - row_mean) ** 2 / total
    covariance = (rows - row_mean) @ ink @ (cols - col_mean) / total
    if row_var <= 0 or not math.isfinite(covariance / row_var):
        return 0.0
    return float(np.clip(covariance / row_var, -MAX_SLANT, MAX_SLANT))


def upright(ink: np.ndarray) -> np.ndarray:
    """The ink stood upright (slant 0), widened with empty columns so that nothing is cut off."""
    ink = np.asarray(ink)
    shear = slant(ink)
    if shear == 0:
        return ink
    height, width = ink.shape
    centre = _centre_row(ink)
    pad = math.ceil(abs(shear) * max(centre, height - 1 - centre)) + 1
    return _shear(ink, shear, centre, (height, width + 2 * pad), pad)


def upright_digits(X: np.ndarray) -> np.ndarray:
    """8x8 digits (rows of 64 features in [0, 1]) stood upright, as `canvas_to_digit` stands drawings.

    Each digit is drawn back at the 32x32 bitmap's resolution (bilinear), sheared there
    and counted again in its 4x4 blocks; its column of mass stays where it was, and the
    rare ink sheared past the bitmap's edge is lost.
    """
    X = np.asarray(X, dtype=float)
    size = 8 * BLOCK
    result = np.empty_like(X)
    for i, row in enumerate(X):
        bitmap = np.clip(ndimage.zoom(row.reshape(8, 8), BLOCK, order=1, grid_mode=True, mode="grid-constant"), 0, 1)
        shear = slant(bitmap)
        if shear:
            bitmap = _shear(bitmap, shear, _centre_row(bitmap), (size, size), 0)
        result[i] = bitmap.reshape(8, BLOCK, 8, BLOCK).mean(axis=(1, 3)).ravel()
    return np.clip(result, 0.0, 1.0)


def _centre_row(ink: np.ndarray) -> float:
    row_mass = ink.sum(axis=1)
    return float(row_mass @ np.arange(row_mass.size) / row_mass.sum())


def _shear(ink: np.ndarray, shear: float, centre: float, shape: tuple[int, int], pad: int) -> np.ndarray:
    """Output pixel (r, c) takes the ink at (r, c - pad + shear * (r - centre)), linearly interpolated."""
    matrix = np.array([[1.0, 0.0], [shear, 1.0]])
    offset = np.array([0.0, -pad - shear * centre])
    return ndimage.affine_transform(ink, matrix, offset=offset, output_shape=shape, order=1, mode="constant")
