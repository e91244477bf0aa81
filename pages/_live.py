"""The live view of a run: progress, learning curve and weight maps, whole or frame by frame.

Every page that trains (Train, and Draw when it learns the user's handwriting) shows a run
the same way: `View.show` draws it whole; `View.train` drives the run's one training loop
(`Run.advance`) and sends frames that add the curve's new points and the current weights
to the charts already in the browser (pages/_chart.py), paced by `lrviz.live`. The loop
computes in turns with the other sessions' runs (pages/_turns.py).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lrviz import figures
from lrviz.data import Task
from lrviz.history import Curve
from lrviz.live import Frame, FramePacer, LiveFeed
from lrviz.runs import Run
from pages import _chart, _shared

#: Chart keys, inside the containers `learning_curve` and `weights` (tests and the class
#: benchmark find the charts by these containers' keys).
CURVE, WEIGHTS = "curve", "weight_maps"
#: The CPU time a run computes in one turn (at most: a frame due ends it sooner).
TURN_SECONDS = 0.02


def curve_slot():
    """The learning curve's place: a container keyed `learning_curve` holding the chart and the
    (hidden) live frames."""
    return st.container(key="learning_curve")


def weights_slot():
    """The weight maps' place: a container keyed `weights`."""
    return st.container(key="weights")


@dataclass
class View:
    """Where a run is shown: an `st.empty()` for the progress bar, the containers of
    `curve_slot` and `weights_slot`, and whether the cost axis is logarithmic."""

    progress: object
    curve: object
    weights: object
    log_y: bool = False

    def show(self, run: Run, *, base: str = "", final: bool = True) -> None:
        """The run whole. Drawn again in a later run of the page, the charts stay mounted and are
        updated in place; `base` names this drawing for the frames that follow it."""
        self._progress(run, training=not final)
        with self.curve:
            _shared.show(curve_figure(run, self.log_y, final), CURVE, base=base, description=curve_text(run))
        with self.weights:
            _shared.show(figures.weight_maps(run.last.coef, run.settings.task.class_names), WEIGHTS, base=base,
                         description=weights_text(run))

    def show_empty(self, task: Task, iterations: int) -> None:
        """The charts before training, so that training starts in a page that does not move."""
        with self.curve:
            _shared.show_static(CURVE, empty_curve, iterations, self.log_y)
        with self.weights:
            _shared.show_static(WEIGHTS, empty_weights, task.code)

    def train(self, run: Run, keep_going: Callable[[], bool], min_duration: float | None = None) -> None:
        """Advance the run to its target, sending frames by the wall clock, while `keep_going()`
        (asked before frames are sent: Stop, or leaving the page, ends it there). A short run is
        spread over `min_duration` seconds (default `lrviz.live.MIN_DURATION`): it computes at full
        speed, and its frames go to the browser together, each with the moment to show it."""
        base = secrets.token_hex(4)  # the charts drawn now; the frames below patch them
        if run.last is None:
            run.begin()
        self.show(run, base=base, final=False)
        with self.curve:
            feed_slot = st.container(key="live_feed")  # hidden (see the style sheet)
        pacer = FramePacer(run.iteration, run.target, min_duration=min_duration)
        feed = LiveFeed(len(run.curve), run.settings.task.class_names, mini_batch=run.mini_batches is not None)
        steps = run.advance()
        made: list[tuple[float, Frame]] = []  # frames made and not yet sent, with the moment each is due
        progress: list[tuple[float, int]] = []  # the progress line's updates to come: (moment, iteration)
        over = False
        while not over:
            over = _compute_turn(run, steps, pacer, feed, made)
            now = time.perf_counter()
            if made and (over or made[0][0] <= now):
                if not keep_going():  # (asked at frames only: reading the session's state is not free)
                    break
                _chart.feed([(max(0.0, moment - now), frame_patches(frame, base)) for moment, frame in made],
                            feed_slot)
                progress += [(moment, frame.iteration) for moment, frame in made if frame.progress]
                made.clear()
                pacer.drew(time.perf_counter() - now)
            while progress and (over or progress[0][0] <= time.perf_counter()):
                moment, iteration = progress.pop(0)
                time.sleep(max(0.0, moment - time.perf_counter()))  # (a run that is over waits for its frames)
                self._progress(run, training=True, iteration=iteration)
        # the charts' text alternatives now say where the run ended
        _chart.feed([(0.0, {CURVE: {"base": base, "text": curve_text(run)},
                            WEIGHTS: {"base": base, "text": weights_text(run)}})], feed_slot)
        self._progress(run)

    def _progress(self, run: Run, training: bool = False, iteration: int | None = None) -> None:
        if run.status == "loaded" and not training:
            self.progress.progress(0.0, text=f"A model loaded from a file, trained {run.prior_iterations} "
                                             "iterations: **Continue** trains it further, **Train** starts anew.")
            return
        iteration = run.iteration if iteration is None else iteration
        before = f" (after {run.prior_iterations} earlier ones)" if run.prior_iterations else ""
        self.progress.progress(min(1.0, iteration / max(run.target, 1)),
                               text=f"Iteration {iteration} of {run.target}{before}")


def _compute_turn(run: Run, steps, pacer: FramePacer, feed: LiveFeed, made: list) -> bool:
    """One turn at the CPU (in turns with the other sessions' runs): snapshots until a frame is due
    now or the turn's `TURN_SECONDS` are used. A frame due (now, or later: a run ahead of its
    schedule) is made at once and added to `made` with its moment. Returns whether the run is
    over. A turn spans several snapshots because a thread that waits between every two computes
    on cold caches."""
    with _shared.TRAINING_TURNS.turn():
        turn_began = time.thread_time()
        while True:
            began = time.thread_time()
            snapshot = next(steps, None)
            pacer.computed(time.thread_time() - began)
            if snapshot is None:
                return True
            last = snapshot.stop_reason is not None
            wait = pacer.frame_wait(snapshot.iteration, last=last)
            if wait is not None:
                moment = time.perf_counter() + wait
                made.append((moment, feed.frame(run.curve, snapshot.iteration, snapshot.coef, last=last, at=moment)))
                if wait == 0:
                    return False
            if time.thread_time() - turn_began >= TURN_SECONDS:
                return False


def frame_patches(frame: Frame, base: str) -> dict:
    """A frame as the chart component's patches: the curve's new points, the weight maps' new values."""
    patches = {CURVE: {"base": base, "extend": {"start": frame.curve_start, **frame.curve_points}}}
    if frame.weights is not None:
        patches[WEIGHTS] = {"base": base, "restyle": frame.weights}
    return patches


def train_in_turns(run: Run, report: Callable[[Run], None], every: float = 0.25) -> None:
    """Advance a run to its target without live charts (e.g. one of several compared), computing in
    turns with the other sessions' runs, and call `report(run)` about every `every` seconds and at
    the end (a progress bar: a click elsewhere on the page ends the training there)."""
    steps = run.advance()
    reported = time.perf_counter()
    while True:
        with _shared.TRAINING_TURNS.turn():
            began = time.thread_time()
            while (snapshot := next(steps, None)) is not None and time.thread_time() - began < TURN_SECONDS:
                pass
        if snapshot is None:
            break
        if time.perf_counter() - reported >= every:
            report(run)
            reported = time.perf_counter()
    report(run)


def curve_figure(run: Run, log_y: bool, final: bool) -> figures.Figure:
    """The learning curve as the pages show it: spanning the planned iterations while a run goes,
    and only those it ran once it has blown up (so that the blow-up fills the chart); with the
    noisy mini-batch cost and its trend for a run trained on mini-batches."""
    end = max(run.iteration, 1) if final and run.status == "diverged" else run.target
    return figures.learning_curve(run.curve, log_y=log_y, max_iteration=end, mini_batch=run.mini_batches is not None)


def weights_text(run: Run) -> str:
    """The weight maps in words, for screen readers."""
    return f"Weight maps of {run.settings.task.name} at iteration {run.iteration}."


def curve_text(run: Run) -> str:
    """The learning curve in words, for screen readers."""
    last = run.last
    if last is None:
        return "Learning curve: no training yet."
    first = run.curve.train_cost[0]
    test = f", test cost {last.test_cost:.4f}, test accuracy {last.test_accuracy:.1%}" if last.test_cost else ""
    return (f"Learning curve of {run.settings.task.name}: the train cost went from {first:.4f} to "
            f"{last.train_cost:.4f} in {last.iteration} iterations{test}.")


def empty_curve(iterations: int, log_y: bool) -> figures.Figure:
    """The learning curve before training (it never changes: see `_shared.show_static`)."""
    return figures.learning_curve(Curve(), log_y=log_y, max_iteration=iterations, with_test=True)


def empty_weights(task_code: str) -> figures.Figure:
    """The weight maps before training: all zero."""
    task = Task.parse(task_code)
    return figures.weight_maps(np.zeros((10 if task.all_ten else 1, 64)), task.class_names)
