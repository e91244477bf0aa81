"""Train: choose digits and hyperparameters, press Train, watch the neuron learn."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lrviz import figures
from lrviz.data import Task, TaskData
from lrviz.links import settings_from_query, settings_to_query
from lrviz.model import INITS
from lrviz.model_file import model_from_json, model_to_json, run_from_saved
from lrviz.runs import Run
from lrviz.settings import SETTINGS, Settings
from pages import _live, _shared

LEARNING_RATE_RANGE, ITERATIONS_RANGE, L2_RANGE, SEED_RANGE = (
    SETTINGS[name].range for name in ("learning_rate", "iterations", "l2", "seed"))

PRESETS = {"0 vs 1": "0v1", "2 vs rest": "2vrest", "all ten": "all", "custom": None}
LEARNING_RATES = [m * 10.0**e for e in range(-4, 2) for m in (1, 2, 5)]
LEARNING_RATES = [lr for lr in LEARNING_RATES if LEARNING_RATE_RANGE[0] <= lr <= LEARNING_RATE_RANGE[1]]
TEST_SHARES = [round(0.05 * k, 2) for k in range(1, 11)]
DIGIT_OPTIONS = list(range(10))
SETTINGS = "train_settings"  # session key: (Settings or None, problem) from the widgets, for the live panel
LINK_READ = "link_read"  # session key: the link's query was applied (once per browser session)
LINK_IGNORED = "link_ignored"  # session key: what the link had that was not used
PENDING_SETTINGS = "pending_settings"  # session key: settings the widgets take at the next run (a loaded model's)
START_FROM = "start_from"  # widget key: initial weights of a new run
WITH_DRAWINGS = "with_drawings"  # widget key: "my drawings" join the training set
DEFAULTS = Settings()


# -- settings ---------------------------------------------------------------------------------

def apply_link() -> None:
    """Once per session: the settings in the address (a shared link) become the widgets' values."""
    if st.session_state.get(LINK_READ):
        return
    st.session_state[LINK_READ] = True
    if not any(key in st.query_params for key in settings_to_query(DEFAULTS)):
        return
    settings, ignored = settings_from_query(st.query_params.to_dict())
    st.session_state[LINK_IGNORED] = [str(item) for item in ignored]
    set_widgets(settings)


def apply_pending_settings() -> None:
    """Settings left for this run (a loaded model's) become the widgets' values."""
    pending = st.session_state.pop(PENDING_SETTINGS, None)
    if pending is not None:
        set_widgets(pending)


def set_widgets(settings: Settings) -> None:
    """Give the settings widgets these values; only before they are drawn in a run."""
    task = settings.task
    preset = next((name for name, code in PRESETS.items() if code == task.code), "custom")
    st.session_state.update({
        "task_preset": preset, "task_left": list(task.left) if not task.all_ten else [3, 8],
        "task_right": list(task.right or []) or [5], "task_rest": task.right is None and not task.all_ten,
        "lr": settings.learning_rate, "iters": settings.iterations, "l2": settings.l2, "init": settings.init,
        "seed": settings.seed, "test": settings.test_size,
    })


def _default(key: str, value) -> None:
    """Give a widget its first value, once per session."""
    st.session_state.setdefault(key, value)


def task_picker() -> tuple[Task | None, str | None]:
    """The task widgets; returns (task, None) or (None, what is wrong with the choice)."""
    _default("task_preset", "0 vs 1")
    _default("task_left", [3, 8])
    _default("task_right", [5])
    _default("task_rest", False)
    preset = st.segmented_control("Digits to tell apart", list(PRESETS), key="task_preset",
                                  persist_state="session", required=True,
                                  help="Which digits the neuron learns to tell apart. 'custom': any digits "
                                       "against any others, or against all the rest.")
    if PRESETS.get(preset):
        return Task.parse(PRESETS[preset]), None
    left = st.multiselect("These digits…", DIGIT_OPTIONS, key="task_left", persist_state="session",
                          placeholder="Pick digits",
                          help="One side of the task. Against all the other digits, these are the neuron's 'yes' "
                               "(y = 1).")
    rest = st.toggle("…against all the other digits", key="task_rest", persist_state="session")
    right = st.multiselect("…against these digits", DIGIT_OPTIONS, key="task_right", persist_state="session",
                           disabled=rest, placeholder="Pick digits",
                           help="The other side: the neuron's 'yes' (y = 1; a is the probability of these), as "
                                "the 1 is in the tutorial's 0 vs 1.")
    try:
        return (Task.versus_rest(left) if rest else Task.versus(left, right)), None
    except ValueError as error:
        return None, str(error)


def hyperparameters(task: Task, show: bool = True) -> tuple[Settings | None, str | None]:
    """The hyperparameter widgets (or, when hidden, their last values); returns (settings, None)
    or (None, what is wrong)."""
    _default("lr", DEFAULTS.learning_rate)
    _default("iters", DEFAULTS.iterations)
    _default("l2", DEFAULTS.l2)
    _default("init", DEFAULTS.init)
    _default("seed", DEFAULTS.seed)
    _default("test", DEFAULTS.test_size)
    if show:
        hyperparameter_widgets()
    state = st.session_state  # the widgets' values, shown or not
    try:
        settings = Settings(task=task, learning_rate=float(state.lr), iterations=int(state.iters),
                            l2=float(state.l2), init=state.init, seed=int(state.seed), test_size=float(state.test))
    except ValueError as error:
        return None, str(error)
    if not show:
        st.caption(f"{settings.label}.", help="Presentation mode shows only the essential controls; switch it off "
                   "in the sidebar to change the other settings.")
    return settings, None


def hyperparameter_widgets() -> None:
    """Learning rate, iterations, L2, initialisation, seed and test share, each with a line of help."""
    a, b = st.columns(2)
    a.select_slider("Learning rate", sorted(set(LEARNING_RATES) | {st.session_state.lr}), key="lr",
                    persist_state="session", format_func=lambda v: f"{v:g}",
                    help="Step size of gradient descent (log scale). Too small: slow. Too large: the cost "
                         "jumps around or blows up.")
    b.number_input("Iterations", min_value=ITERATIONS_RANGE[0], max_value=ITERATIONS_RANGE[1], step=100,
                   key="iters", persist_state="session",
                   help="How many gradient-descent updates a press of Train makes.")
    c, d = st.columns(2)
    c.number_input("L2 strength", min_value=L2_RANGE[0], max_value=L2_RANGE[1], step=0.001, format="%g",
                   key="l2", persist_state="session",
                   help="Penalty l2/2·‖w‖² on large weights: smoother weight maps, less overfitting.")
    init = d.radio("Initial weights", list(INITS), key="init", persist_state="session", horizontal=True,
                   help="zeros: the tutorial's start. random: small random weights from a seed.")
    e, f = st.columns(2)
    e.number_input("Seed", min_value=SEED_RANGE[0], max_value=SEED_RANGE[1], step=1, key="seed",
                   persist_state="session", disabled=init != "random",
                   help="Seed of the random initial weights: the same seed gives the same start.")
    f.select_slider("Test share", sorted(set(TEST_SHARES) | {st.session_state.test}), key="test",
                    persist_state="session", format_func=lambda v: f"{v:.0%}",
                    help="Share of the examples held out to test the model on digits it never trained on.")


def start_from(settings: Settings | None) -> Run | None:
    """Which weights a new run starts from: its own initialisation, or an earlier run's start."""
    if settings is None:
        return None
    compatible = [run for run in _shared.history() if run.settings.task == settings.task and run.start]
    if not compatible:
        return None
    by_name = {"the initial weights chosen above": None} | {_shared.run_name(run): run for run in compatible}
    if st.session_state.get(START_FROM) not in by_name:
        st.session_state[START_FROM] = next(iter(by_name))
    choice = st.selectbox("Start a new run from", list(by_name), key=START_FROM,
                          help="Start from exactly the same weights as an earlier run of this task, so that a "
                               "comparison changes one thing only.")
    return by_name[choice]


def show_examples(task: Task) -> None:
    """A row of example images for each side of the task, with how many examples each has."""
    if task.all_ten:
        rows = _shared.task_examples(task.code, 1)
        images = np.concatenate([images for _, _, images in rows])
        st.caption("One example of each digit, with how many examples of it there are:")
        _shared.show(figures.digit_row(images, [f"{name}: {count}" for name, count, _ in rows], columns=5),
                     "examples_all")
        return
    for name, count, images in _shared.task_examples(task.code, 10):
        st.caption(f"**{name}**: {count} examples")
        _shared.show(figures.digit_row(images, height=60), f"examples_{name}")


def my_drawings(task: Task) -> None:
    """"My drawings" (those kept on the Draw page) for a task that uses their digits: a toggle, and
    a row of the drawings it adds to the training set."""
    drawings = _shared.drawings()
    used = task.labels(drawings.digits)[0]
    if not used.any():
        return
    st.toggle(f"Add my drawings ({used.sum()} of these digits)", key=WITH_DRAWINGS, persist_state="session",
              help="The drawings you kept on the Draw page join the training set (each counts as a few digits); "
                   "the test set stays the digits' own, so accuracies compare with runs without them.")
    if st.session_state.get(WITH_DRAWINGS):
        shown = used.nonzero()[0][-10:]
        st.caption(f"**My drawings**: {used.sum()} join the training set"
                   + (f" (the latest {len(shown)} shown)" if len(shown) < used.sum() else ""))
        _shared.show(figures.gallery(drawings.images[shown], [str(d) for d in drawings.digits[shown]], columns=10,
                                     row_height=42), "examples_drawings")


def training_data(settings: Settings) -> TaskData:
    """The split a new run trains on: the task's, with "my drawings" when they are added."""
    drawings = _shared.drawings()
    if st.session_state.get(WITH_DRAWINGS) and settings.task.labels(drawings.digits)[0].any():
        return _shared.task_data_with(settings.task.code, settings.test_size, drawings)
    return _shared.task_data(settings.task.code, settings.test_size)


def model_file(run: Run | None) -> None:
    """Download the current model as JSON, or load one to use here and on the Draw page."""
    with st.expander("Save or load a model", icon=":material/save:"):
        if run is not None and run.last is not None:
            st.download_button("Download this model (JSON)", model_to_json(run), key="save_model",
                               file_name=f"lrviz-{run.settings.task.code}-{run.last.iteration}it.json",
                               mime="application/json", icon=":material/download:",
                               help="Weights, classes, task and hyperparameters, as plain JSON.")
        else:
            st.caption("Train a model to download it.")
        upload = st.file_uploader("Load a model file", type=["json"], key="load_model",
                                  help="A file downloaded from lrviz. It replaces the current model.")
        if upload is not None and st.session_state.get("loaded_file") != upload.file_id:
            st.session_state["loaded_file"] = upload.file_id
            try:
                loaded = run_from_saved(model_from_json(upload.getvalue()))
            except ValueError as error:
                st.session_state["load_error"] = str(error)
            else:
                st.session_state.pop("load_error", None)
                st.session_state[_shared.RUN_KEY] = loaded
                st.session_state[_shared.TRAINING_KEY] = False
                st.session_state[PENDING_SETTINGS] = loaded.settings  # the widgets show the model's settings
                _shared.remember(loaded)
                st.rerun()
        if st.session_state.get("load_error"):
            st.error(f"That file could not be loaded. {st.session_state['load_error']}", icon=":material/error:")


# -- buttons -------------------------------------------------------------------------------

def start(settings: Settings, initial: Run | None) -> None:
    weights = None
    origin = None
    if initial is not None:
        first = initial.start
        weights, origin = (first.coef, first.intercept), f"from the start of {_shared.run_name(initial)}"
    run = Run(settings, training_data(settings), initial_weights=weights, origin=origin)
    st.session_state[_shared.RUN_KEY] = run
    st.session_state[_shared.TRAINING_KEY] = True
    _shared.remember(run)  # now: a run that is stopped, or left for another page, is kept too
    st.session_state.pop(LINK_IGNORED, None)


def stop() -> None:
    st.session_state[_shared.TRAINING_KEY] = False


def go_on() -> None:
    run = _shared.current_run()
    if run.status == "finished":
        run.extend()
    st.session_state[_shared.TRAINING_KEY] = True


def reset() -> None:
    st.session_state[_shared.RUN_KEY] = None
    st.session_state[_shared.TRAINING_KEY] = False


def buttons(settings: Settings | None, initial: Run | None, run: Run | None, training: bool) -> None:
    """Train and Stop; Continue and Reset too, but not in presentation mode."""
    cols = st.columns(2 if _shared.presenting() else 4, gap="xsmall")
    cols[0].button("Train", key="train", type="primary", icon=":material/play_arrow:", on_click=start,
                   args=(settings, initial), disabled=settings is None or training, width="stretch",
                   help="Start a new run from the initial weights with these settings.")
    cols[1].button("Stop", key="stop", icon=":material/stop:", on_click=stop, disabled=not training,
                   width="stretch", help="Stop at the next snapshot and keep the model as it is.")
    if _shared.presenting():
        return
    can_go_on = run is not None and run.status in ("loaded", "stopped", "finished") and not training
    cols[2].button("Continue", key="continue", icon=":material/fast_forward:", on_click=go_on,
                   disabled=not can_go_on, width="stretch",
                   help="Train further from where the run stopped (another round of iterations once finished).")
    cols[3].button("Reset", key="reset", icon=":material/restart_alt:", on_click=reset,
                   disabled=run is None, width="stretch", help="Forget the current run (it stays on Explore).")


# -- results ---------------------------------------------------------------------------------

def results(run: Run) -> None:
    """What a finished or stopped run shows below the live charts."""
    last, task, settings = run.last, run.settings.task, run.settings
    if run.status == "diverged":
        st.error(
            f"**Training diverged.** With learning rate {settings.learning_rate:g} each step overshot the "
            f"minimum by more than it gained, so the cost grew instead of falling (up to "
            f"{run.peak_cost:.3g}) and training stopped at iteration {last.iteration}. "
            f"Try a learning rate of {settings.learning_rate / 10:g}, ten times smaller"
            + (f", or a weaker L2 strength than {settings.l2:g}." if settings.l2 else ".")
        )
        return
    if run.origin:
        st.caption(f"This run started {run.origin}.")
    a, b, c = st.columns(3)
    a.metric("Train accuracy", f"{last.train_accuracy:.1%}")
    b.metric("Test accuracy", f"{last.test_accuracy:.1%}")
    costs = f"Train cost {last.train_cost:.4f}, test cost {last.test_cost:.4f}."
    if run.status == "loaded":
        c.metric("Trained iterations", f"{run.prior_iterations}", help=f"Before it was saved. {costs}")
    else:
        state = {"finished": "Finished", "stopped": "Stopped"}[run.status]
        if run.prior_iterations:
            c.metric(f"{state} after iterations", f"{run.total_iterations}",
                     help=f"{last.iteration} here, after {run.prior_iterations} before it was saved. {costs}")
        else:
            c.metric(f"{state} at iteration", f"{last.iteration}", help=costs)
    if task.all_ten:
        st.info("**Reading the weight maps:** each map is one neuron, the one for that digit. Blue pixels raise "
                "its score z when they are inked, red pixels lower it; the digit whose neuron scores highest wins.")
    else:
        yes, no = task.class_names[1], task.class_names[0]
        st.info(f"**Reading the weight map:** ink on a blue pixel pushes z = w·x + b up, toward **{yes}**; ink on "
                f"a red pixel pushes it down, toward **{no}**; white pixels do not matter. The neuron says "
                f"{yes} when z > 0, that is, when a = sigmoid(z) > 0.5.")
    predicted, confidence = run.predictions()
    wrong = run.misread()
    left, right = st.columns(2)
    with left:
        st.subheader("Confusion matrix (test set)")
        _shared.show(figures.confusion_matrix(run.data.y_test, predicted, task.class_names), "confusion")
    with right:
        st.subheader(f"Misread test digits: {len(wrong)} of {len(predicted)}")
        if len(wrong):
            shown = wrong[:12]
            most = f"The {len(shown)} most confident mistakes" if len(wrong) > len(shown) else "Each one"
            if task.all_ten:
                titles = [f"{task.class_names[predicted[i]]} {confidence[i]:.0%}" for i in shown]
                st.caption(f"{most}, with what the model said and how sure it was.")
            else:  # a wrong answer of a two-class model is always the other class: say only how sure
                titles = [f"{confidence[i]:.0%}" for i in shown]
                st.caption(f"{most}, with how sure the model was of its wrong answer (the other class).")
            _shared.show(figures.digit_row(run.data.X_test[shown], titles, columns=6), "misread")
        else:
            st.success("The model reads every test digit right.")


def live_panel(side_by_side: bool = False) -> None:
    """Buttons, progress, learning curve and weight maps; the charts one above the other, or
    side by side (presentation mode). Not a fragment: a click on Stop must interrupt the
    training loop, and only a rerun of the whole page does that."""
    run = _shared.current_run()
    training = bool(st.session_state.get(_shared.TRAINING_KEY)) and run is not None
    settings, initial = st.session_state.get(SETTINGS, (None, None))
    buttons(settings, initial, run, training)
    if run is not None and not training and settings is not None and settings != run.settings:
        st.caption(f"The charts show {_shared.run_name(run)}: {run.settings.label}. Press **Train** to train with "
                   "the settings chosen now.")
    progress = st.empty()
    shown_task = run.settings.task if run is not None else settings.task if settings is not None else None
    ten_maps = shown_task is not None and shown_task.all_ten  # ten maps need as much room as the curve
    curve_area, weights_area = (st.columns([1, 1] if ten_maps else [3, 2], gap="large") if side_by_side
                                else (st.container(), st.container()))
    with curve_area:
        curve = _live.curve_slot()
    log_y = st.session_state.get("log_y", False)
    if not _shared.presenting():
        log_y = st.toggle("Log scale for the cost", key="log_y", persist_state="session")
    with weights_area:
        view = _live.View(progress, curve, _live.weights_slot(), log_y)
    if run is None:
        progress.progress(0.0, text="Press **Train**: the cost falls and the weights take shape here.")
        if settings is not None:  # the empty charts, so that training starts in a page that does not move
            view.show_empty(settings.task, settings.iterations)
    elif training:
        view.train(run, keep_going=lambda: st.session_state.get(_shared.TRAINING_KEY))
        st.session_state[_shared.TRAINING_KEY] = False
        st.rerun()  # now the results below and the sidebar's summary
    elif run.last is not None:
        view.show(run)


def settings_panel(presenting: bool) -> None:
    """Task, examples and hyperparameters; the settings (or what is wrong) go to the session."""
    task, task_problem = task_picker()
    if task_problem:
        st.error(task_problem, icon=":material/block:")
    elif not presenting:
        show_examples(task)
        my_drawings(task)
    settings, settings_problem = hyperparameters(task, show=not presenting) if task else (None, None)
    if settings_problem:
        st.error(settings_problem, icon=":material/block:")
    initial_run = None if presenting else start_from(settings)
    st.session_state[SETTINGS] = (settings, initial_run)
    if settings is not None:
        st.query_params.update(settings_to_query(settings))  # the address is always a link to this screen
    if not presenting:
        model_file(_shared.current_run())


# -- the page ----------------------------------------------------------------------------------

def page() -> None:
    """Lay the page out (the script pages/train.py calls this on every run)."""
    apply_link()
    apply_pending_settings()
    st.header("Train a neuron")
    if st.session_state.get(LINK_IGNORED):
        st.warning("The link had values that cannot be used, so their defaults are used instead: "
                   + "; ".join(st.session_state[LINK_IGNORED]) + ".", icon=":material/link_off:")
    if _shared.presenting():  # the task and Train/Stop on top, the charts side by side, large
        settings_panel(presenting=True)
        live_panel(side_by_side=True)
    else:
        controls, view = st.columns([2, 3], gap="medium")
        with controls:
            st.caption("Pick the digits to tell apart, set the hyperparameters, press **Train**, and watch the cost "
                       "fall and the 64 weights turn into a picture.")
            settings_panel(presenting=False)
        with view:
            live_panel()

    current = _shared.current_run()
    if current is not None and current.last is not None and not st.session_state.get(_shared.TRAINING_KEY):
        results(current)
