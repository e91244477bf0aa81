"""Settings in a link: the query part of the app's address, read and written safely.

A link such as `?task=38v5&lr=0.5&iters=200` restores every setting it names. Anything
in a link may be hostile or mistyped, so each value is checked on its own: a bad value
falls back to the default and is reported by the name of its parameter and the reason,
never by echoing the text that arrived.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from lrviz.data import TASK_CODE_EXAMPLES
from lrviz.settings import SETTINGS, Settings

#: Longer values are never valid; they are rejected before any parsing.
MAX_VALUE_LENGTH = 40


@dataclass(frozen=True)
class Ignored:
    """A query value that was not used: the parameter's name and why (never the value itself)."""

    parameter: str
    reason: str

    def __str__(self) -> str:
        return f"{self.parameter}: {self.reason}"


def settings_to_query(settings: Settings) -> dict[str, str]:
    """The query parameters that restore `settings`: every setting, by its link key, in the table's order."""
    return {entry.link_key: entry.to_text(getattr(settings, entry.name)) for entry in SETTINGS.values()}


def settings_from_query(query: Mapping[str, str | list[str]],
                        defaults: Settings | None = None) -> tuple[Settings, list[Ignored]]:
    """Settings from a link's query: named values where valid, `defaults` elsewhere.

    Returns the settings and the values it ignored. Parameters it does not know are
    left alone (other parts of the app may use them). A link made before a setting
    existed gives it its default: links without a solver open as plain gradient descent.
    """
    settings = defaults or Settings()
    ignored = []
    for entry in SETTINGS.values():
        if entry.link_key not in query:
            continue
        raw = query[entry.link_key]
        if isinstance(raw, (list, tuple)):  # a parameter given twice: the last one counts
            raw = raw[-1] if raw else ""
        try:
            text = str(raw).strip()
            if len(text) > MAX_VALUE_LENGTH:
                raise ValueError(f"longer than {MAX_VALUE_LENGTH} characters")
            settings = replace(settings, **{entry.name: entry.parse(text)})  # checked with the others
        except ValueError as error:
            ignored.append(Ignored(entry.link_key, _reason(error)))
    return settings, ignored


def _reason(error: ValueError) -> str:
    """The error's explanation without the text that arrived (the core's messages end in "got …")."""
    message = str(error)
    if "is not a task code" in message:  # that message starts with the code itself
        return f"not a task; expected {TASK_CODE_EXAMPLES}"
    reason = re.sub(r"\s*;?\s*got .*$", "", message, flags=re.DOTALL).rstrip(". ")
    return re.sub(r"^The ", "the ", reason)  # read after "lr: "
