"""Digits as people draw them with a mouse, as stroke lists, and a renderer for them.

`DRAWN_DIGITS` is plain data: (digit, strokes), each stroke a polyline [(x, y), ...] in
pixels of a 280x280 canvas (x to the right, y down), in the order a person draws it. The
unit tests render them with `render`; the end-to-end tests drag a real mouse along the
same points on the app's canvas. There are a few variants per digit as a mouse draws
them: a 0 as an oval, a 1 as a single line, a 4 open at the top, a 7 without a bar;
some large in the middle, some small in a corner.
"""

from __future__ import annotations

import numpy as np

CANVAS_SIZE = 280
#: How a canvas can show ink: dark on light, light on dark, or only in alpha (transparent).
LOOKS = ("dark_on_light", "light_on_dark", "transparent")

DRAWN_DIGITS: list[tuple[int, list[list[tuple[int, int]]]]] = [
    # an oval from the top, anticlockwise, large in the middle
    (0, [
        [(138, 40), (114, 49), (93, 68), (78, 95), (71, 128), (72, 161), (81, 193), (98, 218),
         (120, 234), (145, 240), (170, 234), (192, 217), (209, 192), (218, 161), (219, 127),
         (212, 94), (197, 67), (175, 49), (151, 40), (126, 43)],
    ]),
    # a rounder oval, clockwise, small in the top-left corner
    (0, [
        [(68, 21), (80, 26), (91, 35), (98, 48), (101, 63), (99, 77), (94, 91), (84, 102),
         (72, 108), (58, 110), (45, 107), (34, 99), (25, 87), (21, 73), (20, 58), (25, 44),
         (33, 32), (44, 24), (58, 20), (71, 22)],
    ]),
    # a single vertical line, large
    (1, [
        [(140, 40), (140, 90), (140, 140), (140, 190), (140, 240)],
    ]),
    # a single slanted line, small in the bottom-right corner
    (1, [
        [(211, 160), (210, 182), (209, 205), (208, 228), (208, 250)],
    ]),
    # a line with a flag at the top
    (1, [
        [(129, 97), (152, 60), (152, 102), (152, 145), (152, 188), (152, 230)],
    ]),
    # an arc, a diagonal and a flat base, large
    (2, [
        [(70, 86), (81, 69), (97, 57), (117, 51), (138, 51), (158, 57), (174, 69), (185, 86),
         (188, 104), (185, 122), (128, 172), (60, 230), (195, 230)],
    ]),
    # a wider 2, small in the bottom-right corner
    (2, [
        [(170, 190), (175, 181), (183, 174), (194, 171), (205, 170), (216, 173), (225, 180),
         (230, 188), (231, 197), (227, 206), (190, 236), (173, 255), (207, 252), (238, 253)],
    ]),
    # two bumps, large
    (3, [
        [(82, 65), (98, 51), (120, 42), (145, 40), (168, 46), (188, 57), (200, 74), (203, 92),
         (198, 111), (183, 126), (163, 136), (138, 140), (165, 144), (188, 154), (204, 169),
         (210, 188), (206, 206), (193, 223), (171, 234), (145, 240), (118, 238), (94, 229),
         (77, 215)],
    ]),
    # a flat top and a round belly, small in the bottom-left corner
    (3, [
        [(25, 165), (88, 160), (50, 202), (60, 200), (75, 204), (86, 211), (93, 221), (95, 232),
         (91, 242), (82, 251), (70, 257), (55, 260), (40, 259), (27, 253), (17, 245)],
    ]),
    # open at the top: a slanted arm and bar, then the upright (two strokes)
    (4, [
        [(113, 50), (60, 168), (212, 168)],
        [(169, 78), (169, 240)],
    ]),
    # open at the top, upright arm, small in the top-right corner
    (4, [
        [(187, 20), (183, 70), (244, 70)],
        [(231, 20), (231, 65), (233, 110)],
    ]),
    # down, round the belly, then the bar on top (two strokes)
    (5, [
        [(94, 40), (87, 130), (89, 135), (116, 117), (149, 112), (180, 122), (203, 143), (213, 172),
         (207, 202), (187, 226), (157, 239), (124, 238), (96, 223), (77, 198)],
        [(94, 40), (213, 40)],
    ]),
    # bar, down and belly in one stroke, small in the bottom-left corner
    (5, [
        [(94, 170), (40, 170), (37, 210), (35, 216), (47, 208), (63, 206), (78, 210), (89, 219),
         (94, 231), (91, 244), (82, 254), (67, 259), (51, 259), (37, 253), (29, 242)],
    ]),
    # a slanted stem from the top into a loop at the bottom, large
    (6, [
        [(164, 40), (122, 100), (94, 170), (92, 199), (101, 217), (118, 232), (140, 239),
         (164, 239), (185, 230), (201, 215), (208, 196), (206, 176), (195, 158), (176, 145),
         (153, 140), (130, 143), (110, 154), (96, 170), (91, 190)],
    ]),
    # starting at the top right, small in the bottom-right corner
    (6, [
        [(233, 170), (205, 198), (184, 236), (185, 247), (192, 256), (202, 263), (215, 265),
         (227, 263), (238, 258), (245, 249), (248, 239), (245, 229), (239, 220), (228, 214),
         (216, 212), (204, 214), (193, 219), (186, 228), (184, 238)],
    ]),
    # a long stem and a loop, on the left
    (6, [
        [(94, 120), (69, 151), (50, 183), (38, 218), (39, 234), (48, 248), (62, 257), (78, 260),
         (95, 257), (109, 249), (118, 235), (121, 220), (117, 205), (108, 192), (93, 184),
         (77, 182), (61, 186), (47, 195), (39, 209), (37, 224)],
    ]),
    # no bar: a top line and a long diagonal, large
    (7, [
        [(70, 40), (220, 40), (115, 240)],
    ]),
    # no bar, a bent diagonal, small in the top-left corner
    (7, [
        [(24, 30), (91, 25), (65, 75), (54, 125)],
    ]),
    # one stroke: an S down and back up, large
    (8, [
        [(150, 40), (172, 43), (189, 51), (198, 63), (197, 80), (185, 100), (167, 123), (144, 146),
         (120, 169), (103, 190), (96, 209), (100, 224), (115, 234), (138, 239), (162, 239),
         (185, 234), (200, 224), (204, 209), (197, 190), (180, 169), (156, 146), (133, 123),
         (115, 100), (103, 80), (102, 63), (111, 51), (128, 43), (150, 40)],
    ]),
    # the same, drawn the other way round, small in the bottom-right corner
    (8, [
        [(202, 165), (189, 166), (179, 170), (174, 177), (174, 185), (181, 195), (192, 206),
         (206, 218), (219, 229), (228, 240), (232, 249), (229, 257), (221, 262), (209, 265),
         (196, 265), (184, 262), (176, 257), (173, 249), (177, 240), (186, 229), (199, 218),
         (213, 206), (224, 195), (231, 185), (231, 177), (226, 170), (216, 166), (202, 165)],
    ]),
    # a loop at the top and a straight stem, large
    (9, [
        [(213, 90), (208, 70), (192, 53), (169, 42), (143, 40), (119, 47), (99, 61), (88, 80),
         (88, 100), (99, 119), (118, 133), (143, 140), (169, 138), (192, 127), (208, 110),
         (213, 90), (213, 90), (199, 240)],
    ]),
    # a loop and a slanted stem, small in the bottom-left corner
    (9, [
        [(86, 188), (81, 177), (72, 169), (59, 165), (46, 166), (35, 172), (27, 181), (24, 192),
         (26, 203), (33, 213), (44, 219), (57, 221), (70, 218), (80, 210), (86, 200), (86, 188),
         (80, 265)],
    ]),
    # a loop and a stem curling to the left at the bottom
    (9, [
        [(230, 59), (224, 45), (212, 35), (198, 30), (182, 31), (168, 38), (158, 50), (154, 64),
         (157, 78), (166, 90), (179, 98), (195, 100), (210, 96), (222, 87), (229, 74), (230, 59),
         (226, 121), (213, 150), (188, 160), (167, 154)],
    ]),
]


def render(strokes, pen_width: float, size: int = CANVAS_SIZE) -> np.ndarray:
    """Ink in [0, 1] of strokes drawn with a round pen `pen_width` pixels wide, anti-aliased.

    A pixel's ink is how far its centre lies within the pen's reach of the nearest segment,
    ramping from 0 to 1 over the pixel at the pen's edge. Each segment only touches the
    pixels near it, which keeps this fast.
    """
    distance = np.full((size, size), np.inf)
    reach = pen_width / 2 + 1
    for stroke in strokes:
        points = np.asarray(stroke, dtype=float).reshape(-1, 2)
        # Segments between consecutive points; a single point is a dot.
        for (x0, y0), (x1, y1) in zip(points, points[1:] if len(points) > 1 else points, strict=False):
            left, right = (int(np.clip(v, 0, size)) for v in (min(x0, x1) - reach, max(x0, x1) + reach + 1))
            top, bottom = (int(np.clip(v, 0, size)) for v in (min(y0, y1) - reach, max(y0, y1) + reach + 1))
            ys, xs = np.mgrid[top:bottom, left:right] + 0.5
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0, 1) if length2 else 0.0
            window = distance[top:bottom, left:right]
            np.minimum(window, np.hypot(xs - x0 - t * dx, ys - y0 - t * dy), out=window)
    return np.clip(pen_width / 2 - distance + 0.5, 0.0, 1.0)


def to_canvas(ink: np.ndarray, look: str) -> np.ndarray:
    """The HxWx4 uint8 image a canvas returns for this ink, in one of `LOOKS`."""
    level = np.round(np.asarray(ink) * 255).astype(np.uint8)
    opaque, clear = np.full_like(level, 255), np.zeros_like(level)
    if look == "dark_on_light":
        paper = 255 - level
        planes = (paper, paper, paper, opaque)
    elif look == "light_on_dark":
        planes = (level, level, level, opaque)
    elif look == "transparent":
        planes = (clear, clear, clear, level)
    else:
        raise ValueError(f"Unknown look {look!r}; expected one of {LOOKS}.")
    return np.stack(planes, axis=-1)


#: A 3 written backwards (like an Ɛ), as children and some left-handed writers do: the ready model
#: reads it as another digit until it has learnt a few (test_e2e_handwriting, test_learn).
BACKWARDS_THREE = [[(CANVAS_SIZE - 1 - x, y) for x, y in DRAWN_DIGITS[7][1][0]]]
#: The same digit drawn again slightly differently: (dx, dy, scale) for `moved`.
REDRAWN = [(0, 0, 1.0), (10, -8, 0.92), (-12, 6, 1.05), (6, 12, 0.88), (-8, -10, 0.96)]


def moved(strokes, dx: float = 0, dy: float = 0, scale: float = 1.0):
    """The strokes scaled about the canvas's centre and shifted by (dx, dy), in whole pixels."""
    centre = CANVAS_SIZE / 2
    return [[(round(centre + (x - centre) * scale + dx), round(centre + (y - centre) * scale + dy)) for x, y in stroke]
            for stroke in strokes]
