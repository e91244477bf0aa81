"""The user's drawings: kept, deleted, written as CSV and read back; hostile files refused clearly."""

import numpy as np
import pytest

from lrviz.canvas import canvas_to_digit
from lrviz.data import Task, load_task
from lrviz.drawings import COLUMNS, MAX_BYTES, MAX_DRAWINGS, Drawings

from drawn_digits import DRAWN_DIGITS, render, to_canvas


@pytest.fixture(scope="module")
def drawn() -> Drawings:
    """The 23 mouse-drawn digits as the Draw page keeps them: canvas_to_digit's features."""
    drawings = Drawings()
    for digit, strokes in DRAWN_DIGITS:
        drawings.add(canvas_to_digit(to_canvas(render(strokes, 12), "dark_on_light")), digit)
    return drawings


def _row(values="1", digit="3", n=64) -> str:
    return ",".join([values] * n + [digit])


HEADER = ",".join(COLUMNS)


def test_drawings_keep_features_digits_and_pictures(drawn):
    assert len(drawn) == 23
    assert drawn.X.shape == (23, 64) and drawn.digits.tolist() == [d for d, _ in DRAWN_DIGITS]
    features = canvas_to_digit(to_canvas(render(DRAWN_DIGITS[0][1], 12), "dark_on_light"))
    np.testing.assert_allclose(drawn.X[0], features, atol=0.0005)  # kept in thousandths of a count
    assert drawn.images.shape == (23, 8, 8) and 0 <= drawn.images.min() and drawn.images.max() <= 1
    np.testing.assert_allclose(drawn.images[0], drawn.X[0].reshape(8, 8) / 16)
    assert drawn.counts().tolist() == np.bincount([d for d, _ in DRAWN_DIGITS], minlength=10).tolist()
    X, digits = drawn.extra()
    assert load_task(Task.all_digits(), extra=(X, digits)).extras_used.size == 23
    assert Drawings().extra() is None


def test_add_and_remove():
    drawings = Drawings()
    drawings.add(np.full(64, 2.0), 7)
    drawings.add(np.full((8, 8), 3.0).ravel(), 1)
    drawings.add(np.full(64, 4.0), 0)
    drawings.remove(1)
    assert drawings.digits.tolist() == [7, 0] and drawings.X[:, 0].tolist() == [2.0, 4.0]
    drawings.remove(-1)
    assert drawings.digits.tolist() == [7]
    for index in (5, -2, "0", True, 0.0):
        with pytest.raises(ValueError, match="There is no drawing"):
            drawings.remove(index)
    with pytest.raises(ValueError, match="labelled 12"):
        drawings.add(np.zeros(64), 12)
    with pytest.raises(ValueError, match=r"got shape \(1, 63\)"):
        drawings.add(np.zeros(63), 1)
    with pytest.raises(ValueError, match="has 20 at feature 3"):
        drawings.add(np.r_[np.zeros(3), 20, np.zeros(60)], 1)
    assert len(drawings) == 1  # a refused drawing leaves the collection as it was


def test_a_session_keeps_at_most_max_drawings():
    drawings = Drawings(np.zeros((MAX_DRAWINGS - 1, 64)), np.zeros(MAX_DRAWINGS - 1, int))
    drawings.add(np.zeros(64), 4)
    with pytest.raises(ValueError, match=f"That would make {MAX_DRAWINGS + 1:,} drawings; a session keeps at most"):
        drawings.add(np.zeros(64), 4)
    with pytest.raises(ValueError, match="at most"):
        Drawings().extend_with(np.zeros((MAX_DRAWINGS + 1, 64)), np.zeros(MAX_DRAWINGS + 1, int))
    assert len(drawings) == MAX_DRAWINGS
    assert drawings.nbytes == drawings._counts.nbytes + drawings._digits.nbytes <= 130_000  # small and bounded


def test_the_fingerprint_changes_with_the_drawings_only(drawn):
    copy = Drawings(drawn.X, drawn.digits)
    assert copy.fingerprint() == drawn.fingerprint() and len(drawn.fingerprint()) == 24
    copy.remove(0)
    assert copy.fingerprint() != drawn.fingerprint()
    relabelled = Drawings(drawn.X, (drawn.digits + 1) % 10)
    assert relabelled.fingerprint() != drawn.fingerprint()


def test_csv_round_trip_is_exact(drawn):
    text = drawn.to_csv()
    lines = text.splitlines()
    assert lines[0] == HEADER and len(lines) == 24
    assert lines[0].split(",")[:2] == ["pixel_0_0", "pixel_0_1"] and lines[0].endswith("pixel_7_7,digit")
    back = Drawings.from_csv(text.encode())
    np.testing.assert_array_equal(back.X, drawn.X)
    np.testing.assert_array_equal(back.digits, drawn.digits)
    assert Drawings.from_csv(back.to_csv()).to_csv() == text


def test_numbers_are_written_short_and_exact():
    drawings = Drawings([[0.0] * 62 + [16.0, 12.3456]], [9])
    line = drawings.to_csv().splitlines()[1]
    assert line.endswith(",0,16,12.346,9")
    assert Drawings.from_csv(drawings.to_csv()).X[0, -1] == 12.346


def test_merged_files_of_a_class_load_as_one(drawn):
    one, other = drawn.to_csv(), Drawings([[5.0] * 64], [5]).to_csv()
    merged = Drawings.from_csv(one + other)  # concatenated: the header repeated
    assert len(merged) == 24 and merged.digits[-1] == 5
    body_only = "".join(other.splitlines(keepends=True)[1:])
    assert len(Drawings.from_csv(one + body_only)) == 24  # header once
    assert len(Drawings.from_csv(body_only + body_only)) == 2  # no header at all
    unix = one.replace("\r\n", "\n") + "\n\n" + other.replace("\r\n", "\n")  # other line ends, blank lines
    assert len(Drawings.from_csv(unix)) == 24
    excel = "\ufeff" + one.replace("pixel_0_0", "PIXEL_0_0")  # a byte-order mark, another case
    assert len(Drawings.from_csv(excel.encode("utf-8"))) == 23
    quoted = HEADER + "\n" + ",".join(['"1.5"'] * 64 + ['"2"']) + "\n"
    assert Drawings.from_csv(quoted).digits.tolist() == [2]
    session = Drawings([[1.0] * 64], [1])
    session.extend(merged)
    assert len(session) == 25 and session.digits[0] == 1


HOSTILE = [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (HEADER + "\n", "The file holds no drawings"),
        ((HEADER + "\n") * 3, "The file holds no drawings"),
        (b"x" * (MAX_BYTES + 1), f"has {MAX_BYTES + 1:,} bytes; a drawings file has at most {MAX_BYTES:,}"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text \\(UTF-8\\)"),
        (b"1,2,3\x00,4", "binary data"),
        (b"\xff\xfe" + "1,2".encode("utf-16-le"), "not text \\(UTF-8\\)"),
        ("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n", "Line 1 has 785 columns; a drawings file has 65"),
        (HEADER + "\n" + _row() + "\n" + _row(n=63) + "\n", "Line 3 has 64 columns"),
        (HEADER + "\n" + _row() + ",\n", "Line 2 has 66 columns"),
        (_row("nan"), "Line 1, column 1 \\(pixel_0_0\\): 'nan' is not a number from 0 to 16"),
        (_row("inf"), "'inf' is not a number"),
        (_row("1e999"), "'1e999' is not a number from 0 to 16"),
        (_row("1e99999999"), "'1e99999999' is not a number"),
        (_row("17"), "'17' is not a number from 0 to 16"),
        (_row("16.0001"), "'16.0001' is not a number"),
        (_row("-1"), "'-1' is not a number"),
        (_row("-0"), "'-0' is not a number"),
        (_row("0x10"), "'0x10' is not a number"),
        (_row("1_0"), "'1_0' is not a number"),
        (_row("=cmd|' /C calc'!A0"), "column 1 \\(pixel_0_0\\): \"=cmd|' /C calc'!A0\" is not a number"),
        (_row("@SUM(1+1)*cmd"), "is not a number"),
        (_row("\u0663"), "'\u0663' is not a number"),  # an Arabic-Indic three: float() would take it
        (_row("\uff11"), "is not a number"),  # a full-width one
        (_row("", "3"), "column 1 \\(pixel_0_0\\): '' is not a number"),
        (_row("1", "10"), "Line 1, column 65 \\(digit\\): '10' is not a digit from 0 to 9"),
        (_row("1", "3.0"), "'3.0' is not a digit"),
        (_row("1", "-1"), "'-1' is not a digit"),
        (_row("1", "\u0663"), "'\u0663' is not a digit"),
        (_row("1", "=1+2"), "'=1\\+2' is not a digit"),
        (_row("1", ""), "'' is not a digit"),
        ("a" * 200_000, "not a valid CSV file|Line 1 has"),
        ((_row() + "\n") * (MAX_DRAWINGS + 1), f"more than {MAX_DRAWINGS:,} drawings; a session keeps at most"),
        ((HEADER + "\n" + _row() + "\n") * (MAX_DRAWINGS + 1), f"more than {MAX_DRAWINGS:,} drawings"),
]


@pytest.mark.parametrize("content, message", HOSTILE, ids=[f"{i}:{m[:30]}" for i, (_, m) in enumerate(HOSTILE)])
def test_hostile_files_are_refused_with_a_reason(content, message):
    with pytest.raises(ValueError, match=message) as error:
        Drawings.from_csv(content)
    assert len(str(error.value)) < 300  # a message, never the file echoed back


def test_only_text_or_bytes_is_read():
    with pytest.raises(ValueError, match="got int"):
        Drawings.from_csv(10**9)  # bytes(10**9) would make a gigabyte of zeros
    assert len(Drawings.from_csv(bytearray(_row().encode()))) == 1


def test_a_full_file_loads_and_a_refused_one_changes_nothing():
    full = Drawings(np.full((MAX_DRAWINGS, 64), 12.345), np.arange(MAX_DRAWINGS) % 10)
    text = full.to_csv()
    assert len(text.encode()) < MAX_BYTES / 3
    assert len(Drawings.from_csv(text)) == MAX_DRAWINGS
    session = Drawings([[1.0] * 64], [1])
    with pytest.raises(ValueError, match="a session keeps at most"):
        session.extend(Drawings.from_csv(text))
    assert len(session) == 1
