"""Save a trained model as JSON and load it back, checking everything that arrives.

The file holds what it takes to use the model, to train it on, and to know what it is:
the format and its version, the task, the class labels and names, the hyperparameters
(every setting of the settings table but the task), the weights, the optimizer's state
(`lrviz.optimizers.SolverState`), and how it was trained. It is plain JSON (never
pickle: loading a file must not run code), and loading checks its size, structure,
version, shapes and numbers, so a malformed or foreign file gets a message that says
what is wrong.

Versions: 1 had no optimizer state and no solver settings (its models were trained by
full-batch gradient descent): such a file opens with the settings' defaults for those,
as plain gradient descent. 2 added the optimizer state. A hyperparameter missing from a
file takes its default (a setting's default is what lrviz did before it existed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from lrviz.data import IMAGE_SHAPE, TASK_CODE_EXAMPLES, Task
from lrviz.optimizers import OPTIMIZERS, Solver, SolverState
from lrviz.runs import Run
from lrviz.settings import SETTINGS, Settings, is_finite_number

FORMAT = "lrviz-model"
VERSION = 2
#: The hyperparameters a file holds: every setting but the task, which the file holds on its own.
HYPERPARAMETERS = tuple(name for name in SETTINGS if name != "task")
#: Updates and seeds beyond these are not from a run of lrviz.
MAX_UPDATES = 10**9
MAX_SEED = 2**32 - 1
#: A ten-digit model is about 15 KB; anything far larger is not one of ours.
MAX_BYTES = 200_000
N_FEATURES = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
#: Trained weights on pixels in [0, 1] stay far below this; larger ones would overflow the cost.
MAX_WEIGHT = 1e6


@dataclass(frozen=True)
class SavedModel:
    """What a model file holds, checked."""

    settings: Settings
    coef: np.ndarray
    intercept: np.ndarray
    iterations: int
    test_accuracy: float | None
    optimizer_state: SolverState


def model_to_json(run: Run) -> str:
    """The run's current model as the text of a model file."""
    if run.last is None:
        raise ValueError("This run has not trained yet: there is no model to save.")
    settings, model = run.settings, run.model
    document = {
        "format": FORMAT,
        "version": VERSION,
        "task": settings.task.code,
        "task_name": settings.task.name,
        "classes": model.classes_.tolist(),
        "class_names": list(settings.task.class_names),
        "hyperparameters": {name: _plain(getattr(settings, name)) for name in HYPERPARAMETERS},
        "trained_iterations": run.last.iteration,
        "test_accuracy": run.last.test_accuracy,
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "optimizer": _state_to_json(model.optimizer_state_),
    }
    return json.dumps(document, indent=1, allow_nan=False)


def _plain(value):
    """A setting's value as plain JSON: a solver's name as a string, NumPy numbers as Python's."""
    return value.item() if isinstance(value, np.generic) else str(value) if isinstance(value, str) else value


def _state_to_json(state: SolverState) -> dict:
    moments = {name: {"coef": W.tolist(), "intercept": b.tolist()} for name, (W, b) in state.moments.items()}
    return {"updates": state.updates, "shuffle_seed": state.shuffle_seed, **moments}


def model_from_json(content: str | bytes) -> SavedModel:
    """Read and check a model file; ValueError says what is wrong with it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > MAX_BYTES:
        raise ValueError(f"The file has {len(data):,} bytes; an lrviz model file has at most {MAX_BYTES:,}. "
                         "Is it the right file?")
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except ValueError as error:  # also UnicodeDecodeError, JSONDecodeError and NaN or Infinity
        raise ValueError(f"The file is not valid JSON ({_short(error)}); an lrviz model file is JSON.") from None
    except RecursionError:  # lists nested thousands deep
        raise ValueError("The file nests lists far too deep; it is not an lrviz model file.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"This is not an lrviz model file: it has no \"format\": \"{FORMAT}\".")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 1000:
        raise ValueError("The model file has no valid \"version\".")
    if version > VERSION:
        raise ValueError(f"The model file has format version {version}, made by a newer lrviz; "
                         f"this one reads version {VERSION}.")
    task = _field(document, "task", str, _task)
    hyper = _field(document, "hyperparameters", dict, lambda h: h)
    unknown = sorted(set(hyper) - set(HYPERPARAMETERS))
    if unknown:
        raise ValueError(f"The model file's hyperparameters include {str(unknown[0])[:40]!r}, which this lrviz "
                         "does not know.")
    try:
        settings = Settings(task=task, **hyper)
    except (ValueError, TypeError) as error:
        raise ValueError(f"The model file's hyperparameters are invalid: {error}") from None
    classes = list(range(10)) if task.all_ten else [0, 1]
    if document.get("classes") != classes:
        raise ValueError(f"The model file's classes do not fit its task '{task.name}' (expected {classes}).")
    if document.get("class_names") != list(task.class_names):  # which side is y = 1
        raise ValueError(f"The model file's class names do not fit its task '{task.name}' "
                         f"(expected {list(task.class_names)}).")
    neurons = 10 if task.all_ten else 1
    coef = _numbers(document.get("coef"), (neurons, N_FEATURES), "coef")
    intercept = _numbers(document.get("intercept"), (neurons,), "intercept")
    iterations = document.get("trained_iterations", 0)
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 0:
        raise ValueError("The model file's \"trained_iterations\" must be a whole number >= 0.")
    accuracy = document.get("test_accuracy")
    if accuracy is not None and not (isinstance(accuracy, (int, float)) and 0 <= accuracy <= 1):
        raise ValueError("The model file's \"test_accuracy\" must be a number between 0 and 1.")
    state = SolverState() if version == 1 else _state_from_json(document.get("optimizer"), settings, neurons)
    return SavedModel(settings, coef, intercept, iterations, accuracy, state)


def _state_from_json(value, settings: Settings, neurons: int) -> SolverState:
    """The optimizer state of a version 2 file: the updates, the shuffle seed and the solver's running arrays."""
    if not isinstance(value, dict):
        raise ValueError("The model file's \"optimizer\" is missing or not a group of named values.")
    moments = OPTIMIZERS[Solver(settings.solver)].moment_names
    unknown = sorted(set(value) - {"updates", "shuffle_seed", *moments})
    if unknown:
        raise ValueError(f"The model file's \"optimizer\" holds {str(unknown[0])[:40]!r}, which the solver "
                         f"{settings.solver!r} does not keep.")
    updates, seed = value.get("updates"), value.get("shuffle_seed")
    if not _whole(updates, MAX_UPDATES):
        raise ValueError(f"The model file's optimizer \"updates\" must be a whole number from 0 to {MAX_UPDATES}.")
    if seed is not None and not _whole(seed, MAX_SEED):
        raise ValueError(f"The model file's optimizer \"shuffle_seed\" must be null or a whole number from 0 to "
                         f"{MAX_SEED}.")
    arrays = {}
    for name in moments:
        pair = value.get(name)
        if not isinstance(pair, dict) or set(pair) != {"coef", "intercept"}:
            raise ValueError(f"The model file's optimizer \"{name}\" must hold its \"coef\" and \"intercept\".")
        arrays[name] = (_numbers(pair["coef"], (neurons, N_FEATURES), f"optimizer's {name} coef"),
                        _numbers(pair["intercept"], (neurons,), f"optimizer's {name} intercept"))
    if "second_moment" in arrays and any((part < 0).any() for part in arrays["second_moment"]):
        raise ValueError("The model file's optimizer \"second_moment\" holds negative numbers; a mean of squares "
                         "cannot be negative.")
    return SolverState(updates, seed, arrays)


def _whole(value, largest: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= largest


def run_from_saved(saved: SavedModel) -> Run:
    """A run that starts from the saved weights and optimizer state: ready to decide, and to train further."""
    run = Run(saved.settings, initial_weights=(saved.coef, saved.intercept),
              origin=f"loaded from a file (trained {saved.iterations} iterations)", prior_iterations=saved.iterations,
              initial_state=saved.optimizer_state)
    run.begin()
    return run


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _task(code: str) -> Task:
    try:
        return Task.parse(code)
    except ValueError:
        raise ValueError(f"not a task; expected {TASK_CODE_EXAMPLES}") from None


def _short(error: Exception) -> str:
    return str(error).split(":")[0][:80]


def _field(document: dict, name: str, kind: type, read):
    value = document.get(name)
    if not isinstance(value, kind):
        what = {str: "a text", dict: "a group of named values"}.get(kind, kind.__name__)
        raise ValueError(f"The model file's \"{name}\" is missing or not {what}.")
    try:
        return read(value)
    except ValueError as error:
        raise ValueError(f"The model file's \"{name}\" is invalid: {error}") from None


def _numbers(value, shape: tuple[int, ...], name: str) -> np.ndarray:
    """A nested list of finite numbers with exactly this shape."""
    def valid(item, depth):
        if depth == len(shape):
            return isinstance(item, (int, float)) and not isinstance(item, bool) and is_finite_number(item) \
                and abs(item) <= MAX_WEIGHT
        return isinstance(item, list) and len(item) == shape[depth] and all(valid(i, depth + 1) for i in item)

    if not valid(value, 0):
        raise ValueError(f"The model file's \"{name}\" must be {' x '.join(map(str, shape))} numbers "
                         f"for its task, each finite and at most {MAX_WEIGHT:g} in size.")
    return np.array(value, dtype=float)
