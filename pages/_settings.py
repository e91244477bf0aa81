"""The settings' widgets, drawn from the settings table (`lrviz.settings.SETTINGS`).

One loop over the table draws every hyperparameter's widget, reads the widgets back into
`Settings` and puts settings (a link's, a loaded model's) into the widgets: a setting
added to the table gets its widget here without a line of code. A widget's key is the
setting's link key (`lr`, `iters`, `solver`, `batch`, ...), so the address, the tests and
the class benchmark all name a setting the same way. The task has its own picker (the
Train page's `task_picker`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from lrviz.data import Task
from lrviz.settings import SETTINGS, Setting, Settings, WidgetKind

#: The settings that have a widget of their own here: every one but the task, in the table's order.
HYPERPARAMETERS: tuple[Setting, ...] = tuple(entry for entry in SETTINGS.values()
                                             if entry.widget.kind != WidgetKind.TASK)


def widget_key(entry: Setting) -> str:
    """The key of a setting's widget: its link key."""
    return entry.link_key


def to_widget(entry: Setting, value) -> Any:
    """A setting's value as its widget holds it: of the setting's plain type (a solver as its name,
    a float as a float), and None (the full batch) as a link writes it."""
    return entry.none_text if value is None else entry.kind(value)


def from_widget(entry: Setting, value) -> Any:
    """A widget's value as the setting's (the inverse of `to_widget`), of the setting's type."""
    if entry.none_text is not None and value == entry.none_text:
        return None
    return entry.kind(value)


def options(entry: Setting, current=None) -> list:
    """The values a setting's choice widget offers, as the widget holds them; a slider also offers
    `current` when it is not one of its stops (a value from a link), in order."""
    values = list(entry.widget.options or entry.choices)
    if entry.widget.kind == WidgetKind.SELECT_SLIDER and current is not None:
        value = from_widget(entry, current)
        values = sorted(set(values) | {value}, key=lambda v: (v is None, v))  # None (the full batch) last
    return [to_widget(entry, value) for value in values]


def set_defaults() -> None:
    """Give every widget its setting's default, once per session (before it is first drawn)."""
    for entry in HYPERPARAMETERS:
        st.session_state.setdefault(widget_key(entry), to_widget(entry, entry.default))


def put(settings: Settings) -> None:
    """Put these settings into the widgets (only before they are drawn in a run)."""
    st.session_state.update({widget_key(entry): to_widget(entry, getattr(settings, entry.name))
                             for entry in HYPERPARAMETERS})


def read(task: Task, state: Mapping | None = None) -> tuple[Settings | None, str | None]:
    """The settings the widgets hold, with `task`: (settings, None), or (None, what is wrong)."""
    state = st.session_state if state is None else state
    try:
        return Settings(task=task, **{entry.name: from_widget(entry, state[widget_key(entry)])
                                      for entry in HYPERPARAMETERS}), None
    except (ValueError, TypeError) as error:
        return None, str(error)


def draw(entry: Setting, *, container=None, disabled: bool = False, key: str | None = None,
         label: str | None = None, persist: bool = True) -> Any:
    """Draw one setting's widget (in `container`, default the page) and return its value as the widget
    holds it. `key` and `label` default to the setting's own; `persist` keeps the value while
    another page is shown."""
    where = container if container is not None else st
    key = key or widget_key(entry)
    kind = entry.widget.kind
    common = dict(key=key, help=entry.help, disabled=disabled)
    if persist:
        common["persist_state"] = "session"
    label = label or entry.title
    shown: Callable[[Any], str] = lambda value: entry.format(from_widget(entry, value))  # noqa: E731
    if kind == WidgetKind.SELECT_SLIDER:
        return where.select_slider(label, options(entry, st.session_state.get(key)), format_func=shown, **common)
    if kind == WidgetKind.SEGMENTED_CONTROL:
        return where.segmented_control(label, options(entry), format_func=shown, required=True, **common)
    if kind == WidgetKind.RADIO:
        return where.radio(label, options(entry), format_func=shown, horizontal=True, **common)
    if kind == WidgetKind.NUMBER_INPUT:
        low, high = entry.range
        number = entry.kind
        return where.number_input(label, min_value=number(low), max_value=number(high),
                                  step=number(entry.widget.step or 1), format=entry.widget.format, **common)
    raise ValueError(f"The settings' widgets cannot draw a {kind} widget.")


def draw_all(settings: Settings | None, notes: Mapping[str, Callable[[Settings], str]] | None = None) -> None:
    """Every hyperparameter's widget, in the table's order: a segmented control on a row of its own,
    the others two to a row. A widget whose setting does not apply to `settings` (momentum for
    another solver) is disabled; `notes[name](settings)` is a line of help under that widget."""
    notes = notes or {}
    row: list = []
    for entry in HYPERPARAMETERS:
        if entry.widget.kind == WidgetKind.SEGMENTED_CONTROL:
            where, row = st.container(), []
        else:
            if not row:
                row = list(st.columns(2))
            where = row.pop(0)
        draw(entry, container=where, disabled=settings is not None and not entry.applies(settings))
        if settings is not None and entry.name in notes:
            where.caption(notes[entry.name](settings))
