"""The user's own drawings: digits they drew and confirmed, kept as training examples.

A drawing is kept as the 64 features the model saw (`canvas_to_digit`'s counts 0..16,
which are also its picture: 8x8 pixels) and the digit it shows. A session keeps at most
MAX_DRAWINGS of them, each in 129 bytes (features in thousandths of a count, which no
model can tell from the exact ones), so a full collection takes 129 KB.

Drawings are shared as CSV files: a header (`pixel_0_0`, ..., `pixel_7_7`, `digit`, the
names scikit-learn gives the digits' pixels), then one line per drawing. Loading a file
checks everything that arrives (size, encoding, columns, numbers, digits) and says what
is wrong and where. Files of a class can be merged by putting them one after the other
(header lines repeated or not): such a file loads as one.
"""

from __future__ import annotations

import csv
import hashlib
import re

import numpy as np

from lrviz.data import IMAGE_SHAPE, PIXEL_MAX, check_extra

#: The most drawings a session keeps (and a file may hold): a class's merged files fit.
MAX_DRAWINGS = 1000
#: Features are kept in steps of 1/STEPS of a count (of 0..16): exact in a CSV file.
STEPS = 1000
N_FEATURES = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
COLUMNS = tuple(f"pixel_{row}_{col}" for row in range(IMAGE_SHAPE[0]) for col in range(IMAGE_SHAPE[1])) + ("digit",)
#: A full file written by lrviz is about 0.45 MB; allow for longer numbers from a spreadsheet.
MAX_BYTES = 2_000_000
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_DIGIT = re.compile(r"[0-9]")


class Drawings:
    """The user's drawings, in the order they were added (at most MAX_DRAWINGS)."""

    def __init__(self, X=None, digits=None) -> None:
        """Start empty, or with drawings: X of shape (n, 64), counts 0..16; digits 0..9 (checked)."""
        self._counts = np.zeros((0, N_FEATURES), np.uint16)
        self._digits = np.zeros(0, np.uint8)
        if X is not None or digits is not None:
            self.extend_with(X, digits)

    def __len__(self) -> int:
        return len(self._digits)

    def __repr__(self) -> str:
        return f"Drawings({len(self)} drawings)"

    @property
    def X(self) -> np.ndarray:
        """The features, shape (n, 64), counts 0..16 as `canvas_to_digit` gives them."""
        return self._counts / STEPS

    @property
    def digits(self) -> np.ndarray:
        """The digit each drawing shows, shape (n,)."""
        return self._digits.astype(int)

    @property
    def images(self) -> np.ndarray:
        """The drawings as the model sees them: 8x8 pictures in [0, 1], row 0 at the top."""
        return (self.X / PIXEL_MAX).reshape(-1, *IMAGE_SHAPE)

    @property
    def nbytes(self) -> int:
        """Memory the drawings take (129 bytes each)."""
        return self._counts.nbytes + self._digits.nbytes

    def fingerprint(self) -> str:
        """A short hash of the drawings: equal for equal drawings, so what is made of them can be cached."""
        digest = hashlib.blake2b(self._counts.tobytes(), digest_size=12)
        digest.update(self._digits.tobytes())
        return digest.hexdigest()

    def counts(self) -> np.ndarray:
        """How many drawings of each digit 0..9."""
        return np.bincount(self._digits, minlength=10)

    def extra(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(X, digits) for `load_task(..., extra=...)`, or None when there are no drawings."""
        return (self.X, self.digits) if len(self) else None

    def add(self, features, digit: int) -> None:
        """Keep one drawing: its 64 features (counts 0..16) and the digit it shows."""
        self.extend_with(np.asarray(features).reshape(1, -1), [digit])

    def extend_with(self, X, digits) -> None:
        """Keep several drawings at once (all or none); ValueError if they are invalid or too many."""
        X, digits = check_extra(X, digits)
        if len(self) + len(digits) > MAX_DRAWINGS:
            raise ValueError(f"That would make {len(self) + len(digits):,} drawings; a session keeps at most "
                             f"{MAX_DRAWINGS:,}. Delete some first.")
        self._counts = np.concatenate([self._counts, np.round(X * STEPS).astype(np.uint16)])
        self._digits = np.concatenate([self._digits, digits.astype(np.uint8)])

    def extend(self, other: Drawings) -> None:
        """Keep another collection's drawings too (e.g. a loaded file's), after these."""
        self.extend_with(other.X, other.digits)

    def remove(self, index: int) -> None:
        """Delete the drawing at this position."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -len(self) <= index < len(self):
            raise ValueError(f"There is no drawing {index!r}; there are {len(self)}.")
        self._counts = np.delete(self._counts, index, axis=0)
        self._digits = np.delete(self._digits, index)

    def to_csv(self) -> str:
        """The drawings as the text of a CSV file: a header, then one line per drawing."""
        lines = [",".join(COLUMNS)]
        for counts, digit in zip(self._counts, self._digits, strict=True):
            lines.append(",".join([*(_decimal(int(v)) for v in counts), str(digit)]))
        return "\r\n".join(lines) + "\r\n"

    @classmethod
    def from_csv(cls, content: str | bytes) -> Drawings:
        """Read and check a drawings file (see the module's docstring); ValueError says what is wrong."""
        if not isinstance(content, (str, bytes, bytearray, memoryview)):
            raise ValueError(f"A drawings file is read from its text or bytes; got {type(content).__name__}.")
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        if len(data) > MAX_BYTES:
            raise ValueError(f"The file has {len(data):,} bytes; a drawings file has at most {MAX_BYTES:,} "
                             f"({MAX_DRAWINGS:,} drawings). Is it the right file?")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The file is not text (UTF-8); a drawings file is a CSV text file.") from None
        if "\x00" in text:
            raise ValueError("The file holds binary data; a drawings file is a CSV text file.")
        rows, features, digits = 0, [], []
        header = [name.lower() for name in COLUMNS]
        try:
            for number, fields in enumerate(csv.reader(text.splitlines()), start=1):
                fields = [field.strip() for field in fields]
                if not any(fields) or [field.lower() for field in fields] == header:
                    continue  # a blank line, or a header (merged files repeat it)
                rows += 1
                if rows > MAX_DRAWINGS:
                    raise ValueError(f"The file holds more than {MAX_DRAWINGS:,} drawings; a session keeps at "
                                     f"most {MAX_DRAWINGS:,}. Split it, or leave some out.")
                values, digit = _parse_line(number, fields)
                features.append(values)
                digits.append(digit)
        except csv.Error as error:
            raise ValueError(f"The file is not a valid CSV file ({str(error)[:60]}).") from None
        if not rows:
            raise ValueError("The file holds no drawings." if text.strip() else "The file is empty.")
        return cls(np.array(features), np.array(digits))


def _parse_line(number: int, fields: list[str]) -> tuple[list[float], int]:
    """The 64 features and the digit of one line of a drawings file."""
    if len(fields) != len(COLUMNS):
        raise ValueError(f"Line {number} has {len(fields)} columns; a drawings file has {len(COLUMNS)} "
                         f"({N_FEATURES} pixels, then the digit), with the header {COLUMNS[0]}, ..., {COLUMNS[-1]}.")
    values = []
    for column, field in enumerate(fields[:N_FEATURES]):
        value = float(field) if _NUMBER.fullmatch(field) else None
        if value is None or not 0 <= value <= PIXEL_MAX:
            raise ValueError(f"Line {number}, column {column + 1} ({COLUMNS[column]}): {field[:20]!r} is not a "
                             f"number from 0 to {PIXEL_MAX:g}.")
        values.append(value)
    if not _DIGIT.fullmatch(fields[-1]):
        raise ValueError(f"Line {number}, column {len(COLUMNS)} (digit): {fields[-1][:20]!r} is not a digit "
                         "from 0 to 9.")
    return values, int(fields[-1])


def _decimal(thousandths: int) -> str:
    """A count in thousandths as the shortest exact decimal: 12345 -> "12.345", 16000 -> "16"."""
    whole, part = divmod(thousandths, STEPS)
    return f"{whole}.{part:03d}".rstrip("0").rstrip(".")
