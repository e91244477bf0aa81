"""Settings in a link: the query part of the app's address, read and written safely.

A link such as `?task=38v5&lr=0.5&iters=200` restores every setting it names. Anything
in a link may be hostile or mistyped, so each value is checked on its own: a bad value
falls back to the default and is reported by the name of its parameter and the reason,
never by echoing the text that arrived.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from lrviz.data import TASK_CODE_EXAMPLES, Task
from lrviz.model import INITS
from lrviz.runs import Settings

#: Query parameter -> Settings field.
PARAMETERS = {"task": "task", "lr": "learning_rate", "iters": "iterations", "l2": "l2", "init": "init",
              "seed": "seed", "test": "test_size"}
#: Longer values are never valid; they are rejected before any parsing.
MAX_VALUE_LENGTH = 40
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_WHOLE = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: no "١" or "１"


@dataclass(frozen=True)
class Ignored:
    """A query value that was not used: the parameter's name and why (never the value itself)."""

    parameter: str
    reason: str

    def __str__(self) -> str:
        return f"{self.parameter}: {self.reason}"


def settings_to_query(settings: Settings) -> dict[str, str]:
    """The query parameters that restore `settings`, in a stable order."""
    return {
        "task": settings.task.code,
        "lr": _number(settings.learning_rate),
        "iters": str(settings.iterations),
        "l2": _number(settings.l2),
        "init": settings.init,
        "seed": str(settings.seed),
        "test": _number(settings.test_size),
    }


def _number(value: float) -> str:
    """Short, yet exact enough that the link gives back the value: 0.05, 1, 0.0012345678."""
    return f"{value:.15g}"


def settings_from_query(query: Mapping[str, str | list[str]],
                        defaults: Settings | None = None) -> tuple[Settings, list[Ignored]]:
    """Settings from a link's query: named values where valid, `defaults` elsewhere.

    Returns the settings and the values it ignored. Parameters it does not know are
    left alone (other parts of the app may use them).
    """
    defaults = defaults or Settings()
    values = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    ignored = []
    for parameter, field in PARAMETERS.items():
        if parameter not in query:
            continue
        raw = query[parameter]
        if isinstance(raw, (list, tuple)):  # a parameter given twice: the last one counts
            raw = raw[-1] if raw else ""
        try:
            value = _parse(field, str(raw))
            values[field] = value
            Settings(**values)  # the value must also fit with the others (ranges, task)
        except ValueError as error:
            values[field] = getattr(defaults, field)
            ignored.append(Ignored(parameter, _reason(error)))
    return Settings(**values), ignored


def _parse(field: str, text: str):
    text = text.strip()
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueError(f"longer than {MAX_VALUE_LENGTH} characters")
    if field == "task":
        return Task.parse(text)
    if field == "init":
        if text not in INITS:
            raise ValueError(f"must be {' or '.join(map(repr, INITS))}")
        return text
    if field in ("iterations", "seed"):
        if not _WHOLE.fullmatch(text):
            raise ValueError("must be a whole number")
        return int(text)
    if not _NUMBER.fullmatch(text):
        raise ValueError("must be a number")
    return float(text)


def _reason(error: ValueError) -> str:
    """The error's explanation without the text that arrived (the core's messages end in "got …")."""
    message = str(error)
    if "is not a task code" in message:  # that message starts with the code itself
        return f"not a task; expected {TASK_CODE_EXAMPLES}"
    reason = re.sub(r"\s*;?\s*got .*$", "", message, flags=re.DOTALL).rstrip(". ")
    return re.sub(r"^The ", "the ", reason)  # read after "lr: "
