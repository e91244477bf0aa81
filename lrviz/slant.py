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
    return float(_slants(np.asarray(ink, dtype=float)[None])[0][0])


def _slants(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(slant, centre row) of each image of a stack (n, height, width) of ink."""
    rows, cols = np.arange(stack.shape[1], dtype=float), np.arange(stack.shape[2], dtype=float)
    row_mass, col_mass = stack.sum(axis=2), stack.sum(axis=1)
    total = row_mass.sum(axis=1)
    inked = total > 0
    total = np.where(inked, total, 1.0)
    row_mean, col_mean = row_mass @ rows / total, col_mass @ cols / total
    row_offsets, col_offsets = rows - row_mean[:, None], cols - col_mean[:, None]
    row_var = np.einsum("nr,nr->n", row_mass, row_offsets**2) / total
    covariance = np.einsum("nr,nr->n", row_offsets, (stack @ col_offsets[:, :, None])[:, :, 0]) / total
    usable = inked & (row_var > 0)
    shear = np.where(usable, covariance / np.where(usable, row_var, 1.0), 0.0)
    return np.clip(shear, -MAX_SLANT, MAX_SLANT), row_mean


def upright(ink: np.ndarray) -> np.ndarray:
    """The ink stood upright (slant 0), widened with empty columns so that nothing is cut off."""
    ink = np.asarray(ink)
    (shear,), (centre,) = _slants(np.asarray(ink, dtype=float)[None])
    if shear == 0:
        return ink
    height, width = ink.shape
    pad = math.ceil(abs(shear) * max(centre, height - 1 - centre)) + 1
    matrix = np.array([[1.0, 0.0], [shear, 1.0]])  # output (r, c) takes the ink at
    offset = np.array([0.0, -pad - shear * centre])  # (r, c - pad + shear * (r - centre))
    return ndimage.affine_transform(ink, matrix, offset=offset, output_shape=(height, width + 2 * pad), order=1)


def upright_digits(X: np.ndarray) -> np.ndarray:
    """8x8 digits (rows of 64 features in [0, 1]) stood upright, as `canvas_to_digit` stands drawings.

    Each digit is drawn back at the 32x32 bitmap's resolution (bilinear), each row of
    it shifted sideways there (linearly interpolated) and counted again in its 4x4
    blocks; its column of mass stays where it was, and the rare ink shifted past the
    bitmap's edge is lost. All digits at once: about a tenth of a second for all 1797.
    """
    X = np.asarray(X, dtype=float)
    n, size = len(X), 8 * BLOCK
    grow = _bilinear_zoom(8, BLOCK)  # (32, 8): bitmap rows from image rows, and columns alike
    bitmaps = np.clip(grow @ X.reshape(n, 8, 8) @ grow.T, 0.0, 1.0)
    shear, centre = _slants(bitmaps)
    rows, cols = np.arange(size), np.arange(size)
    sources = cols[None, None, :] + shear[:, None, None] * (rows[None, :, None] - centre[:, None, None])
    left = np.floor(sources).astype(int)
    right_share = sources - left
    padded = np.pad(bitmaps, ((0, 0), (0, 0), (1, 1)))  # zero ink beyond the edges
    take = [np.take_along_axis(padded, np.clip(left + k + 1, 0, size + 1), axis=2) for k in (0, 1)]
    stood = take[0] * (1 - right_share) + take[1] * right_share
    return np.clip(stood.reshape(n, 8, BLOCK, 8, BLOCK).mean(axis=(2, 4)).reshape(n, -1), 0.0, 1.0)


def _bilinear_zoom(n: int, factor: int) -> np.ndarray:
    """The matrix of `ndimage.zoom(..., factor, order=1, grid_mode=True)` on a line of n values."""
    return np.stack([ndimage.zoom(np.eye(n)[i], factor, order=1, grid_mode=True, mode="grid-constant")
                     for i in range(n)], axis=1)
