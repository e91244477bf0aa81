"""Turn a drawing from a canvas into the 64 features the digit models were trained on.

The digits (UCI optdigits) come from 32x32 binary bitmaps, counted in 4x4 blocks (0..16
per block). In all of them the digit spans the full height, it is rarely more than 22
cells wide, and it covers about 310 of the 1024 cells whatever the digit (a 1 is a bar
~10 cells wide, an 8 has thin strokes). A drawing goes through the same steps, so the
model sees the kind of picture it learnt from:

1. ink: each pixel's distance from the background colour (read from the border; from the
   alpha channel when the canvas is transparent) over the ink's, so dark on light, light
   on dark and alpha-only ink all work; anti-aliased edges are partial ink;
2. specks far smaller than the drawing are dropped, and the ink's bounding box is cut out;
3. the digit is stood upright (`lrviz.slant`): people slant their writing, the training
   digits lean little, and a linear model reads a 5 leaning far right as a 1. Of digits
   from writers the training digits never saw, this alone lets a model trained on the
   raw digits read about eight in ten instead of six (bench/bench_handwriting.py);
4. the digit is scaled to the full height, keeping its aspect ratio unless it would come
   out wider than the training digits: then it is squeezed to their width. A 1 is never
   stretched (it stays a bar, not a square blob); a wide 2 fills the height like theirs;
5. its strokes are thinned or thickened (a threshold on a signed distance field) until it
   covers as many cells as a training digit, so a thin and a thick pen give one picture;
6. it is placed in the 32x32 bitmap by bounding box vertically (as the training digits
   are) and by centre of mass horizontally, at the training digits' mean; then counted in
   blocks. Horizontally neither rule fits the training digits exactly; by mass the
   model read test digits redrawn on a canvas a little better (93 % against 92 % by box).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from lrviz.slant import upright

#: Size of the bitmap the digits were drawn in, and of the blocks counted into one pixel.
BITMAP_SIZE, BLOCK = 32, 4
#: The widest a digit gets in the bitmap; every training digit spans its full height.
MAX_WIDTH = 22.0
#: A wide digit is squeezed to at most 1/MAX_SQUEEZE of its width; one wider still (a
#: dash) gets less than the full height rather than being squashed further.
MAX_SQUEEZE = 2.0
#: Column of the training digits' mean centre of mass in the bitmap (3.57 of 0..7 in 8x8).
MASS_CENTRE_COL = 16.27
#: Ink cells of a training digit in the 32x32 bitmap (the median; 5-95 %: 261-368).
TARGET_INK = 313.0
#: A canvas with less ink than this share of its area (a dot ~7 px across on 280x280) is empty.
MIN_INK_SHARE = 1 / 2000
#: Colour differences below this (out of 255) are noise, not ink.
MIN_CONTRAST = 32.0
#: Ink level at which a pixel counts as inked (an anti-aliased edge is half ink).
INK_LEVEL = 0.5
#: Ink patches with less than this share of the largest patch's ink are stray specks.
SPECK_SHARE = 0.05
#: The drawing is resampled so its longer side is this many pixels before its strokes
#: are measured: fine enough for the 32x32 bitmap, small enough to be fast; the margin
#: around it leaves room to thicken the strokes.
WORK_SIZE, WORK_MARGIN = 96, 24
#: Strokes are thinned by at most this share of the deepest ink's depth, so thin parts of
#: a drawing with uneven strokes do not vanish.
MAX_THINNING = 0.2
#: Pixels rendered per bitmap cell (each axis) before the blocks are counted.
SUPERSAMPLE = 2


def canvas_to_digit(rgba: np.ndarray) -> np.ndarray | None:
    """The 64 features (0..16, row-major 8x8, row 0 at the top) of a canvas drawing, or None.

    `rgba` is the HxWx4 uint8 image a drawing canvas returns (at least 8x8). Divide the
    result by 16 for the models, which were trained on pixels / 16. Returns None when
    nothing (or only a few stray pixels) is drawn; raises ValueError for any other input.
    """
    ink = _ink(_check_image(rgba))
    if ink.sum() < MIN_INK_SHARE * ink.size:
        return None
    ink = _crop(_drop_specks(_crop(ink)))
    signed = _signed_distance(_work_mask(ink))
    return _render(signed, *_fit(signed))


def _check_image(rgba: np.ndarray) -> np.ndarray:
    """Validate the canvas image; say what arrived and what is expected."""
    image = np.asarray(rgba)
    if image.ndim != 3:
        raise ValueError(
            f"The canvas image must be a 3-D array (height, width, 4 channels RGBA); "
            f"got a {image.ndim}-D array of shape {image.shape}."
        )
    if image.shape[2] != 4:
        raise ValueError(
            f"The canvas image must have 4 channels (RGBA) on its last axis; got "
            f"{image.shape[2]} channels (shape {image.shape})."
        )
    if image.dtype != np.uint8:
        raise ValueError(f"The canvas image must have dtype uint8 (0..255); got dtype {image.dtype}.")
    if image.shape[0] < 8 or image.shape[1] < 8:
        raise ValueError(
            f"The canvas image must be at least 8x8 pixels; got {image.shape[0]}x{image.shape[1]}."
        )
    return image


def _ink(image: np.ndarray) -> np.ndarray:
    """Ink in [0, 1] per pixel: its distance from the background colour over the ink's.

    A canvas that is not opaque everywhere draws its ink in alpha (the colours under
    alpha 0 mean nothing), so alpha alone is read; otherwise the colours are.
    """
    planes = image[..., 3:] if (image[..., 3] < 255).any() else image[..., :3]
    border = np.concatenate([planes[0], planes[-1], planes[1:-1, 0], planes[1:-1, -1]])
    squared = np.zeros(image.shape[:2], np.float32)
    for channel, background in enumerate(np.median(border, axis=0)):
        difference = planes[..., channel].astype(np.float32)  # one channel at a time: fast
        difference -= background
        difference *= difference
        squared += difference
    distance = np.sqrt(squared)
    strongest = distance.max()
    if strongest < MIN_CONTRAST:
        return np.zeros(distance.shape, np.float32)
    # The ink's colour: a high percentile of the clearly inked pixels, so that one odd
    # pixel does not set the scale.
    strong = distance[distance > strongest / 2]
    rank = int(0.9 * (strong.size - 1))
    contrast = np.partition(strong, rank)[rank]
    return np.minimum(distance / contrast, 1.0)


def _crop(ink: np.ndarray) -> np.ndarray:
    """The bounding box of the inked pixels."""
    mask = ink >= INK_LEVEL
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _drop_specks(ink: np.ndarray) -> np.ndarray:
    """The ink without the inked patches far smaller than the largest one."""
    labels, count = ndimage.label(ink >= INK_LEVEL, structure=np.ones((3, 3)))
    if count <= 1:
        return ink
    amounts = ndimage.sum_labels(ink, labels, index=np.arange(1, count + 1))
    # Label 0 is every pixel below INK_LEVEL: keep those (edges); drop only small patches.
    keep = np.concatenate([[True], amounts >= SPECK_SHARE * amounts.max()])
    return np.where(keep[labels], ink, 0.0)


def _work_mask(ink: np.ndarray) -> np.ndarray:
    """The cropped ink as a mask whose longer side is WORK_SIZE, stood upright, with room to thicken."""
    zoom = WORK_SIZE / max(ink.shape)
    # When shrinking, spread each pixel over a sampling step, so that thin lines survive.
    spread = max(0, int(np.ceil((1 / zoom - 1) / 2)))
    ink = np.pad(ink, 1 + spread)
    if spread:
        ink = ndimage.maximum_filter(ink, size=2 * spread + 1)
    zoomed = ndimage.zoom(ink, zoom, order=1, grid_mode=True, mode="grid-constant")
    # Upright at this size: fine enough, the same cost for any canvas, and smooth even
    # when the canvas was tiny.
    return np.pad(upright(zoomed) >= INK_LEVEL, WORK_MARGIN)


def _signed_distance(mask: np.ndarray) -> np.ndarray:
    """Distance to the ink's edge in pixels: negative inside the ink, positive outside."""
    outside = ndimage.distance_transform_edt(~mask)
    # Inside the ink, only the ink's box (and a pixel around it) matters: faster.
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    box = slice(rows[0] - 1, rows[-1] + 2), slice(cols[0] - 1, cols[-1] + 2)
    inside = np.zeros(mask.shape)
    inside[box] = ndimage.distance_transform_edt(mask[box])
    return np.where(mask, 0.5 - inside, outside - 0.5)


def _fit(signed: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Where the digit {signed <= offset} goes in the bitmap so it looks like a training digit.

    Tries stroke offsets from thinner to thicker and keeps the one whose digit, scaled to
    the full height (and squeezed to MAX_WIDTH if wider), covers TARGET_INK cells. The
    offset moves the bounding box too, so size and stroke width are solved together.
    Returns (offset, the point of the work image to put at the bitmap's centre (row,
    col), bitmap cells per work pixel (rows, cols)).
    """
    offsets = np.linspace(MAX_THINNING * signed.min(), WORK_MARGIN - 1.0, 256)
    areas = np.searchsorted(np.sort(signed, axis=None), offsets, side="right")
    (top, bottom), (left, right) = (_extent(signed.min(axis=axis), offsets) for axis in (1, 0))
    height, width = bottom - top + 1, right - left + 1
    row_scales = np.minimum(BITMAP_SIZE / height, MAX_SQUEEZE * MAX_WIDTH / width)
    col_scales = np.minimum(row_scales, MAX_WIDTH / width)
    best = np.argmin(np.abs(row_scales * col_scales * areas - TARGET_INK))
    scale = np.array([row_scales[best], col_scales[best]])
    column_mass = (signed <= offsets[best]).sum(axis=0)
    mass_col = column_mass @ np.arange(column_mass.size) / column_mass.sum()
    centre_col = mass_col + (BITMAP_SIZE / 2 - MASS_CENTRE_COL) / scale[1]
    return offsets[best], np.array([(top[best] + bottom[best]) / 2, centre_col]), scale


def _extent(profile: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last index where profile <= offset, for each offset."""
    inside = profile[None, :] <= offsets[:, None]
    return inside.argmax(axis=1), profile.size - 1 - inside[:, ::-1].argmax(axis=1)


def _render(signed: np.ndarray, offset: float, centre: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Draw {signed <= offset} into the 32x32 bitmap (anti-aliased) and count its 4x4 blocks."""
    size = BITMAP_SIZE * SUPERSAMPLE
    step = 1 / (SUPERSAMPLE * scale)  # work pixels per rendered pixel, per axis
    # Rendered pixel i has its centre at bitmap coordinate (i + 0.5) / SUPERSAMPLE.
    start = centre + (0.5 / SUPERSAMPLE - BITMAP_SIZE / 2) / scale
    sampled = ndimage.affine_transform(
        signed, step, offset=start, output_shape=(size, size), order=1, cval=signed.max()
    )
    cover = np.clip(0.5 + (offset - sampled) / step.mean(), 0.0, 1.0)
    cells = BLOCK * SUPERSAMPLE
    blocks = cover.reshape(BITMAP_SIZE // BLOCK, cells, BITMAP_SIZE // BLOCK, cells).sum(axis=(1, 3))
    return (blocks / SUPERSAMPLE**2).ravel()
