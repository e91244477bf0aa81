"""Train: choose digits and hyperparameters, press Train, watch the neuron learn."""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

from lrviz import figures
from lrviz.data import Task, TaskData
from lrviz.links import settings_from_query, settings_to_query
from lrviz.model_file import model_from_json, model_to_json, run_from_saved
from lrviz.optimizers import Solver
from lrviz.runs import Run, RunStatus, Step
from lrviz.settings import SETTINGS, Settings
from pages import _live, _settings, _shared

PRESETS = {"0 vs 1": "0v1", "2 vs rest": "2vrest", "all ten": "all", "custom": None}
DIGIT_OPTIONS = list(range(10))
TRAIN_SETTINGS = "train_settings"  # session key: (Settings or None, the run to start from) for the live panel
LAST_STEP = "last_step"  # session key: (run, Step) of the last press of Step
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
    })
    _settings.put(settings)


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


#: The line of help under the solver: its update rule, in the notation of How it works (α the learning rate,
#: dw the gradient).
SOLVER_RULES = {
    Solver.GD: "Each update: w ← w − α·dw, a step down the gradient dw.",
    Solver.MOMENTUM: "Each update: v ← μ·v − α·dw, then w ← w + v: the steps build up speed where the "
                     "gradient keeps its direction.",
    Solver.ADAM: "Each update moves every weight by about α, the way its gradient has mostly pointed "
                 "(running averages of dw and dw²).",
    Solver.NEWTON: "Each update jumps to the minimum of the cost's quadratic model (the Hessian): a handful "
                   "of updates reach the optimum, each costing far more.",
}


def solver_note(settings: Settings) -> str:
    """A line of help under the solver: its update rule."""
    return SOLVER_RULES[Solver(settings.solver)]


def batch_note(settings: Settings) -> str:
    """A line of help under the batch size: how many examples an update sees, and updates a pass."""
    m = len(_shared.task_data(settings.task.code, settings.test_size).X_train)
    if settings.solver == Solver.NEWTON:
        return f"Newton's method always uses all {m} training digits."
    if settings.batch_size is None or settings.batch_size >= m:
        return f"Every update uses all {m} training digits."
    per_epoch = -(-m // settings.batch_size)
    return f"Each update uses {settings.batch_size} of the {m} training digits: {per_epoch} updates a pass."


def hyperparameters(task: Task, show: bool = True) -> tuple[Settings | None, str | None]:
    """The hyperparameter widgets (or, when hidden, their last values), drawn from the settings table;
    returns (settings, None) or (None, what is wrong)."""
    _settings.set_defaults()
    settings, problem = _settings.read(task)  # the values the widgets are about to show
    if show:
        _settings.draw_all(settings, notes={"solver": solver_note, "batch_size": batch_note})
    elif settings is not None:
        st.caption(f"{settings.label}.", help="Presentation mode shows only the essential controls; switch it off "
                   "in the sidebar to change the other settings.")
    return settings, problem


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
        st.caption("One example of each digit, with how many examples of it there are:")
        _shared.show_static("examples_all", examples_figure, task.code, None)
        return
    for name, count, _ in _shared.task_examples(task.code, 10):
        st.caption(f"**{name}**: {count} examples")
        _shared.show_static(f"examples_{name}", examples_figure, task.code, name)


def examples_figure(task_code: str, side: str | None) -> figures.Figure:
    """Ten examples of one side of a task; for all ten digits (`side` None), one of each digit with its count."""
    if side is None:
        rows = _shared.task_examples(task_code, 1)
        images = np.concatenate([images for _, _, images in rows])
        return figures.digit_row(images, [f"{name}: {count}" for name, count, _ in rows], columns=5)
    images = next(images for name, _, images in _shared.task_examples(task_code, 10) if name == side)
    return figures.digit_row(images, height=60)


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


def model_file():
    """Load a model to use here and on the Draw page, or download the current one: returns the place
    of the download, which `model_download` fills once the page has trained (or not)."""
    with st.expander("Save or load a model", icon=":material/save:"):
        download = st.empty()
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
    return download


def model_download(place, run: Run | None) -> None:
    """The current model as a JSON file, written when it is downloaded (not at every page run)."""
    with place.container():
        if run is not None and run.last is not None:
            st.download_button("Download this model (JSON)", functools.partial(model_to_json, run), key="save_model",
                               file_name=f"lrviz-{run.settings.task.code}-{run.last.iteration}it.json",
                               mime="application/json", icon=":material/download:", on_click="ignore",
                               help="Weights, classes, task and hyperparameters, as plain JSON.")
        else:
            st.caption("Train a model to download it.")


# -- buttons -------------------------------------------------------------------------------

def new_run(settings: Settings, initial: Run | None) -> Run:
    """A new run of these settings (from `initial`'s start, if given), now the session's current run."""
    weights = None
    origin = None
    if initial is not None:
        first = initial.start
        weights, origin = (first.coef, first.intercept), f"from the start of {_shared.run_name(initial)}"
    run = Run(settings, training_data(settings), initial_weights=weights, origin=origin)
    st.session_state[_shared.RUN_KEY] = run
    _shared.remember(run)  # now: a run that is stopped, or left for another page, is kept too
    st.session_state.pop(LINK_IGNORED, None)
    return run


def start(settings: Settings, initial: Run | None) -> None:
    new_run(settings, initial)
    st.session_state[_shared.TRAINING_KEY] = True


def stop() -> None:
    st.session_state[_shared.TRAINING_KEY] = False


def go_on() -> None:
    run = _shared.current_run()
    if run.status == RunStatus.FINISHED:
        run.extend()
    st.session_state[_shared.TRAINING_KEY] = True


def reset() -> None:
    st.session_state[_shared.RUN_KEY] = None
    st.session_state[_shared.TRAINING_KEY] = False


def step_once(settings: Settings, initial: Run | None) -> None:
    """Make exactly one update of the current run; of a new run of these settings when there is none,
    the settings changed, or the run diverged (its steps are over)."""
    run = _shared.current_run()
    if run is None or run.settings != settings or run.status == RunStatus.DIVERGED:
        run = new_run(settings, initial)
    st.session_state[_shared.TRAINING_KEY] = False
    with _shared.TRAINING_TURNS.turn():
        st.session_state[LAST_STEP] = (run, run.step())


def buttons(settings: Settings | None, initial: Run | None, run: Run | None, training: bool) -> None:
    """Train and Stop; Step, Continue and Reset too, but not in presentation mode (there the page shows
    the essential controls only, and the settings that make a step worth watching are hidden). One row
    in the order the eye reads them, which is also the keyboard's: it wraps on a narrow screen."""
    presenting = _shared.presenting()
    width = "stretch" if presenting else "content"
    # While a run trains, the row's keys end in "_running": when it ends, the row is drawn again in
    # the same script run, idle, under the usual keys (Streamlit takes a key once per run).
    running = "_running" if training else ""
    row = st.container(horizontal=True, gap="small", key=f"train_buttons{running}")
    row.button("Train", key=f"train{running}", type="primary", icon=":material/play_arrow:", on_click=start,
               args=(settings, initial), disabled=settings is None or training, width=width,
               help="Start a new run from the initial weights with these settings.")
    if not presenting:
        row.button("Step", key=f"step{running}", icon=":material/skip_next:", on_click=step_once,
                   args=(settings, initial),
                   disabled=settings is None or training, width=width,
                   help="Make exactly one update (one mini-batch) and see what it changed: the cost before and "
                        "after, and the change of every weight. A new run starts if the settings changed.")
    row.button("Stop", key=f"stop{running}", icon=":material/stop:", on_click=stop, disabled=not training,
               width=width, help="Stop at the next snapshot and keep the model as it is.")
    if presenting:
        return
    can_go_on = run is not None and run.status in (RunStatus.LOADED, RunStatus.STOPPED,
                                                   RunStatus.FINISHED) and not training
    row.button("Continue", key=f"continue{running}", icon=":material/fast_forward:", on_click=go_on,
               disabled=not can_go_on, width=width,
               help="Train further from where the run stopped (another round of iterations once finished).")
    row.button("Reset", key=f"reset{running}", icon=":material/restart_alt:", on_click=reset,
               disabled=run is None, width=width, help="Forget the current run (it stays on Explore).")


def step_result(run: Run, step: Step) -> None:
    """What the last press of Step changed: the costs before and after, the weights' change, the batch."""
    task, data = run.settings.task, run.data
    before, after = step.before, step.after
    with st.container(key="step_result"):
        batch = step.batch
        examples = (f"a mini-batch of {len(batch)} of the {len(data.X_train)} training digits" if batch is not None
                    else f"all {len(data.X_train)} training digits")
        solver = SETTINGS["solver"].format(run.settings.solver)
        st.markdown(f"**One update** of {_shared.run_name(run)} ({solver}), iteration {before.iteration} → "
                    f"{after.iteration}, on {examples}:")
        a, b, c = st.columns(3)
        a.metric("Training cost", f"{after.train_cost:.4f}", f"{step.cost_change:+.3g}", delta_color="inverse",
                 help=f"The cost on all training digits: {before.train_cost:.6f} before, {after.train_cost:.6f} "
                      "after.")
        if batch is not None:
            b.metric("Mini-batch cost", f"{step.batch_cost_after:.4f}",
                     f"{step.batch_cost_after - step.batch_cost_before:+.3g}", delta_color="inverse",
                     help=f"The cost on the {len(batch)} digits the update used: {step.batch_cost_before:.6f} before, "
                          f"{step.batch_cost_after:.6f} after. It falls more than the whole set's: the update "
                          "was made for them.")
        if after.test_accuracy is not None:
            c.metric("Test accuracy", f"{after.test_accuracy:.1%}",
                     f"{(after.test_accuracy - before.test_accuracy) * 100:+.1f} points")
        if after.stop_reason == "diverged":
            st.caption("This update blew the cost up: the run diverged (see below).")
        change = step.coef_change
        limit = float(np.max(np.abs(change)))
        st.caption(f"How the update moved each weight (ΔW, largest {limit:.3g}): blue went up, red went down.")
        if task.all_ten:
            figure = figures.weight_maps(change, task.class_names, name="ΔW")
        else:
            figure = figures.signed_map(change[0], name="ΔW", height=220)
        _shared.show(figure, "step_change", description=f"The change of the weights by update {after.iteration}: "
                                                         f"at most {limit:.3g} in size.")
        if batch is not None:
            shown = batch[:16]
            more = f" (the first {len(shown)} shown)" if len(batch) > len(shown) else ""
            st.caption(f"The digits of this mini-batch{more}:")
            _shared.show(figures.digit_row(data.X_train[shown], [str(d) for d in data.digits_train[shown]],
                                           columns=8), "step_batch",
                         description=f"The {len(batch)} training digits the update averaged over.")


# -- results ---------------------------------------------------------------------------------

def results(run: Run) -> None:
    """What a finished or stopped run shows below the live charts."""
    last, task = run.last, run.settings.task
    if run.status == RunStatus.DIVERGED:
        divergence = run.divergence
        st.error(f"**Training diverged:** {divergence.what_happened}. {divergence.advice}", icon=":material/warning:")
        st.caption("A run that diverged has no model worth reading: its accuracy and misread digits are not shown. "
                   "Train again with the learning rate suggested.")
        return
    if run.origin:
        st.caption(f"This run started {run.origin}.")
    a, b, c = st.columns(3)
    a.metric("Train accuracy", f"{last.train_accuracy:.1%}")
    b.metric("Test accuracy", f"{last.test_accuracy:.1%}")
    costs = f"Train cost {last.train_cost:.4f}, test cost {last.test_cost:.4f}."
    if run.status == RunStatus.LOADED:
        c.metric("Trained iterations", f"{run.prior_iterations}", help=f"Before it was saved. {costs}")
    else:
        state = {RunStatus.FINISHED: "Finished", RunStatus.STOPPED: "Stopped"}[run.status]
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


def live_panel(top, side_by_side: bool = False) -> None:
    """Buttons and progress (in `top`: a container placed where they are seen first, above the
    settings, and so first for the keyboard too), learning curve and weight maps; the charts one
    above the other, or side by side (presentation mode). Not a fragment: a click on Stop must
    interrupt the training loop, and only a rerun of the whole page does that."""
    run = _shared.current_run()
    training = bool(st.session_state.get(_shared.TRAINING_KEY)) and run is not None
    settings, initial = st.session_state.get(TRAIN_SETTINGS, (None, None))
    with top:
        button_row = st.empty()
        with button_row.container():
            buttons(settings, initial, run, training)
        if run is not None and not training and settings is not None and settings != run.settings:
            st.caption(f"The charts show {_shared.run_name(run)}: {run.settings.label}. Press **Train** to train "
                       "with the settings chosen now.")
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
        if run.status == RunStatus.DIVERGED:
            st.rerun()  # its curve is drawn anew, spanning the iterations it ran
        # the run is over: the page goes on from here (the results below, the sidebar's summary)
        # instead of running again, which would cost a class's server a second page run per Train
        with button_row.container():
            buttons(settings, initial, run, training=False)
        with curve_area:
            _shared.curve_table(run.curve, "curve_table")
    elif run.last is not None:
        view.show(run)
        with curve_area:
            _shared.curve_table(run.curve, "curve_table")
        last_step = st.session_state.get(LAST_STEP)
        if last_step is not None and last_step[0] is run and last_step[1].after is run.last:
            step = last_step[1]
            # the step's outcome where the eye is, in the progress line (one line: the page does not move)
            progress.progress(min(1.0, run.iteration / max(run.target, 1)),
                              text=f"Iteration {run.iteration} of {run.target} · **Step**: cost "
                                   f"{step.before.train_cost:.4f} → {step.after.train_cost:.4f}, details below")
            step_result(run, step)


def settings_panel(presenting: bool):
    """Task, examples and hyperparameters; the settings (or what is wrong) go to the session. Returns
    the place of the model's download (None in presentation mode)."""
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
    st.session_state[TRAIN_SETTINGS] = (settings, initial_run)
    if settings is not None:
        st.query_params.update(settings_to_query(settings))  # the address is always a link to this screen
    if not presenting:
        return model_file()
    return None


# -- the page ----------------------------------------------------------------------------------

def page() -> None:
    """Lay the page out (the script pages/train.py calls this on every run)."""
    apply_link()
    apply_pending_settings()
    st.header("Train a neuron", anchor=False)  # no hidden link to the heading in the Tab order
    if st.session_state.get(LINK_IGNORED):
        st.warning("The link had values that cannot be used, so their defaults are used instead: "
                   + "; ".join(st.session_state[LINK_IGNORED]) + ".", icon=":material/link_off:")
    if _shared.presenting():  # the task and Train/Stop on top, the charts side by side, large
        settings_panel(presenting=True)
        live_panel(st.container(), side_by_side=True)
    else:
        st.caption("Pick the digits to tell apart, set the hyperparameters, press **Train**, and watch the cost "
                   "fall and the 64 weights turn into a picture.")
        top = st.container(key="train_top")  # filled by live_panel, which needs the settings drawn below
        controls, view = st.columns([2, 3], gap="medium")
        with controls:
            download = settings_panel(presenting=False)
        with view:
            live_panel(top)
        model_download(download, _shared.current_run())  # (after live_panel: the model it may have trained)

    current = _shared.current_run()
    if current is not None and current.last is not None and not st.session_state.get(_shared.TRAINING_KEY):
        results(current)
