"""The ready model: the ten-digit model a first-time visitor draws for, and how it is made.

It learns all ten digits with `lrviz.runs.ready_settings()` (learning rate 1.0, 2000
iterations from zero weights) from the digits stood upright (`lrviz.slant`), as
`canvas_to_digit` stands every drawing upright. Of digits written by people the
training digits never saw, the Draw page then reads 0.82 instead of 0.63
(bench/bench_handwriting.py); of the digits' own test set, the ready model reads
96.4 % (96.9 % when trained on the raw digits).

Its weights ship with lrviz as a model file (`ready_model.json`, written by
`scripts/build_ready_model.py`; a test checks that training gives them again), so a
server has it at once: training it takes one to three seconds of CPU, which every
worker of a class's server would otherwise spend while its first students arrive.

`ready_data(extra)` is also what the Draw page learns a user's drawings from: the same
recipe with the drawings added (see `lrviz.learn`).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import numpy as np

from lrviz.data import DEFAULT_SPLIT_SEED, Task, TaskData, load_task
from lrviz.model_file import model_from_json
from lrviz.runs import Run, ready_settings
from lrviz.slant import upright_digits


def ready_data(extra: tuple | None = None) -> TaskData:
    """The ready model's split: all ten digits, stood upright, plus the user's drawings.

    The split is `load_task`'s (the same digits in training and test); the digits' own
    rows, training and test, are stood upright, the drawings (already upright from
    `canvas_to_digit`) are used as they are. See `load_task` for `extra=(X, digits)`.
    """
    settings = ready_settings()
    data = load_task(settings.task, settings.test_size, DEFAULT_SPLIT_SEED, extra=extra)
    upright_train, upright_test = _upright_split(settings.test_size)
    X_train = np.concatenate([upright_train, data.X_train[len(upright_train):]])
    X_train.flags.writeable = False
    return dataclasses.replace(data, X_train=X_train, X_test=upright_test)


#: The shipped ready model (see the module's docstring).
MODEL_FILE = Path(__file__).with_name("ready_model.json")


def train_ready_run() -> Run:
    """The ready model's run, untrained: drive `run.advance()` to its end to train it (what
    `scripts/build_ready_model.py` does to write MODEL_FILE)."""
    return Run(ready_settings(), data=ready_data())


def ready_run() -> Run:
    """The ready model, trained: its shipped weights on the ready split, at once. Its status is
    "loaded" and it does not train further (`advance` yields nothing); `total_iterations` says
    how long it was trained."""
    saved = model_from_json(MODEL_FILE.read_bytes())
    if saved.settings != ready_settings():
        raise ValueError(f"{MODEL_FILE.name} was made with other settings than the ready model's; rebuild it with "
                         "python scripts/build_ready_model.py.")
    run = Run(saved.settings, data=ready_data(), initial_weights=(saved.coef, saved.intercept),
              prior_iterations=saved.iterations, initial_state=saved.optimizer_state)
    run.begin()
    run.target = 0
    return run


@lru_cache(maxsize=2)
def _upright_split(test_size: float) -> tuple[np.ndarray, np.ndarray]:
    """The digits' training and test rows of the ready split, stood upright (computed once)."""
    data = load_task(Task.all_digits(), test_size, DEFAULT_SPLIT_SEED)
    parts = upright_digits(data.X_train), upright_digits(data.X_test)
    for part in parts:
        part.flags.writeable = False
    return parts
