"""canvas_to_digit: a drawing on a canvas becomes 8x8 features like the training digits."""

from __future__ import annotations

import time

import numpy as np
import pytest
from scipy import ndimage
from scipy.spatial.distance import cdist

from lrviz.canvas import canvas_to_digit
from lrviz.data import Task, load_digits_dataset, load_task
from lrviz.model import LogisticRegressionGD

from drawn_digits import CANVAS_SIZE, DRAWN_DIGITS, LOOKS, render, to_canvas

PENS = {"thin": 8, "thick": 25}


@pytest.fixture(scope="module")
def split():
    return load_task(Task.all_digits())


@pytest.fixture(scope="module")
def model(split):
    return LogisticRegressionGD(learning_rate=1.0, max_iter=2000).fit(split.X_train, split.y_train)


@pytest.fixture(scope="module")
def digit_distance(split):
    """Mean distance between two test digits of different classes (features / 16): the yardstick."""
    y = split.y_test
    return cdist(split.X_test, split.X_test)[y[:, None] != y[None]].mean()


def blown_up(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An 8x8 digit as a drawing: upscaled 10-25x by smooth (bilinear) interpolation,
    at a random place on the canvas."""
    factor = int(rng.integers(10, 26))
    big = np.clip(ndimage.zoom(image, factor, order=1, grid_mode=True, mode="grid-constant"), 0, 1)
    top, left = rng.integers(0, CANVAS_SIZE - big.shape[0] + 1, size=2)
    ink = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
    ink[top : top + big.shape[0], left : left + big.shape[1]] = big
    return ink


@pytest.fixture(scope="module")
def recovered(split):
    """Features / 16 read back from every test digit blown up on a canvas, per look."""
    rng = np.random.default_rng(0)
    inks = [blown_up(x.reshape(8, 8), rng) for x in split.X_test]
    return {look: np.stack([canvas_to_digit(to_canvas(ink, look)) for ink in inks]) / 16 for look in LOOKS}


@pytest.fixture(scope="module")
def drawn():
    """Features / 16 of the drawn digits, per pen, and their digits."""
    features = {}
    for pen, width in PENS.items():
        images = [to_canvas(render(strokes, width), "dark_on_light") for _, strokes in DRAWN_DIGITS]
        features[pen] = np.stack([canvas_to_digit(image) for image in images]) / 16
    return features, np.array([digit for digit, _ in DRAWN_DIGITS])


def class_means() -> np.ndarray:
    data = load_digits_dataset()
    return np.stack([data.X[data.y == digit].mean(axis=0) for digit in range(10)])


# Test digits blown up to canvas size --------------------------------------------------


@pytest.mark.parametrize("look", LOOKS)
def test_blown_up_test_digits_keep_their_accuracy(look, model, split, recovered, digit_distance):
    features = recovered[look]
    assert features.shape == split.X_test.shape
    raw = model.score(split.X_test, split.y_test)
    drawn = model.score(features, split.y_test)
    report = f"{look}: accuracy {drawn:.3f} from the canvas, {raw:.3f} on the raw 8x8 digits"
    print(report)
    assert drawn >= raw - 0.05, report
    # Each digit comes back close to itself: far closer than to a digit of another class.
    distance = np.linalg.norm(features - split.X_test, axis=1).mean()
    assert distance < 0.5 * digit_distance, f"mean distance {distance:.2f}, between digits {digit_distance:.2f}"


def test_every_look_reads_the_same_ink(recovered):
    """Light-on-dark and alpha-only ink are found as well as dark-on-light."""
    for look in LOOKS[1:]:
        assert np.abs(recovered[look] - recovered[LOOKS[0]]).max() < 1 / 16  # within one count of 16


def test_features_are_on_the_training_scale(recovered):
    features = recovered["transparent"] * 16
    assert features.min() >= 0 and features.max() <= 16
    # A training digit has about 310 ink cells of 1024 (the sum of its 64 counts).
    assert 280 < features.sum(axis=1).mean() < 340


# Empty canvases and bad input -----------------------------------------------------------


@pytest.mark.parametrize("look", LOOKS)
def test_an_empty_canvas_is_none(look):
    assert canvas_to_digit(to_canvas(np.zeros((CANVAS_SIZE, CANVAS_SIZE)), look)) is None


@pytest.mark.parametrize("look", LOOKS)
def test_a_few_stray_pixels_are_none(look):
    ink = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
    rows, cols = np.random.default_rng(1).integers(0, CANVAS_SIZE, size=(2, 6))
    ink[rows, cols] = 1.0
    assert canvas_to_digit(to_canvas(ink, look)) is None


def test_a_transparent_canvas_ignores_the_colour_under_alpha():
    """Ink lives in alpha alone: random colours under it change nothing."""
    ink = render(DRAWN_DIGITS[0][1], 8)
    image = to_canvas(ink, "transparent")
    assert canvas_to_digit(image) is not None
    noisy = image.copy()
    noisy[..., :3] = np.random.default_rng(2).integers(0, 256, size=(*ink.shape, 3))
    np.testing.assert_allclose(canvas_to_digit(noisy), canvas_to_digit(image))
    noisy[..., 3] = 0
    assert canvas_to_digit(noisy) is None


def test_a_grey_or_coloured_pen_reads_like_a_black_one():
    """Ink is measured against the ink's own contrast, so a faint pen is full ink too."""
    ink = render(DRAWN_DIGITS[0][1], 8)
    black = canvas_to_digit(to_canvas(ink, "dark_on_light"))
    for colour in ((128, 128, 128), (200, 30, 30), (40, 90, 250)):
        image = to_canvas(ink, "dark_on_light")
        image[..., :3] = np.round(255 + ink[..., None] * (np.array(colour) - 255)).astype(np.uint8)
        np.testing.assert_allclose(canvas_to_digit(image), black, atol=0.5)


def test_a_stray_speck_does_not_move_the_digit():
    ink = render(DRAWN_DIGITS[0][1], 8)
    specked = np.maximum(ink, render([[(270, 270)]], 4))
    np.testing.assert_allclose(
        canvas_to_digit(to_canvas(specked, "dark_on_light")), canvas_to_digit(to_canvas(ink, "dark_on_light"))
    )


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((28, 28), np.uint8), r"3-D array.*got a 2-D array of shape \(28, 28\)"),
        (np.zeros((2, 28, 28, 4), np.uint8), r"got a 4-D array"),
        (np.zeros((28, 28, 3), np.uint8), r"4 channels.*got 3 channels"),
        (np.zeros((28, 28, 4)), r"uint8.*got dtype float64"),
        (np.zeros((28, 28, 4), np.int32), r"got dtype int32"),
        (np.zeros((5, 40, 4), np.uint8), r"at least 8x8.*got 5x40"),
    ],
)
def test_bad_input_says_what_arrived(image, message):
    with pytest.raises(ValueError, match=message):
        canvas_to_digit(image)


def test_a_tiny_canvas_works(model):
    """An 8x8 canvas (the smallest allowed) holding a digit gives that digit back, mostly."""
    data = load_digits_dataset()
    features = np.stack([canvas_to_digit(to_canvas(image, "light_on_dark")) for image in data.images[:100]])
    assert features.shape == (100, 64)
    assert np.mean(model.predict(features / 16) == data.y[:100]) >= 0.8


# Digits drawn with a mouse ----------------------------------------------------------------


def test_the_drawn_digits_are_plain_canvas_data():
    assert sorted({digit for digit, _ in DRAWN_DIGITS}) == list(range(10))
    for digit, strokes in DRAWN_DIGITS:
        assert isinstance(digit, int) and strokes
        for stroke in strokes:
            assert len(stroke) >= 2
            for point in stroke:
                assert isinstance(point, tuple) and len(point) == 2
                assert all(isinstance(v, int) and 0 <= v < CANVAS_SIZE for v in point)


@pytest.mark.parametrize("pen", PENS)
def test_drawn_digits_look_like_training_digits(pen, model, drawn):
    features, digits = drawn
    by_model = model.predict(features[pen])
    by_mean = np.argmin(np.linalg.norm(class_means()[None] - features[pen][:, None], axis=2), axis=1)
    wrong = [(int(d), int(p)) for d, p in zip(digits, by_model, strict=True) if d != p]
    report = (
        f"{pen} pen ({PENS[pen]} px): model right on {np.sum(by_model == digits)} of {len(digits)}, "
        f"nearest class mean on {np.sum(by_mean == digits)}; wrong (drawn, predicted): {wrong}"
    )
    print(report)
    assert np.mean(by_model == digits) >= 0.8, report
    assert np.mean(by_mean == digits) >= 0.8, report


def test_thin_and_thick_pens_give_the_same_picture(drawn, digit_distance):
    """Strokes are brought to the training digits' width, whatever the pen."""
    features, _ = drawn
    distance = np.linalg.norm(features["thin"] - features["thick"], axis=1)
    assert distance.mean() < 0.2 * digit_distance
    assert distance.max() < 0.6 * digit_distance


@pytest.mark.parametrize("pen", PENS)
def test_a_single_line_is_a_narrow_one(pen, model, drawn):
    """A 1 keeps its aspect ratio: a bar a few columns wide, not a blob filling the box."""
    features, _ = drawn
    lines = [i for i, (digit, strokes) in enumerate(DRAWN_DIGITS) if digit == 1 and _is_one_line(strokes)]
    assert len(lines) >= 2
    for i in lines:
        image = features[pen][i].reshape(8, 8)
        assert model.predict(features[pen][i : i + 1])[0] == 1
        columns = image.sum(axis=0) / image.sum()
        assert np.sum(columns > 0.05) <= 4
        assert image.sum(axis=1).min() > 0  # and it spans the full height


def _is_one_line(strokes) -> bool:
    """A single stroke whose points all lie on one straight line (within a pixel)."""
    if len(strokes) != 1:
        return False
    points = np.asarray(strokes[0], float)
    direction = points[-1] - points[0]
    normal = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
    return bool(np.abs((points - points[0]) @ normal).max() <= 1.0)


def test_a_digit_is_centred_and_sized_wherever_it_is_drawn():
    """Moved and shrunk, the drawing gives (nearly) the same features. Like the training
    digits it fills the full height, with its mass at their mean column (3.57)."""
    _, strokes = DRAWN_DIGITS[0]
    features = canvas_to_digit(to_canvas(render(strokes, 8), "transparent"))
    moved = [[(x - 51.5, y + 23.25) for x, y in stroke] for stroke in strokes]
    halved = [[(x / 2 + 5, y / 2 + 5) for x, y in stroke] for stroke in strokes]
    tiny = [[(x / 4 + 200, y / 4 + 200) for x, y in stroke] for stroke in strokes]
    for other, pen in ((moved, 8), (halved, 8), (tiny, 2)):
        other_features = canvas_to_digit(to_canvas(render(other, pen), "transparent"))
        assert np.linalg.norm(other_features - features) / 16 < 0.5
    image = features.reshape(8, 8)
    assert image[0].sum() > 0 and image[7].sum() > 0
    column_mass = image.sum(axis=0) @ np.arange(8) / image.sum()
    assert abs(column_mass - 3.57) < 0.1


def test_a_280_canvas_is_fast():
    image = to_canvas(render(DRAWN_DIGITS[0][1], 25), "dark_on_light")
    best = min(_seconds(canvas_to_digit, image) for _ in range(5))
    assert best < 0.020


def _seconds(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start
