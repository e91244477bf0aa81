"""Explore: compare the session's runs (solvers side by side from the same start), and replay one."""

from __future__ import annotations

import streamlit as st

from lrviz import figures
from lrviz.optimizers import Solver
from lrviz.runs import NEWTON_ITERATIONS, Run, solver_runs
from lrviz.settings import SETTINGS, SOLVER_LEARNING_RATES, SOLVER_NAMES, Settings
from pages import _live, _settings, _shared
from pages.layout.train import TRAIN_SETTINGS

COMPARE_RUNS = "compare_runs"  # widget key: the runs on the comparison chart (by their names)
COMPARE_X = "compare_x"  # widget key: the chart's x axis
X_AXES = {figures.XAxis.ITERATIONS: "iterations", figures.XAxis.SECONDS: "computing time",
          figures.XAxis.EPOCHS: "examples seen"}
SOLVERS_FROM = "solvers_from"  # widget key: where a comparison of solvers starts
SOLVERS = "solvers"  # widget key: the solvers compared
SOLVERS_RATES_FOR = "solvers_rates_for"  # session key: the start the learning rates' defaults were set for
PENDING = "solvers_pending"  # session key: runs of a comparison of solvers still to train
TRAIN_PAGE = "the Train page's settings"


def remove(runs: list) -> None:
    history = _shared.history()
    for run in runs:
        if run in history:
            history.remove(run)


def _formatted(row: dict) -> dict:
    """A table row with accuracies in percent and costs to four decimals."""
    def show(name, value):
        if value is None or name not in ("train accuracy", "test accuracy", "train cost", "test cost"):
            return value
        return f"{value:.1%}" if "accuracy" in name else _cost(value)

    return {name: show(name, value) for name, value in row.items()}


def _cost(value: float) -> str:
    """A cost to four decimals, or in powers of ten once it has blown up."""
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3g}"


def run_title(run: Run) -> str:
    """A run as the pickers name it: "run 3: 0 vs 1 · lr 0.05 · …"."""
    return f"{_shared.run_name(run)}: {run.label}"


def compare(runs: list) -> None:
    st.subheader("Compare runs")
    names = {run_title(run): run for run in runs}
    chosen = [name for name in st.session_state.get(COMPARE_RUNS, list(names)[-3:]) if name in names]
    st.session_state[COMPARE_RUNS] = chosen  # (runs removed since are left out)
    chosen = st.multiselect("Runs to compare", list(names), key=COMPARE_RUNS,
                            help="Every run of this session, named by its settings.")
    picked = [names[name] for name in chosen]
    a, b, c = st.columns([2, 2, 3], vertical_alignment="center")
    a.button("Remove picked", key="remove_runs", icon=":material/delete:", on_click=remove,
             args=(picked,), disabled=not picked)
    b.button("Clear all runs", key="clear_runs", icon=":material/delete_sweep:", on_click=remove, args=(list(runs),))
    log_y = c.toggle("Log scale", key="compare_log", help="A log scale shows the slow end of training.")
    x_axis = st.segmented_control("Against", list(X_AXES), format_func=X_AXES.get, key=COMPARE_X, required=True,
                                  default=figures.XAxis.ITERATIONS,
                                  help="Iterations: updates made. Computing time: the seconds of CPU training took, "
                                       "without the waits of a busy server (what the solver itself costs). Examples "
                                       "seen: passes over the training set (an update of a mini-batch of 32 sees 32 "
                                       "examples).")
    if not picked:
        st.info("Pick one or more runs to see their learning curves side by side.")
        return
    costs = [cost for run in picked for cost in run.curve.train_cost]
    if not log_y and costs and max(costs) > 100 * min(costs):
        st.caption("The costs differ by more than a factor of 100: switch on **Log scale** to see every curve.")
    lines = [figures.RunLine(_shared.run_name(run), run.curve, _shared.run_color(run), run.updates_per_epoch)
             for run in picked]
    with st.container(key="compare_curves"):
        _shared.show(figures.compare_curves(lines, log_y=log_y, x_axis=figures.XAxis(x_axis)), "compare_chart",
                     description=compare_text(picked, figures.XAxis(x_axis)))
    rows = [_formatted({"name": _shared.run_name(run)} | run.summary() | {"seconds": _seconds(run)}) for run in picked]
    st.container(key="compare_table").table(rows, hide_index=True)


def _seconds(run: Run) -> str:
    """How long the run's training computed, e.g. "0.35 s"."""
    seconds = run.curve.seconds[-1] if len(run.curve) else float("nan")
    return "" if seconds != seconds else f"{seconds:.2f} s"


def compare_text(runs: list, x_axis: figures.XAxis) -> str:
    """The comparison chart in words, for screen readers."""
    parts = []
    for run in runs:
        last = run.last
        if last is not None:
            parts.append(f"{_shared.run_name(run)} ({run.label}) ends at train cost {last.train_cost:.4f} after "
                         f"{last.iteration} iterations, {_seconds(run) or 'an unknown time'}")
    return f"Learning curves against {X_AXES[x_axis]}: " + "; ".join(parts) + "."


# -- solvers side by side ------------------------------------------------------------------------

def comparison_start(runs: list) -> tuple[Settings, Run | None]:
    """The start picker of a comparison of solvers: (the settings to vary, the run whose initial weights all
    take, or None for the settings' own initialisation)."""
    train_settings = st.session_state.get(TRAIN_SETTINGS, (None, None))[0] or Settings()
    started = [run for run in runs if run.start is not None]
    choices = {f"{TRAIN_PAGE}: {train_settings.label}": None} | {f"the start of {run_title(run)}": run
                                                                  for run in reversed(started)}
    if st.session_state.get(SOLVERS_FROM) not in choices:
        st.session_state[SOLVERS_FROM] = next(iter(choices))
    choice = st.selectbox("Start from", list(choices), key=SOLVERS_FROM,
                          help="Every solver starts from the same initial weights and meets the same mini-batches: "
                               "those of the Train page's settings, or the initial weights of an earlier run. They "
                               "keep its other settings (task, iterations, L2, batch size, ...).")
    start = choices[choice]
    return (start.settings if start is not None else train_settings), start


def learning_rates(base: Settings, solvers: list[str], choice: str) -> dict[str, float | None]:
    """A learning rate widget for each solver that takes one (default: the start's own for its solver,
    else `SOLVER_LEARNING_RATES`); returns {solver: learning rate (None for Newton's method)}."""
    entry = SETTINGS["learning_rate"]
    if st.session_state.get(SOLVERS_RATES_FOR) != choice:  # a new start: its defaults
        st.session_state[SOLVERS_RATES_FOR] = choice
        for solver in Solver:
            if solver != Solver.NEWTON:
                rate = base.learning_rate if solver == base.solver else SOLVER_LEARNING_RATES[solver]
                st.session_state[f"solvers_lr_{solver}"] = _settings.to_widget(entry, rate)
    rates: dict[str, float | None] = {}
    stepped = [solver for solver in solvers if solver != Solver.NEWTON]
    columns = st.columns(max(len(stepped), 1))
    for solver, column in zip(stepped, columns, strict=False):
        value = _settings.draw(entry, container=column, key=f"solvers_lr_{solver}", persist=False,
                               label=f"{SOLVER_NAMES[Solver(solver)]}: learning rate")
        rates[solver] = _settings.from_widget(entry, value)
    if Solver.NEWTON in solvers:
        rates[Solver.NEWTON] = None
        st.caption(f"Newton's method needs no learning rate, and makes at most {NEWTON_ITERATIONS} iterations: it "
                   "reaches the optimum in about ten, and each costs as much as a hundred of the others (it solves "
                   "a system of every weight).")
    return rates


def queue_comparison(base: Settings, rates: dict[str, float | None], start: Run | None) -> None:
    """The runs of a comparison: remembered as the session's, shown on the chart, trained next."""
    data = _shared.task_data(base.task.code, base.test_size)
    runs = solver_runs(base, rates, start=start, data=data if start is None else None)
    for run in runs:
        _shared.remember(run)
    st.session_state[PENDING] = runs
    st.session_state[COMPARE_RUNS] = [run_title(run) for run in runs]


def solver_comparison(runs: list) -> None:
    """Pick a start, solvers and their learning rates, and train them side by side."""
    with st.container(key="solver_comparison", border=True):
        st.subheader("Solvers side by side")
        st.caption("Train gradient descent, momentum, Adam and Newton's method from the same start, then compare "
                   "their curves against iterations, computing time or examples seen.")
        base, start = comparison_start(runs)
        solvers = st.pills("Solvers", list(Solver), selection_mode="multi", default=list(Solver), key=SOLVERS,
                           format_func=lambda solver: SOLVER_NAMES[Solver(solver)],
                           help="The solvers to train: one run each, the same in everything else.")
        rates = learning_rates(base, [str(solver) for solver in solvers], st.session_state[SOLVERS_FROM])
        batch = "full batches" if base.batch_size is None else f"mini-batches of {base.batch_size}"
        st.caption(f"Each run: {base.task.name}, {base.iterations} iterations, L2 {base.l2:g}, {batch}"
                   + (f", from the start of {_shared.run_name(start)}." if start is not None else
                      f", initial weights {SETTINGS['init'].format(base.init)}."))
        if st.session_state.get(PENDING):  # (before the button: once they are trained, it can be pressed again)
            train_comparison(st.session_state[PENDING])
        st.button("Train them side by side", key="compare_solvers", type="primary", icon=":material/play_arrow:",
                  on_click=queue_comparison, args=(base, rates, start), disabled=not solvers,
                  help="New runs of this session, one per solver, trained one after another.")


def train_comparison(pending: list) -> None:
    """Train the comparison's runs one after another (through the one training loop, in turns with the other
    sessions), with a progress bar; a click elsewhere ends it there, and the next run of the page goes on."""
    progress = st.progress(0.0, text="Training the solvers…")
    total = sum(run.target for run in pending)

    def report(current: Run) -> None:
        done = sum(min(run.iteration, run.target) for run in pending)
        solver = SOLVER_NAMES[Solver(current.settings.solver)]
        progress.progress(min(1.0, done / max(total, 1)), text=f"Training {_shared.run_name(current)} ({solver}): "
                                                                f"iteration {current.iteration} of {current.target}")

    for run in pending:
        _live.train_in_turns(run, report)
    st.session_state.pop(PENDING, None)
    progress.empty()


def replay(runs: list) -> None:
    st.subheader("Replay a run")
    names = {f"{_shared.run_name(run)}: {run.label}": run for run in runs}
    name = st.selectbox("Run", list(names), index=len(names) - 1, key="replay_run")
    run = names[name]
    points = run.replay_points()
    if len(points) < 2:
        st.info("This run has no training to replay yet.")
        return
    iteration = st.select_slider("Iteration (log-spaced: the first iterations change the most)", points,
                                 value=points[-1], key="replay_iteration")
    upto = run.curve.upto(iteration)
    coef, _ = run.weights_at(iteration)
    # one colour scale for the whole replay; a run that blew up gets its own at each iteration
    diverged = run.status == "diverged"
    limit = None if diverged else figures.weight_limit([run.weights_at(i)[0] for i in points])
    curve, weights = st.columns([1, 1] if run.settings.task.all_ten else [3, 2])
    with curve, st.container(key="replay_curve"):
        _shared.show(figures.learning_curve(upto, max_iteration=run.iteration, log_x=True), "replay_curve_chart")
        st.caption(f"Iteration {iteration}: train cost {_cost(upto.train_cost[-1])}, test accuracy "
                   f"{upto.test_accuracy[-1]:.1%}.")
        _shared.curve_table(upto, "replay_table", what=f"the curve up to iteration {iteration}")
    with weights, st.container(key="replay_weights"):
        _shared.show(figures.weight_maps(coef, run.settings.task.class_names, limit=limit), "replay_weights_chart")
        if diverged:
            st.caption("This run diverged and its weights grew without bound, so the colour scale is set anew "
                       "at each iteration.")



def page() -> None:
    """Lay the page out (the script pages/explore.py calls this on every run)."""
    st.header("Explore")
    st.caption(f"This session's last {_shared.MAX_RUNS} runs are kept here (older ones are forgotten first): compare "
               "their learning curves, or replay one to see how the weights took shape. Train runs on the Train page.")
    solver_comparison(_shared.history())
    runs = _shared.history()
    if not runs:
        st.info("No runs yet in this session. Train one on the Train page, or solvers side by side above, and it "
                "appears here.", icon=":material/monitoring:")
    else:
        compare(runs)
        st.divider()
        replay(runs)
