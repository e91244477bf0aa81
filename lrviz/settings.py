"""Every setting of a run, declared once: the table that checks, links, files, labels and widgets follow.

`Settings` is a frozen dataclass, built by keyword and checked on creation. Each of its
fields is declared with `setting(...)`: its default, type and range (or choices), its
widget and help, its key in a link, the estimator parameter it sets, and its part of a
run's label. `SETTINGS` is that table, one `Setting` per field, in the order a page
shows them. From it come `Settings`' own checks, `Settings.label` and
`Settings.estimator()`, links (`lrviz.links`), model files (`lrviz.model_file`), and
the pages' widgets.

A setting added later needs a default that does what lrviz did before it existed, so
that links and model files made before still open unchanged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np

from lrviz.data import DEFAULT_TEST_SIZE, Task
from lrviz.model import INITS, LogisticRegressionGD
from lrviz.optimizers import Solver

_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_WHOLE = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: no "١" or "１"


class WidgetKind(StrEnum):
    """Which Streamlit widget sets a setting."""

    TASK = "task"  # lrviz's task picker: presets, or digits against digits or against the rest
    SEGMENTED_CONTROL = "segmented_control"  # a few named choices side by side
    RADIO = "radio"  # two or three named choices
    SELECT_SLIDER = "select_slider"  # one of `options`, on a scale
    NUMBER_INPUT = "number_input"  # any number in the setting's range, in steps of `step`


@dataclass(frozen=True)
class Widget:
    """What a page needs to draw a setting's widget.

    `options` are the values offered (the choices, or the stops of a select slider; a
    page adds the current value if it is not one of them); `step` and `format` are a
    number input's step and printf-style format (e.g. "%g").
    """

    kind: WidgetKind
    options: tuple = ()
    step: float | None = None
    format: str | None = None


@dataclass(frozen=True)
class Setting:
    """One setting of a run: what it is, which values it takes, and how it is shown and written.

    `kind` is the type of its values (float, int, str or Task); numbers lie in `range`
    (both ends included), texts are one of `choices`. Where None is a value, `none_text`
    is how a link writes it. `names` shows a value in words (e.g. "gd" as "gradient
    descent", None as "full batch"), `display` is the format of other values (e.g. ".0%").
    `estimator_param` is the `LogisticRegressionGD` parameter it sets (None: not the
    estimator's). `applies(settings)` says whether it matters given the other settings
    (momentum only for the momentum solver): a page may disable its widget otherwise.
    `label(settings)` is its part of a run's label, or None to leave it out.
    """

    name: str
    title: str
    help: str
    link_key: str
    default: Any
    kind: type
    widget: Widget
    range: tuple[float, float] | None = None
    choices: tuple[str, ...] = ()
    none_text: str | None = None
    names: Mapping[Any, str] = field(default_factory=dict)
    display: str = "g"
    estimator_param: str | None = None
    applies: Callable[[Settings], bool] = lambda settings: True
    label: Callable[[Settings], str | None] = lambda settings: None

    @property
    def noun(self) -> str:
        """The title as it reads inside a sentence: "learning rate", but "L2 strength"."""
        return self.title if self.title[1:2].isupper() or self.title[1:2].isdigit() else self.title.lower()

    def check(self, value) -> None:
        """Raise ValueError, with what is wrong, unless `value` is a valid value of this setting."""
        if value is None and self.none_text is not None:
            return
        if self.kind is Task:
            if not isinstance(value, Task):
                raise ValueError(f"The {self.noun} must be a Task; got {type(value).__name__}.")
        elif self.kind is str:
            if not (isinstance(value, str) and value in self.choices):
                raise ValueError(f"The {self.noun} must be {_alternatives(self.choices)}; got {str(value)[:20]!r}.")
        else:
            self._check_number(value)

    def _check_number(self, value) -> None:
        integer = self.kind is int
        kind = (int, np.integer) if integer else (int, float, np.integer, np.floating)
        low, high = self.range
        shown = str if integer else (lambda v: f"{v:g}")
        if isinstance(value, bool) or not isinstance(value, kind):
            what = "a whole number" if integer else "a number"
            raise ValueError(f"The {self.noun} must be {what}; got {str(value)[:20]!r}.")
        if not is_finite_number(value):
            if isinstance(value, int):  # finite, but beyond the range of floats
                raise ValueError(f"The {self.noun} must be between {shown(low)} and {shown(high)}; got a number "
                                 f"of {len(str(abs(value)))} digits.")
            raise ValueError(f"The {self.noun} must be a number; got {value!r}.")
        if not low <= value <= high:
            raise ValueError(f"The {self.noun} must be between {shown(low)} and {shown(high)}; got {shown(value)}.")

    def parse(self, text: str):
        """The value a link's text stands for (not yet range-checked); ValueError if it stands for none."""
        if self.none_text is not None and text == self.none_text:
            return None
        if self.kind is Task:
            return Task.parse(text)
        if self.kind is str:
            if text not in self.choices:
                raise ValueError(f"must be {_alternatives(self.choices)}")
            return text
        if self.kind is int:
            if not _WHOLE.fullmatch(text):
                raise ValueError("must be a whole number" + (f" or '{self.none_text}'" if self.none_text else ""))
            return int(text)
        if not _NUMBER.fullmatch(text):
            raise ValueError("must be a number")
        return float(text)

    def to_text(self, value) -> str:
        """The value as a link writes it: short, yet exact enough to give the value back."""
        if value is None:
            return self.none_text
        if self.kind is Task:
            return value.code
        if self.kind is float:
            return f"{value:.15g}"
        return str(value)

    def format(self, value) -> str:
        """The value as a page shows it, e.g. "0.05", "20%", "full batch", "gradient descent"."""
        if value in self.names:
            return self.names[value]
        if self.kind is Task:
            return value.name
        return format(value, self.display) if self.kind is not str else str(value)


def setting(default, *, title: str, help: str, link: str, widget: Widget, kind: type | None = None,
            estimator: str | None = None, **spec) -> Any:
    """Declare a field of `Settings` with everything the table needs about it (see `Setting`)."""
    kind = kind or type(default)
    entry = Setting(name="", title=title, help=help, link_key=link, default=default, kind=kind, widget=widget,
                    estimator_param=estimator, **spec)
    return field(default=default, metadata={"setting": entry})


def _alternatives(values) -> str:
    quoted = [repr(str(v)) for v in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def is_finite_number(value: float) -> bool:
    """Whether a number from outside (a link, a file) is finite; an int too large for a float
    is not (`math.isfinite` would raise OverflowError for it)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


SOLVER_NAMES = {Solver.GD: "gradient descent", Solver.MOMENTUM: "momentum", Solver.ADAM: "Adam",
                Solver.NEWTON: "Newton's method"}
#: The learning rates a slider offers: 1, 2 and 5 times the powers of ten from 1e-4 to 10.
LEARNING_RATES = tuple(m * 10.0**e for e in range(-4, 2) for m in (1, 2, 5) if m * 10.0**e <= 10)
#: A learning rate that suits each solver on the digits, to start a comparison from: gradient descent takes
#: large steps on this convex cost, momentum's steps add up to about ten of its learning rate, and Adam's
#: step is about its learning rate for every weight (Newton's method needs none).
SOLVER_LEARNING_RATES = {Solver.GD: 1.0, Solver.MOMENTUM: 0.1, Solver.ADAM: 0.01, Solver.NEWTON: None}
#: The momenta a slider offers: none (plain gradient descent) to nearly all of the last step.
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
#: The step decays a slider offers: none, then 1, 2 and 5 times the powers of ten from 1e-4 to 0.1.
DECAYS = (0.0,) + tuple(m * 10.0**e for e in range(-4, 0) for m in (1, 2, 5) if m * 10.0**e <= 0.1)
#: The batch sizes a slider offers, from one example to all of them (None).
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, None)
TEST_SHARES = tuple(round(0.05 * k, 2) for k in range(1, 11))


def _uses_learning_rate(settings: Settings) -> bool:
    return settings.solver != Solver.NEWTON


def _batch_label(settings: Settings) -> str | None:
    if settings.batch_size is None or settings.solver == Solver.NEWTON:
        return None
    return f"batch {settings.batch_size}" + (f" (seed {settings.seed})" if settings.init == "zeros" else "")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything that defines a run, each field a row of the settings table (`SETTINGS`).

    Built by keyword and checked on creation: a bad value raises ValueError saying which
    setting and why. `dataclasses.replace(settings, solver="adam")` gives a changed copy.
    """

    task: Task = setting(
        Task.versus([0], [1]), title="Digits to tell apart", link="task", widget=Widget(WidgetKind.TASK),
        help="Which digits the neuron learns to tell apart. 'custom': any digits against any others, or against "
             "all the rest.",
        label=lambda s: s.task.name)
    solver: str = setting(
        Solver.GD.value, title="Solver", link="solver", estimator="solver", choices=tuple(Solver), names=SOLVER_NAMES,
        widget=Widget(WidgetKind.SEGMENTED_CONTROL, options=tuple(Solver)),
        help="How each step is taken. Gradient descent: the gradient times the learning rate. Momentum: a velocity "
             "that keeps most of the last step. Adam: a step for each weight from running averages of its "
             "gradient. Newton: the curvature's step to the minimum, no learning rate needed.",
        label=lambda s: {Solver.ADAM: "Adam", Solver.NEWTON: "Newton"}.get(s.solver))
    learning_rate: float = setting(
        0.05, title="Learning rate", link="lr", estimator="learning_rate", range=(1e-4, 10.0),
        widget=Widget(WidgetKind.SELECT_SLIDER, options=LEARNING_RATES), applies=_uses_learning_rate,
        help="Step size (log scale). Too small: slow. Too large: the cost jumps around or blows up. "
             "Newton's method sets its own.",
        label=lambda s: f"lr {s.learning_rate:g}" if _uses_learning_rate(s) else None)
    momentum: float = setting(
        0.9, title="Momentum", link="momentum", estimator="momentum", range=(0.0, 0.99),
        widget=Widget(WidgetKind.SELECT_SLIDER, options=MOMENTA),
        applies=lambda s: s.solver == Solver.MOMENTUM,
        help="How much of the last step each step keeps (the momentum solver): 0 is plain gradient descent, "
             "0.9 is usual.",
        label=lambda s: f"momentum {s.momentum:g}" if s.solver == Solver.MOMENTUM else None)
    lr_decay: float = setting(
        0.0, title="Step decay", link="decay", estimator="lr_decay", range=(0.0, 1.0),
        widget=Widget(WidgetKind.SELECT_SLIDER, options=DECAYS), applies=_uses_learning_rate,
        help="Shrinks the step as training goes on: update k uses learning rate / (1 + decay·k), so 0.001 halves "
             "it after 1000 updates. 0 keeps it constant. Mini-batches need a decay to settle at the minimum.",
        label=lambda s: f"decay {s.lr_decay:g}" if s.lr_decay and _uses_learning_rate(s) else None)
    batch_size: int | None = setting(
        None, kind=int, title="Batch size", link="batch", estimator="batch_size", range=(1, 2048), none_text="full",
        names={None: "full batch"}, display="d", widget=Widget(WidgetKind.SELECT_SLIDER, options=BATCH_SIZES),
        applies=_uses_learning_rate,
        help="How many examples each update averages its gradient over, shuffled every pass. Full batch: all of "
             "them, the smooth path. Small batches: cheap, noisy steps. Newton's method always uses all.",
        label=_batch_label)
    iterations: int = setting(
        1000, title="Iterations", link="iters", estimator="max_iter", range=(1, 50_000), display="d",
        widget=Widget(WidgetKind.NUMBER_INPUT, step=100),
        help="How many updates a press of Train makes.",
        label=lambda s: f"{s.iterations} it")
    l2: float = setting(
        0.0, title="L2 strength", link="l2", estimator="l2", range=(0.0, 10.0),
        widget=Widget(WidgetKind.NUMBER_INPUT, step=0.001, format="%g"),
        help="Penalty l2/2·‖w‖² on large weights: smoother weight maps, less overfitting.",
        label=lambda s: f"L2 {s.l2:g}")
    init: str = setting(
        "zeros", title="Initial weights", link="init", estimator="init", choices=INITS,
        widget=Widget(WidgetKind.RADIO, options=INITS),
        help="zeros: the tutorial's start. random: small random weights from a seed.",
        label=lambda s: "zeros" if s.init == "zeros" else f"random (seed {s.seed})")
    seed: int = setting(
        0, title="Seed", link="seed", estimator="random_state", range=(0, 2**31 - 1), display="d",
        widget=Widget(WidgetKind.NUMBER_INPUT, step=1),
        applies=lambda s: s.init == "random" or (s.batch_size is not None and _uses_learning_rate(s)),
        help="Seed of the random initial weights and of the mini-batches' order: the same seed, the same run.")
    test_size: float = setting(
        DEFAULT_TEST_SIZE, title="Test share", link="test", range=(0.05, 0.5), display=".0%",
        widget=Widget(WidgetKind.SELECT_SLIDER, options=TEST_SHARES),
        help="Share of the examples held out to test the model on digits it never trained on.",
        label=lambda s: f"test {s.test_size:g}")

    def __post_init__(self) -> None:
        for entry in SETTINGS.values():
            entry.check(getattr(self, entry.name))

    @property
    def label(self) -> str:
        """A short human-readable summary, e.g. "0 vs 1 · lr 0.05 · 1000 it · L2 0 · zeros · test 0.2"."""
        return " · ".join(part for entry in SETTINGS.values() if (part := entry.label(self)))

    def estimator(self) -> LogisticRegressionGD:
        """A fresh, untrained estimator with these hyperparameters."""
        return LogisticRegressionGD(**{entry.estimator_param: getattr(self, entry.name)
                                       for entry in SETTINGS.values() if entry.estimator_param})


#: The settings table: one `Setting` per field of `Settings`, by name, in the order a page shows them.
SETTINGS: Mapping[str, Setting] = MappingProxyType(
    {f.name: replace(f.metadata["setting"], name=f.name) for f in fields(Settings)})
